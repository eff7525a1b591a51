"""The state of the ``/redecoupage`` page: ids, choices and the selected territory, from
untrusted inputs."""

from __future__ import annotations

from urllib.parse import urlencode

from dashboard.core import classify as K
from dashboard.core.admin import Place
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import choice_label, indicators
from dashboard.core.layers import WAVE_LAYER
from dashboard.core.mapview import layer_url
from dashboard.redraw import queries as RQ

PREFIX = "rd"
NEW_TARGET = "__nouveau__"
MAX_NAME = 120
MAX_UPLOAD_B64 = 14_000_000  # characters of a data URL: a GeoJSON of all 183 territories is ~4 MB
MAX_GATHER = 50


def cid(name: str) -> str:
    """The id of a component of the page."""
    return f"{PREFIX}-{name}"


def ns(name: str) -> dict:
    """A function of ``assets/redecoupage.js`` (window.tiRedraw) for a functional prop."""
    return {"variable": f"tiRedraw.{name}"}


SYNC = {"move": ns("sync"), "zoomend": ns("sync"), "layeradd": ns("register")}


def indicator_choice(q: Gateway, ind) -> tuple[str, list[dict]]:
    """The indicator of the wave maps (one both layers have) and the dropdown options."""
    ids18 = {i.id for i in indicators(q, "ti2018")}
    inds = [i for i in indicators(q, "ti2023") if i.id in ids18]
    ind = ind if isinstance(ind, str) and ind in {i.id for i in inds} else "population"
    return ind, [{"label": choice_label(i), "value": i.id} for i in inds]


def method_choice(method) -> str:
    return method if isinstance(method, str) and method in K.METHODS else K.DEFAULT_METHOD


def selection_of(q: Gateway, selection) -> tuple[str, str] | None:
    """(wave, territory id) of a selection sent by the browser, or None when unknown."""
    if not isinstance(selection, dict):
        return None
    wave, key = RQ.valid_wave(selection.get("wave")), selection.get("key")
    return (wave, key) if wave and RQ.has_territory(q, wave, key) else None


def selected_keys(q: Gateway, sel: tuple[str, str] | None) -> dict[str, str | None]:
    """The territory outlined on each wave map: the selection and its counterpart."""
    if sel is None:
        return {"2018": None, "2023": None}
    wave, key = sel
    cp = RQ.counterpart(q, wave, key)
    other = "2023" if wave == "2018" else "2018"
    return {wave: key, other: cp["counterpart_id"] if cp else None}


def wave_url(q: Gateway, wave: str, p: Place) -> str:
    return layer_url(q, WAVE_LAYER[wave], p.reg, p.dep)


def change_url(q: Gateway, p: Place) -> str:
    params = {"reg": p.reg, "dep": p.dep, "v": q.version}
    return "/_redecoupage/communes?" + urlencode({k: v for k, v in params.items() if v})
