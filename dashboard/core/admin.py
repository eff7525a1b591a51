"""Régions, départements and arrondissements: the filters of every page, and where units are.

A filter value is untrusted input: :func:`valid_admin` keeps a code only when it is a known unit
of its level, and :func:`place` drops a département outside the chosen région.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import Layer, get_layer, mapped_keys

MAX_CODE_LEN = 10
# (key, region, departement, arrondissement) of every commune of each unit, per table; SQL
# written out in full (identifiers never formatted into SQL)
_TOUCH_SQL = {
    "epci": "SELECT DISTINCT epci_siren AS key, region, departement, arrondissement FROM commune "
    "WHERE epci_siren IS NOT NULL",
    "arrondissement": "SELECT DISTINCT arrondissement AS key, region, departement, arrondissement "
    "FROM commune WHERE arrondissement IS NOT NULL",
    "departement": "SELECT DISTINCT departement AS key, region, departement, arrondissement "
    "FROM commune WHERE departement IS NOT NULL",
    "region": "SELECT DISTINCT region AS key, region, departement, arrondissement FROM commune "
    "WHERE region IS NOT NULL",
    "commune": "SELECT code AS key, region, departement, arrondissement FROM commune",
}
_TOUCH_TERRITORY_SQL = (
    "SELECT DISTINCT tc.territory_id AS key, c.region, c.departement, c.arrondissement "
    "FROM territory_commune tc JOIN commune c ON c.code = tc.commune_code WHERE tc.wave = ?"
)


@dataclass(frozen=True)
class Place:
    """The area a page shows: France, a région or a département (validated codes)."""

    reg: str | None = None
    dep: str | None = None

    @property
    def level(self) -> str:
        return "departement" if self.dep else "region" if self.reg else "france"

    @property
    def code(self) -> str:
        return self.dep or self.reg or "FR"

    def params(self) -> list:
        """Parameters of the SQL pattern ``(? IS NULL OR region = ?) AND (? IS NULL OR
        departement = ?)``."""
        return [self.reg, self.reg, self.dep, self.dep]


def admin_units(q: Gateway) -> pd.DataFrame:
    """Régions, départements and arrondissements with their parents (``level``, ``code``,
    ``name``, ``region``, ``departement``)."""

    def load():
        reg = q.df(
            "SELECT code, name, NULL AS region, NULL AS departement FROM region ORDER BY code"
        ).assign(level="region")
        dep = q.df(
            "SELECT code, name, region, NULL AS departement FROM departement ORDER BY code"
        ).assign(level="departement")
        arr = q.df(
            "SELECT code, name, region, departement FROM arrondissement ORDER BY code"
        ).assign(level="arrondissement")
        return pd.concat([reg, dep, arr], ignore_index=True)

    return q.memo(("admin",), load)


def filter_options(
    q: Gateway, level: str, region: str | None = None, departement: str | None = None
) -> list[dict]:
    """Dropdown options of one filter level, restricted to the chosen parents."""
    df = admin_units(q)
    df = df[df["level"] == level]
    if region and level in ("departement", "arrondissement"):
        df = df[df["region"] == region]
    if departement and level == "arrondissement":
        df = df[df["departement"] == departement]
    return [
        {"label": f"{c} — {n}", "value": c} for c, n in zip(df["code"], df["name"], strict=True)
    ]


def valid_admin(q: Gateway, level: str, code) -> str | None:
    """``code`` when it is a known unit of ``level``, else None (inputs are untrusted)."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LEN:
        return None
    df = admin_units(q)
    return code if ((df["level"] == level) & (df["code"] == code)).any() else None


def in_region(q: Gateway, departement: str, region: str) -> bool:
    """True when the département belongs to the région."""
    df = admin_units(q)
    return bool(((df["code"] == departement) & (df["region"] == region)).any())


def place(q: Gateway, reg, dep) -> Place:
    """A :class:`Place` from untrusted codes (unknown codes are dropped; a département outside
    the région drops the département)."""
    reg = valid_admin(q, "region", reg)
    dep = valid_admin(q, "departement", dep)
    if dep and reg and not in_region(q, dep, reg):
        dep = None
    return Place(reg, dep)


def _touch(q: Gateway, layer: Layer) -> pd.DataFrame:
    """(key, region, departement, arrondissement) for every commune of every unit."""

    def load():
        if layer.table == "territory":
            df = q.df(_TOUCH_TERRITORY_SQL, [layer.wave])
        else:
            df = q.df(_TOUCH_SQL[layer.table])
        return df.astype({"key": str})

    return q.memo(("touch", layer.id), load)


def filtered_keys(
    q: Gateway,
    layer_id: str,
    region: str | None = None,
    departement: str | None = None,
    arrondissement: str | None = None,
) -> list[str]:
    """Keys of the mapped units that touch the filter (all of them without a filter), sorted."""
    layer = get_layer(layer_id)
    keys = mapped_keys(q, layer_id)
    if not (region or departement or arrondissement):
        return keys
    t = _touch(q, layer)
    if arrondissement:
        t = t[t["arrondissement"] == arrondissement]
    elif departement:
        t = t[t["departement"] == departement]
    else:
        t = t[t["region"] == region]
    return sorted(set(t["key"]) & set(keys))


def bounds(q: Gateway, shape_layer: str, keys: list[str]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the display geometry of some units, or None."""
    if not keys:
        return None
    ext = q.memo(
        ("extents", shape_layer),
        lambda: q.df(
            "SELECT key, ST_YMin(geom) AS s, ST_XMin(geom) AS w, ST_YMax(geom) AS n, "
            "ST_XMax(geom) AS e FROM shape WHERE layer = ? AND level = 'coarse' "
            "AND geom IS NOT NULL",
            [shape_layer],
        ).set_index("key"),
    )
    sub = ext[ext.index.isin(list(keys))]
    if sub.empty:
        return None
    return [
        [float(sub["s"].min()), float(sub["w"].min())],
        [float(sub["n"].max()), float(sub["e"].max())],
    ]


def filter_bounds(q: Gateway, region=None, departement=None, arrondissement=None):
    """Bounds of the most specific filter unit, or None."""
    if arrondissement:
        return bounds(q, "arrondissement", [arrondissement])
    if departement:
        return bounds(q, "departement", [departement])
    if region:
        return bounds(q, "region", [region])
    return None
