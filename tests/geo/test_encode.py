"""The one FeatureCollection writer and its Geobuf encoding, on hand-written features."""

from __future__ import annotations

import gzip
import json

import pytest

from geo.encode import EMPTY, feature_collection, from_geobuf, gzipped, to_geobuf

SQUARE = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'


def test_features_without_geometry_are_left_out_and_names_stay_text():
    hostile = '</script><img src=x onerror=alert(1)> "quoted"'
    body = feature_collection(
        [({"key": "a", "name": hostile}, SQUARE), ({"key": "b"}, None), ({"key": "c"}, "")]
    )
    doc = json.loads(body)
    assert [f["properties"]["key"] for f in doc["features"]] == ["a"]
    assert doc["features"][0]["properties"]["name"] == hostile
    assert doc["features"][0]["geometry"]["coordinates"][0][2] == [1, 1]


def test_empty_collection():
    assert (
        json.loads(feature_collection([]))
        == json.loads(EMPTY)
        == {"type": "FeatureCollection", "features": []}
    )


def test_geobuf_round_trip_keeps_three_decimals():
    geom = '{"type":"Point","coordinates":[2.123456,48.987654]}'
    doc = from_geobuf(to_geobuf(feature_collection([({"key": "p", "name": "Paris"}, geom)]), 3))
    assert doc["features"][0]["geometry"]["coordinates"] == [2.123, 48.988]
    assert doc["features"][0]["properties"] == {"key": "p", "name": "Paris"}


def test_precision_is_checked():
    with pytest.raises(ValueError, match="precision"):
        to_geobuf(EMPTY, 12)


def test_gzip_is_reproducible():
    body = feature_collection([({"key": "a"}, SQUARE)])
    assert gzipped(body) == gzipped(body) and gzip.decompress(gzipped(body)) == body
