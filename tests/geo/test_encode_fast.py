"""The numpy delta-encoding of ``geo.encode.to_geobuf`` writes the bytes of the geobuf package."""

from __future__ import annotations

import json

import geobuf
import pytest

from geo.encode import feature_collection, features_to_geobuf, to_geobuf

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
