"""Page "Redécoupage": how the 2018 wave became the 2023 wave, and analyst scenarios.

Layout and wiring only. Every callback body is a plain ``on_*`` function of this module (tested
without a browser); they read :mod:`dashboard.redraw_queries` (rows of the redraw tables built
by the ETL) and lay them out with :mod:`dashboard.redraw_figures`. Map styling, hover, the
clicks and the synchronised pan/zoom of the three maps stay in the browser
(``assets/redecoupage.js``); a scenario lives in the browser as JSON (``dcc.Store``) and never
touches the database.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_leaflet as dl
from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from flask import Response, request

from dashboard import components as C
from dashboard import figures as F
from dashboard import mapview as M
from dashboard import redraw_figures as RF
from dashboard import redraw_queries as RQ
from dashboard.pages import Page
from dashboard.queries import Queries, QueryError
from geo.scenario import (
    TERRITORY_ID,
    Scenario,
    ScenarioError,
    evaluate,
    gather,
    move_member,
    new_territory_id,
)

P = "rd"
PATH = "/redecoupage"
WAVE_LAYER = {"2018": "ti2018", "2023": "ti2023"}
NEW_TARGET = "__nouveau__"
MAX_NAME = 120
MAX_UPLOAD_B64 = 14_000_000  # characters of a data URL: a GeoJSON of all 183 territories is ~4 MB
MAX_GATHER = 50


def _id(name: str) -> str:
    return f"{P}-{name}"


def ns(name: str) -> dict:
    """A function of ``assets/redecoupage.js`` (window.tiRedraw) for a functional prop."""
    return {"variable": f"tiRedraw.{name}"}


SYNC = {"move": ns("sync"), "zoomend": ns("sync"), "layeradd": ns("register")}


# -- state ------------------------------------------------------------------------------------


def indicator_choice(q: Queries, ind) -> tuple[str, list[dict]]:
    """The indicator of the wave maps (one both layers have) and the dropdown options."""
    ids18 = {i.id for i in q.indicators("ti2018")}
    inds = [i for i in q.indicators("ti2023") if i.id in ids18]
    ind = ind if isinstance(ind, str) and ind in {i.id for i in inds} else "population"
    return ind, [
        {"label": i.label + (" — données fictives" if i.generated else ""), "value": i.id}
        for i in inds
    ]


def method_choice(method) -> str:
    return method if isinstance(method, str) and method in F.METHODS else F.DEFAULT_METHOD


def selection_of(q: Queries, selection) -> tuple[str, str] | None:
    """(wave, territory id) of a selection sent by the browser, or None when unknown."""
    if not isinstance(selection, dict):
        return None
    wave, key = RQ.valid_wave(selection.get("wave")), selection.get("key")
    return (wave, key) if wave and RQ.has_territory(q, wave, key) else None


def selected_keys(q: Queries, sel: tuple[str, str] | None) -> dict[str, str | None]:
    """The territory outlined on each wave map: the selection and its counterpart."""
    if sel is None:
        return {"2018": None, "2023": None}
    wave, key = sel
    cp = RQ.counterpart(q, wave, key)
    other = "2023" if wave == "2018" else "2018"
    return {wave: key, other: cp["counterpart_id"] if cp else None}


# -- URLs of the geometry (served by routes, cached by the browser) -----------------------------


def wave_url(q: Queries, wave: str, p: RQ.Place) -> str:
    return M.geo_url(q, M.MapState(couche=WAVE_LAYER[wave], reg=p.reg, dep=p.dep))


def change_url(q: Queries, p: RQ.Place) -> str:
    params = {"reg": p.reg, "dep": p.dep, "v": q.version}
    return "/_redecoupage/communes?" + urlencode({k: v for k, v in params.items() if v})


# -- callbacks as plain functions -----------------------------------------------------------------


def on_filter(q: Queries, reg, dep):
    """Région/département changed: département options, the département kept only when it is
    in the région, and the bounds all three maps fit."""
    p = RQ.place(q, reg, dep)
    b = q.filter_bounds(p.reg, p.dep) or M.NATIONAL_BOUNDS
    return q.filter_options("departement", p.reg), p.dep, {"bounds": b}


def on_view(q: Queries, reg, dep, ind, method, selection):
    """Everything that depends on the place, the indicator and the classification."""
    p = RQ.place(q, reg, dep)
    ind, _ = indicator_choice(q, ind)
    method = method_choice(method)
    indicator = q.get_indicator("ti2023", ind)
    values = {
        w: q.values(WAVE_LAYER[w], ind).reindex(RQ.touching(q, w, p)) for w in ("2018", "2023")
    }
    label = indicator.label + (f" ({indicator.unit})" if indicator.unit else "")
    hide, items = RF.wave_hideouts(
        values,
        method,
        indicator.decimals,
        indicator.unit,
        indicator.label,
        selected_keys(q, selection_of(q, selection)),
    )
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
        "base_dep": M.base_url(q, "departement", p.level == "france"),
        "base_reg": M.base_url(q, "region", p.level == "france"),
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
            id=_id("transition-counts"),
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


VIEW_KEYS = (
    "url18",
    "url23",
    "url_change",
    "base_dep",
    "base_reg",
    "hide18",
    "hide23",
    "wave_legend",
    "change_legend",
    "summary",
    "breakdown_rows",
    "breakdown_cols",
    "transition_counts",
    "sankey",
    "transition_rows",
    "transition_cols",
    "scope",
    "ta_rows",
    "ta_cols",
    "arr_rows",
    "arr_cols",
)


def on_select(q: Queries, selection, hide18, hide23):
    """A territory selected on one map: outline it and its counterpart on the other; the panel."""
    sel = selection_of(q, selection)
    keys = selected_keys(q, sel)
    return (
        RF.with_selection(hide18, keys["2018"]),
        RF.with_selection(hide23, keys["2023"]),
        panel(q, sel),
    )


def on_url(reg, dep, ind, method, selection, center, zoom):
    """The query string of the page's state (no database access)."""
    s = M._str
    sel = selection if isinstance(selection, dict) else {}
    wave = RQ.valid_wave(sel.get("wave"))
    key = s(sel.get("key"), RQ.MAX_ID_LEN) if wave else None
    st = C.UrlState(
        ind=s(ind, 64),
        classes=s(method),
        reg=s(reg),
        dep=s(dep),
        sel=key,
        vue=C.format_view(center, zoom),
        extra={"vague": wave} if key else {},
    )
    return st.to_search()


# -- scenario ----------------------------------------------------------------------------------


def _scenario(q: Queries, store) -> Scenario:
    from dashboard.scenario_io import scenario_from_store

    base = RQ.scenario_base(q)
    return Scenario.official(base) if store is None else scenario_from_store(store, base)


def _member_key(value) -> tuple[str, str] | None:
    if not isinstance(value, str) or len(value) > 20 or ":" not in value:
        return None
    kind, _, siren = value.partition(":")
    return (
        (kind, siren) if kind in ("EPCI", "EPT") and siren.isdigit() and len(siren) == 9 else None
    )


def _name(text) -> str | None:
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())[:MAX_NAME]
    return text or None


def on_edit(q: Queries, action: str | None, member, target, new_name, gathered, store):
    """Apply one edit (``move``, ``gather`` or ``reset``) to the scenario kept in the browser.

    Returns (new store, status message); anything invalid leaves the scenario unchanged and
    says why.
    """
    from dashboard.scenario_io import scenario_to_store

    if action == "reset":
        return None, "Scénario réinitialisé : carte officielle 2023."
    try:
        sc = _scenario(q, store)
        base = RQ.scenario_base(q)
        if action == "move":
            key = _member_key(member)
            if key is None:
                return no_update, "Choisissez l'EPCI à déplacer."
            if target == NEW_TARGET:
                tid, name = new_territory_id(sc), _name(new_name) or "Nouveau territoire"
            elif (
                isinstance(target, str)
                and TERRITORY_ID.match(target)
                and (
                    target in set(sc.members["territory_id"])
                    or target in base.official_territories.index
                )
            ):
                tid, name = target, None
            else:
                return no_update, "Choisissez le territoire de destination."
            sc, changed = move_member(base, sc, key[0], key[1], tid, name)
            return (
                scenario_to_store(sc),
                f"{base.unit_name(*key) or ' '.join(key)} déplacé vers {tid}. Territoires recalculés : "
                f"{', '.join(changed)}.",
            )
        if action == "gather":
            keys = (
                [k for k in (_member_key(v) for v in (gathered or [])[:MAX_GATHER]) if k]
                if isinstance(gathered, list)
                else []
            )
            if not keys:
                return no_update, "Choisissez les EPCI à regrouper."
            tid = new_territory_id(sc)
            sc, changed = gather(base, sc, keys, tid, _name(new_name) or "Nouveau territoire")
            return (
                scenario_to_store(sc),
                f"{len(keys)} membre(s) regroupé(s) dans {tid}. Territoires recalculés : "
                f"{', '.join(changed)}.",
            )
    except ScenarioError as e:
        return no_update, f"Modification refusée : {e}"
    return no_update, no_update


def on_scenario_view(q: Queries, store):
    """The redrawn polygons, the figures of the changed territories with the official values and
    differences, the destination options, and a one-line summary."""
    if store is None:  # the official map: nothing to recompute
        return (
            RF.scenario_geojson_empty(),
            [],
            [],
            target_options(q, None),
            "Aucune modification : c'est la carte officielle 2023.",
        )
    try:
        sc = _scenario(q, store)
    except ScenarioError as e:
        return (
            RF.scenario_geojson_empty(),
            [],
            [],
            target_options(q, None),
            f"Scénario illisible : {e}",
        )
    base = RQ.scenario_base(q)
    result = evaluate(base, sc, changed_territories(base, sc))
    frame = RF.scenario_frame(result)
    n = len(frame)
    msg = (
        "Aucune modification : c'est la carte officielle 2023."
        if n == 0
        else f"{n} territoire(s) modifié(s) par rapport à la carte officielle 2023 (scénario non officiel)."
    )
    return (
        RF.scenario_geojson(result),
        RF.records(frame),
        RF.grid_columns(frame),
        target_options(q, sc),
        msg,
    )


def changed_territories(base, sc: Scenario) -> list[str]:
    """Ids of the territories whose members differ from the official 2023 map (the only ones
    whose polygon and figures need recomputing)."""
    m = sc.members
    now = {
        tid: frozenset(zip(g["kind"], g["siren"], strict=True))
        for tid, g in m.groupby("territory_id")
    }
    off = base.official_keys
    return sorted(t for t in set(off) | set(now) if off.get(t) != now.get(t))


def target_options(q: Queries, sc: Scenario | None) -> list[dict]:
    """Destination territories: those of the scenario (official 2023 ones by default) and a new one."""
    names = RQ.territory_names(q, "2023")
    opts = {tid: f"{name} ({tid})" for tid, name in names.items()}
    if sc is not None:
        for tid, name in (
            sc.members[["territory_id", "territory_name"]].drop_duplicates().itertuples(index=False)
        ):
            opts.setdefault(tid, f"{name} ({tid})")
    out = [{"label": "Nouveau territoire", "value": NEW_TARGET}]
    return out + [{"label": v, "value": k} for k, v in sorted(opts.items(), key=lambda kv: kv[1])]


def on_save(q: Queries, store):
    """The two files of the scenario: members CSV and GeoJSON (downloads)."""
    from dashboard.scenario_io import scenario_to_csv, scenario_to_geojson

    try:
        sc = _scenario(q, store)
    except ScenarioError as e:
        return no_update, no_update, f"Enregistrement impossible : {e}"
    result = evaluate(RQ.scenario_base(q), sc)
    stem = "scenario-territoires-industrie"
    return (
        {"content": scenario_to_csv(sc), "filename": stem + "_membres.csv", "type": "text/csv"},
        {
            "content": scenario_to_geojson(sc, result),
            "filename": stem + ".geojson",
            "type": "application/geo+json",
        },
        "Scénario enregistré : fichier des membres (CSV) et GeoJSON des territoires.",
    )


def _decode(content) -> bytes:
    if not isinstance(content, str) or len(content) > MAX_UPLOAD_B64 or "," not in content:
        raise ScenarioError("fichier illisible ou trop volumineux")
    try:
        return base64.b64decode(content.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError("fichier illisible (encodage)") from None


def on_upload(q: Queries, contents, filenames):
    """Load a scenario from its members CSV (and, optionally, its GeoJSON, checked against the
    recomputed figures). Returns (store, status)."""
    from dashboard.scenario_io import (
        _figures_from_geojson,
        compare_figures,
        scenario_from_csv,
        scenario_to_store,
    )

    if isinstance(contents, str):
        contents, filenames = [contents], [filenames]
    if not isinstance(contents, list) or not contents or len(contents) > 2:
        return no_update, "Chargez le fichier des membres (CSV), et si vous l'avez le GeoJSON."
    names = (
        filenames
        if isinstance(filenames, list) and len(filenames) == len(contents)
        else [""] * len(contents)
    )
    csv_data = geo_data = None
    try:
        for c, n in zip(contents, names, strict=True):
            data = _decode(c)
            is_geo = (
                isinstance(n, str) and n.lower().endswith((".geojson", ".json"))
            ) or data.lstrip()[:1] == b"{"
            if is_geo:
                geo_data = data
            else:
                csv_data = data
        if csv_data is None:
            return no_update, "Chargement impossible : le fichier des membres (CSV) manque."
        base = RQ.scenario_base(q)
        sc = scenario_from_csv(csv_data, base)
        msg = f"Scénario « {sc.name} » chargé ({len(sc.members)} membres)."
        if geo_data is not None:
            result = evaluate(base, sc)
            diffs = compare_figures(result, _figures_from_geojson(geo_data))
            msg += (
                " Figures et polygones identiques au GeoJSON enregistré."
                if not diffs
                else f" {len(diffs)} écart(s) avec le GeoJSON enregistré : " + " ; ".join(diffs[:5])
            )
        return scenario_to_store(sc), msg
    except ScenarioError as e:
        return no_update, f"Chargement impossible : {e}"


# -- layout pieces ------------------------------------------------------------------------------


def place_name(summary) -> str:
    return str(summary["name"].iloc[0]) if len(summary) else ""


def summary_table(row, name: str):
    rows = RF.summary_rows(row)
    head = ["Indicateur", "2018", "2023", "Écart"]
    return html.Table(
        className="ti-table rd-summary",
        id=_id("summary-table"),
        children=[
            html.Caption(
                f"Couverture du programme — {name}" if name else "Couverture du programme"
            ),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(r["Indicateur"], scope="row"),
                            html.Td(r["2018"]),
                            html.Td(r["2023"]),
                            html.Td(r["Écart"]),
                        ],
                        **{"data-key": r["key"]},
                    )
                    for r in rows
                ]
            ),
        ],
    )


def change_legend(counts):
    items = RF.change_legend_items(counts)
    rows = [
        html.Li(
            className="ti-legend-row",
            **{"data-class": it["class"], "data-count": str(it["count"])},
            children=[
                html.Span(className="ti-swatch", style={"backgroundColor": it["color"]}),
                html.Span(it["label"], className="ti-legend-label"),
                html.Span(f"({F.fmt_number(it['count'])} communes)", className="ti-legend-count"),
            ],
        )
        for it in items
    ]
    return [
        html.Div("Communes selon leur situation", className="ti-legend-title"),
        html.Ul(rows, className="ti-legend-list", id=_id("change-legend-list")),
        html.Div(
            "« Même territoire » : le territoire 2023 de la commune est le successeur principal "
            "(par la population) de son territoire 2018.",
            className="ti-legend-note",
        ),
    ]


def scope_list(c23, c18):
    n18 = dict(zip(c18["scope"], c18["n_territories"], strict=True))
    return html.Table(
        className="ti-table",
        id=_id("scope-table"),
        children=[
            html.Thead(
                html.Tr(
                    [
                        html.Th("Emprise des territoires", scope="col"),
                        html.Th("2018", scope="col"),
                        html.Th("2023", scope="col"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(str(lab), scope="row"),
                            html.Td(str(int(n18.get(s, 0)))),
                            html.Td(str(int(n))),
                        ]
                    )
                    for s, lab, n in c23[["scope", "label", "n_territories"]].itertuples(
                        index=False
                    )
                ]
            ),
        ],
    )


def panel_empty():
    return [
        html.P(
            "Cliquez sur un territoire de l'une des deux cartes : son correspondant dans l'autre "
            "vague est entouré en rouge.",
            className="ti-panel-hint",
        )
    ]


def panel(q: Queries, sel):
    if sel is None:
        return panel_empty()
    wave, key = sel
    names = RQ.territory_names(q, wave)
    cp = RQ.counterpart(q, wave, key)
    other = "2023" if wave == "2018" else "2018"
    children = [
        html.Div(f"Territoire d'industrie {wave}", className="ti-panel-kind"),
        html.H2(names[key], className="ti-panel-title", id=_id("panel-title")),
        html.Div(f"Identifiant : {key}", className="ti-panel-code"),
    ]
    if cp and cp.get("counterpart_id"):
        children.append(
            html.P(
                [
                    f"Correspondant {other} : ",
                    html.Strong(str(cp["counterpart_name"]).strip(), id=_id("panel-counterpart")),
                    f" ({cp['counterpart_id']}), {RF.fmt_share(cp['share_of_territory'])} de sa "
                    f"population, {RF.fmt_share(cp['share_of_counterpart'])} de celle du "
                    "correspondant.",
                ]
            )
        )
    else:
        children.append(
            html.P(
                f"Aucun correspondant en {other} : ses communes sont hors programme.",
                id=_id("panel-counterpart"),
            )
        )
    fl = RQ.territory_flows(q, wave, key)
    if len(fl):
        tl = RQ.labels(q, "transition")
        if wave == "2018" and isinstance(fl["transition"].iloc[0], str):
            children.append(html.P(f"Devenir en 2023 : {tl.get(fl['transition'].iloc[0], '')}"))
        children += [
            html.H3("Population " + ("partie vers" if wave == "2018" else "venue de")),
            html.Ul(
                [
                    html.Li(
                        f"{str(n).strip() if isinstance(n, str) else 'hors programme'} : "
                        f"{F.fmt_value(p, 0, 'hab.')} ({RF.fmt_share(s)})"
                    )
                    for n, p, s in fl[["other_name", "population", "share"]].itertuples(index=False)
                ]
            ),
        ]
    if wave == "2023":
        ta = RQ.territory_arrondissements(q, "2023", RQ.Place(), key)
        if len(ta):
            children += [
                html.H3(f"Arrondissements ({ta['scope'].iloc[0]})"),
                html.Ul(
                    [
                        html.Li(
                            f"{c if isinstance(c, str) else 'sans arrondissement'} : "
                            f"{RF.fmt_share(s)} de la population"
                        )
                        for c, s in ta[["chef_lieu_name", "share_of_territory"]].itertuples(
                            index=False
                        )
                    ]
                ),
            ]
    return children


def _grid(name: str, rows, cols, height: int = 360):
    return dag.AgGrid(
        id=_id(name),
        className="ag-theme-alpine ti-grid",
        rowData=rows,
        columnDefs=cols,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"animateRows": False, "ensureDomOrder": True},
        style={"height": f"{height}px"},
    )


def _map(wave_or_change: str, view: dict, map_kwargs: dict, geo):
    base = [
        dl.GeoJSON(
            url=view["base_dep"],
            format="geobuf",
            interactive=False,
            style={"color": "#9a9a9a", "weight": 0.6, "fill": False},
            id=_id(f"base-dep-{wave_or_change}"),
        ),
        geo,
        dl.GeoJSON(
            url=view["base_reg"],
            format="geobuf",
            interactive=False,
            style={"color": "#3a3a3a", "weight": 1.2, "fill": False},
            id=_id(f"base-reg-{wave_or_change}"),
        ),
    ]
    return dl.Map(
        id=_id(f"map-{wave_or_change}"),
        className="ti-map rd-map",
        zoomSnap=0.25,
        zoomDelta=0.5,
        minZoom=3,
        maxZoom=13,
        attributionControl=False,
        keyboard=True,
        eventHandlers=SYNC,
        preferCanvas=wave_or_change == "change",
        children=base,
        **map_kwargs,
    )


def layout(q: Queries, state: C.UrlState):
    p = RQ.place(q, state.reg, state.dep)
    ind, ind_options = indicator_choice(q, state.ind)
    method = method_choice(state.classes)
    wave = RQ.valid_wave(state.extra.get("vague"))
    selection = (
        {"wave": wave, "key": state.sel} if wave and RQ.has_territory(q, wave, state.sel) else None
    )
    view = on_view(q, p.reg, p.dep, ind, method, selection)
    v = C.parse_view(state.vue)
    if v:
        map_kwargs = {"center": v[0], "zoom": v[1]}
    else:
        bounds = q.filter_bounds(p.reg, p.dep) or M.NATIONAL_BOUNDS
        center, zoom = M.center_zoom(bounds, 420, 440)
        map_kwargs = {"center": center, "zoom": zoom}
    geo18 = dl.GeoJSON(
        id=_id("geo-2018"),
        url=view["url18"],
        format="geobuf",
        style=ns("style2018"),
        onEachFeature=ns("tooltip"),
        hideout=view["hide18"],
        bubblingMouseEvents=False,
    )
    geo23 = dl.GeoJSON(
        id=_id("geo-2023"),
        url=view["url23"],
        format="geobuf",
        style=ns("style2023"),
        onEachFeature=ns("tooltip"),
        hideout=view["hide23"],
        bubblingMouseEvents=False,
    )
    geoc = dl.GeoJSON(
        id=_id("geo-change"),
        url=view["url_change"],
        style=ns("changeStyle"),
        onEachFeature=ns("changeTooltip"),
        hideout=RF.change_hideout(),
        bubblingMouseEvents=False,
    )
    m23 = _map("2023", view, map_kwargs, geo23)
    m23.children.append(
        dl.GeoJSON(
            id=_id("scenario-geo"),
            data=RF.scenario_geojson_empty(),
            interactive=False,
            style={
                "color": F.SELECTED_COLOR,
                "weight": 2.5,
                "dashArray": "5",
                "fillColor": F.SELECTED_COLOR,
                "fillOpacity": 0.12,
                "className": "rd-scenario",
            },
        )
    )
    return html.Div(
        className="rd-page",
        children=[
            dcc.Store(id=_id("selection"), data=selection),
            dcc.Store(id=_id("scenario"), data=None, storage_type="memory"),
            html.H1("Redécoupage : de la vague 2018 à la vague 2023", className="rd-h1"),
            html.P(
                "En 2023, la carte des Territoires d'industrie a été redessinée « à l'échelle de chaque "
                "sous-préfecture ». Populations : COG 2026 pour les deux vagues ; chaque commune est placée "
                "dans son EPCI et son arrondissement de 2026, les écarts tiennent donc au seul redécoupage.",
                className="rd-intro",
            ),
            html.Div(
                className="rd-controls",
                children=[
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Région", htmlFor=_id("reg")),
                            C.dropdown(
                                _id("reg"), q.filter_options("region"), p.reg, placeholder="Toutes"
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Département", htmlFor=_id("dep")),
                            C.dropdown(
                                _id("dep"),
                                q.filter_options("departement", p.reg),
                                p.dep,
                                placeholder="Tous",
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Indicateur des deux cartes", htmlFor=_id("ind")),
                            C.dropdown(_id("ind"), ind_options, ind, clearable=False),
                        ],
                    ),
                    html.Fieldset(
                        className="ti-field",
                        children=[
                            html.Legend("Classes"),
                            dcc.RadioItems(
                                id=_id("method"),
                                value=method,
                                className="ti-radio rd-radio",
                                options=[
                                    {"label": lab, "value": k} for k, lab in F.METHODS.items()
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="rd-maps",
                children=[
                    html.Section(
                        className="rd-mapcol",
                        **{"aria-label": "Carte 2018"},
                        children=[
                            html.H2("Vague 2018-2022", className="rd-h2"),
                            _map("2018", view, map_kwargs, geo18),
                        ],
                    ),
                    html.Section(
                        className="rd-mapcol",
                        **{"aria-label": "Carte 2023"},
                        children=[html.H2("Vague 2023-2027", className="rd-h2"), m23],
                    ),
                    html.Section(
                        className="rd-mapcol",
                        **{"aria-label": "Carte des changements"},
                        children=[
                            html.H2("Changements par commune", className="rd-h2"),
                            _map("change", view, map_kwargs, geoc),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="rd-under",
                children=[
                    html.Div(view["wave_legend"], id=_id("wave-legend"), className="ti-legend"),
                    html.Aside(
                        panel(q, selection_of(q, selection)),
                        id=_id("panel"),
                        className="ti-panel rd-panel",
                        **{"aria-live": "polite", "aria-label": "Territoire sélectionné"},
                    ),
                    html.Div(view["change_legend"], id=_id("change-legend"), className="ti-legend"),
                ],
            ),
            html.Section(
                className="rd-section",
                children=[
                    html.H2("Couverture par vague", className="rd-h2"),
                    html.Div(view["summary"], id=_id("summary")),
                    html.H3("Détail par région ou département", className="rd-h3"),
                    _grid("breakdown", view["breakdown_rows"], view["breakdown_cols"], 320),
                ],
            ),
            html.Section(
                className="rd-section",
                children=[
                    html.H2("Des territoires 2018 aux territoires 2023", className="rd-h2"),
                    html.Div(view["transition_counts"], id=_id("transitions-summary")),
                    dcc.Graph(
                        id=_id("sankey"), figure=view["sankey"], config={"displaylogo": False}
                    ),
                    _grid("transitions", view["transition_rows"], view["transition_cols"]),
                ],
            ),
            html.Section(
                className="rd-section",
                children=[
                    html.H2(
                        "À l'échelle de la sous-préfecture (territoires 2023)", className="rd-h2"
                    ),
                    html.Div(view["scope"], id=_id("scope")),
                    html.H3(
                        "Chaque territoire et les arrondissements qu'il touche", className="rd-h3"
                    ),
                    _grid("terr-arr", view["ta_rows"], view["ta_cols"]),
                    html.H3(
                        "Chaque arrondissement et les territoires qu'il contient", className="rd-h3"
                    ),
                    _grid("arr", view["arr_rows"], view["arr_cols"]),
                ],
            ),
            scenario_section(q),
        ],
    )


def scenario_section(q: Queries):
    return html.Section(
        className="rd-section rd-scenario-box",
        children=[
            html.H2("Scénario : redessiner un territoire", className="rd-h2"),
            html.P(
                "Un scénario part de la carte officielle 2023 et reste dans votre navigateur : il ne modifie "
                "jamais les données officielles. Les polygones redessinés apparaissent en rouge sur la carte 2023."
            ),
            html.Div(
                className="rd-scenario-controls",
                children=[
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("EPCI à déplacer", htmlFor=_id("member")),
                            C.dropdown(
                                _id("member"),
                                RQ.member_options(q),
                                None,
                                placeholder="ex. Métropole Rouen Normandie",
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Vers le territoire", htmlFor=_id("target")),
                            C.dropdown(
                                _id("target"),
                                target_options(q, None),
                                None,
                                placeholder="Territoire 2023",
                            ),
                        ],
                    ),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label("Nom d'un nouveau territoire", htmlFor=_id("new-name")),
                            dcc.Input(
                                id=_id("new-name"),
                                type="text",
                                maxLength=MAX_NAME,
                                debounce=True,
                                placeholder="Nouveau territoire",
                            ),
                        ],
                    ),
                    html.Button("Déplacer", id=_id("move"), className="ti-button"),
                    html.Div(
                        className="ti-field",
                        children=[
                            html.Label(
                                "EPCI à regrouper dans un nouveau territoire",
                                htmlFor=_id("gather-members"),
                            ),
                            C.dropdown(_id("gather-members"), RQ.member_options(q), [], multi=True),
                        ],
                    ),
                    html.Button("Regrouper", id=_id("gather"), className="ti-button"),
                    html.Button(
                        "Réinitialiser", id=_id("reset"), className="ti-button rd-secondary"
                    ),
                ],
            ),
            html.Div(
                "Aucune modification : c'est la carte officielle 2023.",
                id=_id("scenario-status"),
                className="ti-status",
                role="status",
            ),
            html.Div(id=_id("edit-status"), className="ti-status", role="status"),
            _grid("scenario-grid", [], [], 240),
            html.Div(
                className="rd-scenario-files",
                children=[
                    html.Button(
                        "Enregistrer le scénario (CSV + GeoJSON)",
                        id=_id("save"),
                        className="ti-button",
                    ),
                    dcc.Download(id=_id("dl-csv")),
                    dcc.Download(id=_id("dl-geojson")),
                    dcc.Upload(
                        id=_id("upload"),
                        multiple=True,
                        max_size=10_000_000,
                        className="rd-upload",
                        children=html.Div(
                            [
                                "Charger un scénario : déposez ou ",
                                html.Span("choisissez", className="rd-link"),
                                " le CSV des membres (et son GeoJSON)",
                            ]
                        ),
                    ),
                ],
            ),
            html.Div(id=_id("file-status"), className="ti-status", role="status"),
        ],
    )


# -- wiring ---------------------------------------------------------------------------------


def register(app, q: Queries) -> None:
    _routes(app.server, q)

    @app.callback(
        Output(_id("dep"), "options"),
        Output(_id("dep"), "value"),
        Output(_id("map-2023"), "viewport"),
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        prevent_initial_call=True,
    )
    def _filter(reg, dep):
        return on_filter(q, reg, dep)

    outputs = {
        "url18": (_id("geo-2018"), "url"),
        "url23": (_id("geo-2023"), "url"),
        "url_change": (_id("geo-change"), "url"),
        "hide18": (_id("geo-2018"), "hideout"),
        "hide23": (_id("geo-2023"), "hideout"),
        "wave_legend": (_id("wave-legend"), "children"),
        "change_legend": (_id("change-legend"), "children"),
        "summary": (_id("summary"), "children"),
        "breakdown_rows": (_id("breakdown"), "rowData"),
        "breakdown_cols": (_id("breakdown"), "columnDefs"),
        "transition_counts": (_id("transitions-summary"), "children"),
        "sankey": (_id("sankey"), "figure"),
        "transition_rows": (_id("transitions"), "rowData"),
        "transition_cols": (_id("transitions"), "columnDefs"),
        "scope": (_id("scope"), "children"),
        "ta_rows": (_id("terr-arr"), "rowData"),
        "ta_cols": (_id("terr-arr"), "columnDefs"),
        "arr_rows": (_id("arr"), "rowData"),
        "arr_cols": (_id("arr"), "columnDefs"),
    }
    names = [k for k in VIEW_KEYS if k in outputs]
    base_outputs = [
        Output(_id(f"base-{kind}-{m}"), "url")
        for m in ("2018", "2023", "change")
        for kind in ("dep", "reg")
    ]

    @app.callback(
        *[Output(*outputs[k]) for k in names],
        *base_outputs,
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        Input(_id("ind"), "value"),
        Input(_id("method"), "value"),
        State(_id("selection"), "data"),
        prevent_initial_call=True,
    )
    def _view(reg, dep, ind, method, selection):
        try:
            v = on_view(q, reg, dep, ind, method, selection)
        except QueryError:
            return [no_update] * (len(names) + len(base_outputs))
        return [v[k] for k in names] + [v["base_dep"], v["base_reg"]] * 3

    @app.callback(
        Output(_id("geo-2018"), "hideout", allow_duplicate=True),
        Output(_id("geo-2023"), "hideout", allow_duplicate=True),
        Output(_id("panel"), "children"),
        Input(_id("selection"), "data"),
        State(_id("geo-2018"), "hideout"),
        State(_id("geo-2023"), "hideout"),
        prevent_initial_call=True,
    )
    def _select(selection, h18, h23):
        return on_select(q, selection, h18, h23)

    for wave in ("2018", "2023"):
        app.clientside_callback(
            ClientsideFunction(namespace="tiRedraw", function_name=f"click{wave}"),
            Output(_id("selection"), "data", allow_duplicate=True),
            Input(_id(f"geo-{wave}"), "clickData"),
            prevent_initial_call=True,
        )

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input(_id("reg"), "value"),
        Input(_id("dep"), "value"),
        Input(_id("ind"), "value"),
        Input(_id("method"), "value"),
        Input(_id("selection"), "data"),
        Input(_id("map-2023"), "center"),
        Input(_id("map-2023"), "zoom"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _url(reg, dep, ind, method, selection, center, zoom, pathname):
        if pathname != PATH:
            return no_update
        return on_url(reg, dep, ind, method, selection, center, zoom)

    @app.callback(
        Output(_id("scenario"), "data"),
        Output(_id("edit-status"), "children"),
        Input(_id("move"), "n_clicks"),
        Input(_id("gather"), "n_clicks"),
        Input(_id("reset"), "n_clicks"),
        State(_id("member"), "value"),
        State(_id("target"), "value"),
        State(_id("new-name"), "value"),
        State(_id("gather-members"), "value"),
        State(_id("scenario"), "data"),
        prevent_initial_call=True,
    )
    def _edit(_m, _g, _r, member, target, new_name, gathered, store):
        action = {_id("move"): "move", _id("gather"): "gather", _id("reset"): "reset"}.get(
            ctx.triggered_id
        )
        return on_edit(q, action, member, target, new_name, gathered, store)

    @app.callback(
        Output(_id("scenario-geo"), "data"),
        Output(_id("scenario-grid"), "rowData"),
        Output(_id("scenario-grid"), "columnDefs"),
        Output(_id("target"), "options"),
        Output(_id("scenario-status"), "children"),
        Input(_id("scenario"), "data"),
        prevent_initial_call=True,
    )
    def _scenario_view(store):
        return on_scenario_view(q, store)

    @app.callback(
        Output(_id("dl-csv"), "data"),
        Output(_id("dl-geojson"), "data"),
        Output(_id("file-status"), "children"),
        Input(_id("save"), "n_clicks"),
        State(_id("scenario"), "data"),
        prevent_initial_call=True,
    )
    def _save(_n, store):
        return on_save(q, store)

    @app.callback(
        Output(_id("scenario"), "data", allow_duplicate=True),
        Output(_id("file-status"), "children", allow_duplicate=True),
        Input(_id("upload"), "contents"),
        State(_id("upload"), "filename"),
        prevent_initial_call=True,
    )
    def _upload(contents, filenames):
        return on_upload(q, contents, filenames)


def _routes(server, q: Queries) -> None:
    @server.route("/_redecoupage/communes")
    def redecoupage_communes():
        def arg(name):
            v = request.args.get(name)
            return v if v and len(v) <= M.MAX_KEY_LEN else None

        body = RQ.commune_geojson(q, RQ.place(q, arg("reg"), arg("dep")))
        r = Response(body, mimetype="application/json")
        r.headers["Cache-Control"] = "public, max-age=86400"
        return r


PAGE = Page(path=PATH, title="Redécoupage", order=10, layout=layout, register=register)
