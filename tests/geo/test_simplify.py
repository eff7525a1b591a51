"""geo.simplify: coverage-aware simplification and coordinates on the grid of each level."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.simplify import LEVELS, Level, round_coordinates, simplify_layer


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


def test_round_coordinates_to_the_grid_of_each_level():
    g = np.array([shapely.Point(1.123456789, 2.987654321)])
    got = {lv.name: round_coordinates(g, lv.grid)[0] for lv in LEVELS}
    assert got["fine"].equals(shapely.Point(1.12346, 2.98765))  # ~1 m
    assert got["medium"].equals(shapely.Point(1.1235, 2.9877))  # ~10 m
    assert got["coarse"].equals(shapely.Point(1.123, 2.988))  # ~100 m


def test_rounding_keeps_a_valid_polygon_valid():
    # a 1 x 1 square with a notch 0.0008 wide cut down from its top edge: rounding to 0.001
    # closes the notch onto itself (a self-touching ring); the topology-safe snap removes it
    notched = shapely.Polygon(
        [(0, 0), (1, 0), (1, 1), (0.5004, 1), (0.5004, 0.3), (0.4996, 0.3), (0.4996, 1), (0, 1)]
    )
    assert notched.is_valid
    [naive] = round_coordinates(np.array([notched]), 0.001)
    assert not naive.is_valid
    [out] = round_coordinates(np.array([notched]), 0.001, keep_valid=True)
    assert out.is_valid and out.area == pytest.approx(1.0)
    coords = shapely.get_coordinates(out)
    assert np.allclose(coords * 1000, np.round(coords * 1000))  # every vertex on the grid
