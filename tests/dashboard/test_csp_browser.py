"""In Chromium, with the real database: every page renders under the Content-Security-Policy
without a single violation (Dash's inline script is allowed by its hash, nothing else is)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RECORD = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push("
    "e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"
)
PAGES = {
    "/?couche=arrondissement&reg=28": "path.ti-feature",
    "/redecoupage?reg=28": ".rd-counts",
    "/progres": ".js-plotly-plot",
    "/sources": "table, .ag-root",
    "/territoire/2023/ti-2801": "h1",
    "/comparer?couche=ti2023&cmp=ti-2802,ti-8413": ".ti-compare-grid",
}


@pytest.fixture
def page(browser, base_url):
    """A page with the policy enforced (the shared ``page`` fixture bypasses it for its probes)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base_url)
    pg = ctx.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.add_init_script(RECORD)
    yield pg
    ctx.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_without_a_policy_violation(page, path):
    r = page.goto(path)
    assert r.status == 200
    assert "script-src 'self' 'sha256-" in r.headers["content-security-policy"]
    page.locator(PAGES[path]).first.wait_for(timeout=60000)
    page.wait_for_load_state("networkidle")  # late chunks (plotly, ag-grid) after the first paint
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_an_unknown_address_is_a_404_with_the_french_page(page):
    r = page.goto("/nulle-part")
    assert r.status == 404
    page.get_by_text("Page introuvable").wait_for(timeout=60000)
