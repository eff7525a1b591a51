"""The redraw step runs inside the real build (listed in etl/pipeline.py), here on the
miniature mirror of tests/data/mirror."""

from __future__ import annotations

import pytest

from etl import redraw
from etl.db import Database

TABLES = {
    "redraw_commune",
    "redraw_counterpart",
    "redraw_flow",
    "redraw_transition",
    "redraw_summary",
    "redraw_territory_arrondissement",
    "redraw_arrondissement",
    "redraw_territory_scope",
    "redraw_territory_departement",
    "redraw_label",
    "redraw_summary_change",
    "redraw_transition_detail",
    "redraw_scope_count",
    "redraw_change_count",
}


@pytest.fixture(scope="module")
def db(mini_db):
    with Database(mini_db) as d:
        yield d


def test_step_is_registered_and_writes_every_table(db):
    assert TABLES <= db.tables()
    checks = {
        r[0] for r in db.rows('SELECT "check" FROM validation WHERE "check" LIKE \'redraw%\'')
    }
    assert checks == {"redraw_change_classes", "redraw_transitions", "redraw_communes_2023"}


def test_mini_build_is_consistent(db):
    n = db.scalar("SELECT count(*) FROM commune WHERE zone <> 'com'")
    assert db.scalar("SELECT count(*) FROM redraw_commune") == n
    for w in ("2018", "2023"):
        n_tc = db.scalar("SELECT count(*) FROM territory_commune WHERE wave = ?", [w])
        got = db.scalar(f"SELECT count(*) FROM redraw_commune WHERE ti_{w} IS NOT NULL")  # noqa: S608
        assert got == n_tc
    assert db.scalar("SELECT count(*) FROM redraw_transition") == db.scalar(
        "SELECT count(*) FROM territory WHERE wave = '2018'"
    )


def test_tables_equal_a_fresh_computation(db):
    tables = redraw.compute(redraw.read_inputs(db))
    for name, df in tables.items():
        assert db.scalar(f"SELECT count(*) FROM {name}") == len(df), name  # noqa: S608
