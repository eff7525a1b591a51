"""etl.pipeline: one explicit ordered list of steps; importing a module registers nothing; the
runner is atomic whichever step fails, and times every step."""

from __future__ import annotations

import ast
import hashlib
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import etl
from etl import display_layer, redraw
from etl.config import Paths
from etl.context import BuildContext, BuildStep, Foundation
from etl.db import Database
from etl.errors import EtlError
from etl.foundation import communes, compare, display, dissolve, members, read, tables
from etl.pipeline import STEPS, build, fingerprint
from etl.registry import store
from etl.sources import ditp, fonds_vert, france_relance, published_figures, urssaf

ROOT = Path(__file__).resolve().parents[2]


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_the_steps_in_order():
    assert [s.run for s in STEPS] == [
        read.read_sources,
        communes.build_communes,
        display.start_commune_shapes,
        members.territory_members,
        dissolve.dissolve_layers,
        compare.area_and_overlap,
        display.display_geometries,
        tables.write_tables,
        published_figures.load,
        france_relance.load,
        ditp.load,
        urssaf.load,
        fonds_vert.load,
        store.load_kept,
        redraw.run,
        display_layer.write,
    ]
    assert isinstance(STEPS, tuple)  # nothing can append to it
    assert len({s.name for s in STEPS}) == len(STEPS)  # one timing line per step


def test_inputs_of_the_steps():
    rel = {r for s in STEPS for r in s.input_files()}
    assert {
        "cog-2026/communes.json",
        "communes-geometry/communes.csv.lzma",
        "anct-ti-2023/ti_geom.geojson",
        "anct-admin/polygone-4326_ti.geojson",
        "anct-admin/polygone-4326_dep.geojson",
        "published-figures/programme_milestones.csv",
    } <= rel


def test_urssaf_input_read_when_the_build_runs(monkeypatch, tmp_path):
    """$TI_URSSAF_FILE counts in the fingerprint even when set after etl.pipeline was imported."""
    step = next(s for s in STEPS if s.run is urssaf.load)
    monkeypatch.delenv("TI_URSSAF_FILE", raising=False)
    assert step.input_files()[0] == urssaf.FILE
    monkeypatch.setenv("TI_URSSAF_FILE", str(tmp_path / "national.csv"))
    assert step.input_files()[0] == str(tmp_path / "national.csv")


def _all_etl_modules() -> list[str]:
    # etl.__main__ runs the command line when imported
    return sorted(
        m.name for m in pkgutil.walk_packages(etl.__path__, "etl.") if m.name != "etl.__main__"
    )


def test_importing_any_module_registers_nothing():
    for name in _all_etl_modules():
        importlib.import_module(name)
    assert "etl.steps" not in _all_etl_modules() and "etl.progress_step" not in _all_etl_modules()
    for name in _all_etl_modules():
        for attr, value in vars(sys.modules[name]).items():
            if name == "etl.pipeline" and attr == "STEPS":
                continue
            held = value if isinstance(value, (list, tuple, set, dict)) else [value]
            if isinstance(held, dict):
                held = list(held.values())
            assert not any(isinstance(v, BuildStep) for v in held), f"{name}.{attr}"


def test_a_source_plugin_imports_the_registry_not_its_importer():
    tree = ast.parse((ROOT / "etl/sources/fonds_vert.py").read_text(encoding="utf-8"))
    project = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} - {
        "__future__"
    }
    assert {m for m in project if m.startswith("etl.registry")} == {
        "etl.registry.schema",
        "etl.registry.store",
    }
    assert "etl.registry_import" not in project and "etl.pipeline" not in project


def test_fingerprint_does_not_depend_on_what_was_imported(tmp_path):
    """A process that imports only etl.pipeline and one that imports every module first compute
    the same fingerprint (no step is added by an import)."""
    code = (
        "import importlib, pkgutil, sys, etl\n"
        "if sys.argv[1] == 'all':\n"
        "    for m in pkgutil.walk_packages(etl.__path__, 'etl.'):\n"
        "        if m.name != 'etl.__main__':\n"
        "            importlib.import_module(m.name)\n"
        "from etl.config import Paths\n"
        "from etl.pipeline import fingerprint\n"
        "from pathlib import Path\n"
        "print(fingerprint(Paths(mirror=Path(sys.argv[2]), database=Path(sys.argv[3]))))\n"
    )
    mirror = ROOT / "tests/data/mirror"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TI_URSSAF_FILE", None)
    out = [
        subprocess.run(
            [sys.executable, "-c", code, which, str(mirror), str(tmp_path / "x.duckdb")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for which in ("only", "all")
    ]
    assert out[0] == out[1] and len(out[0]) == 64


def test_a_build_with_other_steps_is_not_up_to_date(mini_mirror, tmp_path):
    paths = Paths(mirror=mini_mirror, database=tmp_path / "t.duckdb")
    one = (BuildStep("un", lambda ctx: None),)
    assert build(paths, one).status == "built"
    assert build(paths, one).status == "up-to-date"
    assert fingerprint(paths, one) != fingerprint(paths, (*one, BuildStep("deux", lambda c: None)))


def test_a_step_run_out_of_order_says_what_is_missing(tmp_path):
    with Database(None, read_only=False) as d:
        ctx = BuildContext(paths=Paths(mirror=tmp_path, database=tmp_path / "x.duckdb"), db=d)
        with pytest.raises(EtlError, match="communes, layers, anct not computed yet"):
            display.display_geometries(ctx)
    with pytest.raises(EtlError, match="nonsense"):
        Foundation().need("nonsense")


def test_a_failing_step_leaves_the_previous_database_byte_identical(mini_mirror, mini_db, tmp_path):
    db = tmp_path / "good.duckdb"
    db.write_bytes(mini_db.read_bytes())
    good = digest(db)

    def fail(ctx: BuildContext) -> None:
        assert ctx.foundation.cog is not None  # the steps above did run
        raise RuntimeError("disk full")

    steps = (STEPS[0], BuildStep("Échec", fail))
    with pytest.raises(RuntimeError, match="disk full"):
        build(Paths(mirror=mini_mirror, database=db), steps, force=True)
    assert digest(db) == good
    left = [p for p in tmp_path.glob("good.duckdb.*") if p.suffix != ".sha256"]  # its checksum
    assert not left, "a temporary file was left behind"


def test_every_step_is_timed_in_order(mini_mirror, tmp_path):
    seen = []

    def record(ctx: BuildContext) -> None:
        seen.append(ctx.db.path.name)

    steps = (BuildStep("un", record), BuildStep("deux", record))
    res = build(Paths(mirror=mini_mirror, database=tmp_path / "t.duckdb"), steps)
    assert res.status == "built" and list(res.timings) == ["un", "deux"]
    assert seen == ["t.duckdb.building", "t.duckdb.building"]  # built beside, then swapped
    with Database(tmp_path / "t.duckdb") as d:
        assert {"source", "validation", "build_info"} <= d.tables()
        assert d.scalar("SELECT value FROM build_info WHERE key = 'fingerprint'") == fingerprint(
            Paths(mirror=mini_mirror, database=tmp_path / "t.duckdb"), steps
        )
