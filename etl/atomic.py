"""Atomic writes of the database: a run that fails leaves the last good file exactly as it was.

Every writer of the database goes through this module:

- :func:`new_database`: the build writes a new database into ``<db>.building``;
- :func:`editing`: the registry import and the demonstration registry edit a copy of the
  database, ``<db>.importing``.

In both, the temporary file sits next to the target (same file system, so ``os.replace`` is
atomic), is swapped in only when the block ends normally, and is deleted, with its DuckDB
write-ahead log, when the block raises (including ``KeyboardInterrupt``). A temporary file left
by a killed run is deleted before a new one is written.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.db import Database

BUILDING = ".building"
IMPORTING = ".importing"


def temporary(target: Path, suffix: str) -> Path:
    """The temporary file written for ``target`` (``ti.duckdb`` -> ``ti.duckdb.building``)."""
    return target.with_name(target.name + suffix)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


@contextmanager
def replacing(target: Path, suffix: str = BUILDING) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; swap it in place of ``target`` when the block
    ends normally, delete it when the block raises (``target`` is then untouched).

    The block must have closed every handle on the temporary file before it ends.
    """
    target = Path(target)
    tmp = temporary(target, suffix)
    _remove(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        _remove(tmp)
        raise


@contextmanager
def _writable(path: Path) -> Iterator[Database]:
    """One read-write connection, checkpointed (WAL merged into the file) and closed at the end."""
    d = Database(path, read_only=False)
    try:
        yield d
        d.execute("CHECKPOINT")
    finally:
        d.close()


@contextmanager
def new_database(target: Path) -> Iterator[Database]:
    """An empty database written as ``<target>.building``, swapped in when the block ends
    normally; on any failure ``target`` stays as it was and no temporary file is left."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with replacing(target, BUILDING) as tmp, _writable(tmp) as d:
        yield d


@contextmanager
def editing(database: Path) -> Iterator[Database]:
    """A writable copy of ``database`` (``<database>.importing``), swapped in when the block
    ends normally; on any failure the original stays as it was and the copy is deleted.

    One connection only: opening a database costs the load of the spatial extension.
    """
    with replacing(database, IMPORTING) as tmp:
        shutil.copyfile(database, tmp)
        with _writable(tmp) as d:
            yield d
