"""``/comparer``: units of a layer side by side. The callback's body is in
:mod:`dashboard.compare.callbacks`."""

from __future__ import annotations

from dashboard.compare import callbacks as cb
from dashboard.compare.layout import layout
from dashboard.core.links import COMPARE_PATH
from dashboard.core.wiring import Wire, connect
from dashboard.pages import Page

WIRES = [
    Wire("units.options units.value result.children @ti-address.data!", "layer.value units.value",
         cb.on_compare),
]  # fmt: skip


def register(app, q) -> None:
    """The callback of the page."""
    connect(app, q, cb.PREFIX, WIRES)


PAGE = Page(path=COMPARE_PATH, title="Comparer", order=20, layout=layout, register=register)
