"""A page's whole state lives in its query string, so that a copied address reproduces the view.

:class:`UrlState` parses and writes it; every value is validated by the page (unknown values
fall back to defaults), never trusted. Keys: ``couche`` (layer), ``ind`` (indicator), ``classes``
(classification method), ``reg``, ``dep``, ``arr`` (filters), ``sel`` (selected key), ``vue``
(``lat,lng,zoom``). Pages may add their own keys (``extra``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from urllib.parse import parse_qs, urlencode

MAX_PARAM_LEN = 64
_SAFE = re.compile(r"^[0-9A-Za-z_\-.,]*$")


@dataclass
class UrlState:
    """The query-string state of a page (strings only; validation is the page's job)."""

    couche: str | None = None
    ind: str | None = None
    classes: str | None = None
    reg: str | None = None
    dep: str | None = None
    arr: str | None = None
    sel: str | None = None
    vue: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, search: str | None) -> UrlState:
        """Parse ``?a=b&c=d``; oversized or odd values are dropped, never raised on."""
        if not isinstance(search, str) or len(search) > 2000:
            return cls()
        known = {f.name for f in fields(cls)} - {"extra"}
        values: dict = {}
        extra: dict = {}
        for k, vs in parse_qs(search.lstrip("?"), keep_blank_values=False).items():
            v = vs[-1]
            if len(v) > MAX_PARAM_LEN or not _SAFE.match(v) or len(k) > 20:
                continue
            (values if k in known else extra)[k] = v
        return cls(**values, extra=extra)

    def to_search(self) -> str:
        """``?…`` with the non-empty values, in a stable order (empty string when none)."""
        items = [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "extra"]
        items += sorted(self.extra.items())
        q = urlencode([(k, v) for k, v in items if v not in (None, "")], safe=",")
        return "?" + q if q else ""


def parse_view(vue: str | None) -> tuple[list[float], float] | None:
    """``"lat,lng,zoom"`` -> ([lat, lng], zoom) within sane ranges, else None."""
    if not vue:
        return None
    try:
        lat, lng, zoom = (float(x) for x in vue.split(","))
    except (ValueError, TypeError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180 and 0 <= zoom <= 18):
        return None
    return [lat, lng], zoom


def format_view(center, zoom) -> str | None:
    """The ``vue`` parameter for a map centre and zoom (None when unknown)."""
    try:
        if isinstance(center, dict):
            lat, lng = float(center["lat"]), float(center["lng"])
        else:
            lat, lng = float(center[0]), float(center[1])
        return f"{lat:.4f},{lng:.4f},{float(zoom):g}"
    except (TypeError, ValueError, KeyError, IndexError):
        return None
