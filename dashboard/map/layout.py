"""The layout of the map page, every part filled in from the address (no callback on load)."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from dashboard.core import classify as K
from dashboard.core import components as C
from dashboard.core.admin import filter_options
from dashboard.core.downloads import IMAGE, export_path
from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, get_layer, has_key
from dashboard.core.mapview import EMPTY_URL, center_zoom
from dashboard.core.theme import SELECTED_COLOR
from dashboard.core.urlstate import UrlState, parse_view
from dashboard.map.callbacks import (
    PIN_KEY,
    PIN_LAYER,
    address,
    data_urls,
    initial_sort,
    on_controls,
    on_select,
    view_outputs,
    zoomed_in,
)
from dashboard.map.report import report_link
from dashboard.map.state import from_url
from dashboard.map.view import grid_columns, initial_bounds, sort_param, view_model

PREFIX = "carte"
TABLE_HINT = (
    "Cliquez sur une ligne, ou placez-vous sur une ligne et appuyez sur Espace, pour "
    "sélectionner l'unité sur la carte et afficher sa fiche."
)


def ns(name: str) -> dict:
    """A function of ``assets/carte.js`` (window.tiCarte) for a dash-leaflet functional prop."""
    return {"variable": f"tiCarte.{name}"}


def cid(name: str) -> str:
    """The id of a component of the map page."""
    return f"{PREFIX}-{name}"


def preload(q: Gateway, state: UrlState) -> list[tuple[str, str]]:
    """What the map draws first, for the index page's preload hints: the layer and its outlines
    (the same URLs as the layout's; dash-leaflet's chunks are hinted for ``Page.lazy``)."""
    view = parse_view(state.vue)
    urls = data_urls(q, from_url(q, state), national=not zoomed_in(view[1] if view else None))
    return [(u, "data") for u in urls.values() if u != EMPTY_URL]


def pinned(q: Gateway, state: UrlState) -> dict | None:
    """The commune the address pins (``com=``, set by the search), when it is one."""
    code = state.extra.get(PIN_KEY)
    return {"couche": PIN_LAYER, "key": code} if has_key(q, PIN_LAYER, code) else None


def field(label: str, control, name: str, hidden: bool = False, wrap_id: str | None = None):
    """A labelled control of the page (``name``: the control's id without the page prefix)."""
    return C.field(label, control, cid(name), hidden=hidden, id=wrap_id)


def radios(name: str, legend: str, options: list[dict], value):
    """A named group of radio buttons (a fieldset whose legend names the group)."""
    return html.Fieldset(
        className="ti-field",
        children=[
            html.Legend(legend),
            dcc.RadioItems(id=cid(name), value=value, className="ti-radio", options=options),
        ],
    )


def layout(q: Gateway, state: UrlState):
    """The map page for the state its address asks for."""
    st = from_url(q, state)
    view = parse_view(state.vue)
    if view:
        map_kwargs = {"center": view[0], "zoom": view[1]}
    else:  # the map is created fitted to the bounds, in the size it has on screen, with no
        # zoom guessed beforehand: dash-leaflet would animate the fitted view to that zoom,
        # starting before the layers are drawn and drawing all of them a second time after.
        # (It needs a centre to report the view: the bounds' own, the fitted one.)
        bounds = initial_bounds(q, st)
        map_kwargs = {"bounds": bounds, "center": center_zoom(bounds)[0]}
    (ind_opts, _, years, year, no_years, since, since_v, pal_opts, pal, reps, rep, rates, fond,
     no_fond, no_classes) = on_controls(q, st.couche, st.ind, st.annee, st.depuis, st.rep, st.fond,
                            st.palette)  # fmt: skip
    selection = {"couche": st.couche, "key": st.sel} if st.sel else pinned(q, state)
    # every output starts filled in, so no callback runs on load (the map is drawn sooner)
    (geo_url, hideout, legend, rows, _cols, status, points_url, base_dep, base_reg, frames,
     circles_url, circles_hideout, message) = view_outputs(
        q, (st.couche, st.ind, st.annee, st.depuis, st.classes, st.nb, st.portee, st.palette,
        K.format_thresholds(st.seuils), st.rep, st.fond, st.reg, st.dep, st.arr), inline_rows=0,
        zoom=view[1] if view else None)  # fmt: skip
    v = view_model(q, st)
    columns = grid_columns(v.table, v.measure.decimals, initial_sort(state.tri))
    # the address the page will write for itself (the sort the grid reports once mounted):
    # assets/nav.js replaces a bare or partial address with it, never adds an entry for it
    own_address = address(q, st, selection, tri=sort_param(columns))
    panel, sel_url = on_select(q, selection, st.couche, st.reg, st.dep, st.arr)
    key_field = get_layer(st.couche).key_label
    controls = [
        field(
            "Rechercher une commune, un EPCI, un territoire",
            C.dropdown(cid("search"), [], placeholder="ex. Rouen", search_order="original"),
            "search",
        ),
        field(
            "Couche",
            C.dropdown(
                cid("layer"),
                [{"label": lay.label, "value": lay.id} for lay in LAYERS.values()],
                st.couche,
                clearable=False,
            ),
            "layer",
        ),
        field("Indicateur", C.dropdown(cid("ind"), ind_opts, st.ind, clearable=False), "ind"),
        html.Div(
            id=cid("years"),
            className="ti-field-row",
            hidden=no_years,
            children=[
                field("Année", C.dropdown(cid("year"), years, year, clearable=False), "year"),
                field(
                    "Carte d'évolution",
                    C.dropdown(cid("since"), since, since_v, clearable=False),
                    "since",
                ),
            ],
        ),
        radios("rep", "Représentation", reps, rep),
        field(
            "Couleur sous les cercles (un taux)",
            C.dropdown(cid("fond"), rates, fond, clearable=False),
            "fond",
            hidden=no_fond,
            wrap_id=cid("fond-field"),
        ),
        html.Fieldset(
            className="ti-field ti-classes",
            id=cid("classes-box"),
            hidden=no_classes,
            children=[
                html.Legend("Classes et couleurs"),
                field(
                    "Méthode",
                    C.dropdown(
                        cid("method"),
                        [{"label": v, "value": k} for k, v in K.MAP_METHODS.items()],
                        st.classes,
                        clearable=False,
                    ),
                    "method",
                ),
                field(
                    "Nombre de classes",
                    C.dropdown(
                        cid("nb"),
                        [{"label": str(k), "value": k} for k in range(K.MIN_K, K.MAX_K + 1)],
                        st.nb,
                        clearable=False,
                    ),
                    "nb",
                ),
                field(
                    "Seuils manuels (séparés par « ; »)",
                    dcc.Input(
                        id=cid("breaks"),
                        type="text",
                        value=K.format_thresholds(st.seuils),
                        debounce=True,
                        placeholder="ex. 10 000 ; 50 000 ; 100 000",
                        className="ti-input",
                    ),
                    "breaks",
                ),
                html.Div(message, id=cid("breaks-msg"), className="ti-field-msg", role="status"),
                radios(
                    "scope",
                    "Échelle des classes",
                    [{"label": f"Classes {v}", "value": k} for k, v in K.SCOPES.items()],
                    st.portee,
                ),
                field(
                    "Palette",
                    C.dropdown(cid("palette"), pal_opts, pal, clearable=False),
                    "palette",
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
        C.copy_link(cid("copy")),
    ]
    return html.Div(
        className="ti-carte",
        **{"data-ti-address": own_address},
        children=[
            # never None: a Store whose data is None sets it again on mount, which would fire
            # the selection callback on every load for nothing
            dcc.Store(id=cid("selection"), data=selection or {}),
            # the view the address names: none while the map keeps its fitted first view
            dcc.Store(
                id=cid("view"),
                data={"center": view[0], "zoom": view[1]} if view else {"fit": True},
            ),
            html.H1("Carte des Territoires d'industrie", className="ti-h1 ti-carte-h1"),
            html.Aside(
                className="ti-controls",
                **{"aria-label": "Réglages de la carte"},
                children=[
                    C.loading(
                        html.Div(
                            legend,
                            id=cid("legend"),
                            className="ti-legend",
                            **{"aria-live": "polite"},
                        ),
                        text="Calcul des classes…",
                    ),
                    C.settings(
                        controls, "Réglages de la carte", id=cid("settings"), after=cid("geo")
                    ),
                ],
            ),
            html.Div(
                className="ti-mapwrap",
                **{"data-loading-text": "Chargement de la carte…"},
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
                                id=cid("circles"),
                                url=circles_url,
                                pointToLayer=ns("circle"),
                                style=ns("circleStyle"),
                                onEachFeature=ns("tooltip"),
                                hideout=circles_hideout,
                                bubblingMouseEvents=False,
                            ),
                            dl.GeoJSON(
                                id=cid("sel-geo"),
                                url=sel_url,
                                pointToLayer=ns("pin"),  # a searched commune's pin
                                interactive=False,
                                style=ns("selection"),  # over the circles (its own pane)
                                hideout={"color": SELECTED_COLOR},
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
                    C.export_buttons(
                        export_path(PREFIX, "carte"),
                        IMAGE,
                        "la carte",
                        query=state.to_search(),
                        url_state=True,
                    ),
                    html.Div(report_link(st.reg, st.dep), id=cid("report")),
                ],
            ),
            html.Aside(
                id=cid("panel"),
                className="ti-panel",
                **{"aria-live": "polite", "aria-label": "Fiche de l'unité sélectionnée"},
                children=C.loading(html.Div(panel, id=cid("panel-body")), text="Chargement…"),
            ),
            html.Section(
                id="tableau",
                className="ti-tablewrap",
                **{"aria-labelledby": cid("table-title")},
                children=[
                    html.Div(
                        className="ti-table-bar",
                        children=[
                            html.H2("Données affichées", className="ti-h2", id=cid("table-title")),
                            html.Button("Télécharger CSV", id=cid("dl-csv"), className="ti-button"),
                            html.Button(
                                "Télécharger XLSX", id=cid("dl-xlsx"), className="ti-button"
                            ),
                            dcc.Download(id=cid("download")),
                        ],
                    ),
                    html.P(TABLE_HINT, className="ti-note", id=cid("table-hint")),
                    C.loading(
                        C.grid(
                            cid("grid"),
                            # None: ag-grid's "loading" sign until the rows come (an empty
                            # view has no rows to come: its empty table at once)
                            None if hideout["rows"] else rows,
                            columns,
                            420,
                            props={
                                "getRowId": f"params.data[{key_field!r}]",
                                "selectedRows": {"ids": [st.sel]} if st.sel else [],
                            },
                            rowSelection={
                                "mode": "singleRow",
                                "checkboxes": False,
                                "enableClickSelection": True,
                            },
                            # a few columns: all drawn, none appears late while scrolling
                            suppressColumnVirtualisation=True,
                        ),
                        text="Chargement du tableau…",
                    ),
                ],
            ),
        ],
    )
