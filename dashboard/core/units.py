"""One unit of a layer (a territory, an EPCI, a département ...): what holds it and what it holds.

Computed in memory from cached tables (communes, memberships, bounds), so that a click costs no
database round trip once the caches are warm.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.core.admin import bounds
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import values_of_unit
from dashboard.core.layers import Layer, frame, get_layer, has_key, names

# the commune column that names the unit holding it, per layer table
COMMUNE_COLUMN = {
    "epci": "epci_siren",
    "arrondissement": "arrondissement",
    "departement": "departement",
    "region": "region",
    "commune": "code",
}


def communes(q: Gateway) -> pd.DataFrame:
    """Every commune with the units that hold it (code, departement, region, arrondissement,
    epci_siren, population)."""
    return q.memo(
        ("communes",),
        lambda: q.df(
            "SELECT code, departement, region, arrondissement, epci_siren, population FROM commune"
        ),
    )


def members(q: Gateway) -> pd.DataFrame:
    """Members of every territory of both waves (wave, territory_id, siren, kind, name)."""
    return q.memo(
        ("members",),
        lambda: q.df(
            "SELECT wave, territory_id, siren, kind, name FROM territory_member ORDER BY kind, name"
        ),
    )


def territory_communes(q: Gateway) -> pd.DataFrame:
    """(wave, territory_id, commune_code) of both waves (cached)."""
    return q.memo(
        ("territory_commune",),
        lambda: q.df("SELECT wave, territory_id, commune_code FROM territory_commune"),
    )


def commune_codes(q: Gateway, layer: Layer, key: str) -> list[str]:
    """Codes of the communes of one unit."""
    if layer.table == "territory":
        tc = territory_communes(q)
        sel = (tc["wave"] == layer.wave) & (tc["territory_id"] == key)
        return tc.loc[sel, "commune_code"].tolist()
    com = communes(q)
    return com.loc[com[COMMUNE_COLUMN[layer.table]] == key, "code"].tolist()


def touched_arrondissements(q: Gateway, layer_id: str, key: str) -> list[str]:
    """Codes of the arrondissements where a unit has at least one commune, sorted."""
    com = communes(q)
    mine = com[com["code"].isin(commune_codes(q, get_layer(layer_id), key))]
    return sorted(mine["arrondissement"].dropna().unique().tolist())


def _num(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def detail(q: Gateway, layer_id: str, key) -> dict | None:
    """Everything the side panel shows about one unit, or None when the key is unknown."""
    layer = get_layer(layer_id)
    if not has_key(q, layer_id, key):
        return None
    row = frame(q, layer_id).loc[key]
    com = communes(q)
    mine = com[com["code"].isin(commune_codes(q, layer, key))]
    out = {
        "layer": layer.id,
        "key": key,
        "name": str(row["name"]).strip(),
        "kind": layer.singular,
        "population": _num(row.get("population")),
        "area_km2": _num(row.get("area_km2")),
        "n_communes": len(mine),
        "n_epci": int(mine["epci_siren"].nunique()),
    }
    deps = (
        mine.groupby("departement")["population"]
        .sum()
        .reset_index()
        .sort_values(["population", "departement"], ascending=[False, True])
    )
    dep_names = names(q, "departement")
    out["departements"] = [(c, str(dep_names.get(c, c))) for c in deps["departement"]]
    arr = frame(q, "arrondissement")
    arr = arr[arr.index.isin(mine["arrondissement"].dropna().unique())]
    arr = arr.sort_values(["chef_lieu_kind", "chef_lieu_name"])
    out["chef_lieux"] = [
        (str(n), str(k)) for n, k in zip(arr["chef_lieu_name"], arr["chef_lieu_kind"], strict=True)
    ]
    if layer.table == "territory":
        mem = members(q)
        mem = mem[(mem["wave"] == layer.wave) & (mem["territory_id"] == key)]
        out["members"] = [
            (s, k, str(n).strip())
            for s, k, n in mem[["siren", "kind", "name"]].itertuples(index=False)
        ]
    else:
        out["members"] = []
    out["main_departement"] = deps["departement"].iloc[0] if len(deps) else None
    dep_region = frame(q, "departement")["region"]
    out["region"] = dep_region.get(out["main_departement"]) if out["main_departement"] else None
    out["indicators"] = values_of_unit(q, layer_id, key)
    # a commune: the territory of each wave, EPCI ... that hold it (the panel links to them)
    out["units"] = commune_units(q, key) if layer.table == "commune" else []
    out["bounds"] = bounds(q, layer.shape, [key])
    return out


# the units a commune's panel names, in order: (layer id, label)
COMMUNE_UNITS = (
    ("ti2023", "Territoire d'industrie 2023-2027"),
    ("ti2018", "Territoire d'industrie 2018-2022"),
    ("epci", "Intercommunalité (EPCI)"),
    ("arrondissement", "Arrondissement"),
    ("departement", "Département"),
    ("region", "Région"),
)


def commune_units(q: Gateway, code: str) -> list[tuple[str, str, str | None, str | None]]:
    """The units that hold a commune, as ``(layer id, label, key, name)`` in the order of
    :data:`COMMUNE_UNITS`; key and name are None where it belongs to none (no territory of
    a wave)."""
    com = communes(q)
    row = com[com["code"] == code]
    if row.empty:
        return []
    row = row.iloc[0]
    tc = territory_communes(q)
    mine = tc[tc["commune_code"] == code]
    out = []
    for layer_id, label in COMMUNE_UNITS:
        layer = get_layer(layer_id)
        if layer.table == "territory":
            keys = mine.loc[mine["wave"] == layer.wave, "territory_id"].tolist()
            key = keys[0] if keys else None
        else:
            v = row[COMMUNE_COLUMN[layer.table]]
            key = None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        name = names(q, layer_id).get(key) if key is not None else None
        out.append((layer_id, label, key, None if name is None else str(name)))
    return out
