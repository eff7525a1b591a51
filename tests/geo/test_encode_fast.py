"""The numpy delta-encoding of ``geo.encode.to_geobuf`` writes the bytes of the geobuf package."""

from __future__ import annotations

import json

import geobuf
import numpy as np
import pytest
import shapely

from geo.encode import feature_collection, features_to_geobuf, polygons_to_geobuf, to_geobuf

RING = [[1.0, 2.0], [1.5, 2.0], [1.5, 2.5], [1.0, 2.0]]


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [2.35, 48.85]},
        {"type": "LineString", "coordinates": [[0.1234, 45.0005], [0.2, 45.0015], [-0.3, 44.9]]},
        {"type": "Polygon", "coordinates": [RING]},
        # two rings (a hole), and a multipolygon: the lengths come before the coordinates
        {
            "type": "Polygon",
            "coordinates": [RING, [[1.1, 2.1], [1.2, 2.1], [1.2, 2.2], [1.1, 2.1]]],
        },
        {"type": "MultiPolygon", "coordinates": [[RING], [[[5, 5], [6, 5], [6, 6], [5, 5]]]]},
        # halves: both round half to even (0.0005 * 1000 = 0.5 -> 0; 0.0015 -> 2)
        {"type": "LineString", "coordinates": [[0.0005, 0.0015], [0.0025, -0.0005]]},
    ],
)
@pytest.mark.parametrize("precision", [3, 4, 6])
def test_same_bytes_as_the_geobuf_package(geometry, precision):
    fc = feature_collection([({"key": "a", "name": "Évreux"}, json.dumps(geometry))])
    assert to_geobuf(fc, precision) == geobuf.encode(json.loads(fc), precision)


def test_decodes_to_the_rounded_coordinates():
    fc = feature_collection(
        [({"key": "k"}, json.dumps({"type": "Polygon", "coordinates": [RING]}))]
    )
    back = geobuf.decode(to_geobuf(fc, 3))
    assert back["features"][0]["geometry"]["coordinates"] == [RING]


def test_points_of_three_dimensions_keep_geobufs_own_encoding():
    geom = {"type": "LineString", "coordinates": [[0.1, 0.2, 5.0], [0.3, 0.4, 6.0]]}
    fc = feature_collection([({"key": "z"}, json.dumps(geom))])
    assert to_geobuf(fc, 4) == geobuf.encode(json.loads(fc), 4)


def test_features_straight_to_geobuf_are_the_same_bytes():
    feats = [
        (
            {"key": "a", "name": "Évreux <b>"},
            json.dumps({"type": "Polygon", "coordinates": [RING]}),
        ),
        ({"key": "b"}, None),  # no geometry: left out, like feature_collection does
        ({"key": "c", "n": 3}, json.dumps({"type": "Point", "coordinates": [1.23456, 2.5]})),
    ]
    assert features_to_geobuf(feats, 4) == to_geobuf(feature_collection(feats), 4)
    with pytest.raises(ValueError, match="0-8 decimals"):
        features_to_geobuf(feats, 9)


def test_polygons_straight_from_shapely_are_the_same_bytes():
    hole = [(1.1, 2.1), (1.2, 2.1), (1.2, 2.2), (1.1, 2.1)]
    far = [(5.0, 5.0), (6.0, 5.0), (6.0, 6.0), (5.0, 5.0)]
    geoms = [
        shapely.Polygon(RING),
        shapely.Polygon(RING, [hole]),  # two rings: lengths written
        None,  # no geometry: left out
        shapely.MultiPolygon([shapely.Polygon(far)]),  # one part, one ring: no lengths
        shapely.MultiPolygon([shapely.Polygon(RING, [hole]), shapely.Polygon(far)]),
        # large coordinates: varints of several bytes
        shapely.Polygon([(-170.12345, -80.5), (170.5, -80.5), (170.5, 80.25), (-170.12345, -80.5)]),
    ]
    props = [{"key": f"k{i}", "name": "Évreux" if i % 2 else ""} for i in range(len(geoms))]
    texts = [None if g is None else shapely.to_geojson(g) for g in geoms]
    for precision in (3, 4, 6):
        expected = features_to_geobuf(zip(props, texts, strict=True), precision)
        assert polygons_to_geobuf(props, np.array(geoms, dtype=object), precision) == expected


def test_polygons_of_other_kinds_take_the_geojson_way():
    geoms = np.array([shapely.Point(1.5, 2.5), shapely.Polygon(RING)], dtype=object)
    props = [{"key": "a", "n": 3}, {"key": "b", "n": 4}]
    texts = shapely.to_geojson(geoms)
    assert polygons_to_geobuf(props, geoms, 4) == features_to_geobuf(
        zip(props, texts, strict=True), 4
    )
    with pytest.raises(ValueError, match="0-8 decimals"):
        polygons_to_geobuf(props, geoms, 9)
    with pytest.raises(ValueError, match="one properties mapping a geometry"):
        polygons_to_geobuf(props[:1], geoms, 4)
