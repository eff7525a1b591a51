"""geo.dissolve: coverage cleaning and dissolves on hand-drawn unit squares (Lambert-93)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from geo.dissolve import clean_coverage, dissolve


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
