"""Atomic writes of the database: a run that fails leaves the last good file exactly as it was.

Every writer of the database goes through this module:

- :func:`new_database`: the build writes a new database into ``<db>.building``;
- :func:`editing`: the registry import and the demonstration registry edit a copy of the
  database, ``<db>.importing``.

In both, the temporary file sits next to the target (same file system, so ``os.replace`` is
atomic), is swapped in only when the block ends normally, and is deleted, with its DuckDB
write-ahead log, when the block raises (including ``KeyboardInterrupt``). The checksum file
``<db>.sha256`` (:func:`etl.db.verify`) is written with every swap.

Only one writer at a time: :func:`writer_lock` holds ``<db>.lock`` (an advisory ``flock``, let go
by the system when the process dies, even by ``kill -9``). Under it, :func:`remove_stale` deletes
what a killed or crashed writer left behind (``.building``, ``.importing``, their ``.wal``, a
half-written checksum): with the lock held, no other writer can be using them.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.db import Database, checksum_path, write_checksum
from etl.errors import EtlError

BUILDING = ".building"
IMPORTING = ".importing"
LOCK = ".lock"
_NEW = ".new"


def temporary(target: Path, suffix: str) -> Path:
    """The temporary file written for ``target`` (``ti.duckdb`` -> ``ti.duckdb.building``)."""
    return target.with_name(target.name + suffix)


def _remove(path: Path) -> list[Path]:
    gone = []
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink(missing_ok=True)
            gone.append(p)
    return gone


def remove_stale(target: Path) -> list[Path]:
    """Delete the temporary files a killed writer of ``target`` left; returns those deleted.

    Call it with :func:`writer_lock` held (no live writer can be using them then).
    """
    target = Path(target)
    gone = []
    for suffix in (BUILDING, IMPORTING):
        gone += _remove(temporary(target, suffix))
    half = temporary(checksum_path(target), _NEW)
    if half.exists():
        half.unlink(missing_ok=True)
        gone.append(half)
    return gone


_held: dict[Path, int] = {}
_held_lock = threading.Lock()


class WriterBusy(EtlError):
    """Another build or import holds the database's writer lock."""


@contextmanager
def writer_lock(target: Path) -> Iterator[None]:
    """Hold ``<target>.lock`` for the block: one writer of the database at a time.

    Re-entrant within a process (the build's no-change check, then its new file); a second
    process is refused at once with :class:`WriterBusy` rather than left waiting. The lock file
    is deleted on release (while still locked, so a newcomer never locks a deleted file).
    """
    target = Path(target).resolve()
    path = temporary(target, LOCK)
    with _held_lock:
        if target in _held:
            _held[target] += 1
            fd = None
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = _acquire(path, target)
            _held[target] = 1
    try:
        yield
    finally:
        with _held_lock:
            _held[target] -= 1
            if _held[target] == 0:
                del _held[target]
        if fd is not None:  # the outermost holder owns the descriptor
            path.unlink(missing_ok=True)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _acquire(path: Path, target: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WriterBusy(
                f"another build or import is writing {target} (lock {path.name}); "
                "wait for it to finish"
            ) from None
        try:  # the holder may have deleted the file between our open and our lock: try again
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@contextmanager
def replacing(target: Path, suffix: str = BUILDING, *, checksum: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; swap it in place of ``target`` when the block
    ends normally, delete it when the block raises (``target`` is then untouched).

    ``checksum``: also write ``<target>.sha256`` for the new file (a database). The block must
    have closed every handle on the temporary file before it ends.
    """
    target = Path(target)
    tmp = temporary(target, suffix)
    _remove(tmp)
    side = checksum_path(target)
    side_new = temporary(side, _NEW)
    try:
        yield tmp
        if checksum:
            write_checksum(tmp, side_new, target.name)
        os.replace(tmp, target)
        if checksum:
            os.replace(side_new, side)
    except BaseException:
        _remove(tmp)
        side_new.unlink(missing_ok=True)
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
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(target):
        remove_stale(target)
        with replacing(target, BUILDING, checksum=True) as tmp, _writable(tmp) as d:
            yield d


@contextmanager
def editing(database: Path) -> Iterator[Database]:
    """A writable copy of ``database`` (``<database>.importing``), swapped in when the block
    ends normally; on any failure the original stays as it was and the copy is deleted.

    One connection only: opening a database costs the load of the spatial extension.
    """
    database = Path(database)
    with writer_lock(database):
        remove_stale(database)
        with replacing(database, IMPORTING, checksum=True) as tmp:
            shutil.copyfile(database, tmp)
            with _writable(tmp) as d:
                yield d
