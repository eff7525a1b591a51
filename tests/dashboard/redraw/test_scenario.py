"""Scenario engine and scenario files on the toy country of conftest.py."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from dashboard.redraw.queries import load_base
from dashboard.redraw.scenario_io import (
    load_scenario,
    save_scenario,
    scenario_from_csv,
    scenario_from_store,
    scenario_to_csv,
    scenario_to_store,
)
from geo.scenario import (
    MEMBER_COLUMNS,
    Scenario,
    ScenarioError,
    evaluate,
    fill_empty_holes,
    gather,
    move_member,
    new_territory_id,
)

# the SIRENs of the toy country's EPCI (conftest.py): E["E4"] is EPCI E4
E = {f"E{i}": f"20000000{i}" for i in range(1, 9)}


@pytest.fixture(scope="module")
def base(toy_db):
    return load_base(toy_db)


@pytest.fixture
def official(base):
    return Scenario.official(base, "Essai")


def same_shape(a, b) -> bool:
    return shapely.equals(shapely.normalize(a), shapely.normalize(b))


def test_official_scenario_is_unchanged(toy, base, official):
    r = evaluate(base, official)
    assert set(r["status"]) == {"unchanged"}
    assert r.loc["ti-0001", ["population", "n_communes", "n_members", "area_km2"]].tolist() == [
        600,
        4,
        2,
        40.0,
    ]
    assert (r["population_diff"] == 0).all() and (r["n_communes_diff"] == 0).all()
    assert same_shape(r.geometry["ti-0005"], toy.squares(11, 12))


def test_move_an_epci(toy, base, official):
    sc, affected = move_member(base, official, "EPCI", E["E4"], "ti-0005")
    assert affected == ["ti-0001", "ti-0005"]
    r = evaluate(base, sc, affected)
    y, z = r.loc["ti-0001"], r.loc["ti-0005"]
    assert (y["status"], y["population"], y["n_communes"], y["n_members"], y["area_km2"]) == (
        "modified",
        400,
        2,
        1,
        20.0,
    )
    assert (y["population_diff"], y["communes_removed"], y["communes_added"]) == (-200, 2, 0)
    assert same_shape(y.geometry, toy.squares(5, 6))
    assert (z["population"], z["n_members"], z["population_diff"], z["density"]) == (
        600,
        3,
        200,
        15.0,
    )
    assert same_shape(z.geometry, toy.squares(3, 7, 11, 12))
    # the official tables are untouched
    assert base.official.loc[base.official.siren == E["E4"], "territory_id"].tolist() == ["ti-0001"]


def test_gather_into_a_new_territory(toy, base, official):
    assert new_territory_id(official) == "nouveau-1"
    sc, affected = gather(
        base, official, [("EPCI", E["E3"]), ("EPCI", E["E8"])], "nouveau-1", "Nord"
    )
    assert new_territory_id(sc) == "nouveau-2"
    assert affected == ["nouveau-1"]
    r = evaluate(base, sc, affected).loc["nouveau-1"]
    assert (r["status"], r["name"], r["population"], r["n_communes"], r["n_members"]) == (
        "new",
        "Nord",
        140,
        6,
        2,
    )
    assert math.isnan(r["population_official"]) and math.isnan(r["population_diff"])
    assert same_shape(r.geometry, toy.squares(9, 10, 13, 14, 15, 16))
    with pytest.raises(ScenarioError, match="already exists"):
        gather(base, sc, [("EPCI", E["E5"])], "nouveau-1", "Encore")


def test_emptied_territory_is_removed(base, official):
    sc, affected = move_member(base, official, "EPCI", E["E1"], None)
    r = evaluate(base, sc, affected).loc["ti-0003"]
    assert (r["status"], r["population"], r["n_communes"], r["population_diff"]) == (
        "removed",
        0,
        0,
        -200,
    )
    assert r.geometry is None


def test_a_commune_cannot_be_in_two_territories(base, official):
    # commune C05 (SIREN 210000005) is in EPCI E2, member of ti-0001
    with pytest.raises(ScenarioError, match="commune C05 would be in territories"):
        move_member(base, official, "commune", "210000005", "ti-0005")


@pytest.mark.parametrize(
    "kind, siren, target, message",
    [
        ("EPCI", "999999999", "ti-0001", "unknown"),
        ("EPCI", "<script>", "ti-0001", "unknown"),
        ("region", E["E1"], "ti-0001", "unknown"),
        ("EPCI", E["E3"], "<b>x</b>", "territory_id"),
        ("EPCI", E["E3"], "a" * 41, "territory_id"),
    ],
)
def test_bad_moves_are_refused(base, official, kind, siren, target, message):
    with pytest.raises(ScenarioError, match=message):
        move_member(base, official, kind, siren, target)


def test_holes_kept_around_a_commune_and_filled_elsewhere(toy, base):
    ring = [1, 2, 3, 5, 7, 9, 10, 11]  # the communes around C06
    members = pd.DataFrame(
        [
            {
                "territory_id": "anneau",
                "territory_name": "Anneau",
                "kind": "commune",
                "siren": f"2100000{n:02d}",
                "member_name": "",
            }
            for n in ring
        ]
    )
    r = evaluate(base, Scenario("Anneau", members), ["anneau"]).loc["anneau"]
    # C06 is inside: the hole stays
    assert same_shape(r.geometry, toy.squares(*ring))
    assert shapely.get_num_interior_rings(r.geometry) == 1
    # a hole with no commune in it (a lake, a gap) is filled
    donut = shapely.box(0, 0, 3, 3).difference(shapely.box(1, 1, 2, 2))
    far = shapely.STRtree([shapely.Point(10, 10)])
    assert same_shape(fill_empty_holes(donut, far), shapely.box(0, 0, 3, 3))
    near = shapely.STRtree([shapely.Point(1.5, 1.5)])
    assert same_shape(fill_empty_holes(donut, near), donut)


def test_save_and_load_identically(base, official, tmp_path):
    sc, _ = move_member(base, official, "EPCI", E["E4"], "ti-0005")
    sc, _ = gather(base, sc, [("EPCI", E["E3"])], "nouveau-1", '=Nord, "quoted"')
    sc = Scenario('=HYPERLINK("x")', sc.members)  # a name a spreadsheet would run
    csv_p, geo_p = tmp_path / "s.csv", tmp_path / "s.geojson"
    saved = save_scenario(base, sc, csv_p, geo_p)
    assert "'=HYPERLINK" in csv_p.read_text(encoding="utf-8")
    loaded = load_scenario(base, csv_p, geo_p)
    assert loaded.mismatches == []
    assert loaded.scenario == sc
    assert_geodataframe_equal(loaded.result, saved)
    doc = json.loads(geo_p.read_text(encoding="utf-8"))
    assert doc["statut"].startswith("Scénario") and "non officiel" in doc["statut"]
    props = {f["properties"]["territory_id"]: f["properties"] for f in doc["features"]}
    assert (
        props["ti-0005"]["population"] == 600 and props["nouveau-1"]["population_official"] is None
    )


def test_load_reports_a_figure_that_changed(base, official, tmp_path):
    csv_p, geo_p = tmp_path / "s.csv", tmp_path / "s.geojson"
    save_scenario(base, official, csv_p, geo_p)
    doc = json.loads(geo_p.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["population"] += 1
    doc["features"][1]["geometry"] = json.loads(shapely.to_geojson(shapely.box(0, 0, 1, 1)))
    geo_p.write_text(json.dumps(doc), encoding="utf-8")
    mism = load_scenario(base, csv_p, geo_p).mismatches
    assert len(mism) == 2
    assert "population" in mism[0] and "polygon" in mism[1]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty file"),
        ("territory_id,kind\nti-0001,EPCI\n", "missing column"),
        (
            "scenario,statut,territory_id,territory_name,kind,siren,member_name\n"
            "s,x,ti-0001,y,EPCI,200000002,\ns,x,ti-0001,y,EPCI,123456789,\n",
            "line 3, column 'siren'",
        ),
        (
            "scenario,statut,territory_id,territory_name,kind,siren,member_name\n"
            "s,x,ti-0001,y,EPCI,200000002,\ns,x,ti-0002,y,EPCI,200000002,\n",
            "line 3: member EPCI 200000002 is already listed in members CSV, line 2",
        ),
        (
            "scenario,statut,territory_id,territory_name,kind,siren,member_name\n"
            "s,x,ti-0001,y,EPCI,200000002\n",
            "line 2: 6 fields",
        ),
        (
            "scenario,statut,territory_id,territory_name,kind,siren,member_name\n"
            "s,x,ti-0001,y,EPCI,200000002,\n\ns,x,ti-0001,y,EPCI,200000004,\n",
            "line 3: 0 fields",
        ),
        (
            "scenario,statut,territory_id,territory_name,kind,siren,member_name\n"
            "s,x,ti-0001,y,EPCI,200000002,\nt,x,ti-0003,x,EPCI,200000001,\n",
            "several scenario names",
        ),
    ],
)
def test_bad_csv_is_refused(base, text, message):
    with pytest.raises(ScenarioError, match=message):
        scenario_from_csv(text, base)


def test_csv_bytes_limits(base, official):
    text = scenario_to_csv(official)
    assert scenario_from_csv(text.encode("utf-8"), base).members.equals(official.members)
    with pytest.raises(ScenarioError, match="UTF-8"):
        scenario_from_csv(b"\xff\xfe" + text.encode("utf-16-le"), base)
    with pytest.raises(ScenarioError, match="at most"):
        scenario_from_csv(b"x" * 3_000_000, base)
    assert list(official.members.columns) == MEMBER_COLUMNS


def test_extra_indicator_is_summed_and_missing_is_counted(toy_db):
    # jobs known for C03 and C07 (EPCI E4) and C11, unknown elsewhere
    extra = pd.DataFrame(
        {"jobs": [30.0, 20.0, 5.0]}, index=pd.Index(["C03", "C07", "C11"], name="code")
    )
    base = load_base(toy_db, extra=extra)
    sc, affected = move_member(base, Scenario.official(base), "EPCI", E["E4"], "ti-0005")
    r = evaluate(base, sc, affected)
    assert r.loc["ti-0005", ["jobs", "jobs_official", "jobs_diff", "jobs_n_missing"]].tolist() == [
        55,
        5,
        50,
        1,
    ]
    # no commune of ti-0001 has a value any more: absent, not 0
    assert math.isnan(r.loc["ti-0001", "jobs"]) and math.isnan(r.loc["ti-0001", "jobs_diff"])
    assert r.loc["ti-0001", ["jobs_official", "jobs_n_missing"]].tolist() == [50, 2]


def test_store_round_trip_and_hostile_data(base, official):
    sc, _ = move_member(base, official, "EPCI", E["E4"], "ti-0005")
    data = json.loads(json.dumps(scenario_to_store(sc)))
    assert scenario_from_store(data, base) == sc
    bad = [
        None,
        [],
        {"members": "x"},
        {"members": [1]},
        {"name": 3, "members": []},
        {"members": [{"territory_id": "ti-0001"}]},
        {"members": [dict(data["members"][0], siren="<img src=x>")]},
        {"members": [data["members"][0]] * 6000},
    ]
    for b in bad:
        with pytest.raises(ScenarioError):
            scenario_from_store(b, base)
