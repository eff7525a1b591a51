"""Display layers written for the browser: GeoJSON FeatureCollections and their Geobuf encoding.

The one writer of FeatureCollections of the project: the build encodes whole display layers
with it, the dashboard the subsets a filter asks for. Geometry arrives as GeoJSON text (from
``shapely.to_geojson`` or DuckDB's ``ST_AsGeoJSON``), so no geometry is parsed to be written.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping

EMPTY = b'{"type":"FeatureCollection","features":[]}'
GZIP_LEVEL = 6


def feature_collection(features: Iterable[tuple[Mapping, str | None]]) -> bytes:
    """A FeatureCollection (UTF-8 bytes) from ``(properties, geometry as GeoJSON text)`` pairs.

    Features without geometry (None or empty text) are left out; properties are written with
    ``json.dumps`` (text stays text, whatever it holds).
    """
    parts = []
    for props, geometry in features:
        if not geometry:
            continue
        p = json.dumps(dict(props), ensure_ascii=False, separators=(",", ":"))
        parts.append('{"type":"Feature","properties":' + p + ',"geometry":' + geometry + "}")
    return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode()


def to_geobuf(collection: bytes, precision: int) -> bytes:
    """The Geobuf encoding of a FeatureCollection (delta-encoded protobuf, ``precision`` decimals),
    which dash-leaflet reads with ``format="geobuf"``; less than half the bytes of gzip GeoJSON."""
    import geobuf

    if precision < 0 or precision > 8:
        raise ValueError(f"precision must be 0-8 decimals, got {precision}")
    return geobuf.encode(json.loads(collection), precision)


def from_geobuf(body: bytes) -> dict:
    """A Geobuf body back to a GeoJSON dict (for people and tests)."""
    import geobuf

    return geobuf.decode(body)


def gzipped(body: bytes) -> bytes:
    """``body`` gzip-compressed at the level every stored and served layer uses."""
    return gzip.compress(body, GZIP_LEVEL, mtime=0)
