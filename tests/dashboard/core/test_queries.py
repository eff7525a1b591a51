"""The query layer over the miniature database (hand-checkable values)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from dashboard.core import geometry
from dashboard.core.admin import bounds, filter_bounds, filter_options, filtered_keys, valid_admin
from dashboard.core.gateway import Gateway, QueryError
from dashboard.core.indicators import get_indicator, indicators, values
from dashboard.core.layers import LAYERS, frame, get_layer
from dashboard.core.search import normalize, search
from dashboard.core.units import detail


def test_layers_have_their_rows(q):
    assert sorted(frame(q, "ti2023").index) == ["ti-2801", "ti-2802"]
    assert sorted(frame(q, "ti2018")["name"]) == ["Elbeuf Seine", "Rouen centre"]
    assert frame(q, "epci").loc["200000001", "population"] == 141000
    assert len(frame(q, "arrondissement")) == 2


def test_unknown_layer_lists_the_choices():
    with pytest.raises(QueryError, match="ti2023, ti2018, epci"):
        get_layer("communes; DROP TABLE x")


def test_indicators_are_discovered_from_numeric_columns(q):
    inds = indicators(q, "ti2023")
    ids = [i.id for i in inds]
    assert ids[:5] == ["population", "density", "area_km2", "n_communes", "n_members"]
    # then the rows of the shared long indicator table, never columns
    assert all(i.column is None for i in inds[5:])
    assert "anct_overlap" not in ids  # build quality control, not an indicator
    assert "n_members" not in [i.id for i in indicators(q, "epci")]


def test_density_is_population_over_area(q):
    row = frame(q, "epci").loc["200000002"]
    assert values(q, "epci", "density")["200000002"] == pytest.approx(
        row["population"] / row["area_km2"]
    )


def test_unknown_indicator_lists_the_choices(q):
    with pytest.raises(QueryError, match="expected one of population, density"):
        get_indicator(q, "ti2023", "nope")


def test_the_shared_indicator_table_gives_one_choice_per_year(db_with_indicators):
    q = Gateway(db_with_indicators)
    inds = {i.id: i for i in indicators(q, "ti2023")}
    assert [i for i in inds if i.startswith("test_jobs")] == ["test_jobs", "test_jobs_2021"]
    assert inds["test_jobs"].label == "Emplois test (2022)" and inds["test_jobs_2021"].decimals == 1
    v = values(q, "ti2023", "test_jobs")
    assert v["ti-2801"] == 120 and v.isna()["ti-2802"]  # no row: no data
    assert values(q, "ti2023", "test_jobs_2021")["ti-2802"] == 7.5
    assert inds["demo_test"].generated and values(q, "ti2023", "demo_test")["ti-2802"] == 3
    q.close()


def test_filters_keep_the_features_touching_the_unit(q):
    assert filtered_keys(q, "ti2023") == ["ti-2801", "ti-2802"]
    assert filtered_keys(q, "ti2023", arrondissement="762") == ["ti-2802"]
    assert filtered_keys(q, "ti2018", arrondissement="761") == ["ti-2802"]
    assert filtered_keys(q, "epci", departement="76") == ["200000001", "200000002"]
    assert filtered_keys(q, "epci", region="11") == []
    assert [o["value"] for o in filter_options(q, "arrondissement", departement="76")] == [
        "761",
        "762",
    ]
    assert valid_admin(q, "departement", "76") == "76"
    assert valid_admin(q, "departement", "' OR 1=1 --") is None
    assert valid_admin(q, "departement", ["76"]) is None


def test_search_is_accent_and_case_insensitive(q):
    labels = [r["label"] for r in search(q, "DARNETAL")]
    assert labels == [
        "Darnétal — Commune (76)",
        "Rouen Vallée — Territoire d'industrie 2023 (76), contient Darnétal",
    ]
    found = {(r["kind"], r["key"]) for r in search(q, "rouen")}
    assert {
        ("commune", "76001"),
        ("ti2023", "ti-2801"),
        ("epci", "200000001"),
        ("arrondissement", "761"),
    } <= found


def test_search_brings_the_territory_of_a_commune(q):
    res = search(q, "caudebec")
    assert res[0]["key"] == "76006"
    terr = [r for r in res if r["kind"] == "ti2023"]
    assert (
        terr and terr[0]["key"] == "ti-2802" and "contient Caudebec-lès-Elbeuf" in terr[0]["label"]
    )


@pytest.mark.parametrize(
    "text", [None, 42, "", "a", "%", "_", "' OR 1=1 --", "x" * 10000, "<script>"]
)
def test_hostile_search_is_empty(q, text):
    assert search(q, text) == []


def test_detail_of_a_territory(q):
    d = detail(q, "ti2023", "ti-2801")
    assert d["name"] == "Rouen Vallée" and d["population"] == 141000
    assert d["n_communes"] == 4 and d["n_epci"] == 1
    assert d["departements"] == [("76", "Seine-Maritime")]
    assert d["chef_lieux"] == [("Rouen", "préfecture")]
    assert d["members"] == [("200000001", "EPCI", "Métropole Rouen Test")]
    assert detail(q, "ti2023", "ti-9999") is None
    assert detail(q, "ti2023", {"key": 1}) is None


def test_the_same_id_means_different_places_in_the_two_waves(q):
    assert detail(q, "ti2023", "ti-2802")["name"] == "<img src=x onerror=alert(1)>"
    assert detail(q, "ti2018", "ti-2802")["name"] == "Rouen centre"


def test_geojson_has_key_and_name_and_filters(q):
    fc = json.loads(geometry.geojson(q, "territory_2023", level="medium", inset=False))
    assert [f["properties"]["key"] for f in fc["features"]] == ["ti-2801", "ti-2802"]
    assert fc["features"][1]["properties"]["name"] == "<img src=x onerror=alert(1)>"
    one = json.loads(
        geometry.geojson(q, "territory_2023", level="medium", inset=False, keys=("ti-2801",))
    )
    assert len(one["features"]) == 1


def test_chef_lieux_points(q):
    fc = json.loads(geometry.chef_lieux(q))
    assert {(f["properties"]["name"], f["properties"]["kind"]) for f in fc["features"]} == {
        ("Rouen", "préfecture"),
        ("Elbeuf", "sous-préfecture"),
    }


def test_bounds(q):
    (s, w), (n, e) = filter_bounds(q, departement="76")
    assert s < n and w < e and 49 < s < 50 and 0.5 < w < 1.5
    assert bounds(q, "region", []) is None


def test_reopens_when_the_database_file_is_replaced(mini_db, tmp_path):
    path = tmp_path / "live.duckdb"
    shutil.copy(mini_db, path)
    q = Gateway(path)
    assert len(frame(q, "ti2023")) == 2
    before = q.version
    from etl.db import Database

    new = tmp_path / "live.duckdb.building"
    shutil.copy(mini_db, new)
    with Database(new, read_only=False) as d:
        d.execute("DELETE FROM territory WHERE wave = '2023' AND id = 'ti-2802'")
    os.replace(new, path)  # what the build does
    assert len(frame(q, "ti2023")) == 1
    assert q.version != before
    q.close()


def test_normalize():
    assert normalize("  Évreux-ÎLE ") == "evreux-ile"


def test_every_layer_has_display_geometry_in_the_database(q):
    shaped = {r[0] for r in q.rows("SELECT DISTINCT layer FROM shape")}
    assert {lay.shape for lay in LAYERS.values()} <= shaped


def test_the_gateway_hands_out_no_connection(q):
    assert not hasattr(q, "db") and not hasattr(q, "con")


def test_whole_layers_are_served_as_the_build_encoded_them(q, mini_db):
    from dashboard.app import create_app

    client = create_app(mini_db).server.test_client()
    stored = geometry.stored_layer(q, "territory_2023", "coarse", True)
    assert stored is not None and stored[0] == "geobuf"
    r = client.get("/_carte/geo?couche=ti2023", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip" and r.data == stored[2]
    assert client.get("/_carte/geo?couche=ti2023").data == stored[1]  # no gzip asked: raw


def test_chef_lieux_of_the_national_view_come_from_the_build(q):
    true = json.loads(geometry.chef_lieux(q))["features"]
    inset = json.loads(geometry.chef_lieux(q, inset=True))["features"]
    # the miniature mirror is mainland only: the inset view leaves every point in place
    assert [f["geometry"] for f in inset] == [f["geometry"] for f in true]
