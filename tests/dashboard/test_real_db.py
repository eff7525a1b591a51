"""The map page's logic over the real database (integration: needs the mirror)."""

from __future__ import annotations

import json

import pytest

from dashboard.core import geometry
from dashboard.core.admin import filtered_keys
from dashboard.core.gateway import Gateway
from dashboard.core.layers import mapped_keys
from dashboard.core.search import search
from dashboard.map import callbacks as M

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rq(real_db):
    q = Gateway(real_db)
    yield q
    q.close()


def test_national_layers_have_every_feature(rq):
    assert len(json.loads(geometry.geojson(rq, "territory_2023"))["features"]) == 183
    assert len(json.loads(geometry.geojson(rq, "territory_2018"))["features"]) == 149
    assert len(json.loads(geometry.geojson(rq, "epci"))["features"]) == 1255


def test_rouen_finds_the_commune_and_its_territory(rq):
    res = search(rq, "rouen")
    assert res[0]["label"] == "Rouen — Commune (76)"
    assert ("ti2023", "ti-2802") in {(r["kind"], r["key"]) for r in res}
    assert M.on_pick(rq, "commune:76540", "ti2023")[1] == {"couche": "commune", "key": "76540"}


def test_seine_maritime_filter(rq):
    assert filtered_keys(rq, "ti2023", departement="76") == ["ti-2802", "ti-2806", "ti-2809"]
    # Dieppe (761) is not in Normandie's neighbour Hauts-de-France: dropped with région 32
    assert M.on_filter(rq, "32", None, "761")[3] is None
    assert M.on_filter(rq, "28", "76", "761")[3] == "761"


def test_overseas_points_are_moved_into_their_insets(rq):
    true = {
        f["properties"]["key"]: f["geometry"]["coordinates"]
        for f in json.loads(geometry.chef_lieux(rq))["features"]
    }
    inset = {
        f["properties"]["key"]: f["geometry"]["coordinates"]
        for f in json.loads(geometry.chef_lieux(rq, inset=True))["features"]
    }
    assert inset["761"] == true["761"]  # mainland unchanged
    assert true["9711"][0] < -60 and -8 < inset["9711"][0] < -5  # Basse-Terre, west of Brittany


def test_every_state_answers_quickly_enough_to_cache(rq):
    for couche in ("ti2023", "epci", "arrondissement", "region"):
        for method in ("quantiles", "jenks", "egal"):
            out = M.on_view(rq, couche, "density", method, None, None, None)
            assert len(out[3]) == len(mapped_keys(rq, couche))


def test_the_table_lists_only_what_the_map_draws(rq):
    # the 8 collectivités d'outre-mer have no geometry: neither drawn nor listed
    assert len(M.on_view(rq, "region", "population", "quantiles", None, None, None)[3]) == 18
    assert len(M.on_view(rq, "departement", "population", "quantiles", None, None, None)[3]) == 101


def test_epci_layer_is_gzipped_under_the_payload_target(real_db):
    from dashboard.app import create_app

    client = create_app(real_db).server.test_client()
    r = client.get("/_carte/geo?couche=epci", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert len(r.data) < 1_500_000
