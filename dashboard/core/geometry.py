"""Display geometry for the browser: layers as GeoJSON or Geobuf bytes, outlines, chefs-lieux.

Every FeatureCollection is written by :mod:`geo.encode` (the project's one writer). A layer
travels once per layer and filter, cached by the browser under URLs that carry the database
version (:attr:`dashboard.core.gateway.Gateway.version`).
"""

from __future__ import annotations

import json
import re

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYERS, names
from geo.encode import EMPTY, feature_collection, gzipped, to_geobuf

__all__ = ["EMPTY", "centres", "chef_lieux", "geobuf", "geojson", "inset_frames"]

_SQL = {
    False: "SELECT key, ST_AsGeoJSON(geom) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom IS NOT NULL",
    True: "SELECT key, ST_AsGeoJSON(geom_inset) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom_inset IS NOT NULL",
}
_LAYER_OF_SHAPE = {lay.shape: lay.id for lay in LAYERS.values()}


def geojson(
    q: Gateway,
    shape_layer: str,
    *,
    level: str = "coarse",
    inset: bool = True,
    keys: tuple[str, ...] | None = None,
    with_names: bool = True,
) -> bytes:
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
        if level == "coarse":  # ~800 m simplification: 3 decimals (~100 m) lose nothing visible
            df["g"] = [_NUMBER.sub(_round3, g) for g in df["g"]]
        return feature_collection(
            ({"key": k, "name": name_of.get(k, k)}, g)
            for k, g in zip(df["key"], df["g"], strict=True)
        )

    return q.memo(("geojson", shape_layer, level, inset, keys, with_names), load)


def geobuf(
    q: Gateway,
    shape_layer: str,
    *,
    level: str = "coarse",
    inset: bool = True,
    keys: tuple[str, ...] | None = None,
    with_names: bool = True,
) -> tuple[bytes, bytes]:
    """The same FeatureCollection as :func:`geojson` in Geobuf: ``(raw, gzip-compressed)``."""

    def load():
        body = geojson(q, shape_layer, level=level, inset=inset, keys=keys, with_names=with_names)
        raw = to_geobuf(body, 3 if level == "coarse" else 4)
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
        return feature_collection(
            ({"key": d}, g) for d, g in zip(df["departement"], df["g"], strict=True)
        )

    return q.memo(("inset_frames",), load)


def chef_lieux(q: Gateway, keys: tuple[str, ...] | None = None, *, inset: bool = False) -> bytes:
    """Préfectures and sous-préfectures as GeoJSON points; ``inset`` moves the overseas ones
    into their inset boxes, like ``shape.geom_inset``."""

    def load():
        df = q.df(
            "SELECT code, departement, chef_lieu_name, chef_lieu_kind, "
            "ST_X(chef_lieu_geom) AS x, ST_Y(chef_lieu_geom) AS y FROM arrondissement "
            "WHERE chef_lieu_geom IS NOT NULL ORDER BY code"
        )
        if keys is not None:
            df = df[df["code"].isin(keys)]
        if inset:
            df = _inset_points(q, df)
        return feature_collection(
            (
                {"key": c, "name": n, "kind": k},
                json.dumps({"type": "Point", "coordinates": [round(x, 5), round(y, 5)]}),
            )
            for c, n, k, x, y in df[
                ["code", "chef_lieu_name", "chef_lieu_kind", "x", "y"]
            ].itertuples(index=False)
        )

    return q.memo(("chef_lieux", keys, inset), load)


def _inset_points(q: Gateway, df: pd.DataFrame) -> pd.DataFrame:
    import geopandas as gpd

    from geo.crs import metric_crs
    from geo.insets import INSET_BY_DEP, relocate

    df = df.copy()
    for dep in INSET_BY_DEP:
        mask = (df["departement"] == dep).to_numpy()
        if not mask.any():
            continue
        outline = q.geodf("SELECT ST_AsWKB(geom) AS geom FROM departement WHERE code = ?", [dep])
        extent = tuple(outline.geometry.to_crs(metric_crs(dep)).total_bounds)
        pts = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(df.loc[mask, "x"], df.loc[mask, "y"]), crs="EPSG:4326"
        )
        moved = relocate(pts, dep, extent)
        df.loc[mask, "x"] = moved.x.to_numpy()
        df.loc[mask, "y"] = moved.y.to_numpy()
    return df


_NUMBER = re.compile(r"-?\d+\.\d{4,}")


def _round3(m: re.Match) -> str:
    return f"{float(m.group()):.3f}".rstrip("0").rstrip(".")
