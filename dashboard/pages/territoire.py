"""``/territoire/<wave>/<id>``: a printable profile of one territory (no callback)."""

from __future__ import annotations

from dashboard.core.links import PROFILE_PATH
from dashboard.pages import Page
from dashboard.profile.layout import layout

PAGE = Page(
    path=PROFILE_PATH, title="Fiche du territoire", order=80, layout=layout, prefix=True, nav=False
)
