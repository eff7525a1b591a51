"""The only module that talks to DuckDB.

DuckDB's spatial extension is not downloadable on our machines: it comes from the
``duckdb-extension-spatial`` wheel and must be imported, then loaded, on every connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import duckdb_extensions
import pandas as pd
import shapely

_IDENT_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_")

# every error DuckDB raises (I/O, a damaged file, a catalog or conversion error): callers outside
# this module catch it without importing duckdb
DatabaseError = duckdb.Error


def _ident(name: str) -> str:
    """Quote an identifier from the code's own whitelist (never from user input)."""
    if not name or set(name) - _IDENT_OK:
        raise ValueError(f"invalid SQL identifier {name!r}: expected [a-z0-9_]+")
    return f'"{name}"'


def quote_ident(name: str) -> str:
    """Quote a name read from the database's own catalog (any text, quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def connect(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection (in memory when ``path`` is None) with spatial loaded."""
    con = duckdb.connect(":memory:" if path is None else str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute("LOAD spatial")
    except duckdb.Error:
        duckdb_extensions.import_extension("spatial", con=con)
        con.execute("LOAD spatial")
    return con


class Database:
    """A DuckDB database file, opened read-only unless ``read_only=False``.

    Every read and write of the project goes through this class; SQL values are always
    passed as parameters, identifiers only from the code's own constants.
    """

    def __init__(self, path: str | Path | None, *, read_only: bool = True) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self.con = connect(self.path, read_only=read_only)

    # -- reads -------------------------------------------------------------------------
    def df(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame."""
        cur = self.con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        cur = self.con.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        r = self.rows(sql, params)
        return r[0][0] if r else None

    def tables(self) -> set[str]:
        return {
            r[0]
            for r in self.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            )
        }

    def columns(self, table: str) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self.rows(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                [table],
            )
        ]

    # -- writes (build only) -----------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        self.con.execute(sql, params or [])

    def write_table(
        self, name: str, df: pd.DataFrame, *, geometry: Iterable[str] = (), replace: bool = True
    ) -> int:
        """Write ``df`` as table ``name``; columns named in ``geometry`` hold shapely objects.

        Returns the number of rows written.
        """
        geometry = list(geometry)
        frame = pd.DataFrame({c: df[c] for c in df.columns})
        for c in geometry:
            frame[c] = shapely.to_wkb(frame[c].to_numpy(), output_dimension=2)
        cols = ", ".join(
            f"ST_GeomFromWKB({_ident(c)}) AS {_ident(c)}" if c in geometry else _ident(c)
            for c in frame.columns
        )
        view = f"_in_{name}"
        self.con.register(view, frame)
        try:
            verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE"
            # identifiers only, each checked by _ident; no value is ever formatted into SQL
            sql = " ".join([verb, _ident(name), "AS SELECT", cols, "FROM", _ident(view)])
            self.con.execute(sql)
        finally:
            self.con.unregister(view)
        return len(frame)

    def geodf(
        self, sql: str, params: Sequence[Any] | dict | None = None, *, geometry: str = "geom"
    ):
        """Run a query whose ``geometry`` column is WKB (``ST_AsWKB``) and return a GeoDataFrame."""
        import geopandas as gpd

        df = self.df(sql, params)
        # pandas 3 may hand back pd.NA for a NULL (or empty) geometry
        geom = shapely.from_wkb(
            [
                bytes(v) if isinstance(v, (bytes, bytearray, memoryview)) else None
                for v in df[geometry]
            ]
        )
        return gpd.GeoDataFrame(df.drop(columns=[geometry]), geometry=geom, crs="EPSG:4326")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
