"""etl.labels on the miniature mirror: one name point per commune, the chef-lieux marked
(tests/data/make_mini_mirror.py: 9 square communes, Rouen préfecture of 761, Elbeuf
sous-préfecture of 762)."""

from __future__ import annotations

import pytest

from etl.db import Database


@pytest.fixture(scope="module")
def db(mini_db):
    with Database(mini_db) as d:
        yield d


def test_one_point_per_commune_with_its_chef_lieu_kind(db):
    rows = db.rows(
        "SELECT code, name, population, chef_lieu_kind FROM label_point "
        "ORDER BY population DESC, code"
    )
    assert len(rows) == 9
    assert rows[:3] == [
        ("76001", "Rouen", 110000, "préfecture"),
        ("76005", "Elbeuf", 16000, "sous-préfecture"),
        ("76003", "Bois-Guillaume", 14000, None),
    ]
    assert sum(1 for r in rows if r[3] is not None) == 2


def test_points_lie_inside_their_commune(db):
    # every point inside the commune's own display polygon, never on a neighbour
    outside = db.rows(
        "SELECT l.code FROM label_point l JOIN shape s ON s.layer = 'commune' "
        "AND s.level = 'medium' AND s.key = l.code WHERE NOT ST_Intersects(l.geom, s.geom)"
    )
    assert outside == []
    # Darnétal is the square 1.01-1.0202 x 49.40-49.41: its point is within
    x, y = db.rows("SELECT ST_X(geom), ST_Y(geom) FROM label_point WHERE code = '76002'")[0]
    assert 1.01 < x < 1.0202 and 49.40 < y < 49.41


def test_chef_lieu_point_is_the_arrondissements(db):
    same = db.rows(
        "SELECT count(*) FROM label_point l JOIN arrondissement a "
        "ON a.chef_lieu_code = l.code WHERE ST_Equals(l.geom, a.chef_lieu_geom)"
    )
    assert same == [(2,)]


def test_mainland_inset_points_stay_in_place(db):
    assert db.rows("SELECT count(*) FROM label_point WHERE NOT ST_Equals(geom, geom_inset)") == [
        (0,)
    ]
