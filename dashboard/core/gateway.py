"""The read gateway: the dashboard's only way to the database.

One :class:`Gateway` per process and database file. It opens the file read-only through
:class:`etl.db.Database`, reopens it when a rebuild swaps in a new file (``os.replace``: a new
inode), and keeps the results that do not depend on user input in a per-process cache dropped
when the file changes. Each time it opens a file it checks it first (``etl.db.verify``:
its checksum file and every table); a file that fails is not served: every read raises
:class:`Unavailable` (the app shows its maintenance page and ``/healthz`` answers 503) until the
file or its checksum changes, or :data:`RECHECK_SECONDS` have passed. Every SQL of the dashboard runs through :meth:`Gateway.df`, :meth:`Gateway.rows`,
:meth:`Gateway.scalar` or :meth:`Gateway.geodf`, always with its values as parameters; the
connection itself is never handed out.

By convention the gateway is called ``q`` in the dashboard's functions.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from etl.db import Database, DatabaseDamaged, DatabaseError, checksum_path, verify

T = TypeVar("T")
MEMO_LIMIT = 2000  # entries per family of cached answers (hostile inputs cannot grow it further)
RECHECK_SECONDS = 30.0  # a file found damaged is checked again after this long, changed or not
log = logging.getLogger(__name__)


class QueryError(ValueError):
    """An input the query layer cannot answer (unknown layer, indicator ...)."""


class Unavailable(RuntimeError):
    """The database cannot be served: missing, unreadable, or damaged (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Gateway:
    """Read-only access to one database file, with a cache that lives as long as the file."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._stamp: tuple | None = None
        self._cache: dict = {}
        self._broken: str | None = None  # why the file with stamp ``_stamp`` is not served
        self._checked = 0.0  # when it was found broken (time.monotonic)
        self._verified: tuple | None = None  # the stamp of the last file that passed the check

    # -- the connection ----------------------------------------------------------------------
    def _file_stamp(self) -> tuple | None:
        """What changes when the file or its checksum is replaced or written (None: no file)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        try:
            side = os.stat(checksum_path(self.path))
            side_stamp = (side.st_ino, side.st_mtime_ns)
        except OSError:
            side_stamp = None
        return (st.st_ino, st.st_mtime_ns, st.st_size, side_stamp)

    def _open(self) -> Database:
        """The open database, checked then reopened (and the cache dropped) when the file was
        replaced; :class:`Unavailable` when it cannot be served."""
        stamp = self._file_stamp()
        if self._db is not None and stamp == self._stamp:
            return self._db
        with self._lock:
            stamp = self._file_stamp()
            if self._db is not None and stamp == self._stamp:
                return self._db
            recent = time.monotonic() - self._checked < RECHECK_SECONDS
            if self._broken is not None and stamp == self._stamp and recent:
                raise Unavailable(self._broken)
            # close first: DuckDB reuses an open instance of the same path, which would keep
            # reading the replaced file
            if self._db is not None:
                self._db.close()
                self._db = None
            try:
                db = self._checked_open(skip_check=stamp is not None and stamp == self._verified)
            except Unavailable as e:
                self._stamp, self._broken, self._checked = stamp, e.reason, time.monotonic()
                self._cache = {}
                log.error("database not served: %s", e.reason)
                raise
            if stamp != self._stamp:  # the same file reopened after close() keeps its cache
                self._cache = {}
            if self._broken is not None:
                log.warning("database served again: %s", self.path)
            self._db, self._stamp, self._broken = db, stamp, None
            self._verified = self._file_stamp()
        return self._db

    def _checked_open(self, skip_check: bool = False) -> Database:
        if not self.path.is_file():
            raise Unavailable(f"{self.path.name} : fichier absent")
        for attempt in (1, 2):
            stamp = self._file_stamp()
            db = None
            try:
                db = Database(self.path, read_only=True)
                if not skip_check:
                    verify(self.path, db)
                return db
            except (DatabaseDamaged, DatabaseError, OSError) as e:
                if db is not None:
                    db.close()
                # a swap in progress (the file, then its checksum): check once more
                if attempt == 1 and self._file_stamp() != stamp:
                    continue
                reason = e.reason if isinstance(e, DatabaseDamaged) else f"{type(e).__name__}"
                raise Unavailable(f"{self.path.name} : {reason}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def recheck(self) -> None:
        """Check the file again at the next read (a query failed with a database error)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._stamp = self._verified = None

    def available(self) -> str | None:
        """None when the database can be served, else why not (opens and checks it if needed)."""
        try:
            self._open()
        except Unavailable as e:
            return e.reason
        return None

    @property
    def version(self) -> str:
        """A short token that changes with the database file (for cache-busting URLs)."""
        self._open()
        _ino, mtime, size, _side = self._stamp
        return f"{mtime:x}{size:x}"[-12:]

    def close(self) -> None:
        """Close the connection; the cache stays valid while the file is unchanged (a server
        warms it, closes the file, then forks its workers, which reopen it)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- reads -------------------------------------------------------------------------------
    def df(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Rows of a parameterised query as a DataFrame."""
        return self._open().df(sql, params)

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of a parameterised query as tuples."""
        return self._open().rows(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The first value of the first row (None when there is no row)."""
        return self._open().scalar(sql, params)

    def geodf(self, sql: str, params: Sequence[Any] | None = None, *, geometry: str = "geom"):
        """A GeoDataFrame from a query whose ``geometry`` column is WKB (``ST_AsWKB``)."""
        return self._open().geodf(sql, params, geometry=geometry)

    def tables(self) -> set[str]:
        """Names of the tables and views of the database (cached)."""
        return self.memo(("tables",), lambda: self._open().tables())

    def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, type) of each column of ``table`` (cached; ``table`` from the code's constants)."""
        return self.memo(("columns", table), lambda: self._open().columns(table))

    def has(self, table: str) -> bool:
        """True when the database holds ``table`` (optional tables of later sources)."""
        return table in self.tables()

    # -- the cache ---------------------------------------------------------------------------
    def memo(self, key: tuple, fn: Callable[[], T], limit: int = MEMO_LIMIT) -> T:
        """``fn()`` cached under ``key`` until the database changes.

        At most ``limit`` entries per ``key[0]``, so that answers keyed by untrusted input
        cannot grow the cache without bound (beyond it, answers are computed and not kept).
        """
        self._open()  # reopen (and drop the cache) if the file changed
        cache = self._cache
        if key in cache:
            return cache[key]
        value = fn()
        counts = cache.setdefault(("_memo_count",), {})
        if counts.get(key[0], 0) < limit:
            counts[key[0]] = counts.get(key[0], 0) + 1
            cache[key] = value
        return value
