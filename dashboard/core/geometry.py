"""Display geometry for the browser: layers as GeoJSON or Geobuf bytes, outlines, chefs-lieux.

Whole layers (the national view of each map layer, the outlines) are encoded by the build into
``display_layer`` and served as stored; a filter's subset is cut from ``shape`` (coordinates
already on the grid of their level) and written by :mod:`geo.encode`, the project's one writer,
then kept in the gateway's cache. URLs carry the database version, so the browser may cache
every answer (:attr:`dashboard.core.gateway.Gateway.version`).
"""

from __future__ import annotations

import json
import math

from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, names
from geo.encode import EMPTY, feature_collection, gzipped, to_geobuf

__all__ = [
    "EMPTY",
    "LABEL_CELL",
    "centres",
    "chef_lieu_labels",
    "chef_lieux",
    "commune_labels",
    "geobuf",
    "geojson",
    "inset_frames",
    "outline",
    "parse_box",
    "stored_layer",
    "warm",
]

_SQL = {
    False: "SELECT key, ST_AsGeoJSON(geom) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom IS NOT NULL",
    True: "SELECT key, ST_AsGeoJSON(geom_inset) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom_inset IS NOT NULL",
}
_CHEF_LIEU_SQL = {
    False: "SELECT code, chef_lieu_name, chef_lieu_kind, ST_AsGeoJSON(chef_lieu_geom) AS g "
    "FROM arrondissement WHERE chef_lieu_geom IS NOT NULL ORDER BY code",
    True: "SELECT code, chef_lieu_name, chef_lieu_kind, ST_AsGeoJSON(chef_lieu_geom_inset) AS g "
    "FROM arrondissement WHERE chef_lieu_geom_inset IS NOT NULL ORDER BY code",
}
_LAYER_OF_SHAPE = {lay.shape: lay.id for lay in LAYERS.values()}
PRECISION = {"national": 3, "coarse": 3, "medium": 4, "fine": 5}  # decimals of each level's grid


def stored_layer(
    q: Gateway, layer: str, level: str, inset: bool
) -> tuple[str, bytes, bytes] | None:
    """(format, body, gzip-compressed body) of a whole layer encoded by the build, or None when
    the build stored no such layer."""

    def load():
        rows = q.rows(
            "SELECT format, body, body_gzip FROM display_layer WHERE layer = ? AND level = ? "
            "AND inset = ?",
            [layer, level, inset],
        )
        return (rows[0][0], bytes(rows[0][1]), bytes(rows[0][2])) if rows else None

    return q.memo(("stored_layer", layer, level, inset), load)


def national_level(q: Gateway, layer: str) -> str:
    """The level of ``layer`` the national view draws first: ``national`` where the build
    stored it (every map layer but the communes, the base outlines), else ``coarse``."""
    return "national" if stored_layer(q, layer, "national", True) is not None else "coarse"


def warm(q: Gateway) -> int:
    """Read every whole layer the build stored into the cache (at server start, so that no
    visitor's request waits on the database for it); returns the number of layers read."""
    if not q.has("display_layer"):
        return 0
    keys = q.rows("SELECT layer, level, inset FROM display_layer ORDER BY ALL")
    for layer, level, inset in keys:
        stored_layer(q, layer, level, inset)
    return len(keys)


def geojson(q: Gateway, shape_layer: str, *, level: str = "coarse", inset: bool = True,
            keys: tuple[str, ...] | None = None, with_names: bool = True) -> bytes:  # fmt: skip
    """A FeatureCollection (bytes) of ``shape_layer`` with properties ``key`` and ``name``.

    ``inset`` uses ``geom_inset`` (overseas départements moved near the mainland, for the
    national view); ``keys`` restricts the features.
    """

    def load():
        sql, params = _SQL[bool(inset)], [shape_layer, level]
        if keys is not None:
            sql += " AND list_contains(?, key)"
            params.append(list(keys))
        df = q.df(sql + " ORDER BY key", params)
        layer_id = _LAYER_OF_SHAPE.get(shape_layer) if with_names else None
        name_of = names(q, layer_id).to_dict() if layer_id else {}
        return feature_collection(
            ({"key": k, "name": name_of.get(k, k)} if with_names else {"key": k}, g)
            for k, g in zip(df["key"], df["g"], strict=True)
        )

    return q.memo(("geojson", shape_layer, level, inset, keys, with_names), load)


def geobuf(q: Gateway, shape_layer: str, *, level: str = "coarse", inset: bool = True,
           keys: tuple[str, ...] | None = None, with_names: bool = True) -> tuple[bytes, bytes]:  # fmt: skip
    """A layer in Geobuf: ``(raw, gzip-compressed)``; a whole layer as the build stored it."""
    if keys is None:
        stored = stored_layer(q, shape_layer, level, inset)
        if stored is not None and stored[0] == "geobuf":
            return stored[1], stored[2]

    def load():
        body = geojson(q, shape_layer, level=level, inset=inset, keys=keys, with_names=with_names)
        raw = to_geobuf(body, PRECISION[level])
        return raw, gzipped(raw)

    return q.memo(("geobuf", shape_layer, level, inset, keys, with_names), load)


def outline(q: Gateway, layer_id: str, key: str, inset: bool) -> bytes:
    """One unit's outline (GeoJSON), and for a commune the point of its name too (the pin the
    search drops), in the insets of the national view or at its place. A commune's outline is
    drawn at the ``medium`` level even in the national view: the search zooms close to it."""
    return q.memo(
        ("outline", layer_id, key, bool(inset)), lambda: _outline(q, layer_id, key, inset)
    )


def _outline(q: Gateway, layer_id: str, key: str, inset: bool) -> bytes:
    shape = LAYERS[layer_id].shape
    level = "coarse" if inset and layer_id != "commune" else "medium"
    body = geojson(q, shape, level=level, inset=inset, keys=(key,), with_names=False)
    if layer_id != "commune" or not q.has("label_point"):
        return body
    pts = _label_points(q)
    row = pts[pts["code"] == key]
    if row.empty:
        return body
    x, y = ("xi", "yi") if inset else ("x", "y")
    point = {"type": "Point", "coordinates": [float(row[x].iloc[0]), float(row[y].iloc[0])]}
    doc = json.loads(body)
    doc["features"].append({"type": "Feature", "properties": {"key": key}, "geometry": point})
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


_CENTRES_SQL = {
    False: "SELECT key, ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT key, ST_PointOnSurface(geom) AS p "
    "FROM shape WHERE layer = ? AND level = 'coarse' AND geom IS NOT NULL)",
    True: "SELECT key, ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT key, "
    "ST_PointOnSurface(geom_inset) AS p FROM shape WHERE layer = ? AND level = 'coarse' "
    "AND geom_inset IS NOT NULL)",
}


def centres(q: Gateway, shape_layer: str, keys: list[str], *, inset: bool = True) -> bytes:
    """One point inside each unit (where its proportional circle is drawn), as GeoJSON points
    in the order of ``keys`` (largest value first, so that small circles are drawn on top)."""
    where = q.memo(
        ("centres", shape_layer, inset),
        lambda: {
            k: (round(x, 5), round(y, 5))
            for k, x, y in q.rows(_CENTRES_SQL[bool(inset)], [shape_layer])
        },
    )
    layer_id = _LAYER_OF_SHAPE.get(shape_layer)
    name_of = names(q, layer_id).to_dict() if layer_id else {}
    return feature_collection(
        (
            {"key": k, "name": name_of.get(k, k)},
            # written directly (floats print as JSON numbers): 35,000 communes in a blink
            '{{"type":"Point","coordinates":[{!r},{!r}]}}'.format(*where[k]),
        )
        for k in keys
        if k in where
    )


def inset_frames(q: Gateway) -> bytes:
    """Boxes drawn around the overseas insets (GeoJSON bytes)."""

    def load():
        df = q.df("SELECT departement, ST_AsGeoJSON(geom) AS g FROM inset_frame ORDER BY 1")
        pairs = zip(df["departement"], df["g"], strict=True)
        return feature_collection(({"key": d}, g) for d, g in pairs)

    return q.memo(("inset_frames",), load)


def chef_lieux(q: Gateway, keys: tuple[str, ...] | None = None, *, inset: bool = False) -> bytes:
    """Préfectures and sous-préfectures as GeoJSON points (``key``, ``name``, ``kind``);
    ``inset`` places the overseas ones in their inset boxes, like ``shape.geom_inset``."""

    def load():
        df = q.df(_CHEF_LIEU_SQL[bool(inset)])
        if keys is not None:
            df = df[df["code"].isin(keys)]
        return feature_collection(
            ({"key": c, "name": n, "kind": k}, g)
            for c, n, k, g in df[["code", "chef_lieu_name", "chef_lieu_kind", "g"]].itertuples(
                index=False
            )
        )

    return q.memo(("chef_lieux", keys, inset), load)


# -- place names (``label_point``, built by etl/labels.py) -------------------------------------

LABEL_CELL = 0.5  # degrees: boxes of commune names are asked for on this grid (cacheable URLs)
MAX_BOX_AREA = 24.0  # square degrees: the view at commune zooms, rounded out to the grid
MAX_LABELS = 2500  # names per box at most, the most populated first


def _label_points(q: Gateway):
    def load():
        df = q.df(
            "SELECT code, name, population, chef_lieu_kind AS kind, ST_X(geom) AS x, "
            "ST_Y(geom) AS y, ST_X(geom_inset) AS xi, ST_Y(geom_inset) AS yi FROM label_point "
            "ORDER BY population DESC NULLS LAST, code"
        )
        for c in ("x", "y", "xi", "yi"):
            df[c] = df[c].round(5)
        df["population"] = df["population"].fillna(0).astype("int64")
        return df

    return q.memo(("label_points",), load)


def chef_lieu_labels(q: Gateway, inset: bool) -> list[list]:
    """Préfectures then sous-préfectures, each by population: ``[name, lat, lng, rank,
    population]`` with rank 0 for a préfecture, 1 for a sous-préfecture."""

    def load():
        if not q.has("label_point"):
            return []
        df = _label_points(q)
        df = df[df["kind"].notna()]
        x, y = ("xi", "yi") if inset else ("x", "y")
        rank = (df["kind"] != "préfecture").astype(int)
        df = df.assign(rank=rank).sort_values(["rank", "population"], ascending=[True, False])
        return [
            [n, float(la), float(lo), int(r), int(p)]
            for n, la, lo, r, p in df[["name", y, x, "rank", "population"]].itertuples(index=False)
        ]

    return q.memo(("chef_lieu_labels", bool(inset)), load)


def parse_box(text) -> tuple[float, float, float, float] | None:
    """``"w,s,e,n"`` on the :data:`LABEL_CELL` grid, at most :data:`MAX_BOX_AREA`, else None
    (untrusted input)."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        return None
    vals = (w, s, e, n)
    if not all(math.isfinite(v) for v in vals):
        return None
    on_grid = all(abs(v / LABEL_CELL - round(v / LABEL_CELL)) < 1e-9 for v in vals)
    if not (on_grid and -180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    if (e - w) * (n - s) > MAX_BOX_AREA:
        return None
    return vals


def commune_labels(q: Gateway, box: tuple[float, float, float, float], inset: bool) -> list[list]:
    """Communes whose label point is in ``box`` (from :func:`parse_box`), the most populated
    first, at most :data:`MAX_LABELS`: ``[name, lat, lng, population, code]``."""

    def load():
        if not q.has("label_point"):
            return []
        df = _label_points(q)
        x, y = ("xi", "yi") if inset else ("x", "y")
        w, s, e, n = box
        sub = df[(df[x] >= w) & (df[x] < e) & (df[y] >= s) & (df[y] < n)].head(MAX_LABELS)
        return [
            [nm, float(la), float(lo), int(p), c]
            for nm, la, lo, p, c in sub[["name", y, x, "population", "code"]].itertuples(
                index=False
            )
        ]

    return q.memo(("commune_labels", box, bool(inset)), load)
