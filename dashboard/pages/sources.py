"""``/sources``: provenance of every loaded file."""

from __future__ import annotations

from dashboard.core.links import SOURCES_PATH
from dashboard.pages import Page
from dashboard.sources.layout import layout

PAGE = Page(path=SOURCES_PATH, title="Sources", order=90, layout=layout)
