"""Published figures on the programme and its funds (``published-figures/programme_milestones.csv``).

Each row is one dated figure as published: ``date, scope, metric, value, unit, source_title,
source_url, quote``. Definitions differ (projects identified, laureates, actions referenced,
jobs expected, jobs created...): the metric is kept as published and figures of different
metrics are never added together.

Dates are published at several precisions (``2021-10-13``, ``2023-06``, ``2023-06/07``,
``2019 (undated)``). ``date_text`` keeps the published form; ``date`` is the **end** of the
period it names (the figure is known as of that day), ``date_start`` its first day,
``date_precision`` says which ('day', 'month', 'year') and ``date_label`` writes it in French
(21/11/2018, novembre 2023, juin-juillet 2023, 2019).

The source's wording stays in ``scope``, ``metric``, ``unit`` and ``quote``; the reader reads the
French the project maintains in two curated tables beside this module:

- ``published_figures_fr.csv``: for each (scope, metric) of the file, its ``definition`` (what
  is counted: figures of one definition form one series), a French ``libelle``, ``perimetre``
  (scope), ``phase`` and ``unite``. A figure without a row there stops the build (the page
  would show English).
- ``published_definitions_fr.csv``: each definition's family, French name and precision
  ("des actions, pas des projets").

The goals are the potential estimated by O. Lluansi and G. Basset: 15,000 industrial projects
and 450,000 jobs over 10 to 15 years from the 2023 relaunch (:data:`GOALS`). Their citation is
looked up in the file (:data:`GOAL_CITATIONS`): the rows that publish the potential, whose quote
must hold both numbers; a file without them loads with no citation (the page says so).

:data:`GOAL_SERIES` is the project's curated choice of the published figures *nearest* to each
goal, each with the reason (in French) why it does or does not measure it; the page compares a
figure with a goal only when their definitions (metric, scope, phase, unit) are the same.

Tables: ``published_figure`` (every row), ``published_definition``, ``goal``, ``goal_source``
(the citations of the goals) and ``goal_series``.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import SourceError
from etl.readers import SourceFile, read_text, require_columns

if TYPE_CHECKING:
    import pandas as pd

NAME = "published_figures"
FILE = "published-figures/programme_milestones.csv"
LABELS_FILE = Path(__file__).with_name("published_figures_fr.csv")
DEFINITIONS_FILE = Path(__file__).with_name("published_definitions_fr.csv")
LICENCE = (
    "chiffres cités depuis leurs pages sources (chaque ligne nomme sa source) ; "
    "pas de licence de données : des faits repris avec leur citation"
)
VINTAGE = "chiffres publiés de 2018 à 2025"
LABEL = "Chiffres publiés sur le programme et ses fonds (presse et publications officielles)"
CURATED_LICENCE = "tables rédigées par le projet (licence du projet)"
COLUMNS = ("date", "scope", "metric", "value", "unit", "source_title", "source_url", "quote")
LABEL_COLUMNS = ("scope", "metric", "definition", "libelle", "perimetre", "phase", "unite")
DEFINITION_COLUMNS = ("definition", "famille", "nom", "precision")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:/(\d{2}))?$")
_YEAR = re.compile(r"^(\d{4})(?:\s*\(undated\))?$")


@dataclass(frozen=True)
class Goal:
    """A goal of the programme: what it counts, in French, from the 2023 relaunch."""

    goal: str  # 'projects' or 'jobs'
    value: float
    metric: str
    unit: str
    label: str


# the potential: 15,000 projects and 450,000 jobs over 10 to 15 years from the relaunch (the
# labelling of the 183 territories of the second wave, 9 November 2023)
GOALS = (
    Goal("projects", 15_000, "projets industriels", "projets", "15 000 projets industriels"),
    Goal("jobs", 450_000, "emplois créés par ces projets", "emplois", "450 000 emplois"),
)
GOAL_SCOPE = "Territoires d'industrie, France entière"
GOAL_PHASE = "Phase 2 (2023-2027)"
GOAL_START = date(2023, 11, 9)
GOAL_HORIZONS = (10, 15)


@dataclass(frozen=True)
class Citation:
    """A published figure that states the potential; its quote must hold ``numbers``."""

    date_text: str
    scope: str
    metric: str
    numbers: tuple[str, ...]


GOAL_CITATIONS = (
    Citation(
        "2023-02-21",
        "Potential (Lluansi & Basset, La Fabrique de l'industrie)",
        "hidden industrial projects potential",
        ("15 000", "450 000"),
    ),
    Citation("2023-06", "TI since 2019", "projects emerged", ("15.000", "450.000")),
)


@dataclass(frozen=True)
class GoalPoint:
    """One published figure chosen as nearest to a goal, with the reason (French) why it can or
    cannot measure it."""

    goal: str  # 'projects' or 'jobs'
    date_text: str
    scope: str
    metric: str
    note: str


_PHASE2_ACTIONS = (
    "Des actions, pas des projets industriels, et deux comptages différents : actions initiées "
    "au début de la phase 2, actions référencées dix-huit mois plus tard."
)
_PHASE1_JOBS = (
    "Des emplois créés avant la relance de 2023 (phase 1 et France Relance), hors de l'horizon du "
    "potentiel ; aucun chiffre d'emplois de la phase 2 n'est publié."
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


def _records(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: stripped text}) of each non-blank row of a UTF-8 CSV whose header
    holds ``columns``; an error names the row whose number of fields is wrong."""
    rows = list(csv.reader(io.StringIO(read_text(path).lstrip("\ufeff"))))
    if not rows:
        raise SourceError(path, f"empty file: expected a header with {list(columns)}")
    header = [h.strip() for h in rows[0]]
    require_columns(path, header, columns)
    for i, r in enumerate(rows[1:], start=1):
        if not any(x.strip() for x in r):
            continue
        if len(r) != len(header):
            raise SourceError(path, f"expected {len(header)} fields, got {len(r)}", row=i)
        yield i, dict(zip(header, (x.strip() for x in r), strict=True))


def period(text: str) -> tuple[date, str]:
    """The first day of the period named by a published date, and the period in French.

    >>> period("2023-06/07")
    (datetime.date(2023, 6, 1), 'juin-juillet 2023')
    >>> period("2019 (undated)")
    (datetime.date(2019, 1, 1), '2019 (non daté)')
    """
    t = text.strip()
    end, _ = parse_date(t)  # checks the form
    if m := _DAY.match(t):
        return end, f"{end:%d/%m/%Y}"
    if m := _MONTH.match(t):
        y, first, last = int(m[1]), int(m[2]), int(m[3] or m[2])
        months = MONTHS[first - 1] + ("" if first == last else f"-{MONTHS[last - 1]}")
        return date(y, first, 1), f"{months} {y}"
    y = int(t[:4])
    return date(y, 1, 1), str(y) + (" (non daté)" if "undated" in t else "")


def read(path: Path) -> pd.DataFrame:
    """Read and check the file; every error names the row (1-based, header excluded) and column."""
    import pandas as pd

    out = []
    for i, rec in _records(path, COLUMNS):
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
        start, label = period(rec["date"])
        out.append(
            {
                "date_text": rec["date"],
                "date": d,
                "date_start": start,
                "date_label": label,
                "date_precision": prec,
                "scope": rec["scope"],
                "metric": rec["metric"],
                "value": value,
                # as many decimals as published ("1.36" billion: 2)
                "decimals": len(rec["value"].partition(".")[2]),
                "unit": rec["unit"],
                "source_title": rec["source_title"],
                "source_url": rec["source_url"],
                "quote": rec["quote"],
                "row": i,  # the row of the file, for errors found later (dropped before writing)
            }
        )
    df = pd.DataFrame(
        out,
        columns=[
            "date_text",
            "date",
            "date_start",
            "date_label",
            "date_precision",
            "scope",
            "metric",
            "value",
            "decimals",
            "unit",
            "source_title",
            "source_url",
            "quote",
            "row",
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
    df["date_start"] = pd.to_datetime(df["date_start"]).dt.date
    return df.sort_values(["date", "scope", "metric"], kind="stable").reset_index(drop=True)


def _read_curated(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """A curated table of the project (UTF-8 CSV, every cell filled)."""
    import pandas as pd

    out = []
    for i, rec in _records(path, columns):
        for c in columns:
            if not rec[c] and c != "precision":
                raise SourceError(path, "empty value", row=i, column=c)
        out.append({c: rec[c] for c in columns})
    return pd.DataFrame(out, columns=list(columns))


def _unique(path: Path, df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``df`` when ``keys`` identify its rows; else an error naming the second row."""
    dup = df[df.duplicated(keys)]
    if len(dup):
        r = dup.iloc[0]
        what = " and ".join(f"{k} {r[k]!r}" for k in keys)
        raise SourceError(
            path,
            f"{what} appear(s) twice; each appears once",
            row=int(dup.index[0]) + 1,
            column=keys[-1],
        )
    return df


def read_definitions(path: Path = DEFINITIONS_FILE) -> pd.DataFrame:
    """``published_definitions_fr.csv``: one row per definition (unique)."""
    return _unique(path, _read_curated(path, DEFINITION_COLUMNS), ["definition"])


def read_labels(path: Path = LABELS_FILE, definitions: pd.DataFrame | None = None) -> pd.DataFrame:
    """``published_figures_fr.csv``: one row per (scope, metric), its definition known."""
    df = _unique(path, _read_curated(path, LABEL_COLUMNS), ["scope", "metric"])
    if definitions is not None:
        bad = df[~df["definition"].isin(set(definitions["definition"]))]
        if len(bad):
            raise SourceError(
                path,
                f"unknown definition {bad.iloc[0]['definition']!r}: not in {DEFINITIONS_FILE.name}",
                row=int(bad.index[0]) + 1,
                column="definition",
            )
    return df


def _source_names(figures: pd.DataFrame) -> pd.Series:
    """The title of each figure's source as a reader knows it: a title the file abbreviates as
    "… (same)" takes the full title published for the same address."""
    same = figures["source_title"].str.contains(r"\(same\)\s*$", regex=True)
    full = figures[~same].drop_duplicates("source_url").set_index("source_url")["source_title"]
    named = figures["source_url"].map(full)
    return figures["source_title"].where(~same | named.isna(), named)


def labelled(path: Path, figures: pd.DataFrame, labels: pd.DataFrame,
             definitions: pd.DataFrame) -> pd.DataFrame:  # fmt: skip
    """The figures with their French label, definition, scope, phase and unit; a figure of the
    file without a curated label is an error naming its row."""
    import pandas as pd

    keys = labels.set_index(["scope", "metric"])
    idx = pd.MultiIndex.from_frame(figures[["scope", "metric"]])
    missing = ~idx.isin(keys.index)
    if missing.any():
        i = int(missing.nonzero()[0][0])
        r = figures.iloc[i]
        row = int(r["row"]) if "row" in figures else None
        raise SourceError(
            path,
            f"no French label for scope {r.scope!r}, metric {r.metric!r}: add a row to "
            f"{LABELS_FILE.name} (its definition, label, scope, phase and unit in French)",
            row=row,
            column="metric",
        )
    fr = keys.reindex(idx).reset_index(drop=True)
    defs = definitions.set_index("definition")
    out = figures.drop(columns=["row"], errors="ignore").reset_index(drop=True)
    out["definition"] = fr["definition"].to_numpy()
    out["family"] = out["definition"].map(defs["famille"])
    out["definition_name"] = out["definition"].map(defs["nom"])
    out["definition_note"] = out["definition"].map(defs["precision"]).replace("", None)
    out["label"] = fr["libelle"].to_numpy()
    out["scope_fr"] = fr["perimetre"].to_numpy()
    out["phase"] = fr["phase"].to_numpy()
    out["unit_fr"] = fr["unite"].to_numpy()
    out["source_name"] = _source_names(out).to_numpy()
    return out


def goals(path: Path, figures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``goal`` (the curated goals) and ``goal_source`` (the rows of the file that publish them,
    each checked to quote both numbers; none when the file does not hold them)."""
    import pandas as pd

    g = pd.DataFrame(
        [
            {
                "goal": x.goal,
                "value": float(x.value),
                "metric": x.metric,
                "unit": x.unit,
                "scope": GOAL_SCOPE,
                "phase": GOAL_PHASE,
                "label": x.label,
                "start": GOAL_START,
                "horizon_min": min(GOAL_HORIZONS),
                "horizon_max": max(GOAL_HORIZONS),
            }
            for x in GOALS
        ]
    )
    rows = []
    for rank, c in enumerate(GOAL_CITATIONS, start=1):
        hit = figures[
            (figures.date_text == c.date_text)
            & (figures.scope == c.scope)
            & (figures.metric == c.metric)
        ]
        if hit.empty:
            continue
        h = hit.iloc[0]
        absent = [n for n in c.numbers if n not in str(h.quote)]
        if absent:
            raise SourceError(
                path,
                f"the figure cited for the goals (date {c.date_text!r}, metric {c.metric!r}) "
                f"must quote {list(c.numbers)}; its quote lacks {absent}",
                row=c.date_text,
                column="quote",
            )
        rows.append(
            {
                "rank": rank,
                "date": h.date,
                "date_label": h.date_label,
                "source_name": h.source_name,
                "source_url": h.source_url,
                "quote": h.quote,
            }
        )
    src = pd.DataFrame(
        rows, columns=["rank", "date", "date_label", "source_name", "source_url", "quote"]
    )
    return g, src


def _goal_point(path: Path, figures: pd.DataFrame, p: GoalPoint) -> pd.Series:
    """The figure of a curated goal point; an error when the file does not hold it once."""
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
    return hit.iloc[0]


def goal_series(path: Path, figures: pd.DataFrame) -> pd.DataFrame:
    """The curated figures nearest to each goal, joined to the figures; a missing figure is an
    error. ``note`` says (in French) why each can or cannot measure the goal."""
    import pandas as pd

    rows = []
    for p in GOAL_SERIES:
        h = _goal_point(path, figures, p)
        rows.append(
            {
                "goal": p.goal,
                "date": h.date,
                "date_start": h.date_start,
                "date_text": h.date_text,
                "date_label": h.date_label,
                "value": h.value,
                "metric": h.metric,
                "unit": h.unit,
                "scope": h.scope,
                "definition": h.definition,
                "definition_name": h.definition_name,
                "label": h.label,
                "scope_fr": h.scope_fr,
                "phase": h.phase,
                "unit_fr": h.unit_fr,
                "source_title": h.source_title,
                "source_name": h.source_name,
                "source_url": h.source_url,
                "note": p.note,
            }
        )
    return pd.DataFrame(rows).sort_values(["goal", "date"], kind="stable").reset_index(drop=True)


def load(ctx) -> None:
    """Build step: tables ``published_figure``, ``published_definition``, ``goal``,
    ``goal_source`` and ``goal_series``."""
    path = ctx.paths.mirror / FILE
    definitions = read_definitions(DEFINITIONS_FILE)
    labels = read_labels(LABELS_FILE, definitions)
    raw = read(path)
    for p in GOAL_SERIES:  # the curated points first: their error names what the page needs
        _goal_point(path, raw, p)
    figures = labelled(path, raw, labels, definitions)
    goal, goal_source = goals(path, figures)
    nearest = goal_series(path, figures)
    ctx.db.write_table("published_figure", figures)
    ctx.db.write_table("published_definition", definitions)
    ctx.db.write_table("goal", goal)
    ctx.db.write_table("goal_source", goal_source)
    ctx.db.write_table("goal_series", nearest)
    by_metric = figures.groupby("metric").size()
    ctx.check(
        "published_figures",
        "published-figures",
        len(figures),
        f"{len(by_metric)} distinct metrics in {figures.definition.nunique()} definitions, kept "
        f"apart; {int((figures.date_precision != 'day').sum())} dated to the month or year only; "
        f"{len(goal_source)} rows cite the goals",
    )
    ctx.files += [
        SourceFile(
            "published_figures",
            path,
            LICENCE,
            VINTAGE,
            len(figures),
            LABEL,
            "chaque chiffre garde sa définition, son périmètre, sa phase et sa date ; "
            "la formulation de la source est citée telle quelle",
        ),
        SourceFile(
            "published_figures:libelles",
            LABELS_FILE,
            CURATED_LICENCE,
            "tenue par le projet",
            len(labels),
            "Libellés français des chiffres publiés (table du projet)",
        ),
        SourceFile(
            "published_figures:definitions",
            DEFINITIONS_FILE,
            CURATED_LICENCE,
            "tenue par le projet",
            len(definitions),
            "Définitions des chiffres publiés (table du projet)",
        ),
    ]
