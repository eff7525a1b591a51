"""Layout pieces shared by the pages: header, navigation, URL state, filters, legend, panel.

URL state
---------
A page's whole state lives in the query string so that a copied address reproduces the view.
:class:`UrlState` parses and writes it; every value is validated by the page (unknown values
fall back to defaults), never trusted. Keys: ``couche`` (layer), ``ind`` (indicator), ``classes``
(classification method), ``reg``, ``dep``, ``arr`` (filters), ``sel`` (selected key), ``vue``
(``lat,lng,zoom``). Pages may add their own keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from urllib.parse import parse_qs, urlencode

from dash import dcc, html

MAX_PARAM_LEN = 64
_SAFE = re.compile(r"^[0-9A-Za-z_\-.,]*$")


@dataclass
class UrlState:
    """The query-string state of a page (strings only; validation is the page's job)."""

    couche: str | None = None
    ind: str | None = None
    classes: str | None = None
    reg: str | None = None
    dep: str | None = None
    arr: str | None = None
    sel: str | None = None
    vue: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, search: str | None) -> UrlState:
        """Parse ``?a=b&c=d``; oversized or odd values are dropped, never raised on."""
        if not isinstance(search, str) or len(search) > 2000:
            return cls()
        known = {f.name for f in fields(cls)} - {"extra"}
        values: dict = {}
        extra: dict = {}
        for k, vs in parse_qs(search.lstrip("?"), keep_blank_values=False).items():
            v = vs[-1]
            if len(v) > MAX_PARAM_LEN or not _SAFE.match(v) or len(k) > 20:
                continue
            (values if k in known else extra)[k] = v
        return cls(**values, extra=extra)

    def to_search(self) -> str:
        """``?…`` with the non-empty values, in a stable order (empty string when none)."""
        items = [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "extra"]
        items += sorted(self.extra.items())
        q = urlencode([(k, v) for k, v in items if v not in (None, "")], safe=",")
        return "?" + q if q else ""


def parse_view(vue: str | None) -> tuple[list[float], float] | None:
    """``"lat,lng,zoom"`` -> ([lat, lng], zoom) within sane ranges, else None."""
    if not vue:
        return None
    try:
        lat, lng, zoom = (float(x) for x in vue.split(","))
    except (ValueError, TypeError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180 and 0 <= zoom <= 18):
        return None
    return [lat, lng], zoom


def format_view(center, zoom) -> str | None:
    """The ``vue`` parameter for a map centre and zoom (None when unknown)."""
    try:
        if isinstance(center, dict):
            lat, lng = float(center["lat"]), float(center["lng"])
        else:
            lat, lng = float(center[0]), float(center[1])
        return f"{lat:.4f},{lng:.4f},{float(zoom):g}"
    except (TypeError, ValueError, KeyError, IndexError):
        return None


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
    """The page header: title, data vintage, navigation links (path, label)."""
    vintage = " · ".join(vintages) if vintages else "base de données absente"
    built = f" — base construite le {built_at[:10]}" if built_at else ""
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
                children=[html.Span("Millésime des données : "), html.Span(vintage + built)],
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

    def dd(kind, label, options, value):
        return html.Div(
            className="ti-field",
            children=[
                html.Label(label, htmlFor=f"{prefix}-{kind}"),
                dropdown(f"{prefix}-{kind}", options, value, placeholder="Toutes"),
            ],
        )

    return html.Div(
        className="ti-filters",
        children=[
            dd("reg", "Région", regions, state.reg),
            dd("dep", "Département", departements, state.dep),
            dd("arr", "Arrondissement", arrondissements, state.arr),
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
