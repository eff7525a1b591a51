"""The layout of the ``/redecoupage`` page: three synchronised maps, the tables, the scenario box."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from dashboard.core import classify as K
from dashboard.core import components as C
from dashboard.core.admin import filter_bounds, filter_options, place
from dashboard.core.charts import graph
from dashboard.core.downloads import IMAGE, TABLE, export_path
from dashboard.core.gateway import Gateway
from dashboard.core.mapview import NATIONAL_BOUNDS, center_zoom
from dashboard.core.theme import SELECTED_COLOR
from dashboard.core.urlstate import UrlState, parse_view
from dashboard.redraw import figures as RF
from dashboard.redraw import queries as RQ
from dashboard.redraw.callbacks import on_view
from dashboard.redraw.exports import PAGE as EXPORT_PAGE
from dashboard.redraw.panels import panel
from dashboard.redraw.scenario import target_options
from dashboard.redraw.state import (
    MAX_NAME,
    SYNC,
    cid,
    indicator_choice,
    method_choice,
    ns,
    selection_of,
)


def _map(wave_or_change: str, view: dict, map_kwargs: dict, geo):
    m = wave_or_change
    base = [
        C.outline_layer(cid(f"base-dep-{m}"), view["base_dep"], "departement"),
        geo,
        C.outline_layer(cid(f"base-reg-{m}"), view["base_reg"], "region"),
    ]
    return dl.Map(
        id=cid(f"map-{m}"),
        className="ti-map rd-map",
        eventHandlers=SYNC,
        preferCanvas=m == "change",
        children=base,
        **C.MAP_OPTIONS,
        **map_kwargs,
    )


def layout(q: Gateway, state: UrlState):
    p = place(q, state.reg, state.dep)
    ind, ind_options = indicator_choice(q, state.ind)
    method = method_choice(state.classes)
    wave = RQ.valid_wave(state.extra.get("vague"))
    selection = (
        {"wave": wave, "key": state.sel} if wave and RQ.has_territory(q, wave, state.sel) else None
    )
    view = on_view(q, p.reg, p.dep, ind, method, selection)
    v = parse_view(state.vue)
    if v:
        map_kwargs = {"center": v[0], "zoom": v[1]}
    else:
        bounds = filter_bounds(q, p.reg, p.dep) or NATIONAL_BOUNDS
        center, zoom = center_zoom(bounds, 420, 440)
        map_kwargs = {"center": center, "zoom": zoom}
    geo18 = dl.GeoJSON(
        id=cid("geo-2018"),
        url=view["url18"],
        format="geobuf",
        style=ns("style2018"),
        onEachFeature=ns("tooltip"),
        hideout=view["hide18"],
        bubblingMouseEvents=False,
    )
    geo23 = dl.GeoJSON(
        id=cid("geo-2023"),
        url=view["url23"],
        format="geobuf",
        style=ns("style2023"),
        onEachFeature=ns("tooltip"),
        hideout=view["hide23"],
        bubblingMouseEvents=False,
    )
    geoc = dl.GeoJSON(
        id=cid("geo-change"),
        url=view["url_change"],
        style=ns("changeStyle"),
        onEachFeature=ns("changeTooltip"),
        hideout=RF.change_hideout(),
        bubblingMouseEvents=False,
    )
    m23 = _map("2023", view, map_kwargs, geo23)
    m23.children.append(
        dl.GeoJSON(
            id=cid("scenario-geo"),
            data=RF.scenario_geojson_empty(),
            interactive=False,
            style={
                "color": SELECTED_COLOR,
                "weight": 2.5,
                "dashArray": "5",
                "fillColor": SELECTED_COLOR,
                "fillOpacity": 0.12,
                "className": "rd-scenario",
            },
        )
    )
    return html.Div(
        className="rd-page",
        children=[
            dcc.Store(id=cid("selection"), data=selection),
            dcc.Store(id=cid("scenario"), data=None, storage_type="memory"),
            html.H1("Redécoupage : de la vague 2018 à la vague 2023", className="rd-h1"),
            html.P(
                "En 2023, la carte des Territoires d'industrie a été redessinée « à l'échelle de chaque "
                "sous-préfecture ». Populations : populations municipales publiées avec le COG 2026, "
                "les mêmes pour les deux vagues ; chaque commune est placée "
                "dans son EPCI et son arrondissement de 2026, les écarts tiennent donc au seul redécoupage.",
                className="rd-intro",
            ),
            html.Div(
                className="rd-controls",
                children=[
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Région", htmlFor=cid("reg")),
                            C.dropdown(
                                cid("reg"), filter_options(q, "region"), p.reg, placeholder="Toutes"
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Département", htmlFor=cid("dep")),
                            C.dropdown(
                                cid("dep"),
                                filter_options(q, "departement", p.reg),
                                p.dep,
                                placeholder="Tous",
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Indicateur des deux cartes", htmlFor=cid("ind")),
                            C.dropdown(cid("ind"), ind_options, ind, clearable=False),
                        ],
                    ),
                    html.Fieldset(
                        className="ti-field",
                        children=[
                            html.Legend("Classes"),
                            dcc.RadioItems(
                                id=cid("method"),
                                value=method,
                                className="ti-radio rd-radio",
                                options=[
                                    {"label": lab, "value": k} for k, lab in K.METHODS.items()
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="rd-maps",
                children=[
                    html.Section(
                        className="rd-mapcol",
                        **{"aria-label": "Carte 2018"},
                        children=[
                            html.H2("Vague 2018-2022", className="rd-h2"),
                            _map("2018", view, map_kwargs, geo18),
                            _export("carte-2018", IMAGE, "la carte 2018", state),
                        ],
                    ),
                    html.Section(
                        className="rd-mapcol",
                        **{"aria-label": "Carte 2023"},
                        children=[
                            html.H2("Vague 2023-2027", className="rd-h2"),
                            m23,
                            _export("carte-2023", IMAGE, "la carte 2023", state),
                        ],
                    ),
                    html.Section(
                        className="rd-mapcol",
                        **{"aria-label": "Carte des changements"},
                        children=[
                            html.H2("Changements par commune", className="rd-h2"),
                            _map("change", view, map_kwargs, geoc),
                            _export("carte-changements", IMAGE, "la carte des changements", state),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="rd-under",
                children=[
                    html.Div(view["wave_legend"], id=cid("wave-legend"), className="ti-legend"),
                    C.loading(
                        html.Aside(
                            panel(q, selection_of(q, selection)),
                            id=cid("panel"),
                            className="ti-panel rd-panel",
                            **{"aria-live": "polite", "aria-label": "Territoire sélectionné"},
                        )
                    ),
                    html.Div(view["change_legend"], id=cid("change-legend"), className="ti-legend"),
                ],
            ),
            html.Section(
                className="rd-section",
                children=[
                    html.H2("Couverture par vague", className="rd-h2"),
                    C.loading(html.Div(view["summary"], id=cid("summary"))),
                    _export("couverture", TABLE, "le tableau de couverture", state),
                    html.H3("Détail par région ou département", className="rd-h3"),
                    _export("detail", TABLE, "le détail", state),
                    _grid("breakdown", view["breakdown_rows"], view["breakdown_cols"], 320),
                    double_count_note(q),
                ],
            ),
            html.Section(
                className="rd-section",
                children=[
                    html.H2("Des territoires 2018 aux territoires 2023", className="rd-h2"),
                    html.Div(view["transition_counts"], id=cid("transitions-summary")),
                    definitions_block(
                        q,
                        "transition",
                        "Définition des classes (parts de la population du territoire 2018)",
                        "transition-definitions",
                    ),
                    graph(cid("sankey"), view["sankey"]),
                    _export("flux", IMAGE, "le graphique des flux", state),
                    _export("transitions", TABLE, "le tableau des devenirs", state),
                    _grid("transitions", view["transition_rows"], view["transition_cols"]),
                ],
            ),
            html.Section(
                className="rd-section",
                children=[
                    html.H2(
                        "À l'échelle de la sous-préfecture (territoires 2023)", className="rd-h2"
                    ),
                    C.loading(html.Div(view["scope"], id=cid("scope"))),
                    definitions_block(q, "scope", "Définition des emprises", "scope-definitions"),
                    html.H3(
                        "Chaque territoire et les arrondissements qu'il touche", className="rd-h3"
                    ),
                    _export("territoires-arrondissements", TABLE, "le tableau", state),
                    _grid("terr-arr", view["ta_rows"], view["ta_cols"]),
                    html.H3(
                        "Chaque arrondissement et les territoires qu'il contient", className="rd-h3"
                    ),
                    _export("arrondissements", TABLE, "le tableau des arrondissements", state),
                    _grid("arr", view["arr_rows"], view["arr_cols"]),
                ],
            ),
            scenario_section(q),
        ],
    )


def scenario_section(q: Gateway):
    return html.Section(
        className="rd-section rd-scenario-box",
        children=[
            html.H2("Scénario : redessiner un territoire", className="rd-h2"),
            html.P(
                "Un scénario part de la carte officielle 2023 et reste dans votre navigateur : il ne modifie "
                "jamais les données officielles. Les polygones redessinés apparaissent en rouge sur la carte 2023."
            ),
            html.Div(
                className="rd-scenario-controls",
                children=[
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("EPCI à déplacer", htmlFor=cid("member")),
                            C.dropdown(
                                cid("member"),
                                RQ.member_options(q),
                                None,
                                placeholder="ex. Métropole Rouen Normandie",
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Vers le territoire", htmlFor=cid("target")),
                            C.dropdown(
                                cid("target"),
                                target_options(q, None),
                                None,
                                placeholder="Territoire 2023",
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Nom d'un nouveau territoire", htmlFor=cid("new-name")),
                            dcc.Input(
                                id=cid("new-name"),
                                type="text",
                                maxLength=MAX_NAME,
                                debounce=True,
                                placeholder="Nouveau territoire",
                            ),
                        ],
                    ),
                    html.Button("Déplacer", id=cid("move"), className="ti-button"),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label(
                                "EPCI à regrouper dans un nouveau territoire",
                                htmlFor=cid("gather-members"),
                            ),
                            C.dropdown(cid("gather-members"), RQ.member_options(q), [], multi=True),
                        ],
                    ),
                    html.Button("Regrouper", id=cid("gather"), className="ti-button"),
                    html.Button(
                        "Réinitialiser", id=cid("reset"), className="ti-button rd-secondary"
                    ),
                ],
            ),
            html.Div(
                "Aucune modification : c'est la carte officielle 2023.",
                id=cid("scenario-status"),
                className="ti-status",
                role="status",
            ),
            html.Div(id=cid("edit-status"), className="ti-status", role="status"),
            _grid("scenario-grid", [], [], 240),
            html.Div(
                className="rd-scenario-files",
                children=[
                    html.Button(
                        "Enregistrer le scénario (CSV + GeoJSON)",
                        id=cid("save"),
                        className="ti-button",
                    ),
                    dcc.Download(id=cid("dl-csv")),
                    dcc.Download(id=cid("dl-geojson")),
                    dcc.Upload(
                        id=cid("upload"),
                        multiple=True,
                        max_size=10_000_000,
                        className="rd-upload",
                        children=html.Div(
                            [
                                "Charger un scénario : déposez ou ",
                                html.Span("choisissez", className="rd-link"),
                                " le CSV des membres (et son GeoJSON)",
                            ]
                        ),
                    ),
                ],
            ),
            html.Div(id=cid("file-status"), className="ti-status", role="status"),
        ],
    )


def _export(name: str, formats, what: str, state: UrlState):
    """Export buttons that send the page's address (its state) with each click."""
    path = export_path(EXPORT_PAGE, name)
    return C.export_buttons(path, formats, what, query=state.to_search(), url_state=True)


def definitions_block(q: Gateway, kind: str, title: str, name: str):
    """The definition of each class of ``kind``, thresholds included, as the build wrote them."""
    d = RQ.definitions(q, kind)
    return html.Div(
        className="rd-definitions",
        children=[
            html.H3(title, className="rd-h3"),
            html.Dl(
                [
                    item
                    for lab, text in d[["label", "definition"]].itertuples(index=False)
                    for item in (html.Dt(str(lab)), html.Dd(str(text)))
                ],
                id=cid(name),
            ),
        ],
    )


def double_count_note(q: Gateway):
    """Why the régions' counts add up to more than the territories of France."""
    parts = []
    for wave in ("2023", "2018"):
        n, by_region = RQ.region_double_count(q, wave)
        parts.append(f"{by_region} pour {n} territoires en {wave}")
    return html.P(
        "Un territoire à cheval sur plusieurs régions (ou départements) est compté dans chacune : "
        f"la somme des régions donne {parts[0]} et {parts[1]}.",
        className="ti-note",
        id=cid("double-count"),
    )


def _grid(name: str, rows, cols, height: int = 360):
    return C.loading(C.grid(cid(name), rows, cols, height), text="Chargement du tableau…")
