"""The read gateway: the dashboard's only way to the database.

One :class:`Gateway` per process and database file. It opens the file read-only through
:class:`etl.db.Database`, reopens it when a rebuild swaps in a new file (``os.replace``: a new
inode), and keeps the results that do not depend on user input in a per-process cache dropped
on reopen. Every SQL of the dashboard runs through :meth:`Gateway.df`, :meth:`Gateway.rows`,
:meth:`Gateway.scalar` or :meth:`Gateway.geodf`, always with its values as parameters; the
connection itself is never handed out.

By convention the gateway is called ``q`` in the dashboard's functions.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from etl.db import Database

T = TypeVar("T")
MEMO_LIMIT = 2000  # entries per family of cached answers (hostile inputs cannot grow it further)


class QueryError(ValueError):
    """An input the query layer cannot answer (unknown layer, indicator ...)."""


class Gateway:
    """Read-only access to one database file, with a cache that lives as long as the file."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._stamp: tuple | None = None
        self._cache: dict = {}

    # -- the connection ----------------------------------------------------------------------
    def _file_stamp(self) -> tuple:
        st = os.stat(self.path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _open(self) -> Database:
        """The open database, reopened (and the cache dropped) when the file was replaced."""
        stamp = self._file_stamp()
        if self._db is None or stamp != self._stamp:
            with self._lock:
                if self._db is None or stamp != self._stamp:
                    # close first: DuckDB reuses an open instance of the same path, which
                    # would keep reading the replaced file
                    if self._db is not None:
                        self._db.close()
                    self._db = Database(self.path, read_only=True)
                    self._stamp = stamp
                    self._cache = {}
        return self._db

    @property
    def version(self) -> str:
        """A short token that changes with the database file (for cache-busting URLs)."""
        self._open()
        _ino, mtime, size = self._stamp
        return f"{mtime:x}{size:x}"[-12:]

    def close(self) -> None:
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
