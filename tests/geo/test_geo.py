"""Unit tests of geo/ on small hand-built geometries with an explicit CRS."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from geo.crs import areas_km2, departement_of_commune, metric_crs
from geo.dissolve import clean_coverage, dissolve
from geo.insets import (
    INSET_BY_DEP,
    INSETS,
    departement_extents,
    inset_frames,
    relocate,
    with_insets,
)
from geo.simplify import LEVELS, Level, geojson_bytes, round_coordinates, simplify_layer
from geo.validate import invalid_reasons, overlap_ratio


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


def grid(overlap: float = 0.0) -> gpd.GeoDataFrame:
    """Four unit squares, A B on the bottom row, C D on top; A reaches ``overlap`` into B."""
    geoms = [box(0, 0, 1 + overlap, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)]
    return gpd.GeoDataFrame(
        {"code": list("ABCD"), "grp": ["x", "x", "y", "y"], "pop": [1, 2, 3, 4]},
        geometry=geoms,
        crs="EPSG:2154",
    )


def test_clean_coverage_removes_overlap():
    g = grid(overlap=0.1)
    assert not shapely.coverage_is_valid(g.geometry.to_numpy())
    res = clean_coverage(g)
    # A and B overlap; C and D no longer match A's top edge vertex for vertex
    assert res.invalid_before == 3
    assert shapely.coverage_is_valid(res.frame.geometry.to_numpy())
    # total area unchanged (the overlap went to one side), and no polygon lost
    assert res.frame.geometry.area.sum() == pytest.approx(4.0)


def test_clean_coverage_leaves_a_clean_layer_alone():
    res = clean_coverage(grid())
    assert (res.invalid_before, res.cleaned) == (0, 0)


def test_clean_coverage_type_error():
    with pytest.raises(TypeError, match="expected GeoDataFrame, got list"):
        clean_coverage([box(0, 0, 1, 1)])


def test_dissolve_groups_and_aggregates():
    res = dissolve(grid(), "grp", aggfunc={"pop": "sum", "code": "count"})
    fr = res.frame
    assert list(fr.index) == ["x", "y"]
    assert fr.loc["x", "pop"] == 3 and fr.loc["y", "code"] == 2
    assert fr.loc["x"].geometry.equals(box(0, 0, 2, 1))
    assert fr.crs == "EPSG:2154"
    assert res.full_unions == 0


def test_dissolve_fills_sliver_holes_but_keeps_enclaves():
    # a ring of 8 squares around a centre; with the centre commune present, the hole is an
    # enclave (kept); without it, it is a gap left by simplification (filled)
    ring = [box(i, j, i + 1, j + 1) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    centre = box(1.2, 1.2, 1.8, 1.8)  # not touching: a gap around it
    gdf = gpd.GeoDataFrame({"grp": ["r"] * 8 + ["c"]}, geometry=ring + [centre], crs=2154)
    kept = dissolve(gdf, "grp").frame
    assert shapely.get_num_interior_rings(kept.loc["r"].geometry) == 1
    only_ring = gdf[gdf.grp == "r"]
    filled = dissolve(only_ring, "grp")
    assert filled.holes_filled == 1
    assert filled.frame.loc["r"].geometry.equals(box(0, 0, 3, 3))
    # the ring alone, but told about every unit of the layer: the centre is an enclave, kept
    enclave = dissolve(
        only_ring, "grp", hole_points=shapely.point_on_surface(gdf.geometry.to_numpy())
    )
    assert enclave.holes_filled == 0 and enclave.holes_kept == 1


def test_dissolve_unknown_column():
    with pytest.raises(KeyError, match="nope"):
        dissolve(grid(), "nope")


def wiggly_pair() -> gpd.GeoDataFrame:
    """Two polygons sharing a wiggly border of 200 vertices."""
    ys = np.linspace(0, 1, 200)
    xs = 1 + 0.002 * np.sin(ys * 60)
    border = list(zip(xs, ys, strict=True))
    left = shapely.Polygon([(0, 0), *border, (0, 1)])
    right = shapely.Polygon([(2, 0), (2, 1), *border[::-1]])
    return gpd.GeoDataFrame({"k": ["L", "R"]}, geometry=[left, right], crs=4326)


def test_simplify_keeps_shared_border():
    pair = wiggly_pair()
    simp = simplify_layer(pair, Level("t", 0.01, 0.0001))
    assert shapely.get_num_coordinates(simp.to_numpy()).sum() < 60  # from 406
    left, right = simp
    assert left.intersection(right).area == pytest.approx(0.0, abs=1e-12)  # no overlap
    assert left.union(right).area == pytest.approx(2.0, abs=1e-3)  # no gap
    assert shapely.coverage_is_valid(simp.to_numpy())


def test_round_coordinates_and_levels():
    g = np.array([shapely.Point(1.123456789, 2.987654321)])
    assert round_coordinates(g, 0.0001)[0].equals(shapely.Point(1.1235, 2.9877))
    assert [lv.name for lv in LEVELS] == ["fine", "medium", "coarse"]
    assert LEVELS[0].tolerance == 0 and LEVELS[1].tolerance < LEVELS[2].tolerance


def test_rounding_keeps_a_valid_polygon_valid():
    # a 1 x 1 square with a notch 0.0008 wide cut down from its top edge: rounding to 0.001
    # closes the notch onto itself (a self-touching ring); the topology-safe snap removes it
    notched = shapely.Polygon(
        [(0, 0), (1, 0), (1, 1), (0.5004, 1), (0.5004, 0.3), (0.4996, 0.3), (0.4996, 1), (0, 1)]
    )
    assert notched.is_valid
    naive = shapely.transform(notched, lambda c: np.round(c, 3))
    assert not naive.is_valid
    [out] = round_coordinates(np.array([notched]), 0.001)
    assert out.is_valid and out.area == pytest.approx(1.0)
    coords = shapely.get_coordinates(out)
    assert np.allclose(coords * 1000, np.round(coords * 1000))  # every vertex on the grid


def test_geojson_bytes_counts_compact_json():
    s = gpd.GeoSeries([shapely.Point(1, 2), None], crs=4326)
    assert geojson_bytes(s) == len('{"type":"Point","coordinates":[1.0,2.0]}')


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
