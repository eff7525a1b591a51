"""Files leaving the dashboard through ``/_export/<page>/<name>.<format>``: one route per page.

A page registers its exports as data, a dict ``name -> builder``; a builder takes the read
gateway and the request's :class:`Args` (untrusted: it validates them like the page's own
state, usually by parsing the same query string) and returns an :class:`Artefact`, which knows
its formats and how to make each. The route checks the format, makes the file and sends it as
an attachment named after what it shows. The page's export buttons
(:func:`dashboard.core.components.export_buttons`) link to these addresses with the page's
state in the query string, so the file shows what the screen shows.

Every failure the user can meet answers in French, as plain text: an unknown export (404), a
format this export does not have (400, listing the formats it has), a renderer that failed or
timed out (503). The buttons' script shows that text beside the button.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, request

from dashboard.core.gateway import Gateway, QueryError
from dashboard.core.render import RenderError

EXPORT_ROOT = "/_export"
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMAGE = ("png", "svg", "pdf")
TABLE = ("csv", "xlsx")
DOCUMENT = ("pdf",)
MAX_ARG_LEN = 64
MAX_SEARCH_LEN = 2000
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
_STEM_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]+")


@dataclass(frozen=True)
class Artefact:
    """A file to send: the formats it exists in, how to make it in one, and its name."""

    stem: str
    formats: tuple[str, ...]
    make: Callable[[str], bytes]


@dataclass(frozen=True)
class Args:
    """The query of an export request (untrusted): single values and the whole string."""

    values: dict[str, str]
    search: str  # "?a=b&c=d", what the page's own URL-state parser reads
    root: str  # the address of the dashboard ("http://host:port/"), for the PDF reports

    def get(self, name: str, max_len: int = MAX_ARG_LEN) -> str | None:
        v = self.values.get(name)
        return v if isinstance(v, str) and 0 < len(v) <= max_len else None


def export_path(page: str, name: str) -> str:
    """The address of an export without its format (what the export buttons take)."""
    return f"{EXPORT_ROOT}/{page}/{name}"


def export_href(page: str, name: str, fmt: str, query: str = "") -> str:
    """The address of an export (``query`` with or without its leading '?')."""
    query = query.lstrip("?")
    return f"{EXPORT_ROOT}/{page}/{name}.{fmt}" + (f"?{query}" if query else "")


def safe_stem(text: str) -> str:
    """A file name stem with ASCII letters, digits, '-', '_' and '.' only."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return _STEM_UNSAFE.sub("-", plain).strip("-.")[:120] or "export"


def file_response(body: bytes, fmt: str, stem: str) -> Response:
    """``body`` as an attachment named ``<stem>.<fmt>``, never cached."""
    name = f"{safe_stem(stem)}.{fmt}"
    r = Response(body, mimetype=MIME[fmt])
    r.headers["Content-Disposition"] = (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    )
    r.headers["Cache-Control"] = "no-store"
    r.headers["X-Content-Type-Options"] = "nosniff"
    return r


def error_response(message: str, status: int) -> Response:
    """A French message as plain text (shown to the user by the export buttons)."""
    r = Response(message, status=status, mimetype="text/plain")
    r.headers["Cache-Control"] = "no-store"
    return r


def _args() -> Args:
    raw = request.query_string.decode("utf-8", "replace")
    search = "?" + raw if raw and len(raw) <= MAX_SEARCH_LEN else ""
    values = {k: v for k, v in request.args.items() if len(k) <= 20 and len(v) <= MAX_ARG_LEN}
    return Args(values, search, request.host_url)


def serve(q: Gateway, builders: dict[str, Callable], name: str, fmt: str) -> Response:
    """The answer to ``/_export/<page>/<name>.<fmt>`` (see the module docstring)."""
    builder = builders.get(name) if isinstance(name, str) and _NAME.match(name) else None
    if builder is None:
        return error_response(
            "Export inconnu. Exports possibles sur cette page : " + ", ".join(sorted(builders)),
            404,
        )
    try:
        art = builder(q, _args())
    except QueryError:
        return error_response("Demande d'export invalide : paramètres inconnus.", 400)
    if art is None:
        return error_response(
            "Rien à exporter pour cette demande (territoire, unité ou filtre inconnu).", 404
        )
    if fmt not in art.formats:
        return error_response(
            f"Format inconnu pour cet export : {fmt[:10]!r}. Formats possibles : "
            + ", ".join(f.upper() for f in art.formats)
            + ".",
            400,
        )
    try:
        body = art.make(fmt)
    except RenderError as e:
        return error_response(str(e), 503)
    return file_response(body, fmt, art.stem)


def register(server, q: Gateway, page: str, builders: dict[str, Callable]) -> None:
    """Add ``/_export/<page>/<name>.<format>`` to the Flask ``server`` for these builders."""

    def export(name: str, fmt: str):
        return serve(q, builders, name, fmt.lower()[:10])

    server.add_url_rule(
        f"{EXPORT_ROOT}/{page}/<name>.<fmt>", endpoint=f"export_{page}", view_func=export
    )
