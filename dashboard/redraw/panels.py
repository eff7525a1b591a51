"""Layout pieces of the ``/redecoupage`` page that callbacks refill: summary, legends, panel."""

from __future__ import annotations

from dash import html

from dashboard.core.admin import Place
from dashboard.core.formats import fmt_number, fmt_share, fmt_value
from dashboard.core.gateway import Gateway
from dashboard.redraw import figures as RF
from dashboard.redraw import queries as RQ
from dashboard.redraw.state import cid


def place_name(summary) -> str:
    return str(summary["name"].iloc[0]) if len(summary) else ""


def summary_table(row, name: str):
    rows = RF.summary_rows(row)
    head = ["Indicateur", "2018", "2023", "Écart"]
    return html.Table(
        className="ti-table rd-summary",
        id=cid("summary-table"),
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
                html.Span(f"({fmt_number(it['count'])} communes)", className="ti-legend-count"),
            ],
        )
        for it in items
    ]
    return [
        html.Div("Communes selon leur situation", className="ti-legend-title"),
        html.Ul(rows, className="ti-legend-list", id=cid("change-legend-list")),
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
        id=cid("scope-table"),
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


def panel(q: Gateway, sel):
    if sel is None:
        return panel_empty()
    wave, key = sel
    names = RQ.territory_names(q, wave)
    cp = RQ.counterpart(q, wave, key)
    other = "2023" if wave == "2018" else "2018"
    children = [
        html.Div(f"Territoire d'industrie {wave}", className="ti-panel-kind"),
        html.H2(names[key], className="ti-panel-title", id=cid("panel-title")),
        html.Div(f"Identifiant : {key}", className="ti-panel-code"),
    ]
    if cp and cp.get("counterpart_id"):
        children.append(
            html.P(
                [
                    f"Correspondant {other} : ",
                    html.Strong(str(cp["counterpart_name"]).strip(), id=cid("panel-counterpart")),
                    f" ({cp['counterpart_id']}), {fmt_share(cp['share_of_territory'])} de sa "
                    f"population, {fmt_share(cp['share_of_counterpart'])} de celle du "
                    "correspondant.",
                ]
            )
        )
    else:
        children.append(
            html.P(
                f"Aucun correspondant en {other} : ses communes sont hors programme.",
                id=cid("panel-counterpart"),
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
                        f"{fmt_value(p, 0, 'hab.')} ({fmt_share(s)})"
                    )
                    for n, p, s in fl[["other_name", "population", "share"]].itertuples(index=False)
                ]
            ),
        ]
    if wave == "2023":
        ta = RQ.territory_arrondissements(q, "2023", Place(), key)
        if len(ta) and ta["arrondissement"].isna().all():
            children += [
                html.H3(f"Arrondissements ({ta['scope'].iloc[0]})"),
                html.P(
                    "Aucun : les communes de ce territoire n'ont pas d'arrondissement (Mayotte "
                    "n'en a pas), il ne se rattache à aucune sous-préfecture.",
                    id=cid("panel-no-arrondissement"),
                ),
            ]
        elif len(ta):
            children += [
                html.H3(f"Arrondissements ({ta['scope'].iloc[0]})"),
                html.Ul(
                    [
                        html.Li(
                            f"{c if isinstance(c, str) else 'sans arrondissement'} : "
                            f"{fmt_share(s)} de la population"
                        )
                        for c, s in ta[["chef_lieu_name", "share_of_territory"]].itertuples(
                            index=False
                        )
                    ]
                ),
            ]
    return children
