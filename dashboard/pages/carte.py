"""``/``: the map explorer. The bodies of its callbacks are in :mod:`dashboard.map.callbacks`."""

from __future__ import annotations

from dashboard.core.links import MAP_PATH
from dashboard.core.wiring import ClientWire, Wire, connect
from dashboard.map import callbacks as cb
from dashboard.map import routes
from dashboard.map.layout import PREFIX, layout, preload
from dashboard.pages import Page

FILTERS = "reg.value dep.value arr.value"
VIEW = "layer.value ind.value method.value " + FILTERS
WIRES = [
    Wire("ind.options ind.value", "layer.value", cb.on_layer, states="ind.value"),
    Wire("dep.options arr.options dep.value arr.value map.viewport", FILTERS, cb.on_filter),
    Wire("geo.url geo.hideout legend.children grid.rowData grid.columnDefs status.children "
         "points.url base-dep.url base-reg.url frames.url", VIEW, cb.on_view),
    Wire("panel.children sel-geo.url", "selection.data layer.value " + FILTERS, cb.on_select),
    Wire("search.options", "search.search_value", cb.on_search),
    Wire("layer.value selection.data map.viewport!", "search.value", cb.on_pick,
         states="layer.value"),
    # a click selects clientside: the clicked feature (geometry included) never goes to the server
    ClientWire("selection.data!", "geo.clickData", "tiCarte", "clickToSelection",
               states="layer.value"),
    Wire("@url.search!", VIEW + " selection.data map.center map.zoom",
         lambda q, *values: cb.on_url(*values), states="@url.pathname"),
    Wire("download.data", "dl-csv.n_clicks dl-xlsx.n_clicks", cb.on_download_click,
         states=VIEW, trigger=True),
]  # fmt: skip


def register(app, q) -> None:
    """The callbacks of the map page and the route of its large tables (its layer routes are
    shared: :mod:`dashboard.core.routes`)."""
    connect(app, q, PREFIX, WIRES)
    routes.register(app.server, q)  # the table rows of the large layers


PAGE = Page(
    path=MAP_PATH, title="Carte", order=0, layout=layout, register=register, preload=preload
)
