"""The layout of ``/progres``: the goals, their pace, projects, France Relance, employment."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.core import components as C
from dashboard.core import geometry
from dashboard.core.charts import time_series
from dashboard.core.downloads import IMAGE, TABLE
from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.provenance import indicator_source, source
from dashboard.core.registries import demo_loaded, national_registry, registries
from dashboard.core.urlstate import UrlState
from dashboard.progress import figures as PF
from dashboard.progress import pace as PACE
from dashboard.progress import queries as PQ
from dashboard.progress.callbacks import (
    DEFAULT_LEVEL,
    cid,
    export_path,
    on_fr_departement,
    on_fr_export,
    on_registry,
    on_registry_exports,
)


def source_line(q: Gateway, prefix: str, fallback: str = "") -> html.P:
    """'Source : <file> — millésime — licence' from the ``source`` table (text only)."""
    info = source(q, prefix)
    text = info.text() if info else (fallback or "source non chargée")
    return html.P(["Source : ", text], className="ti-source")


def goal_block(q: Gateway, goal: str) -> html.Div:
    last = PQ.latest_point(q, goal)
    target = PACE.GOALS[goal]
    value = float(last["value"]) if last else None
    children = [
        dcc.Graph(
            id=cid(f"gauge-{goal}"),
            figure=PF.gauge(goal, value, target),
            config={"displayModeBar": False},
            className="ti-gauge",
        ),
        C.export_buttons(export_path("jauge"), IMAGE, "la jauge", query=f"objectif={goal}"),
    ]
    if last:
        pct = value / target * 100
        children += [
            html.P(
                [
                    html.Strong(f"{fmt_number(value)} "),
                    f"{last['metric']} ({last['scope']})",
                    f", publié {last['date_text']} — {fmt_number(pct, 1)} % de l'objectif.",
                ],
                className="ti-goal-figure",
            ),
            html.P(
                [
                    "Source : ",
                    html.A(
                        str(last["source_title"]),
                        href=str(last["source_url"]),
                        target="_blank",
                        rel="noopener noreferrer",
                    ),
                ],
                className="ti-source ti-goal-source",
            ),
            html.P(str(last["note"]), className="ti-note"),
        ]
    else:
        children.append(html.P("Pas de données : aucun chiffre publié chargé pour cet objectif."))
    return html.Div(className="ti-goal", id=cid(f"goal-{goal}"), children=children)


def pace_block(q: Gateway, goal: str) -> html.Div:
    pts = PQ.pace_points(q, goal)
    s = PACE.summarise(goal, pts)
    return html.Div(
        className="ti-pace",
        children=[
            dcc.Graph(
                id=cid(f"pace-{goal}"),
                figure=PF.pace_figure(goal, pts, s),
                config={"displaylogo": False},
            ),
            C.export_buttons(
                export_path("rythme"), IMAGE, "le graphique", query=f"objectif={goal}"
            ),
            html.Ul([html.Li(t) for t in PF.pace_sentences(goal, s)], className="ti-pace-text"),
        ],
    )


def registry_intro(q: Gateway) -> list:
    reg = registries(q)
    out = []
    if not national_registry(q):
        out.append(
            html.P(
                className="ti-absent",
                children=[
                    "Aucun registre national des projets n'est chargé. ",
                    "Seuls les projets réels disponibles sont montrés"
                    + (
                        f" ({', '.join(reg.loc[~reg['is_demo'].astype(bool), 'name'].astype(str))})"
                        if len(reg)
                        else ""
                    )
                    + ". Pour importer un registre : ",
                    html.Code("python -m etl import-projects FICHIER"),
                    " (CSV ou XLSX, schéma décrit dans ",
                    html.Code("docs/registry-schema.md"),
                    ").",
                ],
            )
        )
    return out


def registry_block(q: Gateway, state: UrlState) -> html.Section:
    demo = demo_loaded(q)
    which = "demo" if demo and state.extra.get("registre") == "demo" else "reel"
    rows, cols, label, href, fig, status, units = on_registry(q, DEFAULT_LEVEL, which)
    choices = [{"label": "Registres réels", "value": "reel"}]
    if demo:
        choices.append({"label": "Registre de démonstration (données fictives)", "value": "demo"})
    return html.Section(
        className="ti-block",
        id=cid("registry"),
        children=[
            html.H2(
                "Projets, aides et emplois par territoire (registre des projets)", className="ti-h2"
            ),
            *registry_intro(q),
            html.Div(
                className="ti-table-bar",
                children=[
                    html.Label("Niveau", htmlFor=cid("level")),
                    C.dropdown(
                        cid("level"),
                        [{"label": v[2], "value": k} for k, v in PQ.LEVELS.items()],
                        DEFAULT_LEVEL,
                        clearable=False,
                        style={"minWidth": "260px"},
                    ),
                    dcc.RadioItems(
                        id=cid("which"), options=choices, value=which, className="ti-radio"
                    ),
                ],
            ),
            html.Div(label, id=cid("label")),
            html.Div(
                className="ti-table-bar",
                children=[
                    html.Span(status, id=cid("status"), role="status"),
                    dcc.Link(
                        "Voir sur la carte",
                        id=cid("maplink"),
                        href=href,
                        className="ti-filter-link",
                    ),
                    html.Button("Télécharger CSV", id=cid("dl-csv"), className="ti-button"),
                    html.Button("Télécharger XLSX", id=cid("dl-xlsx"), className="ti-button"),
                    dcc.Download(id=cid("download")),
                ],
            ),
            C.loading(C.grid(cid("grid"), rows, cols, 360), text="Chargement du tableau…"),
            html.Div(
                className="ti-goal-row",
                children=[
                    dcc.Graph(id=cid("over-time"), figure=fig, config={"displaylogo": False}),
                    dcc.Graph(
                        id=cid("units-over-time"), figure=units, config={"displaylogo": False}
                    ),
                ],
            ),
            html.Div(on_registry_exports(q, DEFAULT_LEVEL, which), id=cid("registry-exports")),
            html.P(
                ["Source : ", indicator_source(q, "projects_") or "aucun registre réel chargé"],
                className="ti-source",
            ),
        ],
    )


def france_relance_block(q: Gateway) -> html.Section:
    latest = PQ.france_relance_latest(q, "departement")
    nat = PQ.france_relance(q, "france")
    if latest.empty:
        body = [html.P("Pas de données : les fichiers France Relance ne sont pas chargés.")]
    else:
        geo = json.loads(
            geometry.geojson(q, "departement", level="coarse", inset=True, with_names=False)
        )
        when = str(latest["date"].max())[:7]
        body = [
            dcc.Graph(
                id=cid("fr-map"),
                figure=PF.france_relance_map(
                    latest,
                    geo,
                    f"Entreprises industrielles bénéficiaires par département (cumul à {when})",
                ),
                config={"displaylogo": False},
            ),
            C.export_buttons(export_path("france-relance-carte"), IMAGE, "la carte"),
            html.P(
                "Une entreprise présente dans plusieurs départements est comptée dans chacun : "
                "les départements ne s'additionnent pas en total national.",
                className="ti-note",
            ),
            dcc.Graph(
                id=cid("fr-series"),
                figure=time_series(
                    nat,
                    "date",
                    {"value": "France entière"},
                    "Entreprises bénéficiaires, France (cumul mensuel)",
                ),
                config={"displaylogo": False},
            ),
            C.export_buttons(export_path("france-relance-france"), IMAGE, "le graphique"),
            html.Label("Département", htmlFor=cid("fr-dep")),
            C.dropdown(
                cid("fr-dep"),
                [
                    {"label": f"{c} — {n}", "value": c}
                    for c, n in sorted(zip(latest["code"], latest["name"], strict=True))
                ],
                str(latest["code"].iloc[0]),
                clearable=False,
                style={"maxWidth": "360px"},
            ),
            dcc.Graph(
                id=cid("fr-dep-series"),
                figure=on_fr_departement(q, str(latest["code"].iloc[0])),
                config={"displaylogo": False},
            ),
            html.Div(on_fr_export(q, str(latest["code"].iloc[0])), id=cid("fr-dep-export")),
            dcc.Link(
                "Voir sur la carte (par département)",
                href="/?"
                + urlencode({"couche": "departement", "ind": "france_relance_beneficiaries"}),
                className="ti-filter-link",
            ),
        ]
    return html.Section(
        className="ti-block",
        id=cid("france-relance"),
        children=[
            html.H2("France Relance : entreprises industrielles bénéficiaires", className="ti-h2"),
            *body,
            source_line(q, "france_relance"),
        ],
    )


def employment_block(q: Gateway) -> html.Section:
    emp = PQ.employment_by_unit(q, "territory_2023")
    with_data = emp[emp["coverage"].notna()] if len(emp) else emp
    n_all, n_data = len(emp), len(with_data)
    full = with_data[with_data["complete"]] if n_data else with_data
    body = [
        html.P(
            className="ti-absent",
            children=[
                f"Couverture : {n_data} territoires d'industrie 2023 sur {n_all} ont des données Urssaf "
                f"({len(full)} entièrement couverts). Les autres : pas de données. Le fichier chargé est "
                "l'extrait de la zone d'emploi de Rouen ; le fichier national (1,2 M lignes) se charge avec ",
                html.Code("TI_URSSAF_FILE=/chemin/fichier.csv make etl"),
                ".",
            ],
        )
    ]
    if n_data:
        table = PF.employment_table(emp)
        body.append(C.export_buttons(export_path("emploi"), TABLE, "le tableau de l'emploi"))
        body.append(
            C.grid(
                cid("emp-grid"),
                table.to_dict("records"),
                [{"field": c, "headerName": c} for c in table.columns],
                300,
            )
        )
        body.append(
            dcc.Link(
                "Voir la couverture Urssaf sur la carte",
                href="/?" + urlencode({"couche": "ti2023", "ind": "urssaf_coverage"}),
                className="ti-filter-link",
            )
        )
    return html.Section(
        className="ti-block",
        id=cid("employment"),
        children=[
            html.H2("Emploi industriel (Urssaf) par territoire et évolution", className="ti-h2"),
            *body,
            source_line(q, "urssaf"),
        ],
    )


def layout(q: Gateway, state: UrlState):
    demo = demo_loaded(q)
    top = [html.H1("Progrès vers 15 000 projets et 450 000 emplois", className="ti-h1")]
    if demo:
        top.append(
            html.Div(
                className="ti-demo-banner",
                role="note",
                id=cid("demo-banner"),
                children=[
                    "Un registre de démonstration (DONNÉES FICTIVES) est chargé dans la base. Il n'est montré que "
                    "si vous le choisissez ci-dessous, et toujours étiqueté. Pour le retirer : ",
                    html.Code("python -m etl remove-demo"),
                    ".",
                ],
            )
        )
    return html.Div(
        className="ti-progres",
        children=[
            *top,
            html.Section(
                className="ti-block ti-goals",
                id=cid("goals"),
                children=[
                    html.H2("Où en est-on ? Derniers chiffres publiés", className="ti-h2"),
                    html.Div(
                        className="ti-goal-row",
                        children=[goal_block(q, "projects"), goal_block(q, "jobs")],
                    ),
                    html.P(
                        "Les chiffres publiés mesurent des choses différentes (actions engagées, projets "
                        "identifiés, lauréats, emplois créés ou attendus) : chaque définition forme sa propre "
                        "série, jamais additionnée aux autres.",
                        className="ti-note",
                    ),
                ],
            ),
            html.Section(
                className="ti-block",
                id=cid("series"),
                children=[
                    html.H2("Chiffres publiés dans le temps", className="ti-h2"),
                    dcc.Graph(
                        id=cid("series-projects"),
                        figure=PF.series_figure(
                            PQ.published_series(q, "projects"),
                            "Projets, actions et lauréats (par définition)",
                        ),
                    ),
                    C.export_buttons(
                        export_path("chiffres-publies"),
                        IMAGE,
                        "le graphique",
                        query="objectif=projects",
                    ),
                    dcc.Graph(
                        id=cid("series-jobs"),
                        figure=PF.series_figure(
                            PQ.published_series(q, "jobs"), "Emplois (par définition)"
                        ),
                    ),
                    C.export_buttons(
                        export_path("chiffres-publies"),
                        IMAGE,
                        "le graphique",
                        query="objectif=jobs",
                    ),
                    source_line(q, "published_figures"),
                ],
            ),
            html.Section(
                className="ti-block",
                id=cid("pace"),
                children=[
                    html.H2("Rythme nécessaire et rythme observé", className="ti-h2"),
                    html.Div(
                        className="ti-goal-row",
                        children=[pace_block(q, "projects"), pace_block(q, "jobs")],
                    ),
                ],
            ),
            registry_block(q, state),
            france_relance_block(q),
            employment_block(q),
        ],
    )
