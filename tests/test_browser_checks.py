"""The browser checks can fail: each is run once on a deliberately broken copy of the built site."""
from __future__ import annotations

import shutil

import pytest

from helpers import browser

PAGE = "generated/overview.html"  # two charts, each of layers

pytestmark = pytest.mark.browser


@pytest.fixture
def broken_site(tmp_path, built_site):
    copy = tmp_path / "html"
    shutil.copytree(built_site, copy)
    return copy


def visit(chromium, site_dir, path=PAGE):
    with browser.serve(site_dir) as url:
        return browser.visit_page(chromium, url + path), url


def test_a_missing_chart_library_is_caught(chromium, broken_site):
    charts_on_page = (broken_site / PAGE).read_text(encoding="utf-8").count('class="tradetalks-chart"')
    assert charts_on_page >= 2
    (broken_site / "_static" / "vega-bundle.js").unlink()
    v, _ = visit(chromium, broken_site)
    assert len(v.undrawn_charts) == charts_on_page
    assert any("404" in f for f in v.failed_requests)


def test_a_chart_that_fails_to_draw_is_caught(chromium, broken_site):
    page = broken_site / PAGE
    html = page.read_text(encoding="utf-8")
    # corrupt the first chart's spec: its layers are no longer a list
    assert '"layer":[' in html
    page.write_text(html.replace('"layer":[', '"layer":"not a list of layers","x":[', 1), encoding="utf-8")
    v, _ = visit(chromium, broken_site)
    assert len(v.undrawn_charts) == 1
    assert v.console_errors or v.page_errors


def test_a_request_to_another_host_is_caught_and_blocked(chromium, broken_site):
    page = broken_site / PAGE
    html = page.read_text(encoding="utf-8")
    # another host on the loopback range, so nothing could leave the machine even unblocked
    page.write_text(html.replace("</body>", '<img src="http://127.0.0.2:9/pixel.png" alt=""></body>'), encoding="utf-8")
    v, url = visit(chromium, broken_site)
    assert v.foreign_requests(url) == ["http://127.0.0.2:9/pixel.png"]
    assert any("127.0.0.2" in f for f in v.failed_requests)  # failed: never sent (to the dead-end proxy at most)


def test_script_that_executes_is_caught(chromium, broken_site):
    # a script file of the site itself (allowed by the policy) that runs: the dialog is recorded
    (broken_site / "_static" / "injected.js").write_text("alert('injected');", encoding="utf-8")
    page = broken_site / PAGE
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", '<script src="../_static/injected.js"></script></body>'), encoding="utf-8")
    v, _ = visit(chromium, broken_site)
    assert v.dialogs == ["alert: injected"]


def test_inline_script_is_blocked_by_the_policy_and_reported(chromium, broken_site):
    page = broken_site / PAGE
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", "<script>alert('inline')</script>"
                                 '<img src="x" onerror="alert(1)" alt=""></body>'), encoding="utf-8")
    v, _ = visit(chromium, broken_site)
    assert v.dialogs == []  # nothing ran
    assert any(x.startswith("script-src") for x in v.csp_violations), v.csp_violations


def test_a_tab_reused_from_page_to_page_counts_each_pages_doings_against_it_alone(chromium, broken_site):
    # the page checks visit page after page in one tab per width: a broken page, then a sound one
    (broken_site / "_static" / "injected.js").write_text("alert('injected'); console.error('broken');", encoding="utf-8")
    page = broken_site / PAGE
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", '<script src="../_static/injected.js"></script>'
                                 '<img src="../_static/missing.png" alt=""><script>alert(1)</script></body>'),
                    encoding="utf-8")
    with browser.serve(broken_site) as url, browser.tab(chromium) as tab:
        bad = tab.visit(url + PAGE)
        sound = tab.visit(url + "generated/actors.html")
    assert bad.dialogs == ["alert: injected"] and "broken" in bad.console_errors
    assert any("missing.png" in f for f in bad.failed_requests)
    assert any(x.startswith("script-src") for x in bad.csp_violations)
    assert (sound.dialogs, sound.console_errors, sound.failed_requests, sound.csp_violations) == ([], [], [], [])
    assert sound.requests[0] == url + "generated/actors.html" and not any(PAGE in r for r in sound.requests)
