"""The commune layer of the map explorer on the miniature database: indicators, table, panel,
the search's pin, the large-table route and the place names (values from
tests/data/make_mini_mirror.py: nine communes of Seine-Maritime)."""

from __future__ import annotations

import json

import pytest

from dashboard.app import create_app
from dashboard.core.indicators import indicators
from dashboard.core.layers import LAYERS, mapped_keys
from dashboard.core.urlstate import UrlState
from dashboard.map import callbacks as M
from dashboard.map.layout import layout
from dashboard.map.state import VIEW_KEYS


def view(couche="commune", ind="population", **kw):
    """The view inputs of the page (order of VIEW_KEYS) for some keys."""
    values = {"couche": couche, "ind": ind, **kw}
    return [values.get(k) for k in VIEW_KEYS]


COMMUNES = ["76001", "76002", "76003", "76004", "76005", "76006", "76007", "76008", "76009"]


@pytest.fixture(scope="module")
def client(mini_db):
    return create_app(mini_db).server.test_client()


def test_the_layer_and_its_indicators(q):
    assert LAYERS["commune"].label == "Communes"
    assert mapped_keys(q, "commune") == COMMUNES
    ids = [i.id for i in indicators(q, "commune")]
    assert ids[:3] == ["population", "density", "area_km2"]


def test_national_view_draws_every_commune_on_a_canvas_with_its_table(q):
    url, hideout, _legend, rows, cols, status, *_ = M.on_view(q, *view())
    assert url.startswith("/_carte/geo?couche=commune&v=")
    assert hideout["canvas"] is True and hideout["rows"] is None  # 9 rows: in the layout
    assert set(hideout["values"]) == set(COMMUNES) and hideout["fill"]  # circles: one fill
    assert [r["Nom"] for r in rows][:2] == ["Rouen", "Darnétal"]
    assert rows[0]["Code commune"] == "76001" and rows[0]["Population municipale (hab.)"] == 110000
    assert status == "9 entités affichées — Communes"
    # the other layers stay SVG paths
    assert M.on_view(q, *view("epci"))[1]["canvas"] is False


def test_one_arrondissement_on_its_own(q):
    rows = M.on_view(q, *view(arr="762"))[3]
    assert [r["Nom"] for r in rows] == [
        "Elbeuf",
        "Caudebec-lès-Elbeuf",
        "Saint-Pierre-lès-Elbeuf",
        "Oissel",
        "Grand-Couronne-la-Neuve",
    ]


def test_a_large_table_comes_from_its_route_exactly(q, client, monkeypatch):
    monkeypatch.setattr(M, "INLINE_ROWS", 4)
    _url, hideout, _legend, rows, *_ = M.on_view(q, *view(ind="density", dep="76"))
    assert rows == [] and hideout["rows"].startswith("/_carte/rows?couche=commune&ind=density")
    got = json.loads(client.get(hideout["rows"]).data)
    assert len(got) == 9 and got[0]["Nom"] == "Rouen"
    assert got == M.view_model(q, M.validate(q, "commune", "density", dep="76")).table.to_dict(
        "records"
    )
    # hostile arguments: the default view, never an error
    r = client.get("/_carte/rows?couche=<script>&ind=' OR 1=1&dep=" + "x" * 500)
    assert r.status_code == 200 and len(json.loads(r.data)) == 2  # the two 2023 territories


def test_the_first_layout_carries_no_rows_nor_style_data_twice(q, client):
    # the map is drawn before the table: the page's first layout sends the address of its rows
    # (ag-grid shows its "loading" sign meanwhile), whatever the size of the table
    found = {c.id: c for c in layout(q, UrlState.parse("?couche=ti2023"))._traverse()
             if getattr(c, "id", None) in ("carte-grid", "carte-geo", "carte-circles")}  # fmt: skip
    grid, geo, circles = found["carte-grid"], found["carte-geo"], found["carte-circles"]
    assert grid.rowData is None and geo.hideout["rows"].startswith("/_carte/rows?couche=ti2023")
    got = json.loads(client.get(geo.hideout["rows"]).data)
    assert got == M.view_model(q, M.validate(q, "ti2023", "population")).table.to_dict("records")
    assert [r["Nom"] for r in got] == ["Rouen Vallée", "<img src=x onerror=alert(1)>"]
    # a callback answers with its rows: the map is already there
    assert len(M.on_view(q, *view("ti2023"))[3]) == 2
    # the values and colours go to the polygons only, the radii to the circles only
    assert set(geo.hideout["values"]) == {"ti-2801", "ti-2802"} and "radius" not in geo.hideout
    assert set(circles.hideout) == {"radius", "fondLabel", "canvas"}


def test_the_panel_of_a_commune_names_and_links_what_holds_it(q, page_text):
    panel, outline = M.on_select(q, {"couche": "commune", "key": "76002"}, "commune", *[None] * 3)
    text = page_text(panel)
    assert "Darnétal" in text and "Appartenance" in text
    assert "Rouen Vallée (ti-2801)" in text and "/?couche=ti2023&dep=76&sel=ti-2801" in text
    assert "Métropole Rouen Test (200000001)" in text
    assert "aucun" in text  # no territory of the 2018 wave
    assert "Départements touchés" not in text
    assert outline.startswith("/_carte/sel?couche=commune&key=76002")


def test_the_search_pins_a_commune_on_any_layer(q, client, page_text):
    layer, sel, viewport = M.on_pick(q, "commune:76009", "epci")
    assert layer == "epci" and sel == {"couche": "commune", "key": "76009"}
    assert viewport["bounds"] == [[49.4, 1.04], [49.42, 1.05]]
    panel, outline = M.on_select(q, sel, "epci", None, None, None)
    assert "Grand-Couronne-la-Neuve" in page_text(panel)
    fc = json.loads(client.get(outline).data)
    kinds = [f["geometry"]["type"] for f in fc["features"]]
    assert kinds == ["Polygon", "Point"]  # the outline and the pin
    lng, lat = fc["features"][1]["geometry"]["coordinates"]
    assert 1.04 < lng < 1.05 and 49.4 < lat < 49.42
    # the address keeps the pin beside the layer's own selection, and gives it back
    search = M.on_url(q, *view("epci"), sel, None, None, None, "/")["search"]
    assert "com=76009" in search and "sel=" not in search
    again = layout(q, UrlState.parse(search))
    store = next(c for c in again.children if getattr(c, "id", None) == "carte-selection")
    assert store.data == sel
    assert M.on_pick(q, "commune:99999", "epci") == (M.no_update,) * 3


def test_place_names(client):
    chefs = json.loads(client.get("/_carte/labels?kind=chefs&inset=1").data)
    assert [(c[0], c[3], c[4]) for c in chefs] == [("Rouen", 0, 110000), ("Elbeuf", 1, 16000)]
    box = json.loads(client.get("/_carte/labels?kind=communes&box=1,49,1.5,49.5&inset=0").data)
    assert [b[0] for b in box][:3] == ["Rouen", "Elbeuf", "Bois-Guillaume"] and len(box) == 9
    assert json.loads(client.get("/_carte/labels?box=2,49,2.5,49.5").data) == []
    for bad in ("1,49,1.3,49.5", "1,49,9,60", "nan,1,2,3", "1,2,3", "<script>"):
        r = client.get("/_carte/labels?box=" + bad)
        assert r.status_code == 400 and "box" in json.loads(r.data)["error"]
