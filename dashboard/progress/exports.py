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
from dashboard.core.gateway import Gateway
from dashboard.core.provenance import indicator_source, source
from dashboard.core.render import chart_bytes
from dashboard.progress import callbacks as cb
from dashboard.progress import figures as PF
from dashboard.progress import pace as PACE
from dashboard.progress import queries as PQ

PAGE = "progres"
GOAL_TITLES = {"projects": "15 000 projets industriels", "jobs": "450 000 emplois"}
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
    return g if g in PACE.GOALS else "projects"


def gauge_export(q: Gateway, args: Args) -> Artefact:
    goal = _goal(args)
    last = PQ.latest_point(q, goal)
    value = float(last["value"]) if last else None
    fig = PF.gauge(goal, value, PACE.GOALS[goal])
    if last:
        subtitle = f"{last['metric']} ({last['scope']}), publié {last['date_text']}"
        sources = [f"{last['source_title']} — {last['source_url']}", _line(q, "published_figures")]
    else:
        subtitle, sources = "Pas de données : aucun chiffre publié chargé", []
    title = f"Objectif : {GOAL_TITLES[goal]} — dernier chiffre publié"
    return _chart(f"jauge_{goal}", fig, title, sources, subtitle=subtitle, height=420)


def pace_export(q: Gateway, args: Args) -> Artefact:
    goal = _goal(args)
    pts = PQ.pace_points(q, goal)
    s = PACE.summarise(goal, pts)
    fig = PF.pace_figure(goal, pts, s)
    return _chart(
        f"rythme_{goal}",
        fig,
        f"Rythme nécessaire et rythme observé — {GOAL_TITLES[goal]}",
        [_line(q, "published_figures")],
        subtitle=" ".join(PF.pace_sentences(goal, s)[-2:]),
    )


def series_export(q: Gateway, args: Args) -> Artefact:
    goal = _goal(args)
    title = {"projects": "Projets, actions et lauréats publiés (par définition)",
             "jobs": "Emplois publiés (par définition)"}[goal]  # fmt: skip
    fig = PF.series_figure(PQ.published_series(q, goal), title)
    return _chart(f"chiffres-publies_{goal}", fig, title, [_line(q, "published_figures")])


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
