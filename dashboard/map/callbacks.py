"""Every callback of the map page as a plain function (wired in ``dashboard/pages/carte.py``).

Each parses its (untrusted) inputs, calls the query layer and the builders, and returns plain
values; unknown ids and hostile strings give an empty or default state.
"""

from __future__ import annotations

from dataclasses import fields

from dash import no_update

from dashboard.core import components as C
from dashboard.core import exports
from dashboard.core import palettes as P
from dashboard.core.admin import admin_units, filter_bounds, filter_options, valid_admin
from dashboard.core.admin import bounds as unit_bounds
from dashboard.core.compare import region_name, unit_comparison
from dashboard.core.gateway import Gateway
from dashboard.core.geometry import national_level
from dashboard.core.indicators import families
from dashboard.core.layers import DEFAULT_LAYER, LAYERS, get_layer, has_key
from dashboard.core.links import MAP_PATH
from dashboard.core.mapview import (
    EMPTY_URL,
    NATIONAL_BOUNDS,
    base_url,
    centres_url,
    frames_url,
    labels_urls,
    layer_url,
    outline_url,
    points_url,
    rows_url,
)
from dashboard.core.search import commune, search
from dashboard.core.units import detail
from dashboard.core.urlstate import format_view, history_entry
from dashboard.map.panel import panel, panel_empty, with_profile_link
from dashboard.map.state import REPRESENTATIONS, VIEW_KEYS, MapState, from_inputs, to_url, validate
from dashboard.map.view import grid_columns, parse_sort, sort_param, view_model

NO_SINCE = ""  # the "no change map" choice of the "since" dropdown


def indicator_options(q: Gateway, couche: str) -> list[dict]:
    """One entry per indicator (its years are chosen apart), with its years and
    "données fictives" when generated."""
    out = []
    for f in families(q, couche):
        years = f" ({f.years[0]}-{f.years[-1]})" if len(f.years) > 1 else ""
        demo = " — données fictives" if f.latest.generated else ""
        out.append({"label": f"{f.label}{years}{demo}", "value": f.id})
    return out


def on_controls(q: Gateway, couche, ind, annee, depuis, rep, fond, palette):
    """Layer, indicator, year or change chosen: the choices that depend on them (indicators of
    the layer, its years, the earlier years, the palettes of a change or not, circles or
    colours for a count, the rates to draw under circles) and their validated values."""
    st = validate(q, couche, ind, annee, depuis, None, None, None, palette, None, rep, fond)
    fam = next(f for f in families(q, st.couche) if f.id == st.ind)
    years = [{"label": str(y), "value": str(y)} for y in reversed(fam.years)]
    since = [{"label": "Pas d'évolution", "value": NO_SINCE}] + [
        {"label": f"Depuis {y}", "value": str(y)}
        for y in reversed(fam.years)
        if y < (st.annee or 0)
    ]
    rates = [{"label": "Aucune", "value": ""}] + [
        {"label": f.label, "value": f.id} for f in families(q, st.couche) if not f.is_count
    ]
    reps = [
        {"label": label, "value": k, "disabled": not fam.is_count or st.change}
        for k, label in REPRESENTATIONS.items()
    ]
    return (
        indicator_options(q, st.couche),
        st.ind,
        years,
        str(st.annee) if st.annee is not None else None,
        len(fam.years) < 2,  # the year fields are hidden for an indicator of one year
        since,
        str(st.depuis) if st.depuis is not None else NO_SINCE,
        P.options(diverging=st.change),
        st.palette,
        reps,
        st.rep,
        rates,
        st.fond or "",
        not st.circles,  # the "colour under the circles" field is hidden without circles
        st.circles and not st.fond,  # no colours, no classes
    )


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


def on_view(q: Gateway, *values):
    """Everything that depends on the layer, indicator, year, classes and filters (inputs in the
    order of :data:`dashboard.map.state.VIEW_KEYS`), then the map's zoom (a state: the national
    view of a map zoomed in is loaded at the coarse level at once, see :func:`detail_urls`)."""
    n = len(VIEW_KEYS)
    return view_outputs(q, values[:n], INLINE_ROWS, values[n] if len(values) > n else None)


def view_outputs(q: Gateway, values, inline_rows: int, zoom=None):
    """The outputs of :func:`on_view`, the table's rows inline up to ``inline_rows`` rows (the
    page's first layout sends none: the map is drawn first, see :func:`table_rows`); ``zoom``
    the map's, when known."""
    st = from_inputs(q, values)
    zoomed = zoomed_in(zoom)
    v = view_model(q, st)
    legend = C.legend(v.legend, v.legend_title, v.note, v.scale_note) if v.legend else []
    if v.circles:
        legend = [C.circle_legend(v.circles, v.measure.title), *legend]
        if not v.legend:
            legend.append(C.legend_note(v.note))
    n = len(v.keys)
    status = (
        f"{n} {'entité affichée' if n <= 1 else 'entités affichées'} — {get_layer(st.couche).label}"
    )
    urls = data_urls(q, st, national=not zoomed)
    rows, rows_url = table_rows(q, st, v.table, inline_rows)
    hideout = with_drawing(q, st, v.hideout, rows_url, national=not zoomed)
    polygons = polygons_hideout(hideout)
    return (
        urls["geo"],
        polygons,
        legend,
        rows,
        grid_columns(v.table, v.measure.decimals),
        status,
        urls["points"],
        urls["base-dep"],
        urls["base-reg"],
        urls["frames"],
        urls["circles"],
        circles_hideout(hideout, st.circles),
        st.message or "",
    )


def with_drawing(
    q: Gateway, st: MapState, hideout: dict, rows_url: str | None = None, national: bool = True
) -> dict:
    """The style data of the map plus how to draw it (read by ``assets/carte.js``): ``canvas``
    for the ~35,000 communes (one canvas, not 35,000 SVG paths), ``labels`` the URLs of the
    place names of the view (overseas insets in the national view), ``rows`` the address of
    the table's rows when the layout does not carry them (see :func:`table_rows`)."""
    return {
        **hideout,
        "canvas": get_layer(st.couche).table == "commune",
        "labels": labels_urls(q, not st.filtered),
        "rows": rows_url,
        "detail": detail_urls(q, st) if national else None,
    }


DETAIL_ZOOM = 6.5  # from this zoom a pixel is under the national level's ~1.5 km: coarse level


def zoomed_in(zoom) -> bool:
    """A map zoomed past the national level's scale (``zoom``: untrusted, None when unknown)."""
    return isinstance(zoom, int | float) and not isinstance(zoom, bool) and zoom >= DETAIL_ZOOM


def detail_urls(q: Gateway, st: MapState) -> dict | None:
    """The national view draws its ``national`` level first (half the points of ``coarse``);
    zoomed in from :data:`DETAIL_ZOOM`, the map loads these URLs instead (component of the page
    -> URL, read by ``assets/carte.js``). None for a filtered view (drawn at the ``medium`` level)."""
    if st.filtered:
        return None
    return {
        "zoom": DETAIL_ZOOM,
        "urls": {
            "geo": layer_url(q, st.couche),
            "base-dep": base_url(q, "departement", True),
            "base-reg": base_url(q, "region", True),
        },
    }


def polygons_hideout(hideout: dict) -> dict:
    """The style data of the polygons' layer, without what only the circles read (their radii),
    and one ``fill`` instead of a colour per unit when every unit has the same (a count drawn as
    circles over a neutral fill: 30 kB less in the EPCI layout)."""
    out = {k: v for k, v in hideout.items() if k != "radius"}
    colors = set(hideout["colors"].values())
    if len(colors) == 1:
        out["colors"], out["fill"] = {}, colors.pop()
    return out


def circles_hideout(hideout: dict, circles: bool) -> dict:
    """The style data of the circles' layer: their radii and how to draw them. Their colours,
    values and tooltips are the polygons' (``assets/carte.js`` reads them from the polygons'
    hideout), sent once: 95 kB less in the EPCI layout."""
    kept = ("radius", "fondLabel", "canvas") if circles else ("canvas",)
    return {k: hideout[k] for k in kept if k in hideout}


INLINE_ROWS = 5000  # above, the table's rows come after the map, from /_carte/rows


def table_rows(
    q: Gateway, st: MapState, table, inline_rows: int = INLINE_ROWS
) -> tuple[list[dict], str | None]:
    """(rows for the grid, None), or for a table of more than ``inline_rows`` rows (the
    communes of France or of a large région; any table in the page's first layout), ([], the
    address of its rows): rows in the layout delay the map (4 MB for the communes, 211 kB for
    the EPCI); the browser fetches them and hands them to the grid once the map is drawn."""
    if len(table) <= inline_rows:
        return table.to_dict("records"), None
    url = to_url(st.without_selection())
    return [], rows_url(q, {f.name: getattr(url, f.name) for f in fields(url) if f.name != "extra"})


def data_urls(q: Gateway, st: MapState, national: bool = True) -> dict[str, str]:
    """The URL each data layer of the map loads for a state (component name -> URL); the
    national view at its ``national`` level unless ``national`` is False (a map zoomed in)."""
    national_layer = national and national_level(q, get_layer(st.couche).shape) == "national"
    return {
        "geo": layer_url(q, st.couche, st.reg, st.dep, st.arr, national=national_layer),
        "points": (
            points_url(q, st.reg, st.dep, st.arr) if st.couche == "arrondissement" else EMPTY_URL
        ),
        "base-dep": base_url(q, "departement", not st.filtered, national=national),
        "base-reg": base_url(q, "region", not st.filtered, national=national),
        "frames": EMPTY_URL if st.filtered else frames_url(q),
        "circles": (
            centres_url(q, st.couche, st.ind, st.annee, st.reg, st.dep, st.arr)
            if st.circles
            else EMPTY_URL
        ),
    }


def on_select(q: Gateway, selection, couche, reg, dep, arr):
    """Selection changed: the side panel and the outline of the selected unit."""
    st = validate(q, couche, reg=reg, dep=dep, arr=arr)
    key = selection.get("key") if isinstance(selection, dict) else None
    sel_layer = selection.get("couche") if isinstance(selection, dict) else None
    # a commune found by the search is shown on any layer (its outline and a pin)
    shown = sel_layer if sel_layer in (st.couche, PIN_LAYER) else None
    if shown is None or not has_key(q, shown, key):
        return panel_empty(), EMPTY_URL
    d = detail(q, shown, key)
    comps = unit_comparison(q, shown, key)
    content = with_profile_link(q, panel(d, comps, region_name(q, shown, key)), selection)
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


def on_url(q: Gateway, *values):
    """The address of the current state (:func:`dashboard.core.urlstate.history_entry`): the
    view inputs (:data:`VIEW_KEYS`), then the selection, the map's centre and zoom, the table's
    column state and the page's path. Nothing when another page is on screen. A commune pinned
    by the search on another layer is kept as ``com=``."""
    n = len(VIEW_KEYS)
    view, rest = list(values[:n]), list(values[n:]) + [None] * 5
    selection, center, zoom, column_state, pathname = rest[:5]
    if pathname != MAP_PATH:
        return no_update
    st = from_inputs(q, view)
    sel = selection.get("key") if isinstance(selection, dict) else None
    if isinstance(selection, dict) and selection.get("couche") == st.couche:
        st = validate(q, *view, sel=sel)
    return history_entry(
        address(q, st, selection, format_view(center, zoom), sort_param(column_state))
    )


def address(q: Gateway, st, selection, vue: str | None = None, tri: str | None = None) -> str:
    """The query string of the state ``st`` (its selection included when on its layer), the
    map's view ``vue`` and the table's sort ``tri``; a commune pinned by the search on another
    layer as ``com=``. What :func:`on_url` writes, and what the layout names as the page's own
    address (``data-ti-address``, read by ``assets/nav.js``)."""
    url = to_url(st)
    url.vue, url.tri = vue, tri
    sel = selection.get("key") if isinstance(selection, dict) else None
    if isinstance(selection, dict) and selection.get("couche") == PIN_LAYER and st.sel is None:
        if has_key(q, PIN_LAYER, sel):
            url.extra = {PIN_KEY: sel}
    return url.to_search()


def on_address(q: Gateway, *values):
    """:func:`on_url` with the map's view as the page's ``view`` store holds it (``{"center",
    "zoom"}``, or ``{"fit": true}`` while the map keeps the view it was created with)."""
    *head, view, column_state, pathname = values
    view = view if isinstance(view, dict) else {}
    return on_url(q, *head, view.get("center"), view.get("zoom"), column_state, pathname)


def on_download(q: Gateway, fmt, *values):
    """The exported file: exactly the rows of the table, with the provenance note."""
    st = from_inputs(q, values)
    v = view_model(q, st)
    stem = f"territoires-industrie_{st.couche}_{st.ind}"
    if st.annee is not None:
        stem += f"_{st.depuis}-{st.annee}" if st.change else f"_{st.annee}"
    if st.filtered:
        stem += "_" + (st.arr or st.dep or st.reg)
    note = v.note + (" — " + v.scale_note if v.scale_note else "")
    return exports.download(v.table, fmt, stem, note, demo=v.indicator.generated)


def on_download_click(q: Gateway, fired: str, _csv, _xlsx, *values):
    """One of the two download buttons clicked: the file in the format of that button."""
    fmt = "xlsx" if fired == "dl-xlsx" else "csv"
    return on_download(q, fmt, *values)


def initial_sort(tri) -> tuple[str, str] | None:
    """The table's sort asked for by the address."""
    return parse_sort(tri)
