"""geo.crs: a metric CRS fit for each place, areas measured in it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.crs import areas_km2, departement_of_commune, metric_crs


def l93_square_km(x0: float, y0: float, side_km: float) -> shapely.Polygon:
    return box(x0, y0, x0 + side_km * 1000, y0 + side_km * 1000)


def test_metric_crs_by_place():
    assert metric_crs("76") == "EPSG:2154"
    assert metric_crs("2A") == "EPSG:2154"
    assert metric_crs("971") == "EPSG:5490"
    assert metric_crs("973") == "EPSG:2972"
    assert metric_crs("974") == "EPSG:2975"
    assert metric_crs("976") == "EPSG:4471"
    # Nouvelle-Calédonie, lon 166 E, lat 21 S -> UTM 58 S
    assert metric_crs("988", 166.4, -21.5) == "EPSG:32758"
    with pytest.raises(ValueError, match="988"):
        metric_crs("988")


def test_departement_of_commune():
    assert departement_of_commune("76540") == "76"
    assert departement_of_commune("97105") == "971"
    assert departement_of_commune("2A004") == "2A"


def test_areas_in_lambert93_and_local_crs():
    # a 2 km x 3 km rectangle drawn in Lambert-93, stored in WGS84: 6 km²
    rect = gpd.GeoSeries([box(650_000, 6_860_000, 652_000, 6_863_000)], crs="EPSG:2154").to_crs(
        4326
    )
    # a 1 km square in Réunion's UTM 40S, stored in WGS84: 1 km²
    reu = gpd.GeoSeries([box(340_000, 7_660_000, 341_000, 7_661_000)], crs="EPSG:2975").to_crs(4326)
    gdf = gpd.GeoDataFrame(geometry=pd.concat([rect, reu], ignore_index=True), crs=4326)
    a = areas_km2(gdf, pd.Series(["75", "974"]))
    assert a[0] == pytest.approx(6.0, rel=1e-6)
    assert a[1] == pytest.approx(1.0, rel=1e-6)


def test_areas_reject_missing_crs():
    with pytest.raises(ValueError, match="CRS"):
        areas_km2(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), "75")
