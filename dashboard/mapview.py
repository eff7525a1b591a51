"""The map page's logic: every callback of ``pages/carte.py`` is a plain function here.

Each function parses its (untrusted) inputs, calls the query layer and the figure builders, and
returns plain values; unknown ids and hostile strings give an empty or default state.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd
from dash import html, no_update

from dashboard import components as C
from dashboard import figures as F
from dashboard.queries import DEFAULT_LAYER, LAYERS, Indicator, Queries, QueryError, get_layer

PREFIX = "carte"
NATIONAL_BOUNDS = [[41.0, -9.6], [51.3, 10.0]]  # mainland plus the insets west of Brittany
KEY_LABELS = {
    "ti2023": "Identifiant",
    "ti2018": "Identifiant",
    "epci": "SIREN",
    "arrondissement": "Code",
    "departement": "Code",
    "region": "Code",
}
MAX_KEY_LEN = 20
EMPTY = b'{"type":"FeatureCollection","features":[]}'


@dataclass(frozen=True)
class MapState:
    """The validated state of the map page."""

    couche: str = DEFAULT_LAYER
    ind: str = "population"
    classes: str = F.DEFAULT_METHOD
    reg: str | None = None
    dep: str | None = None
    arr: str | None = None
    sel: str | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.reg or self.dep or self.arr)


def _str(v, n: int = MAX_KEY_LEN) -> str | None:
    return v if isinstance(v, str) and 0 < len(v) <= n else None


def validate(
    q: Queries, couche=None, ind=None, classes=None, reg=None, dep=None, arr=None, sel=None
) -> MapState:
    """A :class:`MapState` from untrusted values: anything unknown falls back to its default."""
    couche = couche if isinstance(couche, str) and couche in LAYERS else DEFAULT_LAYER
    ids = [i.id for i in q.indicators(couche)]
    ind = (
        ind
        if isinstance(ind, str) and ind in ids
        else ("population" if "population" in ids else ids[0])
    )
    classes = classes if isinstance(classes, str) and classes in F.METHODS else F.DEFAULT_METHOD
    reg = q.valid_admin("region", reg)
    dep = q.valid_admin("departement", dep)
    arr = q.valid_admin("arrondissement", arr)
    sel = sel if q.has_key(couche, sel) else None
    return MapState(couche, ind, classes, reg, dep, arr, sel)


def from_url(q: Queries, state: C.UrlState) -> MapState:
    return validate(
        q, state.couche, state.ind, state.classes, state.reg, state.dep, state.arr, state.sel
    )


# -- the view: what the map, legend and table show -------------------------------------------------


@dataclass
class View:
    state: MapState
    indicator: Indicator
    keys: list[str]
    values: pd.Series
    classes: F.Classes
    table: pd.DataFrame
    hideout: dict
    legend: list[dict]
    note: str


def view_model(q: Queries, st: MapState) -> View:
    """Keys shown, their values and classes, the table rows and the style data of the map
    (cached per state: the data only changes with the database)."""
    st = MapState(st.couche, st.ind, st.classes, st.reg, st.dep, st.arr)  # selection aside
    return q.memo(("view", st), lambda: _view_model(q, st))


def _view_model(q: Queries, st: MapState) -> View:
    ind = q.get_indicator(st.couche, st.ind)
    keys = q.filtered_keys(st.couche, st.reg, st.dep, st.arr)
    values = q.values(st.couche, st.ind).reindex(keys)
    classes = F.classify(values.to_numpy(), st.classes)
    label = ind.label + (f" ({ind.unit})" if ind.unit else "")
    table = F.table_frame(
        q.frame(st.couche), keys, values, classes, label, ind.decimals, KEY_LABELS[st.couche]
    )
    hideout = F.map_hideout(keys, values.to_numpy(), classes, ind.decimals, ind.unit, ind.label)
    n_missing = int(values.isna().sum())
    legend = F.legend_items(classes, ind.decimals, "", n_missing)
    return View(st, ind, keys, values, classes, table, hideout, legend, provenance(q, st, ind))


def provenance(q: Queries, st: MapState, ind: Indicator) -> str:
    """The source note shown under the legend and written into every export."""
    layer = get_layer(st.couche)
    vint = " ; ".join(q.layer_vintages(st.couche))
    parts = [f"{layer.label}", f"sources : {vint}"]
    if ind.source:
        parts.append(f"indicateur : {ind.source}" + (f", {ind.vintage}" if ind.vintage else ""))
    if ind.generated:
        parts.append("DONNÉES FICTIVES (démonstration)")
    return " — ".join(parts)


def geo_url(q: Queries, st: MapState) -> str:
    """URL of the main layer's GeoJSON (served by the page's Flask route)."""
    params = {"couche": st.couche, "reg": st.reg, "dep": st.dep, "arr": st.arr, "v": q.version}
    return "/_carte/geo?" + urlencode({k: v for k, v in params.items() if v})


def base_url(q: Queries, kind: str, inset: bool) -> str:
    return "/_carte/base?" + urlencode({"kind": kind, "inset": int(inset), "v": q.version})


def points_url(q: Queries, st: MapState) -> str:
    params = {"reg": st.reg, "dep": st.dep, "arr": st.arr, "v": q.version}
    return "/_carte/points?" + urlencode({k: v for k, v in params.items() if v})


def selection_url(q: Queries, st: MapState) -> str:
    if not st.sel:
        return ""
    return "/_carte/sel?" + urlencode(
        {"couche": st.couche, "key": st.sel, "inset": int(not st.filtered), "v": q.version}
    )


def initial_bounds(q: Queries, st: MapState):
    if st.filtered:
        return q.filter_bounds(st.reg, st.dep, st.arr) or NATIONAL_BOUNDS
    return NATIONAL_BOUNDS


def center_zoom(bounds, width: int = 760, height: int = 600) -> tuple[list[float], float]:
    """Centre and zoom (multiple of 0.25) that fit ``bounds`` in a map of ``width`` x ``height`` px."""
    import math

    (s, w), (n, e) = bounds

    def merc(lat):
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(e - w, 1e-6) / 360
    dy = max(merc(n) - merc(s), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width / 256 / dx), math.log2(height / 256 / dy))
    zoom = max(3.0, min(13.0, math.floor(zoom * 4) / 4))
    lat = math.degrees(math.atan(math.sinh((merc(n) + merc(s)) / 2)))
    return [round(lat, 5), round((w + e) / 2, 5)], zoom


def grid_columns(table: pd.DataFrame, decimals: int) -> list[dict]:
    cols = []
    for i, c in enumerate(table.columns):
        col = {"field": c, "headerName": c, "sortable": True, "filter": True, "resizable": True}
        if i == 2:
            col["type"] = "numericColumn"
            col["valueFormatter"] = {"function": f"tiFmt(params.value, {int(decimals)})"}
        cols.append(col)
    return cols


# -- callbacks as plain functions -----------------------------------------------------------------


def on_layer(q: Queries, couche, ind):
    """Layer changed: indicator options of the new layer, keeping the indicator when it exists."""
    st = validate(q, couche, ind)
    options = [
        {"label": i.label + (" — données fictives" if i.generated else ""), "value": i.id}
        for i in q.indicators(st.couche)
    ]
    return options, st.ind


def on_filter(q: Queries, reg, dep, arr, triggered: str | None = None):
    """Filter changed: options of the lower levels, their values (cleared when out of the
    parent), and the map viewport zoomed to the most specific unit."""
    reg = q.valid_admin("region", reg)
    dep = q.valid_admin("departement", dep)
    arr = q.valid_admin("arrondissement", arr)
    units = q.admin_units()
    if dep and reg and not ((units["code"] == dep) & (units["region"] == reg)).any():
        dep = None
    if arr:
        row = units[(units["level"] == "arrondissement") & (units["code"] == arr)].iloc[0]
        if (dep and row["departement"] != dep) or (reg and row["region"] != reg):
            arr = None
    dep_opts = q.filter_options("departement", reg)
    arr_opts = q.filter_options("arrondissement", reg, dep)
    b = q.filter_bounds(reg, dep, arr)
    viewport = (
        {"bounds": b, "transition": "flyToBounds"}
        if b
        else {"bounds": NATIONAL_BOUNDS, "transition": "flyToBounds"}
    )
    return dep_opts, arr_opts, dep, arr, viewport


def on_view(q: Queries, couche, ind, classes, reg, dep, arr):
    """Everything that depends on layer, indicator, classification and filters."""
    st = validate(q, couche, ind, classes, reg, dep, arr)
    v = view_model(q, st)
    legend = C.legend(
        v.legend, v.indicator.label + (f" ({v.indicator.unit})" if v.indicator.unit else ""), v.note
    )
    n = len(v.keys)
    status = (
        f"{n} {'entité affichée' if n <= 1 else 'entités affichées'} — {get_layer(st.couche).label}"
    )
    show_points = st.couche == "arrondissement"
    return (
        geo_url(q, st),
        v.hideout,
        legend,
        v.table.to_dict("records"),
        grid_columns(v.table, v.indicator.decimals),
        status,
        points_url(q, st) if show_points else "/_carte/empty",
        base_url(q, "departement", not st.filtered),
        base_url(q, "region", not st.filtered),
        "/_carte/empty" if st.filtered else "/_carte/frames?v=" + q.version,
    )


def on_select(q: Queries, selection, couche, reg, dep, arr):
    """Selection changed: the side panel and the outline of the selected feature."""
    st = validate(q, couche, None, None, reg, dep, arr)
    key = selection.get("key") if isinstance(selection, dict) else None
    sel_layer = selection.get("couche") if isinstance(selection, dict) else None
    if sel_layer != st.couche or not q.has_key(st.couche, key):
        return panel_empty(), "/_carte/empty"
    st = validate(q, couche, None, None, reg, dep, arr, key)
    d = q.detail(st.couche, key)
    return panel(d), selection_url(q, st)


def on_search(q: Queries, text):
    """Options of the search box for the typed text (unchanged for under two characters)."""
    if not isinstance(text, str) or len(text.strip()) < 2:
        return no_update
    # ``search`` holds the typed text: the dropdown's own filter must not hide the server's
    # accent-insensitive matches (nor a commune's territory, whose name may not contain it)
    typed = text[:80]
    return [
        {"label": r["label"], "value": f"{r['kind']}:{r['key']}", "search": f"{typed} {r['label']}"}
        for r in q.search(typed)
    ]


def on_pick(q: Queries, value, couche):
    """A search result chosen: the layer to show, the selection, the viewport."""
    if not isinstance(value, str) or ":" not in value or len(value) > 40:
        return no_update, no_update, no_update
    kind, _, key = value.partition(":")
    if kind == "commune":
        com = q.commune(key)
        if com is None:
            return no_update, no_update, no_update
        layer = couche if couche in LAYERS else DEFAULT_LAYER
        target = q.container(layer, com)
        viewport = (
            {"bounds": com["bounds"], "transition": "flyToBounds"} if com["bounds"] else no_update
        )
        sel = {"couche": layer, "key": target} if target else None
        return layer, sel, viewport
    if kind not in LAYERS or not q.has_key(kind, key):
        return no_update, no_update, no_update
    b = q.bounds(get_layer(kind).shape, [key])
    viewport = {"bounds": b, "transition": "flyToBounds"} if b else no_update
    return kind, {"couche": kind, "key": key}, viewport


def on_url(couche, ind, classes, reg, dep, arr, selection, center, zoom):
    """The query string of the current state (no database access: cheap on every map move)."""
    sel = (
        selection.get("key")
        if isinstance(selection, dict) and selection.get("couche") == couche
        else None
    )
    st = C.UrlState(
        couche=_str(couche),
        ind=_str(ind, 64),
        classes=_str(classes),
        reg=_str(reg),
        dep=_str(dep),
        arr=_str(arr),
        sel=_str(sel),
        vue=C.format_view(center, zoom),
    )
    return st.to_search()


def on_download(q: Queries, fmt: str, couche, ind, classes, reg, dep, arr):
    """The exported file: exactly the rows of the table, with the provenance note."""
    st = validate(q, couche, ind, classes, reg, dep, arr)
    v = view_model(q, st)
    stem = f"territoires-industrie_{st.couche}_{st.ind}"
    if st.dep or st.arr or st.reg:
        stem += "_" + (st.arr or st.dep or st.reg)
    if fmt == "xlsx":
        return {
            "content": _b64(F.xlsx_bytes(v.table, v.note)),
            "filename": stem + ".xlsx",
            "base64": True,
            "type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    return {
        "content": _b64(F.csv_bytes(v.table, v.note)),
        "filename": stem + ".csv",
        "base64": True,
        "type": "text/csv",
    }


def _b64(b: bytes) -> str:
    import base64

    return base64.b64encode(b).decode("ascii")


# -- side panel ---------------------------------------------------------------------------------------


def panel_empty():
    return [
        html.P(
            "Cliquez sur un territoire de la carte ou cherchez un nom pour afficher sa fiche.",
            className="ti-panel-hint",
        )
    ]


def filter_link(d: dict) -> tuple[str, str] | None:
    """(href, label) of the link that filters the map on a feature (or on its main département)."""
    layer = d["layer"]
    if layer == "region":
        return "/?" + urlencode(
            {"couche": "ti2023", "reg": d["key"]}
        ), "Filtrer la carte sur cette région"
    if layer == "departement":
        return "/?" + urlencode(
            {"couche": "ti2023", "dep": d["key"]}
        ), "Filtrer la carte sur ce département"
    if layer == "arrondissement":
        return "/?" + urlencode(
            {"couche": "ti2023", "arr": d["key"]}
        ), "Filtrer la carte sur cet arrondissement"
    if d.get("main_departement"):
        href = "/?" + urlencode({"couche": layer, "dep": d["main_departement"], "sel": d["key"]})
        return href, f"Filtrer la carte sur son département principal ({d['main_departement']})"
    return None


def panel(d: dict | None):
    """The side panel of one feature (names rendered as text)."""
    if d is None:
        return panel_empty()
    facts = [
        ("Population", F.fmt_value(d["population"], 0, "hab.")),
        ("Superficie", F.fmt_value(d["area_km2"], 0, "km²")),
        ("Communes", F.fmt_number(d["n_communes"])),
        ("EPCI", F.fmt_number(d["n_epci"])),
    ]
    children = [
        html.Div(d["kind"], className="ti-panel-kind"),
        html.H2(d["name"], className="ti-panel-title", id="carte-panel-title"),
        html.Div(f"Code : {d['key']}", className="ti-panel-code"),
        C.definition_list(facts),
    ]
    if d["members"]:
        n_epci = sum(1 for m in d["members"] if m[1] in ("EPCI", "EPT"))
        n_com = sum(1 for m in d["members"] if m[1] == "commune")
        children += [
            html.H3(f"Membres ({n_epci} intercommunalités, {n_com} communes isolées)"),
            html.Ul(
                [html.Li(f"{n} ({k}, {s})") for s, k, n in d["members"]], className="ti-members"
            ),
        ]
    if d["chef_lieux"]:
        children += [
            html.H3("Préfectures et sous-préfectures des arrondissements touchés"),
            html.Ul([html.Li(f"{n} ({k})") for n, k in d["chef_lieux"]]),
        ]
    if d["departements"]:
        children += [
            html.H3("Départements touchés"),
            html.Ul([html.Li(f"{c} — {n}") for c, n in d["departements"]]),
        ]
    inds = [
        (
            i.label + (" (données fictives)" if i.generated else ""),
            F.fmt_value(v, i.decimals, i.unit),
        )
        for i, v in d["indicators"]
    ]
    children += [html.H3("Indicateurs"), C.definition_list(inds)]
    link = filter_link(d)
    if link:
        children.append(html.A(link[1], href=link[0], className="ti-filter-link"))
    return children


def safe(fn, *args, fallback):
    """Run a callback body; a :class:`QueryError` from untrusted input gives ``fallback``."""
    try:
        return fn(*args)
    except QueryError:
        return fallback
