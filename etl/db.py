"""The only module that talks to DuckDB, and the check that a database file is whole.

DuckDB's spatial extension is not downloadable on our machines: it comes from the
``duckdb-extension-spatial`` wheel and must be imported, then loaded, on every connection.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import duckdb_extensions

if TYPE_CHECKING:
    import pandas as pd

_IDENT_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_")

# every error DuckDB raises (I/O, a damaged file, a catalog or conversion error): callers outside
# this module catch it without importing duckdb
DatabaseError = duckdb.Error
# the errors that mean the file itself cannot be read (not a query that cannot be answered)
DAMAGE_ERRORS = (
    duckdb.IOException,
    duckdb.SerializationException,
    duckdb.FatalException,
    duckdb.InternalException,
)


def _ident(name: str) -> str:
    """Quote an identifier from the code's own whitelist (never from user input)."""
    if not name or set(name) - _IDENT_OK:
        raise ValueError(f"invalid SQL identifier {name!r}: expected [a-z0-9_]+")
    return f'"{name}"'


def quote_ident(name: str) -> str:
    """Quote a name read from the database's own catalog (any text, quotes doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def connect(
    path: str | Path | None = None, *, read_only: bool = False, spatial: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection (in memory when ``path`` is None) with spatial loaded, unless
    ``spatial=False`` (reading plain columns: loading spatial costs ~0.5 s of CPU)."""
    con = duckdb.connect(":memory:" if path is None else str(path), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    if not spatial:
        return con
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

    def __init__(
        self, path: str | Path | None, *, read_only: bool = True, spatial: bool = True
    ) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self.con = connect(self.path, read_only=read_only, spatial=spatial)

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
        import pandas as pd
        import shapely

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
        import shapely

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


# -- is a database file whole? ------------------------------------------------------------------
# Every file swapped in by ``etl.atomic`` gets a checksum file beside it, ``<db>.sha256``, in the
# format of ``sha256sum`` (an operator can run ``sha256sum -c ti.duckdb.sha256``; a database
# shipped as an artefact travels with it). :func:`verify` is what the build runs before it says
# "À jour" and what the dashboard's read gateway runs when it opens a file. It lives here, with
# the connection, because the dashboard imports nothing else from the ETL.


def sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


CHECKSUM = ".sha256"


class DatabaseDamaged(Exception):
    """The database file is missing, unreadable, or differs from its checksum."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path, self.reason = Path(path), reason
        super().__init__(f"database {self.path}: {reason}")


def checksum_path(database: str | os.PathLike) -> Path:
    """The checksum file of ``database`` (``ti.duckdb`` -> ``ti.duckdb.sha256``)."""
    p = Path(database)
    return p.with_name(p.name + CHECKSUM)


def write_checksum(source: Path, out: Path, name: str) -> str:
    """Write the sha256 of ``source`` into ``out`` as ``<hex>  <name>`` (``sha256sum``'s format,
    ``name`` being the file it will describe); return the digest."""
    digest = sha256(source)
    out.write_text(f"{digest}  {name}\n", encoding="ascii")
    return digest


def stored_checksum(database: str | os.PathLike) -> str | None:
    """The digest recorded in the checksum file (None without a readable one)."""
    try:
        text = checksum_path(database).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    digest = text.split(maxsplit=1)[0] if text.strip() else ""
    return digest if len(digest) == 64 and set(digest) <= set("0123456789abcdef") else None


def verify(database: str | os.PathLike, db: Database | None = None) -> None:
    """Raise :class:`DatabaseDamaged` unless ``database`` is whole.

    1. the file exists, is not empty and opens as a DuckDB database;
    2. its sha256 equals the checksum file, when there is one (any changed byte is caught);
    3. every table reads: with a matching checksum, its row count and first row; without one,
       every value of every row (DuckDB checks the checksum of each block it reads);
    4. ``build_info`` holds a fingerprint (a database this project built).

    ``db``: a connection already open on the file (the gateway's), else one is opened here.
    """
    path = Path(database)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise DatabaseDamaged(path, f"cannot be read ({e.strerror})") from None
    if size == 0:
        raise DatabaseDamaged(path, "empty file (0 bytes)")
    expected = None
    if checksum_path(path).exists():
        try:
            actual = sha256(path)
        except OSError as e:
            raise DatabaseDamaged(path, f"cannot be read ({e.strerror})") from None
        # read after the file: a writer replaces the file, then its checksum
        expected = stored_checksum(path)
        if expected is None:
            raise DatabaseDamaged(path, f"{checksum_path(path).name} is unreadable")
        if actual != expected:
            raise DatabaseDamaged(
                path,
                f"sha256 {actual[:12]}… differs from {checksum_path(path).name} "
                f"({expected[:12]}…): the file was changed or damaged after it was written",
            )
    try:
        if db is None:
            # every column reads without the spatial extension (GEOMETRY is a DuckDB type):
            # not loading it saves 0.2-0.3 s of a no-change build
            with Database(path, read_only=True, spatial=False) as own:
                _read_every_table(path, own, full=expected is None)
        else:
            _read_every_table(path, db, full=expected is None)
    except DatabaseError as e:
        raise DatabaseDamaged(path, f"unreadable ({_first_line(e)})") from None


def _read_every_table(path: Path, db: Database, *, full: bool) -> None:
    tables = sorted(db.tables())
    if "build_info" not in tables:
        raise DatabaseDamaged(path, "no build_info table: not a database built by `etl build`")
    if not full:
        # one query for every table (its row count, and a hash of its first row: every column
        # read, nothing converted to Python), rather than two round trips a table
        parts = [
            f"(SELECT count(*) FROM {n}), (SELECT hash(x) FROM {n} x LIMIT 1)"  # noqa: S608
            for n in map(quote_ident, tables)
        ]
        try:
            db.rows("SELECT " + ", ".join(parts))  # noqa: S608 - catalog names
        except DatabaseError:
            pass  # read again table by table below, to name the table that fails
        else:
            tables = []
    for t in tables:
        name = quote_ident(t)
        try:
            if full:  # hashing each whole row reads every block of every column
                db.rows("SELECT bit_xor(hash(x)) FROM " + name + " x")  # noqa: S608 - catalog name
            else:
                db.rows("SELECT count(*) FROM " + name)  # noqa: S608 - catalog name
                db.rows("SELECT * FROM " + name + " LIMIT 1")  # noqa: S608 - catalog name
        except DatabaseError as e:
            raise DatabaseDamaged(path, f"table {t!r} unreadable ({_first_line(e)})") from None
    if not db.scalar("SELECT value FROM build_info WHERE key = 'fingerprint'"):
        raise DatabaseDamaged(path, "build_info holds no fingerprint: the build did not finish")


def _first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0][:200] if text else ''}"
