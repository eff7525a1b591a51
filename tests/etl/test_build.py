"""The build runner: a no-op when nothing changed, a new fingerprint when an input changes, a clear
error and exit code on the command line; the harness the source tests use."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from typer.testing import CliRunner

from etl.cli import app
from etl.config import Paths
from etl.pipeline import build, fingerprint


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


def test_cli_exit_code_and_message(last_good):
    mirror, paths, good = last_good
    (mirror / "cog-2026/regions.json").write_text("[{", encoding="utf-8")
    res = CliRunner().invoke(app, ["build", "--mirror", str(mirror), "--db", str(paths.database)])
    assert res.exit_code == 1
    out = res.output.replace("\n", " ")
    assert "regions.json" in out and "truncated JSON" in out and "intacte" in out
    assert hashlib.sha256(paths.database.read_bytes()).hexdigest() == good


def test_the_copied_foundation_builds_when_inputs_are_good(last_good, progress_steps):
    """The harness of the source tests (tests/etl/conftest.py): with good inputs the build
    succeeds, so their failures come from their edit."""
    _, paths, good = last_good
    assert build(paths, progress_steps, force=True).status == "built"
    assert hashlib.sha256(paths.database.read_bytes()).hexdigest() != good


def test_rebuild_without_change_imports_no_dataframe_or_geometry_library(processed):
    """A no-change build (the most common call: ``make run``) answers in well under a second:
    it reads the step names and input files without importing a step's libraries."""
    code = "\n".join(
        [
            "import runpy, sys",
            "sys.argv = ['etl', 'build', '--mirror', sys.argv[1], '--db', sys.argv[2]]",
            "try:",
            "    runpy.run_module('etl', run_name='__main__')",
            "except SystemExit as e:",
            "    assert not e.code, e.code",
            "heavy = ('pandas', 'geopandas', 'shapely', 'pyproj', 'pyogrio', 'numpy')",
            "print('IMPORTED', [m for m in heavy if m in sys.modules])",
        ]
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TI_URSSAF_FILE", "TI_DB")}
    res = subprocess.run(
        [sys.executable, "-c", code, str(processed.mirror), str(processed.database)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "À jour" in res.stdout, res.stdout + res.stderr
    assert "IMPORTED []" in res.stdout, res.stdout
