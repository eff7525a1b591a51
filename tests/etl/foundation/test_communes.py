"""The communes step on the miniature mirror (tests/data/make_mini_mirror.py): a polygon for every
2026 commune, a clean coverage, areas."""

from __future__ import annotations

import pytest


def test_commune_attributes(db):
    r = db.df("SELECT * EXCLUDE (geom) FROM commune WHERE code = '76002'").iloc[0]
    assert (r["name"], r.departement, r.region, r.arrondissement, r.epci_siren) == (
        "Darnétal",
        "76",
        "28",
        "761",
        "200000001",
    )
    assert r.population == 9000
    # a 0.01° square at 49.4°N is about 1.11 km x 0.72 km; 76002 keeps the 0.0002° overlap
    assert 0.80 < r.area_km2 < 0.84


def test_commune_nouvelle_rebuilt_from_delegated_communes(db):
    area = db.scalar("SELECT area_km2 FROM commune WHERE code = '76009'")
    one = db.scalar("SELECT area_km2 FROM commune WHERE code = '76008'")
    assert area == pytest.approx(2 * one, rel=1e-3)
    v = db.df(
        "SELECT * FROM validation WHERE \"check\" = 'commune_polygon_rebuilt_from_predecessors'"
    )
    assert v.value.iloc[0] == 1 and "76009" in v.detail.iloc[0]


def test_coverage_is_clean_and_areas_add_up(db):
    # no overlap left: the communes of each EPCI add up to the EPCI's dissolved area
    rows = db.rows("""SELECT e.siren, e.area_km2, sum(c.area_km2), ST_Area(e.geom),
                             sum(ST_Area(c.geom)) FROM epci e JOIN commune c ON c.epci_siren = e.siren
                      GROUP BY ALL ORDER BY 1""")
    for _siren, area, csum, geo_area, geo_sum in rows:
        assert area == pytest.approx(csum)
        assert geo_area == pytest.approx(geo_sum, rel=1e-9)
    # the whole grid is 5 x 2 squares of 0.01°
    total = db.scalar("SELECT ST_Area(geom) FROM departement")
    assert total == pytest.approx(0.001, rel=1e-9)
