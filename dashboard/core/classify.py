"""Classification of indicator values into coloured classes, their legend and map style data.

Pure: every function takes plain values (arrays, Series, lists) and returns plain values, so it
can be tested with a handful of numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from dashboard.core.formats import NO_DATA_LABEL, fmt_number, fmt_value
from dashboard.core.theme import NO_DATA_COLOR, OUTLINE_COLOR, PALETTE

METHODS = {
    "quantiles": "Quantiles",
    "jenks": "Seuils naturels (Jenks)",
    "egal": "Intervalles égaux",
}
DEFAULT_METHOD = "quantiles"
DEFAULT_K = 5


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


def classify(values, method: str = DEFAULT_METHOD, k: int = DEFAULT_K) -> Classes:
    """Class breaks by ``method`` (quantiles, jenks, egal) and each value's class.

    Classes are half-open ``[a, b)`` except the last, which holds its maximum; NaN values get
    class -1 ("pas de données"). Identical breaks (ties) are merged, so ``k`` is an upper bound.
    """
    if method not in METHODS:
        raise ValueError(f"unknown classification {method!r}; expected one of {', '.join(METHODS)}")
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    ok = ~np.isnan(v)
    data = v[ok]
    index = np.full(len(v), -1, dtype=int)
    if data.size == 0:
        return Classes([], index, [])
    lo, hi = float(data.min()), float(data.max())
    k = max(1, min(int(k), np.unique(data).size))
    if lo == hi or k == 1:
        breaks = [lo, hi]
    else:
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
        breaks = [lo, *sorted({float(b) for b in inner if lo < b <= hi}), hi]
    edges = np.asarray(breaks)
    cls = (
        np.searchsorted(edges[1:-1], data, side="right")
        if len(edges) > 2
        else np.zeros(data.size, int)
    )
    index[ok] = cls
    return Classes(breaks, index, palette(len(breaks) - 1))


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
    decimals = break_decimals(classes.breaks, decimals)
    for i in range(classes.k):
        a, b = fmt_number(classes.breaks[i], decimals), fmt_number(classes.breaks[i + 1], decimals)
        last = i == classes.k - 1
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
