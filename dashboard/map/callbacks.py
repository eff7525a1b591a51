"""Every callback of the map page as a plain function (wired in ``dashboard/pages/carte.py``).

Each parses its (untrusted) inputs, calls the query layer and the builders, and returns plain
values; unknown ids and hostile strings give an empty or default state.
"""

from __future__ import annotations

from dash import no_update

from dashboard.core import components as C
from dashboard.core import exports
from dashboard.core.admin import admin_units, filter_bounds, filter_options, valid_admin
from dashboard.core.admin import bounds as unit_bounds
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import choice_label, indicators
from dashboard.core.inputs import text
from dashboard.core.layers import DEFAULT_LAYER, LAYERS, get_layer, has_key
from dashboard.core.links import MAP_PATH
from dashboard.core.mapview import (
    EMPTY_URL,
    NATIONAL_BOUNDS,
    base_url,
    frames_url,
    labels_urls,
    layer_url,
    outline_url,
    points_url,
    rows_url,
)
from dashboard.core.search import commune, search
from dashboard.core.units import detail
from dashboard.core.urlstate import UrlState, format_view
from dashboard.map.panel import panel, panel_empty, with_profile_link
from dashboard.map.state import MapState, validate
from dashboard.map.view import grid_columns, view_model


def on_layer(q: Gateway, couche, ind):
    """Layer changed: indicator options of the new layer, keeping the indicator when it exists."""
    st = validate(q, couche, ind)
    options = [{"label": choice_label(i), "value": i.id} for i in indicators(q, st.couche)]
    return options, st.ind


def on_filter(q: Gateway, reg, dep, arr):
    """Filter changed: options of the lower levels, their values (cleared when out of the
    parent), and the map viewport zoomed to the most specific unit."""
    reg = valid_admin(q, "region", reg)
    dep = valid_admin(q, "departement", dep)
    arr = valid_admin(q, "arrondissement", arr)
    units = admin_units(q)
    if dep and reg and not ((units["code"] == dep) & (units["region"] == reg)).any():
        dep = None
    if arr:
        row = units[(units["level"] == "arrondissement") & (units["code"] == arr)].iloc[0]
        if (dep and row["departement"] != dep) or (reg and row["region"] != reg):
            arr = None
    dep_opts = filter_options(q, "departement", reg)
    arr_opts = filter_options(q, "arrondissement", reg, dep)
    b = filter_bounds(q, reg, dep, arr) or NATIONAL_BOUNDS
    return dep_opts, arr_opts, dep, arr, {"bounds": b, "transition": "flyToBounds"}


def on_view(q: Gateway, couche, ind, classes, reg, dep, arr):
    """Everything that depends on layer, indicator, classification and filters."""
    st = validate(q, couche, ind, classes, reg, dep, arr)
    v = view_model(q, st)
    legend = C.legend(v.legend, v.indicator.title, v.note)
    n = len(v.keys)
    status = (
        f"{n} {'entité affichée' if n <= 1 else 'entités affichées'} — {get_layer(st.couche).label}"
    )
    urls = data_urls(q, st)
    rows, rows_url = table_rows(q, st, v.table)
    return (
        urls["geo"],
        with_drawing(q, st, v.hideout, rows_url),
        legend,
        rows,
        grid_columns(v.table, v.indicator.decimals),
        status,
        urls["points"],
        urls["base-dep"],
        urls["base-reg"],
        urls["frames"],
    )


def with_drawing(q: Gateway, st: MapState, hideout: dict, rows_url: str | None = None) -> dict:
    """The style data of the map plus how to draw it (read by ``assets/carte.js``): ``canvas``
    for the ~35,000 communes (one canvas, not 35,000 SVG paths), ``labels`` the URLs of the
    place names of the view (overseas insets in the national view), ``rows`` the address of
    the table's rows when the layout does not carry them (see :func:`table_rows`)."""
    return {
        **hideout,
        "canvas": get_layer(st.couche).table == "commune",
        "labels": labels_urls(q, not st.filtered),
        "rows": rows_url,
    }


INLINE_ROWS = 5000  # above, the table's rows come after the map, from /_carte/rows


def table_rows(q: Gateway, st: MapState, table) -> tuple[list[dict], str | None]:
    """(rows for the grid, None), or for a table of more than :data:`INLINE_ROWS` rows (the
    communes of France or of a large région), ([], the address of its rows): 4 MB in the
    layout would delay the map; the browser fetches them once the map is drawn."""
    if len(table) <= INLINE_ROWS:
        return table.to_dict("records"), None
    return [], rows_url(q, st)


def data_urls(q: Gateway, st: MapState) -> dict[str, str]:
    """The URL each data layer of the map loads for a state (component name -> URL)."""
    return {
        "geo": layer_url(q, st.couche, st.reg, st.dep, st.arr),
        "points": (
            points_url(q, st.reg, st.dep, st.arr) if st.couche == "arrondissement" else EMPTY_URL
        ),
        "base-dep": base_url(q, "departement", not st.filtered),
        "base-reg": base_url(q, "region", not st.filtered),
        "frames": EMPTY_URL if st.filtered else frames_url(q),
    }


def on_select(q: Gateway, selection, couche, reg, dep, arr):
    """Selection changed: the side panel and the outline of the selected unit."""
    st = validate(q, couche, None, None, reg, dep, arr)
    key = selection.get("key") if isinstance(selection, dict) else None
    sel_layer = selection.get("couche") if isinstance(selection, dict) else None
    # a commune found by the search is shown on any layer (its outline and a pin)
    shown = sel_layer if sel_layer in (st.couche, PIN_LAYER) else None
    if shown is None or not has_key(q, shown, key):
        return panel_empty(), EMPTY_URL
    content = with_profile_link(q, panel(detail(q, shown, key)), selection)
    return content, outline_url(q, shown, key, not st.filtered)


def on_search(q: Gateway, typed):
    """Options of the search box for the typed text (unchanged for under two characters)."""
    if not isinstance(typed, str) or len(typed.strip()) < 2:
        return no_update
    # ``search`` holds the typed text: the dropdown's own filter must not hide the server's
    # accent-insensitive matches (nor a commune's territory, whose name may not contain it)
    typed = typed[:80]
    return [
        {"label": r["label"], "value": f"{r['kind']}:{r['key']}", "search": f"{typed} {r['label']}"}
        for r in search(q, typed)
    ]


def on_pick(q: Gateway, value, couche):
    """A search result chosen: the layer to show, the selection, the viewport."""
    if not isinstance(value, str) or ":" not in value or len(value) > 40:
        return no_update, no_update, no_update
    kind, _, key = value.partition(":")
    if kind == PIN_LAYER:
        return pick_commune(q, key, couche)
    if kind not in LAYERS or not has_key(q, kind, key):
        return no_update, no_update, no_update
    b = unit_bounds(q, get_layer(kind).shape, [key])
    viewport = {"bounds": b, "transition": "flyToBounds"} if b else no_update
    return kind, {"couche": kind, "key": key}, viewport


PIN_LAYER = "commune"  # what the search pins on any layer
PIN_KEY = "com"  # its code in the address, beside ``sel`` (the unit of the layer)
# a commune is small: the view fits it with a margin, never closer than a town's context
PIN_VIEW = {"transition": "flyToBounds", "options": {"padding": [60, 60], "maxZoom": 11}}


def pick_commune(q: Gateway, code, couche):
    """A commune chosen in the search: the layer stays, the commune is selected (its panel,
    outline and pin on any layer), the view fits it with a margin."""
    com = commune(q, code)
    if com is None:
        return no_update, no_update, no_update
    layer = couche if isinstance(couche, str) and couche in LAYERS else DEFAULT_LAYER
    viewport = {**PIN_VIEW, "bounds": com["bounds"]} if com["bounds"] else no_update
    return layer, {"couche": PIN_LAYER, "key": com["code"]}, viewport


def on_url(couche, ind, classes, reg, dep, arr, selection, center, zoom, pathname=MAP_PATH):
    """The query string of the current state (no database access: cheap on every map move);
    nothing when another page is on screen."""
    if pathname != MAP_PATH:
        return no_update
    sel = (
        selection.get("key")
        if isinstance(selection, dict) and selection.get("couche") == couche
        else None
    )
    pin = (
        selection.get("key")
        if isinstance(selection, dict) and selection.get("couche") == PIN_LAYER and sel is None
        else None
    )
    st = UrlState(
        couche=text(couche),
        ind=text(ind, 64),
        classes=text(classes),
        reg=text(reg),
        dep=text(dep),
        arr=text(arr),
        sel=text(sel),
        vue=format_view(center, zoom),
        extra={PIN_KEY: pin} if text(pin) else {},
    )
    return st.to_search()


def on_download(q: Gateway, fmt, couche, ind, classes, reg, dep, arr):
    """The exported file: exactly the rows of the table, with the provenance note."""
    st = validate(q, couche, ind, classes, reg, dep, arr)
    v = view_model(q, st)
    stem = f"territoires-industrie_{st.couche}_{st.ind}"
    if st.filtered:
        stem += "_" + (st.arr or st.dep or st.reg)
    return exports.download(v.table, fmt, stem, v.note, demo=v.indicator.generated)


def on_download_click(q: Gateway, fired: str, _csv, _xlsx, couche, ind, classes, reg, dep, arr):
    """One of the two download buttons clicked: the file in the format of that button."""
    fmt = "xlsx" if fired == "dl-xlsx" else "csv"
    return on_download(q, fmt, couche, ind, classes, reg, dep, arr)
