"""The exports of ``/progres``: every chart as PNG, SVG or PDF with its title, source and date;
the France Relance map drawn on the server; the registry ranking and the employment table.

Each chart is built by the same function as on the page, from the same queries; the registry
charts and table follow the level and the registry chosen (``niveau``, ``registre`` in the
query string, untrusted: anything unknown gives the page's default).
"""

from __future__ import annotations

from dashboard.core import classify as K
from dashboard.core import staticmap as S
from dashboard.core.charts import time_series
from dashboard.core.downloads import IMAGE, TABLE, Args, Artefact
from dashboard.core.exports import table_bytes
from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.provenance import indicator_source, source
from dashboard.core.render import chart_bytes
from dashboard.progress import callbacks as cb
from dashboard.progress import figures as PF
from dashboard.progress import pace as PACE
from dashboard.progress import queries as PQ

PAGE = "progres"
GOAL_TITLES = {"projects": "Projets industriels", "jobs": "Emplois"}
GOALS = ("projects", "jobs")
FR_NOTE = (
    "Une entreprise présente dans plusieurs départements est comptée dans chacun : les "
    "départements ne s'additionnent pas en total national."
)


def _line(q: Gateway, prefix: str) -> str:
    info = source(q, prefix)
    return info.text() if info else ""


def _chart(stem: str, fig, title: str, sources: list[str], *, demo: bool = False, **dress):
    return Artefact(
        stem + ("_donnees-fictives" if demo else ""),
        IMAGE,
        lambda fmt: chart_bytes(fig, fmt, title, sources, demo=demo, **dress),
    )


def _goal(args: Args) -> str:
    g = args.get("objectif")
    return g if g in GOALS else "projects"


def _measured(q: Gateway, args: Args):
    """(goal name, goal, what measures it, its progress, demo) of the query, or None when no
    figure of the goal's definition is loaded (the page then shows "non mesurable")."""
    name = _goal(args)
    demo = args.get("registre") == "demo"
    m = PQ.measured_by(q, name, demo=demo)  # None when the goal is not loaded either
    if m is None:
        return None
    g = PQ.goal(q, name)
    return name, g, m, PACE.progress(g, m["stock"], m["last"]), demo


def _registry_line(q: Gateway, demo: bool) -> str:
    return indicator_source(q, "demo_projects_" if demo else "projects_") or "registre des projets"


def gauge_export(q: Gateway, args: Args) -> Artefact | None:
    """The gauge of a goal, only where a series of its definition measures it."""
    found = _measured(q, args)
    if found is None:
        return None
    name, g, m, pr, demo = found
    fig = PF.gauge(pr, f"Potentiel : {fmt_number(g.value)} {g.definition.unit}")
    title = f"{GOAL_TITLES[name]} : part du potentiel atteinte depuis la relance"
    subtitle = (
        f"{fmt_number(pr.achieved)} {g.definition.unit} du {g.start:%d/%m/%Y} au "
        f"{pr.last.latest:%d/%m/%Y}, soit {fmt_number(pr.share * 100, 1)} % du potentiel"
    )
    return _chart(f"jauge_{name}", fig, title, [_registry_line(q, demo)], demo=demo,
                  subtitle=subtitle, height=420)  # fmt: skip


def pace_export(q: Gateway, args: Args) -> Artefact | None:
    """The pace chart of a goal, only where a series of its definition measures it."""
    found = _measured(q, args)
    if found is None:
        return None
    name, g, m, pr, demo = found
    title = f"{GOAL_TITLES[name]} : rythme nécessaire et rythme observé"
    fig = PF.pace_figure(pr, m["series"], title)
    registry = "le registre de démonstration" if demo else "le registre national"
    return _chart(f"rythme_{name}", fig, title, [_registry_line(q, demo)], demo=demo,
                  subtitle=" ".join(PF.pace_sentences(pr, registry)[-2:]))  # fmt: skip


def series_export(q: Gateway, args: Args) -> Artefact | None:
    """The timeline of one published definition (its own axis), as on the page."""
    df = PQ.published_figures(q)
    key = args.get("definition")
    d = df[df["definition"].astype(str) == key] if len(df) and key else df.iloc[0:0]
    if len(d) < 2:
        return None
    fig = PF.definition_panel(d)
    title = f"Chiffres publiés : {d['definition_name'].iloc[0]}"
    return _chart(f"chiffres-publies_{key}", fig, title, [_line(q, "published_figures")])


def fr_series_export(q: Gateway, args: Args) -> Artefact:
    title = "France Relance : entreprises industrielles bénéficiaires, France (cumul mensuel)"
    fig = time_series(PQ.france_relance(q, "france"), "date", {"value": "France entière"}, title)
    return _chart("france-relance_france", fig, title, [_line(q, "france_relance:france")])


def fr_departement_export(q: Gateway, args: Args) -> Artefact:
    fig = cb.on_fr_departement(q, args.get("dep", 3))
    title = fig.layout.title.text or "Entreprises bénéficiaires par département"
    return _chart(
        f"france-relance_{args.get('dep', 3) or 'departement'}",
        fig,
        f"France Relance : {title}",
        [_line(q, "france_relance:departement")],
        subtitle=FR_NOTE,
    )


def fr_map_export(q: Gateway, args: Args) -> Artefact | None:
    latest = PQ.france_relance_latest(q, "departement")
    if latest.empty:
        return None
    vals = latest.set_index(latest["code"].astype(str))["value"].astype(float)
    classes = K.classify(vals.to_numpy(), K.DEFAULT_METHOD)
    hide = K.map_hideout(list(vals.index), vals.to_numpy(), classes)
    shapes = S.shapes(q, "departement", "coarse", True)
    when = str(latest["date"].max())[:7]
    doc = S.MapDocument(
        title=f"France Relance : entreprises industrielles bénéficiaires par département "
        f"(cumul à {when})",
        subtitle=f"France entière — {len(vals)} départements — classes : quantiles",
        layers=[
            S.Fill(shapes, hide["colors"], "#555555", 0.3),
            S.Fill(S.shapes(q, "base_region", "coarse", True), None, "#3a3a3a", 0.9),
            S.Fill(S.inset_frames(q), None, "#777777", 0.6),
        ],
        legend=K.legend_items(classes, 0, "", int(len(shapes) - len(vals))),
        legend_title="Entreprises bénéficiaires",
        legend_note=FR_NOTE,
        sources=[_line(q, "france_relance:departement")],
        notes=[S.INSET_NOTE],
        national=True,
    )
    return Artefact("france-relance_carte", IMAGE, lambda fmt: S.render_map(doc, fmt))


def _registry(q: Gateway, args: Args) -> tuple[str, str, bool]:
    level, demo = cb._choice(args.get("niveau"), args.get("registre"), q)
    return level, "demo" if demo else "reel", demo


def registry_chart_export(q: Gateway, args: Args, which_chart: int) -> Artefact:
    level, which, demo = _registry(q, args)
    out = cb.on_registry(q, level, which)
    fig = out[which_chart]
    note = indicator_source(q, "demo_projects_" if demo else "projects_")
    title = str(fig.layout.title.text or "Projets du registre")
    name = "registre_par-annee" if which_chart == 4 else f"registre_unites_{level}"
    return _chart(name, fig, title, [note or "aucun registre réel chargé"], demo=demo)


def ranking_export(q: Gateway, args: Args) -> Artefact:
    df, note, stem, demo = cb.ranking_file(q, args.get("niveau"), args.get("registre"))
    return Artefact(stem, TABLE, lambda fmt: table_bytes(df, fmt, note, demo=demo))


def employment_export(q: Gateway, args: Args) -> Artefact:
    df = PF.employment_table(PQ.employment_by_unit(q, "territory_2023"))
    return Artefact(
        "emploi-industriel_territoires-2023",
        TABLE,
        lambda fmt: table_bytes(df, fmt, [_line(q, "urssaf")]),
    )


EXPORTS = {
    "jauge": gauge_export,
    "rythme": pace_export,
    "chiffres-publies": series_export,
    "france-relance-carte": fr_map_export,
    "france-relance-france": fr_series_export,
    "france-relance-departement": fr_departement_export,
    "registre-par-annee": lambda q, a: registry_chart_export(q, a, 4),
    "registre-unites": lambda q, a: registry_chart_export(q, a, 6),
    "registre": ranking_export,
    "emploi": employment_export,
}
