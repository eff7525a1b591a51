"""The Flask routes that serve map layers to every page (``/_carte/*``).

Geometry travels once per layer and filter, outside the callbacks, with long-lived cache headers
(its URLs carry the database version). Arguments are untrusted: unknown layers and codes fall
back to the national view or to an empty collection.
"""

from __future__ import annotations

import json

from flask import Response, request

from dashboard.core import geometry
from dashboard.core.admin import filtered_keys, valid_admin
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import family_of, of_year, values
from dashboard.core.inputs import MAX_KEY_LEN, text
from dashboard.core.layers import DEFAULT_LAYER, LAYERS, has_key
from geo.encode import from_geobuf

CACHE = "public, max-age=86400"


def geojson_response(body: bytes) -> Response:
    """GeoJSON bytes (compressed by flask-compress), cacheable."""
    r = Response(body, mimetype="application/json")
    r.headers["Cache-Control"] = CACHE
    return r


def compressed_response(raw: bytes, gz: bytes, mimetype: str) -> Response:
    """A body already compressed once (by the build or the cache): sent gzipped when the
    browser accepts it, never compressed again."""
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    r = Response(gz if zipped else raw, mimetype=mimetype)
    if zipped:
        r.headers["Content-Encoding"] = "gzip"
    r.headers["Vary"] = "Accept-Encoding"
    r.headers["Cache-Control"] = CACHE
    return r


def geobuf_response(pair: tuple[bytes, bytes]) -> Response:
    """A Geobuf layer, gzip-compressed when the browser accepts it; ``?fmt=json`` gives the same
    data as GeoJSON (for people and tests)."""
    raw, gz = pair
    if request.args.get("fmt") == "json":
        return geojson_response(json.dumps(from_geobuf(raw)).encode())
    return compressed_response(raw, gz, "application/x-protobuf")


def _arg(name: str) -> str | None:
    return text(request.args.get(name), 64 if name == "ind" else MAX_KEY_LEN)


def _filter(q: Gateway) -> tuple[str | None, str | None, str | None]:
    return (
        valid_admin(q, "region", _arg("reg")),
        valid_admin(q, "departement", _arg("dep")),
        valid_admin(q, "arrondissement", _arg("arr")),
    )


def register(server, q: Gateway) -> None:
    """Add the layer routes to the Flask ``server``."""

    @server.route("/_carte/geo")
    def carte_geo():
        layer = LAYERS.get(_arg("couche") or DEFAULT_LAYER, LAYERS[DEFAULT_LAYER])
        reg, dep, arr = _filter(q)
        if reg or dep or arr:
            keys = tuple(filtered_keys(q, layer.id, reg, dep, arr))
            return geobuf_response(
                geometry.geobuf(q, layer.shape, level="medium", inset=False, keys=keys)
            )
        return geobuf_response(geometry.geobuf(q, layer.shape, level="coarse", inset=True))

    @server.route("/_carte/base")
    def carte_base():
        kind = "base_region" if _arg("kind") == "region" else "base_departement"
        inset = _arg("inset") != "0"
        level = "coarse" if inset else "medium"
        return geobuf_response(geometry.geobuf(q, kind, level=level, inset=inset, with_names=False))

    @server.route("/_carte/frames")
    def carte_frames():
        return geojson_response(geometry.inset_frames(q))

    @server.route("/_carte/points")
    def carte_points():
        reg, dep, arr = _filter(q)
        filtered = bool(reg or dep or arr)
        keys = tuple(filtered_keys(q, "arrondissement", reg, dep, arr)) if filtered else None
        return geojson_response(geometry.chef_lieux(q, keys, inset=not filtered))

    @server.route("/_carte/sel")
    def carte_sel():
        couche, key = _arg("couche"), _arg("key")
        if couche not in LAYERS or not has_key(q, couche, key):
            return geojson_response(geometry.EMPTY)
        inset = _arg("inset") != "0"
        return geojson_response(
            geometry.geojson(
                q,
                LAYERS[couche].shape,
                level="coarse" if inset else "medium",
                inset=inset,
                keys=(key,),
                with_names=False,
            )
        )

    @server.route("/_carte/centres")
    def carte_centres():
        layer = LAYERS.get(_arg("couche") or DEFAULT_LAYER, LAYERS[DEFAULT_LAYER])
        reg, dep, arr = _filter(q)
        filtered = bool(reg or dep or arr)
        keys = filtered_keys(q, layer.id, reg, dep, arr)
        fam = family_of(q, layer.id, _arg("ind"))
        if fam is None:
            return geojson_response(geometry.EMPTY)
        vals = values(q, layer.id, of_year(q, layer.id, fam, _arg("annee")).id).reindex(keys)
        order = vals[vals > 0].sort_values(ascending=False, kind="stable").index.tolist()
        return geojson_response(geometry.centres(q, layer.shape, order, inset=not filtered))

    @server.route("/_carte/empty")
    def carte_empty():
        return geojson_response(geometry.EMPTY)
