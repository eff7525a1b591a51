"""A page's whole state lives in its query string, so that a copied address reproduces the view.

:class:`UrlState` parses and writes it; every value is validated by the page (unknown values
fall back to defaults), never trusted. Keys: ``couche`` (layer), ``ind`` (indicator), ``annee``
(its year), ``depuis`` (the earlier year of a change map), ``classes`` (classification method),
``nb`` (number of classes, 3-9), ``portee`` (classes of the view or of France), ``palette``,
``seuils`` (breaks typed by the user, ``1000_5000``), ``rep`` (``aplats`` or ``cercles``), ``fond``
(the rate under proportional circles), ``reg``, ``dep``, ``arr`` (filters), ``sel`` (selected
key), ``vue`` (``lat,lng,zoom``), ``tri`` (the table's sort, ``valeur.desc``), ``cmp`` (units
compared, ``ti-2801,ti-2802``). Pages may add their own keys (``extra``).

A change of state is written into the browser's history through :func:`history_entry` (one entry
per user change; map moves replace the current entry), see ``assets/nav.js``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from urllib.parse import parse_qs, urlencode

MAX_PARAM_LEN = 96
_SAFE = re.compile(r"^[0-9A-Za-z_\-.,]*$")


@dataclass
class UrlState:
    """The query-string state of a page (strings only; validation is the page's job)."""

    couche: str | None = None
    ind: str | None = None
    annee: str | None = None
    depuis: str | None = None
    classes: str | None = None
    nb: str | None = None
    portee: str | None = None
    palette: str | None = None
    seuils: str | None = None
    rep: str | None = None
    fond: str | None = None
    reg: str | None = None
    dep: str | None = None
    arr: str | None = None
    sel: str | None = None
    vue: str | None = None
    tri: str | None = None
    cmp: str | None = None
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


def history_entry(search) -> dict:
    """What a page writes into ``ti-address``, the store ``assets/nav.js`` turns into the
    browser's address: a new history entry when the state changed other than by the map's view
    (``vue``: a map move replaces the current entry)."""
    return {"search": search if isinstance(search, str) else ""}
