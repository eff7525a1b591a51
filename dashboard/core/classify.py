"""Classification of indicator values into coloured classes, their legend and map style data.

Pure: every function takes plain values (arrays, Series, lists) and returns plain values, so it
can be tested with a handful of numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from dashboard.core import palettes as P
from dashboard.core.formats import _THIN, NO_DATA_LABEL, fmt_number, fmt_value
from dashboard.core.theme import NO_DATA_COLOR, OUTLINE_COLOR, PALETTE

METHODS = {
    "quantiles": "Quantiles",
    "jenks": "Seuils naturels (Jenks)",
    "egal": "Intervalles égaux",
}
DEFAULT_METHOD = "quantiles"
DEFAULT_K = 5
MIN_K, MAX_K = P.MIN_K, P.MAX_K
MANUAL = "manuel"
# the map explorer also lets a user type the breaks
MAP_METHODS = {**METHODS, MANUAL: "Seuils manuels"}
MAX_THRESHOLDS_TEXT = 200
# classes computed over the units on screen, or over every unit of France (one scale for two
# filters, two layers of the same kind, or two years)
SCOPES = {"vue": "de la vue affichée", "france": "de la France entière"}
DEFAULT_SCOPE = "vue"


@dataclass(frozen=True)
class Classes:
    """A classification: ``breaks`` (k+1 edges), a class index per value (-1 = no data)."""

    breaks: list[float]
    index: np.ndarray
    colors: list[str]

    @property
    def k(self) -> int:
        return max(0, len(self.breaks) - 1)


def palette(k: int) -> list[str]:
    """``k`` colours of the sequential palette, light to dark."""
    if k <= 0:
        return []
    if k == 1:
        return [PALETTE[3]]
    idx = np.linspace(0, len(PALETTE) - 1, k).round().astype(int)
    return [PALETTE[i] for i in idx]


def classify(
    values,
    method: str = DEFAULT_METHOD,
    k: int = DEFAULT_K,
    *,
    reference=None,
    thresholds: list[float] | None = None,
    palette_id: str | None = None,
    diverging: bool = False,
) -> Classes:
    """Class breaks by ``method`` (quantiles, jenks, egal, manuel) and each value's class.

    Classes are half-open ``[a, b)`` except the last, which holds its maximum; NaN values get
    class -1 ("pas de données"). Identical breaks (ties) are merged, so ``k`` is an upper bound.
    ``reference``: the values the breaks are computed over (all units of France, so that two
    views share one scale); ``values`` are then placed in those classes. ``thresholds``: the
    inner breaks typed by a user (method ``manuel``). ``palette_id``: a palette of
    :mod:`dashboard.core.palettes` (default: the house blues). ``diverging``: 0 becomes a break
    and classes below it take the colours of decreases.
    """
    if method not in MAP_METHODS:
        raise ValueError(f"unknown classification {method!r}; expected one of {', '.join(METHODS)}")
    if method == MANUAL and not thresholds:
        raise ValueError("classification 'manuel' needs thresholds (parse_thresholds)")
    v = _floats(values)
    ref = v if reference is None else _floats(reference)
    ok = ~np.isnan(v)
    index = np.full(len(v), -1, dtype=int)
    data = ref[~np.isnan(ref)]
    if data.size == 0 or not ok.any():
        return Classes([], index, [])
    breaks = edges(data, method, k, thresholds)
    if diverging and breaks[0] < 0 < breaks[-1] and 0.0 not in breaks:
        breaks = sorted([*breaks, 0.0])
    e = np.asarray(breaks)
    index[ok] = np.searchsorted(e[1:-1], v[ok], side="right") if len(e) > 2 else 0
    n = len(breaks) - 1
    if diverging:
        below = sum(1 for i in range(n) if breaks[i + 1] <= 0 and breaks[i] < 0)
        colors = P.diverging(palette_id or P.DEFAULT_DIVERGING, below, n - below)
    elif palette_id is not None:
        colors = P.sequential(palette_id, n)
    else:
        colors = palette(n)
    return Classes(breaks, index, colors)


def place(values, classes: Classes) -> Classes:
    """``values`` in the classes of another classification (its breaks and colours): the
    classes of France computed once, applied to each view."""
    v = _floats(values)
    index = np.full(len(v), -1, dtype=int)
    ok = ~np.isnan(v)
    if classes.k == 0 or not ok.any():
        return Classes(list(classes.breaks), index, list(classes.colors))
    e = np.asarray(classes.breaks)
    index[ok] = np.searchsorted(e[1:-1], v[ok], side="right") if len(e) > 2 else 0
    return Classes(list(classes.breaks), index, list(classes.colors))


def _floats(values) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def edges(data: np.ndarray, method: str, k: int, thresholds: list[float] | None = None):
    """The ``k + 1`` class edges of ``data`` (no NaN): its minimum, inner breaks, its maximum."""
    lo, hi = float(data.min()), float(data.max())
    if method == MANUAL:
        inner = list(thresholds or [])
        return [lo, *sorted({float(b) for b in inner if lo < b <= hi}), hi]
    k = max(1, min(int(k), np.unique(data).size))
    if lo == hi or k == 1:
        return [lo, hi]
    if method == "quantiles":
        # each edge is an observed value (the first at or above the quantile), so that a
        # value printed equal to an edge is in the class whose label starts with it
        srt = np.sort(data)
        qs = np.quantile(srt, np.linspace(0, 1, k + 1))[1:-1]
        inner = list(srt[np.minimum(np.searchsorted(srt, qs, side="left"), srt.size - 1)])
    elif method == "jenks":
        inner = jenks_starts(data, k)
    else:
        inner = list(mapclassify.EqualInterval(data, k=k).bins[:-1])
    # a class may hold the maximum alone ([hi ; hi]): an inner edge can equal hi
    return [lo, *sorted({float(b) for b in inner if lo < b <= hi}), hi]


def parse_thresholds(text) -> tuple[list[float] | None, str | None]:
    """Thresholds typed the French way (``"1 000 ; 2 500,5 ; 10 000"``) -> sorted distinct
    numbers, or None and a message in French saying what is wrong (untrusted input)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, None
    if not isinstance(text, str) or len(text) > MAX_THRESHOLDS_TEXT:
        return None, "Seuils ignorés : saisie trop longue."
    out = []
    for raw in re.split(r"[;_\n]", text):
        token = raw.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if not token:
            continue
        token = token.replace(",", ".").replace("\u2212", "-")
        if not re.fullmatch(r"-?\d+(\.\d+)?", token):
            return (
                None,
                f"Seuils ignorés : « {raw.strip()[:20]} » n'est pas un nombre (séparez les seuils par « ; »).",
            )
        out.append(float(token))
    values = sorted(set(out))
    if not values:
        return None, None
    if len(values) > MAX_K - 1:
        return (
            None,
            f"Seuils ignorés : {len(values)} seuils, au plus {MAX_K - 1} (soit {MAX_K} classes).",
        )
    return values, None


def format_thresholds(values) -> str:
    """Thresholds written back the way a French user types them (``1 000 ; 2 500,5``)."""
    return " ; ".join(fmt_number(v, _decimals(v)).replace(_THIN, " ") for v in values or [])


def thresholds_param(values) -> str | None:
    """Thresholds as a URL value (``1000_2500.5``), None when there are none."""
    if not values:
        return None
    return "_".join(f"{float(v):g}" if abs(float(v)) < 1e15 else str(int(v)) for v in values)


def _decimals(v: float) -> int:
    s = f"{float(v):.6f}".rstrip("0").rstrip(".")
    return len(s.split(".")[1]) if "." in s else 0


def jenks_starts(values: np.ndarray, k: int, max_n: int = 1500) -> list[float]:
    """Fisher-Jenks natural breaks: the smallest value of classes 2..k (the ``[a, b)`` edges).

    Exact dynamic programme over the sorted values, minimising the within-class sum of squared
    deviations, vectorised with numpy (mapclassify's version needs numba to be fast). Above
    ``max_n`` values, evenly spaced order statistics stand in for the data.
    """
    x = np.sort(np.asarray(values, dtype=float))
    if x.size > max_n:
        x = x[np.linspace(0, x.size - 1, max_n).round().astype(int)]
    n = x.size
    k = min(k, np.unique(x).size)
    if k < 2:
        return []
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    idx = np.arange(n)
    i_, j_ = idx[:, None], idx[None, :]  # rows: start of the last class, columns: its end
    m = np.maximum(j_ - i_ + 1, 1)
    t = s1[j_ + 1] - s1[i_]
    seg = np.where(i_ <= j_, s2[j_ + 1] - s2[i_] - t * t / m, np.inf)  # SSD of x[i..j]
    cost = seg[0].copy()  # one class over x[0..j]
    start = np.zeros((k, n), dtype=int)
    for c in range(1, k):
        prev = np.concatenate([[np.inf], cost[:-1]])  # best cost of c classes over x[0..i-1]
        tot = prev[:, None] + seg
        tot[:c, :] = np.inf
        start[c] = np.argmin(tot, axis=0)
        cost = tot[start[c], idx]
    starts, j = [], n - 1
    for c in range(k - 1, 0, -1):
        i = start[c, j]
        starts.append(float(x[i]))
        j = i - 1
    return sorted(starts)


def legend_items(
    classes: Classes, decimals: int = 0, unit: str = "", n_missing: int = 0
) -> list[dict]:
    """Legend rows ``{"label", "color", "count"}`` in ``[a, b)`` notation plus "pas de données"."""
    items = []
    counts = (
        np.bincount(classes.index[classes.index >= 0], minlength=classes.k) if classes.k else []
    )
    # the lowest and highest bounds are values, written as the values are; an inner break is
    # written exactly, with as many decimals as it needs (and no more)
    last_edge = len(classes.breaks) - 1
    edges = [
        fmt_number(v, decimals if j in (0, last_edge) else break_decimals([v], decimals))
        for j, v in enumerate(classes.breaks)
    ]
    for i in range(classes.k):
        a, b = edges[i], edges[i + 1]
        last = i == classes.k - 1
        if classes.breaks[i] == classes.breaks[i + 1]:
            label = a  # one value (a single unit, or equal values): no interval
        else:
            label = f"[{a} ; {b}]" if last else f"[{a} ; {b})"
        items.append({"label": label, "color": classes.colors[i], "count": int(counts[i])})
    items.append({"label": NO_DATA_LABEL, "color": NO_DATA_COLOR, "count": int(n_missing)})
    if unit:
        for it in items[:-1]:
            it["label"] += f" {unit}"
    return items


def break_decimals(breaks: list[float], decimals: int = 0, extra: int = 3) -> int:
    """Decimals that write every break exactly (at least ``decimals``, at most ``extra`` more):
    a break of 0.3625 between values shown to 2 decimals is written 0,3625, so that a value
    shown as 0,36 is never seen in a class said to start at 0,36."""
    for d in range(decimals, decimals + extra + 1):
        if all(abs(b - round(b, d)) < 1e-9 for b in breaks):
            return d
    return decimals + extra


def class_labels(classes: Classes, decimals: int = 0) -> list[str]:
    """The ``[a, b)`` label of each value's class ("pas de données" for -1)."""
    labels = [it["label"] for it in legend_items(classes, decimals)]
    return [labels[i] if i >= 0 else NO_DATA_LABEL for i in classes.index]


def map_hideout(
    keys, values, classes: Classes, decimals: int = 0, unit: str = "", label: str = ""
) -> dict:
    """What the clientside style and tooltip functions read (colour and text per key).

    Small: one colour and one formatted value per feature, no geometry.
    """
    colors, texts = {}, {}
    for key, v, c in zip(keys, values, classes.index, strict=True):
        colors[key] = classes.colors[c] if c >= 0 else NO_DATA_COLOR
        texts[key] = fmt_value(v, decimals, unit)
    return {
        "colors": colors,
        "values": texts,
        "label": label,
        "nodata": NO_DATA_COLOR,
        "outline": OUTLINE_COLOR,
    }
