"""The territory profile (``/territoire/<wave>/<id>``): a printable page about one territory.

Members, a map (dash-leaflet, no tiles: the territory over the département outlines), population,
area, employment (Urssaf, with its coverage), projects of the registries, arrondissements touched
with their chef-lieu; every block names its source. The wave is part of the key:
``/territoire/2018/ti-2801`` and ``/territoire/2023/ti-2801`` are different places. An unknown
wave or id gives a "territoire inconnu" page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash_leaflet as dl
from dash import dcc, html

from dashboard.core import components as C
from dashboard.core.charts import graph
from dashboard.core.compare import region_name, unit_comparison
from dashboard.core.downloads import DOCUMENT, IMAGE, TABLE, export_path
from dashboard.core.formats import fmt_number, fmt_value
from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, WAVE_LABELS, WAVE_LAYER
from dashboard.core.links import PROFILE_PATH, compare_href, map_href
from dashboard.core.mapview import base_url, center_zoom, outline_url
from dashboard.core.provenance import indicator_source, source
from dashboard.core.registries import national_registry
from dashboard.core.theme import SELECTED_COLOR
from dashboard.core.urlstate import UrlState
from dashboard.profile.figures import employment_figure, key_facts
from dashboard.profile.queries import territory_profile

MAX_PATH_LEN = 60


def parse_path(pathname) -> tuple[str, str] | None:
    """``/territoire/<wave>/<id>`` -> (wave, id), None for anything else (checked, not trusted)."""
    if not isinstance(pathname, str) or len(pathname) > MAX_PATH_LEN:
        return None
    parts = pathname.strip("/").split("/")
    if len(parts) != 3 or parts[0] != PROFILE_PATH.strip("/"):
        return None
    return parts[1], parts[2]


def unknown(reason: str):
    return html.Div(
        className="ti-notfound ti-territoire",
        id="territoire-inconnu",
        children=[
            html.H1("Territoire inconnu"),
            html.P(reason),
            html.P(
                "L'adresse d'une fiche est /territoire/<vague>/<identifiant>, par exemple "
                "/territoire/2023/ti-2802 ; la vague est 2018 ou 2023."
            ),
            dcc.Link("Retour à la carte", href="/"),
        ],
    )


def source_of(q: Gateway, prefix: str) -> html.P:
    info = source(q, prefix)
    return html.P(["Source : ", info.text() if info else "non chargée"], className="ti-source")


def _map(q: Gateway, d: dict):
    layer_id = WAVE_LAYER[d["wave"]]
    sel = outline_url(q, layer_id, d["key"], inset=False)
    base = base_url(q, "departement", inset=False)
    bounds = d.get("bounds") or [[41.3, -5.2], [51.1, 9.6]]
    center, zoom = center_zoom(bounds)
    return dl.Map(
        id="territoire-map",
        className="ti-map ti-profile-map",
        center=center,
        zoom=zoom,
        viewport={"bounds": bounds},
        attributionControl=False,
        zoomSnap=0.25,
        children=[
            dl.GeoJSON(
                url=base,
                format="geobuf",
                interactive=False,
                style={"color": "#9a9a9a", "weight": 0.8, "fill": False},
            ),
            dl.GeoJSON(
                url=sel,
                interactive=False,
                style={"color": SELECTED_COLOR, "weight": 2.5, "fillOpacity": 0.15},
            ),
        ],
        style={"height": "380px"},
    )


def _employment(q: Gateway, d: dict) -> list:
    emp, cov = d["employment"], d["employment_coverage"]
    out = [html.H2("Emploi salarié privé (Urssaf)", className="ti-h2")]
    if emp is None or emp.empty:
        out.append(
            html.P(
                "Pas de données : aucune commune du territoire n'est dans le fichier Urssaf chargé "
                "(l'extrait du miroir ne couvre que la zone d'emploi de Rouen).",
                className="ti-absent",
            )
        )
    else:
        ind = emp[emp["sector"] == "industrie"].sort_values("year")
        partial = cov is not None and not d["employment_complete"]
        out.append(
            html.P(
                f"Couverture : {fmt_value((cov or 0) * 100, 0, '%')} de la population du territoire vit "
                "dans des communes présentes dans le fichier"
                + (" — sommes partielles, minorantes." if partial else "."),
                className="ti-absent",
            )
        )
        y0, y1 = ind["year"].min(), ind["year"].max()
        first, last = ind.loc[ind.year == y0, "employees"], ind.loc[ind.year == y1, "employees"]
        v0 = float(first.iloc[0]) if len(first) else None
        v1 = float(last.iloc[0]) if len(last) else None
        change = (v1 / v0 - 1) * 100 if v0 and v1 is not None else None
        low = " (minorant)" if partial else ""
        out.append(
            C.definition_list(
                [
                    (f"Salariés de l'industrie {y0}{low}", fmt_number(v0)),
                    (f"Salariés de l'industrie {y1}{low}", fmt_number(v1)),
                    (
                        f"Évolution depuis {y0}"
                        + (" (communes présentes seulement)" if partial else ""),
                        fmt_value(change, 1, "%"),
                    ),
                ]
            )
        )
        out.append(
            graph(
                "territoire-emploi",
                employment_figure(emp),
            )
        )
        out.append(_export(d, "graphique-emploi", IMAGE, "le graphique de l'emploi"))
        out.append(_export(d, "emploi", TABLE, "la série de l'emploi"))
    out.append(source_of(q, "urssaf"))
    return out


def _projects(q: Gateway, d: dict) -> list:
    out = [html.H2("Projets des registres", className="ti-h2")]
    pr = d["projects"]
    if pr is None or pr.empty:
        out.append(
            html.P(
                "Pas de données : aucun projet d'un registre réel n'est placé dans ce territoire."
                + (
                    ""
                    if national_registry(q)
                    else " Aucun registre national n'est chargé (un administrateur l'importe en "
                    "suivant le guide d'administration du projet, docs/registry-schema.md)."
                ),
                className="ti-absent",
            )
        )
    else:
        out.append(_project_table(pr))
        out.append(html.P(["Source : ", indicator_source(q, "projects_")], className="ti-source"))
    demo = d["demo_projects"]
    if demo is not None and not demo.empty:
        out += [
            html.H3("Registre de démonstration"),
            html.Div(
                "⚠ DONNÉES FICTIVES — projets générés pour la démonstration, rien de réel",
                className="ti-demo-label",
                role="note",
            ),
            _project_table(demo),
        ]
    return out


def _project_table(df) -> html.Table:
    head = ["Projet", "Date", "Statut", "Aide publique (€)", "Emplois créés"]
    rows = [
        html.Tr(
            [
                html.Td(str(r.name)),
                html.Td(str(r.date)[:10]),
                html.Td(str(r.status)),
                html.Td(fmt_number(r.public_aid_eur)),
                html.Td(fmt_number(r.jobs_created)),
            ]
        )
        for r in df.head(50).itertuples(index=False)
    ]
    return html.Table(
        className="ti-table",
        children=[html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
    )


def _export(d: dict, name: str, formats, what: str):
    """Export buttons of the profile (the territory named in their query string)."""
    query = urlencode({"vague": d["wave"], "id": d["key"]})
    return C.export_buttons(export_path("territoire", name), formats, what, query=query)


def profile(q: Gateway, d: dict):
    """The profile of one territory (from :func:`dashboard.profile.queries.territory_profile`)."""
    wave = d["wave"]
    members = d["members"]
    n_epci = sum(1 for m in members if m[1] in ("EPCI", "EPT"))
    facts = key_facts(d)
    return html.Article(
        className="ti-territoire",
        id="territoire-fiche",
        children=[
            html.Div(
                className="ti-noprint ti-table-bar",
                children=[
                    dcc.Link(
                        "← Carte",
                        href=map_href(couche=WAVE_LAYER[wave], sel=d["key"]),
                    ),
                    html.Button(
                        "Imprimer",
                        className="ti-button",
                        id="territoire-print",
                        **{"data-action": "print"},
                    ),
                    _export(d, "fiche", DOCUMENT, "la fiche du territoire (A4)"),
                ],
            ),
            html.H1(d["name"], className="ti-h1", id="territoire-nom"),
            html.P(f"Territoire d'industrie {WAVE_LABELS[wave]}", className="ti-panel-kind"),
            html.Section(
                className="ti-profile-grid",
                children=[
                    html.Div(
                        [
                            C.definition_list(facts),
                            source_of(q, f"territories:{wave}"),
                            source_of(q, "cog:communes"),
                        ]
                    ),
                    html.Div(
                        [
                            _map(q, d),
                            html.P(
                                "Contour du territoire sur les limites départementales (ANCT).",
                                className="ti-note",
                            ),
                        ]
                    ),
                ],
            ),
            html.Section(
                className="ti-block",
                children=[
                    html.H2(
                        f"Membres ({n_epci} intercommunalités, {len(members) - n_epci} communes isolées)",
                        className="ti-h2",
                    ),
                    html.Ul(
                        [html.Li(f"{n} ({k}, {s})") for s, k, n in members], className="ti-members"
                    ),
                    source_of(q, f"territories:{wave}"),
                    _export(d, "membres", TABLE, "la liste des membres"),
                    _export(d, "communes", TABLE, f"la liste des {d['n_communes']} communes"),
                ],
            ),
            html.Section(
                className="ti-block",
                children=[
                    html.H2("Arrondissements touchés et leurs chefs-lieux", className="ti-h2"),
                    html.Ul(
                        [
                            html.Li(f"{a['name']} ({a['code']}) — {a['kind']} : {a['chef_lieu']}")
                            for a in d["arrondissements"]
                        ]
                    )
                    if d["arrondissements"]
                    else html.P(
                        "Aucun : les communes de ce territoire n'ont pas d'arrondissement (Mayotte "
                        "n'en a pas), il ne se rattache à aucune sous-préfecture.",
                        id="territoire-sans-arrondissement",
                    ),
                    source_of(q, "cog:arrondissements"),
                ],
            ),
            html.Section(
                className="ti-block",
                children=[
                    html.H2("Comparé aux autres territoires de la vague", className="ti-h2"),
                    C.comparison_table(
                        unit_comparison(q, WAVE_LAYER[wave], d["key"]),
                        LAYERS[WAVE_LAYER[wave]],
                        region_name(q, WAVE_LAYER[wave], d["key"]),
                        "territoire-cmp",
                    ),
                    html.P(
                        dcc.Link(
                            "Comparer avec d'autres territoires, côte à côte",
                            href=compare_href(WAVE_LAYER[wave], [d["key"]]),
                            className="ti-noprint",
                        )
                    ),
                ],
            ),
            html.Section(className="ti-block", children=_employment(q, d)),
            html.Section(className="ti-block", children=_projects(q, d)),
        ],
    )


def layout(q: Gateway, state: UrlState, pathname: str | None = None):
    parsed = parse_path(pathname)
    if parsed is None:
        return unknown("Adresse de fiche invalide.")
    wave, tid = parsed
    if wave not in WAVE_LAYER:
        return unknown(f"Vague inconnue : {wave[:10]!r} (attendu : 2018 ou 2023).")
    d = territory_profile(q, wave, tid)
    if d is None:
        return unknown(f"Aucun territoire {tid[:20]!r} dans la vague {wave}.")
    return profile(q, d)
