"""Progress and pace toward the programme's goals: pure arithmetic, no Dash, no database.

The rule of the page is structural here: a figure is a :class:`Figure` of one
:class:`Definition` (what is counted, where, in which phase, in which unit), and every function
that compares figures (:func:`share`, :func:`observed_pace`, :func:`progress`) first checks
that their definitions are the same, raising :class:`DefinitionMismatch` otherwise. A share of
a goal or a pace is therefore never computed from figures of different metrics or scopes.

Dates carry their precision: a figure published for "novembre 2023" is known somewhere between
the 1st and the 30th (:attr:`Figure.earliest`, :attr:`Figure.latest`). A pace from two figures
is a range (the slowest and fastest slopes the dating allows) and the year a goal would be
reached at that pace is a :class:`YearRange`, never a day.

The goals run from the 2023 relaunch (:data:`RELAUNCH`, the labelling of the 183 territories of
the second wave on 9 November 2023) over 10 or 15 years (:data:`HORIZONS`); the linear paths
start from the stock at the relaunch (what the series counted that day), so that a chart of the
series and its paths tells the same as the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date

HORIZONS = (10, 15)
RELAUNCH = date(2023, 11, 9)
DAYS_PER_YEAR = 365.25


class DefinitionMismatch(ValueError):
    """Figures of different definitions were about to be compared (a share, a pace)."""


@dataclass(frozen=True)
class Definition:
    """What a figure counts: ``metric`` (e.g. "actions référencées"), ``scope`` (where, by whom),
    ``phase`` of the programme and ``unit``. Two figures are comparable only when all four are
    the same."""

    metric: str
    scope: str
    phase: str
    unit: str


def same_definition(*definitions: Definition) -> Definition:
    """The common definition of figures, or :class:`DefinitionMismatch` naming what differs."""
    if not definitions:
        raise ValueError("no definition given")
    first = definitions[0]
    for other in definitions[1:]:
        diff = [
            f"{f.name} {getattr(first, f.name)!r} ≠ {getattr(other, f.name)!r}"
            for f in fields(Definition)
            if getattr(first, f.name) != getattr(other, f.name)
        ]
        if diff:
            raise DefinitionMismatch(
                "figures of different definitions cannot be compared: " + "; ".join(diff)
            )
    return first


@dataclass(frozen=True)
class Figure:
    """One published or counted value of a definition, known between ``earliest`` and
    ``latest`` (the same day for a figure dated to the day)."""

    definition: Definition
    value: float
    earliest: date
    latest: date

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise ValueError(f"latest {self.latest} is before earliest {self.earliest}")

    @classmethod
    def on(cls, definition: Definition, value: float, day: date) -> Figure:
        """A figure dated to the day."""
        return cls(definition, float(value), day, day)


@dataclass(frozen=True)
class Goal:
    """A goal: ``value`` units of ``definition`` from ``start`` within ``horizons`` years."""

    definition: Definition
    value: float
    start: date = RELAUNCH
    horizons: tuple[int, ...] = HORIZONS


@dataclass(frozen=True)
class Pace:
    """Units per year of one definition, between ``low`` and ``high`` (the dating's spread)."""

    definition: Definition
    low: float
    high: float

    @property
    def central(self) -> float:
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class YearRange:
    """A year or a range of years (``first == last`` for one year)."""

    first: int
    last: int

    def text(self) -> str:
        """``en 2041`` or ``entre 2039 et 2041`` (French)."""
        if self.first == self.last:
            return f"en {self.first}"
        return f"entre {self.first} et {self.last}"


def add_years(d: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February -> 28 February in a common year)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def years_between(a: date, b: date) -> float:
    """Years (of 365.25 days) from ``a`` to ``b``."""
    return (b - a).days / DAYS_PER_YEAR


def path_value(goal: float, start: date, years: int, on: date, stock: float = 0.0) -> float:
    """Value on day ``on`` of the linear path from ``stock`` at ``start`` to ``stock + goal`` at
    ``start + years`` (``stock`` before ``start``, ``stock + goal`` after the end)."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    end = add_years(start, years)
    frac = (on - start).days / (end - start).days
    return stock + goal * min(max(frac, 0.0), 1.0)


def linear_path(
    goal: float, start: date, years: int, step_years: int = 1, stock: float = 0.0
) -> list[tuple[date, float]]:
    """Points of the linear path every ``step_years`` (anniversaries of ``start``), end included."""
    return [
        (add_years(start, k), path_value(goal, start, years, add_years(start, k), stock))
        for k in range(0, years + 1, step_years)
    ]


def required_pace(goal: float, years: int, already: float = 0.0) -> float:
    """Units per year needed to reach ``goal`` in ``years`` from ``already``."""
    if years <= 0:
        raise ValueError(f"years must be positive, got {years}")
    return (goal - already) / years


def share(figure: Figure, goal: Goal, stock: Figure | None = None) -> float:
    """The share of ``goal`` that ``figure`` reached since the start (minus ``stock``, the value
    of the same series at the start); :class:`DefinitionMismatch` for another definition."""
    defs = [figure.definition, goal.definition] + ([stock.definition] if stock else [])
    same_definition(*defs)
    return (figure.value - (stock.value if stock else 0.0)) / goal.value


def observed_pace(first: Figure, last: Figure) -> Pace | None:
    """Units per year between two figures of one definition, as a range: the slowest slope
    (first as early, last as late as their dating allows) to the fastest. None when the two
    periods overlap (no time is known to have passed); :class:`DefinitionMismatch` when the
    definitions differ."""
    d = same_definition(first.definition, last.definition)
    if last.latest < first.earliest:
        first, last = last, first
    shortest = years_between(first.latest, last.earliest)
    if shortest <= 0:
        return None
    change = last.value - first.value
    a, b = change / years_between(first.earliest, last.latest), change / shortest
    return Pace(d, min(a, b), max(a, b))


def reach_years(goal: Goal, stock: Figure, last: Figure, pace: Pace | None) -> YearRange | None:
    """The year, or range of years, the goal is reached going on at ``pace`` from ``last``
    (``stock + goal`` to reach); the year of ``last`` when already reached; None when the pace
    is unknown, zero or negative. Every figure must be of the goal's definition."""
    same_definition(
        goal.definition,
        stock.definition,
        last.definition,
        *([pace.definition] if pace else []),
    )
    left = stock.value + goal.value - last.value
    if left <= 0:
        return YearRange(last.earliest.year, last.latest.year)
    if pace is None or pace.low <= 0:
        return None

    def year(day: date, per_year: float) -> int:
        return date.fromordinal(day.toordinal() + round(left / per_year * DAYS_PER_YEAR)).year

    return YearRange(year(last.earliest, pace.high), year(last.latest, pace.low))


@dataclass(frozen=True)
class Progress:
    """Everything the page says about one goal measured by one series."""

    goal: Goal
    stock: Figure  # the series at the start
    last: Figure  # its latest figure
    achieved: float  # since the start
    share: float  # of the goal
    pace: Pace | None
    reach: YearRange | None
    required: dict[int, float] = field(default_factory=dict)  # horizon -> units per year
    deadline: dict[int, int] = field(default_factory=dict)  # horizon -> year the goal is due
    expected: dict[int, float] = field(default_factory=dict)  # horizon -> path at ``last``
    on_track: dict[int, bool | None] = field(default_factory=dict)


def progress(goal: Goal, stock: Figure, last: Figure) -> Progress:
    """The progress of ``goal`` from ``stock`` (the series at the start) to ``last``: achieved,
    share, pace and reach years, what each horizon requires. The three must share one
    definition (:class:`DefinitionMismatch` otherwise)."""
    same_definition(goal.definition, stock.definition, last.definition)
    pace = observed_pace(stock, last)
    reach = reach_years(goal, stock, last, pace)
    achieved = last.value - stock.value
    deadline = {h: add_years(goal.start, h).year for h in goal.horizons}
    return Progress(
        goal=goal,
        stock=stock,
        last=last,
        achieved=achieved,
        share=share(last, goal, stock),
        pace=pace,
        reach=reach,
        required={h: required_pace(goal.value, h) for h in goal.horizons},
        deadline=deadline,
        expected={
            h: path_value(goal.value, goal.start, h, last.latest, stock.value)
            for h in goal.horizons
        },
        on_track={h: None if reach is None else reach.last <= deadline[h] for h in goal.horizons},
    )


def stock_at(points: Sequence[Figure], day: date) -> Figure | None:
    """The figure of a cumulative series on ``day``: the last figure known by then (None when
    the series starts after ``day``). All figures must share one definition."""
    if not points:
        return None
    d = same_definition(*(p.definition for p in points))
    before = [p for p in points if p.latest <= day]
    if not before:
        return None
    last = max(before, key=lambda p: p.latest)
    return Figure(d, last.value, day, day)
