"""Geometry checks: validity and agreement with a reference polygon."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import metric_crs


def invalid_reasons(geoms: gpd.GeoSeries) -> pd.Series:
    """Reason for each invalid geometry (index kept), empty when all are valid."""
    arr = geoms.to_numpy()
    bad = ~shapely.is_valid(arr) & ~shapely.is_missing(arr)
    return pd.Series(shapely.is_valid_reason(arr[bad]), index=geoms.index[bad], dtype=object)


def overlap_ratio(
    ours: gpd.GeoSeries, reference: gpd.GeoSeries, departement: pd.Series
) -> pd.Series:
    """Intersection over union of two aligned series of polygons, in each row's metric CRS.

    1.0 means identical footprints, 0 disjoint; NaN where either side is missing or the
    reference is not a polygon.
    """
    if ours.crs is None or reference.crs is None:
        raise ValueError("expected GeoSeries with a CRS on both sides")
    ref = reference.reindex(ours.index)
    out = pd.Series(np.nan, index=ours.index)
    polygonal = ref.geom_type.isin(["Polygon", "MultiPolygon"])
    ok = ours.notna() & ref.notna() & polygonal
    if not ok.any():
        return out
    rp = ours[ok].representative_point()
    crs_of = pd.Series(
        [metric_crs(departement[i], p.x, p.y) for i, p in rp.items()], index=rp.index
    )
    for crs, idx in crs_of.groupby(crs_of).groups.items():
        pa = ours[idx].to_crs(crs).to_numpy()
        pb = shapely.make_valid(ref[idx].to_crs(crs).to_numpy())
        # shapely releases the GIL: two threads use both cores on the overlays
        chunks = np.array_split(np.arange(len(pa)), 2)
        with ThreadPoolExecutor(2) as ex:
            parts = list(
                ex.map(
                    lambda ix, a=pa, b=pb: shapely.area(shapely.intersection(a[ix], b[ix])), chunks
                )
            )
        inter = np.concatenate(parts)
        union = shapely.area(pa) + shapely.area(pb) - inter
        out[idx] = np.where(union > 0, inter / np.where(union > 0, union, 1), np.nan)
    return out
