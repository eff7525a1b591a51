"""Shared fixtures: the miniature mirror (hand-written), databases built from it and from the
real mirror (integration tests, skipped when the mirror is absent), and the toy country of the
redraw and scenario tests (tests/data/toy_country.py)."""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from etl import redraw
from etl.atomic import WriterBusy
from etl.config import Paths, get_paths
from etl.context import BuildContext
from etl.db import Database
from etl.pipeline import build

DATA = Path(__file__).parent / "data"
MINI_MIRROR = DATA / "mirror"


def _data_module(name: str):
    """A module of tests/data (fixtures written by hand), loaded from its file: tests/ is not a
    package."""
    spec = importlib.util.spec_from_file_location(f"tests_data_{name}", DATA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


toy_country = _data_module("toy_country")


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
    """The project's database built from the real mirror (a no-op when already up to date).
    The test processes (pytest-xdist) share that file: one builds it, the others wait for the
    writer's lock and then find it up to date."""
    deadline = time.monotonic() + 900
    while True:
        try:
            build(real_paths)
            return real_paths.database
        except WriterBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.fixture(scope="module")
def toy_db(tmp_path_factory):
    """The toy country in an in-memory database, with the redraw step run on it."""
    db = Database(None, read_only=False)
    toy_country.write_toy(db)
    tmp = tmp_path_factory.mktemp("toy")
    ctx = BuildContext(paths=Paths(mirror=tmp, database=tmp / "toy.duckdb"), db=db)
    redraw.run(ctx)
    db.checks = ctx.checks  # kept for the tests of the validation report
    yield db
    db.close()


@pytest.fixture(scope="session")
def toy():
    """The toy country's constants and shape helpers, for the tests' expected values."""
    t = toy_country
    return SimpleNamespace(
        EPCI_SIREN=t.EPCI_SIREN, POP=t.POP, square=t.square, squares=t.squares, code=t.code
    )
