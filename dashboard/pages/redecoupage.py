"""``/redecoupage``: how the 2018 wave became the 2023 wave, and analyst scenarios.

The bodies of the callbacks are in :mod:`dashboard.redraw.callbacks` (maps, tables) and
:mod:`dashboard.redraw.scenario` (scenarios). Styling, hover, clicks and the synchronised
pan/zoom of the three maps stay in the browser (``assets/redecoupage.js``).
"""

from __future__ import annotations

from dashboard.core import downloads
from dashboard.core.links import REDRAW_PATH
from dashboard.core.wiring import ClientWire, Wire, address, connect
from dashboard.pages import Page
from dashboard.redraw import callbacks as cb
from dashboard.redraw import routes
from dashboard.redraw import scenario as sc
from dashboard.redraw.exports import EXPORTS
from dashboard.redraw.exports import PAGE as EXPORT_PAGE
from dashboard.redraw.layout import layout
from dashboard.redraw.state import PREFIX

VIEW_IN = "reg.value dep.value ind.value method.value"
WIRES = [
    Wire("dep.options dep.value map-2023.viewport", "reg.value dep.value", cb.on_filter),
    Wire(" ".join([*cb.VIEW_OUTPUTS.values(), *cb.BASE_OUTPUTS]), VIEW_IN, cb.on_view_outputs,
         states="selection.data"),
    Wire("geo-2018.hideout! geo-2023.hideout! panel.children", "selection.data", cb.on_select,
         states="geo-2018.hideout geo-2023.hideout"),
    *[ClientWire("selection.data!", f"geo-{w}.clickData", "tiRedraw", f"click{w}")
      for w in ("2018", "2023")],
    Wire("@ti-address.data!", VIEW_IN + " selection.data map-2023.center map-2023.zoom",
         address(cb.on_url), states="@url.pathname"),
    Wire("scenario.data edit-status.children", "move.n_clicks gather.n_clicks reset.n_clicks",
         sc.on_edit_click, states="member.value target.value new-name.value "
         "gather-members.value scenario.data", trigger=True),
    Wire("scenario-geo.data scenario-grid.rowData scenario-grid.columnDefs target.options "
         "scenario-status.children", "scenario.data", sc.on_scenario_view),
    Wire("dl-csv.data dl-geojson.data file-status.children", "save.n_clicks", sc.on_save_click,
         states="scenario.data"),
    Wire("scenario.data! file-status.children!", "upload.contents", sc.on_upload,
         states="upload.filename"),
]  # fmt: skip


def register(app, q) -> None:
    """The callbacks of the page, the route of its commune change layer, its exports."""
    routes.register(app.server, q)
    downloads.register(app.server, q, EXPORT_PAGE, EXPORTS)
    connect(app, q, PREFIX, WIRES)


PAGE = Page(
    path=REDRAW_PATH,
    title="Redécoupage",
    order=10,
    layout=layout,
    register=register,
    tables="now",
)
