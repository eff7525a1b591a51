"""The comparison page's callback as a plain function (wired in ``dashboard/pages/comparer.py``)."""

from __future__ import annotations

from dash import html

from dashboard.core.compare import MAX_COMPARED, side_by_side, valid_keys
from dashboard.core.formats import fmt_value
from dashboard.core.gateway import Gateway
from dashboard.core.layers import DEFAULT_LAYER, LAYERS, get_layer, mapped_keys, names
from dashboard.core.links import map_href, profile_href
from dashboard.core.urlstate import UrlState, history_entry

PREFIX = "cmp"


def cid(name: str) -> str:
    return f"{PREFIX}-{name}"


def unit_options(q: Gateway, couche: str) -> list[dict]:
    """Every mapped unit of a layer, "name (key)", by name."""
    n = names(q, couche)
    keys = sorted(mapped_keys(q, couche), key=lambda k: (str(n.get(k, k)).lower(), k))
    return [{"label": f"{n.get(k, k)} ({k})", "value": k} for k in keys]


def result(q: Gateway, couche: str, keys: list[str]):
    """The table of the units side by side (text only), or what to do when fewer than two."""
    if len(keys) < 2:
        return html.P(
            f"Choisissez de 2 à {MAX_COMPARED} unités à comparer dans la liste ci-dessus.",
            className="ti-absent",
            id=cid("hint"),
        )
    layer = get_layer(couche)
    n = names(q, couche)
    df = side_by_side(q, couche, keys)
    head = ["Indicateur", *[f"{n.get(k, k)} ({k})" for k in keys], "Médiane France"]
    rows = []
    for r in df.to_dict("records"):
        i = r["indicator"]
        label = i.label + (" (données fictives)" if i.generated else "")
        cells = [html.Td(fmt_value(r[k], i.decimals, i.unit)) for k in keys]
        median = fmt_value(r["median"], i.decimals, i.unit) + f" (n = {r['n']})"
        rows.append(html.Tr([html.Th(label, scope="row"), *cells, html.Td(median)]))
    links = []
    for k in keys:
        items = [html.A("sur la carte", href=map_href(couche=couche, sel=k))]
        if layer.wave:
            items += [" · ", html.A("fiche", href=profile_href(layer.wave, k))]
        links.append(html.Li([f"{n.get(k, k)} : ", *items]))
    kind = "territoires de la vague" if layer.wave else "unités"
    return html.Div(
        [
            html.Div(
                className="ti-cmp-wrap",
                children=html.Table(
                    id=cid("table"),
                    className="ti-table ti-cmp ti-compare-grid",
                    children=[
                        html.Caption(
                            f"{layer.label} : dernière année de chaque indicateur ; médiane des "
                            f"{kind} de France ayant une valeur (n)."
                        ),
                        html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                        html.Tbody(rows),
                    ],
                ),
            ),
            html.H2("Voir chaque unité", className="ti-h2"),
            html.Ul(links),
        ]
    )


def on_compare(q: Gateway, couche, units):
    """Layer or units chosen: the units offered, those kept (2-4 known ones), the table, and
    the address of the comparison."""
    couche = couche if isinstance(couche, str) and couche in LAYERS else DEFAULT_LAYER
    keys = valid_keys(q, couche, units if isinstance(units, list) else [])
    search = UrlState(couche=couche, cmp=",".join(keys) or None).to_search()
    return unit_options(q, couche), keys, result(q, couche, keys), history_entry(search)
