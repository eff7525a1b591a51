"""Addresses of the pages, for links between them (pages never import each other)."""

from __future__ import annotations

from urllib.parse import urlencode

MAP_PATH = "/"
REDRAW_PATH = "/redecoupage"
PROGRESS_PATH = "/progres"
SOURCES_PATH = "/sources"
PROFILE_PATH = "/territoire"
COMPARE_PATH = "/comparer"


def profile_href(wave: str, territory_id: str) -> str:
    """The address of a territory's profile: ``/territoire/<wave>/<id>``."""
    return f"{PROFILE_PATH}/{wave}/{territory_id}"


def map_href(**params) -> str:
    """The address of the map with some state (``couche``, ``ind``, ``dep``, ``sel`` ...)."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return "/?" + urlencode(kept) if kept else "/"


def compare_href(layer_id: str, keys: list[str]) -> str:
    """The address of the comparison of some units of a layer (``/comparer?couche=..&cmp=..``)."""
    return COMPARE_PATH + "?" + urlencode({"couche": layer_id, "cmp": ",".join(keys)}, safe=",")
