"""The layout of ``/comparer``, filled in from the address."""

from __future__ import annotations

from dash import html

from dashboard.compare.callbacks import cid, result, unit_options
from dashboard.core import components as C
from dashboard.core.compare import MAX_COMPARED, valid_keys
from dashboard.core.gateway import Gateway
from dashboard.core.layers import DEFAULT_LAYER, LAYERS
from dashboard.core.urlstate import UrlState


def layout(q: Gateway, state: UrlState):
    couche = state.couche if state.couche in LAYERS else DEFAULT_LAYER
    keys = valid_keys(q, couche, state.cmp or "")
    return html.Div(
        className="ti-territoire ti-compare",
        children=[
            html.H1("Comparer des territoires", className="ti-h1"),
            html.P(
                f"Choisissez une couche puis de 2 à {MAX_COMPARED} unités : leurs indicateurs "
                "(dernière année) sont mis côte à côte, avec la médiane des unités de même nature "
                "en France. Les valeurs viennent des mêmes tables que la carte.",
                className="ti-note",
            ),
            html.Div(
                className="ti-compare-controls",
                children=[
                    C.field(
                        "Couche",
                        C.dropdown(
                            cid("layer"),
                            [{"label": lay.label, "value": lay.id} for lay in LAYERS.values()],
                            couche,
                            clearable=False,
                        ),
                        cid("layer"),
                    ),
                    C.field(
                        f"Unités comparées (de 2 à {MAX_COMPARED})",
                        C.dropdown(
                            cid("units"),
                            unit_options(q, couche),
                            keys,
                            multi=True,
                            placeholder="Rechercher un nom…",
                        ),
                        cid("units"),
                    ),
                    C.copy_link(cid("copy")),
                ],
            ),
            C.loading(html.Div(result(q, couche, keys), id=cid("result")), text="Chargement…"),
        ],
    )
