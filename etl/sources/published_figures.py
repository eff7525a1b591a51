"""Published figures on the programme and its funds (``published-figures/programme_milestones.csv``).

Each row is one dated figure as published: ``date, scope, metric, value, unit, source_title,
source_url, quote``. Definitions differ (projects identified, laureates, actions referenced,
jobs expected, jobs created...): the metric is kept as published and figures of different
metrics are never added together.

Dates are published at several precisions (``2021-10-13``, ``2023-06``, ``2023-06/07``,
``2019 (undated)``). ``date_text`` keeps the published form; ``date`` is the **end** of the
period it names (the figure is known as of that day) and ``date_precision`` says which
('day', 'month', 'year').

:data:`GOAL_SERIES` is the project's own curated choice of the published figures that measure
progress toward each goal (15,000 projects, 450,000 jobs). It is code (a reviewed constant),
each choice with its reason; the loader checks that every chosen figure exists in the file.

Tables: ``published_figure`` (every row) and ``goal_series`` (the chosen points).
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from etl.errors import SourceError
from etl.readers import SourceFile, read_text, require_columns

NAME = "published_figures"
FILE = "published-figures/programme_milestones.csv"
LICENCE = "facts quoted from the cited pages (each row names its source)"
VINTAGE = "figures published 2018-2025"
COLUMNS = ("date", "scope", "metric", "value", "unit", "source_title", "source_url", "quote")

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:/(\d{2}))?$")
_YEAR = re.compile(r"^(\d{4})(?:\s*\(undated\))?$")


@dataclass(frozen=True)
class GoalPoint:
    """One published figure chosen as a point of a goal's observed series."""

    goal: str  # 'projects' or 'jobs'
    date_text: str
    scope: str
    metric: str
    note: str


_PHASE2_ACTIONS = (
    "Phase 2 actions as counted by the programme (actions, not projects); the two "
    "figures are the programme's own count at the start of phase 2 and 18 months later."
)
_PHASE1_JOBS = (
    "Jobs created, cumulative, as published for phase 1 and France Relance; the only jobs "
    "metric published at two dates. No phase-2 jobs figure is published."
)
GOAL_SERIES: tuple[GoalPoint, ...] = (
    GoalPoint("projects", "2023-11", "TI phase 2 start", "actions initiated", _PHASE2_ACTIONS),
    GoalPoint(
        "projects",
        "2025-05-27",
        "TI phase 2 (AG Territoires d'industrie)",
        "actions referenced",
        _PHASE2_ACTIONS,
    ),
    GoalPoint("jobs", "2021-10-13", "TI / France Relance", "jobs created", _PHASE1_JOBS),
    GoalPoint("jobs", "2023-11", "TI phase 1 (4 years)", "jobs created", _PHASE1_JOBS),
)


def parse_date(text: str) -> tuple[date, str]:
    """The end of the period named by a published date, and its precision.

    >>> parse_date("2023-06/07")
    (datetime.date(2023, 7, 31), 'month')
    """
    t = text.strip()
    if m := _DAY.match(t):
        return date(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := _MONTH.match(t):
        y, mo = int(m[1]), int(m[3] or m[2])
        if not 1 <= mo <= 12 or (m[3] and int(m[3]) < int(m[2])):
            raise ValueError(f"month out of range in {text!r}")
        return date(y, mo, calendar.monthrange(y, mo)[1]), "month"
    if m := _YEAR.match(t):
        return date(int(m[1]), 12, 31), "year"
    raise ValueError(
        f"unrecognised date {text!r}: expected YYYY-MM-DD, YYYY-MM, YYYY-MM/MM or YYYY"
    )


def read(path: Path) -> pd.DataFrame:
    """Read and check the file; every error names the row (1-based, header excluded) and column."""
    text = read_text(path)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise SourceError(path, f"empty file: expected a header with {list(COLUMNS)}")
    header = [h.strip() for h in rows[0]]
    require_columns(path, header, COLUMNS)
    idx = {c: header.index(c) for c in COLUMNS}
    out = []
    for i, r in enumerate(rows[1:], start=1):
        if not any(x.strip() for x in r):
            continue
        if len(r) != len(header):
            raise SourceError(path, f"expected {len(header)} fields, got {len(r)}", row=i)
        rec = {c: r[idx[c]].strip() for c in COLUMNS}
        for c in ("date", "scope", "metric", "value", "unit", "source_title", "source_url"):
            if not rec[c]:
                raise SourceError(path, "empty value", row=i, column=c)
        try:
            d, prec = parse_date(rec["date"])
        except ValueError as e:
            raise SourceError(path, str(e), row=i, column="date") from None
        try:
            value = float(rec["value"])
        except ValueError:
            raise SourceError(
                path,
                f"value {rec['value']!r} is not a number (expected e.g. 1800 or 1.36)",
                row=i,
                column="value",
            ) from None
        if not rec["source_url"].startswith(("https://", "http://")):
            raise SourceError(
                path,
                f"source_url {rec['source_url']!r} is not an http(s) address",
                row=i,
                column="source_url",
            )
        out.append(
            {
                "date_text": rec["date"],
                "date": d,
                "date_precision": prec,
                "scope": rec["scope"],
                "metric": rec["metric"],
                "value": value,
                "unit": rec["unit"],
                "source_title": rec["source_title"],
                "source_url": rec["source_url"],
                "quote": rec["quote"],
            }
        )
    df = pd.DataFrame(
        out,
        columns=[
            "date_text",
            "date",
            "date_precision",
            "scope",
            "metric",
            "value",
            "unit",
            "source_title",
            "source_url",
            "quote",
        ],
    )
    if df.empty:
        raise SourceError(path, "no figure in the file")
    dup = df[df.duplicated(["date_text", "scope", "metric"], keep=False)]
    if len(dup):
        r = dup.iloc[0]
        rows_ = [
            int(j) + 1
            for j in dup.index[
                (dup.date_text == r.date_text) & (dup.scope == r.scope) & (dup.metric == r.metric)
            ]
        ]
        raise SourceError(
            path,
            f"duplicate figure for date {r.date_text!r}, scope {r.scope!r}, metric "
            f"{r.metric!r} (rows {rows_}); each dated figure must appear once",
            row=rows_[-1],
            column="metric",
        )
    df["date"] = pd.to_datetime(df["date"]).dt.date
    return df.sort_values(["date", "scope", "metric"], kind="stable").reset_index(drop=True)


def goal_series(path: Path, figures: pd.DataFrame) -> pd.DataFrame:
    """The curated points of each goal, joined to the figures; a missing figure is an error."""
    rows = []
    for p in GOAL_SERIES:
        hit = figures[
            (figures.date_text == p.date_text)
            & (figures.scope == p.scope)
            & (figures.metric == p.metric)
        ]
        if len(hit) != 1:
            raise SourceError(
                path,
                f"the curated goal series ({p.goal}) expects the figure dated "
                f"{p.date_text!r}, scope {p.scope!r}, metric {p.metric!r}; the file "
                f"has {len(hit)}",
                row=p.date_text,
                column="metric",
            )
        h = hit.iloc[0]
        rows.append(
            {
                "goal": p.goal,
                "date": h.date,
                "date_text": h.date_text,
                "value": h.value,
                "metric": h.metric,
                "unit": h.unit,
                "scope": h.scope,
                "source_title": h.source_title,
                "source_url": h.source_url,
                "note": p.note,
            }
        )
    return pd.DataFrame(rows).sort_values(["goal", "date"], kind="stable").reset_index(drop=True)


def load(ctx) -> None:
    """Build step: tables ``published_figure`` and ``goal_series``."""
    path = ctx.paths.mirror / FILE
    figures = read(path)
    goals = goal_series(path, figures)
    ctx.db.write_table("published_figure", figures)
    ctx.db.write_table("goal_series", goals)
    by_metric = figures.groupby("metric").size()
    ctx.check(
        "published_figures",
        "published-figures",
        len(figures),
        f"{len(by_metric)} distinct metrics, kept apart; {int((figures.date_precision != 'day').sum())} "
        f"dated to the month or year only",
    )
    ctx.files.append(SourceFile("published_figures", path, LICENCE, VINTAGE, len(figures)))
