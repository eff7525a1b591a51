"""Display layers written for the browser: GeoJSON FeatureCollections and their Geobuf encoding.

The one writer of FeatureCollections of the project: the build encodes whole display layers
with it, the dashboard the subsets a filter asks for. Geometry arrives as GeoJSON text (from
``shapely.to_geojson`` or DuckDB's ``ST_AsGeoJSON``), so no geometry is parsed to be written.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import shapely

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


def polygons_to_geobuf(
    properties: Sequence[Mapping[str, str]], geometries: np.ndarray, precision: int
) -> bytes:
    """:func:`features_to_geobuf` of polygons given as shapely geometries: the same bytes,
    written by numpy without GeoJSON text in between (35,000 communes: ~1.5 s -> ~0.15 s).

    ``properties[i]`` (text values only) goes with ``geometries[i]``; features whose geometry
    is missing are left out. Any other kind of geometry or property value goes through
    :func:`features_to_geobuf`.
    """
    if precision < 0 or precision > 8:
        raise ValueError(f"precision must be 0-8 decimals, got {precision}")
    geoms = np.asarray(geometries, dtype=object)
    if len(properties) != len(geoms):
        raise ValueError(
            f"expected one properties mapping a geometry, got {len(properties)} "
            f"for {len(geoms)} geometries"
        )
    keep = ~shapely.is_missing(geoms)
    props = [p for p, k in zip(properties, keep, strict=True) if k]
    geoms = geoms[keep]
    types = shapely.get_type_id(geoms)
    polygonal = np.isin(types, (3, 6)) & ~shapely.is_empty(geoms)  # Polygon, MultiPolygon
    if not polygonal.all() or not all(isinstance(v, str) for p in props for v in p.values()):
        texts = shapely.to_geojson(geoms)
        return features_to_geobuf(zip(props, texts, strict=True), precision)
    return _Polygons(props, geoms, types == 6, precision).encode()


class _Polygons:
    """The protobuf of geobuf's ``Data`` message for a FeatureCollection of polygons, written as
    the ``protobuf`` package serialises it (fields in number order, packed repeated numbers).

    Per feature: ``geometry`` (1: ``type`` 1, ``lengths`` 2, ``coords`` 3 as zigzag varints,
    each ring without its closing point, its first point absolute and the others as deltas),
    ``values`` (13: one string value per property) and ``properties`` (14: key index, value
    index pairs); the keys, in the order they first appear, lead the message.
    """

    def __init__(self, props, geoms: np.ndarray, multi: np.ndarray, precision: int) -> None:
        self.props, self.geoms, self.multi, self.precision = props, geoms, multi, precision

    def encode(self) -> bytes:
        polys, owner = shapely.get_parts(self.geoms, return_index=True)
        n_rings = shapely.get_num_interior_rings(polys) + 1
        rings = shapely.get_rings(polys)
        # every ring's coordinates, its closing point dropped, rounded to the grid
        coords, ring_of = shapely.get_coordinates(rings, return_index=True)
        sizes = np.bincount(ring_of, minlength=len(rings))
        last = np.cumsum(sizes) - 1
        keep = np.ones(len(coords), bool)
        keep[last] = False
        ints = np.rint(coords[keep] * float(10**self.precision)).astype(np.int64)
        sizes = sizes - 1
        deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), np.int64))
        starts = np.cumsum(sizes) - sizes
        deltas[starts[sizes > 0]] = ints[starts[sizes > 0]]
        flat = deltas.ravel()
        zigzag = ((flat << 1) ^ (flat >> 63)).view(np.uint64)
        data, nbytes = _varints(zigzag)
        # bytes of each feature's coordinates: its rings are consecutive
        ring_owner = np.repeat(owner, n_rings)
        byte_ends = np.cumsum(nbytes)
        ring_value_ends = np.cumsum(sizes) * 2
        ring_bytes_end = np.where(ring_value_ends > 0, byte_ends[ring_value_ends - 1], 0)
        per_ring = np.diff(ring_bytes_end, prepend=0)
        feat_bytes = np.bincount(ring_owner, weights=per_ring, minlength=len(self.geoms))
        feat_end = np.cumsum(feat_bytes).astype(np.int64)
        n_parts = np.bincount(owner, minlength=len(self.geoms))
        ring_sizes = sizes.tolist()
        rings_per_part = n_rings.tolist()
        keys: dict[str, int] = {}
        out = []
        ring_i = part_i = 0
        pos = 0
        # Python lists: one element of each read per feature
        feature_ends, multis = feat_end.tolist(), self.multi.tolist()
        for i, (props, np_) in enumerate(zip(self.props, n_parts.tolist(), strict=True)):
            # lengths: as geobuf writes them for a Polygon and for a MultiPolygon
            if multis[i]:
                nr = rings_per_part[part_i : part_i + np_]
                total = sum(nr)
                lengths = []
                if np_ != 1 or nr[0] != 1:
                    lengths.append(np_)
                    k = ring_i
                    for r in nr:
                        lengths.append(r)
                        lengths.extend(ring_sizes[k : k + r])
                        k += r
            else:
                total = rings_per_part[part_i]
                lengths = ring_sizes[ring_i : ring_i + total] if total != 1 else []
            ring_i += total
            part_i += np_
            end = feature_ends[i]
            geometry = b"\x08\x05" if multis[i] else b"\x08\x04"
            if lengths:
                geometry += _field(b"\x12", _uvarints(lengths))
            if end > pos:
                geometry += _field(b"\x1a", data[pos:end])
            pos = end
            feature = _field(b"\x0a", geometry)
            pairs = []
            for j, (key, value) in enumerate(props.items()):
                if key not in keys:
                    keys[key] = len(keys)
                feature += _field(b"\x6a", _field(b"\x0a", value.encode()))
                pairs += (keys[key], j)
            if pairs:
                feature += _field(b"\x72", _uvarints(pairs))
            out.append(_field(b"\x0a", feature))
        head = b"".join(_field(b"\x0a", k.encode()) for k in keys)
        head += b"\x10\x02\x18" + _uvarints([self.precision])
        return head + _field(b"\x22", b"".join(out))


# the varints of 0 ... 16383, the lengths and small numbers of almost every field
_SMALL = [bytes([i]) if i < 0x80 else bytes([(i & 0x7F) | 0x80, i >> 7]) for i in range(1 << 14)]


def _uvarints(values) -> bytes:
    """Unsigned integers as protobuf varints, one after the other."""
    if all(v < 0x80 for v in values):
        return bytes(values)
    out = bytearray()
    for v in values:
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)
    return bytes(out)


def _field(tag: bytes, payload: bytes) -> bytes:
    """A length-delimited protobuf field (a string, a message, packed numbers) after its tag
    (field number << 3 | 2, one byte for the field numbers below 16)."""
    n = len(payload)
    return tag + (_SMALL[n] if n < 16384 else _uvarints([n])) + payload


def _varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Unsigned 64-bit integers as protobuf varints, and the number of bytes of each."""
    v = values.astype(np.uint64)
    nbytes = np.ones(len(v), np.int64)
    for k in range(1, 10):
        nbytes += v >= np.uint64(1 << (7 * k))
    total = int(nbytes.sum())
    owner = np.repeat(np.arange(len(v)), nbytes)
    shift = np.arange(total) - np.repeat(np.cumsum(nbytes) - nbytes, nbytes)
    byte = (v[owner] >> (7 * shift).astype(np.uint64)) & np.uint64(0x7F)
    more = shift < nbytes[owner] - 1
    return (byte.astype(np.uint8) | (more.astype(np.uint8) << 7)).tobytes(), nbytes


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
