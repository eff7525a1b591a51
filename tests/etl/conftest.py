"""Fixtures of the ETL tests: a broken copy of the miniature mirror beside the last good database
built from it, and the steps of a build whose foundation is copied instead of computed."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.config import Paths
from etl.context import BuildContext, BuildStep
from etl.db import Database
from etl.errors import SourceError
from etl.pipeline import STEPS, build

FOUNDATION_TABLES = (
    "commune",
    "epci",
    "ept",
    "arrondissement",
    "departement",
    "region",
    "territory",
    "territory_member",
    "territory_commune",
    "shape",
)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@dataclass
class LastGood:
    """A writable copy of the miniature mirror (``mirror``), a copy of the last good database
    built from it (``paths.database``) and that database's sha256 (``good``).

    Unpacks as ``mirror, paths, good = last_good``."""

    mirror: Path
    paths: Paths
    good: str

    def __iter__(self):
        return iter((self.mirror, self.paths, self.good))

    def fails(
        self, *, file: str, row=None, column=None, match: str = "", steps=STEPS
    ) -> SourceError:
        """Build with ``steps``: it must raise a SourceError naming ``file`` (and ``row``,
        ``column``, ``match`` when given) and leave the last good database byte-identical, with no
        temporary file behind."""
        with pytest.raises(SourceError) as ei:
            build(self.paths, steps, force=True)
        e = ei.value
        assert e.path.endswith(file), e.path
        if row is not None:
            assert e.row == row, str(e)
        if column is not None:
            assert e.column == column, str(e)
        assert match in str(e), str(e)
        assert digest(self.paths.database) == self.good, "the last good database was modified"
        assert not list(self.paths.processed.glob("*.building*")), "a partial build was left"
        return e

    def fails_after_edit(
        self, file: str, old: str, new: str, row, column, match: str, *, steps=STEPS
    ) -> SourceError:
        """Replace ``old`` by ``new`` in the mirror's ``file``, then :meth:`fails`."""
        self.replace_in(self.mirror / file, old, new)
        return self.fails(steps=steps, file=file, row=row, column=column, match=match)

    def fails_without(self, file: str, *, steps=STEPS) -> SourceError:
        """Delete the mirror's ``file``, then :meth:`fails` with "not found"."""
        (self.mirror / file).unlink()
        return self.fails(steps=steps, file=file, match="not found")

    def fails_in_latin1(self, file: str, *, steps=STEPS) -> SourceError:
        """Put a Latin-1 "é" in the last line of ``file`` (not UTF-8), then :meth:`fails`."""
        p = self.mirror / file
        data = p.read_bytes().rstrip(b"\n") + b"\n"
        last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
        p.write_bytes(data[: -len(last) - 1] + last.replace(last[:5], last[:5] + b"\xe9") + b"\n")
        e = self.fails(steps=steps, file=file)
        assert "UTF-8" in str(e)
        return e

    @staticmethod
    def edit_json(path: Path, fn) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(fn(data), ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
        text = path.read_text(encoding="utf-8-sig")
        assert old in text, f"fixture changed: {old!r} not in {path.name}"
        bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""
        path.write_text(bom + text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="module")
def db(mini_db):
    """The miniature database, read-only (a test module may define its own ``db``)."""
    with Database(mini_db) as d:
        yield d


@pytest.fixture(scope="module")
def value(db):
    """``value(layer, key, indicator, year=None)``: the one value of the ``indicator`` table, or
    None when the unit has no row (no data)."""

    def get(layer, key, indicator, year=None):
        rows = db.rows(
            "SELECT value FROM indicator WHERE layer = ? AND key = ? AND indicator = ? "
            "AND year IS NOT DISTINCT FROM ?",
            [layer, key, indicator, year],
        )
        assert len(rows) <= 1
        return rows[0][0] if rows else None

    return get


@pytest.fixture
def last_good(mirror_copy, mini_db, tmp_path, monkeypatch) -> LastGood:
    """See :class:`LastGood`; ``$TI_URSSAF_FILE`` unset."""
    monkeypatch.delenv("TI_URSSAF_FILE", raising=False)
    db = tmp_path / "good.duckdb"
    shutil.copy(mini_db, db)
    return LastGood(mirror_copy, Paths(mirror=mirror_copy, database=db), digest(db))


@pytest.fixture
def progress_steps(mini_db) -> tuple[BuildStep, ...]:
    """The pipeline with its foundation steps replaced by a copy of the miniature database's
    foundation tables: the real ``build()`` runs (atomic swap, the later steps, error
    propagation) without the seconds of geometry these tests are not about."""

    def copy(ctx: BuildContext) -> None:
        # ATTACH takes no parameter: the path (a pytest temporary file) is quoted as a literal
        ctx.db.execute(
            "ATTACH '" + str(mini_db).replace("'", "''") + "' AS foundation_src (READ_ONLY)"
        )
        for t in FOUNDATION_TABLES:  # table names from the constant above
            ctx.db.execute(" ".join(["CREATE TABLE", t, "AS SELECT * FROM", "foundation_src." + t]))
        ctx.db.execute("DETACH foundation_src")

    later = (s for s in STEPS if not s.run.__module__.startswith("etl.foundation."))
    return (BuildStep("Socle copié", copy), *later)
