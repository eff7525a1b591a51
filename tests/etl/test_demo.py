"""The demonstration registry: opt-in, flagged everywhere, fixed seed, totals following the
published figures; and demo data never appears unless asked for."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from etl import demo
from etl.cli import app
from etl.config import Paths
from etl.db import Database
from etl.pipeline import build
from etl.registry.store import demo_present

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def paths(mini_db, tmp_path, mini_mirror):
    db = tmp_path / "ti.duckdb"
    shutil.copy(mini_db, db)
    return Paths(mirror=mini_mirror, database=db)


def no_demo_anywhere(d: Database) -> None:
    assert not demo_present(d)
    assert d.scalar("SELECT count(*) FROM project WHERE is_demo") == 0
    assert (
        d.scalar("SELECT count(*) FROM indicator WHERE is_demo OR starts_with(indicator, 'demo_')")
        == 0
    )
    assert (
        d.scalar("SELECT count(*) FROM source WHERE name = 'demo' OR licence LIKE '%fictives%'")
        == 0
    )


def test_a_build_never_contains_demo_data(mini_db):
    with Database(mini_db) as d:
        no_demo_anywhere(d)


def test_make_run_and_etl_do_not_load_the_demo():
    make = (ROOT / "Makefile").read_text()
    for target in ("run", "etl", "test", "bench"):
        recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)*)", make, flags=re.M)
        assert recipe, target
        assert "demo" not in recipe.group(1), f"make {target} loads the demo"
    assert "python -m etl demo" in make.replace("$(PY) -m etl demo", "python -m etl demo")


def test_demo_loaded_flagged_and_following_the_published_figures(paths):
    with Database(paths.database) as d:
        real_before = d.df("SELECT * FROM indicator WHERE NOT is_demo ORDER BY ALL")
    n = demo.load(paths)
    # the fixture's last published projects figure is 50 actions (2025-05-27), 20 at 2023-11
    assert n == 50
    with Database(paths.database) as d:
        assert demo_present(d)
        p = d.df("SELECT * FROM project WHERE is_demo")
        assert len(p) == 50 and (p.registry == "demo").all()
        assert (p.date <= pd.Timestamp("2023-11-30")).sum() == 20
        assert p.date.max() <= pd.Timestamp("2025-05-27")
        assert (
            p.source.str.contains("données fictives").all() and p.name.str.contains("fictif").all()
        )
        assert p.place_territory_2023.notna().all()  # spread over the 2023 territories
        assert set(p.place_territory_2023) <= {"ti-2801", "ti-2802"}
        assert d.scalar("SELECT licence FROM source WHERE name = 'demo'") == "données fictives"
        assert d.scalar("SELECT label FROM registry WHERE is_demo") == demo.LABEL
        di = d.df("SELECT * FROM indicator WHERE starts_with(indicator, 'demo_')")
        assert di.is_demo.all() and di.label.str.endswith("(données fictives)").all()
        assert di[
            (di.indicator == "demo_projects_count") & (di.layer == "region")
        ].value.tolist() == [50]
        # real indicators untouched; no real indicator is flagged demo
        real_after = d.df("SELECT * FROM indicator WHERE NOT is_demo ORDER BY ALL")
        pd.testing.assert_frame_equal(real_before, real_after)
        assert (
            d.scalar(
                "SELECT count(*) FROM indicator WHERE is_demo AND NOT starts_with(indicator, 'demo_')"
            )
            == 0
        )


def test_a_failing_demo_leaves_the_database_byte_identical(paths, monkeypatch):
    good = hashlib.sha256(paths.database.read_bytes()).hexdigest()

    def boom(d):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "refresh_indicators", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        demo.load(paths)
    assert hashlib.sha256(paths.database.read_bytes()).hexdigest() == good
    assert sorted(p.name for p in paths.database.parent.iterdir()) == ["ti.duckdb"]


def test_demo_is_deterministic(paths):
    with Database(paths.database) as d:
        a, b = demo.generate(d), demo.generate(d)
        c = demo.generate(d, seed=demo.SEED + 1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_demo_amounts_follow_published_ratios(paths):
    with Database(paths.database) as d:
        r = demo.ratios(d)
    # fixture figures: 3000 jobs / 100 projects; 400,000 EUR per project; 2 bn EUR / 1000 projects
    assert r == {
        "jobs_per_project": 30.0,
        "aid_per_project": 400_000.0,
        "investment_per_project": 2_000_000.0,
    }


def test_remove_demo_and_rebuild_drop_it(paths):
    demo.load(paths)
    r = CliRunner().invoke(app, ["remove-demo", "--db", str(paths.database)])
    assert r.exit_code == 0 and "50 projets" in r.output
    with Database(paths.database) as d:
        no_demo_anywhere(d)
    demo.load(paths)
    assert build(paths, force=True).status == "built"
    with Database(paths.database) as d:
        no_demo_anywhere(d)


def test_demo_without_database_fails_cleanly(tmp_path, mini_mirror):
    r = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "make etl" in r.output
