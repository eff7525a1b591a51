"""What every map of the dashboard shares: the national view, fitting bounds, the layer URLs.

The layers travel through the Flask routes of :mod:`dashboard.core.routes`; their URLs carry
the database version so that the browser may cache them (a rebuild changes the URLs).
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from dashboard.core.gateway import Gateway

NATIONAL_BOUNDS = [[41.0, -9.6], [51.3, 10.0]]  # mainland plus the insets west of Brittany
EMPTY_URL = "/_carte/empty"


def _url(path: str, params: dict) -> str:
    return path + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def layer_url(
    q: Gateway, layer_id: str, reg=None, dep=None, arr=None, national: bool = False
) -> str:
    """URL of a map layer (Geobuf), whole or cut to a filter (validated codes); ``national``:
    the whole layer at the level drawn first by the national view (see ``/_carte/geo``)."""
    whole = not (reg or dep or arr)
    return _url(
        "/_carte/geo",
        {"couche": layer_id, "reg": reg, "dep": dep, "arr": arr,
         "niveau": "national" if national and whole else None, "v": q.version},
    )  # fmt: skip


def base_url(q: Gateway, kind: str, inset: bool, national: bool = False) -> str:
    """URL of the département or région outlines (Geobuf) drawn under every map; ``national``
    as :func:`layer_url` (for the national view, ``inset``)."""
    level = "national" if national and inset else None
    return _url(
        "/_carte/base", {"kind": kind, "inset": int(inset), "niveau": level, "v": q.version}
    )


def points_url(q: Gateway, reg=None, dep=None, arr=None) -> str:
    """URL of the préfectures and sous-préfectures of a filter (GeoJSON points)."""
    return _url("/_carte/points", {"reg": reg, "dep": dep, "arr": arr, "v": q.version})


def outline_url(q: Gateway, layer_id: str, key: str, inset: bool) -> str:
    """URL of one unit's outline (GeoJSON), in the national view's insets or at its place."""
    return _url(
        "/_carte/sel", {"couche": layer_id, "key": key, "inset": int(inset), "v": q.version}
    )


def labels_urls(q: Gateway, inset: bool) -> dict[str, str]:
    """URLs of the place names: ``chefs`` (préfectures and sous-préfectures, every one) and
    ``communes`` (to which the browser adds ``&box=w,s,e,n`` on the grid of
    :data:`dashboard.core.geometry.LABEL_CELL`)."""
    return {
        "chefs": _url("/_carte/labels", {"kind": "chefs", "inset": int(inset), "v": q.version}),
        "communes": _url(
            "/_carte/labels", {"kind": "communes", "inset": int(inset), "v": q.version}
        ),
    }


def rows_url(q: Gateway, params: dict) -> str:
    """URL of the table rows of a map view whose address keys are ``params`` (the view's
    validated state written as an address, selection left out)."""
    return _url("/_carte/rows", {**params, "v": q.version})


def centres_url(q: Gateway, layer_id: str, ind: str, year, reg=None, dep=None, arr=None) -> str:
    """URL of the points where the proportional circles of an indicator are drawn (largest
    value first)."""
    params = {"couche": layer_id, "ind": ind, "annee": year, "reg": reg, "dep": dep, "arr": arr}
    return _url("/_carte/centres", {**params, "v": q.version})


def frames_url(q: Gateway) -> str:
    """URL of the boxes drawn around the overseas insets."""
    return _url("/_carte/frames", {"v": q.version})


def center_zoom(bounds, width: int = 760, height: int = 600) -> tuple[list[float], float]:
    """Centre and zoom (multiple of 0.25) that fit ``bounds`` in a map of ``width`` x ``height`` px."""
    (s, w), (n, e) = bounds

    def merc(lat):
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(e - w, 1e-6) / 360
    dy = max(merc(n) - merc(s), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width / 256 / dx), math.log2(height / 256 / dy))
    zoom = max(3.0, min(13.0, math.floor(zoom * 4) / 4))
    lat = math.degrees(math.atan(math.sinh((merc(n) + merc(s)) / 2)))
    return [round(lat, 5), round((w + e) / 2, 5)], zoom
