"""PDF documents from HTML and CSS: Jinja2 templates (autoescaped) printed by WeasyPrint.

The text of a report is real text: WeasyPrint lays out HTML with pango and writes the glyphs
with their Unicode, so a reader can select, search and copy it (the maps and charts inside
are SVG, vector too). Every value reaches the page through a template with autoescape on:
a name such as ``<img src=x>`` is printed as those characters, never read as markup.

Templates live in the ``templates`` folder of a feature package and extend ``report.html``
of this package (A4 portrait, running header with "République française", the title and the
date, footer with the page's address and the page number, the "DONNÉES FICTIVES" watermark on
every page of a document that shows demonstration data).
"""

from __future__ import annotations

import base64
import functools
import logging
from datetime import date

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape

from dashboard.core.formats import fmt_diff, fmt_number, fmt_share, fmt_value
from dashboard.core.render import PRODUCER, WATERMARK, RenderError

log = logging.getLogger(__name__)


@functools.cache
def environment(*packages: str) -> Environment:
    """A Jinja2 environment reading the ``templates`` folders of ``packages`` then of
    ``dashboard.core``; autoescape on, undefined names are errors."""
    loaders = [PackageLoader(p, "templates") for p in (*packages, "dashboard.core")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(number=fmt_number, value=fmt_value, share=fmt_share, diff=fmt_diff)
    env.globals.update(WATERMARK=WATERMARK, PRODUCER=PRODUCER)
    return env


def svg_data_uri(svg: bytes) -> str:
    """An SVG image as a ``data:`` address for an ``<img>`` of a template."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def render_html(package: str, template: str, **context) -> str:
    """The HTML of a report (``context`` also gets ``today``, the date of the extraction)."""
    context.setdefault("today", f"{date.today():%d/%m/%Y}")
    return environment(package).get_template(template).render(**context)


def html_pdf(html: str, title: str = "") -> bytes:
    """The HTML printed to PDF by WeasyPrint; :class:`RenderError` when it cannot be."""
    try:
        from weasyprint import HTML, URLFetcher

        # a report holds its images as data: addresses; nothing else is ever fetched (no file
        # of the server, no address of the network, whatever a cell of the data says)
        fetcher = URLFetcher(allowed_protocols=("data",))
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    except (OSError, ValueError, ImportError) as e:
        log.exception("weasyprint could not print %s", title)
        raise RenderError(
            f"Le document PDF n'a pas pu être produit ({type(e).__name__}). Réessayez ; si le "
            "problème persiste, signalez-le à l'administrateur du tableau de bord."
        ) from e
