"""Published figures in French: the curated labels and definitions, the goals and their citation,
the reader-facing names of the sources. Bad curated tables stop the build with the file, row and
column, and the last good database stays byte-identical."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date

import pytest

from etl.config import Paths
from etl.db import Database
from etl.errors import SourceError
from etl.pipeline import build
from etl.sources import published_figures as PF

FIGURES = "published-figures/programme_milestones.csv"


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def setup(mirror_copy, mini_db, tmp_path, monkeypatch):
    """A writable mirror, copies of the curated tables (the module reads the copies) and a copy
    of the last good database."""
    monkeypatch.delenv("TI_URSSAF_FILE", raising=False)
    labels, definitions = tmp_path / PF.LABELS_FILE.name, tmp_path / PF.DEFINITIONS_FILE.name
    shutil.copy(PF.LABELS_FILE, labels)
    shutil.copy(PF.DEFINITIONS_FILE, definitions)
    monkeypatch.setattr(PF, "LABELS_FILE", labels)
    monkeypatch.setattr(PF, "DEFINITIONS_FILE", definitions)
    db = tmp_path / "good.duckdb"
    shutil.copy(mini_db, db)
    return mirror_copy, labels, definitions, Paths(mirror=mirror_copy, database=db)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fails_intact(paths, *, file, row, column, match) -> None:
    good = digest(paths.database)
    with pytest.raises(SourceError) as ei:
        build(paths, force=True)
    e = ei.value
    assert e.path.endswith(file), e.path
    assert (e.row, e.column) == (row, column), str(e)
    assert match in str(e), str(e)
    assert digest(paths.database) == good, "the last good database was modified"
    assert not list(paths.database.parent.glob("*.building*"))


def test_a_figure_without_a_french_label_stops_the_build(setup):
    mirror, _, _, paths = setup
    # the first row of the miniature file (2019, TI phase 1, projects identified)
    edit(mirror / FIGURES, "TI phase 1,projects identified", "TI phase 1,projects spotted")
    fails_intact(paths, file=FIGURES, row=1, column="metric", match="no French label")


def test_a_label_of_an_unknown_definition_stops_the_build(setup):
    _, labels, _, paths = setup
    edit(labels, "projets_identifies_phase1", "projets_reperes")
    fails_intact(paths, file=labels.name, row=3, column="definition", match="unknown definition")


def test_a_label_given_twice_stops_the_build(setup):
    _, labels, _, paths = setup
    text = labels.read_text(encoding="utf-8")
    first = text.splitlines()[1]
    labels.write_text(text + first + "\n", encoding="utf-8")
    n = len(text.splitlines())  # the copy is the n-th data row
    fails_intact(paths, file=labels.name, row=n, column="metric", match="appear(s) twice")


def test_a_definition_without_a_name_stops_the_build(setup):
    _, _, definitions, paths = setup
    edit(definitions, "Potentiel estimé de projets industriels", "")
    fails_intact(paths, file=definitions.name, row=1, column="nom", match="empty value")


def test_the_citation_of_the_goals_must_quote_both_numbers(setup):
    mirror, _, _, paths = setup
    row = (
        '2023-02-21,"Potential (Lluansi & Basset, La Fabrique de l\'industrie)",'
        "hidden industrial projects potential,15000,projects,Fixture page P,"
        'https://example.org/p,"""15 000 projets"""\n'
    )
    with open(mirror / FIGURES, "a", encoding="utf-8") as f:
        f.write(row)
    fails_intact(paths, file=FIGURES, row="2023-02-21", column="quote", match="lacks ['450 000']")


def test_french_dates_decimals_and_labels_over_the_miniature_mirror(mini_db):
    with Database(mini_db) as d:
        rows = d.df(
            "SELECT date_text, date_start, date, date_label, decimals, label, definition_name, "
            "phase FROM published_figure ORDER BY date, metric"
        )
        assert d.rows("SELECT goal, value, start FROM goal ORDER BY goal") == [
            ("jobs", 450_000.0, date(2023, 11, 9)),
            ("projects", 15_000.0, date(2023, 11, 9)),
        ]
        assert d.scalar("SELECT count(*) FROM goal_source") == 0  # not in the mini mirror
        sources = d.df("SELECT name, label FROM source WHERE name LIKE 'published_figures%'")
    r = rows.set_index("date_text")
    assert r.at["2019 (undated)", "date_label"] == "2019 (non daté)"
    assert r.at["2023-06/07", "date_label"] == "juin-juillet 2023"
    assert r.at["2023-06/07", "date_start"].date() == date(2023, 6, 1)
    assert r.at["2021-10-13", "date_label"] == "13/10/2021"
    assert r.at["2021-10-11", "label"] == "Financement moyen par projet"
    assert r.at["2021-10-11", "phase"] == "France Relance (2020-2022)"
    assert set(rows["decimals"]) == {0}  # the miniature file's values are whole numbers
    assert PF.period("2023-11") == (date(2023, 11, 1), "novembre 2023")
    assert sorted(sources["name"]) == [
        "published_figures",
        "published_figures:definitions",
        "published_figures:libelles",
    ]
    assert sources["label"].notna().all()


@pytest.mark.integration
def test_real_mirror_goals_cited_every_figure_labelled_every_source_named(real_db):
    with Database(real_db) as d:
        cites = d.df("SELECT rank, date_label, source_name, source_url FROM goal_source")
        figures = d.df("SELECT * FROM published_figure")
        source = d.df("SELECT name, label, licence, vintage, note FROM source")
    # the potential as published by La Gazette des communes, then La Tribune (June 2023)
    assert cites["date_label"].tolist() == ["21/02/2023", "juin 2023"]
    assert cites["source_url"].iloc[0].startswith("https://www.lagazettedescommunes.com/853847/")
    assert "(La Gazette des communes)" in cites["source_name"].iloc[0]
    assert len(figures) == 57 and figures[["label", "definition", "phase"]].notna().all().all()
    assert figures["definition"].nunique() == 43
    # "La Gazette des communes (same)" takes the full title published for the same address
    assert not figures["source_name"].str.contains(r"\(same\)").any()
    assert figures.loc[figures["value"] == 1.36, "decimals"].tolist() == [2]
    # every loaded file has a reader-facing French label; none shows a database key
    assert source["label"].notna().all()
    assert not source["label"].str.contains(r"[a-z]+:[a-z]|_", regex=True).any()
    geom = source.set_index("name").loc["commune_geometry"]
    assert "GPL-3.0" in geom["licence"] and "pas précisée" in geom["licence"]
    assert "37\u202f451 lignes gardées sur 37\u202f530" in geom["note"]
    cog = source.set_index("name").loc["cog:communes"]
    assert "34\u202f969 communes actuelles gardées sur 37\u202f590" in cog["note"]
    assert "année de recensement non indiquée" in cog["label"]
