"""Display versions of a layer: coverage-aware simplification, so neighbours keep one border."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely


@dataclass(frozen=True)
class Level:
    """A display level: simplification tolerance and coordinate grid, both in degrees.

    ``keep_valid``: the grid is coarse enough (about 100 m) for rounding to collapse slivers, so
    a polygon that rounding would make invalid is snapped to the grid topology-safely instead
    (see :func:`round_coordinates`).
    """

    name: str
    tolerance: float
    grid: float
    keep_valid: bool = False


# The source polygons are already generalised (~31 points a commune): "fine" keeps them and
# only rounds coordinates to ~1 m; "medium" (~200 m) serves regional views, "coarse" (~800 m)
# the national one. Each grid is the display precision of its level (what the browser
# receives): 3 decimals (~100 m) lose nothing visible after an 800 m simplification.
LEVELS = (
    Level("fine", 0.0, 0.00001),
    Level("medium", 0.002, 0.0001),
    Level("coarse", 0.008, 0.001, keep_valid=True),
)

# The national view on screen (France across ~700 px: ~1.5 km a pixel, less on a phone): the
# coarse level simplified again to about a pixel (half its points), which the map draws until
# it is zoomed in past that scale; exports and every other view keep the coarse level.
NATIONAL = Level("national", 0.016, 0.001, keep_valid=True)

# Communes: the source is already generalised to about the "medium" detail, so that level only
# rounds coordinates (35,000 polygons: simplifying them again would cost seconds for nothing).
COMMUNE_LEVELS = (Level("medium", 0.0, 0.0001), LEVELS[2])


def round_coordinates(geoms: np.ndarray, grid: float, *, keep_valid: bool = False) -> np.ndarray:
    """Coordinates rounded to ``grid`` (display only: cheaper than a topology-safe snap).

    With ``keep_valid``, a polygon that rounding makes invalid (a sliver narrower than the grid
    collapsing onto itself) is snapped to the grid topology-safely instead (GEOS
    ``set_precision``): its coordinates are on the grid all the same, and a display geometry
    that was valid stays valid for the spatial functions that read it. (The check costs about
    10 µs a polygon: the levels whose grid is fine enough skip it.)
    """
    decimals = max(0, int(round(-np.log10(grid))))
    geoms = np.asarray(geoms)
    out = shapely.transform(geoms, lambda c: np.round(c, decimals))
    if not keep_valid:
        return out
    broken = np.flatnonzero(~shapely.is_valid(out) & ~shapely.is_missing(out))
    broken = broken[shapely.is_valid(geoms[broken])]  # only what rounding broke
    if len(broken):
        out[broken] = shapely.set_precision(geoms[broken], grid)
    return out


def simplify_layer(gdf: gpd.GeoDataFrame, level: Level) -> gpd.GeoSeries:
    """Simplify every polygon of a layer together, keeping shared borders shared.

    The layer should be a coverage (units that tile without overlap). Coordinates are then
    snapped to ``level.grid``; empty results (tiny islands) fall back to the unsimplified
    shape rounded to the grid.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"expected GeoDataFrame, got {type(gdf).__name__}")
    out = simplify_array(gdf.geometry.to_numpy(), level)
    return gpd.GeoSeries(out, index=gdf.index, crs=gdf.crs)


def simplify_array(geoms: np.ndarray, level: Level) -> np.ndarray:
    """:func:`simplify_layer` over an array of geometries (missing ones stay missing)."""
    geoms = np.asarray(geoms, dtype=object)
    has = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out = np.array(geoms, dtype=object)
    if has.any():
        simp = geoms[has]
        if level.tolerance > 0:
            try:
                simp = shapely.coverage_simplify(simp, level.tolerance)
            except shapely.errors.GEOSException:
                simp = shapely.simplify(simp, level.tolerance, preserve_topology=True)
        simp = round_coordinates(simp, level.grid, keep_valid=level.keep_valid)
        bad = shapely.is_empty(simp)
        if bad.any():
            simp[bad] = round_coordinates(geoms[has][bad], level.grid, keep_valid=level.keep_valid)
        out[has] = simp
    return out
