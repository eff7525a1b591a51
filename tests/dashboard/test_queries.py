"""The query layer over the miniature database (hand-checkable values)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from dashboard.queries import LAYERS, Queries, QueryError, get_layer, normalize


def test_layers_have_their_rows(q):
    assert sorted(q.frame("ti2023").index) == ["ti-2801", "ti-2802"]
    assert sorted(q.frame("ti2018")["name"]) == ["Elbeuf Seine", "Rouen centre"]
    assert q.frame("epci").loc["200000001", "population"] == 141000
    assert len(q.frame("arrondissement")) == 2


def test_unknown_layer_lists_the_choices():
    with pytest.raises(QueryError, match="ti2023, ti2018, epci"):
        get_layer("communes; DROP TABLE x")


def test_indicators_are_discovered_from_numeric_columns(q):
    inds = q.indicators("ti2023")
    ids = [i.id for i in inds]
    assert ids[:5] == ["population", "density", "area_km2", "n_communes", "n_members"]
    # then the rows of the shared long indicator table, never columns
    assert all(i.column is None for i in inds[5:])
    assert "anct_overlap" not in ids  # build quality control, not an indicator
    assert "n_members" not in [i.id for i in q.indicators("epci")]


def test_density_is_population_over_area(q):
    row = q.frame("epci").loc["200000002"]
    assert q.values("epci", "density")["200000002"] == pytest.approx(
        row["population"] / row["area_km2"]
    )


def test_indicator_tables_of_later_issues_are_picked_up(db_with_indicators):
    q = Queries(db_with_indicators)
    ind = q.get_indicator("ti2023", "emplois_test")
    assert (ind.label, ind.unit, ind.source, ind.generated, ind.decimals) == (
        "Emplois industriels",
        "emplois",
        "Urssaf",
        False,
        1,
    )
    v = q.values("ti2023", "emplois_test")
    assert v["ti-2801"] == 1234.5 and v.isna()["ti-2802"]  # NULL stays "no data", never 0
    assert q.get_indicator("epci", "projets_demo").generated is True
    assert "emplois_test" not in [i.id for i in q.indicators("epci")]
    with pytest.raises(QueryError, match="expected one of population"):
        q.get_indicator("ti2023", "nope")
    q.close()


def test_the_shared_indicator_table_gives_one_choice_per_year(db_with_indicators):
    q = Queries(db_with_indicators)
    inds = {i.id: i for i in q.indicators("ti2023")}
    assert [i for i in inds if i.startswith("test_jobs")] == ["test_jobs", "test_jobs_2021"]
    assert inds["test_jobs"].label == "Emplois test (2022)" and inds["test_jobs_2021"].decimals == 1
    v = q.values("ti2023", "test_jobs")
    assert v["ti-2801"] == 120 and v.isna()["ti-2802"]  # no row: no data
    assert q.values("ti2023", "test_jobs_2021")["ti-2802"] == 7.5
    assert inds["demo_test"].generated and q.values("ti2023", "demo_test")["ti-2802"] == 3
    q.close()


def test_filters_keep_the_features_touching_the_unit(q):
    assert q.filtered_keys("ti2023") == ["ti-2801", "ti-2802"]
    assert q.filtered_keys("ti2023", arrondissement="762") == ["ti-2802"]
    assert q.filtered_keys("ti2018", arrondissement="761") == ["ti-2802"]
    assert q.filtered_keys("epci", departement="76") == ["200000001", "200000002"]
    assert q.filtered_keys("epci", region="11") == []
    assert [o["value"] for o in q.filter_options("arrondissement", departement="76")] == [
        "761",
        "762",
    ]
    assert q.valid_admin("departement", "76") == "76"
    assert q.valid_admin("departement", "' OR 1=1 --") is None
    assert q.valid_admin("departement", ["76"]) is None


def test_search_is_accent_and_case_insensitive(q):
    labels = [r["label"] for r in q.search("DARNETAL")]
    assert labels == [
        "Darnétal — Commune (76)",
        "Rouen Vallée — Territoire d'industrie 2023 (76), contient Darnétal",
    ]
    found = {(r["kind"], r["key"]) for r in q.search("rouen")}
    assert {
        ("commune", "76001"),
        ("ti2023", "ti-2801"),
        ("epci", "200000001"),
        ("arrondissement", "761"),
    } <= found


def test_search_brings_the_territory_of_a_commune(q):
    res = q.search("caudebec")
    assert res[0]["key"] == "76006"
    terr = [r for r in res if r["kind"] == "ti2023"]
    assert (
        terr and terr[0]["key"] == "ti-2802" and "contient Caudebec-lès-Elbeuf" in terr[0]["label"]
    )


@pytest.mark.parametrize(
    "text", [None, 42, "", "a", "%", "_", "' OR 1=1 --", "x" * 10000, "<script>"]
)
def test_hostile_search_is_empty(q, text):
    assert q.search(text) == []


def test_detail_of_a_territory(q):
    d = q.detail("ti2023", "ti-2801")
    assert d["name"] == "Rouen Vallée" and d["population"] == 141000
    assert d["n_communes"] == 4 and d["n_epci"] == 1
    assert d["departements"] == [("76", "Seine-Maritime")]
    assert d["chef_lieux"] == [("Rouen", "préfecture")]
    assert d["members"] == [("200000001", "EPCI", "Métropole Rouen Test")]
    assert q.detail("ti2023", "ti-9999") is None
    assert q.detail("ti2023", {"key": 1}) is None


def test_the_same_id_means_different_places_in_the_two_waves(q):
    assert q.detail("ti2023", "ti-2802")["name"] == "<img src=x onerror=alert(1)>"
    assert q.detail("ti2018", "ti-2802")["name"] == "Rouen centre"


def test_geojson_has_key_and_name_and_filters(q):
    fc = json.loads(q.geojson("territory_2023", level="medium", inset=False))
    assert [f["properties"]["key"] for f in fc["features"]] == ["ti-2801", "ti-2802"]
    assert fc["features"][1]["properties"]["name"] == "<img src=x onerror=alert(1)>"
    one = json.loads(q.geojson("territory_2023", level="medium", inset=False, keys=("ti-2801",)))
    assert len(one["features"]) == 1


def test_chef_lieux_points(q):
    fc = json.loads(q.chef_lieux())
    assert {(f["properties"]["name"], f["properties"]["kind"]) for f in fc["features"]} == {
        ("Rouen", "préfecture"),
        ("Elbeuf", "sous-préfecture"),
    }


def test_bounds(q):
    (s, w), (n, e) = q.filter_bounds(departement="76")
    assert s < n and w < e and 49 < s < 50 and 0.5 < w < 1.5
    assert q.bounds("region", []) is None


def test_reopens_when_the_database_file_is_replaced(mini_db, tmp_path):
    path = tmp_path / "live.duckdb"
    shutil.copy(mini_db, path)
    q = Queries(path)
    assert len(q.frame("ti2023")) == 2
    before = q.version
    from etl.db import Database

    new = tmp_path / "live.duckdb.building"
    shutil.copy(mini_db, new)
    with Database(new, read_only=False) as d:
        d.execute("DELETE FROM territory WHERE wave = '2023' AND id = 'ti-2802'")
    os.replace(new, path)  # what the build does
    assert len(q.frame("ti2023")) == 1
    assert q.version != before
    q.close()


def test_normalize():
    assert normalize("  Évreux-ÎLE ") == "evreux-ile"


def test_every_layer_is_served_by_a_shape_layer():
    assert {lay.shape for lay in LAYERS.values()} == {
        "territory_2023",
        "territory_2018",
        "epci",
        "arrondissement",
        "departement",
        "region",
    }
