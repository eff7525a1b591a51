"""A prefecture's briefing: the PDF report of a région or a département (A4).

The map of the 2023 territories that touch it (numbered), the table of their indicators, the
figures that exist at the level of the région or département itself (France Relance, DITP
barometer, projects, Urssaf coverage: every real indicator of the long table for that unit),
and the sources with their vintages. Demonstration indicators are left out (the report shows
real data only). The place is ``reg`` or ``dep`` in the query string, validated like the
map's filters; the map page links to it when a région or a département is chosen.
"""

from __future__ import annotations

from dashboard.core import staticmap as S
from dashboard.core.admin import filter_bounds, filtered_keys, place
from dashboard.core.downloads import DOCUMENT, Args, Artefact, export_path
from dashboard.core.formats import fmt_number, fmt_value
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import indicators, values, values_of_unit
from dashboard.core.layers import LAYERS, frame, names
from dashboard.core.links import map_href
from dashboard.core.pdf import html_pdf, render_html, svg_data_uri
from dashboard.core.provenance import built_at, sources

LAYER = "ti2023"
PALETTE = ("#cfdcf7", "#fde3e5", "#d9f0d3", "#fff2cc", "#e8dff5", "#fce5cd", "#d0e0e3")
SOURCE_PREFIXES = ("territories:2023", "cog:", "commune_geometry", "france_relance", "ditp",
                   "urssaf", "fonds_vert", "published_figures")  # fmt: skip


def _latest(inds):
    """Real indicators of the long table, latest year only (plus the layer's own columns)."""
    return [i for i in inds if not i.generated and (i.column is not None or i.id == i.long_name)]


def place_map(q: Gateway, keys: list[str], reg, dep) -> bytes:
    layer = LAYERS[LAYER]
    units = S.subset(S.shapes(q, layer.shape, "medium", False), keys)
    colors = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
    labels = []
    for i, (k, g) in enumerate(zip(units.index, units.geometry, strict=True)):
        pt = g.representative_point()
        labels.append(S.Label(pt.x, pt.y, str(keys.index(k) + 1 if k in keys else i + 1), False))
    level_layer = "departement" if dep else "region"
    code = dep or reg
    unit = S.subset(S.shapes(q, level_layer, "medium", False), [code])
    doc = S.MapDocument(
        "",
        [
            S.Fill(S.shapes(q, "base_departement", "medium", False), None, "#9a9a9a", 0.4),
            S.Fill(units, colors, "#555555", 0.6),
            S.Fill(unit, None, "#e1000f", 1.6),
        ],
        labels=labels,
        bounds=S.view_bounds(filter_bounds(q, reg, dep), units),
        framed=False,
    )
    return S.render_map(doc, "svg")


def report_context(q: Gateway, reg, dep, address: str) -> dict:
    keys = filtered_keys(q, LAYER, reg, dep)
    inds = [i for i in _latest(indicators(q, LAYER)) if i.id not in ("n_members",)]
    nm = names(q, LAYER)
    rows = []
    for n, k in enumerate(keys, start=1):
        cells = [fmt_number(values(q, LAYER, i.id).get(k), i.decimals) for i in inds]
        rows.append((n, k, nm.get(k, k), cells))
    level = "departement" if dep else "region"
    code = dep or reg
    unit_name = str(frame(q, level).at[code, "name"]).strip()
    figures = [
        (i.label, fmt_value(v, i.decimals, i.unit), i.source or "—")
        for i, v in values_of_unit(q, level, code)
        if not i.generated and i.column is None and i.id == i.long_name
    ]
    wanted = SOURCE_PREFIXES
    src = [
        {"name": r.name, "vintage": r.vintage, "licence": r.licence, "loaded_at": str(r.loaded_at)[:10]}
        for r in sources(q).itertuples(index=False)
        if str(r.name).startswith(wanted)
    ]  # fmt: skip
    kind = "Département" if dep else "Région"
    return {
        "title": f"{kind} {code} — {unit_name}",
        "subtitle": f"Les Territoires d'industrie 2023-2027 du {kind.lower()} : {len(keys)} "
        "territoires touchent son territoire",
        "kind": "note pour la préfecture",
        "address": address,
        "demo": False,
        "built_at": (built_at(q) or "")[:10],
        "map": svg_data_uri(place_map(q, keys, reg, dep)) if keys else None,
        "headers": [i.title for i in inds],
        "rows": rows,
        "figures": figures,
        "sources": src,
    }


def report_export(q: Gateway, args: Args) -> Artefact | None:
    p = place(q, args.get("reg", 10), args.get("dep", 10))
    if p.level == "france":
        return None
    reg = None if p.dep else p.reg
    address = args.root.rstrip("/") + map_href(couche=LAYER, reg=reg, dep=p.dep)
    ctx = report_context(q, reg, p.dep, address)
    html = render_html("dashboard.map", "place_report.html", **ctx)
    stem = f"note_{'departement' if p.dep else 'region'}_{p.code}"
    return Artefact(stem, DOCUMENT, lambda fmt: html_pdf(html, ctx["title"]))


def report_link(reg, dep):
    """The link to the report of the most specific filter (nothing without a filter)."""
    from urllib.parse import urlencode

    from dash import html

    if not (reg or dep):
        return []
    href = f"{export_path('carte', 'note')}.pdf?" + urlencode({"dep": dep} if dep else {"reg": reg})
    what = "du département" if dep else "de la région"
    return html.Div(
        className="ti-export ti-noprint",
        children=[
            html.A(f"Note PDF {what}", href=href, download="", className="ti-export-link",
                   title=f"Télécharger la note {what} : territoires, indicateurs, sources"),
            html.Span(className="ti-export-status", role="status", **{"aria-live": "polite"}),
        ],
    )  # fmt: skip


def on_report_link(q: Gateway, reg, dep, arr):
    """The filters changed: the link to the note of the chosen région or département."""
    p = place(q, reg, dep)
    return report_link(None if p.dep else p.reg, p.dep)
