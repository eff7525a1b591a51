"""geo.insets: the overseas départements moved into their boxes beside mainland France."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.insets import (
    INSET_BY_DEP,
    INSETS,
    departement_extents,
    inset_frames,
    relocate,
    with_insets,
)


def l93_square_km(x0: float, y0: float, side_km: float) -> shapely.Polygon:
    return box(x0, y0, x0 + side_km * 1000, y0 + side_km * 1000)


def test_inset_moves_guadeloupe_beside_brittany():
    # a 10 km square in Guadeloupe (UTM 20N), stored in WGS84
    sqr = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries([l93_square_km(640_000, 1_780_000, 10)], crs="EPSG:5490").to_crs(
            4326
        ),
        crs=4326,
    )
    moved = relocate(sqr, "971").iloc[0]
    c = moved.centroid
    inset = INSET_BY_DEP["971"]
    assert c.x == pytest.approx(inset.lon, abs=0.05) and c.y == pytest.approx(inset.lat, abs=0.05)
    # the longer side now spans the inset size in ground km, the square stays square and upright
    # on the web map (Web Mercator)
    l93 = gpd.GeoSeries([moved], crs=4326).to_crs(2154).iloc[0]
    assert l93.area**0.5 / 1000 == pytest.approx(inset.size_km, rel=0.01)  # side in ground km
    merc = gpd.GeoSeries([moved], crs=4326).to_crs(3857).iloc[0]
    assert merc.area / merc.envelope.area == pytest.approx(1.0, abs=1e-6)


def test_points_follow_their_departement_into_the_inset():
    """What the build does for ``arrondissement.chef_lieu_geom_inset``: a chef-lieu point moved
    with the extent of its département's communes lands in its inset frame; a mainland one stays."""
    commune = gpd.GeoDataFrame(
        geometry=gpd.GeoSeries([l93_square_km(640_000, 1_780_000, 10)], crs="EPSG:5490").to_crs(
            4326
        ),
        crs=4326,
    )
    extents = departement_extents(commune, pd.Series(["971"]))
    chef_lieu = commune.geometry.iloc[0].centroid  # 5 km inside the square
    rouen = shapely.Point(1.0993, 49.4431)
    points = gpd.GeoDataFrame(geometry=[chef_lieu, rouen], crs=4326)
    moved = with_insets(points, pd.Series(["971", "76"]), extents)
    frame_971 = inset_frames()[[i.departement for i in INSETS].index("971")]
    assert frame_971.contains(moved.iloc[0])
    # the centre of the only commune is the centre of the inset box
    assert moved.iloc[0].x == pytest.approx(INSET_BY_DEP["971"].lon, abs=1e-4)
    assert moved.iloc[0].y == pytest.approx(INSET_BY_DEP["971"].lat, abs=1e-4)
    assert moved.iloc[1].equals(rouen)


def test_inset_unknown_departement():
    g = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=4326)
    with pytest.raises(KeyError, match="971"):
        relocate(g, "75")
