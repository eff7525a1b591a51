"""A unit beside others of its kind: its rank, and the medians of its région and of France.

A figure is only ever set beside figures of the same definition: the medians are those of the
units of the same layer (EPCI beside EPCI, the territories of a wave beside the territories of
that wave), never the région's or France's own total, which would be another quantity.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.indicators import Indicator, latest_indicators, values
from dashboard.core.layers import DEPARTEMENT_COLUMN, frame, get_layer, has_key, mapped_keys, names

MAX_COMPARED = 4


@dataclass(frozen=True)
class Comparison:
    """One indicator of one unit beside the units of its région and of France."""

    indicator: Indicator
    value: float | None
    rank: int | None  # 1 = the highest value of the layer
    n: int  # units of the layer with a value
    region_median: float | None
    region_n: int
    france_median: float | None


def regions_of(q: Gateway, layer_id: str) -> pd.Series:
    """The (main) région of every unit of a layer, by key."""
    layer = get_layer(layer_id)

    def load():
        f = frame(q, layer_id)
        if layer.table == "region":
            return pd.Series(f.index, index=f.index)
        if "region" in f.columns:
            return f["region"].astype(str)
        dep_region = frame(q, "departement")["region"].astype(str)
        col = DEPARTEMENT_COLUMN[layer.table]
        return f[col].map(dep_region)

    return q.memo(("regions_of", layer.id), load)


def region_name(q: Gateway, layer_id: str, key) -> str | None:
    """The name of a unit's (main) région (None for a région itself or an unknown key)."""
    if get_layer(layer_id).table == "region" or not has_key(q, layer_id, key):
        return None
    code = regions_of(q, layer_id).get(key)
    return str(names(q, "region").get(code, code)) if isinstance(code, str) else None


@dataclass(frozen=True)
class _Stats:
    values: pd.Series  # by key, mapped units with a value
    ranks: pd.Series  # 1 = highest
    france_median: float | None
    region_median: dict  # région code -> median of its units
    region_n: dict


def _stats(q: Gateway, layer_id: str, ind: Indicator) -> _Stats:
    """Ranks and medians of one indicator over a layer (cached: every click reads them)."""

    def load():
        keys = mapped_keys(q, layer_id)
        known = values(q, layer_id, ind.id).reindex(keys).astype(float).dropna()
        regions = regions_of(q, layer_id).reindex(known.index)
        by = known.groupby(regions)
        return _Stats(
            known,
            known.rank(ascending=False, method="min"),
            float(known.median()) if known.size else None,
            by.median().to_dict(),
            by.size().to_dict(),
        )

    return q.memo(("compare-stats", layer_id, ind.id), load)


def unit_comparison(q: Gateway, layer_id: str, key) -> list[Comparison]:
    """Every indicator of a unit (latest year) with its rank and the medians of the units of
    its région and of France; empty for an unknown key."""
    if not has_key(q, layer_id, key):
        return []
    own = regions_of(q, layer_id).get(key) if get_layer(layer_id).table != "region" else None
    own = own if isinstance(own, str) else None
    out = []
    for ind in latest_indicators(q, layer_id):
        st = _stats(q, layer_id, ind)
        v = st.values.get(key)
        out.append(
            Comparison(
                ind,
                None if v is None else float(v),
                None if v is None else int(st.ranks[key]),
                int(st.values.size),
                float(st.region_median[own]) if own in st.region_median else None,
                int(st.region_n.get(own, 0)) if own else 0,
                st.france_median,
            )
        )
    return out


def valid_keys(q: Gateway, layer_id: str, raw) -> list[str]:
    """Up to :data:`MAX_COMPARED` distinct known keys from untrusted input (a list, or
    ``"a,b,c"`` from the address)."""
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, (list, tuple)):
        return []
    out = []
    for k in raw[:20]:
        if has_key(q, layer_id, k) and k not in out:
            out.append(k)
    return out[:MAX_COMPARED]


def side_by_side(q: Gateway, layer_id: str, keys: list[str]) -> pd.DataFrame:
    """Indicators (rows) of up to four units (columns) and the median of the layer's units in
    France; ``keys`` already validated."""
    mk = mapped_keys(q, layer_id)
    rows = []
    for ind in latest_indicators(q, layer_id):
        s = values(q, layer_id, ind.id).reindex(mk).astype(float)
        known = s.dropna()
        rows.append(
            {
                "indicator": ind,
                **{k: (None if pd.isna(s.get(k)) else float(s.get(k))) for k in keys},
                "median": float(known.median()) if known.size else None,
                "n": int(known.size),
            }
        )
    return pd.DataFrame(rows)
