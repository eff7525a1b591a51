"""Redraw scenarios: move member groupings between territories and recompute every figure.

A scenario is a list of members (EPCI, Grand Paris EPT or single communes) assigned to
territories, starting from the official 2023 map. Moving an EPCI or gathering several into a
new territory only changes that list; :func:`evaluate` then rebuilds the polygons of the
territories concerned (union of their communes' polygons, which form a clean coverage) and
sums every per-commune indicator, with the differences from the official map.

Everything here is pure: the reference data come in a :class:`ScenarioBase` built once from
plain frames (see ``dashboard.scenario_io.load_base``), and nothing is written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

KINDS = ("EPCI", "EPT", "commune")
MEMBER_COLUMNS = ["territory_id", "territory_name", "kind", "siren", "member_name"]
TERRITORY_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SIREN = re.compile(r"^[0-9]{9}$")
MAX_NAME = 200
MAX_MEMBERS = 5000
# indicators every scenario recomputes; more per-commune columns can be added to the base
CORE_INDICATORS = ("population", "area_km2")


class ScenarioError(ValueError):
    """A scenario that cannot be applied: names the member or territory and what was expected."""


@dataclass(frozen=True, eq=False)
class ScenarioBase:
    """The reference data of every scenario (read-only once built, shared by all users).

    Build it with :meth:`from_frames`.
    """

    codes: np.ndarray  # commune codes, position i is commune i
    geoms: np.ndarray  # commune polygons (None or empty when a commune has none)
    values: np.ndarray  # (n_communes, n_indicators) float: the additive indicators
    indicators: tuple[str, ...]  # column names of ``values``
    units: Mapping[tuple[str, str], np.ndarray]  # (kind, siren) -> positions of its communes
    unit_names: Mapping[tuple[str, str], str]
    official: pd.DataFrame  # official members, MEMBER_COLUMNS
    official_territories: pd.DataFrame  # id, name, population, area_km2, n_communes, n_members ...
    official_geoms: Mapping[str, object]  # id -> polygon of the official territory
    official_sets: Mapping[str, frozenset]  # id -> positions of its communes
    official_keys: Mapping[str, frozenset]  # id -> its members as (kind, siren)
    point_tree: shapely.STRtree = field(repr=False)  # one point inside each commune (hole filling)
    crs: str = "EPSG:4326"

    @classmethod
    def from_frames(
        cls,
        communes: gpd.GeoDataFrame,
        members: pd.DataFrame,
        territories: gpd.GeoDataFrame,
        *,
        indicators: Sequence[str] = CORE_INDICATORS,
    ) -> ScenarioBase:
        """Build the base from the commune layer and the official members and territories.

        Parameters
        ----------
        communes : one row per commune: ``code``, ``siren``, ``epci_siren``, ``ept_siren``,
            ``name`` and the ``indicators`` columns (additive: summed over a territory; NaN is
            missing data, left out of the sum and counted), geometry in WGS84
        members : the official members: ``territory_id``, ``kind``, ``siren``, ``name``
        territories : the official territories: ``id``, ``name``, their indicators,
            ``n_communes``, ``n_members`` and geometry
        """
        for frame, what, cols in (
            (
                communes,
                "communes",
                ["code", "siren", "epci_siren", "ept_siren", "name", *indicators],
            ),
            (members, "members", ["territory_id", "kind", "siren", "name"]),
            (territories, "territories", ["id", "name", *indicators]),
        ):
            missing = [c for c in cols if c not in frame.columns]
            if missing:
                raise KeyError(f"{what}: missing column(s) {missing}; got {list(frame.columns)}")
        if not isinstance(communes, gpd.GeoDataFrame) or communes.crs is None:
            raise TypeError("expected communes as a GeoDataFrame with a CRS")
        com = communes.reset_index(drop=True)
        units: dict[tuple[str, str], np.ndarray] = {}
        names: dict[tuple[str, str], str] = {}
        for kind, col in (("EPCI", "epci_siren"), ("EPT", "ept_siren"), ("commune", "siren")):
            keys = com[col]
            idx = np.flatnonzero(keys.notna().to_numpy())
            if not len(idx):
                continue
            k = keys.iloc[idx].astype(str).to_numpy()
            order = np.argsort(k, kind="stable")
            uniq, starts = np.unique(k[order], return_index=True)
            units.update(
                {
                    (kind, u): chunk
                    for u, chunk in zip(uniq, np.split(idx[order], starts[1:]), strict=True)
                }
            )
        names.update(
            {("commune", str(s)): n for s, n in zip(com["siren"], com["name"], strict=True)}
        )
        for k, s, n in zip(members["kind"], members["siren"], members["name"], strict=True):
            names[(k, str(s))] = n
        official = (
            pd.DataFrame(
                {
                    "territory_id": members["territory_id"].astype(str).to_numpy(),
                    "territory_name": members["territory_id"]
                    .map(territories.set_index("id")["name"])
                    .to_numpy(),
                    "kind": members["kind"].to_numpy(),
                    "siren": members["siren"].astype(str).to_numpy(),
                    "member_name": members["name"].to_numpy(),
                }
            )
            .sort_values(["territory_id", "kind", "siren"])
            .reset_index(drop=True)
        )
        geoms = com.geometry.to_numpy()
        has = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        points = shapely.point_on_surface(geoms[has])
        sets = {
            tid: frozenset(_positions(units, g[["kind", "siren"]].itertuples(index=False)).tolist())
            for tid, g in official.groupby("territory_id")
        }
        terr = territories.reset_index(drop=True)
        return cls(
            codes=com["code"].astype(str).to_numpy(),
            geoms=geoms,
            values=com[list(indicators)].to_numpy(dtype="float64"),
            indicators=tuple(indicators),
            units=units,
            unit_names=names,
            official=official,
            official_territories=pd.DataFrame(terr.drop(columns=terr.geometry.name)).set_index(
                "id"
            ),
            official_geoms=dict(zip(terr["id"], terr.geometry.to_numpy(), strict=True)),
            official_sets=sets,
            official_keys={
                tid: frozenset(zip(g["kind"], g["siren"], strict=True))
                for tid, g in official.groupby("territory_id")
            },
            point_tree=shapely.STRtree(points),
            crs=str(communes.crs),
        )

    def unit_name(self, kind: str, siren: str) -> str:
        return self.unit_names.get((kind, siren), "")


def _positions(
    units: Mapping[tuple[str, str], np.ndarray], keys: Iterable[tuple[str, str]]
) -> np.ndarray:
    parts = [units.get((k, str(s)), np.empty(0, dtype=np.int64)) for k, s in keys]
    return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A full list of members by territory (``MEMBER_COLUMNS``) and a name.

    Two scenarios are equal when they have the same name and the same members.
    """

    name: str
    members: pd.DataFrame

    def __post_init__(self) -> None:
        # one canonical form (columns, text dtype, order), so that equal scenarios compare equal
        m = self.members
        missing = [c for c in MEMBER_COLUMNS if c not in m.columns]
        if missing:
            raise ScenarioError(f"members: missing column(s) {missing}; expected {MEMBER_COLUMNS}")
        m = m[MEMBER_COLUMNS].astype("str").sort_values(["territory_id", "kind", "siren"])
        object.__setattr__(self, "members", m.reset_index(drop=True))

    @classmethod
    def official(cls, base: ScenarioBase, name: str = "Scénario") -> Scenario:
        """The official 2023 map, the starting point of every scenario."""
        return cls(name=name, members=base.official.copy())

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Scenario)
            and self.name == other.name
            and self.members.equals(other.members)
        )

    __hash__ = None  # mutable content (a DataFrame)

    def territory_ids(self) -> list[str]:
        return sorted(self.members["territory_id"].unique())


def check_scenario(base: ScenarioBase, scenario: Scenario) -> None:
    """Raise :class:`ScenarioError` unless the scenario's name and members are valid (see
    :func:`check_members`)."""
    if not isinstance(scenario.name, str) or len(scenario.name) > MAX_NAME:
        raise ScenarioError(f"scenario name: expected text of at most {MAX_NAME} characters")
    check_members(base, scenario.members)


def check_members(
    base: ScenarioBase, m: pd.DataFrame, *, first_row: int = 1, what: str = "row"
) -> None:
    """Raise :class:`ScenarioError` unless every member is known, listed once, and no commune
    falls in two territories (e.g. the Métropole du Grand Paris and one of its EPT).

    Errors name the row (``what`` numbered from ``first_row``) and the column.
    """
    missing = [c for c in MEMBER_COLUMNS if c not in m.columns]
    if missing:
        raise ScenarioError(f"members: missing column(s) {missing}; expected {MEMBER_COLUMNS}")
    if len(m) > MAX_MEMBERS:
        raise ScenarioError(f"members: {len(m)} rows, at most {MAX_MEMBERS} expected")
    cols = [m[c].tolist() for c in ("territory_id", "territory_name", "kind", "siren")]
    name_of: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for i, (tid, name, kind, siren) in enumerate(zip(*cols, strict=True), start=first_row):
        if not isinstance(tid, str) or not TERRITORY_ID.match(tid):
            raise ScenarioError(
                f"{what} {i}, column 'territory_id': expected 1-40 letters, digits, '-' or "
                f"'_', got {str(tid)[:50]!r}"
            )
        if kind not in KINDS:
            raise ScenarioError(
                f"{what} {i}, column 'kind': expected one of {list(KINDS)}, got {str(kind)[:50]!r}"
            )
        if not isinstance(siren, str) or not SIREN.match(siren):
            raise ScenarioError(
                f"{what} {i}, column 'siren': expected 9 digits, got {str(siren)[:50]!r}"
            )
        if (kind, siren) not in base.units:
            raise ScenarioError(
                f"{what} {i}, column 'siren': {kind} {siren} is unknown in the commune table"
            )
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            raise ScenarioError(
                f"{what} {i}, column 'territory_name': expected a name of 1-{MAX_NAME} characters"
            )
        if name_of.setdefault(tid, name) != name:
            raise ScenarioError(
                f"{what} {i}, column 'territory_name': territory {tid!r} is already named "
                f"{name_of[tid]!r}; expected one name per territory"
            )
        if (kind, siren) in seen:
            raise ScenarioError(
                f"{what} {i}: member {kind} {siren} is already listed in {what} {seen[(kind, siren)]}; "
                "a member belongs to one territory"
            )
        seen[(kind, siren)] = i
    if not seen:
        return
    parts = [base.units[k] for k in seen]
    pos = np.concatenate(parts)
    owner = np.repeat(np.array(cols[0], dtype=object), [len(p) for p in parts])
    order = np.argsort(pos, kind="stable")
    pos, owner = pos[order], owner[order]
    clash = np.flatnonzero((pos[1:] == pos[:-1]) & (owner[1:] != owner[:-1]))
    if len(clash):
        k = clash[0]
        raise ScenarioError(
            f"commune {base.codes[pos[k]]} would be in territories {owner[k]!r} and "
            f"{owner[k + 1]!r}; a commune belongs to one territory"
        )


# ---------------------------------------------------------------------------------------------
# edits: each returns a new scenario and the territories whose figures changed
# ---------------------------------------------------------------------------------------------


def move_member(
    base: ScenarioBase,
    scenario: Scenario,
    kind: str,
    siren: str,
    to_territory: str | None,
    to_name: str | None = None,
) -> tuple[Scenario, list[str]]:
    """Move a member (or add one not yet in a territory) to ``to_territory``; None removes it.

    ``to_name`` names a new territory (an existing one keeps its name). Returns the new
    scenario and the ids of the territories to recompute.
    """
    return _reassign(base, scenario, [(kind, siren)], to_territory, to_name)


def new_territory_id(scenario: Scenario, prefix: str = "nouveau") -> str:
    """The first free id ``nouveau-1``, ``nouveau-2`` ... for a territory the analyst creates."""
    used = set(scenario.members["territory_id"])
    n = 1
    while f"{prefix}-{n}" in used:
        n += 1
    return f"{prefix}-{n}"


def gather(
    base: ScenarioBase,
    scenario: Scenario,
    members: Sequence[tuple[str, str]],
    new_id: str,
    new_name: str,
) -> tuple[Scenario, list[str]]:
    """Gather ``members`` ((kind, siren) pairs) into a new territory ``new_id``."""
    if new_id in set(scenario.members["territory_id"]):
        raise ScenarioError(f"territory {new_id!r} already exists; choose a new id")
    if not members:
        raise ScenarioError("gather: expected at least one member")
    return _reassign(base, scenario, members, new_id, new_name)


def _reassign(
    base: ScenarioBase,
    scenario: Scenario,
    keys: Sequence[tuple[str, str]],
    to_territory: str | None,
    to_name: str | None,
) -> tuple[Scenario, list[str]]:
    keys = [(k, str(s)) for k, s in keys]
    for kind, siren in keys:
        if (kind, siren) not in base.units:
            raise ScenarioError(
                f"{kind} {siren[:50]} is unknown; expected the SIREN of a member of kind "
                f"{list(KINDS)} present in the commune table"
            )
    m = scenario.members
    here = pd.Series(list(zip(m["kind"], m["siren"], strict=True)), index=m.index).isin(set(keys))
    affected = list(m.loc[here, "territory_id"].unique())
    m = m[~here]
    if to_territory is not None:
        existing = m.loc[m["territory_id"] == to_territory, "territory_name"]
        if len(existing):
            name = existing.iloc[0]
        elif to_territory in base.official_territories.index and not to_name:
            name = base.official_territories.at[to_territory, "name"]
        else:
            name = to_name or to_territory
        rows = pd.DataFrame(
            [
                {
                    "territory_id": to_territory,
                    "territory_name": name,
                    "kind": kind,
                    "siren": siren,
                    "member_name": base.unit_name(kind, siren),
                }
                for kind, siren in keys
            ]
        )
        m = pd.concat([m, rows], ignore_index=True)
        affected.append(to_territory)
    out = Scenario(scenario.name, m)
    check_scenario(base, out)
    return out, list(dict.fromkeys(affected))


# ---------------------------------------------------------------------------------------------
# recomputation
# ---------------------------------------------------------------------------------------------


def fill_empty_holes(geom, tree: shapely.STRtree):
    """Remove the holes of ``geom`` that contain none of the points indexed by ``tree``.

    The commune polygons leave gaps where there is no commune (a lake such as the étang de
    Berre, a simplification gap); the official territories fill them, and so must a redrawn one.
    """
    if geom is None or shapely.get_num_interior_rings(shapely.get_parts(geom)).sum() == 0:
        return geom
    parts = []
    for part in shapely.get_parts(geom):
        rings = [
            shapely.get_interior_ring(part, k) for k in range(shapely.get_num_interior_rings(part))
        ]
        keep = [r for r in rings if len(tree.query(shapely.Polygon(r), predicate="contains"))]
        parts.append(shapely.Polygon(shapely.get_exterior_ring(part), keep))
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def territory_polygon(base: ScenarioBase, positions: np.ndarray):
    """The polygon of a territory made of the communes at ``positions``."""
    g = base.geoms[positions]
    g = g[~(shapely.is_missing(g) | shapely.is_empty(g))]
    if not len(g):
        return None
    try:
        u = shapely.coverage_union_all(g)
    except shapely.errors.GEOSException:  # not a clean coverage: fall back to a full union
        u = shapely.union_all(g)
    return fill_empty_holes(shapely.make_valid(u), base.point_tree)


def evaluate(
    base: ScenarioBase, scenario: Scenario, territory_ids: Iterable[str] | None = None
) -> gpd.GeoDataFrame:
    """Polygons and figures of the scenario's territories, with the differences from the official map.

    Parameters
    ----------
    territory_ids : the territories to recompute (default: all of the scenario's and the
        official ones). A territory left without members has status ``removed``.

    Returns
    -------
    GeoDataFrame indexed by ``territory_id``: ``name``, ``status`` (``unchanged``,
    ``modified``, ``new``, ``removed``), ``n_members``, ``n_communes``, every indicator, the
    official value and the difference of each (``<x>_official``, ``<x>_diff``; NaN for a new
    territory), ``<x>_n_missing`` (communes without a value for the indicator, left out of
    the sum as in the official tables; NaN when no commune has one), ``density`` (inhabitants per km²),
    ``communes_added``, ``communes_removed``.
    """
    m = scenario.members
    ids = (
        sorted(set(m["territory_id"]) | set(base.official_territories.index))
        if territory_ids is None
        else list(dict.fromkeys(territory_ids))
    )
    by_t = dict(tuple(m[m["territory_id"].isin(ids)].groupby("territory_id")))
    off = base.official_territories
    rows, geoms = [], []
    for tid in ids:
        g = by_t.get(tid)
        pos = (
            _positions(base.units, g[["kind", "siren"]].itertuples(index=False))
            if g is not None
            else np.empty(0, dtype=np.int64)
        )
        oset = base.official_sets.get(tid)
        sset = frozenset(pos.tolist())
        if g is None:
            status = "removed" if tid in off.index else None
            if status is None:
                raise ScenarioError(
                    f"territory {tid!r} is neither in the scenario nor in the official map"
                )
        elif oset is None:
            status = "new"
        else:
            same_members = (
                frozenset(zip(g["kind"], g["siren"], strict=True)) == base.official_keys[tid]
            )
            status = "unchanged" if sset == oset and same_members else "modified"
        v = base.values[pos]
        # as in the official tables, a commune without a value adds nothing; how many lack
        # one is reported next to each indicator, so the figure is never silently partial
        vals = np.nansum(v, axis=0) if len(pos) else np.zeros(len(base.indicators))
        n_missing = (
            np.isnan(v).sum(axis=0) if len(pos) else np.zeros(len(base.indicators), dtype=int)
        )
        if len(pos):  # no commune with a value: the figure is absent, not 0
            vals = np.where(n_missing == len(pos), np.nan, vals)
        row = {
            "territory_id": tid,
            "status": status,
            "name": g["territory_name"].iloc[0] if g is not None else off.at[tid, "name"],
            "n_members": 0 if g is None else len(g),
            "n_communes": len(pos),
        }
        row.update(dict(zip(base.indicators, vals.tolist(), strict=True)))
        row.update(
            {f"{k}_n_missing": int(n) for k, n in zip(base.indicators, n_missing, strict=True)}
        )
        if oset is not None:
            row["communes_added"] = len(sset - oset)
            row["communes_removed"] = len(oset - sset)
        if status == "unchanged":
            geoms.append(base.official_geoms[tid])
        elif len(pos):
            geoms.append(territory_polygon(base, pos))
        else:
            geoms.append(None)
        rows.append(row)
    cols = [
        "territory_id",
        "name",
        "status",
        "n_members",
        "n_communes",
        *base.indicators,
        *(f"{k}_n_missing" for k in base.indicators),
        "communes_added",
        "communes_removed",
    ]
    out = pd.DataFrame(rows).reindex(columns=cols).set_index("territory_id")
    if "population" in out and "area_km2" in out:
        out["density"] = out["population"] / out["area_km2"].where(out["area_km2"] > 0)
    for c in ("n_members", "n_communes", *base.indicators):
        if c in off.columns:
            out[f"{c}_official"] = off[c].reindex(out.index).astype("float64")
            out[f"{c}_diff"] = out[c] - out[f"{c}_official"]
    return gpd.GeoDataFrame(
        out, geometry=gpd.GeoSeries(geoms, index=out.index, crs=base.crs), crs=base.crs
    )
