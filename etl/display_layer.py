"""Step: whole display layers encoded once, as the browser receives them (table ``display_layer``).

``display_layer(layer, level, inset, format, n_features, body, body_gzip)``: ``body`` is the
Geobuf (``format = 'geobuf'``) or GeoJSON UTF-8 (``'geojson'``) encoding of a FeatureCollection
written by ``geo.encode`` from the ``shape`` table, ``body_gzip`` the same gzip-compressed.
Features are ordered by key; units without a display geometry are left out. Rows:

- the seven map layers (:data:`MAP_LAYERS`, the ~35,000 communes included): national view
  (``coarse``, overseas insets), Geobuf at 3 decimals, properties ``key`` and ``name`` (the
  unit's name, stripped);
- the base outlines ``base_departement`` and ``base_region``: national view (``coarse``, insets,
  3 decimals) and true position (``medium``, 4 decimals), property ``key``;
- the national view on screen (level ``national``): each map layer but the communes, and the two
  base outlines, simplified again from ``coarse`` (:data:`geo.simplify.NATIONAL`), insets, 3
  decimals: what the explorer draws first, until it is zoomed in;
- ``redraw_commune``: the communes of the national change map (``coarse``, insets), GeoJSON,
  properties ``key``, ``name`` and ``c`` (``redraw_commune.change_class``).

The coordinates are already on the grid of their level (``geo.simplify.LEVELS``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import shapely

from etl import labels
from etl.config import WAVES
from etl.context import BuildContext
from etl.db import Database
from geo.encode import feature_collection, gzipped, polygons_to_geobuf
from geo.simplify import NATIONAL, simplify_array

# shape layer -> (table of its units, key column, wave of a territory layer)
MAP_LAYERS = {
    **{f"territory_{w}": ("territory", "id", w) for w in WAVES},
    "epci": ("epci", "siren", None),
    "arrondissement": ("arrondissement", "code", None),
    "departement": ("departement", "code", None),
    "region": ("region", "code", None),
    "commune": ("commune", "code", None),
}
BASE_LAYERS = ("base_departement", "base_region")
PRECISION = {"coarse": 3, "medium": 4}  # decimals of the grid of each level
_DDL = (
    "CREATE OR REPLACE TABLE display_layer (layer VARCHAR NOT NULL, level VARCHAR NOT NULL, "
    "inset BOOLEAN NOT NULL, format VARCHAR NOT NULL, n_features INTEGER NOT NULL, "
    "body BLOB NOT NULL, body_gzip BLOB NOT NULL)"
)
_SHAPES = {
    True: "SELECT key, ST_AsWKB(geom_inset) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom_inset IS NOT NULL ORDER BY key",
    False: "SELECT key, ST_AsWKB(geom) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom IS NOT NULL ORDER BY key",
}
_REDRAW_COMMUNES = (
    "SELECT s.key, r.commune_name AS name, r.change_class AS c, ST_AsGeoJSON(s.geom_inset) AS g "
    "FROM shape s JOIN redraw_commune r ON r.commune_code = s.key "
    "WHERE s.layer = 'commune' AND s.level = 'coarse' AND s.geom_inset IS NOT NULL "
    "ORDER BY s.key"
)


@dataclass(frozen=True)
class Layer:
    """One row of ``display_layer``."""

    layer: str
    level: str
    inset: bool
    format: str
    n_features: int
    body: bytes
    body_gzip: bytes


def _names(db: Database, layer: str) -> dict[str, str]:
    """Key -> the unit's name, stripped (some published names end with spaces)."""
    table, key, wave = MAP_LAYERS[layer]
    # identifiers from the constant above, never from input
    sql = " ".join(["SELECT", key, ", name FROM", table])
    rows = db.rows(sql + " WHERE wave = ?", [wave]) if wave else db.rows(sql)
    return {k: str(n).strip() for k, n in rows}


def shape_layer(
    db: Database, layer: str, level: str, inset: bool, names: bool, national: bool = False
) -> list[Layer]:
    """A layer of ``shape`` as Geobuf, properties ``key`` (and ``name`` when ``names``); with
    ``national``, the same simplified again for the national view on screen (level
    ``national``, :data:`geo.simplify.NATIONAL`) after it."""
    rows = db.rows(_SHAPES[inset], [layer, level])
    name_of = _names(db, layer) if names else {}
    props = [{"key": k, "name": name_of.get(k, k)} if names else {"key": k} for k, _ in rows]
    # WKB to shapely to protobuf: no GeoJSON text written and parsed again
    geoms = shapely.from_wkb([bytes(g) for _, g in rows])
    n = int((~shapely.is_missing(geoms)).sum())
    body = polygons_to_geobuf(props, geoms, PRECISION[level])
    out = [Layer(layer, level, inset, "geobuf", n, body, gzipped(body))]
    if national:
        simple = simplify_array(geoms, NATIONAL)
        body = polygons_to_geobuf(props, simple, PRECISION[level])
        out.append(Layer(layer, NATIONAL.name, inset, "geobuf", n, body, gzipped(body)))
    return out


def redraw_communes(db: Database) -> Layer:
    """The communes of the national change map, as GeoJSON with their change class ``c``."""
    rows = db.rows(_REDRAW_COMMUNES)
    body = feature_collection(
        ({"key": k, "name": str(n).strip(), "c": c}, g) for k, n, c, g in rows
    )
    n = sum(1 for *_, g in rows if g)
    return Layer("redraw_commune", "coarse", True, "geojson", n, body, gzipped(body))


def layers(db: Database) -> list[Layer]:
    """Every row of ``display_layer``, in the order of the module docstring."""
    # the change map's query and its gzip (10 MB) release the GIL: they run in a second thread
    # while the Geobuf layers are encoded (pure Python) in this one
    with ThreadPoolExecutor(1) as pool:
        communes = pool.submit(redraw_communes, db)
        out = []
        for layer in MAP_LAYERS:
            # not the ~35,000 communes: 1.3 s of the build for a third of their points
            out += shape_layer(db, layer, "coarse", True, names=True, national=layer != "commune")
        for layer in BASE_LAYERS:
            out += shape_layer(db, layer, "coarse", True, names=False, national=True)
            out += shape_layer(db, layer, "medium", False, names=False)
        out.append(communes.result())
    return out


def write(ctx: BuildContext) -> None:
    """Build step: the table ``display_layer``, then the label points (:mod:`etl.labels`)."""
    ctx.db.execute(_DDL)
    for lay in layers(ctx.db):
        ctx.db.execute(
            "INSERT INTO display_layer VALUES (?, ?, ?, ?, ?, ?, ?)",
            [lay.layer, lay.level, lay.inset, lay.format, lay.n_features, lay.body, lay.body_gzip],
        )
        ctx.check(
            "display_layer_bytes",
            f"{lay.layer}/{lay.level}" + ("/inset" if lay.inset else ""),
            len(lay.body_gzip),
            f"{lay.n_features} features, {lay.format}, {len(lay.body)} bytes before gzip",
        )
    labels.write(ctx)
