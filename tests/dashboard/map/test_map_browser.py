"""The map page in headless chromium, over the real database."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dashboard.app import ASSETS
from dashboard.core.gateway import Gateway

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_map_draws_the_183_territories_of_2023(page, ui):
    page.goto("/")
    assert ui.wait_features(page, 183) == 183
    assert "COG 2026" in page.inner_text("#ti-vintage")
    assert ui.grid_row_count(page) == 183
    assert page.errors == []


def test_hover_shows_name_and_value(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    page.mouse.move(*ui.inside(page, 40))
    tip = page.locator(".ti-tooltip")
    tip.wait_for()
    text = tip.inner_text()
    assert "Population municipale" in text and re.search(r"\d", text)


def test_hover_on_a_circle_shows_its_unit_name_and_value(page, ui):
    # the circles' layer carries only their radii: its tooltip reads the polygons' values
    page.goto("/")
    ui.wait_features(page, 183)
    box = page.evaluate(
        "() => { const b = [...document.querySelectorAll('path.ti-circle-mark')]"
        ".map(p => p.getBoundingClientRect()).sort((a, b) => b.width - a.width)[0];"
        " return [b.x + b.width / 2, b.y + b.height / 2, b.width]; }"
    )
    assert box[2] > 10  # the largest circle is drawn
    page.mouse.move(box[0], box[1])
    tip = page.locator(".ti-tooltip")
    tip.wait_for()
    text = tip.inner_text()
    assert tip.locator("strong").inner_text() and "Population municipale" in text
    assert re.search(r"\d hab\.", text)


def test_the_circles_are_drawn_over_the_polygons_whichever_came_first(page, ui):
    # the EPCI's circles (JSON) usually arrive before their polygons (Geobuf): in one SVG the
    # polygons were appended over them and hid them; each has its pane now, and a selection's
    # outline goes over both
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    page.wait_for_function("document.querySelectorAll('path.ti-circle-mark').length === 1255")
    top = page.evaluate(
        "() => { const cs = [...document.querySelectorAll('path.ti-circle-mark')]"
        ".sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width)"
        ".slice(0, 20); return cs.map(c => { const b = c.getBoundingClientRect();"
        " const e = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);"
        " return e.getAttribute('class'); }); }"
    )
    # a circle at the centre of each of the 20 largest (a smaller one may lie over a larger one)
    assert all("ti-circle-mark" in c for c in top), top
    assert page.locator(".leaflet-tiCircles-pane path.ti-circle-mark").count() == 1255
    page.goto("/?couche=epci&sel=200054781")  # Métropole du Grand Paris, under the largest circle
    page.locator(".leaflet-tiSelection-pane path").first.wait_for()
    assert page.errors == []


def test_an_address_with_a_selection_selects_its_row_once_the_rows_come(page, ui, real_db):
    # the first table's rows come after the map: the unit of the address is then selected
    # in the table and its row shown, however far down it is
    from dashboard.core.gateway import Gateway

    key, name = Gateway(real_db).rows(
        "SELECT siren, name FROM epci ORDER BY population ASC NULLS FIRST LIMIT 1"
    )[0]
    page.goto(f"/?couche=epci&sel={key}")
    page.locator("#carte-panel-title", has_text=name).wait_for()
    row = page.locator("#tableau .ag-row-selected")
    row.first.wait_for()
    assert key in row.first.inner_text() and ui.grid_row_count(page) == 1255


# counts, from the moment Leaflet is defined, the zoom animations and the polygon projections
COUNT_DRAWING = """
(function wait() {
  if (!window.L || !L.Polyline) { return setTimeout(wait, 1); }
  var c = window.__tiCount = { zoomanim: 0, projected: 0 };
  var project = L.Polyline.prototype._project;
  L.Polyline.prototype._project = function () { c.projected++; return project.apply(this, arguments); };
  var fire = L.Map.prototype.fire;
  L.Map.prototype.fire = function (t) { if (t === "zoomanim") { c.zoomanim++; c.stack = new Error().stack; } return fire.apply(this, arguments); };
})();
"""


def test_the_first_view_is_fitted_at_once_and_each_polygon_drawn_once(page, ui):
    # an animated fit started before the layers came, then projected all of them again
    page.add_init_script(COUNT_DRAWING)
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    page.wait_for_timeout(800)  # an animated fit ends 250 ms after it starts
    count = page.evaluate("window.__tiCount")
    assert count["zoomanim"] == 0, count
    # 1,255 EPCI plus the outlines of départements and régions, each projected once
    assert 1255 < count["projected"] < 2 * 1255


def test_the_tables_component_is_fetched_once_the_map_is_drawn(page, ui):
    # ag-grid's bundle (not in the page: assets/tables.js stands in for it), then its chunk
    # and the grid come after the map; the table fills as before
    page.add_init_script(
        """new MutationObserver(function (_, obs) {
             if (document.querySelector('.leaflet-overlay-pane path.ti-feature')) {
               window.__tiDrawnAt = performance.now(); obs.disconnect();
               const slot = document.querySelector('#tableau .ti-grid-slot');
               window.__tiSlot = [slot.getBoundingClientRect().height,
                                  !!slot.querySelector('.ag-root')]; }
           }).observe(document, {childList: true, subtree: true});"""
    )
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    assert ui.grid_row_count(page) == 1255
    drawn, fetched = page.evaluate(
        "[window.__tiDrawnAt, performance.getEntriesByType('resource')"
        ".filter(r => /dash_ag_grid\\/(async-community|dash_ag_grid)/.test(r.name))"
        ".map(r => [r.name.split('/').pop().split('.')[0], r.startTime])]"
    )
    assert sorted(name for name, _ in fetched) == ["async-community", "dash_ag_grid"]
    assert all(start >= drawn for _, start in fetched), (drawn, fetched)
    # the page's scripts do not hold it, nor its head a hint of it
    assert page.locator("script[src*='dash_ag_grid'], link[href*='dash_ag_grid']").count() == 1
    assert page.locator("head script[src*='dash_ag_grid']").count() == 1  # the one tables.js added
    # its place was kept: nothing under it moved when it came
    slot = page.evaluate("window.__tiSlot")
    assert slot == [420, False]
    assert page.evaluate(
        "document.querySelector('#tableau .ti-grid-slot').getBoundingClientRect().height"
    ) == pytest.approx(420, abs=2)
    assert page.errors == []


def test_the_address_names_a_view_once_the_user_moves_the_map(page, ui):
    # created fitted to its bounds, the map reports that view once ready: not a move, so no
    # callback on load and the address keeps no ``vue`` (the table's report still writes it)
    posts = []
    page.on(
        "request",
        lambda r: posts.append(r.post_data) if "_dash-update-component" in r.url else None,
    )
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    assert ui.grid_row_count(page) == 1255
    page.wait_for_url("**ind=population**")  # written once the table reported its columns
    assert "vue=" not in page.url
    assert not any("carte-map.zoom" in (p or "") for p in posts)
    page.locator("#carte-map").focus()
    page.keyboard.press("+")
    page.wait_for_url(re.compile(r"vue=[0-9.]+(%2C|,)[0-9.]+(%2C|,)5\.75"))
    assert page.errors == []


def test_rows_that_cannot_be_fetched_are_said_so_and_tried_again(page, ui):
    # the first table's rows come after the map (/_carte/rows): a failure is tried again once,
    # then the table says so instead of showing an empty table as if the view had no rows
    tries = []

    def fail(route):
        tries.append(route.request.url)
        route.fulfill(status=500, body="erreur")

    page.route("**/_carte/rows**", fail)
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    hint = page.locator("#carte-table-hint")
    hint.filter(has_text="n'ont pas pu être chargées").wait_for(timeout=15000)
    assert hint.get_attribute("role") == "alert"
    assert len(tries) == 2 and ui.grid_row_count(page) == 0
    # the next view's rows come: the table and its note are back
    page.unroute("**/_carte/rows**")
    ui.pick(page, "carte-layer", "2023", "Territoires d'industrie 2023")
    ui.wait_features(page, 183)
    hint.filter(has_text="Cliquez sur une ligne").wait_for(timeout=15000)
    assert hint.get_attribute("role") is None
    assert ui.grid_row_count(page) == 183
    assert page.errors == []


def test_zoomed_in_the_national_view_loads_its_coarse_level(page, ui):
    # drawn first at the national level (about a pixel at this zoom), reloaded at the coarse
    # level past zoom 6.5, the outlines with it; the same units, the map still answers
    seen = []
    page.on("request", lambda r: seen.append(r.url) if "/_carte/" in r.url else None)
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    assert any("/_carte/geo?couche=epci&niveau=national" in u for u in seen)
    assert not any(re.search(r"/_carte/geo\?couche=epci&v=", u) for u in seen)
    page.locator("#carte-map").focus()

    def zoom() -> float:  # the view the address keeps (vue=lat,lng,zoom) after each move
        m = re.search(r"vue=[^&]*%2C([0-9.]+)|vue=[^&]*,([0-9.]+)", page.url)
        return float(next(g for g in m.groups() if g)) if m else 0.0

    for _ in range(6):  # +0.5 a press
        if zoom() >= 6.5:
            break
        before = page.url
        page.keyboard.press("+")
        page.wait_for_function(f"location.href !== {before!r}")
    assert zoom() >= 6.5
    page.wait_for_function(
        "performance.getEntriesByType('resource').some(r => /_carte\\/geo\\?couche=epci&v=/.test(r.name))"
        " && performance.getEntriesByType('resource').some(r =>"
        " /_carte\\/base\\?kind=departement&inset=1&v=/.test(r.name))"
    )
    assert ui.wait_features(page, 1255) == 1255
    x, y = ui.inside(page, 40)
    page.mouse.move(x, y)
    page.locator(".ti-tooltip").wait_for()
    assert page.errors == []


def test_click_opens_the_panel(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    x, y = ui.inside(page, 40)
    page.mouse.move(x, y)
    name = page.locator(".ti-tooltip strong").inner_text()
    page.mouse.click(x, y)
    title = page.locator("#carte-panel-title")
    title.wait_for()
    assert title.inner_text() == name
    panel = page.inner_text("#carte-panel")
    assert "Départements touchés" in panel and "Population" in panel
    page.wait_for_function("location.search.includes('sel=ti-')")


def test_search_rouen_finds_rouen_and_its_territory(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    labels = ui.option_labels(page, "carte-search", "rouen", "Rouen — Commune")
    assert any(lab.startswith("Rouen — Commune") for lab in labels)
    assert any("Axe Seine — Territoire d'industrie 2023" in lab for lab in labels)
    ui.pick(page, "carte-search", "rouen", "Rouen — Commune")
    page.locator("#carte-panel-title", has_text="Rouen").wait_for()
    assert "Axe Seine" in page.inner_text("#carte-unit-ti2023")  # its territory, a link
    page.wait_for_function("location.search.includes('com=76540')")


def test_filter_departement_then_reload_the_copied_url(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    ui.pick(page, "carte-dep", "76", "76 — Seine-Maritime")
    ui.wait_features(page, 3)
    page.wait_for_function("location.search.includes('dep=76')")
    # the map has flown to the département: its view, in the address, is zoomed in
    page.wait_for_function(
        "(/vue=[^&]*,([0-9.]+)/.exec(location.search) || [0, 0])[1] > 6.5", timeout=30000
    )
    assert ui.grid_row_count(page) == 3
    page.mouse.click(*ui.inside(page, 0))
    page.locator("#carte-panel-title").wait_for()
    title = page.inner_text("#carte-panel-title")
    page.wait_for_function("location.search.includes('sel=')")
    ui.settle(page)  # the view has settled into the address
    copied = page.url
    page.goto("about:blank")
    page.goto(copied)
    assert ui.wait_features(page, 3) == 3
    page.locator("#carte-panel-title", has_text=title).wait_for()
    assert "Seine-Maritime" in page.inner_text("#carte-dep")
    assert ui.grid_row_count(page) == 3


def test_csv_download_has_the_rows_of_the_table(page, ui):
    page.goto("/?couche=epci&dep=76&ind=density&classes=jenks")
    n = ui.wait_features(page, 19)  # the EPCI with communes in Seine-Maritime
    with page.expect_download() as dl:
        page.click("#carte-dl-csv")
    raw = open(dl.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig").partition("\n\n")[0]  # the rows; the sources follow
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == n == ui.grid_row_count(page)
    assert "Métropole Rouen Normandie" in {r["Nom"] for r in rows}
    assert all(r["Classe"] for r in rows)


def test_table_shows_the_values_and_sorts_from_the_keyboard(page, ui, real_db):
    g = Gateway(real_db)
    expected = dict(
        g.rows("SELECT name, population FROM arrondissement WHERE departement = ?", ["76"])
    )
    g.close()
    page.goto("/?couche=arrondissement&dep=76")
    ui.wait_features(page, 3)
    names_in_table = page.locator(".ag-center-cols-container [col-id='nom']")
    names_in_table.nth(2).wait_for()  # the table's rows come after the map is drawn
    cells = page.locator(".ag-center-cols-container [col-id='valeur']")
    shown = dict(zip(names_in_table.all_inner_texts(), cells.all_inner_texts(), strict=True))
    assert {n: int(v.replace("\u202f", "").replace(" ", "")) for n, v in shown.items()} == expected
    header = page.locator(".ag-header-cell[col-id='nom']")
    header.focus()
    page.keyboard.press("Enter")  # ag-grid sorts a focused header with Enter
    page.wait_for_function(
        "document.querySelector(\".ag-header-cell[col-id='nom']\").getAttribute('aria-sort')"
        " !== 'none'"
    )
    names = page.locator(".ag-center-cols-container [col-id='nom']").all_inner_texts()
    assert names in (["Dieppe", "Le Havre", "Rouen"], ["Rouen", "Le Havre", "Dieppe"])
    # the sort is kept in the address, and a copied address sorts the same way
    page.wait_for_function("/tri=nom\\.(asc|desc)/.test(location.search)")
    copied = page.url
    page.goto("about:blank")
    page.goto(copied)
    ui.wait_features(page, 3)
    names_in_table.nth(2).wait_for()
    again = page.locator(".ag-center-cols-container [col-id='nom']").all_inner_texts()
    assert again == names


def test_hostile_name_is_shown_as_text(browser, mini_db):
    """A territory named <img src=x onerror=alert(1)> (miniature database) shows as characters."""
    from dashboard.app import create_app
    from dashboard.testing import serve

    with serve(create_app(mini_db).server) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
        pg = ctx.new_page()
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.goto(url + "/?couche=ti2023&sel=ti-2802")
        title = pg.locator("#carte-panel-title")
        title.wait_for()
        assert title.inner_text() == "<img src=x onerror=alert(1)>"
        assert pg.locator("#carte-panel img, .ag-root img").count() == 0
        pg.locator("path.ti-feature").first.wait_for(state="attached")
        # the map now draws before the table: wait for the table's cell too
        pg.get_by_text("<img src=x onerror=alert(1)>", exact=True).nth(1).wait_for()
        assert (
            pg.get_by_text("<img src=x onerror=alert(1)>", exact=True).count() >= 2
        )  # panel + table
        assert dialogs == []
        ctx.close()


def _legend(page) -> list[str]:
    return page.locator("#carte-legend .ti-legend-label").all_inner_texts()


def test_national_classes_are_equal_on_the_2023_and_2018_layers(page, ui):
    """Classes "de la France entière": the 2018 and 2023 territories on one scale."""
    page.goto("/?couche=ti2023&ind=density&portee=france&reg=32")
    page.locator(ui.FEATURES).first.wait_for(state="attached")
    page.locator("#carte-legend .ti-legend-label").first.wait_for()
    first = _legend(page)
    ui.pick(page, "carte-layer", "2018", "Territoires d'industrie 2018-2022")
    page.wait_for_function("location.search.includes('couche=ti2018')")
    page.locator("#carte-status", has_text="2018-2022").wait_for()
    ui.settle(page)
    second = _legend(page)
    # same class edges (the counts differ: other territories)
    assert first[:-1] == second[:-1] and len(first) >= 4
    assert "Classes de la France entière" in page.inner_text("#carte-legend")
    # classes of the view: two different scales
    page.click("#carte-scope label:has-text('vue affichée')")
    ui.settle(page)
    assert _legend(page)[:-1] != first[:-1]
    assert page.errors == []


def test_a_row_click_selects_on_the_map_and_a_map_click_selects_the_row(page, ui):
    page.goto("/?dep=76")
    ui.wait_features(page, 3)
    row = page.locator(".ag-center-cols-container .ag-row").nth(1)
    name = row.locator("[col-id='nom']").inner_text()
    row.locator("[col-id='nom']").click()
    page.locator("#carte-panel-title", has_text=name).wait_for()
    page.wait_for_function("location.search.includes('sel=ti-')")
    # the unit is outlined on the map
    page.wait_for_function(
        "document.querySelectorAll('#carte-map path[stroke=\"#e1000f\"]').length > 0"
    )
    # and the reverse: a click on the map selects (and shows) its row
    page.mouse.click(*ui.inside(page, 0))
    page.wait_for_function(
        "(() => { const r = document.querySelector('.ag-center-cols-container .ag-row-selected');"
        " const t = document.querySelector('#carte-panel-title');"
        " return r && t && r.innerText.includes(t.innerText); })()"
    )
    # from the keyboard: Space on a focused row selects it
    other = page.locator(".ag-center-cols-container .ag-row:not(.ag-row-selected)").first
    other_name = other.locator("[col-id='nom']").inner_text()
    other.locator("[col-id='nom']").focus()
    page.keyboard.press("Space")
    page.locator("#carte-panel-title", has_text=other_name).wait_for()


def test_back_after_two_filter_changes_restores_the_first_view(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    ui.settle(page)
    start = page.evaluate("history.length")
    ui.pick(page, "carte-reg", "Normandie", "28 — Normandie")
    page.wait_for_function("location.search.includes('reg=28')")
    ui.settle(page)
    n_reg = ui.grid_row_count(page)
    ui.pick(page, "carte-dep", "76", "76 — Seine-Maritime")
    page.wait_for_function("location.search.includes('dep=76')")
    ui.settle(page)
    assert ui.grid_row_count(page) == 3
    # one history entry per change (the map's moves replace the current one)
    assert page.evaluate("history.length") == start + 2
    page.go_back()
    page.wait_for_function(
        "!location.search.includes('dep=76') && location.search.includes('reg=28')"
    )
    page.wait_for_function(f"document.querySelectorAll('{ui.FEATURES}').length === {n_reg}")
    assert ui.grid_row_count(page) == n_reg
    assert "Normandie" in page.inner_text("#carte-reg") and "Tous" in page.inner_text("#carte-dep")
    page.go_back()
    page.wait_for_function("!location.search.includes('reg=')")
    ui.wait_features(page, 183)
    page.go_forward()
    page.wait_for_function("location.search.includes('reg=28')")
    page.wait_for_function(f"document.querySelectorAll('{ui.FEATURES}').length === {n_reg}")
    assert page.errors == []


NAV_JS = ASSETS / "nav.js"


def _nav_harness(page, path: str, named: str | None = None) -> None:
    """``nav.js`` alone on an empty page of the app's origin (no Dash, nothing written on load),
    the page naming its own address ``named`` as the explorer's layout does: its rule for a new
    entry or a replaced one, without the timing of a real page's answers."""
    mark = f"<div data-ti-address='{named}'></div>" if named is not None else ""
    html = (
        f"<!doctype html><html lang='fr'><body><p>Banc d'essai</p>{mark}<script>"
        "window.dash_clientside = {no_update: null};</script>"
        f"<script>{NAV_JS.read_text(encoding='utf-8')}</script></body></html>"
    )
    page.route(f"**{path}", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(path)


WRITE = "s => window.dash_clientside.tiNav.write({search: s})"


def test_a_page_that_names_its_address_replaces_the_bare_one_with_it_whenever_it_comes(page):
    # in CI the explorer's own address (written once its table reports its columns) came after
    # the user's first change: that change replaced "/" (Back left the page), or, with the rule
    # of the next test alone, the own address became an entry of its own
    own = "?couche=ti2023&ind=population&classes=quantiles"
    _nav_harness(page, "/banc-nav", named=own)
    length = page.evaluate("history.length")
    page.keyboard.press("Tab")  # the user acts before the page has written its own address
    page.evaluate(WRITE, own + "&vue=46,2,6")
    page.wait_for_function("location.search.includes('vue=')")
    assert page.evaluate("history.length") == length  # the page's own: replaced
    page.evaluate(WRITE, own + "&reg=28")
    page.wait_for_function("location.search.includes('reg=28')")
    assert page.evaluate("history.length") == length + 1

    # the own address and the user's first change answered together: one entry
    _nav_harness(page, "/banc-nav-2", named=own)
    length = page.evaluate("history.length")
    page.evaluate(WRITE, own + "&reg=28")
    page.wait_for_function("location.search.includes('reg=28')")
    assert page.evaluate("history.length") == length + 1
    page.go_back()
    page.wait_for_function("location.pathname === '/banc-nav-2' && location.search === ''")
    assert page.errors == []


def test_a_page_that_names_no_address_takes_its_first_write_before_any_input_as_its_own(page):
    _nav_harness(page, "/banc-nav")
    length = page.evaluate("history.length")
    page.evaluate(WRITE, "?couche=ti2023")  # the page's own address, no input yet
    page.wait_for_function("location.search === '?couche=ti2023'")
    assert page.evaluate("history.length") == length
    page.evaluate(WRITE, "?couche=ti2023&reg=28")  # a change once the own address is written
    page.wait_for_function("location.search.includes('reg=28')")
    assert page.evaluate("history.length") == length + 1

    _nav_harness(page, "/banc-nav-2")
    length = page.evaluate("history.length")
    page.keyboard.press("Tab")  # the user acts before the page has written its own address
    page.evaluate(WRITE, "?couche=ti2023&reg=28")
    page.wait_for_function("location.search.includes('reg=28')")
    assert page.evaluate("history.length") == length + 1
    page.go_back()
    page.wait_for_function("location.pathname === '/banc-nav-2' && location.search === ''")
    assert page.errors == []


def test_the_explorer_names_the_address_it_writes_for_itself(page, ui):
    # the layout's data-ti-address is what the page writes once its table reports its columns:
    # one history entry for the page, whatever the order of its own answer and a first change
    for path in ("/", "/?couche=epci&tri=valeur.desc", "/?couche=epci&dep=76&sel=200023414"):
        page.goto(path)
        start = page.evaluate("history.length")
        named = page.get_attribute("[data-ti-address]", "data-ti-address")
        assert named and named.startswith("?couche="), path
        # the page's own address is written (a named address it never wrote would time out)
        page.wait_for_function("n => location.search === n", arg=named)
        ui.settle(page)
        assert page.evaluate("location.search") == named, path
        assert page.evaluate("history.length") == start, path
    assert page.errors == []


def test_a_late_write_of_the_page_left_by_back_does_not_replace_the_address(page, ui):
    """Back rebuilds the page from the address gone back to; the page on screen until then may
    still report its state (a map move ending late, on a busy machine): that write is dropped."""
    page.goto("/")
    ui.wait_features(page, 183)
    ui.settle(page)
    ui.pick(page, "carte-reg", "Normandie", "28 — Normandie")
    page.wait_for_function("location.search.includes('reg=28')")
    ui.settle(page)
    length = page.evaluate("history.length")
    page.go_back()
    page.wait_for_function("!location.search.includes('reg=')")
    # what the Normandie page would write if its answer came after the Back
    page.evaluate("window.dash_clientside.tiNav.write({search: '?couche=ti2023&reg=28'})")
    page.wait_for_timeout(1500)  # the writes are flushed 300 ms after the last one
    assert "reg=" not in page.evaluate("location.search")
    assert page.evaluate("history.length") == length
    # the user's next input ends the wait: a change is written again
    ui.pick(page, "carte-reg", "Normandie", "28 — Normandie")
    page.wait_for_function("location.search.includes('reg=28')")
    assert page.errors == []


def test_years_change_map_and_proportional_circles(page, ui):
    page.goto("/?couche=epci&dep=76")
    ui.wait_features(page, 19)
    # population is a count: circles with their own legend, largest first
    page.wait_for_function("document.querySelectorAll('path.ti-circle-mark').length > 0")
    assert "Surface des cercles proportionnelle" in page.inner_text("#carte-legend")
    # one entry per indicator; its year is chosen apart
    labels = ui.option_labels(page, "carte-ind", "industrie", "Effectifs salariés de l'industrie")
    assert sum(lab.startswith("Effectifs salariés de l'industrie") for lab in labels) == 1
    ui.pick(page, "carte-ind", "industrie", "Effectifs salariés de l'industrie")
    page.wait_for_function("location.search.includes('ind=urssaf_employees_industry')")
    ui.pick(page, "carte-since", "2010", "Depuis 2010")
    page.wait_for_function("location.search.includes('depuis=2010')")
    page.locator("#carte-legend", has_text="Évolution 2010-2022").wait_for()
    assert "minorants" in page.inner_text("#carte-legend")
    assert page.errors == []


def test_manual_thresholds_and_a_bad_one(page, ui):
    page.goto("/?couche=ti2023&ind=density&classes=manuel")
    ui.wait_features(page, 183)
    page.fill("#carte-breaks", "50 ; 100 ; 200")
    page.press("#carte-breaks", "Enter")
    page.wait_for_function("location.search.includes('seuils=50_100_200')")
    page.locator("#carte-legend .ti-legend-label", has_text="[50,0 ; 100,0)").wait_for()
    page.fill("#carte-breaks", "50 ; beaucoup")
    page.press("#carte-breaks", "Enter")
    page.locator("#carte-breaks-msg", has_text="n'est pas un nombre").wait_for()
    assert page.errors == []


def test_copy_link_copies_the_address(browser, base_url, ui):
    ctx = browser.new_context(
        base_url=base_url, permissions=["clipboard-read", "clipboard-write"], bypass_csp=True
    )
    pg = ctx.new_page()
    pg.goto("/?couche=epci&dep=76")
    ui.wait_features(pg, 19)
    # the page has written its own (full) address: a link copied before it is the typed one,
    # as good a link, but not the one this test compares with
    pg.wait_for_function(
        "() => { const n = document.querySelector('[data-ti-address]');"
        " return n && location.search === n.getAttribute('data-ti-address'); }"
    )
    ui.settle(pg)
    pg.click("#carte-copy")
    pg.locator("#carte-copy-status", has_text="Lien copié").wait_for()
    assert pg.evaluate("navigator.clipboard.readText()") == pg.url
    ctx.close()
