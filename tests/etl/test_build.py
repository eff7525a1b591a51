"""The foundation build on the hand-written miniature mirror (see tests/data/make_mini_mirror.py)."""

from __future__ import annotations

import os
import re

import pytest

from etl.config import Paths
from etl.db import Database
from etl.pipeline import build, fingerprint


@pytest.fixture(scope="module")
def db(mini_db):
    with Database(mini_db) as d:
        yield d


def test_tables_and_row_counts(db):
    counts = {
        t: db.scalar(f"SELECT count(*) FROM {t}")  # noqa: S608 (fixed names)
        for t in (
            "commune",
            "epci",
            "ept",
            "arrondissement",
            "departement",
            "region",
            "territory",
            "territory_member",
            "territory_commune",
            "source",
            "validation",
            "build_info",
        )
    }
    assert counts["commune"] == 9 and counts["epci"] == 2 and counts["ept"] == 0
    assert counts["arrondissement"] == 2 and counts["departement"] == 1 and counts["region"] == 1
    assert counts["territory"] == 4 and counts["territory_member"] == 4
    assert counts["territory_commune"] == 11
    assert counts["source"] >= 12  # 6 COG files, geometry, 2 waves, 3 ANCT layers (+ later sources)
    names = {r[0] for r in db.rows("SELECT name FROM source")}
    assert {
        "cog:communes",
        "commune_geometry",
        "territories:2023",
        "territories:2018",
        "anct_admin:arrondissement",
    } <= names


def test_source_provenance(db):
    r = db.df("SELECT * FROM source WHERE name = 'territories:2023'").iloc[0]
    assert r.rows == 2 and len(r.sha256) == 64 and "Licence Ouverte" in r.licence
    assert r.path.endswith("anct-ti-2023/ti_geom.geojson") and "2023" in r.vintage


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


def test_territories_carry_the_wave(db):
    t = db.df(
        "SELECT wave, id, name, population, n_communes, n_members FROM territory ORDER BY wave, id"
    )
    assert t.values.tolist() == [
        ["2018", "ti-2801", "Elbeuf Seine", 55000, 5, 1],
        ["2018", "ti-2802", "Rouen centre", 110000, 1, 1],
        ["2023", "ti-2801", "Rouen Vallée", 141000, 4, 1],
        # trailing space stripped, markup kept as plain characters
        ["2023", "ti-2802", "<img src=x onerror=alert(1)>", 10000, 1, 1],
    ]


def test_members_resolved_by_kind(db):
    m = db.df(
        "SELECT wave, territory_id, siren, kind, name FROM territory_member ORDER BY wave, territory_id"
    )
    assert m.kind.tolist() == ["EPCI", "commune", "EPCI", "commune"]
    assert m.name.tolist()[1] == "Rouen"


def test_arrondissement_chef_lieu(db):
    a = db.df(
        "SELECT code, chef_lieu_name, chef_lieu_kind, population, ST_AsText(chef_lieu_geom) p "
        "FROM arrondissement ORDER BY code"
    )
    assert a[["code", "chef_lieu_name", "chef_lieu_kind", "population"]].values.tolist() == [
        ["761", "Rouen", "préfecture", 141000],
        ["762", "Elbeuf", "sous-préfecture", 55000],
    ]
    assert a.p[0].startswith("POINT (1.00")


def test_mainland_chef_lieu_not_moved_by_the_insets(db):
    # Rouen (76001: the square 1.00-1.01 x 49.40-49.41) and Elbeuf (76005: 1.02-1.03 x 49.40-49.41)
    rows = db.rows(
        "SELECT code, ST_Equals(chef_lieu_geom, chef_lieu_geom_inset), ST_X(chef_lieu_geom_inset), "
        "ST_Y(chef_lieu_geom_inset) FROM arrondissement ORDER BY code"
    )
    assert [r[:2] for r in rows] == [("761", True), ("762", True)]
    (x1, y1), (x2, y2) = [r[2:] for r in rows]
    assert 1.0 < x1 < 1.01 and 49.40 < y1 < 49.41
    assert 1.02 < x2 < 1.03 and 49.40 < y2 < 49.41


def test_display_shapes_levels(db):
    levels = db.rows(
        "SELECT layer, list(DISTINCT level ORDER BY level) FROM shape GROUP BY layer ORDER BY layer"
    )
    d = dict(levels)
    assert d["territory_2023"] == ["coarse", "fine", "medium"]
    assert d["commune"] == ["coarse", "medium"]
    assert "base_departement" in d
    # mainland: the inset geometry is the real one
    same = db.scalar("SELECT bool_and(ST_Equals(geom, geom_inset)) FROM shape WHERE layer = 'epci'")
    assert same


def test_display_coordinates_stored_at_the_grid_of_their_level(db):
    """coarse: 3 decimals, medium: 4, fine: 5, in ``geom`` and ``geom_inset`` alike."""
    decimals = {}
    for level, g, gi in db.rows(
        "SELECT level, ST_AsGeoJSON(geom), ST_AsGeoJSON(geom_inset) FROM shape "
        "WHERE geom IS NOT NULL"
    ):
        for text in (g, gi):
            found = [len(d) for d in re.findall(r"\.(\d+)", text)]
            decimals[level] = max([decimals.get(level, 0), *found])
    assert decimals == {"coarse": 2, "medium": 4, "fine": 4}  # the grid is at 0.01° and 1.0202
    # 76002 keeps the 0.0002° it overlaps 76005 by: its east edge is 1.0202 down to the medium
    # level, and 1.02 on the 0.001° grid of the coarse level
    east = dict(
        db.rows(
            "SELECT level, ST_XMax(geom_inset) FROM shape WHERE layer = 'commune' AND key = '76002'"
        )
    )
    assert east == {"medium": 1.0202, "coarse": 1.02}


def test_validation_report(db):
    v = db.df("SELECT * FROM validation")
    got = {(r.check, r.subject): r.value for r in v.itertuples()}
    assert got[("communes_in_two_territories", "wave 2023")] == 0
    assert got[("members_resolved", "wave 2018")] == 2
    assert got[("coverage_cleaned", "commune polygons")] >= 2
    assert got[("overlap_with_anct_min", "territory 2023")] == pytest.approx(1.0, abs=1e-6)
    assert not (v.severity == "error").any()


def test_rebuild_without_change_does_nothing(mini_mirror, tmp_path):
    paths = Paths(mirror=mini_mirror, database=tmp_path / "t.duckdb")
    assert build(paths).status == "built"
    mtime = os.stat(paths.database).st_mtime_ns
    again = build(paths)
    assert again.status == "up-to-date"
    assert os.stat(paths.database).st_mtime_ns == mtime
    assert build(paths, force=True).status == "built"


def test_changed_input_changes_fingerprint(mirror_copy, tmp_path):
    paths = Paths(mirror=mirror_copy, database=tmp_path / "t.duckdb")
    before = fingerprint(paths)
    f = mirror_copy / "cog-2026/regions.json"
    f.write_text(f.read_text(encoding="utf-8").replace("Normandie", "Normandie "), encoding="utf-8")
    assert fingerprint(paths) != before
