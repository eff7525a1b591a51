"""The commune layer and the commune search in headless chromium, over the real database."""

from __future__ import annotations

import pytest

from dashboard.core.admin import filtered_keys
from dashboard.core.gateway import Gateway

pytestmark = [pytest.mark.browser, pytest.mark.integration]

DRAWN = "n => window.tiCarte && window.tiCarte.featureCount() === n"
# (number of place names on the map, pairs of them whose boxes overlap on screen)
LABEL_OVERLAPS = """() => {
  const r = [...document.querySelectorAll('.ti-label')].map(e => e.getBoundingClientRect());
  let n = 0;
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
    const a = r[i], b = r[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
  }
  return [r.length, n]; }"""
GRID_ROWS = (
    "async n => { const api = await dash_ag_grid.getApiAsync('carte-grid');"
    " return api.getDisplayedRowCount() === n; }"
)


@pytest.fixture(scope="module")
def real_q(real_db):
    g = Gateway(real_db)
    yield g
    g.close()


def _screen_point(page, lat: float, lng: float) -> tuple[float, float]:
    """Viewport coordinates of a place on the map."""
    return tuple(
        page.evaluate(
            """([lat, lng]) => { const m = window.tiCarte.state.map;
                 const p = m.latLngToContainerPoint([lat, lng]);
                 const r = m.getContainer().getBoundingClientRect();
                 return [r.left + p.x, r.top + p.y]; }""",
            [lat, lng],
        )
    )


def _rouen(real_q) -> tuple[float, float]:
    return real_q.rows("SELECT ST_Y(geom), ST_X(geom) FROM label_point WHERE code = '76540'")[0]


def test_a_departements_communes_in_map_and_table_then_a_click(page, ui, real_q):
    n = len(filtered_keys(real_q, "commune", None, "76"))
    assert n > 600  # Seine-Maritime: about 700 communes
    page.goto("/?couche=commune&dep=76")
    page.wait_for_function(DRAWN, arg=n, timeout=60000)
    page.wait_for_function(GRID_ROWS, arg=n, timeout=60000)
    page.locator(".ag-center-cols-container [col-id='nom']").first.wait_for()  # rows drawn
    names = page.locator(".ag-center-cols-container [col-id='nom']").all_inner_texts()
    assert names and all(nm.strip() for nm in names)
    # every row of the table, not only those drawn: exactly the département's communes
    rows = page.evaluate(
        "async () => { const api = await dash_ag_grid.getApiAsync('carte-grid'); const out = [];"
        " api.forEachNode(n => out.push([n.data['Code commune'], n.data['Nom']])); return out; }"
    )
    want = real_q.rows("SELECT code, trim(name) FROM commune WHERE departement = '76'")
    assert sorted(map(tuple, rows)) == sorted(want)
    assert ("76351", "Le Havre") in want
    ui.settle(page)
    # a département's view: its préfecture and sous-préfectures named, no two names overlapping
    page.locator(".ti-label-sous-prefecture", has_text="Dieppe").wait_for()
    assert "Rouen" in page.locator(".ti-label-prefecture").all_inner_texts()
    shown, overlaps = page.evaluate(LABEL_OVERLAPS)
    assert shown >= 3 and overlaps == 0
    x, y = _screen_point(page, *_rouen(real_q))
    # a few moves: the canvas reads the hover from mouse moves (throttled, skipped mid-zoom)
    page.mouse.move(x - 6, y - 6)
    page.mouse.move(x, y, steps=4)
    page.locator(".ti-tooltip", has_text="Rouen").wait_for()
    page.mouse.click(x, y)
    page.locator("#carte-panel-title", has_text="Rouen").wait_for()
    assert "Axe Seine" in page.inner_text("#carte-unit-ti2023")
    assert "Métropole Rouen Normandie" in page.inner_text("#carte-unit-epci")
    page.wait_for_function("location.search.includes('sel=76540')")
    assert page.errors == []


def test_france_draws_every_commune_and_fills_the_table_after(page, real_q):
    n = len(filtered_keys(real_q, "commune"))
    assert n > 34000
    page.goto("/?couche=commune")
    page.wait_for_function(DRAWN, arg=n, timeout=120000)
    page.wait_for_function(GRID_ROWS, arg=n, timeout=120000)  # rows fetched after the map
    labels = page.locator(".ti-label").all_inner_texts()
    assert "Paris" in labels and "Lyon" in labels  # préfectures named without tiles
    shown, overlaps = page.evaluate(LABEL_OVERLAPS)
    assert shown == len(labels) and overlaps == 0  # only where they do not collide
    assert shown < 101  # not every préfecture fits at the national zoom
    assert page.errors == []


def test_search_draws_the_communes_outline_and_pin(page, ui):
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    ui.pick(page, "carte-search", "rouen", "Rouen — Commune")
    page.locator("#carte-panel-title", has_text="Rouen").wait_for()
    page.locator("path.ti-pin").wait_for()
    page.wait_for_function("location.search.includes('com=76540')")
    ui.settle(page)
    # fitted with a margin: close, but not the zoom-13 rectangle of before
    zoom = page.evaluate("window.tiCarte.state.map.getZoom()")
    assert 9 <= zoom <= 11
    page.wait_for_function("document.querySelectorAll('.ti-label-commune').length > 10")
    labels = page.locator(".ti-label").all_inner_texts()
    assert labels.count("Rouen") == 1  # the préfecture and the commune: one name
    assert page.evaluate(LABEL_OVERLAPS)[1] == 0
    assert page.errors == []
