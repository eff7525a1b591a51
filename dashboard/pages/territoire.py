"""``/territoire/<wave>/<id>``: a printable profile of one territory (no callback; its exports)."""

from __future__ import annotations

from dashboard.core import downloads
from dashboard.core.links import PROFILE_PATH
from dashboard.pages import Page
from dashboard.profile.layout import layout
from dashboard.profile.report import EXPORTS
from dashboard.profile.report import PAGE as EXPORT_PAGE


def register(app, q) -> None:
    """The profile's exports: its PDF report, its lists, its chart (``/_export/territoire/...``)."""
    downloads.register(app.server, q, EXPORT_PAGE, EXPORTS)


PAGE = Page(
    path=PROFILE_PATH,
    title="Fiche du territoire",
    order=80,
    layout=layout,
    register=register,
    prefix=True,
    nav=False,
    lazy=("dash_leaflet.GeoJSON",),
)
