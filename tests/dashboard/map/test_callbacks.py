"""The map page's callbacks, called as plain functions (inputs are untrusted)."""

from __future__ import annotations

import base64
import csv
import io
import math

import pytest
from dash import no_update

from dashboard.core.gateway import Gateway
from dashboard.core.mapview import NATIONAL_BOUNDS, center_zoom
from dashboard.core.urlstate import UrlState, parse_view
from dashboard.map import callbacks as M
from dashboard.map.state import VIEW_KEYS, MapState, from_url, validate
from dashboard.map.view import NEUTRAL_FILL, view_model

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


def view(couche="ti2023", ind="population", **kw):
    """The view inputs of the page (order of VIEW_KEYS) for some keys."""
    values = {"couche": couche, "ind": ind, "classes": "quantiles", **kw}
    return [values.get(k) for k in VIEW_KEYS]


def test_validate_falls_back_to_defaults(q):
    for bad in HOSTILE:
        st = validate(q, *[bad] * 15)
        assert st == MapState()


def test_on_view_draws_counts_as_circles_over_a_neutral_fill(q):
    out = M.on_view(q, *view())
    url, hideout, legend, rows, cols, status, points, base_dep, base_reg, frames = out[:10]
    circles, circle_hideout, message = out[10:]
    assert url.startswith("/_carte/geo?couche=ti2023")
    # population: circles over one neutral fill, sent once rather than per unit
    assert hideout["colors"] == {} and hideout["fill"] == NEUTRAL_FILL
    # the largest value has the largest radius; areas are proportional: r = 28 * sqrt(v / vmax)
    assert circle_hideout["radius"]["ti-2801"] == 28.0
    assert circle_hideout["radius"]["ti-2802"] == round(28 * math.sqrt(10_000 / 141_000), 2)
    assert circles.startswith("/_carte/centres?couche=ti2023&ind=population")
    assert hideout["values"]["ti-2801"] == "141\u202f000 hab."
    # each layer gets what it draws: the radii only to the circles, the values (tooltips) only
    # to the polygons
    assert "radius" not in hideout and "values" not in circle_hideout
    assert [r["Nom"] for r in rows] == ["Rouen Vallée", "<img src=x onerror=alert(1)>"]
    assert [r["Rang national"] for r in rows] == [1, 2]
    assert [r["Département"] for r in rows] == ["76 — Seine-Maritime"] * 2
    assert [c["colId"] for c in cols] == ["rang", "code", "nom", "dep", "valeur"]
    assert status == "2 entités affichées — Territoires d'industrie 2023-2027"
    assert points == "/_carte/empty" and "inset=1" in base_dep and "frames" in frames
    assert message == ""


def test_on_view_as_colours_has_classes_and_their_legend(q):
    out = M.on_view(q, *view(rep="aplats", nb="3"))
    hideout, rows, cols = out[1], out[3], out[4]
    assert len(set(hideout["colors"].values())) == 2 and out[10] == "/_carte/empty"
    assert [c["colId"] for c in cols][-1] == "classe"
    assert rows[0]["Classe"] == "141\u202f000"  # one value per class: no interval


def test_on_view_with_a_filter_uses_true_positions(q):
    out = M.on_view(q, *view(ind="density", classes="jenks", reg="28", dep="76", arr="762"))
    url, rows, points, base_dep = out[0], out[3], out[6], out[7]
    assert points == "/_carte/empty"  # chef-lieux only on the arrondissement layer
    assert "arr=762" in url and [r["Identifiant"] for r in rows] == ["ti-2802"]
    assert "inset=0" in base_dep and out[9] == "/_carte/empty"
    arr = M.on_view(q, *view("arrondissement", rep="aplats", classes="egal"))
    assert arr[6].startswith("/_carte/points")


def test_national_classes_are_the_same_on_both_waves_and_any_filter(q):
    """Classes "de la France entière": computed over the territories of both waves (population
    10 000, 55 000, 110 000, 141 000: terciles at 55 000 and 110 000)."""
    legends = []
    for couche, dep in (("ti2023", None), ("ti2018", None), ("ti2023", "76")):
        st = validate(q, couche, "population", None, None, "quantiles", "3", "france",
                      rep="aplats", dep=dep)  # fmt: skip
        v = view_model(q, st)
        assert v.classes.breaks == [10_000, 55_000, 110_000, 141_000]
        legends.append([it["label"] for it in v.legend])
    assert legends[0] == legends[1] == legends[2]
    # classes of the view: each layer its own scale
    a = view_model(q, validate(q, "ti2023", "population", classes="quantiles", nb="3",
                               rep="aplats")).classes.breaks  # fmt: skip
    b = view_model(q, validate(q, "ti2018", "population", classes="quantiles", nb="3",
                               rep="aplats")).classes.breaks  # fmt: skip
    assert a == [10_000, 141_000, 141_000] and b == [55_000, 110_000, 110_000]


def test_manual_thresholds_and_a_french_message_for_bad_ones(q):
    st = validate(q, "ti2023", "population", classes="manuel", seuils="50 000", rep="aplats")
    assert st.seuils == (50_000.0,) and st.message is None
    v = view_model(q, st)
    assert v.classes.breaks == [10_000, 50_000, 141_000]
    assert [it["label"] for it in v.legend][:2] == [
        "[10\u202f000 ; 50\u202f000)",
        "[50\u202f000 ; 141\u202f000]",
    ]
    bad = validate(q, "ti2023", "population", classes="manuel", seuils="abc", rep="aplats")
    assert bad.method == "quantiles" and "« abc » n'est pas un nombre" in bad.message
    assert M.on_view(q, *view(classes="manuel", seuils="abc", rep="aplats"))[-1] == bad.message


def test_years_one_entry_per_indicator_and_a_change_map(q):
    opts = M.on_controls(q, "ti2023", "urssaf_employees_industry_2006", None, None, None, None,
                         None)  # fmt: skip
    labels = [o["label"] for o in opts[0]]
    assert "Effectifs salariés de l'industrie (2006-2022)" in labels
    assert sum("Effectifs salariés de l'industrie" in lab for lab in labels) == 1
    ind, years, year, hidden = opts[1], opts[2], opts[3], opts[4]
    assert ind == "urssaf_employees_industry" and year == "2006" and hidden is False
    assert [y["value"] for y in years] == ["2022", "2006"]
    st = validate(q, "ti2023", "urssaf_employees_industry", "2022", "2006", rep="aplats")
    v = view_model(q, st)
    assert st.change and st.rep == "aplats" and st.palette == "rouge-bleu"
    assert v.values["ti-2801"] == pytest.approx(20.0)  # 130 -> 156 salariés: +20 %
    assert v.measure.title.startswith("Évolution 2006-2022") and v.measure.unit == "%"
    share = view_model(q, validate(q, "ti2023", "urssaf_industry_share", "2022", "2006"))
    assert share.values["ti-2801"] == pytest.approx(72.55813953 - 73.03370787)  # in points
    assert share.measure.unit == "points"
    assert "Urssaf" in v.note and "minorants" in v.note
    # a change of an indicator without years, or towards a later year, is no change
    assert not validate(q, "ti2023", "population", "2022", "2006").change
    assert not validate(q, "ti2023", "urssaf_employees_industry", "2006", "2022").change


def test_circles_over_a_rate_in_colour(q):
    out = M.on_view(q, *view(fond="density"))
    hideout, rows = out[1], out[3]
    assert hideout["fondLabel"] == "Densité de population" and out[11]["radius"]
    assert out[11]["fondLabel"] == "Densité de population"  # the circles' colour over a rate
    assert len(set(hideout["colors"].values())) == 2
    assert "Densité de population (hab./km²)" in rows[0] and "Classe (couleur)" in rows[0]
    # a count cannot be the colour under circles, nor may a rate be drawn as circles
    assert validate(q, "ti2023", "population", fond="projects_count").fond is None
    assert validate(q, "ti2023", "density", rep="cercles").rep == "aplats"


def test_hostile_view_inputs_never_raise(q):
    for bad in HOSTILE:
        M.on_view(q, *[bad] * len(VIEW_KEYS))
        M.on_controls(q, *[bad] * 7)
        for k in VIEW_KEYS:
            M.on_view(q, *view(**{k: bad}))
    assert M.on_view(q, *view(classes="manuel", seuils="1;" * 500))[-1].startswith("Seuils ignorés")
    assert M.on_view(q, *view(nb="99"))[4]  # an impossible count of classes: the default


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_inputs_never_raise(q, bad):
    M.on_view(q, *[bad] * 14)
    M.on_controls(q, bad, bad, bad, bad, bad, bad, bad)
    M.on_filter(q, bad, bad, bad)
    assert M.on_select(q, bad, bad, bad, bad, bad)[1] == "/_carte/empty"
    assert (
        M.on_select(q, {"couche": bad, "key": bad}, "ti2023", None, None, None)[1]
        == "/_carte/empty"
    )
    assert M.on_pick(q, bad, bad) == (no_update, no_update, no_update) or bad is None
    M.on_search(q, bad)
    M.on_url(q, *[bad] * 19)
    M.on_download(q, "csv", *[bad] * 14)


def test_on_controls_keeps_the_indicator_when_the_new_layer_has_it(q):
    out = M.on_controls(q, "epci", "density", None, None, None, None, None)
    assert out[1] == "density" and "n_members" not in {o["value"] for o in out[0]}
    assert M.on_controls(q, "epci", "n_members", None, None, None, None, None)[1] == "population"


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


def test_panel_lists_members_chef_lieux_and_a_filter_link(q, page_text):
    panel, _ = M.on_select(q, {"couche": "ti2023", "key": "ti-2801"}, "ti2023", None, None, None)
    text = repr(panel)
    assert "Métropole Rouen Test (EPCI, 200000001)" in text
    assert "Rouen (préfecture)" in text and "76 — Seine-Maritime" in text
    links = [c.href for c in panel if getattr(c, "href", None)]
    assert links[0] == "/?couche=ti2023&dep=76&sel=ti-2801"
    assert links[1] == "/comparer?couche=ti2023&cmp=ti-2801"
    assert panel[-1].href == "/territoire/2023/ti-2801"  # a territory links to its profile


def test_panel_sets_each_figure_beside_the_medians_of_its_region_and_france(q, page_text):
    """ti-2801 (141 000 hab.) and ti-2802 (10 000 hab.), both in Normandie: rank 1 of 2, both
    medians 75 500."""
    panel, _ = M.on_select(q, {"couche": "ti2023", "key": "ti-2801"}, "ti2023", None, None, None)
    text = page_text(panel)
    assert "Médiane région" in text and "Médiane France" in text and "région Normandie" in text
    row = text[text.index("Population municipale") :].split("\n")[:5]
    assert row[1:5] == ["141\u202f000 hab.", "1 / 2", "75\u202f500 hab.", "75\u202f500 hab."]


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
    values = view("epci", "density", classes="jenks", nb="7", portee="france",
                  palette="viridis", reg="28", dep="76")  # fmt: skip
    rest = [{"couche": "epci", "key": "200000001"}, {"lat": 49.4, "lng": 1.05}, 9.5,
            [{"colId": "nom", "sort": None}, {"colId": "valeur", "sort": "desc"}], "/"]  # fmt: skip
    search = M.on_url(q, *values, *rest)["search"]
    assert search == (
        "?couche=epci&ind=density&classes=jenks&nb=7&portee=france&palette=viridis&rep=aplats"
        "&reg=28&dep=76&sel=200000001&vue=49.4000,1.0500,9.5&tri=valeur.desc"
    )
    st = from_url(q, UrlState.parse(search))
    assert st == validate(q, "epci", "density", None, None, "jenks", "7", "france", "viridis",
                          reg="28", dep="76", sel="200000001")  # fmt: skip
    assert parse_view(UrlState.parse(search).vue) == ([49.4, 1.05], 9.5)
    assert M.on_url(q, *values, *rest[:4], "/sources") is no_update


def test_the_address_takes_the_view_the_page_store_holds(q):
    # the map's fitted first view is no view of the user's: no ``vue`` (assets/carte.js
    # viewReport keeps it out of the store); a move, or an address's own view, is one
    values = view("epci")
    sort = [{"colId": "nom", "sort": None}]
    fitted = M.on_address(q, *values, {}, {"fit": True}, sort, "/")["search"]
    assert "vue=" not in fitted and fitted.startswith("?couche=epci")
    moved = {"center": {"lat": 49.4, "lng": 1.05}, "zoom": 9.5}
    assert "&vue=49.4000,1.0500,9.5" in M.on_address(q, *values, {}, moved, sort, "/")["search"]
    for hostile in (None, "<b>", ["x"], {"center": "x", "zoom": {}}):
        assert "vue=" not in M.on_address(q, *values, {}, hostile, sort, "/")["search"]
    assert M.on_address(q, *values, {}, moved, sort, "/progres") is no_update


def test_download_is_exactly_the_table(q):
    table = M.on_view(q, *view(dep="76", arr="762"))[3]
    out = M.on_download(q, "csv", *view(dep="76", arr="762"))
    raw = base64.b64decode(out["content"])
    assert raw.startswith(b"\xef\xbb\xbf") and out["filename"].endswith("_762.csv")
    text, _, footer = raw.decode("utf-8-sig").partition("\n\n")  # rows, then the sources
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["Identifiant"] for r in rows] == [r["Identifiant"] for r in table] == ["ti-2802"]
    assert rows[0]["Nom"] == "<img src=x onerror=alert(1)>" and "COG 2026" in footer
    assert rows[0]["Rang national"] == "2" and rows[0]["Département"] == "76 — Seine-Maritime"
    xlsx = M.on_download(q, "xlsx", *view(dep="76", arr="762"))
    assert xlsx["filename"].endswith(".xlsx") and base64.b64decode(xlsx["content"])[:2] == b"PK"


def test_generated_indicators_are_labelled(db_with_indicators):
    q = Gateway(db_with_indicators)
    opts = M.on_controls(q, "ti2023", None, None, None, None, None, None)[0]
    assert {"label": "Projets (données fictives) — données fictives", "value": "demo_test"} in opts
    out = M.on_download(q, "csv", *view(ind="demo_test"))
    text = base64.b64decode(out["content"]).decode("utf-8-sig")
    assert text.startswith("# DONNÉES FICTIVES") and "DONNÉES FICTIVES (démonstration)" in text
    q.close()


def test_center_zoom_fits_the_bounds():
    center, zoom = center_zoom(NATIONAL_BOUNDS)
    assert 45 < center[0] < 48 and 4 <= zoom <= 6.5


def test_filters_say_toutes_for_regions_and_tous_for_departements(q):
    from dashboard.map.layout import layout

    found = {
        c.id: c.placeholder
        for c in layout(q, UrlState())._traverse()
        if getattr(c, "id", None) in ("carte-reg", "carte-dep", "carte-arr")
    }
    assert found == {"carte-reg": "Toutes", "carte-dep": "Tous", "carte-arr": "Tous"}


def test_the_national_view_is_light_until_the_map_is_zoomed_in(q):
    # the map's zoom (a state of the view callback): at the national scale the national level,
    # with the URLs to load once zoomed in; zoomed in already, the coarse level at once
    url, hideout, *_, base_dep, base_reg = M.on_view(q, *view("epci"), 5.25)[:9]
    assert "niveau=national" in url and "niveau=national" in base_dep + base_reg
    detail = hideout["detail"]
    assert detail["zoom"] == M.DETAIL_ZOOM
    assert detail["urls"]["geo"] == url.replace("niveau=national&", "")
    for zoom in (M.DETAIL_ZOOM, 9):
        url, hideout, *_, base_dep, base_reg = M.on_view(q, *view("epci"), zoom)[:9]
        assert "niveau" not in url + base_dep + base_reg and hideout["detail"] is None
    # a filtered view is cut from the medium level: nothing to load later; hostile zooms ignored
    assert M.on_view(q, *view("epci", dep="76"), 5)[1]["detail"] is None
    for bad in ("9", True, None, [9], float("nan")):
        assert "niveau=national" in M.on_view(q, *view("epci"), bad)[0]
