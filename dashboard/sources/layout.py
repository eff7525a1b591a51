"""The layout of ``/sources``: every loaded file as a reader knows it, with its vintage, licence,
rows and what was left out; the licences that need care said plainly above the table."""

from __future__ import annotations

import re
from pathlib import PurePath

from dash import html

from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.provenance import sources
from dashboard.core.urlstate import UrlState

HEAD = ["Source", "Fichier", "Millésime", "Licence", "Lignes chargées", "Remarques", "Chargé le"]
# licences a reuser must read twice: copyleft, not stated, only expected, no licence at all
CAREFUL = re.compile(r"GPL|non précis|ne précise pas|attendue|pas de licence", re.IGNORECASE)


def _date(iso) -> str:
    s = str(iso)[:10]
    return f"{s[8:10]}/{s[5:7]}/{s[:4]}" if len(s) == 10 else s


def layout(q: Gateway, state: UrlState):
    """Every loaded file, with its vintage, licence and notes."""
    df = sources(q)
    rows = [
        html.Tr(
            [
                html.Th(str(r.label), scope="row"),
                html.Td(PurePath(str(r.path)).name if str(r.path) else "—", className="ti-file"),
                html.Td(str(r.vintage)),
                html.Td(str(r.licence)),
                html.Td(fmt_number(r.rows), className="ti-num"),
                html.Td(str(r.note) if isinstance(r.note, str) and r.note else "—"),
                html.Td(_date(r.loaded_at)),
            ]
        )
        for r in df.itertuples(index=False)
    ]
    careful = df[df["licence"].astype(str).str.contains(CAREFUL)]
    return html.Div(
        className="ti-sources",
        children=[
            html.H1("Sources des données", className="ti-h2"),
            html.P(
                "Chaque fichier chargé dans la base, tel qu'il est publié : sa source, son "
                "millésime, sa licence, le nombre de lignes chargées et ce qui n'a pas été retenu. "
                "Les fichiers bruts sont lus en place, jamais copiés dans le dépôt du projet."
            ),
            html.H2("Licences à lire avec attention", className="ti-h3"),
            html.Ul(
                [
                    html.Li([html.Strong(str(r.label)), " : ", str(r.licence)])
                    for r in careful.drop_duplicates("licence").itertuples(index=False)
                ]
                or [html.Li("Aucune : tous les fichiers chargés sont sous licence ouverte.")],
                id="sources-licences",
            ),
            html.Table(
                className="ti-table ti-sources-table",
                id="sources-table",
                children=[
                    html.Caption("Fichiers chargés dans la base"),
                    html.Thead(html.Tr([html.Th(h, scope="col") for h in HEAD])),
                    html.Tbody(rows),
                ],
            ),
            html.P(
                "Un administrateur reconstruit la base ou importe un registre de projets en "
                "suivant le guide d'administration (README.md et docs/registry-schema.md du "
                "dépôt du projet).",
                className="ti-note",
            ),
        ],
    )
