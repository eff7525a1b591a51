"""The build runner: raw mirror -> a new DuckDB file, step by step, checked, then swapped in.

:func:`build` is idempotent and atomic: when neither the inputs nor the ETL code changed since
the last build (same :func:`fingerprint`), it does nothing; otherwise it runs the steps into
``<db>.building`` and only a complete, checked build replaces the database (``etl.atomic``); a
failure leaves the last good database as it was. Before it says "up to date" it verifies the
file (``etl.db.verify``: checksum and a read of every table) and rebuilds a damaged one;
every run first deletes what a killed build or import left behind. The steps themselves, in
order, are ``etl.pipeline.STEPS``; callers use ``etl.pipeline.build``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from etl.atomic import new_database, remove_stale, writer_lock
from etl.config import PROJECT_ROOT, Paths
from etl.context import BuildContext, BuildStep
from etl.db import Database, DatabaseDamaged, verify
from etl.readers import sha256
from etl.registry.store import kept_files, remove_staged

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = "1"


@dataclass
class BuildResult:
    status: str  # "built" or "up-to-date"
    database: Path
    seconds: float
    checks: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)  # step name -> seconds
    repaired: str | None = None  # why the previous file was rebuilt although up to date
    removed: list[Path] = field(default_factory=list)  # leftovers of killed runs, deleted


def _code_hash() -> str:
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for pkg in ("etl", "geo"):
        for f in sorted((PROJECT_ROOT / pkg).rglob("*.py")):
            h.update(f.relative_to(PROJECT_ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _cached_sha256(p: Path, cache: dict) -> str:
    """sha256 of a file, reused while its size and modification time are unchanged."""
    st = p.stat()
    key, stamp = str(p), [st.st_size, st.st_mtime_ns]
    hit = cache.get(key)
    if hit and hit[:2] == stamp:
        return hit[2]
    digest = sha256(p)
    cache[key] = [*stamp, digest]
    return digest


def fingerprint(
    paths: Paths, steps: Sequence[BuildStep], kept: Mapping[str, Path] | None = None
) -> str:
    """Hash of the ETL code, of the names of ``steps`` and of every input file they read (and of
    the registries kept under ``<processed>/inputs``): equal hashes mean nothing to do.

    File hashes are cached in ``<processed>/.hash-cache.json`` by size and modification time,
    so a no-change rebuild does not read the inputs again. ``kept`` (file name -> file to hash)
    replaces the kept registries on disk: the importer records the fingerprint the database
    will have once its new copy is in place.
    """
    return _fingerprint(paths, steps, kept)[0]


def _fingerprint(
    paths: Paths, steps: Sequence[BuildStep], kept: Mapping[str, Path] | None = None
) -> tuple[str, dict[str, str]]:
    """The fingerprint and the sha256 of each input file (reused for the ``source`` table)."""
    cache_file = paths.processed / ".hash-cache.json"
    try:
        cache = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    except (OSError, ValueError):
        cache = {}
    h = hashlib.sha256(_code_hash().encode())
    for step in steps:  # the steps themselves: a build with other steps is another build
        h.update(step.name.encode())
        for rel in step.input_files():
            p = paths.mirror / rel
            h.update(rel.encode())
            if p.is_file():
                h.update(f"{p.stat().st_size}".encode())
                h.update(_cached_sha256(p, cache).encode())
    if kept is None:
        kept = {p.name: p for p in kept_files(paths.processed)}
    for name in sorted(kept):
        h.update(name.encode())
        h.update(_cached_sha256(kept[name], cache).encode())
    try:
        paths.processed.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache))
    except OSError:
        pass  # a cache that cannot be written only costs time
    return h.hexdigest(), {k: v[2] for k, v in cache.items()}


def stored_fingerprint(database: Path) -> str | None:
    if not database.is_file():
        return None
    try:
        # plain columns only: no spatial extension to load (a no-change rebuild stays < 1 s)
        with Database(database, read_only=True, spatial=False) as d:
            if "build_info" not in d.tables():
                return None
            return d.scalar("SELECT value FROM build_info WHERE key = 'fingerprint'")
    except Exception:  # an unreadable file is rebuilt, never trusted
        return None


def _write_meta(ctx: BuildContext, fp: str, digests: dict[str, str]) -> None:
    import pandas as pd

    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    src = pd.DataFrame(
        [
            {
                "name": f.name,
                "path": str(f.path),
                "sha256": digests.get(str(f.path)) or sha256(f.path),
                "licence": f.licence,
                "vintage": f.vintage,
                "rows": f.rows,
                "loaded_at": now,
                "label": f.label or None,
                "note": f.note or None,
            }
            for f in ctx.files
        ],
        columns=[
            "name",
            "path",
            "sha256",
            "licence",
            "vintage",
            "rows",
            "loaded_at",
            "label",
            "note",
        ],
    ).astype({"rows": "int64"})
    ctx.db.write_table("source", src)
    ctx.db.write_table(
        "validation",
        pd.DataFrame(
            ctx.checks, columns=["check", "subject", "value", "detail", "severity"]
        ).astype({"value": "float64"}),
    )
    info = {
        "fingerprint": fp,
        "schema_version": SCHEMA_VERSION,
        "built_at": now,
        "mirror": str(ctx.paths.mirror),
    }
    ctx.db.write_table(
        "build_info", pd.DataFrame({"key": list(info), "value": list(info.values())})
    )


@contextmanager
def _null_progress(label: str):
    yield


def build(
    paths: Paths, steps: Sequence[BuildStep], *, force: bool = False, progress=None
) -> BuildResult:
    """Build the database at ``paths.database`` from ``paths.mirror`` with ``steps``, in order.

    Parameters
    ----------
    steps : the build steps (``etl.pipeline.STEPS``)
    force : rebuild even if inputs and code are unchanged
    progress : a context-manager factory ``progress(label)`` wrapped around each step (the CLI
        prints one line per step with its time)
    """
    start = time.perf_counter()
    progress = progress or _null_progress
    with writer_lock(paths.database):
        removed = remove_stale(paths.database) + remove_staged(paths.processed)
        fp, digests = _fingerprint(paths, steps)
        repaired = None
        if not force and paths.database.exists():
            try:
                verify(paths.database)
            except DatabaseDamaged as e:
                repaired = e.reason  # a damaged file is built again, even with the same inputs
            else:
                if stored_fingerprint(paths.database) == fp:
                    took = time.perf_counter() - start
                    return BuildResult("up-to-date", paths.database, took, removed=removed)
        res = _run(paths, steps, fp, digests, progress, start)
    res.repaired, res.removed = repaired, removed
    return res


def _run(paths: Paths, steps, fp: str, digests: dict[str, str], progress, start) -> BuildResult:
    import pandas as pd

    with new_database(paths.database) as d:
        ctx = BuildContext(paths=paths, db=d)
        for step in steps:
            t0 = time.perf_counter()
            with progress(step.name):
                step.run(ctx)
            ctx.timings[step.name] = time.perf_counter() - t0
        _write_meta(ctx, fp, digests)
        checks = pd.DataFrame(ctx.checks)
    return BuildResult("built", paths.database, time.perf_counter() - start, checks, ctx.timings)
