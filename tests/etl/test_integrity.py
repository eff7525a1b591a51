"""A damaged database is never trusted: ``verify`` names what is wrong, the build rebuilds it
instead of saying "À jour", the importer refuses to edit it; the checksum file is what
``sha256sum -c`` reads."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from etl.atomic import WriterBusy, writer_lock
from etl.cli import app
from etl.config import Paths
from etl.db import Database, DatabaseDamaged, checksum_path, stored_checksum, verify
from etl.pipeline import build
from etl.registry_import import import_projects


def damage(path, kind: str) -> None:
    """The faults seen on real servers: a zero-byte file, a truncated copy, an overwritten header,
    one overwritten block in the middle."""
    size = path.stat().st_size
    if kind == "zero bytes":
        path.write_bytes(b"")
    elif kind == "truncated":
        os.truncate(path, size // 2)
    else:
        with open(path, "r+b") as f:
            f.seek(0 if kind == "overwritten header" else data_block_offset(path))
            f.write(b"\xa5" * 4096)


def data_block_offset(path) -> int:
    """Where the data of a block in the middle of the file starts: a block holding a table's
    rows (DuckDB checks the part of a block it reads; the unused tail of a block is read by
    nobody, and only the checksum file sees a change there)."""
    with Database(path, read_only=True) as d:
        size = d.scalar("SELECT block_size FROM pragma_database_size()")
        blocks = sorted(
            b
            for (t,) in d.rows("SELECT table_name FROM duckdb_tables()")
            for (b,) in d.rows(
                "SELECT DISTINCT block_id FROM pragma_storage_info(?) WHERE block_id >= 0", [t]
            )
        )
    header = 3 * 4096  # the file header and the two database headers
    return header + blocks[len(blocks) // 2] * size + 8  # after the block's own checksum


KINDS = ["zero bytes", "truncated", "overwritten header", "overwritten block"]


@pytest.fixture
def copy(mini_db, tmp_path):
    """A copy of the miniature database with its checksum file, as the build leaves them."""
    db = tmp_path / "ti.duckdb"
    shutil.copy(mini_db, db)
    shutil.copy(checksum_path(mini_db), checksum_path(db))
    return db


def test_the_build_writes_a_checksum_that_sha256sum_accepts(mini_db):
    assert stored_checksum(mini_db) is not None
    r = subprocess.run(
        ["sha256sum", "-c", checksum_path(mini_db).name], cwd=mini_db.parent, capture_output=True
    )
    assert r.returncode == 0 and r.stdout.decode().strip() == "mini.duckdb: OK"
    verify(mini_db)


@pytest.mark.parametrize("kind", KINDS)
def test_verify_names_the_damage(copy, kind):
    damage(copy, kind)
    with pytest.raises(DatabaseDamaged, match="ti.duckdb"):
        verify(copy)


@pytest.mark.parametrize("kind", ["truncated", "overwritten block"])
def test_without_a_checksum_file_every_table_is_read(copy, kind):
    checksum_path(copy).unlink()
    verify(copy)  # whole: every table reads
    damage(copy, kind)
    with pytest.raises(DatabaseDamaged) as ei:
        verify(copy)
    assert "unreadable" in str(ei.value)


def test_a_database_that_did_not_come_from_the_build(tmp_path):
    db = tmp_path / "other.duckdb"
    with Database(db, read_only=False) as d:
        d.execute("CREATE TABLE t AS SELECT 1 AS x")
    with pytest.raises(DatabaseDamaged, match="no build_info"):
        verify(db)


def test_one_overwritten_block_is_rebuilt_not_reported_up_to_date(copy, mini_mirror):
    paths = Paths(mirror=mini_mirror, database=copy)
    assert build(paths).status == "up-to-date"
    damage(copy, "overwritten block")
    res = build(paths)
    assert res.status == "built" and "differs from ti.duckdb.sha256" in res.repaired
    verify(copy)
    assert build(paths).status == "up-to-date"


def test_the_cli_says_the_damaged_file_was_rebuilt(copy, mini_mirror):
    damage(copy, "zero bytes")
    r = CliRunner().invoke(app, ["build", "--mirror", str(mini_mirror), "--db", str(copy)])
    assert r.exit_code == 0, r.output
    assert "Base endommagée, reconstruite" in r.output and "empty file" in r.output
    assert "Base construite" in r.output
    verify(copy)


def test_the_importer_does_not_edit_a_damaged_database(copy, mini_mirror, tmp_path):
    damage(copy, "overwritten block")
    before = copy.read_bytes()
    f = tmp_path / "projets.csv"
    f.write_text(
        "identifiant;nom;commune;date;statut;source\nP1;Usine;76001;2024;financé;DGE\n",
        encoding="utf-8",
    )
    with pytest.raises(DatabaseDamaged):
        import_projects(f, Paths(mirror=mini_mirror, database=copy))
    assert copy.read_bytes() == before
    assert not (copy.parent / "inputs").exists() or not list((copy.parent / "inputs").iterdir())


def test_one_writer_at_a_time(copy, mini_mirror, tmp_path):
    """A build started while an import holds the lock is refused at once (in another process:
    the lock is re-entrant within one)."""
    before = copy.read_bytes()
    code = (
        "import sys, time; from pathlib import Path; from etl.atomic import writer_lock\n"
        "with writer_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True); time.sleep(30)\n"
    )
    holder = subprocess.Popen(
        [os.sys.executable, "-c", code, str(copy)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WriterBusy, match="another build or import"):
            build(Paths(mirror=mini_mirror, database=copy), force=True)
        r = CliRunner().invoke(app, ["build", "--mirror", str(mini_mirror), "--db", str(copy)])
        assert r.exit_code == 1 and "another build or import" in r.output
    finally:
        holder.kill()
        holder.wait()
    assert copy.read_bytes() == before
    with writer_lock(copy):  # let go by the system when its holder died
        pass
    assert not (tmp_path / "ti.duckdb.lock").exists()
