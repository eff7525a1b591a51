"""The Dash application shell: header, navigation, page container and server.

``create_app(db_path)`` builds a new app (tests build several); ``python -m dashboard`` serves one.
Routing is done here rather than with ``dash.register_page`` so that a page can rewrite its own
query string (the URL state) without the router rebuilding the page on every change.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import dash
import flask
from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from flask import has_request_context, request

from dashboard import http_policy
from dashboard.core import components as C
from dashboard.core import delivery, geometry, routes
from dashboard.core.gateway import Gateway, QueryError
from dashboard.core.provenance import built_at, vintage_summary
from dashboard.core.urlstate import UrlState
from dashboard.pages import Page, load_pages
from etl.config import get_paths

TITLE = "Territoires d'industrie — tableau de bord"
ASSETS = Path(__file__).parent / "assets"
# Dash's page, in French (``lang``), without its ``<footer>`` around the scripts (the page has one
# footer landmark: the app's own)
INDEX = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="ti-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def debug_requested() -> bool:
    """The Dash debugger is on only when asked for explicitly (``TI_DEBUG=1``)."""
    return os.environ.get("TI_DEBUG", "").strip() == "1"


class _Dash(dash.Dash):
    """Dash without the server's Python version in the page's configuration."""

    def _config(self):
        config = super()._config()
        config.pop("python_version", None)
        return config


def create_app(db_path: str | os.PathLike | None = None) -> dash.Dash:
    """A new dashboard app over the database at ``db_path`` (default: ``TI_DB`` or the build's).

    The database is checked at once (``Gateway.available``): a damaged file is logged and the
    app serves its maintenance page until the file is repaired; a missing file is an error.
    """
    path = Path(db_path) if db_path is not None else get_paths().database
    if not path.is_file():
        raise FileNotFoundError(f"{path}: database not found; build it with `python -m etl build`")
    q = Gateway(path)
    # the file checked now (logged when damaged), not at the first visit; the stored layers
    # read before anyone asks, from a database that can be served (else: maintenance page)
    if q.available() is None:
        geometry.warm(q)
    pages = load_pages()
    server = flask.Flask(__name__)
    server.config.update(delivery.compress_settings())  # read when Dash sets up compression
    app = _Dash(
        __name__,
        server=server,
        title=TITLE,
        compress=True,
        assets_folder=str(ASSETS),
        # the scripts and style sheets of assets/ go as one file each (delivery.AssetBundle)
        assets_ignore=r"\.(js|css)$",
        suppress_callback_exceptions=True,
        update_title=None,
        index_string=INDEX,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    routes.register(app.server, q)  # the map layers every page draws
    bundles = {"js": delivery.AssetBundle(ASSETS, "js"), "css": delivery.AssetBundle(ASSETS, "css")}
    by_url = {b.url: b for b in bundles.values()}

    @server.route(delivery.AssetBundle.PREFIX + "<name>")
    def asset_bundle(name: str):
        bundle = by_url.get(delivery.AssetBundle.PREFIX + name)
        if bundle is None:
            flask.abort(404)
        r = routes.compressed_response(bundle.body, bundle.gz, bundle.mimetype)
        r.headers["Cache-Control"] = delivery.ASSET_CACHE  # the name says the content
        return r

    app.interpolate_index = _index_with_hints(app, pages, q, bundles)
    nav = [(p.path, p.title) for p in pages if p.nav]

    def layout():
        try:
            vintages, built = vintage_summary(q), built_at(q)
        except Exception as e:  # noqa: BLE001 - an unreadable database is shown, not raised
            vintages, built = [f"base illisible ({type(e).__name__})"], None
        # the first page is rendered with the layout itself (no round trip through the router):
        # the browser asks for /_dash-layout from the page, whose address is the referrer
        first, path = None, None
        if has_request_context() and request.referrer:
            ref = urlparse(request.referrer)
            if ref.netloc == request.host:
                path = ref.path or "/"
                first = render_page(pages, q, path, "?" + ref.query if ref.query else "")
        return html.Div(
            className="ti-app",
            lang="fr",
            children=[
                dcc.Location(id="url", refresh=False),
                dcc.Store(id="page-path", data=path),  # the path whose page is on screen
                # what a page writes into the address, and Back/Forward (assets/nav.js)
                dcc.Store(id="ti-address", data=None),
                dcc.Store(id="ti-popstate", data=None),
                C.skip_links([("#page", "Aller au contenu"), ("#ti-menu", "Aller au menu")]),
                C.header(TITLE, vintages, built, nav),
                C.print_header(TITLE),
                html.Main(id="page", className="ti-page", tabIndex="-1", children=first),
                html.Footer(
                    className="ti-footer",
                    children=[
                        "Données : INSEE (code officiel géographique), ANCT (périmètres des "
                        "Territoires d'industrie, contours), Urssaf, Etalab, DITP et chiffres "
                        "publiés cités ligne à ligne. Licence, millésime et fichier de chaque "
                        "source : ",
                        dcc.Link("détail des sources", href="/sources"),
                        ".",
                    ],
                ),
            ],
        )

    app.layout = layout

    @app.callback(
        Output("page", "children"),
        Output("page-path", "data"),
        Input("url", "pathname"),
        Input("ti-popstate", "data"),
        State("url", "search"),
        State("page-path", "data"),
    )
    def route(pathname, popped, search, shown):
        return on_route(pages, q, ctx.triggered_id, pathname, popped, search, shown)

    # a page's state written into the address: one history entry per change (assets/nav.js)
    app.clientside_callback(
        ClientsideFunction(namespace="tiNav", function_name="write"),
        Output("ti-address", "data", allow_duplicate=True),
        Input("ti-address", "data"),
        prevent_initial_call=True,
    )

    for p in pages:
        if p.register is not None:
            p.register(app, q)
    http_policy.install(app, q, lambda path: is_page(pages, path))
    app.gateway = q  # the server warms its cache and closes its file before forking
    return app


def _index_with_hints(app: dash.Dash, pages: list[Page], q: Gateway, bundles: dict):
    """Dash's index page with ``<link rel="preload">`` hints in its head: what dash-renderer
    fetches first, and what the page at the requested address draws (its ``Page.preload``)."""

    def interpolate_index(**parts):
        prefix = app.config.requests_pathname_prefix or "/"
        hints = delivery.shell_hints(prefix)
        page = _page_at(pages, request.path) if has_request_context() else None
        if page is not None and page.preload is not None:
            try:
                hints += page.preload(q, UrlState.parse("?" + request.query_string.decode()))
            except (QueryError, UnicodeDecodeError):
                pass  # a hostile address: the page itself will say so
        scripts, later = delivery.defer_libraries(
            delivery.without_polyfill(parts.get("scripts", ""))
        )
        tables, lazy = (page.tables, page.lazy) if page is not None else (None, ())
        hints += delivery.lazy_hints(lazy, prefix)
        if tables == "now":
            hints += [(url, "script") for url in later.values()]
        css = bundles["css"].tag() + "\n" + parts.get("css", "")
        parts["css"] = delivery.hint_tags(hints) + "\n" + css
        parts["scripts"] = (
            delivery.shell_config(later, tables, lazy) + "\n" + bundles["js"].place(scripts)
        )
        return dash.Dash.interpolate_index(app, **parts)

    return interpolate_index


def is_page(pages: list[Page], pathname) -> bool:
    """True when ``pathname`` is the address of a page (or under a prefix page)."""
    return _page_at(pages, pathname) is not None


def on_route(pages: list[Page], q: Gateway, fired, pathname, popped, search, shown):
    """The page to show: after Back or Forward within a page (``ti-popstate``: the address the
    browser went back to), the page rebuilt from that address; after a link to another page,
    that page. Reporting the path already on screen changes nothing."""
    if fired == "ti-popstate" and isinstance(popped, dict) and isinstance(popped.get("path"), str):
        path, query = popped["path"][:200], popped.get("search")
        return render_page(pages, q, path, query if isinstance(query, str) else ""), path
    # anything else from the popstate store (its mount sets it: with a layout asked without a
    # referrer, the only call on load) is the address's own
    if pathname == shown:
        return no_update, no_update
    return render_page(pages, q, pathname, search), pathname


def _page_at(pages: list[Page], pathname) -> Page | None:
    """The page serving ``pathname`` (its own path, or a path under a prefix page)."""
    for p in pages:
        under = p.prefix and isinstance(pathname, str) and pathname.startswith(p.path + "/")
        if pathname == p.path or under:
            return p
    return None


def render_page(pages: list[Page], q: Gateway, pathname, search):
    """The layout of the page at ``pathname`` (a 'page not found' block for anything else)."""
    state = UrlState.parse(search)
    p = _page_at(pages, pathname)
    if p is not None:
        try:
            return p.layout(q, state, pathname) if p.prefix else p.layout(q, state)
        except QueryError as e:
            return C.error_box(f"Adresse invalide : {e}")
    return html.Div(
        className="ti-notfound",
        children=[
            html.H1("Page introuvable"),
            html.P("Cette adresse ne correspond à aucune page du tableau de bord."),
            dcc.Link("Retour à la carte", href="/"),
        ],
    )
