"""Display geometry for the browser: layers as GeoJSON or Geobuf bytes, outlines, chefs-lieux.

Whole layers (the national view of each map layer, the outlines) are encoded by the build into
``display_layer`` and served as stored; a filter's subset is cut from ``shape`` (coordinates
already on the grid of their level) and written by :mod:`geo.encode`, the project's one writer,
then kept in the gateway's cache. URLs carry the database version, so the browser may cache
every answer (:attr:`dashboard.core.gateway.Gateway.version`).
"""

from __future__ import annotations

import json

from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, names
from geo.encode import EMPTY, feature_collection, gzipped, to_geobuf

__all__ = ["EMPTY", "centres", "chef_lieux", "geobuf", "geojson", "inset_frames", "stored_layer"]

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
PRECISION = {"coarse": 3, "medium": 4, "fine": 5}  # decimals of the grid of each level


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
            json.dumps({"type": "Point", "coordinates": list(where[k])}),
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
