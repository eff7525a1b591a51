"""Is a database file whole? Its checksum and a read of every table.

Every file swapped in by :mod:`etl.atomic` gets a checksum file beside it, ``<db>.sha256``, in
the format of ``sha256sum`` (an operator can run ``sha256sum -c ti.duckdb.sha256``; a database
shipped as an artefact travels with it). :func:`verify` is what the build runs before it says
"À jour" and what the dashboard's read gateway runs when it opens a file:

1. the file exists, is not empty and opens as a DuckDB database;
2. its sha256 equals the checksum file, when there is one (any changed byte is caught);
3. every table reads: with a matching checksum, its row count and first row; without one, every
   value of every row (DuckDB checks the checksum of each block it reads);
4. ``build_info`` holds a fingerprint (a database this project built).

Any failure raises :class:`DatabaseDamaged`, naming the file and what failed.
"""

from __future__ import annotations

import os
from pathlib import Path

from etl.db import Database, DatabaseError, quote_ident
from etl.errors import EtlError
from etl.readers import sha256

CHECKSUM = ".sha256"


class DatabaseDamaged(EtlError):
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
    """Raise :class:`DatabaseDamaged` unless ``database`` is whole (see the module docstring).

    ``db``: a connection already open on the file (the gateway's), else one is opened here.
    """
    path = Path(database)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise DatabaseDamaged(path, f"cannot be read ({e.strerror})") from None
    if size == 0:
        raise DatabaseDamaged(path, "empty file (0 bytes)")
    expected = stored_checksum(path)
    if expected is not None:
        try:
            actual = sha256(path)
        except OSError as e:
            raise DatabaseDamaged(path, f"cannot be read ({e.strerror})") from None
        if actual != expected:
            raise DatabaseDamaged(
                path,
                f"sha256 {actual[:12]}… differs from {checksum_path(path).name} "
                f"({expected[:12]}…): the file was changed or damaged after it was written",
            )
    try:
        if db is None:
            with Database(path, read_only=True) as own:
                _read_every_table(path, own, full=expected is None)
        else:
            _read_every_table(path, db, full=expected is None)
    except DatabaseError as e:
        raise DatabaseDamaged(path, f"unreadable ({_first_line(e)})") from None


def _read_every_table(path: Path, db: Database, *, full: bool) -> None:
    tables = sorted(db.tables())
    if "build_info" not in tables:
        raise DatabaseDamaged(path, "no build_info table: not a database built by `etl build`")
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
