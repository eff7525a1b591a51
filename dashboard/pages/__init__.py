"""Pages of the dashboard: one thin module per address, each exposing ``PAGE`` (a :class:`Page`).

A page module is its ``Page`` record plus the wiring of its callbacks (a list of
:class:`dashboard.core.wiring.Wire`); its layout and the bodies of its callbacks live in its
feature package (``dashboard/map``, ``redraw``, ``progress``, ``profile``, ``sources``).

To add a page: create ``dashboard/pages/<name>.py`` with ``PAGE = Page(...)``, add its module name
to :data:`PAGE_MODULES`. ``layout(q, state)`` gets the read gateway and the parsed URL state
(:class:`dashboard.core.urlstate.UrlState`) and returns a component; ``register(app, q)`` adds the
page's callbacks to the app (callbacks are created per app, so tests can build several apps).
A page with ``prefix=True``
(e.g. ``/territoire/<wave>/<id>``) also serves the paths under it and gets the path as a third
argument; ``nav=False`` keeps it out of the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PAGE_MODULES = ("carte", "redecoupage", "progres", "comparer", "sources", "territoire")


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    order: int
    layout: Callable[[Any, Any], Any]
    register: Callable[[Any, Any], None] | None = None
    # a prefix page serves every path under ``path + "/"`` and gets ``layout(q, state, pathname)``
    prefix: bool = False
    nav: bool = True  # listed in the navigation
    # ``preload(q, state)``: (href, as) of what the page draws first, hinted in the index page
    # so that the browser fetches it while the scripts load (see dashboard.core.delivery)
    preload: Callable[[Any, Any], list[tuple[str, str]]] | None = None
    # its tables (ag-grid, whose bundle assets/tables.js loads): "now" (hinted in the head, run
    # as soon as it is there), "after_map" (once the page's map has drawn), None (when shown)
    tables: str | None = None
    # the lazy components it draws first ("dash_leaflet.GeoJSON"): their chunks hinted in the
    # head and their code loaded before Dash's first render (assets/warm.js), so that React
    # never shows their fallback, then holds the map back up to 500 ms (its reveal throttle)
    lazy: tuple[str, ...] = ()


def load_pages() -> list[Page]:
    """Every page, in menu order."""
    import importlib

    pages = [importlib.import_module(f"{__name__}.{m}").PAGE for m in PAGE_MODULES]
    return sorted(pages, key=lambda p: p.order)
