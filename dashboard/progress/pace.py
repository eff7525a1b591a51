"""Pace toward the programme's goals: pure date arithmetic, no Dash, no database.

The stated potential is 15,000 industrial projects and 450,000 jobs over 10 to 15 years from
the 2023 relaunch (:data:`RELAUNCH`, the labelling of the 183 territories of the second wave on
9 November 2023). This module computes:

- the **linear path** to a goal over a horizon: ``goal * elapsed / (end - start)``, where
  ``end`` is the same calendar day ``years`` later (so the path reaches the goal exactly then);
- the **required pace** per year over that horizon;
- the **observed pace** of a published series (one metric, never mixed): the slope between its
  first and last dated points, per year of 365.25 days;
- the **reach date** at that pace: the last point's date plus ``(goal - last value) / pace``.

Everything takes ``datetime.date`` values and floats; results are plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

GOALS = {"projects": 15_000, "jobs": 450_000}
HORIZONS = (10, 15)
RELAUNCH = date(2023, 11, 9)
DAYS_PER_YEAR = 365.25


def add_years(d: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February -> 28 February in a common year)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def path_value(goal: float, start: date, years: int, on: date) -> float:
    """Value of the linear path from 0 at ``start`` to ``goal`` at ``start + years`` on day ``on``
    (0 before ``start``, ``goal`` after the end)."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    end = add_years(start, years)
    frac = (on - start).days / (end - start).days
    return goal * min(max(frac, 0.0), 1.0)


def linear_path(
    goal: float, start: date, years: int, step_years: int = 1
) -> list[tuple[date, float]]:
    """Points of the linear path every ``step_years`` (anniversaries of ``start``), end included."""
    return [
        (add_years(start, k), path_value(goal, start, years, add_years(start, k)))
        for k in range(0, years + 1, step_years)
    ]


def required_pace(goal: float, years: int, already: float = 0.0) -> float:
    """Units per year needed to reach ``goal`` in ``years`` from ``already``."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    return (goal - already) / years


def observed_pace(points: Sequence[tuple[date, float]]) -> float | None:
    """Units per year between the first and last point (by date) of one series; None with fewer
    than two dated points or when they share a date."""
    pts = sorted(points)
    if len(pts) < 2:
        return None
    (d0, v0), (d1, v1) = pts[0], pts[-1]
    days = (d1 - d0).days
    if days <= 0:
        return None
    return (v1 - v0) / days * DAYS_PER_YEAR


def reach_date(goal: float, last: tuple[date, float], pace_per_year: float | None) -> date | None:
    """The date the goal is reached going on at ``pace_per_year`` from the ``last`` (date, value);
    the last date itself when already reached; None when the pace is unknown, zero or negative."""
    d, v = last
    if v >= goal:
        return d
    if pace_per_year is None or pace_per_year <= 0:
        return None
    return d + timedelta(days=round((goal - v) / pace_per_year * DAYS_PER_YEAR))


@dataclass(frozen=True)
class PaceSummary:
    goal_name: str
    goal: float
    start: date
    last_date: date | None
    last_value: float | None
    observed_per_year: float | None
    required_per_year: dict[int, float]  # horizon (years) -> units per year from 0 at start
    deadline: dict[int, date]  # horizon -> date the goal is due
    expected_at_last: dict[int, float]  # horizon -> value of the linear path at the last date
    reach: date | None  # at the observed pace
    on_track: dict[int, bool | None]  # horizon -> reach date no later than the deadline


def summarise(
    goal_name: str,
    points: Sequence[tuple[date, float]],
    *,
    start: date = RELAUNCH,
    horizons: Sequence[int] = HORIZONS,
    goal: float | None = None,
) -> PaceSummary:
    """Everything the progress page shows for one goal, from one published series."""
    g = float(GOALS[goal_name] if goal is None else goal)
    pts = sorted(points)
    last = pts[-1] if pts else None
    pace = observed_pace(pts)
    reach = reach_date(g, last, pace) if last else None
    deadline = {h: add_years(start, h) for h in horizons}
    return PaceSummary(
        goal_name=goal_name,
        goal=g,
        start=start,
        last_date=last[0] if last else None,
        last_value=last[1] if last else None,
        observed_per_year=pace,
        required_per_year={h: required_pace(g, h) for h in horizons},
        deadline=deadline,
        expected_at_last={h: path_value(g, start, h, last[0]) for h in horizons} if last else {},
        reach=reach,
        on_track={h: (None if reach is None else reach <= deadline[h]) for h in horizons},
    )
