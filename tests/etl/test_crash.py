"""``kill -9`` in the middle of a build or an import: the last good database is byte-identical,
nothing the killed run wrote is loaded, and the next run deletes its leftovers (``.building``,
``.importing``, their ``.wal``, a staged registry copy)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time

import pytest

from etl.db import verify
from etl.pipeline import build
from etl.registry.store import kept_files


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def paths(processed):
    return processed


def kill_when(proc: subprocess.Popen, appears, timeout: float = 120) -> None:
    """SIGKILL ``proc`` as soon as the file ``appears`` exists (and has some bytes)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"the process ended before {appears.name} appeared: {out[-2000:]}")
        if appears.exists() and appears.stat().st_size > 0:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            return
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"{appears.name} never appeared")


def etl(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "etl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_kill_9_during_a_build(paths):
    good = digest(paths.database)
    proc = etl("build", "--force", "--mirror", str(paths.mirror), "--db", str(paths.database))
    building = paths.database.with_name("ti.duckdb.building")
    kill_when(proc, building)
    assert proc.returncode == -signal.SIGKILL
    assert digest(paths.database) == good
    assert building.exists()  # what the issue saw: nothing removed it
    res = build(paths)  # same inputs: nothing to rebuild, the leftovers go
    assert res.status == "up-to-date"
    assert {p.name for p in res.removed} >= {"ti.duckdb.building"}
    assert sorted(p.name for p in paths.processed.iterdir()) == [
        ".hash-cache.json",
        "ti.duckdb",
        "ti.duckdb.sha256",
    ]
    assert digest(paths.database) == good


def test_kill_9_during_an_import(paths, tmp_path):
    rows = [
        f"P{i};Usine {i};76001;;;;2024-03-15;financé;1000;;1;;DGE" for i in range(1, 60_001)
    ]  # big enough that the kill lands while the copy is being edited
    f = tmp_path / "projets.csv"
    f.write_text(
        "identifiant;nom;commune;epci;territoire;vague;date;statut;investissement_eur;"
        "aide_publique_eur;emplois_crees;emplois_maintenus;source\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    good = digest(paths.database)
    proc = etl(
        "import-projects", str(f), "--mirror", str(paths.mirror), "--db", str(paths.database)
    )
    kill_when(proc, paths.processed / "inputs" / "registry-projets.csv.importing")
    assert digest(paths.database) == good
    assert kept_files(paths.processed) == []  # the staged copy is not an input of the builds
    res = build(paths)
    assert res.status == "up-to-date"  # nothing of the killed import is loaded
    gone = {p.name for p in res.removed}
    assert "registry-projets.csv.importing" in gone and "ti.duckdb.importing" in gone
    assert not list(paths.processed.glob("inputs/*"))
    assert not list(paths.processed.glob("ti.duckdb.*[!6]"))  # only the checksum (.sha256)
    verify(paths.database)
    assert digest(paths.database) == good


def test_an_import_deletes_the_leftovers_of_a_killed_build(paths, tmp_path):
    for name in ("ti.duckdb.building", "ti.duckdb.building.wal", "ti.duckdb.sha256.new"):
        (paths.processed / name).write_bytes(b"x" * 1000)
    f = tmp_path / "projets.csv"
    f.write_text(
        "identifiant;nom;commune;date;statut;source\nP1;Usine;76001;2024;financé;DGE\n",
        encoding="utf-8",
    )
    from etl.registry_import import import_projects

    assert import_projects(f, paths).loaded == 1
    names = sorted(p.name for p in paths.processed.iterdir())
    assert names == [".hash-cache.json", "inputs", "ti.duckdb", "ti.duckdb.sha256"], names
    assert [p.name for p in kept_files(paths.processed)] == ["registry-projets.csv"]
    verify(paths.database)
    assert build(paths).status == "up-to-date"  # the recorded fingerprint includes the copy
