"""The layout of ``/progres``: the goals, their pace, projects, France Relance, employment."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pandas as pd
from dash import dcc, html

from dashboard.core import components as C
from dashboard.core import geometry
from dashboard.core.charts import graph, time_series
from dashboard.core.downloads import IMAGE, TABLE
from dashboard.core.formats import MONTHS, fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.links import PROGRESS_PATH
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
    """'Source : <the file as a reader knows it>' from the ``source`` table (text only)."""
    info = source(q, prefix)
    text = info.text() if info else (fallback or "source non chargée")
    return html.P(["Source : ", text, " (détail : ", dcc.Link("sources", href="/sources"), ")."],
                  className="ti-source")  # fmt: skip


def link(text: str, href: str) -> html.A:
    """A link to a published page (the address was checked http(s) by the build)."""
    return html.A(str(text), href=str(href), target="_blank", rel="noopener noreferrer")


GOAL_TITLES = {"projects": "Projets industriels", "jobs": "Emplois"}
# the families of published definitions, in the order of the page (others after, by name)
FAMILIES = ("Projets et actions", "Emplois", "Montants", "Territoires et ingénierie")


def goals_intro(q: Gateway) -> list:
    """The goals named for what they are, with their source as published."""
    g = PQ.goals(q).set_index("goal")
    if g.empty:
        return [
            html.P("Pas de données : les objectifs ne sont pas chargés.", className="ti-absent")
        ]
    p, j = g.loc["projects"], g.loc["jobs"]
    start = pd.Timestamp(p["start"]).date()
    out = [
        html.P(
            [
                "Potentiel estimé de ",
                html.Strong(f"{fmt_number(p['value'])} {p['metric']}"),
                " et ",
                html.Strong(f"{fmt_number(j['value'])} emplois"),
                f" sur {int(p['horizon_min'])} à {int(p['horizon_max'])} ans, selon Olivier "
                "Lluansi et Guillaume Basset, anciens délégués aux Territoires d'industrie (La "
                "Fabrique de l'industrie). Ce tableau de bord en fait ses objectifs et les compte à "
                f"partir de la relance du programme, le {start:%d/%m/%Y} (labellisation des 183 "
                "territoires de la phase 2). C'est une estimation de potentiel, pas un engagement "
                "chiffré de l'État.",
            ],
            className="ti-goal-intro",
        )
    ]
    src = PQ.goal_sources(q)
    if src.empty:
        out.append(
            html.P(
                "Source du potentiel : aucune des publications chargées ne le cite.",
                className="ti-source",
            )
        )
    else:
        items = []
        for i, r in enumerate(src.itertuples(index=False)):
            items += (["Source : "] if i == 0 else [" ; repris dans "]) + [
                link(r.source_name, r.source_url),
                f", {r.date_label} (« {str(r.quote).strip(chr(34))} »)",
            ]
        out.append(html.P([*items, "."], className="ti-source", id=cid("goal-source")))
    return out


def goal_block(q: Gateway, goal: str, demo: bool) -> html.Div:
    """One goal: its gauge and what it counts when a series of its definition is loaded,
    otherwise "non mesurable à ce jour" and the nearest published figures, each with why."""
    g = PQ.goal(q, goal)
    title = GOAL_TITLES[goal]
    children: list = [html.H3(title, className="ti-h3")]
    if g is None:
        children.append(
            html.P("Pas de données : l'objectif n'est pas chargé.", className="ti-absent")
        )
        return html.Div(className="ti-goal", id=cid(f"goal-{goal}"), children=children)
    m = PQ.measured_by(q, goal, demo=demo)
    if m is not None:
        pr = PACE.progress(g, m["stock"], m["last"])
        what = (
            "registre de démonstration (DONNÉES FICTIVES)" if demo else "registre national importé"
        )
        counted = "projets" if goal == "projects" else "emplois créés annoncés par les projets"
        children += [
            *([C.demo_label()] if demo else []),
            graph(
                cid(f"gauge-{goal}"),
                PF.gauge(pr, f"Potentiel : {fmt_number(g.value)} {g.definition.unit}"),
                toolbar=False,
                className="ti-gauge",
            ),
            C.export_buttons(
                export_path("jauge"),
                IMAGE,
                "la jauge",
                query=f"objectif={goal}" + ("&registre=demo" if demo else ""),
            ),
            html.P(
                [
                    "Ce compteur compte les ",
                    html.Strong(counted),
                    f" du {what} datés du {g.start:%d/%m/%Y} au {pr.last.latest:%d/%m/%Y} : ",
                    html.Strong(f"{fmt_number(pr.achieved)} {g.definition.unit}"),
                    f", soit {fmt_number(pr.share * 100, 1)} % du potentiel de "
                    f"{fmt_number(g.value)} {g.definition.unit}.",
                ]
                + (
                    [f" {fmt_number(m['n_undated'])} projets sans date ne sont pas comptés."]
                    if m["n_undated"]
                    else []
                ),
                className="ti-goal-figure",
            ),
        ]
    else:
        near = PQ.nearest_figures(q, goal)
        children += [
            html.P(
                [
                    html.Strong("Non mesurable à ce jour. "),
                    f"Aucun chiffre publié ne compte les {g.definition.metric} depuis la relance "
                    f"du {g.start:%d/%m/%Y}, et aucun registre national des projets n'est chargé : "
                    "aucune part du potentiel ne peut être calculée sans comparer des chiffres de "
                    "définitions différentes.",
                ],
                className="ti-goal-absent",
                id=cid(f"absent-{goal}"),
            )
        ]
        if len(near):
            children += [
                html.P("Chiffres publiés les plus proches, d'une autre définition :"),
                html.Ul(
                    [
                        html.Li(
                            [
                                html.Strong(PF.value_text(r.value, 0, r.unit_fr)),
                                f" — {r.label} ({r.scope_fr}, {r.phase}), {r.date_label}. ",
                                link(r.source_name, r.source_url),
                            ]
                        )
                        for r in near.itertuples(index=False)
                    ],
                    className="ti-near",
                ),
                html.P(str(near["note"].iloc[0]), className="ti-goal-why"),
            ]
    return html.Div(className="ti-goal", id=cid(f"goal-{goal}"), children=children)


def figures_table(df: pd.DataFrame) -> html.Table:
    """The published figures of one family, grouped by definition: date, label, value with its
    unit, scope and phase, source (a link) and the source's own wording."""
    head = ["Date", "Chiffre", "Valeur", "Périmètre", "Phase", "Source", "Formulation de la source"]
    body = []
    for _, d in df.groupby("definition_name", sort=False):
        note = d["definition_note"].dropna()
        body.append(
            html.Tr(
                html.Th(
                    str(d["definition_name"].iloc[0]) + (f" — {note.iloc[0]}" if len(note) else ""),
                    colSpan=len(head),
                    scope="colgroup",
                    className="ti-def-head",
                )
            )
        )
        for r in d.itertuples(index=False):
            body.append(
                html.Tr(
                    [
                        html.Td(str(r.date_label)),
                        html.Td(str(r.label)),
                        html.Td(PF.value_text(r.value, r.decimals, r.unit_fr), className="ti-num"),
                        html.Td(str(r.scope_fr)),
                        html.Td(str(r.phase)),
                        html.Td(link(r.source_name, r.source_url)),
                        html.Td(html.Q(str(r.quote).strip('"')), className="ti-quote", lang="und"),
                    ]
                )
            )
    return html.Table(
        className="ti-table ti-figures",
        children=[
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(body),
        ],
    )


def figures_block(q: Gateway) -> html.Section:
    """The published figures grouped by definition: a table per family, and the timeline of
    every definition published at two dates or more (one chart each, its own axis)."""
    df = PQ.published_figures(q)
    children: list = [
        html.H2("Chiffres publiés, par définition", className="ti-h2"),
        html.P(
            "Chaque chiffre garde sa définition, son périmètre, sa phase et sa date : les chiffres "
            "de définitions différentes ne s'additionnent pas et ne se comparent pas. La "
            "formulation de la source est citée telle que publiée ; le libellé en français est "
            "tenu par le projet."
        ),
    ]
    if df.empty:
        children.append(
            html.P("Pas de données : aucun chiffre publié chargé.", className="ti-absent")
        )
    else:
        series = [d for _, d in df.groupby("definition", sort=False) if len(d) >= 2]
        if series:
            children += [
                html.H3("Évolution des définitions publiées à plusieurs dates", className="ti-h3"),
                html.Div(
                    className="ti-multiples",
                    children=[
                        html.Div(
                            [
                                graph(
                                    cid(f"def-{d['definition'].iloc[0]}"), PF.definition_panel(d)
                                ),
                                C.export_buttons(
                                    export_path("chiffres-publies"),
                                    IMAGE,
                                    "le graphique",
                                    query=f"definition={d['definition'].iloc[0]}",
                                ),
                            ]
                        )
                        for d in sorted(series, key=lambda d: str(d["definition_name"].iloc[0]))
                    ],
                ),
            ]
        order = {f: i for i, f in enumerate(FAMILIES)}
        families = sorted(df["family"].dropna().unique(), key=lambda f: (order.get(f, 99), f))
        for family in families:
            d = df[df["family"] == family]
            # definitions in the order of their first figure, figures by date within each
            first = d.groupby("definition_name")["date"].transform("min")
            d = d.assign(_first=first).sort_values(["_first", "definition_name", "date"])
            children += [html.H3(str(family), className="ti-h3"), figures_table(d)]
    children.append(source_line(q, "published_figures"))
    return html.Section(className="ti-block", id=cid("series"), children=children)


def pace_block(q: Gateway, goal: str, demo: bool) -> html.Div:
    """The pace each horizon requires and, when a series of the goal's definition is loaded, the
    observed pace, its chart and the year the goal would be reached."""
    g = PQ.goal(q, goal)
    if g is None:
        return html.Div(html.P("Pas de données."), className="ti-pace")
    unit = g.definition.unit
    required = [
        html.Li(
            f"Sur {h} ans (échéance {PACE.add_years(g.start, h).year}) : "
            f"{fmt_number(PACE.required_pace(g.value, h))} {unit} par an."
        )
        for h in g.horizons
    ]
    m = PQ.measured_by(q, goal, demo=demo)
    children: list = [html.H3(GOAL_TITLES[goal], className="ti-h3")]
    if m is None:
        children += [
            html.Ul(required, className="ti-pace-text"),
            html.P(
                "Rythme observé : non mesurable à ce jour (aucune série de même définition que "
                "l'objectif depuis la relance).",
                className="ti-goal-absent",
            ),
        ]
    else:
        pr = PACE.progress(g, m["stock"], m["last"])
        registry = "le registre de démonstration" if demo else "le registre national"
        title = f"{GOAL_TITLES[goal]} : rythme nécessaire et rythme observé" + (
            " — DONNÉES FICTIVES" if demo else ""
        )
        children += [
            graph(cid(f"pace-{goal}"), PF.pace_figure(pr, m["series"], title)),
            C.export_buttons(
                export_path("rythme"),
                IMAGE,
                "le graphique",
                query=f"objectif={goal}" + ("&registre=demo" if demo else ""),
            ),
            html.Ul(
                [html.Li(t) for t in PF.pace_sentences(pr, registry)], className="ti-pace-text"
            ),
        ]
    return html.Div(className="ti-pace", id=cid(f"pace-block-{goal}"), children=children)


def registry_intro(q: Gateway) -> list:
    reg = registries(q)
    out = []
    if not national_registry(q):
        real = reg.loc[~reg["is_demo"].astype(bool), "label"].astype(str) if len(reg) else []
        out.append(
            html.P(
                className="ti-absent",
                children=[
                    "Aucun registre national des projets n'est chargé. ",
                    "Seuls les projets réels disponibles sont montrés"
                    + (f" ({', '.join(real)})" if len(real) else "")
                    + ". Un administrateur peut importer le registre (CSV ou XLSX) en suivant le "
                    "guide d'administration du projet (docs/registry-schema.md du dépôt).",
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
            html.Div(on_registry_exports(q, DEFAULT_LEVEL, which), id=cid("registry-exports")),
            C.loading(C.grid(cid("grid"), rows, cols, 360), text="Chargement du tableau…"),
            html.Div(
                className="ti-goal-row",
                children=[
                    graph(cid("over-time"), fig),
                    graph(cid("units-over-time"), units),
                ],
            ),
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
        last = pd.Timestamp(latest["date"].max())
        when = f"à fin {MONTHS[last.month - 1]} {last.year}"
        body = [
            graph(
                cid("fr-map"),
                PF.france_relance_map(
                    latest,
                    geo,
                    f"Entreprises industrielles bénéficiaires par département (cumul {when})",
                ),
            ),
            C.export_buttons(export_path("france-relance-carte"), IMAGE, "la carte"),
            html.P(
                "Une entreprise présente dans plusieurs départements est comptée dans chacun : "
                "les départements ne s'additionnent pas en total national.",
                className="ti-note",
            ),
            graph(
                cid("fr-series"),
                time_series(
                    nat,
                    "date",
                    {"value": "France entière"},
                    "Entreprises bénéficiaires, France (cumul mensuel)",
                ),
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
            graph(cid("fr-dep-series"), on_fr_departement(q, str(latest["code"].iloc[0]))),
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
                "l'extrait de la zone d'emploi de Rouen ; un administrateur peut charger le fichier "
                "national (1,2 million de lignes) en suivant le guide d'administration du projet "
                "(README.md du dépôt, réglage du fichier Urssaf). Pas de données nationales "
                "d'emploi industriel par territoire à ce jour.",
            ],
        )
    ]
    if n_data:
        table = PF.employment_table(emp)
        body.append(
            C.grid(
                cid("emp-grid"),
                table.to_dict("records"),
                [{"field": c, "headerName": c} for c in table.columns],
                300,
            )
        )
        body.append(C.export_buttons(export_path("emploi"), TABLE, "le tableau de l'emploi"))
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
    # the goals are measured with the demonstration registry only when asked, and labelled
    on_demo = demo and state.extra.get("registre") == "demo"
    top = [
        html.H1(
            "Territoires d'industrie : où en est-on du potentiel de 15 000 projets et "
            "450 000 emplois ?",
            className="ti-h1",
        )
    ]
    if demo:
        top.append(
            html.Div(
                className="ti-demo-banner",
                role="note",
                id=cid("demo-banner"),
                children=[
                    "Un registre de démonstration (DONNÉES FICTIVES) est chargé dans la base. Il "
                    "n'est montré que si vous le choisissez ci-dessous, et toujours étiqueté. "
                    "L'administrateur le retire en suivant le guide d'administration du projet.",
                    " ",
                    dcc.Link(
                        "Voir les objectifs mesurés avec le registre de démonstration",
                        href=PROGRESS_PATH + "?registre=demo",
                    )
                    if not on_demo
                    else dcc.Link("Revenir aux données réelles", href=PROGRESS_PATH),
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
                    html.H2("Le potentiel et ce qui en est mesuré", className="ti-h2"),
                    *goals_intro(q),
                    html.Div(
                        className="ti-goal-row",
                        children=[
                            goal_block(q, "projects", on_demo),
                            goal_block(q, "jobs", on_demo),
                        ],
                    ),
                ],
            ),
            html.Section(
                className="ti-block",
                id=cid("pace"),
                children=[
                    html.H2("Rythme nécessaire et rythme observé", className="ti-h2"),
                    html.P(
                        "Le rythme nécessaire répartit le potentiel également sur 10 ou 15 ans à "
                        "partir de la relance ; le rythme observé se calcule entre deux chiffres "
                        "d'une même définition, avec l'incertitude de leurs dates, et la date "
                        "d'atteinte se donne en années."
                    ),
                    html.Div(
                        className="ti-goal-row",
                        children=[
                            pace_block(q, "projects", on_demo),
                            pace_block(q, "jobs", on_demo),
                        ],
                    ),
                ],
            ),
            figures_block(q),
            registry_block(q, state),
            france_relance_block(q),
            employment_block(q),
        ],
    )
