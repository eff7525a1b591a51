"""``python -m etl import-projects FILE``: validate a registry file and load it (atomic).

1. reads and checks every row against the database (commune, EPCI, territory and wave must
   exist) and collects **every** bad row (row number, column, reason);
2. loads nothing if there is any bad row, unless ``--skip-bad-rows`` (then the good rows only);
3. keeps the validated rows as ``data/processed/inputs/registry-<name>.csv`` (a normalised copy:
   the build reloads it, so an imported registry survives every rebuild, and the build's
   fingerprint hashes it);
4. writes the new rows into a copy of the database and swaps it in (``etl.atomic.editing``): on
   any failure the previous database and the previous registry copy stay as they were.

Importing a file with the same name again replaces that registry.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from etl.atomic import editing, replacing
from etl.config import Paths
from etl.db import Database
from etl.errors import EtlError, SourceError
from etl.pipeline import fingerprint
from etl.registry.schema import (
    Reference,
    RegistryError,
    RowError,
    read_file,
    to_schema,
    validate,
    write_schema_csv,
)
from etl.registry.store import (
    REAL_LICENCE,
    kept_file,
    kept_files,
    record_source,
    refresh_indicators,
    store,
)

_NAME_OK = re.compile(r"[^a-z0-9_-]+")
RESERVED_NAMES = ("demo", "fonds-vert-2024")  # the demonstration registry; the one the build loads


def registry_name(path: Path) -> str:
    """A safe registry name from a file name: 'Projets 2025.xlsx' -> 'projets-2025'."""
    n = _NAME_OK.sub("-", Path(path).stem.lower()).strip("-")[:60]
    if not n:
        raise EtlError(f"cannot derive a registry name from {Path(path).name!r}: use --name")
    if n in RESERVED_NAMES:
        raise EtlError(
            f"registry name {n!r} is reserved ({', '.join(RESERVED_NAMES)}): choose another with --name"
        )
    return n


@dataclass
class ImportResult:
    name: str
    loaded: int
    skipped: int
    errors: list[RowError]
    kept: Path
    database: Path


def _refresh_fingerprint(d: Database, paths: Paths) -> None:
    """The database now matches the inputs plus the new kept file: record their fingerprint, so
    that the next ``make etl`` does not rebuild for nothing."""
    d.execute("UPDATE build_info SET value = ? WHERE key = 'fingerprint'", [fingerprint(paths)])


def import_projects(
    path: Path, paths: Paths, *, skip_bad_rows: bool = False, name: str | None = None
) -> ImportResult:
    """Validate a registry file and load it into the database at ``paths.database`` (atomic).

    Raises :class:`RegistryError` (every bad row) when the file has bad rows and
    ``skip_bad_rows`` is false; nothing is changed then.
    """
    path = Path(path)
    database = paths.database
    if not database.is_file():
        raise EtlError(f"no database at {database}: run `make etl` first")
    df = read_file(path)
    name = registry_name(Path(name) if name else path)
    previous = [p for p in kept_files(paths.processed) if p.stem == f"registry-{name}"]
    backups = {p: p.with_name(p.name + ".previous") for p in previous}
    wrote = False
    try:
        with editing(database) as d:
            v = validate(df, Reference.from_db(d))
            if v.errors and not skip_bad_rows:
                raise RegistryError(path, v.errors)
            if v.rows.empty:
                raise (
                    RegistryError(path, v.errors)
                    if v.errors
                    else SourceError(path, "no project row in the file")
                )
            # the file itself when every row is good, else its good rows in the documented schema
            kept = kept_file(paths.processed, name, path.suffix.lower() if not v.errors else ".csv")
            kept.parent.mkdir(parents=True, exist_ok=True)
            for p, b in backups.items():
                os.replace(p, b)
            wrote = True
            with replacing(kept, ".new") as new:
                if v.errors:
                    write_schema_csv(to_schema(v.rows), new)
                else:
                    shutil.copyfile(path, new)
            skipped = len({e.row for e in v.errors})
            store(
                d,
                name,
                v.rows,
                path=str(path),
                skipped=skipped,
                is_demo=False,
                label=f"Registre importé : {path.name}",
            )
            refresh_indicators(d)
            record_source(
                d, f"registry:{name}", kept, REAL_LICENCE, f"importé de {path.name}", len(v.rows)
            )
            _refresh_fingerprint(d, paths)
    except BaseException:
        if wrote:
            kept.unlink(missing_ok=True)
            for p, b in backups.items():
                os.replace(b, p)
        raise
    for b in backups.values():
        b.unlink(missing_ok=True)
    return ImportResult(name, len(v.rows), skipped, v.errors, kept, database)
