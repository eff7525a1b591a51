"""Shared fixtures: the miniature mirror (hand-written), databases built from it and from the
real mirror (integration tests, skipped when the mirror is absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.config import Paths, get_paths
from etl.pipeline import build

DATA = Path(__file__).parent / "data"
MINI_MIRROR = DATA / "mirror"


@pytest.fixture(scope="session")
def mini_mirror() -> Path:
    """The read-only miniature mirror in tests/data/mirror (copy it before changing a file)."""
    return MINI_MIRROR


@pytest.fixture(scope="session")
def mini_db(tmp_path_factory) -> Path:
    """A database built once per session from the miniature mirror."""
    db = tmp_path_factory.mktemp("mini") / "mini.duckdb"
    res = build(Paths(mirror=MINI_MIRROR, database=db))
    assert res.status == "built"
    return db


@pytest.fixture
def processed(mini_db, mini_mirror, tmp_path) -> Paths:
    """A writable copy of the miniature database (with its checksum file) in
    ``<tmp>/processed/ti.duckdb``, over the miniature mirror: what an import or a build edits."""
    from etl.db import checksum_path

    db = tmp_path / "processed" / "ti.duckdb"
    db.parent.mkdir()
    shutil.copy(mini_db, db)
    shutil.copy(checksum_path(mini_db), checksum_path(db))
    return Paths(mirror=mini_mirror, database=db)


@pytest.fixture
def mirror_copy(tmp_path) -> Path:
    """A writable copy of the miniature mirror, for tests that break a file."""
    dst = tmp_path / "mirror"
    shutil.copytree(MINI_MIRROR, dst)
    return dst


@pytest.fixture(scope="session")
def real_paths() -> Paths:
    paths = get_paths()
    if not (paths.mirror / "README.md").is_file():
        pytest.skip(f"real mirror not found at {paths.mirror} (set TI_MIRROR)")
    return paths


@pytest.fixture(scope="session")
def real_db(real_paths) -> Path:
    """The project's database built from the real mirror (a no-op when already up to date)."""
    build(real_paths)
    return real_paths.database
