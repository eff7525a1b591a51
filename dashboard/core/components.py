"""Layout pieces shared by the pages: header, dropdowns, filters, legend, tables, notes.

Data is always rendered as text (Dash escapes children); nothing here reads the database.
"""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.core.formats import fmt_value
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


def field(label: str, control, control_id: str, *, hidden: bool = False, id: str | None = None):
    """A control with its visible label (the label names the control for screen readers)."""
    kwargs = {"id": id} if id else {}
    return html.Div(
        className="ti-field",
        hidden=hidden,
        children=[html.Label(label, htmlFor=control_id), control],
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
                id="ti-menu",
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


def legend(items: list[dict], title: str, note: str = "", scale: str = ""):
    """A legend: one row per class, each with its colour swatch, label and count; ``scale``
    says how the classes were computed, ``note`` where the data comes from."""
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
    if scale:
        children.append(html.Div(scale, className="ti-legend-note ti-legend-scale"))
    if note:
        children.append(html.Div(note, className="ti-legend-note"))
    return children


def legend_note(note: str):
    return html.Div(note, className="ti-legend-note")


def circle_legend(items: list[dict], title: str):
    """The legend of proportional circles: reference circles (largest first) with their value;
    a circle's area is proportional to the value."""
    rows = [
        html.Li(
            className="ti-circle-row",
            children=[
                html.Span(
                    className="ti-circle-box",
                    style={"width": f"{2 * items[0]['radius'] + 2}px"},
                    children=html.Span(
                        className="ti-circle",
                        style={"width": f"{2 * it['radius']}px", "height": f"{2 * it['radius']}px"},
                    ),
                ),
                html.Span(it["label"], className="ti-legend-label"),
            ],
        )
        for it in items
    ]
    return html.Div(
        className="ti-circle-legend",
        children=[
            html.Div(title, className="ti-legend-title"),
            html.Ul(rows, className="ti-legend-list"),
            html.Div(
                "Surface des cercles proportionnelle à la valeur.", className="ti-legend-note"
            ),
        ],
    )


def comparison_table(comparisons: list, layer, region: str | None, id: str | None = None):
    """Each indicator of a unit beside the medians of the units of the same layer in its région
    and in France, with its national rank (:func:`dashboard.core.compare.unit_comparison`)."""
    kind = "territoires de la vague" if layer.wave else "unités"
    head = ["Indicateur", "Valeur", "Rang", "Médiane région", "Médiane France"]
    rows = []
    for c in comparisons:
        i = c.indicator
        label = i.label + (" (données fictives)" if i.generated else "")
        rank = f"{c.rank} / {c.n}" if c.rank is not None else "—"
        rows.append(
            html.Tr(
                [
                    html.Th(label, scope="row"),
                    html.Td(fmt_value(c.value, i.decimals, i.unit)),
                    html.Td(rank),
                    html.Td(fmt_value(c.region_median, i.decimals, i.unit) if region else "—"),
                    html.Td(fmt_value(c.france_median, i.decimals, i.unit)),
                ]
            )
        )
    caption = (
        f"Médianes des {kind} ({layer.label}) de la région {region} et de France ; "
        "rang 1 = valeur la plus élevée."
        if region
        else f"Médiane des {kind} ({layer.label}) de France ; rang 1 = valeur la plus élevée."
    )
    return html.Div(
        className="ti-cmp-wrap",
        children=html.Table(
            id=id,
            className="ti-table ti-cmp",
            children=[
                html.Caption(caption),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
                html.Tbody(rows),
            ],
        ),
    )


# -- navigation and accessibility -------------------------------------------------------------


def skip_links(links: list[tuple[str, str]]):
    """Links that take a keyboard user past the header (shown when focused): (href, label)."""
    return html.Nav(
        className="ti-skip",
        **{"aria-label": "Accès rapide"},
        children=[html.A(label, href=href, className="ti-skip-link") for href, label in links],
    )


def copy_link(id: str):
    """A "Copier le lien" button (``assets/nav.js`` copies the address) and its status."""
    return html.Div(
        className="ti-copy",
        children=[
            html.Button(
                "Copier le lien de cette vue",
                id=id,
                className="ti-button ti-button-secondary",
                type="button",
                **{"data-action": "copy-link", "data-status": f"{id}-status"},
            ),
            html.Span(id=f"{id}-status", className="ti-copy-status", role="status"),
        ],
    )


def loading(children, id: str | None = None, text: str = "Chargement…"):
    """A ``dcc.Loading`` that says, in French, that its area is waiting for data."""
    kwargs = {"id": id} if id else {}
    return dcc.Loading(
        children=children,
        delay_show=250,
        overlay_style={"visibility": "visible"},  # the content stays readable under the sign
        custom_spinner=html.Div(text, className="ti-loading", role="status"),
        **kwargs,
    )


class Later(Component):
    """Children that React renders once the page's map has drawn (``assets/later.js``).

    Dash renders a page in one pass: the 55 components of the map's settings (wrappers, labels,
    twelve dropdowns) cost ~70 ms before the map could even begin to load its layers. Inside a
    ``Later`` they are in the layout from the start (their callbacks, their values, the
    address are unchanged: nothing is added to the page later, nothing fires again) but React
    renders them after the layer ``after`` (a ``dl.GeoJSON`` id) has drawn its features and
    the browser has painted them, or at a key press or a touch, or after ``wait_ms``
    whichever comes first. Meanwhile a line says they are coming (``aria-busy``)."""

    _children_props: list[str] = []
    _base_nodes = ["children"]
    _namespace = "ti_components"
    _type = "Later"

    def __init__(self, children=None, *, after: str, wait_ms: int = 2000, text: str = ""):
        self._prop_names = ["children", "after", "wait_ms", "text"]
        self._valid_wildcard_attributes = []
        self.available_properties = list(self._prop_names)
        self.available_wildcard_properties = []
        super().__init__(children=children, after=after, wait_ms=wait_ms, text=text)


def settings(children, summary: str = "Réglages", id: str | None = None, after: str | None = None):
    """The controls of a page in a ``<details>``: open on a wide screen, folded on a phone
    (``assets/a11y.js`` folds it below 760 px wide); with ``after``, rendered once that map
    layer has drawn (:class:`Later`)."""
    kwargs = {"id": id} if id else {}
    if after is not None:
        children = [Later(children, after=after, text="Chargement des réglages…")]
    return html.Details(
        className="ti-settings",
        open=True,
        children=[html.Summary(summary, className="ti-settings-summary"), *children],
        **kwargs,
    )


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


def grid(
    id: str,
    rows: list[dict],
    columns: list[dict],
    height: int = 360,
    props: dict | None = None,
    **options,
):
    """An ag-grid table (sortable, resizable columns; rows in DOM order for screen readers), in
    French: its messages ("Aucune ligne à afficher"), filter menus and accessible names;
    ``props`` are properties of the component (``getRowId`` ...), ``options`` grid options."""
    grid_options = {
        "animateRows": False,
        "ensureDomOrder": True,
        "suppressFieldDotNotation": True,
        "getLocaleText": GRID_LOCALE,
        **options,
    }
    # the grid is built once ag-grid has loaded (assets/tables.js: on the explorer, after its
    # map), then once its own chunk has: its place is kept meanwhile,
    # so that nothing below it moves when it comes (CSS: .ti-grid-slot)
    return html.Div(
        className="ti-grid-slot",
        style={"--ti-grid-h": f"{height}px"},
        children=dag.AgGrid(
            id=id,
            className="ag-theme-alpine ti-grid",
            rowData=rows,
            columnDefs=columns,
            defaultColDef={"sortable": True, "resizable": True, "filter": True},
            dashGridOptions=grid_options,
            style={"height": f"{height}px"},
            **(props or {}),
        ),
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


# -- exports ------------------------------------------------------------------------------------

FORMAT_LABELS = {"png": "PNG", "svg": "SVG", "pdf": "PDF", "csv": "CSV", "xlsx": "XLSX"}


def export_buttons(path: str, formats, what: str, *, query: str = "", url_state: bool = False):
    """Download links of one map, chart, table or report (``assets/export.js`` fetches them and
    shows a French message when the server cannot make the file).

    ``path`` is the export's address without its format (``/_export/carte/carte``); ``query``
    the state it shows now; with ``url_state`` the page's current query string is sent instead
    at each click (pages whose whole state is in their address).
    """
    query = query.lstrip("?")
    links = []
    for fmt in formats:
        href = f"{path}.{fmt}" + (f"?{query}" if query else "")
        attrs = {"data-href": f"{path}.{fmt}", "aria-label": f"Télécharger {what} en {fmt.upper()}"}
        if url_state:
            attrs["data-url-state"] = "1"
        links.append(
            html.A(
                FORMAT_LABELS.get(fmt, fmt.upper()),
                href=href,
                download="",
                className="ti-export-link",
                title=f"Télécharger {what} ({FORMAT_LABELS.get(fmt, fmt.upper())})",
                **attrs,
            )
        )
    return html.Div(
        className="ti-export ti-noprint",
        role="group",
        **{"aria-label": f"Télécharger {what}"},
        children=[
            html.Span("Télécharger :", className="ti-export-label"),
            *links,
            html.Span(className="ti-export-status", role="status", **{"aria-live": "polite"}),
        ],
    )


def print_header(title: str):
    """The header printed on paper only (``print.css``): République française, the page's
    title and, filled by ``print.js`` when printing, the date and the page's address."""
    return html.Div(
        className="ti-print-header",
        **{"aria-hidden": "true"},
        children=[
            html.Div("République française", className="ti-rf"),
            html.Div(title, className="ti-print-title", id="ti-print-title"),
            html.Div(className="ti-print-meta", id="ti-print-meta"),
        ],
    )
