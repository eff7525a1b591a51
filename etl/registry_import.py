"""``python -m etl import-projects FILE``: validate a registry file and load it (atomic).

1. reads and checks every row against the database (commune, EPCI, territory and wave must
   exist) and collects **every** bad row (row number, column, reason);
2. loads nothing if there is any bad row, unless ``--skip-bad-rows`` (then the good rows only);
3. keeps the validated rows as ``data/processed/inputs/registry-<name>.csv`` (a normalised copy:
   the build reloads it, so an imported registry survives every rebuild, and the build's
   fingerprint hashes it);
4. writes the new rows into a copy of the database and swaps it in (``etl.atomic.editing``): on
   any failure the previous database and the previous registry copy stay as they were. The copy
   is staged as ``registry-<name>.<ext>.importing`` and renamed into place only after the swap,
   so a killed import leaves nothing that the next build would load (the build deletes the
   staged file).

Importing a file with the same name again replaces that registry.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from etl.atomic import editing, remove_stale, writer_lock
from etl.config import Paths
from etl.db import verify
from etl.errors import EtlError, SourceError
from etl.pipeline import fingerprint
from etl.readers import sha256
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
    remove_staged,
    staged_file,
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


def import_projects(
    path: Path, paths: Paths, *, skip_bad_rows: bool = False, name: str | None = None
) -> ImportResult:
    """Validate a registry file and load it into the database at ``paths.database`` (atomic).

    Raises :class:`RegistryError` (every bad row) when the file has bad rows and
    ``skip_bad_rows`` is false; nothing is changed then. The file is read within the limits of
    ``etl.registry.schema`` before anything else; a damaged database is not edited
    (``etl.db.DatabaseDamaged``: rebuild it with ``make etl``).
    """
    path = Path(path)
    database = paths.database
    if not database.is_file():
        raise EtlError(f"no database at {database}: run `make etl` first")
    name = registry_name(Path(name) if name else path)
    df = read_file(path)
    with writer_lock(database):
        remove_stale(database)
        remove_staged(paths.processed)
        verify(database)
        staged = None
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
                # the file itself when every row is good, else its good rows in the schema
                suffix = path.suffix.lower() if not v.errors else ".csv"
                kept = kept_file(paths.processed, name, suffix)
                kept.parent.mkdir(parents=True, exist_ok=True)
                staged = staged_file(kept)
                if v.errors:
                    write_schema_csv(to_schema(v.rows), staged)
                else:
                    shutil.copyfile(path, staged)
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
                    d,
                    f"registry:{name}",
                    kept,
                    REAL_LICENCE,
                    f"importé de {path.name}",
                    len(v.rows),
                    digest=sha256(staged),
                )
                # the fingerprint the inputs will have once the copy is in place, so that the
                # next `make etl` does not rebuild for nothing
                after = {p.name: p for p in kept_files(paths.processed) if p.stem != kept.stem}
                after[kept.name] = staged
                d.execute(
                    "UPDATE build_info SET value = ? WHERE key = 'fingerprint'",
                    [fingerprint(paths, kept=after)],
                )
            # the database is swapped in: only now does the copy join the inputs of the builds
            for p in kept_files(paths.processed):
                if p.stem == kept.stem and p != kept:
                    p.unlink()
            os.replace(staged, kept)
        finally:
            if staged is not None:
                staged.unlink(missing_ok=True)
    return ImportResult(name, len(v.rows), skipped, v.errors, kept, database)
