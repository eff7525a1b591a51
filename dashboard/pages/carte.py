"""Home page: the map explorer (layout + wiring; the logic is in :mod:`dashboard.mapview`)."""

from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_leaflet as dl
from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from flask import Response, request

from dashboard import components as C
from dashboard import figures as F
from dashboard import mapview as M
from dashboard.pages import Page
from dashboard.queries import LAYERS, Queries, get_layer


def ns(name: str) -> dict:
    """A function of ``assets/carte.js`` (window.tiCarte) for a dash-leaflet functional prop."""
    return {"variable": f"tiCarte.{name}"}


P = M.PREFIX


def _id(name: str) -> str:
    return f"{P}-{name}"


def layout(q: Queries, state: C.UrlState):
    st = M.from_url(q, state)
    view = C.parse_view(state.vue)
    if view:
        map_kwargs = {"center": view[0], "zoom": view[1]}
    else:  # dash-leaflet needs a centre and zoom; the viewport then fits the bounds exactly
        bounds = M.initial_bounds(q, st)
        center, zoom = M.center_zoom(bounds)
        map_kwargs = {"center": center, "zoom": zoom, "viewport": {"bounds": bounds}}
    ind_options, _ = M.on_layer(q, st.couche, st.ind)
    selection = {"couche": st.couche, "key": st.sel} if st.sel else None
    # every output starts filled in, so no callback runs on load (the map is drawn sooner)
    (geo_url, hideout, legend, rows, columns, status, points_url, base_dep, base_reg, frames) = (
        M.on_view(q, st.couche, st.ind, st.classes, st.reg, st.dep, st.arr)
    )
    panel, sel_url = M.on_select(q, selection, st.couche, st.reg, st.dep, st.arr)
    panel = with_profile_link(q, panel, selection)
    return html.Div(
        className="ti-carte",
        children=[
            dcc.Store(id=_id("selection"), data=selection),
            html.Aside(
                className="ti-controls",
                **{"aria-label": "Réglages de la carte"},
                children=[
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label(
                                "Rechercher une commune, un EPCI, un territoire",
                                htmlFor=_id("search"),
                            ),
                            C.dropdown(
                                _id("search"), [], placeholder="ex. Rouen", search_order="original"
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Couche", htmlFor=_id("layer")),
                            C.dropdown(
                                _id("layer"),
                                [{"label": lay.label, "value": lay.id} for lay in LAYERS.values()],
                                st.couche,
                                clearable=False,
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Indicateur", htmlFor=_id("ind")),
                            C.dropdown(_id("ind"), ind_options, st.ind, clearable=False),
                        ],
                    ),
                    html.Fieldset(
                        className="ti-field",
                        children=[
                            html.Legend("Classes"),
                            dcc.RadioItems(
                                id=_id("method"),
                                value=st.classes,
                                className="ti-radio",
                                options=[{"label": v, "value": k} for k, v in F.METHODS.items()],
                            ),
                        ],
                    ),
                    C.admin_filters(
                        P,
                        q.filter_options("region"),
                        q.filter_options("departement", st.reg),
                        q.filter_options("arrondissement", st.reg, st.dep),
                        state_for_filters(st),
                    ),
                    html.Div(
                        legend, id=_id("legend"), className="ti-legend", **{"aria-live": "polite"}
                    ),
                ],
            ),
            html.Div(
                className="ti-mapwrap",
                children=[
                    dl.Map(
                        id=_id("map"),
                        className="ti-map",
                        zoomSnap=0.25,
                        zoomDelta=0.5,
                        minZoom=3,
                        maxZoom=13,
                        attributionControl=False,
                        keyboard=True,
                        children=[
                            dl.GeoJSON(
                                id=_id("base-dep"),
                                url=base_dep,
                                format="geobuf",
                                interactive=False,
                                style={"color": "#9a9a9a", "weight": 0.6, "fill": False},
                            ),
                            dl.GeoJSON(
                                id=_id("frames"),
                                url=frames,
                                interactive=False,
                                style={
                                    "color": "#777",
                                    "weight": 0.8,
                                    "fill": False,
                                    "dashArray": "3",
                                },
                            ),
                            dl.GeoJSON(
                                id=_id("geo"),
                                url=geo_url,
                                format="geobuf",
                                style=ns("style"),
                                hoverStyle=ns("hover"),
                                onEachFeature=ns("tooltip"),
                                hideout=hideout,
                                bubblingMouseEvents=False,
                            ),
                            dl.GeoJSON(
                                id=_id("base-reg"),
                                url=base_reg,
                                format="geobuf",
                                interactive=False,
                                style={"color": "#3a3a3a", "weight": 1.2, "fill": False},
                            ),
                            dl.GeoJSON(
                                id=_id("sel-geo"),
                                url=sel_url,
                                interactive=False,
                                style={"color": F.SELECTED_COLOR, "weight": 3, "fill": False},
                            ),
                            dl.GeoJSON(
                                id=_id("points"),
                                url=points_url,
                                pointToLayer=ns("point"),
                                onEachFeature=ns("pointTooltip"),
                            ),
                        ],
                        **map_kwargs,
                    ),
                    html.Div(status, id=_id("status"), className="ti-status", role="status"),
                ],
            ),
            html.Aside(
                id=_id("panel"),
                className="ti-panel",
                **{"aria-live": "polite", "aria-label": "Fiche"},
                children=panel,
            ),
            html.Section(
                className="ti-tablewrap",
                **{"aria-label": "Tableau des données affichées"},
                children=[
                    html.Div(
                        className="ti-table-bar",
                        children=[
                            html.H2("Données affichées", className="ti-h2"),
                            html.Button("Télécharger CSV", id=_id("dl-csv"), className="ti-button"),
                            html.Button(
                                "Télécharger XLSX", id=_id("dl-xlsx"), className="ti-button"
                            ),
                            dcc.Download(id=_id("download")),
                        ],
                    ),
                    dag.AgGrid(
                        id=_id("grid"),
                        className="ag-theme-alpine ti-grid",
                        rowData=rows,
                        columnDefs=columns,
                        defaultColDef={"sortable": True, "resizable": True},
                        dashGridOptions={
                            "animateRows": False,
                            "ensureDomOrder": True,
                            "suppressFieldDotNotation": True,
                            "suppressCellFocus": False,
                        },
                        style={"height": "420px"},
                    ),
                ],
            ),
        ],
    )


def with_profile_link(q: Queries, panel, selection):
    """The side panel of a territory, with a link to its profile page (``/territoire/<wave>/<id>``)."""
    if not isinstance(selection, dict) or not isinstance(panel, list) or len(panel) < 2:
        return panel
    layer = (
        LAYERS.get(selection.get("couche")) if isinstance(selection.get("couche"), str) else None
    )
    key = selection.get("key")
    if layer is None or layer.wave is None or not q.has_key(layer.id, key):
        return panel
    return [
        *panel,
        dcc.Link(
            "Fiche du territoire",
            href=f"/territoire/{layer.wave}/{key}",
            id=_id("profile-link"),
            className="ti-filter-link",
        ),
    ]


def state_for_filters(st: M.MapState) -> C.UrlState:
    return C.UrlState(reg=st.reg, dep=st.dep, arr=st.arr)


def register(app, q: Queries) -> None:
    """Callbacks and data routes of the map page for ``app``."""
    _routes(app.server, q)

    @app.callback(
        Output(_id("ind"), "options"),
        Output(_id("ind"), "value"),
        Input(_id("layer"), "value"),
        State(_id("ind"), "value"),
        prevent_initial_call=True,
    )
    def _layer(couche, ind):
        return M.on_layer(q, couche, ind)

    @app.callback(
        Output(_id("dep"), "options"),
        Output(_id("arr"), "options"),
        Output(_id("dep"), "value"),
        Output(_id("arr"), "value"),
        Output(_id("map"), "viewport"),
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        Input(_id("arr"), "value"),
        prevent_initial_call=True,
    )
    def _filter(reg, dep, arr):
        return M.on_filter(q, reg, dep, arr)

    @app.callback(
        Output(_id("geo"), "url"),
        Output(_id("geo"), "hideout"),
        Output(_id("legend"), "children"),
        Output(_id("grid"), "rowData"),
        Output(_id("grid"), "columnDefs"),
        Output(_id("status"), "children"),
        Output(_id("points"), "url"),
        Output(_id("base-dep"), "url"),
        Output(_id("base-reg"), "url"),
        Output(_id("frames"), "url"),
        Input(_id("layer"), "value"),
        Input(_id("ind"), "value"),
        Input(_id("method"), "value"),
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        Input(_id("arr"), "value"),
        prevent_initial_call=True,
    )
    def _view(couche, ind, method, reg, dep, arr):
        return M.on_view(q, couche, ind, method, reg, dep, arr)

    @app.callback(
        Output(_id("panel"), "children"),
        Output(_id("sel-geo"), "url"),
        Input(_id("selection"), "data"),
        Input(_id("layer"), "value"),
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        Input(_id("arr"), "value"),
        prevent_initial_call=True,
    )
    def _select(selection, couche, reg, dep, arr):
        panel, sel_url = M.on_select(q, selection, couche, reg, dep, arr)
        return with_profile_link(q, panel, selection), sel_url

    @app.callback(
        Output(_id("search"), "options"),
        Input(_id("search"), "search_value"),
        prevent_initial_call=True,
    )
    def _search(text):
        return M.on_search(q, text)

    @app.callback(
        Output(_id("layer"), "value"),
        Output(_id("selection"), "data"),
        Output(_id("map"), "viewport", allow_duplicate=True),
        Input(_id("search"), "value"),
        State(_id("layer"), "value"),
        prevent_initial_call=True,
    )
    def _pick(value, couche):
        return M.on_pick(q, value, couche)

    # a click selects: clientside, so the clicked feature (geometry included) never goes to the server
    app.clientside_callback(
        ClientsideFunction(namespace="tiCarte", function_name="clickToSelection"),
        Output(_id("selection"), "data", allow_duplicate=True),
        Input(_id("geo"), "clickData"),
        State(_id("layer"), "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input(_id("layer"), "value"),
        Input(_id("ind"), "value"),
        Input(_id("method"), "value"),
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        Input(_id("arr"), "value"),
        Input(_id("selection"), "data"),
        Input(_id("map"), "center"),
        Input(_id("map"), "zoom"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _url(couche, ind, method, reg, dep, arr, selection, center, zoom, pathname):
        if pathname != "/":
            return no_update
        return M.on_url(couche, ind, method, reg, dep, arr, selection, center, zoom)

    @app.callback(
        Output(_id("download"), "data"),
        Input(_id("dl-csv"), "n_clicks"),
        Input(_id("dl-xlsx"), "n_clicks"),
        State(_id("layer"), "value"),
        State(_id("ind"), "value"),
        State(_id("method"), "value"),
        State(_id("reg"), "value"),
        State(_id("dep"), "value"),
        State(_id("arr"), "value"),
        prevent_initial_call=True,
    )
    def _download(_csv, _xlsx, couche, ind, method, reg, dep, arr):
        fmt = "xlsx" if ctx.triggered_id == _id("dl-xlsx") else "csv"
        return M.on_download(q, fmt, couche, ind, method, reg, dep, arr)


def _routes(server, q: Queries) -> None:
    """GeoJSON endpoints: geometry travels once per layer/filter, cached by the browser."""

    def geojson(body: bytes) -> Response:
        r = Response(body, mimetype="application/json")  # JSON: compressed by flask-compress
        # URLs carry the database version: a rebuild changes them, so they can be cached
        r.headers["Cache-Control"] = "public, max-age=86400"
        return r

    def pbf(pair: tuple[bytes, bytes]) -> Response:
        raw, gz = pair
        if request.args.get("fmt") == "json":  # for people and tests: the same data as GeoJSON
            import geobuf

            return geojson(json.dumps(geobuf.decode(raw)).encode())
        zipped = "gzip" in request.headers.get("Accept-Encoding", "")
        r = Response(gz if zipped else raw, mimetype="application/x-protobuf")
        if zipped:
            r.headers["Content-Encoding"] = "gzip"
        r.headers["Vary"] = "Accept-Encoding"
        r.headers["Cache-Control"] = "public, max-age=86400"
        return r

    def arg(name: str):
        v = request.args.get(name)
        return v if v and len(v) <= M.MAX_KEY_LEN else None

    @server.route("/_carte/geo")
    def carte_geo():
        st = M.validate(q, arg("couche"), None, None, arg("reg"), arg("dep"), arg("arr"))
        layer = get_layer(st.couche)
        if st.filtered:
            keys = tuple(q.filtered_keys(st.couche, st.reg, st.dep, st.arr))
            return pbf(q.geobuf(layer.shape, level="medium", inset=False, keys=keys))
        return pbf(q.geobuf(layer.shape, level="coarse", inset=True))

    @server.route("/_carte/base")
    def carte_base():
        kind = "base_region" if arg("kind") == "region" else "base_departement"
        inset = arg("inset") != "0"
        return pbf(q.geobuf(kind, level="coarse" if inset else "medium", inset=inset, names=False))

    @server.route("/_carte/frames")
    def carte_frames():
        return geojson(q.inset_frames())

    @server.route("/_carte/points")
    def carte_points():
        st = M.validate(q, "arrondissement", None, None, arg("reg"), arg("dep"), arg("arr"))
        keys = (
            tuple(q.filtered_keys("arrondissement", st.reg, st.dep, st.arr))
            if st.filtered
            else None
        )
        return geojson(q.chef_lieux(keys, inset=not st.filtered))

    @server.route("/_carte/sel")
    def carte_sel():
        couche = arg("couche")
        key = arg("key")
        if couche not in LAYERS or not q.has_key(couche, key):
            return geojson(M.EMPTY)
        inset = arg("inset") != "0"
        return geojson(
            q.geojson(
                get_layer(couche).shape,
                level="coarse" if inset else "medium",
                inset=inset,
                keys=(key,),
                names=False,
            )
        )

    @server.route("/_carte/empty")
    def carte_empty():
        return geojson(M.EMPTY)


PAGE = Page(path="/", title="Carte", order=0, layout=layout, register=register)
