"""``/``: the map explorer. The bodies of its callbacks are in :mod:`dashboard.map.callbacks`."""

from __future__ import annotations

from dashboard.core import downloads
from dashboard.core.links import MAP_PATH
from dashboard.core.wiring import ClientWire, Wire, connect
from dashboard.map import callbacks as cb
from dashboard.map import routes
from dashboard.map.export import EXPORTS
from dashboard.map.layout import PREFIX, layout, preload
from dashboard.map.report import on_report_link
from dashboard.map.state import VIEW_KEYS
from dashboard.pages import Page

# the component of each key of the view state (order of dashboard.map.state.VIEW_KEYS)
COMPONENTS = {"couche": "layer", "ind": "ind", "annee": "year", "depuis": "since",
              "classes": "method", "nb": "nb", "portee": "scope", "palette": "palette",
              "seuils": "breaks", "rep": "rep", "fond": "fond", "reg": "reg", "dep": "dep",
              "arr": "arr"}  # fmt: skip
VIEW = " ".join(f"{COMPONENTS[k]}.value" for k in VIEW_KEYS)
FILTERS = "reg.value dep.value arr.value"
WIRES = [
    Wire("ind.options ind.value year.options year.value years.hidden since.options since.value "
         "palette.options palette.value rep.options rep.value fond.options fond.value "
         "fond-field.hidden classes-box.hidden",
         "layer.value ind.value year.value since.value rep.value fond.value",
         cb.on_controls, states="palette.value"),
    Wire("dep.options arr.options dep.value arr.value map.viewport", FILTERS, cb.on_filter),
    Wire("geo.url geo.hideout legend.children grid.rowData grid.columnDefs status.children "
         "points.url base-dep.url base-reg.url frames.url circles.url circles.hideout "
         "breaks-msg.children", VIEW, cb.on_view, states="map.zoom"),
    Wire("panel-body.children sel-geo.url", "selection.data layer.value " + FILTERS, cb.on_select),
    Wire("search.options", "search.search_value", cb.on_search),
    Wire("layer.value selection.data! map.viewport!", "search.value", cb.on_pick,
         states="layer.value"),
    # a click selects clientside: the clicked feature (geometry included) never goes to the server
    ClientWire("selection.data!", "geo.clickData", "tiCarte", "clickToSelection",
               states="layer.value"),
    ClientWire("selection.data!", "circles.clickData", "tiCarte", "clickToSelection",
               states="layer.value"),
    # the table and the map select the same unit (one callback: the two feed each other)
    ClientWire("selection.data! grid.selectedRows grid.scrollTo", "selection.data grid.selectedRows",
               "tiCarte", "syncSelection", states="layer.value grid.getRowId"),
    # the map's view reaches the address through ``view`` (not the fitted view it reports once
    # ready when created from its bounds: the address is written by a user's move only)
    ClientWire("view.data", "map.center map.zoom", "tiCarte", "viewReport", states="view.data"),
    Wire("@ti-address.data!", VIEW + " selection.data view.data grid.columnState",
         cb.on_address, states="@url.pathname"),
    Wire("download.data", "dl-csv.n_clicks dl-xlsx.n_clicks", cb.on_download_click,
         states=VIEW, trigger=True),
    Wire("report.children", FILTERS, on_report_link),
]  # fmt: skip


def register(app, q) -> None:
    """The callbacks of the map page, its exports and the route of its large tables (its layer
    routes are shared: :mod:`dashboard.core.routes`)."""
    connect(app, q, PREFIX, WIRES)
    downloads.register(app.server, q, PREFIX, EXPORTS)
    routes.register(app.server, q)  # the table rows of the large layers


PAGE = Page(
    path=MAP_PATH,
    title="Carte",
    order=0,
    layout=layout,
    register=register,
    preload=preload,
    tables="after_map",
    lazy=("dash_leaflet.GeoJSON",),
)
