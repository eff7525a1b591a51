"""etl.atomic: the temporary file is swapped in only when complete, and removed on any failure."""

from __future__ import annotations

import hashlib

import pytest

from etl.atomic import editing, new_database, replacing, temporary
from etl.db import Database


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def leftovers(folder) -> list[str]:
    keep = ("target.duckdb", "target.duckdb.sha256")  # the file and its checksum
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture
def target(tmp_path):
    """A small database holding one row, the "last good" file."""
    path = tmp_path / "target.duckdb"
    with Database(path, read_only=False) as d:
        d.execute("CREATE TABLE t AS SELECT 1 AS v")
    return path


def test_temporary_sits_next_to_the_target(tmp_path):
    assert temporary(tmp_path / "ti.duckdb", ".building") == tmp_path / "ti.duckdb.building"


def test_replacing_swaps_in_the_complete_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with replacing(target, ".new") as tmp:
        assert tmp.name == "out.txt.new"
        tmp.write_text("new")
        assert target.read_text() == "old"  # not visible before the block ends
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_replacing_removes_the_temporary_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="half-way"), replacing(target, ".new") as tmp:
        tmp.write_text("half")
        tmp.with_name(tmp.name + ".wal").write_text("log")
        raise RuntimeError("half-way")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_replacing_deletes_the_leftover_of_a_killed_run(tmp_path):
    target = tmp_path / "out.txt"
    stale = tmp_path / "out.txt.building"
    stale.write_text("stale")
    with replacing(target) as tmp:
        assert not tmp.exists()
        tmp.write_text("fresh")
    assert target.read_text() == "fresh" and not stale.exists()


def test_new_database_failure_leaves_the_previous_one_byte_identical(target):
    good = digest(target)
    with pytest.raises(ValueError, match="step failed"), new_database(target) as d:
        d.execute("CREATE TABLE t AS SELECT 2 AS v")
        raise ValueError("step failed")
    assert digest(target) == good
    assert leftovers(target.parent) == []


def test_new_database_replaces_the_previous_one(target):
    with new_database(target) as d:
        d.execute("CREATE TABLE u AS SELECT 'x' AS w")
    with Database(target) as d:
        assert d.tables() == {"u"}
    assert leftovers(target.parent) == []


def test_editing_works_on_a_copy(target):
    with editing(target) as d:
        d.execute("INSERT INTO t VALUES (2)")
        with Database(target) as original:  # the original is not touched meanwhile
            assert original.scalar("SELECT count(*) FROM t") == 1
    with Database(target) as d:
        assert d.rows("SELECT v FROM t ORDER BY v") == [(1,), (2,)]
    assert leftovers(target.parent) == []


def test_editing_failure_leaves_the_database_byte_identical(target):
    good = digest(target)
    with pytest.raises(KeyboardInterrupt), editing(target) as d:
        d.execute("DELETE FROM t")
        raise KeyboardInterrupt
    assert digest(target) == good
    assert leftovers(target.parent) == []
