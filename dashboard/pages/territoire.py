"""Page "Fiche du territoire" (``/territoire/<wave>/<id>``): a printable profile of one territory.

Members, a map (dash-leaflet, no tiles: the territory over the département outlines, served by
the map page's routes), population, area, employment (Urssaf, with its coverage), projects of the
registries, arrondissements touched with their chef-lieu; every block names its source. The wave
is part of the key: ``/territoire/2018/ti-2801`` and ``/territoire/2023/ti-2801`` are different
places. An unknown wave or id gives a "territoire inconnu" page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash_leaflet as dl
import pandas as pd
from dash import dcc, html

from dashboard import components as C
from dashboard import mapview as M
from dashboard import progress_figures as PF
from dashboard import progress_queries as PQ
from dashboard.figures import SELECTED_COLOR, fmt_number, fmt_value
from dashboard.pages import Page
from dashboard.queries import Queries

PATH = "/territoire"
MAX_PATH_LEN = 60
WAVE_LABELS = {"2018": "2018-2022", "2023": "2023-2027"}


def href(wave: str, territory_id: str) -> str:
    """The address of a territory's profile."""
    return f"{PATH}/{wave}/{territory_id}"


def parse_path(pathname) -> tuple[str, str] | None:
    """``/territoire/<wave>/<id>`` -> (wave, id), None for anything else (checked, not trusted)."""
    if not isinstance(pathname, str) or len(pathname) > MAX_PATH_LEN:
        return None
    parts = pathname.strip("/").split("/")
    if len(parts) != 3 or parts[0] != PATH.strip("/"):
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


def source_of(q: Queries, prefix: str) -> html.P:
    info = PQ.source(q, prefix)
    return html.P(["Source : ", info.text() if info else "non chargée"], className="ti-source")


def _map(q: Queries, d: dict):
    layer_id = PQ.WAVES[d["wave"]]
    sel = "/_carte/sel?" + urlencode(
        {"couche": layer_id, "key": d["key"], "inset": "0", "v": q.version}
    )
    base = "/_carte/base?" + urlencode({"kind": "departement", "inset": "0", "v": q.version})
    bounds = d.get("bounds") or [[41.3, -5.2], [51.1, 9.6]]
    center, zoom = M.center_zoom(bounds)
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


def _employment(q: Queries, d: dict) -> list:
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
        tot = emp[emp["sector"] == "total"].sort_values("year")
        partial = cov is not None and cov < 0.99
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
        series = (
            ind[["year", "employees"]]
            .rename(columns={"employees": "industrie"})
            .merge(
                tot[["year", "employees"]].rename(columns={"employees": "total"}),
                on="year",
                how="outer",
            )
        )
        out.append(
            dcc.Graph(
                figure=PF.time_series(
                    series,
                    "year",
                    {"industrie": "Industrie", "total": "Tous secteurs"},
                    "Effectifs salariés",
                ),
                config={"displaylogo": False},
            )
        )
    out.append(source_of(q, "urssaf"))
    return out


def _projects(q: Queries, d: dict) -> list:
    out = [html.H2("Projets des registres", className="ti-h2")]
    pr = d["projects"]
    if pr is None or pr.empty:
        out.append(
            html.P(
                "Pas de données : aucun projet d'un registre réel n'est placé dans ce territoire."
                + (
                    ""
                    if PQ.national_registry(q)
                    else " Aucun registre national n'est chargé "
                    "(python -m etl import-projects FICHIER)."
                ),
                className="ti-absent",
            )
        )
    else:
        out.append(_project_table(pr))
        out.append(
            html.P(["Source : ", PQ.indicator_source(q, "projects_")], className="ti-source")
        )
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


def _fmt(v) -> str:
    """A nullable number (pandas NA included) written the French way, "pas de données" if absent."""
    return fmt_number(None if v is None or pd.isna(v) else float(v))


def _project_table(df) -> html.Table:
    head = ["Projet", "Date", "Statut", "Aide publique (€)", "Emplois créés"]
    rows = [
        html.Tr(
            [
                html.Td(str(r.name)),
                html.Td(str(r.date)[:10]),
                html.Td(str(r.status)),
                html.Td(_fmt(r.public_aid_eur)),
                html.Td(_fmt(r.jobs_created)),
            ]
        )
        for r in df.head(50).itertuples(index=False)
    ]
    return html.Table(
        className="ti-table",
        children=[html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
    )


def profile(q: Queries, d: dict):
    """The profile of one territory (from :func:`dashboard.progress_queries.territory_profile`)."""
    wave = d["wave"]
    members = d["members"]
    n_epci = sum(1 for m in members if m[1] in ("EPCI", "EPT"))
    facts = [
        ("Vague", f"Territoires d'industrie {WAVE_LABELS[wave]}"),
        ("Identifiant", d["key"]),
        ("Population municipale", fmt_value(d["population"], 0, "hab.")),
        ("Superficie", fmt_value(d["area_km2"], 0, "km²")),
        ("Communes", fmt_number(d["n_communes"])),
        ("Départements", ", ".join(f"{c} — {n}" for c, n in d["departements"]) or "pas de données"),
    ]
    return html.Article(
        className="ti-territoire",
        id="territoire-fiche",
        children=[
            html.Div(
                className="ti-noprint ti-table-bar",
                children=[
                    dcc.Link(
                        "← Carte",
                        href="/?" + urlencode({"couche": PQ.WAVES[wave], "sel": d["key"]}),
                    ),
                    html.Button(
                        "Imprimer",
                        className="ti-button",
                        id="territoire-print",
                        **{"data-action": "print"},
                    ),
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
                    ),
                    source_of(q, "cog:arrondissements"),
                ],
            ),
            html.Section(className="ti-block", children=_employment(q, d)),
            html.Section(className="ti-block", children=_projects(q, d)),
        ],
    )


def layout(q: Queries, state: C.UrlState, pathname: str | None = None):
    parsed = parse_path(pathname)
    if parsed is None:
        return unknown("Adresse de fiche invalide.")
    wave, tid = parsed
    if wave not in PQ.WAVES:
        return unknown(f"Vague inconnue : {wave[:10]!r} (attendu : 2018 ou 2023).")
    d = PQ.territory_profile(q, wave, tid)
    if d is None:
        return unknown(f"Aucun territoire {tid[:20]!r} dans la vague {wave}.")
    return profile(q, d)


PAGE = Page(path=PATH, title="Fiche du territoire", order=80, layout=layout, prefix=True, nav=False)
