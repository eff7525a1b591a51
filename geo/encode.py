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
    which dash-leaflet reads with ``format="geobuf"``; less than half the bytes of gzip GeoJSON.

    The bytes of ``geobuf.encode``, the coordinates of each ring delta-encoded with numpy rather
    than one Python step per number (the 35,000 communes: ~5 s -> well under 1 s).
    """
    if precision < 0 or precision > 8:
        raise ValueError(f"precision must be 0-8 decimals, got {precision}")
    return _encoder().encode(json.loads(collection), precision)


def features_to_geobuf(features: Iterable[tuple[Mapping, str | None]], precision: int) -> bytes:
    """:func:`to_geobuf` of :func:`feature_collection` ``(features)``, the same bytes, without
    writing the collection as text to parse it again (the build's whole layers)."""
    if precision < 0 or precision > 8:
        raise ValueError(f"precision must be 0-8 decimals, got {precision}")
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": dict(props), "geometry": json.loads(geometry)}
            for props, geometry in features
            if geometry
        ],
    }
    return _encoder().encode(doc, precision)


def _encoder():
    import geobuf
    import numpy as np

    class Encoder(geobuf.Encoder):
        """geobuf's encoder with the coordinates of a FeatureCollection delta-encoded at once.

        geobuf writes each ring as ``n = round(p * e) - (sum of the previous n)``: the deltas of
        the rounded coordinates, the first one absolute. Its rings are queued while the
        collection is walked, then rounded (``np.rint`` rounds half to even like ``round``)
        and differenced together, one ``extend`` per geometry.
        """

        _queue: list | None = None

        def add_line(self, coords, points, is_closed=False):
            if self._queue is None:
                return super().add_line(coords, points, is_closed)
            self._queue.append((coords, points, len(points) - int(is_closed)))

        def encode_feature_collection(self, feature_collection, feature_collection_json):
            self._queue = []
            super().encode_feature_collection(feature_collection, feature_collection_json)
            queue, self._queue = self._queue, None
            if not queue:
                return
            sizes = np.fromiter((n for _, _, n in queue), np.int64, len(queue))
            try:
                pts = np.array([p for _, points, n in queue for p in points[:n]], np.float64)
                if pts.ndim != 2 or pts.shape[1] != self.dim:
                    raise ValueError("points of another dimension")
            except ValueError:  # 3-D points, or mixed: geobuf's own loop, ring by ring
                for coords, points, n in queue:
                    super().add_line(coords, points[: n + 1], n < len(points))
                return
            ints = np.rint(pts * self.e).astype(np.int64)
            deltas = np.diff(ints, axis=0, prepend=np.zeros((1, self.dim), np.int64))
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            deltas[starts[sizes > 0]] = ints[starts[sizes > 0]]  # each ring starts absolute
            flat = deltas.ravel()
            # consecutive rings of one geometry go into its coords with one extend
            bounds = np.concatenate(([0], np.cumsum(sizes))) * self.dim
            i = 0
            while i < len(queue):
                j = i
                while j + 1 < len(queue) and queue[j + 1][0] is queue[i][0]:
                    j += 1
                queue[i][0].extend(flat[bounds[i] : bounds[j + 1]].tolist())
                i = j + 1

    return Encoder()


def from_geobuf(body: bytes) -> dict:
    """A Geobuf body back to a GeoJSON dict (for people and tests)."""
    import geobuf

    return geobuf.decode(body)


def gzipped(body: bytes) -> bytes:
    """``body`` gzip-compressed at the level every stored and served layer uses."""
    return gzip.compress(body, GZIP_LEVEL, mtime=0)
