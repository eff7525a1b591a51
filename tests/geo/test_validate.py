"""geo.validate: invalid geometries named with their reason, overlap with a reference polygon."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.validate import invalid_reasons, overlap_ratio


def l93_square_km(x0: float, y0: float, side_km: float) -> shapely.Polygon:
    return box(x0, y0, x0 + side_km * 1000, y0 + side_km * 1000)


def test_overlap_ratio():
    a = gpd.GeoSeries(
        [
            l93_square_km(650_000, 6_860_000, 1),
            l93_square_km(650_000, 6_860_000, 1),
            l93_square_km(650_000, 6_860_000, 1),
        ],
        index=["same", "half", "point"],
        crs=2154,
    ).to_crs(4326)
    b = gpd.GeoSeries(
        [
            l93_square_km(650_000, 6_860_000, 1),
            box(650_500, 6_860_000, 651_500, 6_861_000),
            shapely.Point(650_500, 6_860_500),
        ],
        index=["same", "half", "point"],
        crs=2154,
    ).to_crs(4326)
    r = overlap_ratio(a, b, pd.Series("75", index=a.index))
    assert r["same"] == pytest.approx(1.0, abs=1e-9)
    assert r["half"] == pytest.approx(1 / 3, abs=1e-3)  # 0.5 shared / 1.5 union
    assert np.isnan(r["point"])  # a point is no reference for a polygon


def test_invalid_reasons():
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    s = gpd.GeoSeries([box(0, 0, 1, 1), bowtie, None], crs=4326)
    r = invalid_reasons(s)
    assert list(r.index) == [1] and "Self-intersection" in r[1]
