"""The layout of the map page, every part filled in from the address (no callback on load)."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from dashboard.core import components as C
from dashboard.core import delivery
from dashboard.core.admin import filter_options
from dashboard.core.classify import METHODS
from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, has_key
from dashboard.core.mapview import EMPTY_URL, center_zoom
from dashboard.core.theme import SELECTED_COLOR
from dashboard.core.urlstate import UrlState, parse_view
from dashboard.map.callbacks import (
    PIN_KEY,
    PIN_LAYER,
    data_urls,
    on_layer,
    on_select,
    on_view,
)
from dashboard.map.state import from_url
from dashboard.map.view import initial_bounds

PREFIX = "carte"


def ns(name: str) -> dict:
    """A function of ``assets/carte.js`` (window.tiCarte) for a dash-leaflet functional prop."""
    return {"variable": f"tiCarte.{name}"}


def cid(name: str) -> str:
    """The id of a component of the map page."""
    return f"{PREFIX}-{name}"


def preload(q: Gateway, state: UrlState) -> list[tuple[str, str]]:
    """What the map draws first, for the index page's preload hints: the layer and its outlines
    (the same URLs as the layout's), then dash-leaflet's GeoJSON and Geobuf chunks."""
    urls = data_urls(q, from_url(q, state))
    data = [(u, "fetch") for u in urls.values() if u != EMPTY_URL]
    return data + delivery.map_chunk_hints()


def pinned(q: Gateway, state: UrlState) -> dict | None:
    """The commune the address pins (``com=``, set by the search), when it is one."""
    code = state.extra.get(PIN_KEY)
    return {"couche": PIN_LAYER, "key": code} if has_key(q, PIN_LAYER, code) else None


def layout(q: Gateway, state: UrlState):
    """The map page for the state its address asks for."""
    st = from_url(q, state)
    view = parse_view(state.vue)
    if view:
        map_kwargs = {"center": view[0], "zoom": view[1]}
    else:  # dash-leaflet needs a centre and zoom; the viewport then fits the bounds exactly
        bounds = initial_bounds(q, st)
        center, zoom = center_zoom(bounds)
        map_kwargs = {"center": center, "zoom": zoom, "viewport": {"bounds": bounds}}
    ind_options, _ = on_layer(q, st.couche, st.ind)
    selection = {"couche": st.couche, "key": st.sel} if st.sel else pinned(q, state)
    # every output starts filled in, so no callback runs on load (the map is drawn sooner)
    (geo_url, hideout, legend, rows, columns, status, points_url, base_dep, base_reg, frames) = (
        on_view(q, st.couche, st.ind, st.classes, st.reg, st.dep, st.arr)
    )
    panel, sel_url = on_select(q, selection, st.couche, st.reg, st.dep, st.arr)
    return html.Div(
        className="ti-carte",
        children=[
            # never None: a Store whose data is None sets it again on mount, which would fire
            # the selection callback on every load for nothing
            dcc.Store(id=cid("selection"), data=selection or {}),
            html.Aside(
                className="ti-controls",
                **{"aria-label": "Réglages de la carte"},
                children=[
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label(
                                "Rechercher une commune, un EPCI, un territoire",
                                htmlFor=cid("search"),
                            ),
                            C.dropdown(
                                cid("search"), [], placeholder="ex. Rouen", search_order="original"
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Couche", htmlFor=cid("layer")),
                            C.dropdown(
                                cid("layer"),
                                [{"label": lay.label, "value": lay.id} for lay in LAYERS.values()],
                                st.couche,
                                clearable=False,
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Indicateur", htmlFor=cid("ind")),
                            C.dropdown(cid("ind"), ind_options, st.ind, clearable=False),
                        ],
                    ),
                    html.Fieldset(
                        className="ti-field",
                        children=[
                            html.Legend("Classes"),
                            dcc.RadioItems(
                                id=cid("method"),
                                value=st.classes,
                                className="ti-radio",
                                options=[{"label": v, "value": k} for k, v in METHODS.items()],
                            ),
                        ],
                    ),
                    C.admin_filters(
                        PREFIX,
                        filter_options(q, "region"),
                        filter_options(q, "departement", st.reg),
                        filter_options(q, "arrondissement", st.reg, st.dep),
                        UrlState(reg=st.reg, dep=st.dep, arr=st.arr),
                    ),
                    html.Div(
                        legend, id=cid("legend"), className="ti-legend", **{"aria-live": "polite"}
                    ),
                ],
            ),
            html.Div(
                className="ti-mapwrap",
                children=[
                    dl.Map(
                        id=cid("map"),
                        className="ti-map",
                        **C.MAP_OPTIONS,
                        children=[
                            C.outline_layer(cid("base-dep"), base_dep, "departement"),
                            dl.GeoJSON(
                                id=cid("frames"),
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
                                id=cid("geo"),
                                url=geo_url,
                                format="geobuf",
                                style=ns("style"),
                                hoverStyle=ns("hover"),
                                onEachFeature=ns("tooltip"),
                                hideout=hideout,
                                bubblingMouseEvents=False,
                            ),
                            C.outline_layer(cid("base-reg"), base_reg, "region"),
                            dl.GeoJSON(
                                id=cid("sel-geo"),
                                url=sel_url,
                                pointToLayer=ns("pin"),  # a searched commune's pin
                                interactive=False,
                                style={"color": SELECTED_COLOR, "weight": 3, "fill": False},
                            ),
                            dl.GeoJSON(
                                id=cid("points"),
                                url=points_url,
                                pointToLayer=ns("point"),
                                onEachFeature=ns("pointTooltip"),
                            ),
                        ],
                        **map_kwargs,
                    ),
                    html.Div(status, id=cid("status"), className="ti-status", role="status"),
                ],
            ),
            html.Aside(
                id=cid("panel"),
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
                            html.Button("Télécharger CSV", id=cid("dl-csv"), className="ti-button"),
                            html.Button(
                                "Télécharger XLSX", id=cid("dl-xlsx"), className="ti-button"
                            ),
                            dcc.Download(id=cid("download")),
                        ],
                    ),
                    C.grid(cid("grid"), rows, columns, 420),
                ],
            ),
        ],
    )
