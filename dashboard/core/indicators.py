"""The indicators a map layer offers, and their values by unit.

Indicators are *discovered*, never listed by hand:

1. every numeric column of the layer's table (``population``, ``area_km2``, ``n_communes`` ...),
   except the quality-control columns of :data:`HIDDEN_COLUMNS`; known columns get a French
   label from :data:`COLUMN_LABELS`;
2. ``density`` (population / area) when the table has both columns;
3. every (indicator, year) of the long table ``indicator(layer, key, indicator, label, unit,
   year, value, source, is_demo)`` that the build steps write (``etl/indicators.py``):
   one choice per year, the latest under the plain name, earlier years as ``<name>_<year>``.
   ``is_demo`` rows are labelled "données fictives" on screen and in exports; a unit without a
   row has no data (never 0).

Adding an indicator is therefore a build step's job: write rows into ``indicator`` and the map,
the side panel and the exports pick them up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.gateway import Gateway, QueryError
from dashboard.core.layers import Layer, frame, get_layer

HIDDEN_COLUMNS = {"anct_overlap"}  # quality control of the build, not an indicator
COLUMN_LABELS = {
    "population": ("Population municipale", "hab."),
    "area_km2": ("Superficie", "km²"),
    "n_communes": ("Nombre de communes", ""),
    "n_members": ("Nombre de membres (EPCI et communes)", ""),
    "density": ("Densité de population", "hab./km²"),
}
COLUMN_ORDER = ("population", "density", "area_km2", "n_communes", "n_members")
DECIMALS = {"area_km2": 0, "density": 1}
RATIO_MARKS = ("%", "/")  # a unit holding one of them is a share or a ratio, not a count
MEASURE_UNITS = ("km²",)  # measures that are not counts
NUMERIC_TYPES = (
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "DOUBLE",
    "FLOAT",
    "REAL",
)


@dataclass(frozen=True)
class Indicator:
    """An indicator offered on a layer."""

    id: str
    label: str
    unit: str = ""
    source: str = ""
    vintage: str = ""
    generated: bool = False  # demonstration data ("données fictives")
    decimals: int = 0
    column: str | None = None  # a column of the layer's table, else a row of ``indicator``
    long_name: str | None = None  # ``indicator.indicator``
    year: int | None = None  # ``indicator.year``

    @property
    def title(self) -> str:
        """The label with its unit, as legends and table headers show it."""
        return self.label + (f" ({self.unit})" if self.unit else "")

    @property
    def family(self) -> str:
        """The id shared by every year of the indicator (the long table's name, or the column)."""
        return self.long_name if self.long_name is not None else self.id

    @property
    def name(self) -> str:
        """The label without its year (one dropdown entry per indicator)."""
        return self.label.removesuffix(f" ({self.year})") if self.year is not None else self.label

    @property
    def is_count(self) -> bool:
        """A count or another stock (population, jobs, projects, euros): drawn as proportional
        circles. Decided from the unit: a share (%), a ratio (x/y) or an area is not a count."""
        u = self.unit.lower()
        return not any(m in u for m in RATIO_MARKS) and u not in MEASURE_UNITS

    @property
    def is_share(self) -> bool:
        """A percentage: its changes are differences in points, not relative changes."""
        return "%" in self.unit


@dataclass(frozen=True)
class Family:
    """One indicator with all its years (one dropdown entry; the year is chosen apart)."""

    id: str
    label: str
    unit: str
    years: tuple[int, ...]  # ascending; empty for an indicator without a year
    latest: Indicator

    @property
    def is_count(self) -> bool:
        return self.latest.is_count


def indicators(q: Gateway, layer_id: str) -> list[Indicator]:
    """The indicators available on a layer (see the module docstring)."""
    layer = get_layer(layer_id)

    def load():
        out: list[Indicator] = []
        cols = dict(q.columns(layer.table))
        for c, t in cols.items():
            if c in HIDDEN_COLUMNS or c == layer.key or not t.startswith(NUMERIC_TYPES):
                continue
            label, unit = COLUMN_LABELS.get(c, (c, ""))
            out.append(Indicator(c, label, unit, decimals=DECIMALS.get(c, 0), column=c))
        if "population" in cols and "area_km2" in cols:
            label, unit = COLUMN_LABELS["density"]
            out.append(Indicator("density", label, unit, decimals=1, column="density"))
        order = list(COLUMN_ORDER)
        out.sort(key=lambda i: order.index(i.id) if i.id in order else len(order))
        if q.has("indicator"):
            out += _long_indicators(q, layer)
        return out

    return q.memo(("indicators", layer.id), load)


def value_decimals(fractional: bool, past_1: bool, past_2: bool) -> int:
    """Decimals to show an indicator's values with: as many as its values have (values published
    to 0.01 million stay to 0.01: Corse's 0.01 million jobs is never "0,0"), 1 for values of any
    precision (shares, ratios)."""
    if not fractional:
        return 0
    if not past_1:
        return 1
    return 2 if not past_2 else 1


def _long_indicators(q: Gateway, layer: Layer) -> list[Indicator]:
    """One choice per (indicator, year) of the ``indicator`` table, latest year first under the
    indicator's own name, earlier years as ``<name>_<year>``."""
    df = q.df(
        "SELECT indicator, year, any_value(label) AS label, any_value(unit) AS unit, "
        "any_value(source) AS source, bool_or(is_demo) AS demo, "
        "bool_or(value <> round(value)) AS fractional, "
        "bool_or(value <> round(value, 1)) AS past_1, bool_or(value <> round(value, 2)) AS past_2 "
        "FROM indicator WHERE layer = ? "
        "GROUP BY indicator, year ORDER BY indicator, year DESC NULLS LAST",
        [layer.shape],
    )
    out, seen = [], set()
    for r in df.itertuples(index=False):
        year = None if pd.isna(r.year) else int(r.year)
        # the latest year keeps the plain name (what other pages link to); older years and a
        # yearless value beside dated ones get a suffix
        if r.indicator not in seen:
            ind_id = r.indicator
        else:
            ind_id = f"{r.indicator}_{year}" if year is not None else f"{r.indicator}_sans_annee"
        seen.add(r.indicator)
        label = str(r.label).strip() + ("" if year is None else f" ({year})")
        out.append(
            Indicator(
                ind_id,
                label,
                str(r.unit or ""),
                str(r.source or ""),
                "" if year is None else str(year),
                bool(r.demo),
                value_decimals(r.fractional, r.past_1, r.past_2),
                None,
                str(r.indicator),
                year,
            )
        )
    return out


def get_indicator(q: Gateway, layer_id: str, indicator_id: str | None) -> Indicator:
    """The indicator ``indicator_id`` of a layer; raises :class:`QueryError` listing the choices.

    A long-table name without its year means its latest year (links from other pages)."""
    inds = indicators(q, layer_id)
    for ind in inds:
        if ind.id == indicator_id:
            return ind
    for ind in inds:
        if ind.long_name is not None and ind.long_name == indicator_id:
            return ind
    raise QueryError(
        f"unknown indicator {indicator_id!r} for layer {layer_id!r}; expected one "
        f"of {', '.join(i.id for i in inds)}"
    )


def values(q: Gateway, layer_id: str, indicator_id: str) -> pd.Series:
    """Indicator values by key for every unit of the layer (NaN = no data)."""
    ind = get_indicator(q, layer_id, indicator_id)
    layer = get_layer(layer_id)

    def load():
        keys = frame(q, layer_id).index
        if ind.column is not None:
            s = frame(q, layer_id)[ind.column].astype(float)
        else:
            df = q.df(
                "SELECT key, value FROM indicator WHERE layer = ? AND indicator = ? "
                "AND year IS NOT DISTINCT FROM ?",
                [layer.shape, ind.long_name, ind.year],
            )
            s = pd.Series(df["value"].astype(float).to_numpy(), index=df["key"].astype(str))
            s = s[~s.index.duplicated()].reindex(keys)
        return s.rename(ind.id)

    return q.memo(("values", layer_id, ind.id), load)


def families(q: Gateway, layer_id: str) -> list[Family]:
    """The indicators of a layer, one per indicator with its years (the dropdown's entries)."""

    def load():
        by: dict[str, list[Indicator]] = {}
        for ind in indicators(q, layer_id):
            by.setdefault(ind.family, []).append(ind)
        out = []
        for fid, inds in by.items():
            years = tuple(sorted({i.year for i in inds if i.year is not None}))
            latest = next((i for i in inds if i.id == fid), inds[0])
            out.append(Family(fid, latest.name, latest.unit, years, latest))
        return out

    return q.memo(("families", layer_id), load)


def family_of(q: Gateway, layer_id: str, ind_id) -> Family | None:
    """The family of an indicator id (a family id, or an older ``<name>_<year>`` id)."""
    if not isinstance(ind_id, str) or len(ind_id) > 64:
        return None
    fams = {f.id: f for f in families(q, layer_id)}
    if ind_id in fams:
        return fams[ind_id]
    for ind in indicators(q, layer_id):
        if ind.id == ind_id:
            return fams.get(ind.family)
    return None


def of_year(q: Gateway, layer_id: str, family: Family, year) -> Indicator:
    """The indicator of ``family`` for ``year`` (its latest year when ``year`` is not one of its
    years; ``year`` is untrusted)."""
    try:
        y = int(year)
    except (TypeError, ValueError, OverflowError):
        return family.latest
    for ind in indicators(q, layer_id):
        if ind.family == family.id and ind.year == y:
            return ind
    return family.latest


def latest_indicators(q: Gateway, layer_id: str) -> list[Indicator]:
    """The latest year of every indicator of a layer."""
    return [f.latest for f in families(q, layer_id)]


def values_of_unit(q: Gateway, layer_id: str, key: str) -> list[tuple[Indicator, float | None]]:
    """The latest year of every indicator of one unit (for the side panel)."""
    out = []
    for ind in latest_indicators(q, layer_id):
        v = values(q, layer_id, ind.id).get(key)
        out.append((ind, None if v is None or pd.isna(v) else float(v)))
    return out


def choice_label(ind: Indicator) -> str:
    """The label of an indicator in a dropdown (demonstration data said so)."""
    return ind.label + (" — données fictives" if ind.generated else "")
