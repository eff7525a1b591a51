"""The validated state of the map page, from the address or from untrusted callback inputs."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.core import classify as K
from dashboard.core.admin import valid_admin
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import Family, Indicator, families, family_of, of_year
from dashboard.core.layers import DEFAULT_LAYER, LAYERS, has_key
from dashboard.core.palettes import valid_palette
from dashboard.core.urlstate import UrlState

# the inputs of the view, in the order the callbacks receive them (``VIEW_INPUTS`` of the page)
VIEW_KEYS = (
    "couche", "ind", "annee", "depuis", "classes", "nb", "portee", "palette", "seuils", "rep",
    "fond", "reg", "dep", "arr",
)  # fmt: skip
REPRESENTATIONS = {"cercles": "Cercles proportionnels", "aplats": "Aplats de couleur"}


@dataclass(frozen=True)
class MapState:
    """What the map shows: layer, indicator and year (or change between two years),
    classification, representation, filters and the selected unit."""

    couche: str = DEFAULT_LAYER
    ind: str = "population"  # the indicator's family id (one per indicator, all years)
    annee: int | None = None  # None: the indicator has no year
    depuis: int | None = None  # the earlier year of a change map
    classes: str = K.DEFAULT_METHOD
    nb: int = K.DEFAULT_K
    portee: str = K.DEFAULT_SCOPE
    palette: str = "bleus"
    seuils: tuple[float, ...] = ()
    rep: str = "cercles"
    fond: str | None = None  # a rate drawn in colour under the circles
    reg: str | None = None
    dep: str | None = None
    arr: str | None = None
    sel: str | None = None
    message: str | None = None  # why typed thresholds were ignored (French)

    @property
    def method(self) -> str:
        """The classification applied: quantiles while no threshold has been typed."""
        return K.DEFAULT_METHOD if self.classes == K.MANUAL and not self.seuils else self.classes

    @property
    def filtered(self) -> bool:
        return bool(self.reg or self.dep or self.arr)

    @property
    def change(self) -> bool:
        """A map of the change between ``depuis`` and ``annee``."""
        return self.depuis is not None

    @property
    def circles(self) -> bool:
        return self.rep == "cercles"

    def without_selection(self) -> MapState:
        return _replace(self, sel=None)


def _replace(st: MapState, **changes) -> MapState:
    from dataclasses import replace

    return replace(st, **changes)


def _family(q: Gateway, couche: str, ind) -> Family:
    fams = families(q, couche)
    fam = family_of(q, couche, ind)
    if fam is not None:
        return fam
    return next((f for f in fams if f.id == "population"), fams[0])


def _year(v) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.isdigit() and len(v) == 4:
        return int(v)
    return None


def _count(v) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        n = v
    elif isinstance(v, str) and v.isdigit() and len(v) <= 2:
        n = int(v)
    else:
        return K.DEFAULT_K
    return n if K.MIN_K <= n <= K.MAX_K else K.DEFAULT_K


def validate(
    q: Gateway,
    couche=None,
    ind=None,
    annee=None,
    depuis=None,
    classes=None,
    nb=None,
    portee=None,
    palette=None,
    seuils=None,
    rep=None,
    fond=None,
    reg=None,
    dep=None,
    arr=None,
    sel=None,
) -> MapState:
    """A :class:`MapState` from untrusted values: anything unknown falls back to its default.

    An older indicator id ``<name>_<year>`` stands for that indicator and year; a year the
    indicator lacks means its latest year; a change needs an earlier year of the indicator.
    """
    couche = couche if isinstance(couche, str) and couche in LAYERS else DEFAULT_LAYER
    fam = _family(q, couche, ind)
    year = _year(annee)
    if year is None and isinstance(ind, str) and ind != fam.id:  # ``<name>_<year>``
        year = of_year(q, couche, fam, ind.rsplit("_", 1)[-1]).year
    year = year if year in fam.years else (fam.years[-1] if fam.years else None)
    since = _year(depuis)
    since = since if year is not None and since in fam.years and since < year else None
    method = classes if isinstance(classes, str) and classes in K.MAP_METHODS else K.DEFAULT_METHOD
    thresholds, message = (None, None)
    if method == K.MANUAL:  # typed thresholds are read only with the "seuils manuels" method
        thresholds, message = K.parse_thresholds(seuils if isinstance(seuils, str) else None)
    if method == K.MANUAL and not thresholds:  # quantiles until thresholds are typed
        message = message or "Seuils manuels : saisissez des seuils séparés par « ; »."
    scope = portee if isinstance(portee, str) and portee in K.SCOPES else K.DEFAULT_SCOPE
    counts = fam.is_count and since is None
    rep = rep if isinstance(rep, str) and rep in REPRESENTATIONS else None
    rep = (rep or "cercles") if counts else "aplats"
    rates = {f.id for f in families(q, couche) if not f.is_count}
    fond = fond if rep == "cercles" and isinstance(fond, str) and fond in rates else None
    return MapState(
        couche=couche,
        ind=fam.id,
        annee=year,
        depuis=since,
        classes=method,
        nb=_count(nb),
        portee=scope,
        palette=valid_palette(palette, diverging=since is not None),
        seuils=tuple(thresholds or ()),
        rep=rep,
        fond=fond,
        reg=valid_admin(q, "region", reg),
        dep=valid_admin(q, "departement", dep),
        arr=valid_admin(q, "arrondissement", arr),
        sel=sel if has_key(q, couche, sel) else None,
        message=message,
    )


def from_inputs(q: Gateway, values) -> MapState:
    """The state from the view's callback inputs, in the order of :data:`VIEW_KEYS`."""
    values = list(values)[: len(VIEW_KEYS)]
    return validate(q, **dict(zip(VIEW_KEYS, values, strict=False)))


def from_url(q: Gateway, state: UrlState) -> MapState:
    """The map state an address asks for."""
    return validate(q, **{k: getattr(state, k) for k in VIEW_KEYS}, sel=state.sel)


def indicator_of(q: Gateway, st: MapState) -> Indicator:
    """The indicator (of its year) the state shows."""
    return of_year(q, st.couche, _family(q, st.couche, st.ind), st.annee)


def base_indicator(q: Gateway, st: MapState) -> Indicator | None:
    """The indicator of the earlier year of a change map (None when not a change map)."""
    if st.depuis is None:
        return None
    return of_year(q, st.couche, _family(q, st.couche, st.ind), st.depuis)


def to_url(st: MapState) -> UrlState:
    """The address of a state: defaults left out, so that addresses stay short."""
    return UrlState(
        couche=st.couche,
        ind=st.ind,
        annee=str(st.annee) if st.annee is not None else None,
        depuis=str(st.depuis) if st.depuis is not None else None,
        classes=st.classes,
        nb=str(st.nb) if st.nb != K.DEFAULT_K else None,
        portee=st.portee if st.portee != K.DEFAULT_SCOPE else None,
        palette=st.palette if st.palette not in ("bleus", "rouge-bleu") else None,
        seuils=K.thresholds_param(st.seuils),
        rep=st.rep if st.rep == "aplats" else None,
        fond=st.fond,
        reg=st.reg,
        dep=st.dep,
        arr=st.arr,
        sel=st.sel,
    )
