"""The map page's callbacks, called as plain functions (inputs are untrusted)."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from dash import no_update

from dashboard.core.gateway import Gateway
from dashboard.core.mapview import NATIONAL_BOUNDS, center_zoom
from dashboard.core.urlstate import UrlState, parse_view
from dashboard.map import callbacks as M
from dashboard.map.state import MapState, from_url, validate

HOSTILE = [
    None,
    "",
    "x" * 5000,
    "<img src=x onerror=alert(1)>",
    "' OR 1=1 --",
    42,
    ["ti2023"],
    {"a": 1},
    "../../etc/passwd",
    "ti-2801\x00",
]


def test_validate_falls_back_to_defaults(q):
    for bad in HOSTILE:
        st = validate(q, bad, bad, bad, bad, bad, bad, bad)
        assert st == MapState()


def test_on_view_colours_every_feature_and_fills_the_table(q):
    (url, hideout, legend, rows, cols, status, points, base_dep, base_reg, frames) = M.on_view(
        q, "ti2023", "population", "quantiles", None, None, None
    )
    assert url.startswith("/_carte/geo?couche=ti2023")
    assert set(hideout["colors"]) == {"ti-2801", "ti-2802"}
    assert hideout["values"]["ti-2801"] == "141\u202f000 hab."
    assert [r["Nom"] for r in rows] == ["Rouen Vallée", "<img src=x onerror=alert(1)>"]
    assert [c["field"] for c in cols] == [
        "Identifiant",
        "Nom",
        "Population municipale (hab.)",
        "Classe",
    ]
    assert status == "2 entités affichées — Territoires d'industrie 2023-2027"
    assert points == "/_carte/empty" and "inset=1" in base_dep and "frames" in frames


def test_on_view_with_a_filter_uses_true_positions(q):
    out = M.on_view(q, "ti2023", "density", "jenks", "28", "76", "762")
    url, rows, points, base_dep = out[0], out[3], out[6], out[7]
    assert points == "/_carte/empty"  # chef-lieux only on the arrondissement layer
    assert "arr=762" in url and [r["Identifiant"] for r in rows] == ["ti-2802"]
    assert "inset=0" in base_dep and out[9] == "/_carte/empty"
    arr = M.on_view(q, "arrondissement", "population", "egal", None, None, None)
    assert arr[6].startswith("/_carte/points")


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_inputs_never_raise(q, bad):
    M.on_view(q, bad, bad, bad, bad, bad, bad)
    M.on_layer(q, bad, bad)
    M.on_filter(q, bad, bad, bad)
    assert M.on_select(q, bad, bad, bad, bad, bad)[1] == "/_carte/empty"
    assert (
        M.on_select(q, {"couche": bad, "key": bad}, "ti2023", None, None, None)[1]
        == "/_carte/empty"
    )
    assert M.on_pick(q, bad, bad) == (no_update, no_update, no_update) or bad is None
    M.on_search(q, bad)
    M.on_url(bad, bad, bad, bad, bad, bad, bad, bad, bad)
    M.on_download(q, "csv", bad, bad, bad, bad, bad, bad)


def test_on_layer_keeps_the_indicator_when_the_new_layer_has_it(q):
    opts, value = M.on_layer(q, "epci", "density")
    assert value == "density" and "n_members" not in {o["value"] for o in opts}
    assert M.on_layer(q, "epci", "n_members")[1] == "population"


def test_on_filter_cascades_and_zooms(q):
    dep_opts, arr_opts, dep, arr, viewport = M.on_filter(q, "28", "76", "761")
    assert [o["value"] for o in dep_opts] == ["76"] and dep == "76" and arr == "761"
    assert viewport["transition"] == "flyToBounds" and viewport["bounds"][0][0] > 49
    assert M.on_filter(q, "99", None, "761")[3] == "761"  # an unknown région is no filter
    assert M.on_filter(q, None, None, None)[4]["bounds"] == NATIONAL_BOUNDS


def test_on_select_panel_renders_names_as_text(q):
    panel, url = M.on_select(q, {"couche": "ti2023", "key": "ti-2802"}, "ti2023", None, None, None)
    title = next(c for c in panel if getattr(c, "id", None) == "carte-panel-title")
    assert title.children == "<img src=x onerror=alert(1)>"  # a text child: React escapes it
    assert "key=ti-2802" in url and "inset=1" in url
    # a selection of another layer is not shown
    assert (
        M.on_select(q, {"couche": "ti2018", "key": "ti-2802"}, "ti2023", None, None, None)[1]
        == "/_carte/empty"
    )


def test_panel_lists_members_chef_lieux_and_a_filter_link(q):
    panel, _ = M.on_select(q, {"couche": "ti2023", "key": "ti-2801"}, "ti2023", None, None, None)
    text = repr(panel)
    assert "Métropole Rouen Test (EPCI, 200000001)" in text
    assert "Rouen (préfecture)" in text and "76 — Seine-Maritime" in text
    links = [c.href for c in panel if getattr(c, "href", None)]
    assert links[0] == "/?couche=ti2023&dep=76&sel=ti-2801"
    assert panel[-1].href == "/territoire/2023/ti-2801"  # a territory links to its profile


def test_search_then_pick_a_commune_pins_the_commune(q):
    opts = M.on_search(q, "Darnetal")
    assert opts[0]["value"] == "commune:76002" and "Darnetal" in opts[0]["search"]
    layer, sel, viewport = M.on_pick(q, "commune:76002", "ti2023")
    # the layer stays; the commune itself is selected (panel, outline and pin on any layer)
    assert layer == "ti2023" and sel == {"couche": "commune", "key": "76002"}
    assert viewport["bounds"][0][0] > 49 and viewport["options"]["maxZoom"] == 11
    assert M.on_pick(q, "epci:200000002", "ti2023")[:2] == (
        "epci",
        {"couche": "epci", "key": "200000002"},
    )
    assert M.on_pick(q, "epci:999", "ti2023") == (no_update, no_update, no_update)
    assert M.on_search(q, "r") is no_update


def test_on_url_round_trips_through_the_url_state(q):
    search = M.on_url(
        "epci",
        "density",
        "jenks",
        "28",
        "76",
        None,
        {"couche": "epci", "key": "200000001"},
        {"lat": 49.4, "lng": 1.05},
        9.5,
    )
    assert (
        search
        == "?couche=epci&ind=density&classes=jenks&reg=28&dep=76&sel=200000001&vue=49.4000,1.0500,9.5"
    )
    st = from_url(q, UrlState.parse(search))
    assert st == MapState("epci", "density", "jenks", "28", "76", None, "200000001")
    assert parse_view(UrlState.parse(search).vue) == ([49.4, 1.05], 9.5)


def test_download_is_exactly_the_table(q):
    table = M.on_view(q, "ti2023", "population", "quantiles", None, "76", "762")[3]
    out = M.on_download(q, "csv", "ti2023", "population", "quantiles", None, "76", "762")
    raw = base64.b64decode(out["content"])
    assert raw.startswith(b"\xef\xbb\xbf") and out["filename"].endswith("_762.csv")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [r["Identifiant"] for r in rows] == [r["Identifiant"] for r in table] == ["ti-2802"]
    assert rows[0]["Nom"] == "<img src=x onerror=alert(1)>" and "COG 2026" in rows[0]["Source"]
    xlsx = M.on_download(q, "xlsx", "ti2023", "population", "quantiles", None, "76", "762")
    assert xlsx["filename"].endswith(".xlsx") and base64.b64decode(xlsx["content"])[:2] == b"PK"


def test_generated_indicators_are_labelled(db_with_indicators):
    q = Gateway(db_with_indicators)
    opts, _ = M.on_layer(q, "ti2023", None)
    assert {"label": "Projets (données fictives) — données fictives", "value": "demo_test"} in opts
    out = M.on_download(q, "csv", "ti2023", "demo_test", "quantiles", None, None, None)
    text = base64.b64decode(out["content"]).decode("utf-8-sig")
    assert text.startswith("# DONNÉES FICTIVES") and "DONNÉES FICTIVES (démonstration)" in text
    q.close()


def test_center_zoom_fits_the_bounds():
    center, zoom = center_zoom(NATIONAL_BOUNDS)
    assert 45 < center[0] < 48 and 4 <= zoom <= 6.5
