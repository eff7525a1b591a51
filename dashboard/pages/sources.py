"""Page "Sources": provenance of every loaded file (the ``source`` table)."""

from __future__ import annotations

from dash import html

from dashboard.pages import Page


def layout(q, state):
    df = q.sources()
    head = ["Fichier", "Millésime", "Licence", "Lignes", "Chargé le"]
    rows = [
        html.Tr(
            [
                html.Td(str(r.name)),
                html.Td(str(r.vintage)),
                html.Td(str(r.licence)),
                html.Td(f"{int(r.rows):,}".replace(",", "\u202f")),
                html.Td(str(r.loaded_at)[:10]),
            ]
        )
        for r in df.itertuples(index=False)
    ]
    return html.Div(
        className="ti-sources",
        children=[
            html.H1("Sources des données", className="ti-h2"),
            html.P("Chaque fichier chargé dans la base, avec son millésime et sa licence."),
            html.Table(
                className="ti-table",
                children=[
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                    html.Tbody(rows),
                ],
            ),
        ],
    )


PAGE = Page(path="/sources", title="Sources", order=90, layout=layout)
