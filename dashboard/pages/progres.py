"""``/progres``: the goals (15,000 projects, 450,000 jobs), their pace, and where projects and
jobs are. The bodies of its callbacks are in :mod:`dashboard.progress.callbacks`."""

from __future__ import annotations

from dashboard.core import downloads
from dashboard.core.links import PROGRESS_PATH
from dashboard.core.wiring import Wire, connect
from dashboard.pages import Page
from dashboard.progress import callbacks as cb
from dashboard.progress.exports import EXPORTS
from dashboard.progress.layout import layout

WIRES = [
    Wire("grid.rowData grid.columnDefs label.children maplink.href over-time.figure "
         "status.children units-over-time.figure", "level.value which.value", cb.on_registry),
    Wire("fr-dep-series.figure", "fr-dep.value", cb.on_fr_departement),
    Wire("fr-dep-export.children", "fr-dep.value", cb.on_fr_export),
    Wire("registry-exports.children", "level.value which.value", cb.on_registry_exports),
    Wire("download.data", "dl-csv.n_clicks dl-xlsx.n_clicks", cb.on_download_click,
         states="level.value which.value", trigger=True),
]  # fmt: skip


def register(app, q) -> None:
    """The callbacks of the page and its exports (``/_export/progres/...``)."""
    connect(app, q, cb.PREFIX, WIRES)
    downloads.register(app.server, q, cb.PREFIX, EXPORTS)


PAGE = Page(
    path=PROGRESS_PATH, title="Progrès", order=10, layout=layout, register=register, tables="now"
)
