"""Page "Progrès": the goals (15,000 projects, 450,000 jobs), their pace, and where projects and jobs are.

Thin: reads in :mod:`dashboard.progress_queries`, figures in :mod:`dashboard.progress_figures`,
the callbacks' bodies are the module functions ``on_*`` (tested as plain functions).
"""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import dash_ag_grid as dag
from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import components as C
from dashboard import pace as PACE
from dashboard import progress_figures as PF
from dashboard import progress_queries as PQ
from dashboard.figures import fmt_number
from dashboard.pages import Page
from dashboard.queries import Queries

P = "progres"
FORMATS = ("csv", "xlsx")
DEFAULT_LEVEL = "ti2023"


def _id(name: str) -> str:
    return f"{P}-{name}"


def source_line(q: Queries, prefix: str, fallback: str = "") -> html.P:
    """'Source : <file> — millésime — licence' from the ``source`` table (text only)."""
    info = PQ.source(q, prefix)
    text = info.text() if info else (fallback or "source non chargée")
    return html.P(["Source : ", text], className="ti-source")


def demo_label(text: str = "Données fictives") -> html.Div:
    return html.Div(
        ["⚠ ", text.upper(), " — registre de démonstration généré, rien de réel"],
        className="ti-demo-label",
        role="note",
    )


# -- goals -------------------------------------------------------------------------------------


def goal_block(q: Queries, goal: str) -> html.Div:
    last = PQ.latest_point(q, goal)
    target = PACE.GOALS[goal]
    value = float(last["value"]) if last else None
    children = [
        dcc.Graph(
            id=_id(f"gauge-{goal}"),
            figure=PF.gauge(goal, value, target),
            config={"displayModeBar": False},
            className="ti-gauge",
        )
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
    return html.Div(className="ti-goal", id=_id(f"goal-{goal}"), children=children)


def pace_block(q: Queries, goal: str) -> html.Div:
    pts = PQ.pace_points(q, goal)
    s = PACE.summarise(goal, pts)
    return html.Div(
        className="ti-pace",
        children=[
            dcc.Graph(
                id=_id(f"pace-{goal}"),
                figure=PF.pace_figure(goal, pts, s),
                config={"displaylogo": False},
            ),
            html.Ul([html.Li(t) for t in PF.pace_sentences(goal, s)], className="ti-pace-text"),
        ],
    )


# -- registry ----------------------------------------------------------------------------------


def registry_intro(q: Queries) -> list:
    reg = PQ.registries(q)
    out = []
    if not PQ.national_registry(q):
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


def _choice(level, which, q: Queries) -> tuple[str, bool]:
    """(level, demo) from untrusted inputs: unknown values fall back to the real registry."""
    level = level if isinstance(level, str) and level in PQ.LEVELS else DEFAULT_LEVEL
    return level, which == "demo" and PQ.demo_loaded(q)


def on_registry(q: Queries, level, which):
    """Ranking rows and columns, the label, the map link and the over-time figure."""
    level, demo = _choice(level, which, q)
    df = PF.ranking_table(PQ.registry_ranking(q, level, demo=demo), demo)
    layer_id = PQ.LEVELS[level][0]
    ind = ("demo_projects_" if demo else "projects_") + "count"
    href = "/?" + urlencode({"couche": layer_id, "ind": ind})
    label = demo_label() if demo else html.Span()
    over = PQ.registry_over_time(q, demo=demo)
    title = "Projets du registre par année" + (" — DONNÉES FICTIVES" if demo else "")
    fig = PF.time_series(
        over,
        "year",
        {
            "count": "Projets de l'année",
            "cumulative": "Cumul des projets",
            "jobs_created": "Emplois créés annoncés",
        },
        title,
    )
    status = (
        f"{len(df)} unités avec au moins un projet"
        if len(df)
        else "Pas de données : aucun projet placé à ce niveau."
    )
    units = PF.units_over_time(
        PQ.registry_over_time_by_unit(q, level, demo=demo),
        f"Cumul des projets des 5 premières unités ({PQ.LEVELS[level][2]})"
        + (" — DONNÉES FICTIVES" if demo else ""),
    )
    return PF.grid_rows(df), PF.ranking_columns(demo), label, href, fig, status, units


def on_download(q: Queries, fmt, level, which):
    fmt = fmt if isinstance(fmt, str) and fmt in FORMATS else "csv"
    level, demo = _choice(level, which, q)
    df = PF.ranking_table(PQ.registry_ranking(q, level, demo=demo), demo)
    prefix = "demo_projects_" if demo else "projects_"
    note = PQ.indicator_source(q, prefix) or "registre des projets"
    if demo:
        note = "DONNÉES FICTIVES — " + note
    stem = f"projets_{level}" + ("_donnees-fictives" if demo else "")
    body = PF.export_bytes(df, fmt, note, demo)
    mime = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv"
    )
    return {
        "content": base64.b64encode(body).decode("ascii"),
        "filename": f"{stem}.{fmt}",
        "base64": True,
        "type": mime,
    }


def registry_block(q: Queries, state: C.UrlState) -> html.Section:
    demo = PQ.demo_loaded(q)
    which = "demo" if demo and state.extra.get("registre") == "demo" else "reel"
    rows, cols, label, href, fig, status, units = on_registry(q, DEFAULT_LEVEL, which)
    choices = [{"label": "Registres réels", "value": "reel"}]
    if demo:
        choices.append({"label": "Registre de démonstration (données fictives)", "value": "demo"})
    return html.Section(
        className="ti-block",
        id=_id("registry"),
        children=[
            html.H2(
                "Projets, aides et emplois par territoire (registre des projets)", className="ti-h2"
            ),
            *registry_intro(q),
            html.Div(
                className="ti-table-bar",
                children=[
                    html.Label("Niveau", htmlFor=_id("level")),
                    C.dropdown(
                        _id("level"),
                        [{"label": v[2], "value": k} for k, v in PQ.LEVELS.items()],
                        DEFAULT_LEVEL,
                        clearable=False,
                        style={"minWidth": "260px"},
                    ),
                    dcc.RadioItems(
                        id=_id("which"), options=choices, value=which, className="ti-radio"
                    ),
                ],
            ),
            html.Div(label, id=_id("label")),
            html.Div(
                className="ti-table-bar",
                children=[
                    html.Span(status, id=_id("status"), role="status"),
                    dcc.Link(
                        "Voir sur la carte",
                        id=_id("maplink"),
                        href=href,
                        className="ti-filter-link",
                    ),
                    html.Button("Télécharger CSV", id=_id("dl-csv"), className="ti-button"),
                    html.Button("Télécharger XLSX", id=_id("dl-xlsx"), className="ti-button"),
                    dcc.Download(id=_id("download")),
                ],
            ),
            dag.AgGrid(
                id=_id("grid"),
                className="ag-theme-alpine ti-grid",
                rowData=rows,
                columnDefs=cols,
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions={"animateRows": False, "suppressFieldDotNotation": True},
                style={"height": "360px"},
            ),
            html.Div(
                className="ti-goal-row",
                children=[
                    dcc.Graph(id=_id("over-time"), figure=fig, config={"displaylogo": False}),
                    dcc.Graph(
                        id=_id("units-over-time"), figure=units, config={"displaylogo": False}
                    ),
                ],
            ),
            html.P(
                ["Source : ", PQ.indicator_source(q, "projects_") or "aucun registre réel chargé"],
                className="ti-source",
            ),
        ],
    )


# -- France Relance and employment ---------------------------------------------------------------


def on_fr_departement(q: Queries, code):
    """Monthly series of one département (an empty chart for an unknown code)."""
    df = PQ.france_relance(q, "departement")
    if df.empty or not isinstance(code, str):
        return PF.time_series(df.iloc[0:0], "date", {}, "Pas de données")
    sub = df[df["code"] == code]
    name = str(sub["name"].iloc[0]) if len(sub) else "pas de données"
    return PF.time_series(
        sub,
        "date",
        {"value": f"{code} — {name}"},
        f"Entreprises bénéficiaires, {code} — {name} (cumul mensuel)",
    )


def france_relance_block(q: Queries) -> html.Section:
    latest = PQ.france_relance_latest(q, "departement")
    nat = PQ.france_relance(q, "france")
    if latest.empty:
        body = [html.P("Pas de données : les fichiers France Relance ne sont pas chargés.")]
    else:
        geo = json.loads(q.geojson("departement", level="coarse", inset=True, names=False))
        when = str(latest["date"].max())[:7]
        body = [
            dcc.Graph(
                id=_id("fr-map"),
                figure=PF.france_relance_map(
                    latest,
                    geo,
                    f"Entreprises industrielles bénéficiaires par département (cumul à {when})",
                ),
                config={"displaylogo": False},
            ),
            html.P(
                "Une entreprise présente dans plusieurs départements est comptée dans chacun : "
                "les départements ne s'additionnent pas en total national.",
                className="ti-note",
            ),
            dcc.Graph(
                id=_id("fr-series"),
                figure=PF.time_series(
                    nat,
                    "date",
                    {"value": "France entière"},
                    "Entreprises bénéficiaires, France (cumul mensuel)",
                ),
                config={"displaylogo": False},
            ),
            html.Label("Département", htmlFor=_id("fr-dep")),
            C.dropdown(
                _id("fr-dep"),
                [
                    {"label": f"{c} — {n}", "value": c}
                    for c, n in sorted(zip(latest["code"], latest["name"], strict=True))
                ],
                str(latest["code"].iloc[0]),
                clearable=False,
                style={"maxWidth": "360px"},
            ),
            dcc.Graph(
                id=_id("fr-dep-series"),
                figure=on_fr_departement(q, str(latest["code"].iloc[0])),
                config={"displaylogo": False},
            ),
            dcc.Link(
                "Voir sur la carte (par département)",
                href="/?"
                + urlencode({"couche": "departement", "ind": "france_relance_beneficiaries"}),
                className="ti-filter-link",
            ),
        ]
    return html.Section(
        className="ti-block",
        id=_id("france-relance"),
        children=[
            html.H2("France Relance : entreprises industrielles bénéficiaires", className="ti-h2"),
            *body,
            source_line(q, "france_relance"),
        ],
    )


def employment_block(q: Queries) -> html.Section:
    emp = PQ.employment_by_unit(q, "territory_2023")
    with_data = emp[emp["coverage"].notna()] if len(emp) else emp
    n_all, n_data = len(emp), len(with_data)
    full = with_data[with_data["coverage"] >= 99] if n_data else with_data
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
        body.append(
            dag.AgGrid(
                id=_id("emp-grid"),
                className="ag-theme-alpine ti-grid",
                rowData=table.to_dict("records"),
                columnDefs=[{"field": c, "headerName": c} for c in table.columns],
                defaultColDef={"sortable": True, "resizable": True},
                dashGridOptions={"suppressFieldDotNotation": True},
                style={"height": "300px"},
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
        id=_id("employment"),
        children=[
            html.H2("Emploi industriel (Urssaf) par territoire et évolution", className="ti-h2"),
            *body,
            source_line(q, "urssaf"),
        ],
    )


# -- page --------------------------------------------------------------------------------------


def layout(q: Queries, state: C.UrlState):
    demo = PQ.demo_loaded(q)
    top = [html.H1("Progrès vers 15 000 projets et 450 000 emplois", className="ti-h1")]
    if demo:
        top.append(
            html.Div(
                className="ti-demo-banner",
                role="note",
                id=_id("demo-banner"),
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
                id=_id("goals"),
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
                id=_id("series"),
                children=[
                    html.H2("Chiffres publiés dans le temps", className="ti-h2"),
                    dcc.Graph(
                        id=_id("series-projects"),
                        figure=PF.series_figure(
                            PQ.published_series(q, "projects"),
                            "Projets, actions et lauréats (par définition)",
                        ),
                    ),
                    dcc.Graph(
                        id=_id("series-jobs"),
                        figure=PF.series_figure(
                            PQ.published_series(q, "jobs"), "Emplois (par définition)"
                        ),
                    ),
                    source_line(q, "published_figures"),
                ],
            ),
            html.Section(
                className="ti-block",
                id=_id("pace"),
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


def register(app, q: Queries) -> None:
    @app.callback(
        Output(_id("grid"), "rowData"),
        Output(_id("grid"), "columnDefs"),
        Output(_id("label"), "children"),
        Output(_id("maplink"), "href"),
        Output(_id("over-time"), "figure"),
        Output(_id("status"), "children"),
        Output(_id("units-over-time"), "figure"),
        Input(_id("level"), "value"),
        Input(_id("which"), "value"),
        prevent_initial_call=True,
    )
    def _registry(level, which):
        return on_registry(q, level, which)

    @app.callback(
        Output(_id("fr-dep-series"), "figure"),
        Input(_id("fr-dep"), "value"),
        prevent_initial_call=True,
    )
    def _fr_dep(code):
        return on_fr_departement(q, code)

    @app.callback(
        Output(_id("download"), "data"),
        Input(_id("dl-csv"), "n_clicks"),
        Input(_id("dl-xlsx"), "n_clicks"),
        State(_id("level"), "value"),
        State(_id("which"), "value"),
        prevent_initial_call=True,
    )
    def _download(_csv, _xlsx, level, which):
        if ctx.triggered_id not in (_id("dl-csv"), _id("dl-xlsx")):
            return no_update
        return on_download(q, "xlsx" if ctx.triggered_id == _id("dl-xlsx") else "csv", level, which)


PAGE = Page(path="/progres", title="Progrès", order=10, layout=layout, register=register)
