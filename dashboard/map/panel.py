"""The side panel of the map: the facts of one unit, rendered as text."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import dcc, html

from dashboard.core import components as C
from dashboard.core.formats import fmt_number, fmt_value
from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, has_key
from dashboard.core.links import compare_href, profile_href

PANEL_HINT = "Cliquez sur un territoire de la carte ou cherchez un nom pour afficher sa fiche."


def panel_empty():
    return [html.P(PANEL_HINT, className="ti-panel-hint")]


def filter_link(d: dict) -> tuple[str, str] | None:
    """(href, label) of the link that filters the map on a unit (or on its main département)."""
    layer = d["layer"]
    if layer == "region":
        return "/?" + urlencode(
            {"couche": "ti2023", "reg": d["key"]}
        ), "Filtrer la carte sur cette région"
    if layer == "departement":
        href = "/?" + urlencode({"couche": "ti2023", "dep": d["key"]})
        return href, "Filtrer la carte sur ce département"
    if layer == "arrondissement":
        href = "/?" + urlencode({"couche": "ti2023", "arr": d["key"]})
        return href, "Filtrer la carte sur cet arrondissement"
    if d.get("main_departement"):
        href = "/?" + urlencode({"couche": layer, "dep": d["main_departement"], "sel": d["key"]})
        return href, f"Filtrer la carte sur son département principal ({d['main_departement']})"
    return None


def panel(d: dict | None, comparisons: list | None = None, region: str | None = None):
    """The side panel of one unit (from :func:`dashboard.core.units.detail`), each indicator
    beside the medians of the units of its région and of France
    (:func:`dashboard.core.compare.unit_comparison`)."""
    if d is None:
        return panel_empty()
    facts = [
        ("Population", fmt_value(d["population"], 0, "hab.")),
        ("Superficie", fmt_value(d["area_km2"], 0, "km²")),
        ("Communes", fmt_number(d["n_communes"])),
        ("EPCI", fmt_number(d["n_epci"])),
    ]
    children = [
        html.Div(d["kind"], className="ti-panel-kind"),
        html.H2(d["name"], className="ti-panel-title", id="carte-panel-title"),
        html.Div(f"Code : {d['key']}", className="ti-panel-code"),
        C.definition_list(facts),
    ]
    if d["members"]:
        n_epci = sum(1 for m in d["members"] if m[1] in ("EPCI", "EPT"))
        n_com = sum(1 for m in d["members"] if m[1] == "commune")
        children += [
            html.H3(f"Membres ({n_epci} intercommunalités, {n_com} communes isolées)"),
            html.Ul(
                [html.Li(f"{n} ({k}, {s})") for s, k, n in d["members"]], className="ti-members"
            ),
        ]
    if d["chef_lieux"]:
        children += [
            html.H3("Préfectures et sous-préfectures des arrondissements touchés"),
            html.Ul([html.Li(f"{n} ({k})") for n, k in d["chef_lieux"]]),
        ]
    if d["departements"]:
        children += [
            html.H3("Départements touchés"),
            html.Ul([html.Li(f"{c} — {n}") for c, n in d["departements"]]),
        ]
    if comparisons is None:
        inds = [
            (
                i.label + (" (données fictives)" if i.generated else ""),
                fmt_value(v, i.decimals, i.unit),
            )
            for i, v in d["indicators"]
        ]
        children += [html.H3("Indicateurs"), C.definition_list(inds)]
    else:
        children += [
            html.H3("Indicateurs, comparés"),
            C.comparison_table(comparisons, LAYERS[d["layer"]], region, "carte-panel-cmp"),
        ]
    link = filter_link(d)
    if link:
        children.append(html.A(link[1], href=link[0], className="ti-filter-link"))
    children.append(
        dcc.Link(
            "Comparer avec d'autres unités",
            href=compare_href(d["layer"], [d["key"]]),
            className="ti-filter-link",
            id="carte-compare-link",
        )
    )
    return children


def with_profile_link(q: Gateway, content, selection):
    """The side panel of a territory, with a link to its profile page."""
    if not isinstance(selection, dict) or not isinstance(content, list) or len(content) < 2:
        return content
    couche = selection.get("couche")
    layer = LAYERS.get(couche) if isinstance(couche, str) else None
    key = selection.get("key")
    if layer is None or layer.wave is None or not has_key(q, layer.id, key):
        return content
    link = dcc.Link(
        "Fiche du territoire",
        href=profile_href(layer.wave, key),
        id="carte-profile-link",
        className="ti-filter-link",
    )
    return [*content, link]
