"""The callbacks of the ``/redecoupage`` maps and tables as plain functions (wired in
``dashboard/pages/redecoupage.py``)."""

from __future__ import annotations

from dash import html, no_update

from dashboard.core import components as C
from dashboard.core.admin import filter_bounds, filter_options, place
from dashboard.core.gateway import Gateway, QueryError
from dashboard.core.indicators import get_indicator, values
from dashboard.core.inputs import text
from dashboard.core.layers import WAVE_LAYER
from dashboard.core.links import REDRAW_PATH
from dashboard.core.mapview import NATIONAL_BOUNDS, base_url
from dashboard.core.urlstate import UrlState, format_view
from dashboard.redraw import figures as RF
from dashboard.redraw import queries as RQ
from dashboard.redraw.panels import change_legend, panel, place_name, scope_list, summary_table
from dashboard.redraw.state import (
    change_url,
    cid,
    indicator_choice,
    method_choice,
    selected_keys,
    selection_of,
    wave_url,
)


def on_filter(q: Gateway, reg, dep):
    """Région/département changed: département options, the département kept only when it is
    in the région, and the bounds all three maps fit."""
    p = place(q, reg, dep)
    b = filter_bounds(q, p.reg, p.dep) or NATIONAL_BOUNDS
    return filter_options(q, "departement", p.reg), p.dep, {"bounds": b}


def wave_styles(q: Gateway, p, ind: str, method: str, selection=None):
    """(indicator, style data of each wave map, legend rows, legend title) of the two wave
    maps: one set of classes over both waves (validated place, indicator and method)."""
    indicator = get_indicator(q, "ti2023", ind)
    by_wave = {
        w: values(q, WAVE_LAYER[w], ind).reindex(RQ.touching(q, w, p)) for w in ("2018", "2023")
    }
    label = indicator.label + (f" ({indicator.unit})" if indicator.unit else "")
    hide, items = RF.wave_hideouts(
        by_wave,
        method,
        indicator.decimals,
        indicator.unit,
        indicator.label,
        selected_keys(q, selection_of(q, selection)),
    )
    return indicator, hide, items, label


def on_view(q: Gateway, reg, dep, ind, method, selection):
    """Everything that depends on the place, the indicator and the classification."""
    p = place(q, reg, dep)
    ind, _ = indicator_choice(q, ind)
    method = method_choice(method)
    indicator, hide, items, label = wave_styles(q, p, ind, method, selection)
    counts = RQ.change_counts(q, p)
    tl = RQ.labels(q, "transition")
    summary = RQ.summary(q, p)
    breakdown = RF.breakdown_frame(RQ.summary_breakdown(q, p))
    tr = RF.transition_frame(RQ.transitions(q, p))
    tcounts = RQ.transition_counts(q, p)
    sankey = (
        RF.class_sankey_figure(RQ.class_flows(q, p), tl)
        if p.level == "france"
        else RF.sankey_figure(RQ.flows(q, p), tl)
    )
    ta = RF.territory_arrondissement_frame(RQ.territory_arrondissements(q, "2023", p))
    arr = RF.arrondissement_frame(RQ.arrondissements(q, "2023", p))
    return {
        "url18": wave_url(q, "2018", p),
        "url23": wave_url(q, "2023", p),
        "url_change": change_url(q, p),
        "base_dep": base_url(q, "departement", p.level == "france"),
        "base_reg": base_url(q, "region", p.level == "france"),
        "hide18": hide["2018"],
        "hide23": hide["2023"],
        "wave_legend": C.legend(items, label, "Mêmes classes sur les deux cartes."),
        "change_legend": change_legend(counts),
        "summary": summary_table(summary.iloc[0] if len(summary) else None, place_name(summary)),
        "breakdown_rows": RF.records(breakdown),
        "breakdown_cols": RF.grid_columns(breakdown),
        "transition_counts": html.Ul(
            [
                html.Li(f"{lab} : {int(n)}")
                for lab, n in tcounts[["label", "n"]].itertuples(index=False)
            ],
            className="rd-counts",
            id=cid("transition-counts"),
        ),
        "sankey": sankey,
        "transition_rows": RF.records(tr),
        "transition_cols": RF.grid_columns(tr),
        "scope": scope_list(RQ.scope_counts(q, "2023", p), RQ.scope_counts(q, "2018", p)),
        "ta_rows": RF.records(ta),
        "ta_cols": RF.grid_columns(ta),
        "arr_rows": RF.records(arr),
        "arr_cols": RF.grid_columns(arr),
    }


# where each part of the view goes on the page ("component.property", see core.wiring); the
# outlines under each of the three maps take base_dep and base_reg
VIEW_OUTPUTS = {
    "url18": "geo-2018.url", "url23": "geo-2023.url", "url_change": "geo-change.url",
    "hide18": "geo-2018.hideout", "hide23": "geo-2023.hideout",
    "wave_legend": "wave-legend.children", "change_legend": "change-legend.children",
    "summary": "summary.children", "breakdown_rows": "breakdown.rowData",
    "breakdown_cols": "breakdown.columnDefs", "transition_counts": "transitions-summary.children",
    "sankey": "sankey.figure", "transition_rows": "transitions.rowData",
    "transition_cols": "transitions.columnDefs", "scope": "scope.children",
    "ta_rows": "terr-arr.rowData", "ta_cols": "terr-arr.columnDefs",
    "arr_rows": "arr.rowData", "arr_cols": "arr.columnDefs",
}  # fmt: skip
BASE_OUTPUTS = [
    f"base-{kind}-{m}.url" for m in ("2018", "2023", "change") for kind in ("dep", "reg")
]
VIEW_KEYS = (*VIEW_OUTPUTS, "base_dep", "base_reg")


def on_view_outputs(q: Gateway, reg, dep, ind, method, selection) -> list:
    """:func:`on_view` in the order of :data:`VIEW_OUTPUTS` then :data:`BASE_OUTPUTS` (nothing
    changes when an input cannot be answered)."""
    try:
        v = on_view(q, reg, dep, ind, method, selection)
    except QueryError:
        return [no_update] * (len(VIEW_OUTPUTS) + len(BASE_OUTPUTS))
    return [v[k] for k in VIEW_OUTPUTS] + [v["base_dep"], v["base_reg"]] * 3


def on_select(q: Gateway, selection, hide18, hide23):
    """A territory selected on one map: outline it and its counterpart on the other; the panel."""
    sel = selection_of(q, selection)
    keys = selected_keys(q, sel)
    return (
        RF.with_selection(hide18, keys["2018"]),
        RF.with_selection(hide23, keys["2023"]),
        panel(q, sel),
    )


def on_url(reg, dep, ind, method, selection, center, zoom, pathname=REDRAW_PATH):
    """The query string of the page's state (no database access); nothing on another page."""
    if pathname != REDRAW_PATH:
        return no_update
    s = text
    sel = selection if isinstance(selection, dict) else {}
    wave = RQ.valid_wave(sel.get("wave"))
    key = s(sel.get("key"), RQ.MAX_ID_LEN) if wave else None
    st = UrlState(
        ind=s(ind, 64),
        classes=s(method),
        reg=s(reg),
        dep=s(dep),
        sel=key,
        vue=format_view(center, zoom),
        extra={"vague": wave} if key else {},
    )
    return st.to_search()
