"""Every page in headless chromium: axe-core (RGAA / WCAG 2.1 AA rules), the keyboard, a phone
screen (390 x 844), loading signs. Over the real database."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PAGES = [
    "/",
    "/?couche=epci&ind=urssaf_employees_industry&depuis=2010&dep=76&sel=200023414",
    "/redecoupage",
    "/progres",
    "/sources",
    "/territoire/2023/ti-2802",
    "/comparer?couche=ti2023&cmp=ti-2802,ti-8413",
]
PHONE = {"width": 390, "height": 844}
# the page is drawn: its h1, no map or chart loading, no callback running, every shown table's
# columns, header and rows rendered (ag-grid renders them over a few frames after its data arrives), and
# assets/a11y.js's repairs applied (it runs a frame after each change: a busy machine caught axe
# between the two); ``aria-busy`` also covers what a page renders after its map (assets/later.js)
READY = """() => document.querySelector('#page') && document.querySelector('#page h1')
  && !document.querySelector('[aria-busy="true"]')
  && !document.querySelector('[data-dash-is-loading="true"]')
  && [...document.querySelectorAll('.ag-root')].filter(g => g.offsetParent)
       .every(g => !['0', null].includes(g.getAttribute('aria-colcount'))
                   && g.querySelector('.ag-header-row [role="columnheader"]')
                   && (g.querySelector('.ag-center-cols-container [role="row"]')
                       || g.querySelector('.ag-overlay-no-rows-center')
                       || g.getAttribute('aria-rowcount') === '1'))
  && [...document.querySelectorAll('.ag-header-row')]
       .every(r => !r.offsetParent || r.querySelector('[role="columnheader"]'))
  && [...document.querySelectorAll('.dash-dropdown-focus-target')]
       .every(el => el.tabIndex === -1)"""


# then nothing changes in the page for half a second (at most 10 s of waiting)
QUIET = """() => new Promise(ok => {
  const done = () => { mo.disconnect(); clearTimeout(cap); ok(true); };
  let t = setTimeout(done, 500);
  const mo = new MutationObserver(() => { clearTimeout(t); t = setTimeout(done, 500); });
  const cap = setTimeout(done, 10000);
  mo.observe(document.body, {subtree: true, childList: true, attributes: true});
})"""


def _ready(page) -> None:
    page.wait_for_function(READY, timeout=45000)
    page.evaluate(QUIET)
    page.wait_for_function(READY, timeout=45000)


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_violation(page, path):
    page.goto(path)
    _ready(page)
    assert _serious(page) == []
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.errors == []


@pytest.fixture
def phone(browser, base_url):
    ctx = browser.new_context(
        viewport=PHONE, base_url=base_url, is_mobile=True, has_touch=True, bypass_csp=True
    )
    pg = ctx.new_page()
    yield pg
    ctx.close()


@pytest.mark.parametrize("path", PAGES)
def test_on_a_phone_no_page_scrolls_sideways(phone, path):
    phone.goto(path)
    _ready(phone)
    width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path}: {width[0]} px wide in a {width[1]} px screen"
    assert _serious(phone) == []


def test_on_a_phone_the_map_comes_first_and_the_settings_are_folded(phone):
    phone.goto("/")
    _ready(phone)
    top = phone.evaluate(
        "[document.querySelector('#carte-map').getBoundingClientRect().top,"
        " document.querySelector('#carte-settings').getBoundingClientRect().top,"
        " document.querySelector('#carte-settings').open]"
    )
    assert top[0] < top[1] and top[0] < 844 / 2 and top[2] is False
    phone.click("#carte-settings summary")
    phone.locator("#carte-layer").wait_for()  # unfolded: the settings are there


def test_profile_is_one_column_on_a_phone(phone):
    phone.goto("/territoire/2023/ti-2802")
    _ready(phone)
    cols = phone.evaluate(
        "getComputedStyle(document.querySelector('.ti-profile-grid')).gridTemplateColumns"
    )
    assert len(cols.split()) == 1


def test_keyboard_skip_link_focus_ring_and_polygons_out_of_the_tab_order(page):
    page.goto("/")
    _ready(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert ring[0] != "none" and ring[1] >= 3
    # no polygon or circle of the map can take the focus (Leaflet's tooltips gave each one
    # focus listeners, which make an SVG element focusable: assets/a11y.js) ...
    assert page.evaluate(
        "(() => { const ps = [...document.querySelectorAll('#carte-map path.leaflet-interactive')];"
        " const taken = ps.filter(p => { p.focus(); return document.activeElement === p; });"
        " return [ps.length > 300, taken.length]; })()"
    ) == [True, 0]
    # ... so the table under the map is a few dozen Tabs away (198 before, on this layer)
    tabs = 0
    while tabs < 80 and not page.evaluate("!!document.activeElement.closest('#tableau')"):
        page.keyboard.press("Tab")
        tabs += 1
    assert tabs < 60, f"{tabs} Tabs to reach the table"


def test_a_map_shows_that_it_is_loading(page):
    """The layer is held back: the map says so (text and aria-busy) until it is drawn."""
    held = []
    # every map data answer held: the layer, its circles, the outlines, the chefs-lieux and the
    # place names (loading.js counts the map drawn once anything is drawn on it)
    page.route("**/_carte/**", lambda route: held.append(route))
    page.goto("/")
    page.wait_for_function("document.querySelector('#carte-map.leaflet-container')")
    # "false" is a truthy string: wait for the busy state itself, then read what it shows
    page.wait_for_function(
        "document.querySelector('#carte-map').getAttribute('aria-busy') === 'true'"
    )
    state = page.evaluate(
        "(() => { const m = document.querySelector('#carte-map');"
        " return [getComputedStyle(m, '::after').content, m.getAttribute('aria-busy')]; })()"
    )
    assert state == ['"Chargement de la carte…"', "true"]
    page.wait_for_timeout(0)  # let the route handler record the held request
    for route in held:
        route.continue_()
    page.wait_for_function("document.querySelector('#carte-map').hasAttribute('data-ti-ready')")
    after = page.evaluate(
        "getComputedStyle(document.querySelector('#carte-map'), '::after').content"
    )
    assert after in ("none", "normal", "")


def test_on_a_phone_the_table_under_the_map_is_readable_before_it_is_scrolled_to(phone):
    # ag-grid kept the cells of this table (narrower than its flex columns, a row selected)
    # hidden until it was scrolled into view: axe, and a screen reader's table navigation,
    # found a header row without cells (fixed column widths since)
    phone.goto("/?couche=epci&ind=urssaf_employees_industry&depuis=2010&dep=76&sel=200023414")
    _ready(phone)
    assert phone.evaluate("window.scrollY") == 0
    cells = phone.evaluate(
        "[...document.querySelectorAll('#carte-grid .ag-header-cell, #carte-grid .ag-row')]"
        ".map(e => getComputedStyle(e).visibility)"
    )
    assert len(cells) > 19 and set(cells) == {"visible"}
