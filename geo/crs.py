"""Coordinate reference systems: WGS84 for storage and display, a metric CRS fit for each place."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

# Official metric projections of the overseas départements (and collectivities that are
# on the same grids); everything else in mainland France and Corsica is on Lambert-93.
_OVERSEAS = {
    "971": "EPSG:5490",  # Guadeloupe, RGAF09 / UTM 20N
    "972": "EPSG:5490",  # Martinique, RGAF09 / UTM 20N
    "973": "EPSG:2972",  # Guyane, RGFG95 / UTM 22N
    "974": "EPSG:2975",  # La Réunion, RGR92 / UTM 40S
    "976": "EPSG:4471",  # Mayotte, RGM04 / UTM 38S
    "975": "EPSG:4467",  # Saint-Pierre-et-Miquelon, RGSPM06 / UTM 21N
    "977": "EPSG:5490",  # Saint-Barthélemy
    "978": "EPSG:5490",  # Saint-Martin
}

OVERSEAS_DEPARTEMENTS = ("971", "972", "973", "974", "976")


def departement_of_commune(code: str) -> str:
    """Département code of a commune code ('01001' -> '01', '97105' -> '971', '2A004' -> '2A')."""
    return code[:3] if code.startswith("97") or code.startswith("98") else code[:2]


def metric_crs(departement: str | None, lon: float | None = None, lat: float | None = None) -> str:
    """Metric CRS for a département code; a UTM zone from (lon, lat) for places not listed.

    >>> metric_crs("35"), metric_crs("974")
    ('EPSG:2154', 'EPSG:2975')
    """
    if departement in _OVERSEAS:
        return _OVERSEAS[departement]
    if departement is not None and not departement.startswith("98"):
        return LAMBERT93
    if lon is None or lat is None:
        raise ValueError(f"no metric CRS known for département {departement!r} without a position")
    zone = int((lon + 180) // 6) + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def areas_km2(gdf: gpd.GeoDataFrame, departement: pd.Series | str) -> pd.Series:
    """Area of each geometry in km², measured in the metric CRS of its département.

    Parameters
    ----------
    gdf : GeoDataFrame with a CRS (WGS84 expected)
    departement : the département code of each row (or one code for all rows)
    """
    if gdf.crs is None:
        raise ValueError("expected a GeoDataFrame with a CRS, got crs=None")
    deps = pd.Series(departement, index=gdf.index) if isinstance(departement, str) else departement
    out = pd.Series(np.nan, index=gdf.index, dtype="float64")
    valid = gdf.geometry.notna() & ~gdf.geometry.is_empty
    if not valid.any():
        return out
    sub = deps[valid]
    # a position is needed only where the département has no CRS of its own (collectivities)
    needs_pos = sub.isna() | sub.astype(str).str.startswith("98")
    pos = gdf.loc[needs_pos[needs_pos].index].geometry.representative_point()
    # one look-up per département (35,000 communes, about 100 départements)
    known = sub[~needs_pos]
    crs_of = known.map({d: metric_crs(d) for d in known.unique()})
    if len(pos):
        placed = pd.Series(
            [metric_crs(sub[i], p.x, p.y) for i, p in pos.items()], index=pos.index, dtype=object
        )
        crs_of = pd.concat([crs_of, placed]).reindex(sub.index)
    for crs, idx in crs_of.groupby(crs_of).groups.items():
        out.loc[idx] = gdf.loc[idx].geometry.to_crs(crs).area / 1e6
    return out
