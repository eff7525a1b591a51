"""Layout pieces shared by the pages: header, dropdowns, filters, legend, tables, notes.

Data is always rendered as text (Dash escapes children); nothing here reads the database.
"""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.core.urlstate import UrlState

# -- dropdowns ---------------------------------------------------------------------------------

DROPDOWN_LABELS = {
    "select_all": "Tout sélectionner",
    "deselect_all": "Tout désélectionner",
    "selected_count": "{num_selected} sélectionné(s)",
    "search": "Rechercher",
    "clear_search": "Effacer la recherche",
    "clear_selection": "Effacer la sélection",
    "no_options_found": "Aucun résultat",
}


def dropdown(
    id: str, options: list, value=None, *, clearable: bool = True, placeholder: str = "", **kwargs
):
    """A ``dcc.Dropdown`` with French labels (use it for every dropdown of the app)."""
    return dcc.Dropdown(
        id=id,
        options=options,
        value=value,
        clearable=clearable,
        placeholder=placeholder,
        labels=DROPDOWN_LABELS,
        **kwargs,
    )


# -- header and navigation ---------------------------------------------------------------------


def header(title: str, vintages: list[str], built_at: str | None, nav: list[tuple[str, str]]):
    """The page header: title, a short vintage line (the detail is on ``/sources``), navigation
    links (path, label)."""
    vintage = " · ".join(vintages) if vintages else "base de données absente"
    built = ""
    if built_at and len(built_at) >= 10:  # ISO date: written the French way
        built = f" · base construite le {built_at[8:10]}/{built_at[5:7]}/{built_at[:4]}"
    return html.Header(
        className="ti-header",
        children=[
            html.Div(
                className="ti-brand",
                children=[
                    html.Div("République française", className="ti-rf"),
                    html.Div(title, className="ti-title"),
                ],
            ),
            html.Nav(
                className="ti-nav",
                **{"aria-label": "Navigation principale"},
                children=[
                    dcc.Link(label, href=path, className="ti-nav-link") for path, label in nav
                ],
            ),
            html.Div(
                className="ti-vintage",
                id="ti-vintage",
                children=[
                    html.Span("Données : "),
                    html.Span(vintage + built),
                    " — ",
                    dcc.Link("détail des sources", href="/sources", className="ti-vintage-link"),
                ],
            ),
        ],
    )


# -- filters ----------------------------------------------------------------------------------


def admin_filters(
    prefix: str,
    regions: list[dict],
    departements: list[dict],
    arrondissements: list[dict],
    state: UrlState,
):
    """Région -> département -> arrondissement dropdowns with ids ``{prefix}-reg`` etc."""

    def dd(kind, label, options, value, everything):
        return html.Div(
            className="ti-field",
            children=[
                html.Label(label, htmlFor=f"{prefix}-{kind}"),
                dropdown(f"{prefix}-{kind}", options, value, placeholder=everything),
            ],
        )

    return html.Div(
        className="ti-filters",
        children=[
            dd("reg", "Région", regions, state.reg, "Toutes"),
            dd("dep", "Département", departements, state.dep, "Tous"),
            dd("arr", "Arrondissement", arrondissements, state.arr, "Tous"),
        ],
    )


def legend(items: list[dict], title: str, note: str = ""):
    """A legend: one row per class, each with its colour swatch, label and count."""
    rows = [
        html.Li(
            className="ti-legend-row",
            children=[
                html.Span(className="ti-swatch", style={"backgroundColor": it["color"]}),
                html.Span(it["label"], className="ti-legend-label"),
                html.Span(f"({it['count']})", className="ti-legend-count"),
            ],
        )
        for it in items
    ]
    children = [
        html.Div(title, className="ti-legend-title"),
        html.Ul(rows, className="ti-legend-list"),
    ]
    if note:
        children.append(html.Div(note, className="ti-legend-note"))
    return children


def definition_list(pairs: list[tuple[str, object]]):
    """A ``<dl>`` of label/value pairs (values rendered as text)."""
    items = []
    for k, v in pairs:
        items += [html.Dt(k), html.Dd(v if isinstance(v, (list, html.Div, html.Ul)) else str(v))]
    return html.Dl(items, className="ti-dl")


def error_box(message: str):
    return html.Div(message, className="ti-error", role="alert")


# every text of the tables in French: ``tiGridText`` (assets/locale-fr.js) reads ag-grid's own
# French locale (assets/ag-grid-locale-fr.js, vendored from @ag-grid-community/locale, MIT)
GRID_LOCALE = {"function": "tiGridText(params)"}


def grid(id: str, rows: list[dict], columns: list[dict], height: int = 360, **options):
    """An ag-grid table (sortable, resizable columns; rows in DOM order for screen readers), in
    French: its messages ("Aucune ligne à afficher"), filter menus and accessible names."""
    grid_options = {
        "animateRows": False,
        "ensureDomOrder": True,
        "suppressFieldDotNotation": True,
        "getLocaleText": GRID_LOCALE,
        **options,
    }
    return dag.AgGrid(
        id=id,
        className="ag-theme-alpine ti-grid",
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions=grid_options,
        style={"height": f"{height}px"},
    )


def demo_label(text: str = "Données fictives") -> html.Div:
    """The warning shown beside anything drawn from the demonstration registry."""
    return html.Div(
        ["⚠ ", text.upper(), " — registre de démonstration généré, rien de réel"],
        className="ti-demo-label",
        role="note",
    )


def source_note(text: str) -> html.P:
    """'Source : …' under a block (text only)."""
    return html.P(["Source : ", text], className="ti-source")


# -- maps ---------------------------------------------------------------------------------------

# what every map of the dashboard shares (no tile layer: the outlines are the base map)
MAP_OPTIONS = {"zoomSnap": 0.25, "zoomDelta": 0.5, "minZoom": 3, "maxZoom": 13,
               "attributionControl": False, "keyboard": True}  # fmt: skip
OUTLINE_STYLES = {
    "departement": {"color": "#9a9a9a", "weight": 0.6, "fill": False},
    "region": {"color": "#3a3a3a", "weight": 1.2, "fill": False},
}


def outline_layer(id: str, url: str, kind: str):
    """The département or région outlines (Geobuf from ``/_carte/base``) drawn on every map."""
    import dash_leaflet as dl

    return dl.GeoJSON(
        id=id, url=url, format="geobuf", interactive=False, style=OUTLINE_STYLES[kind]
    )
