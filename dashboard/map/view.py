"""What the map, its legend and its table show for one state (data only, no layout)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core import classify as K
from dashboard.core.admin import filter_bounds, filtered_keys
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import Indicator, get_indicator, values
from dashboard.core.layers import frame, get_layer
from dashboard.core.mapview import NATIONAL_BOUNDS
from dashboard.core.provenance import layer_vintages
from dashboard.map.state import MapState


@dataclass
class View:
    state: MapState
    indicator: Indicator
    keys: list[str]
    values: pd.Series
    classes: K.Classes
    table: pd.DataFrame
    hideout: dict
    legend: list[dict]
    note: str


def view_model(q: Gateway, st: MapState) -> View:
    """Keys shown, their values and classes, the table rows and the style data of the map
    (cached per state, the selection aside: the data only changes with the database)."""
    st = st.without_selection()
    return q.memo(("view", st), lambda: _view_model(q, st))


def _view_model(q: Gateway, st: MapState) -> View:
    ind = get_indicator(q, st.couche, st.ind)
    keys = filtered_keys(q, st.couche, st.reg, st.dep, st.arr)
    vals = values(q, st.couche, st.ind).reindex(keys)
    classes = K.classify(vals.to_numpy(), st.classes)
    table = table_frame(
        frame(q, st.couche),
        keys,
        vals,
        classes,
        ind.title,
        ind.decimals,
        get_layer(st.couche).key_label,
    )
    hideout = K.map_hideout(keys, vals.to_numpy(), classes, ind.decimals, ind.unit, ind.label)
    legend = K.legend_items(classes, ind.decimals, "", int(vals.isna().sum()))
    return View(st, ind, keys, vals, classes, table, hideout, legend, provenance(q, st, ind))


def provenance(q: Gateway, st: MapState, ind: Indicator) -> str:
    """The source note shown under the legend and written into every export."""
    layer = get_layer(st.couche)
    parts = [layer.label, f"sources : {' ; '.join(layer_vintages(q, st.couche))}"]
    if ind.source:
        parts.append(f"indicateur : {ind.source}" + (f", {ind.vintage}" if ind.vintage else ""))
    if ind.generated:
        parts.append("DONNÉES FICTIVES (démonstration)")
    return " — ".join(parts)


def table_frame(
    attributes: pd.DataFrame,
    keys,
    vals: pd.Series,
    classes: K.Classes,
    indicator_label: str,
    decimals: int = 0,
    key_label: str = "Code",
) -> pd.DataFrame:
    """The rows shown under the map: code, name, the indicator and its class."""
    keys = list(keys)
    return pd.DataFrame(
        {
            key_label: keys,
            "Nom": attributes.loc[keys, "name"].astype(str).str.strip().tolist() if keys else [],
            # plain floats, not a Series walk: 35,000 communes in milliseconds
            indicator_label: [
                None if v != v else round(v, max(decimals, 0) + 2)
                for v in vals.loc[keys].to_numpy(dtype=float).tolist()
            ]
            if keys
            else [],
            "Classe": K.class_labels(classes, decimals) if keys else [],
        }
    )


def grid_columns(table: pd.DataFrame, decimals: int) -> list[dict]:
    """ag-grid columns of the table (the indicator right-aligned, formatted the French way)."""
    cols = []
    for i, c in enumerate(table.columns):
        col = {"field": c, "headerName": c, "sortable": True, "filter": True, "resizable": True}
        if i == 2:
            col["type"] = "numericColumn"
            col["valueFormatter"] = {"function": f"tiFmt(params.value, {int(decimals)})"}
        cols.append(col)
    return cols


def initial_bounds(q: Gateway, st: MapState):
    """The bounds the map fits when the address gives no view."""
    if st.filtered:
        return filter_bounds(q, st.reg, st.dep, st.arr) or NATIONAL_BOUNDS
    return NATIONAL_BOUNDS
