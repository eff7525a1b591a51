"""Overseas départements relocated as insets beside mainland France for national views.

Each département is projected in its own metric CRS, scaled into a box of fixed size and
placed west of the Bay of Biscay; the real geometry stays in the ``geom`` column. Placement is
done in Web Mercator, the projection of the web map, so the boxes stand upright on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely import affinity

from geo.crs import WGS84, metric_crs

WEB_MERCATOR = "EPSG:3857"


@dataclass(frozen=True)
class Inset:
    departement: str
    name: str
    lon: float  # centre of the inset box, WGS84
    lat: float
    size_km: float  # the longer side of the département fills this many km


INSETS = (
    Inset("971", "Guadeloupe", -6.9, 48.05, 120),
    Inset("972", "Martinique", -6.9, 46.85, 90),
    Inset("973", "Guyane", -6.9, 45.45, 150),
    Inset("974", "La Réunion", -6.9, 44.05, 100),
    Inset("976", "Mayotte", -6.9, 42.85, 70),
)
INSET_BY_DEP = {i.departement: i for i in INSETS}


def _mercator_stretch(lat: float) -> float:
    """Web Mercator metres per ground metre at a latitude."""
    return 1 / np.cos(np.radians(lat))


def _transform_for(inset: Inset, extent: tuple[float, float, float, float]):
    minx, miny, maxx, maxy = extent
    scale = inset.size_km * 1000 * _mercator_stretch(inset.lat) / max(maxx - minx, maxy - miny)
    to_merc = pyproj.Transformer.from_crs(WGS84, WEB_MERCATOR, always_xy=True)
    tx, ty = to_merc.transform(inset.lon, inset.lat)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    # x' = scale*x + (tx - scale*cx)
    return [scale, 0, 0, scale, tx - scale * cx, ty - scale * cy]


def relocate(
    gdf: gpd.GeoDataFrame, departement: str, extent: tuple[float, float, float, float] | None = None
) -> gpd.GeoSeries:
    """Geometries of one overseas département moved into its inset box (WGS84 in and out).

    ``extent`` is the département's bounds in its metric CRS; every layer must pass the same
    one so that communes, EPCI and territories of a département line up in the inset.
    """
    if gdf.crs is None:
        raise ValueError("expected a GeoDataFrame with a CRS, got crs=None")
    inset = INSET_BY_DEP.get(departement)
    if inset is None:
        raise KeyError(
            f"no inset for département {departement!r}; insets exist for {sorted(INSET_BY_DEP)}"
        )
    local = gdf.geometry.to_crs(metric_crs(departement))
    if extent is None:
        extent = tuple(local.total_bounds)
    matrix = _transform_for(inset, extent)
    moved = [None if g is None else affinity.affine_transform(g, matrix) for g in local.to_numpy()]
    return gpd.GeoSeries(moved, index=gdf.index, crs=WEB_MERCATOR).to_crs(WGS84)


def with_insets(
    gdf: gpd.GeoDataFrame,
    departement: gpd.pd.Series,
    extents: dict[str, tuple[float, float, float, float]],
) -> gpd.GeoSeries:
    """The whole layer with overseas rows relocated (mainland rows unchanged).

    ``departement`` gives each row's département; rows of overseas départements without an
    inset (collectivities) are left where they are.
    """
    out = gdf.geometry.copy()
    for dep in INSET_BY_DEP:
        mask = (departement == dep).to_numpy()
        if mask.any():
            out[mask] = relocate(gdf[mask], dep, extents.get(dep)).to_numpy()
    return out


def departement_extents(communes: gpd.GeoDataFrame, departement: gpd.pd.Series) -> dict:
    """Bounds of each overseas département in its metric CRS, computed from its communes."""
    ext = {}
    for dep in INSET_BY_DEP:
        mask = (departement == dep).to_numpy()
        if mask.any():
            ext[dep] = tuple(communes[mask].geometry.to_crs(metric_crs(dep)).total_bounds)
    return ext


def inset_frames() -> list[shapely.Polygon]:
    """Boxes drawn around the insets (WGS84), for the national map."""
    to_merc = pyproj.Transformer.from_crs(WGS84, WEB_MERCATOR, always_xy=True)
    to_wgs = pyproj.Transformer.from_crs(WEB_MERCATOR, WGS84, always_xy=True)
    boxes = []
    for i in INSETS:
        x, y = to_merc.transform(i.lon, i.lat)
        h = (i.size_km / 2 + 12) * 1000 * _mercator_stretch(i.lat)
        b = shapely.box(x - h, y - h, x + h, y + h)
        boxes.append(
            shapely.transform(b, lambda c: np.column_stack(to_wgs.transform(c[:, 0], c[:, 1])))
        )
    return boxes
