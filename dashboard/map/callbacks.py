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
    layer_url,
    outline_url,
    points_url,
)
from dashboard.core.search import commune, container, search
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
    return (
        urls["geo"],
        v.hideout,
        legend,
        v.table.to_dict("records"),
        grid_columns(v.table, v.indicator.decimals),
        status,
        urls["points"],
        urls["base-dep"],
        urls["base-reg"],
        urls["frames"],
    )


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
    if sel_layer != st.couche or not has_key(q, st.couche, key):
        return panel_empty(), EMPTY_URL
    content = with_profile_link(q, panel(detail(q, st.couche, key)), selection)
    return content, outline_url(q, st.couche, key, not st.filtered)


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
    if kind == "commune":
        com = commune(q, key)
        if com is None:
            return no_update, no_update, no_update
        layer = couche if isinstance(couche, str) and couche in LAYERS else DEFAULT_LAYER
        target = container(layer, com)
        viewport = (
            {"bounds": com["bounds"], "transition": "flyToBounds"} if com["bounds"] else no_update
        )
        return layer, ({"couche": layer, "key": target} if target else None), viewport
    if kind not in LAYERS or not has_key(q, kind, key):
        return no_update, no_update, no_update
    b = unit_bounds(q, get_layer(kind).shape, [key])
    viewport = {"bounds": b, "transition": "flyToBounds"} if b else no_update
    return kind, {"couche": kind, "key": key}, viewport


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
    st = UrlState(
        couche=text(couche),
        ind=text(ind, 64),
        classes=text(classes),
        reg=text(reg),
        dep=text(dep),
        arr=text(arr),
        sel=text(sel),
        vue=format_view(center, zoom),
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
