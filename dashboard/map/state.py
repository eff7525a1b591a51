"""The validated state of the map page, from the address or from untrusted callback inputs."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core.admin import valid_admin
from dashboard.core.classify import DEFAULT_METHOD, METHODS
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import indicators
from dashboard.core.layers import DEFAULT_LAYER, LAYERS, has_key
from dashboard.core.urlstate import UrlState


@dataclass(frozen=True)
class MapState:
    """What the map shows: layer, indicator, classification, filters and the selected unit."""

    couche: str = DEFAULT_LAYER
    ind: str = "population"
    classes: str = DEFAULT_METHOD
    reg: str | None = None
    dep: str | None = None
    arr: str | None = None
    sel: str | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.reg or self.dep or self.arr)

    def without_selection(self) -> MapState:
        return MapState(self.couche, self.ind, self.classes, self.reg, self.dep, self.arr)


def validate(
    q: Gateway, couche=None, ind=None, classes=None, reg=None, dep=None, arr=None, sel=None
) -> MapState:
    """A :class:`MapState` from untrusted values: anything unknown falls back to its default."""
    couche = couche if isinstance(couche, str) and couche in LAYERS else DEFAULT_LAYER
    ids = [i.id for i in indicators(q, couche)]
    default = "population" if "population" in ids else ids[0]
    ind = ind if isinstance(ind, str) and ind in ids else default
    classes = classes if isinstance(classes, str) and classes in METHODS else DEFAULT_METHOD
    reg = valid_admin(q, "region", reg)
    dep = valid_admin(q, "departement", dep)
    arr = valid_admin(q, "arrondissement", arr)
    sel = sel if has_key(q, couche, sel) else None
    return MapState(couche, ind, classes, reg, dep, arr, sel)


def from_url(q: Gateway, state: UrlState) -> MapState:
    """The map state an address asks for."""
    return validate(
        q, state.couche, state.ind, state.classes, state.reg, state.dep, state.arr, state.sel
    )
