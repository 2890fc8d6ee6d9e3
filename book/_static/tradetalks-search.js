/* The search page's excerpts without fetching pages (which fails for a site opened from disk): the
   text of every page is in search-pages.js, written by the build; requests for a page are answered
   from it. Any other request goes to the real fetch. */
(function () {
  "use strict";
  var realFetch = window.fetch ? window.fetch.bind(window) : null;
  window.fetch = function (resource, init) {
    var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
    var pages = window.TRADETALKS_SEARCH_PAGES || {};
    var path = url.split("#")[0].split("?")[0].replace(/\.html$/, "");
    for (var name in pages) {
      if (Object.prototype.hasOwnProperty.call(pages, name) &&
          (path === name || path.slice(-(name.length + 1)) === "/" + name)) {
        return Promise.resolve(new Response(pages[name], {headers: {"Content-Type": "text/html"}}));
      }
    }
    return realFetch ? realFetch(resource, init) : Promise.reject(new Error("fetch is not available"));
  };
})();
