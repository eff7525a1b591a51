"""The map page's exports: the map as PNG, SVG or PDF, drawn from the page's own view model.

The export reads the same address as the page (:func:`dashboard.map.state.from_url`) and the
same :func:`dashboard.map.view.view_model`: colour per unit, legend rows with their counts and
the provenance note are the ones on screen, whatever classes or palette the state asks for.
"""

from __future__ import annotations

from dashboard.core import staticmap as S
from dashboard.core.admin import filter_bounds
from dashboard.core.classify import METHODS
from dashboard.core.downloads import IMAGE, Args, Artefact
from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.layers import get_layer
from dashboard.core.urlstate import UrlState
from dashboard.map.report import report_export
from dashboard.map.state import MapState, from_url
from dashboard.map.view import view_model

PAGE = "carte"


def map_document(q: Gateway, st: MapState) -> S.MapDocument:
    """What the exported map draws for a state (see the module docstring)."""
    v = view_model(q, st)
    layer = get_layer(st.couche)
    national = not st.filtered
    level = "coarse" if national else "medium"
    units = S.subset(S.shapes(q, layer.shape, level, national), v.keys)
    layers = [S.Fill(S.shapes(q, "base_departement", level, national), None, "#9a9a9a", 0.4)]
    layers.append(S.Fill(units, v.hideout["colors"], "#555555", 0.3 if national else 0.6))
    layers.append(S.Fill(S.shapes(q, "base_region", level, national), None, "#3a3a3a", 0.9))
    if national:
        layers.append(S.Fill(S.inset_frames(q), None, "#777777", 0.6))
    n = fmt_number(len(v.keys))
    subtitle = f"{S.place_words(q, st.reg, st.dep, st.arr)} — {n} unités"
    if v.legend:
        subtitle += f" — classes : {METHODS[st.classes]}"
    circles = None
    if v.circles:
        points = units.geometry.representative_point()
        circles = S.Circles(points, v.hideout["radius"], v.circles, v.measure.title)
    bounds = None
    if not national:
        bounds = S.view_bounds(filter_bounds(q, st.reg, st.dep, st.arr), units)
    return S.MapDocument(
        title=f"{v.measure.title} — {layer.label}",
        subtitle=subtitle,
        layers=layers,
        legend=v.legend,
        legend_title=v.legend_title,
        legend_note=v.scale_note,
        circles=circles,
        sources=[v.note],
        notes=[S.INSET_NOTE] if national else [],
        demo=v.indicator.generated,
        bounds=bounds,
        national=national,
    )


def stem(st: MapState) -> str:
    out = f"carte_{st.couche}_{st.ind}"
    if st.filtered:
        out += "_" + (st.arr or st.dep or st.reg)
    return out


def map_export(q: Gateway, args: Args) -> Artefact:
    """The map of the state in the export's query string (the page's address)."""
    st = from_url(q, UrlState.parse(args.search))
    doc = map_document(q, st)
    name = stem(st) + ("_donnees-fictives" if doc.demo else "")
    return Artefact(name, IMAGE, lambda fmt: S.render_map(doc, fmt))


EXPORTS = {"carte": map_export, "note": report_export}
