"""The Flask routes that serve map layers to every page (``/_carte/*``).

Geometry travels once per layer and filter, outside the callbacks. The URLs carry the database
version (``v=``, :attr:`dashboard.core.gateway.Gateway.version`): an answer to a URL with the
current version never changes, so the browser keeps it for a year without asking again
(``immutable``); any other answer (no version, an old one) may be kept only briefly. Arguments
are untrusted: unknown layers and codes fall back to the national view or to an empty
collection.
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
from geo.encode import from_geobuf, gzipped

IMMUTABLE = "public, max-age=31536000, immutable"  # the URL names the build: never stale
SHORT = "public, max-age=300"  # no version or an old one: the answer may change with a rebuild


def cache_control(version: str | None) -> str:
    """``Cache-Control`` of an answer to a URL carrying ``v=`` (the current ``version``)."""
    asked = request.args.get("v")
    return IMMUTABLE if version is not None and asked == version else SHORT


def geojson_response(body: bytes, version: str | None = None) -> Response:
    """GeoJSON bytes (compressed by flask-compress), cacheable (see :func:`cache_control`)."""
    r = Response(body, mimetype="application/json")
    r.headers["Cache-Control"] = cache_control(version)
    return r


def json_response(value, version: str | None = None) -> Response:
    """A JSON value (names as JSON strings: the browser sets them as text), cacheable."""
    return geojson_response(
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), version
    )


def bad_request(message: str) -> Response:
    """400 with the reason, as JSON (a hostile or malformed argument, never a 500)."""
    r = Response(json.dumps({"error": message}), status=400, mimetype="application/json")
    r.headers["Cache-Control"] = "no-store"
    return r


def compressed_response(
    raw: bytes, gz: bytes, mimetype: str, version: str | None = None
) -> Response:
    """A body already compressed once (by the build or the cache): sent gzipped when the
    browser accepts it, never compressed again."""
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    r = Response(gz if zipped else raw, mimetype=mimetype)
    if zipped:
        r.headers["Content-Encoding"] = "gzip"
    r.headers["Vary"] = "Accept-Encoding"
    r.headers["Cache-Control"] = cache_control(version)
    return r


def geobuf_response(pair: tuple[bytes, bytes], version: str | None = None) -> Response:
    """A Geobuf layer, gzip-compressed when the browser accepts it; ``?fmt=json`` gives the same
    data as GeoJSON (for people and tests)."""
    raw, gz = pair
    if request.args.get("fmt") == "json":
        return geojson_response(json.dumps(from_geobuf(raw)).encode(), version)
    return compressed_response(raw, gz, "application/x-protobuf", version)


def _centres_body(q: Gateway, layer_id: str, ind: str, reg, dep, arr) -> tuple[bytes, bytes]:
    """The circles' points of one view and their gzip, kept for the last 32 views asked for
    (the communes of France: 35,000 points, seconds to write, so written once)."""

    def load():
        keys = filtered_keys(q, layer_id, reg, dep, arr)
        vals = values(q, layer_id, ind).reindex(keys)
        order = vals[vals > 0].sort_values(ascending=False, kind="stable").index.tolist()
        filtered = bool(reg or dep or arr)
        raw = geometry.centres(q, LAYERS[layer_id].shape, order, inset=not filtered)
        return raw, gzipped(raw)

    return q.memo(("centres_body", layer_id, ind, reg, dep, arr), load, limit=32)


def _arg(name: str) -> str | None:
    return text(request.args.get(name), 64 if name == "ind" else MAX_KEY_LEN)


def _filter(q: Gateway) -> tuple[str | None, str | None, str | None]:
    return (
        valid_admin(q, "region", _arg("reg")),
        valid_admin(q, "departement", _arg("dep")),
        valid_admin(q, "arrondissement", _arg("arr")),
    )


def register(server, q: Gateway) -> None:
    """Add the layer routes to the Flask ``server`` (the app reads the stored layers in
    advance, :func:`dashboard.core.geometry.warm`)."""

    @server.route("/_carte/geo")
    def carte_geo():
        layer = LAYERS.get(_arg("couche") or DEFAULT_LAYER, LAYERS[DEFAULT_LAYER])
        reg, dep, arr = _filter(q)
        if reg or dep or arr:

            def cut():
                keys = tuple(filtered_keys(q, layer.id, reg, dep, arr))
                return geometry.geobuf(q, layer.shape, level="medium", inset=False, keys=keys)

            # codes validated above: at most every layer x (région, département, arrondissement)
            return geobuf_response(q.memo(("carte_geo", layer.id, reg, dep, arr), cut), q.version)
        level = _national(layer.shape)
        return geobuf_response(geometry.geobuf(q, layer.shape, level=level, inset=True), q.version)

    def _national(shape: str) -> str:
        # ``niveau=national``: the explorer's first national view (its coarse level once zoomed)
        return geometry.national_level(q, shape) if _arg("niveau") == "national" else "coarse"

    @server.route("/_carte/base")
    def carte_base():
        kind = "base_region" if _arg("kind") == "region" else "base_departement"
        inset = _arg("inset") != "0"
        level = _national(kind) if inset else "medium"
        return geobuf_response(
            geometry.geobuf(q, kind, level=level, inset=inset, with_names=False), q.version
        )

    @server.route("/_carte/frames")
    def carte_frames():
        return geojson_response(geometry.inset_frames(q), q.version)

    @server.route("/_carte/points")
    def carte_points():
        reg, dep, arr = _filter(q)
        filtered = bool(reg or dep or arr)
        keys = tuple(filtered_keys(q, "arrondissement", reg, dep, arr)) if filtered else None
        return geojson_response(geometry.chef_lieux(q, keys, inset=not filtered), q.version)

    @server.route("/_carte/sel")
    def carte_sel():
        couche, key = _arg("couche"), _arg("key")
        if couche not in LAYERS or not has_key(q, couche, key):
            return geojson_response(geometry.EMPTY, q.version)
        return geojson_response(geometry.outline(q, couche, key, _arg("inset") != "0"), q.version)

    @server.route("/_carte/centres")
    def carte_centres():
        layer = LAYERS.get(_arg("couche") or DEFAULT_LAYER, LAYERS[DEFAULT_LAYER])
        reg, dep, arr = _filter(q)
        fam = family_of(q, layer.id, _arg("ind"))
        if fam is None:
            return geojson_response(geometry.EMPTY)
        ind = of_year(q, layer.id, fam, _arg("annee")).id
        return compressed_response(
            *_centres_body(q, layer.id, ind, reg, dep, arr), "application/json", q.version
        )

    @server.route("/_carte/empty")
    def carte_empty():
        return geojson_response(geometry.EMPTY, q.version)

    @server.route("/_carte/labels")
    def carte_labels():
        inset = _arg("inset") != "0"
        if _arg("kind") == "chefs":
            return json_response(geometry.chef_lieu_labels(q, inset), q.version)
        box = geometry.parse_box(_arg("box"))
        if box is None:
            return bad_request(
                "box: expected 'w,s,e,n' in degrees on a grid of "
                f"{geometry.LABEL_CELL}°, at most {geometry.MAX_BOX_AREA:g} square degrees"
            )
        return json_response(geometry.commune_labels(q, box, inset), q.version)
