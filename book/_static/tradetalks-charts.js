/* Draws every chart of a page with the local Vega bundle (vega-bundle.js, loaded before this file).
   Each chart is a container holding a static image, followed by its spec as inert JSON
   (<script type="application/json">): no inline script runs, so the site's Content-Security-Policy
   can forbid them. The static image stays if the chart cannot be drawn, and the error is logged.
   Charts are laid out to the width of their container (Vega-Lite width "container"): Vega lays them
   out again when the window is resized, and this script tells it when only the column changed (a
   sidebar opened or closed). */
(function () {
  "use strict";
  var resizeTimer = null;

  function relayout() {
    if (resizeTimer) { window.clearTimeout(resizeTimer); }
    resizeTimer = window.setTimeout(function () {
      resizeTimer = null;
      window.dispatchEvent(new Event("resize"));
    }, 150);
  }

  function watchWidth(el) {
    if (typeof window.ResizeObserver !== "function") { return; }
    var width = el.clientWidth;
    new window.ResizeObserver(function () {
      if (Math.abs(el.clientWidth - width) >= 2) {
        width = el.clientWidth;
        relayout();
      }
    }).observe(el);
  }

  function drawAll() {
    var blocks = document.querySelectorAll("script.tradetalks-chart-data");
    Array.prototype.forEach.call(blocks, function (block) {
      var el = block.previousElementSibling;
      if (!el || el.id !== block.getAttribute("data-chart")) {
        el = document.getElementById(block.getAttribute("data-chart"));
      }
      if (!el || el.getAttribute("data-drawn")) { return; }
      el.setAttribute("data-drawn", "pending");
      var data;
      try {
        data = JSON.parse(block.textContent);
      } catch (err) {
        console.error("Chart " + el.id + " could not be drawn: " + err);
        return;
      }
      if (typeof window.vegaEmbed !== "function") {
        console.error("Chart " + el.id + " could not be drawn: vega-bundle.js did not load");
        return;
      }
      var target = document.createElement("div");
      target.className = "tradetalks-chart-live";
      el.appendChild(target);
      window.vegaEmbed(target, data.spec, data.options).then(function () {
        var image = el.querySelector("img.tradetalks-chart-static");
        if (image) { image.remove(); }
        el.setAttribute("data-drawn", "yes");
        watchWidth(el);
      }).catch(function (err) {
        target.remove();
        el.setAttribute("data-drawn", "failed");
        console.error("Chart " + el.id + " could not be drawn: " + err);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
