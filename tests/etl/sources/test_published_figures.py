"""etl.sources.published_figures on the miniature mirror: figures kept as published, the curated
goal series; bad rows stop the build with file, row and column."""

from __future__ import annotations

from datetime import date

import pytest

FILE = "published-figures/programme_milestones.csv"


def test_published_figures_kept_as_published(db):
    assert db.scalar("SELECT count(*) FROM published_figure") == 10
    r = db.df(
        "SELECT date_text, date, date_precision, value FROM published_figure WHERE metric = ?",
        ["money oriented / projects since 2018"],
    ).iloc[0]
    assert (r.date_text, r.date.date(), r.date_precision, r.value) == (
        "2023-06/07",
        date(2023, 7, 31),
        "month",
        2400,
    )
    r = db.df(
        "SELECT date, date_precision FROM published_figure WHERE metric = 'projects identified'"
    ).iloc[0]
    assert (r.date.date(), r.date_precision) == (date(2019, 12, 31), "year")
    # unlike metrics are never added: one row per figure, no total row
    assert db.scalar("SELECT count(DISTINCT metric) FROM published_figure") == 9


def test_goal_series_are_the_curated_points(db):
    g = db.df("SELECT goal, date, value, metric FROM goal_series ORDER BY goal, date")
    assert g[g.goal == "projects"][["value", "metric"]].values.tolist() == [
        [20.0, "actions initiated"],
        [50.0, "actions referenced"],
    ]
    assert g[g.goal == "jobs"]["value"].tolist() == [1000.0, 3000.0]
    assert g[g.goal == "jobs"]["date"].dt.date.tolist() == [date(2021, 10, 13), date(2023, 11, 30)]


# (file, old text, new text, expected row, expected column, message part)
CASES = {
    "figures bad number": (
        FILE,
        ",jobs created,1000,",
        ",jobs created,mille,",
        3,
        "value",
        "not a number",
    ),
    "figures bad date": (FILE, "2021-10-13,", "13/10/2021,", 3, "date", "unrecognised date"),
    "figures duplicate": (
        FILE,
        "2019 (undated),TI phase 1,projects identified",
        "2021-10-13,TI / France Relance,jobs created",
        3,
        "metric",
        "duplicate figure",
    ),
    "figures curated point missing": (
        FILE,
        ",actions referenced,",
        ",actions listed,",
        "2025-05-27",
        "metric",
        "curated goal series",
    ),
    "figures missing column": (
        FILE,
        ",source_url,",
        ",url,",
        None,
        "source_url",
        "missing column",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row(last_good, progress_steps, case):
    last_good.fails_after_edit(*CASES[case], steps=progress_steps)


def test_missing_file(last_good, progress_steps):
    last_good.fails_without(FILE, steps=progress_steps)


def test_bad_encoding(last_good, progress_steps):
    last_good.fails_in_latin1(FILE, steps=progress_steps)
