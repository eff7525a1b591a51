"""The layout of ``/sources``: the ``source`` table, one row per loaded file."""

from __future__ import annotations

from dash import html

from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.provenance import sources
from dashboard.core.urlstate import UrlState

HEAD = ["Fichier", "Millésime", "Licence", "Lignes", "Chargé le"]


def layout(q: Gateway, state: UrlState):
    """Every loaded file, with its vintage and licence."""
    rows = [
        html.Tr(
            [
                html.Td(str(r.name)),
                html.Td(str(r.vintage)),
                html.Td(str(r.licence)),
                html.Td(fmt_number(r.rows)),
                html.Td(str(r.loaded_at)[:10]),
            ]
        )
        for r in sources(q).itertuples(index=False)
    ]
    return html.Div(
        className="ti-sources",
        children=[
            html.H1("Sources des données", className="ti-h2"),
            html.P("Chaque fichier chargé dans la base, avec son millésime et sa licence."),
            html.Table(
                className="ti-table",
                children=[
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in HEAD])),
                    html.Tbody(rows),
                ],
            ),
        ],
    )
