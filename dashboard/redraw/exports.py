"""The exports of ``/redecoupage``: its three maps (PNG, SVG, PDF), the flow chart, and its tables
(summaries, transitions, sous-préfecture view) as CSV or XLSX.

The state is the page's address (``reg``, ``dep``, ``ind``, ``classes``), parsed and validated
as the page does; maps, legends and tables come from the same functions as the page's.
"""

from __future__ import annotations

import pandas as pd

from dashboard.core import staticmap as S
from dashboard.core.admin import Place, filter_bounds, place
from dashboard.core.classify import METHODS
from dashboard.core.downloads import IMAGE, TABLE, Args, Artefact
from dashboard.core.exports import table_bytes
from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, WAVE_LAYER
from dashboard.core.provenance import source
from dashboard.core.render import chart_bytes
from dashboard.core.urlstate import UrlState
from dashboard.redraw import figures as RF
from dashboard.redraw import queries as RQ
from dashboard.redraw.callbacks import wave_styles
from dashboard.redraw.state import indicator_choice, method_choice

PAGE = "redecoupage"  # /_export/redecoupage/...
WAVE_TITLES = {"2018": "Vague 2018-2022", "2023": "Vague 2023-2027"}


def state(q: Gateway, args: Args) -> tuple[Place, str, str]:
    """(place, indicator, classification) of the page's address."""
    st = UrlState.parse(args.search)
    ind, _ = indicator_choice(q, st.ind)
    return place(q, st.reg, st.dep), ind, method_choice(st.classes)


def _lines(q: Gateway, *prefixes: str) -> list[str]:
    infos = [source(q, p) for p in prefixes]
    return [i.text() for i in infos if i is not None]


def _suffix(p: Place) -> str:
    return "" if p.level == "france" else f"_{p.code}"


def _base(q: Gateway, p: Place) -> tuple[list[S.Fill], list[S.Fill], bool, str]:
    national = p.level == "france"
    level = "coarse" if national else "medium"
    under = [S.Fill(S.shapes(q, "base_departement", level, national), None, "#9a9a9a", 0.4)]
    over = [S.Fill(S.shapes(q, "base_region", level, national), None, "#3a3a3a", 0.9)]
    if national:
        over.append(S.Fill(S.inset_frames(q), None, "#777777", 0.6))
    return under, over, national, level


def wave_map(q: Gateway, args: Args, wave: str) -> Artefact:
    p, ind, method = state(q, args)
    indicator, hide, items, label = wave_styles(q, p, ind, method)
    under, over, national, level = _base(q, p)
    layer = LAYERS[WAVE_LAYER[wave]]
    units = S.subset(S.shapes(q, layer.shape, level, national), RQ.touching(q, wave, p))
    doc = S.MapDocument(
        title=f"{label} — Territoires d'industrie, {WAVE_TITLES[wave].lower()}",
        subtitle=f"{S.place_words(q, p.reg, p.dep)} — classes : {METHODS[method]}, les mêmes "
        "sur les cartes 2018 et 2023",
        layers=[*under, S.Fill(units, hide[wave]["colors"], "#555555", 0.4), *over],
        legend=items,
        legend_title=label + " (les deux vagues)",
        sources=_lines(q, f"territories:{wave}", "cog:communes", "commune_geometry")
        + ([f"indicateur : {indicator.source}"] if indicator.source else []),
        notes=[S.INSET_NOTE] if national else [],
        demo=indicator.generated,
        bounds=None if national else S.view_bounds(filter_bounds(q, p.reg, p.dep), units),
        national=national,
    )
    name = f"redecoupage_carte-{wave}_{ind}{_suffix(p)}"
    return Artefact(name, IMAGE, lambda fmt: S.render_map(doc, fmt))


def change_map(q: Gateway, args: Args) -> Artefact:
    p, _, _ = state(q, args)
    under, over, national, level = _base(q, p)
    classes = RQ.commune_classes(q, p)
    colors = {k: RF.CHANGE_COLORS.get(c, "#d9d9d9") for k, c in classes.items()}
    communes = S.subset(S.shapes(q, "commune", level, national), list(classes.index))
    doc = S.MapDocument(
        title="Communes selon leur situation entre les vagues 2018 et 2023",
        subtitle=f"{S.place_words(q, p.reg, p.dep)} — communes du COG 2026",
        layers=[S.Fill(communes, colors, "#ffffff", 0.05 if national else 0.2), *under, *over],
        legend=RF.change_legend_items(RQ.change_counts(q, p)),
        legend_title="Situation de la commune (nombre de communes)",
        legend_note="« Même territoire » : le territoire 2023 de la commune est le successeur "
        "principal (par la population) de son territoire 2018.",
        sources=_lines(
            q, "territories:2018", "territories:2023", "cog:communes", "commune_geometry"
        ),  # fmt: skip
        notes=[S.INSET_NOTE] if national else [],
        bounds=None if national else S.view_bounds(filter_bounds(q, p.reg, p.dep), communes),
        national=national,
    )
    return Artefact(f"redecoupage_changements{_suffix(p)}", IMAGE, lambda f: S.render_map(doc, f))


def sankey_export(q: Gateway, args: Args) -> Artefact:
    p, _, _ = state(q, args)
    tl = RQ.labels(q, "transition")
    fig = (
        RF.class_sankey_figure(RQ.class_flows(q, p), tl)
        if p.level == "france"
        else RF.sankey_figure(RQ.flows(q, p), tl)
    )
    title = (
        f"Des territoires 2018 aux territoires 2023 : population — {S.place_words(q, p.reg, p.dep)}"
    )
    sources = _lines(q, "territories:2018", "territories:2023", "cog:communes")
    height = max(420, int(fig.layout.height or 420))
    return Artefact(
        f"redecoupage_flux{_suffix(p)}",
        IMAGE,
        lambda fmt: chart_bytes(fig, fmt, title, sources, height=height),
    )


def summary_frame(row) -> pd.DataFrame:
    """The per-wave summary as numbers: one row per wave and one for the difference, one
    column per indicator (shares in %), so that each column holds one kind of number."""
    data: dict[str, list] = {"Vague": ["2018", "2023", "Écart 2023 - 2018"]}
    for stem, label, dec, unit, share in RF.SUMMARY_FIELDS:
        k = 100 if share else 1
        name = f"{label} ({'%' if share else unit})" if (share or unit) else label
        vals = [row[f"{stem}_{w}"] for w in ("2018", "2023", "diff")]
        data[name] = [None if pd.isna(v) else round(k * float(v), max(dec, 1)) for v in vals]
    return pd.DataFrame(data)


def _table(q: Gateway, args: Args, name: str, make) -> Artefact:
    p, _, _ = state(q, args)
    df = make(p)
    notes = [f"Champ : redécoupage 2018 → 2023, {S.place_words(q, p.reg, p.dep)}"]
    notes += _lines(q, "territories:2018", "territories:2023", "cog:communes")
    notes.append("Note : populations du COG 2026 pour les deux vagues, les écarts tiennent au "
                 "seul redécoupage.")  # fmt: skip
    return Artefact(
        f"redecoupage_{name}{_suffix(p)}", TABLE, lambda fmt: table_bytes(df, fmt, notes)
    )


def _summary(q: Gateway, p: Place) -> pd.DataFrame:
    s = RQ.summary(q, p)
    return summary_frame(s.iloc[0]) if len(s) else pd.DataFrame()


EXPORTS = {
    "carte-2018": lambda q, a: wave_map(q, a, "2018"),
    "carte-2023": lambda q, a: wave_map(q, a, "2023"),
    "carte-changements": change_map,
    "flux": sankey_export,
    "couverture": lambda q, a: _table(q, a, "couverture", lambda p: _summary(q, p)),
    "detail": lambda q, a: _table(
        q, a, "detail", lambda p: RF.breakdown_frame(RQ.summary_breakdown(q, p))
    ),
    "transitions": lambda q, a: _table(
        q, a, "transitions", lambda p: RF.transition_frame(RQ.transitions(q, p))
    ),
    "territoires-arrondissements": lambda q, a: _table(
        q,
        a,
        "territoires-arrondissements",
        lambda p: RF.territory_arrondissement_frame(RQ.territory_arrondissements(q, "2023", p)),
    ),
    "arrondissements": lambda q, a: _table(
        q, a, "arrondissements", lambda p: RF.arrondissement_frame(RQ.arrondissements(q, "2023", p))
    ),
}
