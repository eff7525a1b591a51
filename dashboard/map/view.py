"""What the map, its legends and its table show for one state (data only, no layout)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from dashboard.core import classify as K
from dashboard.core.admin import filter_bounds, filtered_keys
from dashboard.core.formats import fmt_value
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import Indicator, family_of, of_year, values
from dashboard.core.layers import (
    DEPARTEMENT_COLUMN,
    LAYERS,
    frame,
    get_layer,
    mapped_keys,
    names,
    scale_layers,
)
from dashboard.core.mapview import NATIONAL_BOUNDS
from dashboard.core.provenance import layer_vintages
from dashboard.core.theme import NO_DATA_COLOR, OUTLINE_COLOR
from dashboard.map.state import MapState, base_indicator, indicator_of

CIRCLE_MAX_RADIUS = 28  # px, the largest value of the scale
NEUTRAL_FILL = "#f2f2f2"  # polygons under circles when no rate is drawn in colour
# table columns: ag-grid column id (kept in the address for the sort) -> role
COL_RANK, COL_KEY, COL_NAME, COL_DEP = "rang", "code", "nom", "dep"
COL_VALUE, COL_CLASS, COL_FOND, COL_FOND_CLASS = "valeur", "classe", "fond", "classe-fond"


@dataclass
class Measure:
    """The quantity mapped: an indicator's values, or their change between two years."""

    title: str  # with its unit, for the legend and the table header
    label: str  # without unit, for tooltips
    unit: str
    decimals: int
    indicator: Indicator
    base: Indicator | None = None  # the earlier year of a change


@dataclass
class View:
    state: MapState
    indicator: Indicator
    measure: Measure
    keys: list[str]
    values: pd.Series
    classes: K.Classes | None  # of the choropleth (the measure, or the rate under circles)
    fond: Measure | None
    table: pd.DataFrame
    hideout: dict
    legend: list[dict]  # classes of the colours (empty without colours)
    legend_title: str
    circles: list[dict]  # legend of the proportional circles (empty without circles)
    note: str  # provenance: legend and exports
    scale_note: str  # how the classes were computed


def view_model(q: Gateway, st: MapState) -> View:
    """Keys shown, their values and classes, the table rows and the style data of the map
    (cached per state, the selection aside: the data only changes with the database)."""
    st = st.without_selection()
    return q.memo(("view", st), lambda: _view_model(q, st))


def measure_of(q: Gateway, st: MapState) -> Measure:
    """The quantity a state maps."""
    ind = indicator_of(q, st)
    base = base_indicator(q, st)
    if base is None:
        return Measure(ind.title, ind.label, ind.unit, ind.decimals, ind)
    unit = "points" if ind.is_share else "%"
    label = f"Évolution {base.year}-{ind.year} : {ind.name}"
    return Measure(f"{label} ({unit})", label, unit, 1, ind, base)


def series(q: Gateway, layer_id: str, st: MapState) -> pd.Series | None:
    """The mapped quantity for every unit of a layer (None when the layer lacks the indicator
    or its year): the values, or their change (relative, or in points for a share)."""
    fam = family_of(q, layer_id, st.ind)
    if fam is None:
        return None
    ind = of_year(q, layer_id, fam, st.annee)
    if ind.year != st.annee:
        return None
    now = values(q, layer_id, ind.id)
    if st.depuis is None:
        return now
    base = of_year(q, layer_id, fam, st.depuis)
    if base.year != st.depuis:
        return None
    return change(values(q, layer_id, base.id), now, ind.is_share)


def change(before: pd.Series, after: pd.Series, points: bool) -> pd.Series:
    """``after`` against ``before`` by unit: the difference (``points``, for shares) or the
    relative change in % (only where ``before`` is positive); NaN where either is missing."""
    before, after = before.astype(float), after.astype(float).reindex(before.index)
    if points:
        return after - before
    return (after / before.where(before > 0) - 1) * 100


def national(q: Gateway, layer_id: str, st: MapState) -> np.ndarray:
    """The mapped quantity over every mapped unit of the layers sharing the national scale."""
    parts = []
    for lid in scale_layers(layer_id):
        s = series(q, lid, st)
        if s is not None:
            parts.append(s.reindex(mapped_keys(q, lid)).to_numpy(dtype=float))
    return np.concatenate(parts) if parts else np.array([])


def _view_model(q: Gateway, st: MapState) -> View:
    m = measure_of(q, st)
    keys = filtered_keys(q, st.couche, st.reg, st.dep, st.arr)
    whole = series(q, st.couche, st)
    vals = (whole if whole is not None else pd.Series(dtype=float)).reindex(keys).astype(float)
    france = st.portee == "france"

    def classes_of(v: pd.Series, of: MapState) -> K.Classes:
        def classify(values) -> K.Classes:
            return K.classify(
                values,
                st.method,
                st.nb,
                thresholds=list(st.seuils) or None,
                palette_id=st.palette,
                diverging=of.change,
            )

        if not france:
            return classify(v.to_numpy())
        # the classes of France do not depend on the filter: computed once per layer and state
        whole = replace(of, reg=None, dep=None, arr=None, sel=None, message=None)
        ref = q.memo(("france-classes", whole), lambda: classify(national(q, of.couche, of)))
        return K.place(v.to_numpy(), ref)

    fond, fond_vals, classes = None, None, None
    if not st.circles:
        classes = classes_of(vals, st)
    elif st.fond:
        fam = family_of(q, st.couche, st.fond)
        fst = replace(st, ind=fam.id, annee=fam.latest.year, depuis=None)
        fond = measure_of(q, fst)
        fond_vals = values(q, st.couche, fam.latest.id).reindex(keys).astype(float)
        classes = classes_of(fond_vals, fst)

    radius, circles = {}, []
    if st.circles:
        whole_st = replace(st, reg=None, dep=None, arr=None, sel=None, message=None)
        scale = (
            q.memo(("france-max", whole_st), lambda: _max(national(q, st.couche, st)))
            if france
            else _max(vals.to_numpy())
        )
        vmax = scale
        radius = circle_radii(vals, vmax)
        circles = circle_legend(vmax, m.decimals, m.unit)

    colored = fond if fond is not None else (None if st.circles else m)
    legend, legend_title = [], ""
    if classes is not None and colored is not None:
        shown = fond_vals if fond is not None else vals
        legend = K.legend_items(classes, colored.decimals, "", int(shown.isna().sum()))
        legend_title = colored.title
    hideout = map_hideout(keys, vals, m, classes, fond, fond_vals, radius)
    table = table_frame(q, st, keys, vals, whole, m, classes if fond is None else None)
    if fond is not None:
        table[fond.title] = _rounded(fond_vals, fond.decimals)
        table["Classe (couleur)"] = K.class_labels(classes, fond.decimals) if keys else []
        table.attrs["ids"] = {**table.attrs["ids"], fond.title: COL_FOND,
                              "Classe (couleur)": COL_FOND_CLASS}  # fmt: skip
    return View(
        st,
        m.indicator,
        m,
        keys,
        vals,
        classes,
        fond,
        table,
        hideout,
        legend,
        legend_title,
        circles,
        provenance(q, st, m),
        scale_note(st, classes),
    )


def _max(a: np.ndarray) -> float:
    a = np.asarray(a, dtype=float)
    return float(np.nanmax(a)) if np.isfinite(a).any() else 0.0


def circle_radii(vals: pd.Series, vmax: float) -> dict[str, float]:
    """Radius in px of each unit's circle: its area is proportional to its value (none for
    missing, zero or negative values)."""
    if not vmax or vmax <= 0:
        return {}
    out = {}
    for k, v in vals.items():
        if pd.notna(v) and v > 0:
            out[k] = round(CIRCLE_MAX_RADIUS * math.sqrt(min(float(v), vmax) / vmax), 2)
    return out


def nice(v: float) -> float:
    """``v`` rounded down to one or two significant digits (1, 1.5, 2, 2.5, 3, 4, 5, 7.5 x 10^n)."""
    if v <= 0:
        return 0.0
    e = 10 ** math.floor(math.log10(v))
    for m in (7.5, 5, 4, 3, 2.5, 2, 1.5, 1):
        if m * e <= v:
            return m * e
    return e


def circle_legend(vmax: float, decimals: int = 0, unit: str = "") -> list[dict]:
    """Three reference circles (largest first): ``{"label", "radius"}``."""
    if not vmax or vmax <= 0:
        return []
    out = []
    for share in (1, 0.25, 0.04):
        v = nice(vmax * share)
        if v > 0 and all(o["value"] != v for o in out):
            r = CIRCLE_MAX_RADIUS * math.sqrt(v / vmax)
            out.append({"value": v, "label": fmt_value(v, decimals, unit), "radius": round(r, 1)})
    return out


def map_hideout(keys, vals, m: Measure, classes, fond, fond_vals, radius) -> dict:
    """What the clientside style, circle and tooltip functions read (no geometry)."""
    colors, texts, fond_texts = {}, {}, {}
    idx = dict(zip(keys, classes.index, strict=True)) if classes is not None else {}
    for key, v in zip(keys, vals.to_numpy(), strict=True):
        c = idx.get(key, -1)
        if classes is not None:
            colors[key] = classes.colors[c] if c >= 0 else NO_DATA_COLOR
        else:
            colors[key] = NEUTRAL_FILL
        texts[key] = fmt_value(v, m.decimals, m.unit)
    if fond is not None:
        fond_texts = {
            k: fmt_value(v, fond.decimals, fond.unit)
            for k, v in zip(keys, fond_vals.to_numpy(), strict=True)
        }
    return {
        "colors": colors,
        "values": texts,
        "label": m.label,
        "fond": fond_texts,
        "fondLabel": fond.label if fond is not None else "",
        "radius": radius,
        "nodata": NO_DATA_COLOR,
        "outline": OUTLINE_COLOR,
    }


def scale_note(st: MapState, classes: K.Classes | None) -> str:
    """How the classes were computed (French, under the legend)."""
    if classes is None:
        return ""
    if st.method == K.MANUAL:
        how = "seuils saisis"
    else:
        how = f"{K.MAP_METHODS[st.method].lower()}, {st.nb} classes au plus"
    if st.portee == "france":
        group = scale_layers(st.couche)
        whom = (
            "territoires des deux vagues"
            if len(group) > 1
            else f"toutes les unités de la couche « {LAYERS[st.couche].label} »"
        )
        return f"Classes de la France entière ({how}, calculées sur : {whom})."
    return f"Classes de la vue affichée ({how})."


def provenance(q: Gateway, st: MapState, m: Measure) -> str:
    """The source note shown under the legend and written into every export."""
    layer = get_layer(st.couche)
    ind = m.indicator
    parts = [layer.label, f"sources : {' ; '.join(layer_vintages(q, st.couche))}"]
    if ind.source:
        vintage = f"{m.base.vintage} et {ind.vintage}" if m.base is not None else ind.vintage
        parts.append(f"indicateur : {ind.source}" + (f", {vintage}" if vintage else ""))
    if m.base is not None and ("urssaf" in ind.source.lower() or ind.family.startswith("urssaf")):
        parts.append(
            "évolution calculée seulement pour les unités couvertes par le fichier Urssaf "
            "(les sommes d'unités partiellement couvertes, des minorants, ne sont pas comparées)"
        )
    if ind.generated:
        parts.append("DONNÉES FICTIVES (démonstration)")
    return " — ".join(parts)


def _rounded(vals: pd.Series, decimals: int) -> list:
    # plain floats, not a Series walk: 35,000 communes in milliseconds
    d = max(decimals, 0) + 2
    return [None if v != v else round(v, d) for v in vals.to_numpy(dtype=float).tolist()]


def ranks(whole: pd.Series | None, keys: list[str]) -> list:
    """National rank of each key (1 = highest value of the layer; none without a value)."""
    if whole is None or not keys:
        return [None] * len(keys)
    r = whole.astype(float).rank(ascending=False, method="min").reindex(keys)
    return [None if v != v else int(v) for v in r.to_numpy(dtype=float).tolist()]


def departements(q: Gateway, layer_id: str, keys: list[str]) -> list[str] | None:
    """'76 — Seine-Maritime', the (main) département of each unit; None for layers without one."""
    layer = get_layer(layer_id)
    col = DEPARTEMENT_COLUMN.get(layer.table)
    if col is None:
        return None
    f = frame(q, layer_id)
    dep_names = names(q, "departement").to_dict()
    codes = f[col].reindex(keys).tolist() if col in f.columns else [None] * len(keys)
    return [
        f"{c} — {dep_names.get(c, '')}".rstrip(" —") if isinstance(c, str) else "" for c in codes
    ]


def table_frame(
    q: Gateway,
    st: MapState,
    keys: list[str],
    vals: pd.Series,
    whole: pd.Series | None,
    m: Measure,
    classes: K.Classes | None,
) -> pd.DataFrame:
    """The rows shown under the map: national rank, code, full name, département, the mapped
    value and its class."""
    layer = get_layer(st.couche)
    attrs = frame(q, st.couche)
    data = {
        "Rang national": ranks(whole, keys),
        layer.key_label: list(keys),
        "Nom": attrs.loc[keys, "name"].astype(str).str.strip().tolist() if keys else [],
    }
    deps = departements(q, st.couche, keys)
    if deps is not None:
        data["Département"] = deps
    data[m.title] = _rounded(vals.reindex(keys), m.decimals) if keys else []
    if classes is not None:
        data["Classe"] = K.class_labels(classes, m.decimals) if keys else []
    table = pd.DataFrame(data)
    ids = {"Rang national": COL_RANK, layer.key_label: COL_KEY, "Nom": COL_NAME,
           "Département": COL_DEP, m.title: COL_VALUE, "Classe": COL_CLASS}  # fmt: skip
    table.attrs["ids"] = {c: ids[c] for c in table.columns}
    return table


def column_id(table: pd.DataFrame, name: str) -> str:
    """The short, stable id of a table column (what the address keeps for the sort)."""
    return table.attrs.get("ids", {}).get(name, name)


SORTS = {"asc", "desc"}


def parse_sort(tri) -> tuple[str, str] | None:
    """``"valeur.desc"`` -> ("valeur", "desc"); None for anything else (untrusted)."""
    if not isinstance(tri, str) or len(tri) > 24 or "." not in tri:
        return None
    col, _, way = tri.partition(".")
    ids = {COL_RANK, COL_KEY, COL_NAME, COL_DEP, COL_VALUE, COL_CLASS, COL_FOND, COL_FOND_CLASS}
    return (col, way) if col in ids and way in SORTS else None


def sort_param(column_state) -> str | None:
    """The ``tri`` value of ag-grid's column state (the first sorted column), None unsorted."""
    if not isinstance(column_state, list):
        return None
    for c in column_state[:20]:
        if isinstance(c, dict) and c.get("sort") in SORTS:
            found = parse_sort(f"{c.get('colId')}.{c.get('sort')}")
            if found:
                return ".".join(found)
    return None


def grid_columns(table: pd.DataFrame, decimals: int, sort: tuple[str, str] | None = None):
    """ag-grid columns of the table: numbers right-aligned and formatted the French way, full
    names wrapped (never cut), the sort of the address applied."""
    cols = []
    for c in table.columns:
        cid = column_id(table, c)
        col = {"field": c, "colId": cid, "headerName": c, "sortable": True, "filter": True,
               "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True}  # fmt: skip
        if cid in (COL_VALUE, COL_FOND, COL_RANK):
            col["type"] = "numericColumn"
            d = 0 if cid == COL_RANK else int(decimals)
            col["valueFormatter"] = {"function": f"tiFmt(params.value, {d})"}
            col["width"] = 120 if cid == COL_RANK else 180
        if cid in (COL_NAME, COL_DEP, COL_CLASS, COL_FOND_CLASS):
            # fixed widths, not flex: a table narrower than its flex columns (on a phone) keeps
            # its cells hidden (ag-grid's delayed render) until it is scrolled into view, out
            # of reach of a screen reader's table navigation until then
            col.update({"wrapText": True, "autoHeight": True, "width": 200, "minWidth": 160})
            if cid == COL_NAME:
                col.update({"width": 260, "minWidth": 220})
        if sort and sort[0] == cid:
            col["sort"] = sort[1]
        cols.append(col)
    return cols


def initial_bounds(q: Gateway, st: MapState):
    """The bounds the map fits when the address gives no view."""
    if st.filtered:
        return filter_bounds(q, st.reg, st.dep, st.arr) or NATIONAL_BOUNDS
    return NATIONAL_BOUNDS
