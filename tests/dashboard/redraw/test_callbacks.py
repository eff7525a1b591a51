"""The /redecoupage page: its read functions and callbacks called as plain functions over the
miniature database (two territories per wave, one of them named with hostile markup).

Hand-checked case (tests/data/mirror): in 2018 ti-2801 "Elbeuf Seine" (5 communes, 55 000 hab.)
and ti-2802 "Rouen centre" (Rouen, 110 000); in 2023 ti-2801 "Rouen Vallée" (Métropole Rouen
Test, 4 communes, 141 000) and ti-2802 (Caudebec-lès-Elbeuf alone, 10 000). So Rouen stays in
the same territory, Caudebec moves with Elbeuf's territory to its counterpart, 3 communes of the
Métropole enter and 4 communes of Elbeuf leave.
"""

from __future__ import annotations

import base64
import json

import pytest
from dash import no_update

from dashboard.app import create_app
from dashboard.core.admin import Place, place
from dashboard.core.theme import PALETTE
from dashboard.core.urlstate import UrlState
from dashboard.redraw import callbacks as R
from dashboard.redraw import queries as RQ
from dashboard.redraw import scenario as S
from dashboard.redraw.state import selection_of

HOSTILE = "<img src=x onerror=alert(1)>"
GARBAGE = [None, 3, "", "x" * 5000, "'; DROP TABLE commune; --", {"a": 1}, ["76"], "../../etc"]


def test_place_validates_untrusted_codes(q):
    assert place(q, "28", "76") == Place("28", "76")
    assert place(q, "28", "76").level == "departement"
    assert place(q, "99", "76") == Place(None, "76")
    for g in GARBAGE:
        assert place(q, g, g) == Place()


def test_change_counts_match_the_hand_checked_case_and_the_summary(q):
    counts = RQ.change_counts(q, Place())
    n = dict(zip(counts["change_class"], counts["n_communes"], strict=True))
    assert n == {"same": 2, "moved": 0, "entered": 3, "left": 4, "outside": 0}
    s = RQ.summary(q, Place()).iloc[0]
    assert s["n_communes_2018"] == n["same"] + n["moved"] + n["left"] == 6
    assert s["n_communes_2023"] == n["same"] + n["moved"] + n["entered"] == 5


def test_transitions_and_counterparts(q):
    tr = RQ.transitions(q, Place("28", None)).set_index("ti_2018")
    assert (
        tr.loc["ti-2801", "transition"] == "reduced" and tr.loc["ti-2802", "transition"] == "kept"
    )
    assert tr.loc["ti-2802", "counterpart_2023"] == "ti-2801"
    tc = RQ.transition_counts(q, Place())
    assert dict(zip(tc["transition"], tc["n"], strict=True)) == {
        "kept": 1,
        "split": 0,
        "merged": 0,
        "reduced": 1,  # 10,000 of its 55,000 inhabitants (18 %) stay in the programme
        "dropped": 0,
    }
    cp = RQ.counterpart(q, "2023", "ti-2802")
    assert cp["counterpart_id"] == "ti-2801" and cp["counterpart_wave"] == "2018"
    assert RQ.counterpart(q, "2023", "ti-9999") is None


def test_flows_by_class_add_up_to_every_inhabitant_of_either_wave(q):
    f = RQ.class_flows(q, Place())
    pairs = {(s, t): p for s, t, p in f[["source", "target", "population"]].itertuples(index=False)}
    assert pairs == {
        ("reduced", "counterpart"): 10000,
        ("reduced", "outside"): 45000,
        ("kept", "counterpart"): 110000,
        ("outside", "other"): 31000,
    }


def test_sous_prefecture_view(q):
    ta = RQ.territory_arrondissements(q, "2023", Place())
    assert set(ta["territory_id"]) == {"ti-2801", "ti-2802"}
    assert ta.groupby("territory_id")["share_of_territory"].sum().round(9).eq(1).all()
    arr = RQ.arrondissements(q, "2023", Place()).set_index("arrondissement")
    assert arr.loc["762", "share_covered"] == pytest.approx(10000 / 55000)
    assert arr.loc["762", "territories"] == f"{HOSTILE} (18 %)"
    sc = RQ.scope_counts(q, "2023", Place("28", "76"))
    assert dict(zip(sc["scope"], sc["n_territories"], strict=True))["single_arrondissement"] == 2
    assert sc["n_territories"].sum() == 2


def test_commune_geojson_carries_class_and_name(q):
    doc = json.loads(RQ.commune_layer(q, Place(None, "76"))[0])
    props = {f["properties"]["key"]: f["properties"] for f in doc["features"]}
    assert len(props) == 9
    classes = [p["c"] for p in props.values()]
    assert sorted(classes) == sorted(["same"] * 2 + ["entered"] * 3 + ["left"] * 4)


def test_on_view_fills_every_output_with_one_scale(q):
    v = R.on_view(q, None, None, None, None, {"wave": "2018", "key": "ti-2802"})
    assert set(R.VIEW_KEYS) <= set(v)
    assert v["hide18"]["selected"] == "ti-2802" and v["hide23"]["selected"] == "ti-2801"
    # one scale over both waves: 10 000 (2023) < 55 000 (2018) < 110 000 (2018) < 141 000 (2023)
    rank = PALETTE.index
    c18, c23 = v["hide18"]["colors"], v["hide23"]["colors"]
    assert rank(c23["ti-2802"]) < rank(c18["ti-2801"]) < rank(c18["ti-2802"]) < rank(c23["ti-2801"])
    names = {r["Nom"] for r in v["ta_rows"]}
    assert HOSTILE in names  # text, rendered by ag-grid as text
    assert "/_carte/geo?couche=ti2018" in v["url18"] and v["url_change"].startswith(
        "/_redecoupage/communes?"
    )


@pytest.mark.parametrize("bad", GARBAGE)
def test_on_view_and_on_filter_take_garbage(q, bad):
    v = R.on_view(q, bad, bad, bad, bad, bad)
    assert v["hide18"]["selected"] is None
    opts, dep, viewport = R.on_filter(q, bad, bad)
    assert dep is None and viewport["bounds"]


def test_on_filter_drops_a_departement_outside_the_region(q):
    opts, dep, _ = R.on_filter(q, "28", "76")
    assert dep == "76" and [o["value"] for o in opts] == ["76"]


def test_selection_outlines_the_counterpart(q):
    h18, h23, panel = R.on_select(
        q, {"wave": "2023", "key": "ti-2802"}, {"colors": {}}, {"colors": {}}
    )
    assert h23["selected"] == "ti-2802" and h18["selected"] == "ti-2801"
    assert "Elbeuf Seine" in json.dumps(
        panel, default=lambda c: c.to_plotly_json(), ensure_ascii=False
    )
    for bad in [*GARBAGE, {"wave": "2018", "key": "ti-9999"}, {"wave": "1999", "key": "ti-2801"}]:
        h18, h23, _ = R.on_select(q, bad, None, None)
        assert h18["selected"] is None and h23["selected"] is None


def test_url_state_round_trip(q):
    search = R.on_url(
        "28",
        "76",
        "population",
        "jenks",
        {"wave": "2023", "key": "ti-2801"},
        {"lat": 49.0, "lng": 1.0},
        9,
    )
    assert (
        search
        == "?ind=population&classes=jenks&reg=28&dep=76&sel=ti-2801&vue=49.0000,1.0000,9&vague=2023"
    )
    st = UrlState.parse(search)
    assert selection_of(q, {"wave": st.extra["vague"], "key": st.sel}) == ("2023", "ti-2801")
    assert "sel=" not in R.on_url(
        None, None, None, None, {"wave": "<x>", "key": HOSTILE}, None, None
    )


def _data_url(text: str, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(text.encode()).decode()


def test_scenario_move_save_and_load_back(q):
    store, msg = S.on_edit(q, "move", "EPCI:200000001", "ti-2802", None, None, None)
    assert "ti-2801, ti-2802" in msg
    geo, rows, cols, options, status = S.on_scenario_view(q, store)
    by = {r["Territoire"]: r for r in rows}
    assert by["ti-2802"]["Population"] == 151000 and by["ti-2802"]["Écart population"] == 141000
    assert by["ti-2801"]["Statut"] == "supprimé"
    assert [f["properties"]["key"] for f in geo["features"]] == ["ti-2802"]
    assert "2 territoire(s) modifié(s)" in status
    csv_dl, geo_dl, _ = S.on_save(q, store)
    assert "non officiel" in csv_dl["content"] and csv_dl["filename"].endswith(".csv")
    loaded, msg = S.on_upload(
        q,
        [_data_url(csv_dl["content"]), _data_url(geo_dl["content"], "application/json")],
        ["s.csv", "s.geojson"],
    )
    assert loaded == store and "identiques au GeoJSON" in msg
    # a GeoJSON whose figures were edited is reported
    edited = geo_dl["content"].replace("151000", "150000")
    _, msg = S.on_upload(
        q, [_data_url(csv_dl["content"]), _data_url(edited)], ["s.csv", "s.geojson"]
    )
    assert "écart(s)" in msg and "population" in msg


def test_scenario_gather_into_a_new_territory(q):
    store, msg = S.on_edit(
        q, "gather", None, None, "  Nouveau   <b>nom</b> ", ["EPCI:200000001", "junk"], None
    )
    assert "nouveau-1" in msg
    _, rows, *_ = S.on_scenario_view(q, store)
    new = next(r for r in rows if r["Territoire"] == "nouveau-1")
    assert (
        new["Nom"] == "Nouveau <b>nom</b>"
        and new["Statut"] == "nouveau"
        and new["Population"] == 141000
    )


def test_scenario_edits_refuse_garbage_without_raising(q):
    for bad in GARBAGE:
        store, msg = S.on_edit(q, "move", bad, bad, bad, bad, None)
        assert store is no_update and msg
        store, msg = S.on_edit(q, "gather", None, None, bad, bad, None)
        assert store is no_update
    store, msg = S.on_edit(q, "move", "EPCI:999999999", "ti-2802", None, None, None)
    assert store is no_update and "refusée" in msg
    assert S.on_edit(q, "reset", None, None, None, None, {"members": []})[0] is None
    geo, rows, *_, status = S.on_scenario_view(q, {"members": [{"territory_id": HOSTILE}]})
    assert rows == [] and "illisible" in status


@pytest.mark.parametrize(
    "contents,names",
    [
        (None, None),
        ("garbage", "x.csv"),
        (["data:text/csv;base64,!!!"], ["x.csv"]),
        ([_data_url("a,b\n1,2")], ["x.csv"]),
        ([_data_url("{}", "application/json")], ["x.geojson"]),
        (["data:text/csv;base64," + "A" * 4_000_000], ["big.csv"]),
        ([1, 2, 3], None),
    ],
)
def test_upload_of_bad_files_is_an_error_message(q, contents, names):
    store, msg = S.on_upload(q, contents, names)
    assert store is no_update and msg


def test_page_and_routes_answer_hostile_requests(mini_db):
    client = create_app(mini_db).server.test_client()
    r = client.get(
        "/_dash-layout",
        headers={"Referer": "http://localhost/redecoupage?dep=76&sel=ti-2802&vague=2023"},
    )
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "rd-map-2018" in body and "dangerouslySetInnerHTML" not in body
    for qs in ("", "?dep=76", "?reg=%3Cscript%3E", "?dep=" + "9" * 500):
        r = client.get("/_redecoupage/communes" + qs)
        assert r.status_code == 200 and json.loads(r.data)["type"] == "FeatureCollection"


def test_only_changed_territories_are_recomputed(q):
    from geo.scenario import Scenario

    base = RQ.scenario_base(q)
    assert S.changed_territories(base, Scenario.official(base)) == []
    store, _ = S.on_edit(q, "move", "EPCI:200000001", "ti-2802", None, None, None)
    assert S.changed_territories(base, S._scenario(q, store)) == ["ti-2801", "ti-2802"]
