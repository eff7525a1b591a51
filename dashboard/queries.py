"""Every read of the dashboard: one class, :class:`Queries`, over a read-only database.

The database is opened read-only through :class:`etl.db.Database` and reopened when the file is
replaced by a rebuild (the build swaps in a new file with ``os.replace``: a new inode). Results
that do not depend on user input are cached per process and dropped on reopen.

Layers
------
The map shows the layers of :data:`LAYERS`; each maps a URL id (``ti2023``) to its table, key
column and display geometry (``shape.layer``).

Indicator discovery (how later issues add indicators)
-----------------------------------------------------
The indicators offered for a layer are *discovered*, never listed by hand:

1. every numeric column of the layer's table (``population``, ``area_km2``, ``n_communes`` ...),
   except the quality-control columns of :data:`HIDDEN_COLUMNS`; known columns get a French
   label from :data:`COLUMN_LABELS`, others show their column name;
2. ``density`` (population / area) when the table has both columns;
3. every (indicator, year) of the shared long table ``indicator(layer, key, indicator, label,
   unit, year, value, source, is_demo)`` written by the build steps through
   ``etl/sources/_indicators.py`` (one choice per year: the latest under the plain name, the
   others as ``<name>_<year>``; ``is_demo`` rows are
   labelled "données fictives" on screen and in exports; a unit without a row has no data);
4. (simpler alternative for a step that needs no years) the optional long table
   ``indicator_value`` described by ``indicator_meta``::

       indicator_value(layer VARCHAR,   -- a shape.layer name: 'territory_2023', 'territory_2018',
                                        --   'epci', 'arrondissement', 'departement', 'region'
                       key VARCHAR,     -- the layer's key (territory id, EPCI siren, INSEE code)
                       indicator VARCHAR,  -- short id, [a-z0-9_]+ ('emploi_industriel_2022')
                       value DOUBLE)    -- NULL or absent row = "pas de données", never 0
       indicator_meta(indicator VARCHAR, label VARCHAR, unit VARCHAR, source VARCHAR,
                      vintage VARCHAR, generated BOOLEAN, decimals INTEGER)

   ``generated = true`` marks demonstration data: the page labels it on screen and in exports.
   Nothing else is needed: the map page, the side panel and the exports pick it up.
"""

from __future__ import annotations

import math
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.db import Database


class QueryError(ValueError):
    """An input the query layer cannot answer (unknown layer, indicator ...)."""


@dataclass(frozen=True)
class Layer:
    """A map layer: URL id, French label, table, key column and ``shape.layer`` name."""

    id: str
    label: str
    table: str
    key: str
    shape: str
    wave: str | None = None
    singular: str = ""


LAYERS: dict[str, Layer] = {
    lay.id: lay
    for lay in (
        Layer(
            "ti2023",
            "Territoires d'industrie 2023-2027",
            "territory",
            "id",
            "territory_2023",
            "2023",
            "territoire d'industrie (2023-2027)",
        ),
        Layer(
            "ti2018",
            "Territoires d'industrie 2018-2022",
            "territory",
            "id",
            "territory_2018",
            "2018",
            "territoire d'industrie (2018-2022)",
        ),
        Layer("epci", "Intercommunalités (EPCI)", "epci", "siren", "epci", None, "EPCI"),
        Layer(
            "arrondissement",
            "Arrondissements",
            "arrondissement",
            "code",
            "arrondissement",
            None,
            "arrondissement",
        ),
        Layer(
            "departement", "Départements", "departement", "code", "departement", None, "département"
        ),
        Layer("region", "Régions", "region", "code", "region", None, "région"),
    )
}
DEFAULT_LAYER = "ti2023"

HIDDEN_COLUMNS = {"anct_overlap"}  # quality control of the build, not an indicator
COLUMN_LABELS = {
    "population": ("Population municipale", "hab."),
    "area_km2": ("Superficie", "km²"),
    "n_communes": ("Nombre de communes", ""),
    "n_members": ("Nombre de membres (EPCI et communes)", ""),
    "density": ("Densité de population", "hab./km²"),
}
COLUMN_ORDER = ("population", "density", "area_km2", "n_communes", "n_members")
DECIMALS = {"area_km2": 0, "density": 1}
NUMERIC_TYPES = (
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "DOUBLE",
    "FLOAT",
    "REAL",
)
# SQL whose identifiers vary by layer, written out in full: nothing is ever formatted into SQL
LAYER_SQL = {
    "territory": "SELECT * EXCLUDE (geom, anct_geom) FROM territory WHERE wave = ?",
    "epci": "SELECT * EXCLUDE (geom) FROM epci",
    "arrondissement": "SELECT * EXCLUDE (geom, chef_lieu_geom) FROM arrondissement",
    "departement": "SELECT * EXCLUDE (geom) FROM departement",
    "region": "SELECT * EXCLUDE (geom) FROM region",
}
TOUCH_SQL = {
    t: f"SELECT DISTINCT {t} AS key, region, departement, arrondissement FROM commune "  # noqa: S608
    f"WHERE {t} IS NOT NULL"
    for t in ("arrondissement", "departement", "region")
}
GEOJSON_SQL = {
    False: "SELECT key, ST_AsGeoJSON(geom) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom IS NOT NULL",
    True: "SELECT key, ST_AsGeoJSON(geom_inset) AS g FROM shape WHERE layer = ? AND level = ? "
    "AND geom_inset IS NOT NULL",
}
# the source files (``source.name``) behind each layer, for the provenance notes
LAYER_SOURCES = {
    "ti2023": ("territories:2023", "cog:communes", "commune_geometry"),
    "ti2018": ("territories:2018", "cog:communes", "commune_geometry"),
    "epci": ("cog:epci", "cog:communes", "commune_geometry"),
    "arrondissement": ("cog:arrondissements", "cog:communes", "commune_geometry"),
    "departement": ("cog:departements", "cog:communes", "commune_geometry"),
    "region": ("cog:regions", "cog:communes", "commune_geometry"),
}
MAX_SEARCH_LEN = 80
SEARCH_LIMIT = 15


@dataclass(frozen=True)
class Indicator:
    """An indicator offered on a layer."""

    id: str
    label: str
    unit: str = ""
    source: str = ""
    vintage: str = ""
    generated: bool = False
    decimals: int = 0
    column: str | None = None  # a column of the layer's table, else a row of a long table
    long_name: str | None = None  # ``indicator.indicator`` (the shared long table)
    year: int | None = None  # ``indicator.year``


def normalize(text: str) -> str:
    """Lower case without accents: the form the search compares."""
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def get_layer(layer_id: str | None) -> Layer:
    """The layer for a URL id; raises :class:`QueryError` listing the valid ids."""
    try:
        return LAYERS[layer_id]  # type: ignore[index]
    except (KeyError, TypeError):
        raise QueryError(
            f"unknown layer {layer_id!r}; expected one of {', '.join(LAYERS)}"
        ) from None


class Queries:
    """The read-only query layer of the dashboard (one per process and database file)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: Database | None = None
        self._stamp: tuple | None = None
        self._cache: dict = {}

    # -- connection ----------------------------------------------------------------------
    def _file_stamp(self) -> tuple:
        st = os.stat(self.path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    @property
    def db(self) -> Database:
        """The open database, reopened when the file was replaced since it was opened."""
        stamp = self._file_stamp()
        if self._db is None or stamp != self._stamp:
            with self._lock:
                if self._db is None or stamp != self._stamp:
                    # close first: DuckDB reuses an open instance of the same path, which
                    # would keep reading the replaced file
                    if self._db is not None:
                        self._db.close()
                    self._db = Database(self.path, read_only=True)
                    self._stamp = stamp
                    self._cache = {}
        return self._db

    @property
    def version(self) -> str:
        """A short token that changes when the database file changes (for cache-busting URLs)."""
        self.db  # noqa: B018 - reopen if needed
        ino, mtime, size = self._stamp
        return f"{mtime:x}{size:x}"[-12:]

    def _cached(self, key, fn):
        db = self.db  # may reset the cache
        cache = self._cache
        if key not in cache:
            cache[key] = fn(db)
        return cache[key]

    def memo(self, key: tuple, fn, limit: int = 2000):
        """``fn()`` cached under ``key`` until the database changes (at most ``limit`` entries
        per ``key[0]``, so hostile inputs cannot grow it without bound)."""
        self.db  # noqa: B018 - reopen (and drop the cache) if the file changed
        cache = self._cache
        if key in cache:
            return cache[key]
        value = fn()
        counts = cache.setdefault(("_memo_count",), {})
        if counts.get(key[0], 0) < limit:
            counts[key[0]] = counts.get(key[0], 0) + 1
            cache[key] = value
        return value

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- provenance ----------------------------------------------------------------------
    def sources(self) -> pd.DataFrame:
        """The ``source`` table (name, vintage, licence, rows, loaded_at)."""
        return self._cached(
            ("sources",),
            lambda db: db.df(
                "SELECT name, vintage, licence, rows, loaded_at FROM source ORDER BY name"
            ),
        )

    def vintage_summary(self) -> list[str]:
        """Distinct vintages of the loaded sources, in load order of their first file."""
        df = self.sources()
        return list(dict.fromkeys(df["vintage"].dropna().astype(str)))

    def layer_vintages(self, layer_id: str) -> list[str]:
        """Vintages of the files a layer is built from (``source`` table), most specific first."""
        names = LAYER_SOURCES[get_layer(layer_id).id]
        df = self.sources().set_index("name")
        return list(dict.fromkeys(str(df.at[n, "vintage"]) for n in names if n in df.index))

    def built_at(self) -> str | None:
        return self._cached(
            ("built_at",),
            lambda db: (
                db.scalar("SELECT value FROM build_info WHERE key = 'built_at'")
                if "build_info" in db.tables()
                else None
            ),
        )

    # -- layers and indicators -------------------------------------------------------------
    def _layer_sql(self, layer: Layer) -> tuple[str, list]:
        return LAYER_SQL[layer.table], ([layer.wave] if layer.wave is not None else [])

    def frame(self, layer_id: str) -> pd.DataFrame:
        """Attributes of every feature of a layer, indexed by key (a cached copy: do not mutate)."""
        layer = get_layer(layer_id)

        def load(db):
            sql, params = self._layer_sql(layer)
            df = db.df(sql, params)
            df["key"] = df[layer.key].astype(str)
            if {"population", "area_km2"} <= set(df.columns):
                area = df["area_km2"].astype(float).where(lambda a: a > 0)
                df["density"] = df["population"].astype(float) / area
            return df.set_index("key", drop=False).sort_index()

        return self._cached(("frame", layer.id), load)

    def indicators(self, layer_id: str) -> list[Indicator]:
        """The indicators available on a layer (see the module docstring)."""
        layer = get_layer(layer_id)

        def load(db):
            out: list[Indicator] = []
            cols = dict(db.columns(layer.table))
            for c, t in cols.items():
                if c in HIDDEN_COLUMNS or c == layer.key or not t.startswith(NUMERIC_TYPES):
                    continue
                label, unit = COLUMN_LABELS.get(c, (c, ""))
                out.append(Indicator(c, label, unit, decimals=DECIMALS.get(c, 0), column=c))
            if "population" in cols and "area_km2" in cols:
                label, unit = COLUMN_LABELS["density"]
                out.append(Indicator("density", label, unit, decimals=1, column="density"))
            order = list(COLUMN_ORDER)
            out.sort(key=lambda i: order.index(i.id) if i.id in order else len(order))
            tables = db.tables()
            if "indicator" in tables:
                out += self._long_indicators(db, layer)
            if "indicator_value" in tables:
                meta = {}
                if "indicator_meta" in tables:
                    for r in db.df("SELECT * FROM indicator_meta").to_dict("records"):
                        meta[str(r["indicator"])] = r
                ids = [
                    r[0]
                    for r in db.rows(
                        "SELECT DISTINCT indicator FROM indicator_value WHERE layer = ? ORDER BY 1",
                        [layer.shape],
                    )
                ]
                taken = {i.id for i in out}
                for ind in ids:
                    if ind in taken:
                        continue
                    m = meta.get(ind, {})
                    dec = m.get("decimals")
                    out.append(
                        Indicator(
                            ind,
                            str(m.get("label") or ind),
                            str(m.get("unit") or ""),
                            str(m.get("source") or ""),
                            str(m.get("vintage") or ""),
                            bool(m.get("generated")) if m.get("generated") is not None else False,
                            int(dec) if dec is not None and not pd.isna(dec) else 1,
                        )
                    )
            return out

        return self._cached(("indicators", layer.id), load)

    @staticmethod
    def _long_indicators(db, layer: Layer) -> list[Indicator]:
        """One choice per (indicator, year) of the shared ``indicator`` table, latest year first
        under the indicator's own name, earlier years as ``<name>_<year>``."""
        df = db.df(
            "SELECT indicator, year, any_value(label) AS label, any_value(unit) AS unit, "
            "any_value(source) AS source, bool_or(is_demo) AS demo, "
            "bool_or(value <> round(value)) AS fractional FROM indicator WHERE layer = ? "
            "GROUP BY indicator, year ORDER BY indicator, year DESC NULLS LAST",
            [layer.shape],
        )
        out, seen = [], set()
        for r in df.itertuples(index=False):
            year = None if pd.isna(r.year) else int(r.year)
            # the latest year keeps the plain name (what other pages link to); older years and
            # a yearless value beside dated ones get a suffix
            if r.indicator not in seen:
                ind_id = r.indicator
            else:
                ind_id = (
                    f"{r.indicator}_{year}" if year is not None else f"{r.indicator}_sans_annee"
                )
            seen.add(r.indicator)
            label = str(r.label).strip() + ("" if year is None else f" ({year})")
            out.append(
                Indicator(
                    ind_id,
                    label,
                    str(r.unit or ""),
                    str(r.source or ""),
                    "" if year is None else str(year),
                    bool(r.demo),
                    1 if r.fractional else 0,
                    None,
                    str(r.indicator),
                    year,
                )
            )
        return out

    def get_indicator(self, layer_id: str, indicator_id: str | None) -> Indicator:
        """The indicator ``indicator_id`` of a layer; raises :class:`QueryError` listing the choices."""
        inds = self.indicators(layer_id)
        for ind in inds:
            if ind.id == indicator_id:
                return ind
        # a long-table name without its year means its latest year (links from other pages)
        for ind in inds:
            if ind.long_name is not None and ind.long_name == indicator_id:
                return ind
        raise QueryError(
            f"unknown indicator {indicator_id!r} for layer {layer_id!r}; expected one "
            f"of {', '.join(i.id for i in inds)}"
        )

    def values(self, layer_id: str, indicator_id: str) -> pd.Series:
        """Indicator values by key for every feature of the layer (NaN = no data)."""
        ind = self.get_indicator(layer_id, indicator_id)
        layer = get_layer(layer_id)

        def load(db):
            keys = self.frame(layer_id).index
            if ind.column is not None:
                s = self.frame(layer_id)[ind.column].astype(float)
            elif ind.long_name is not None:
                df = db.df(
                    "SELECT key, value FROM indicator WHERE layer = ? AND indicator = ? "
                    "AND year IS NOT DISTINCT FROM ?",
                    [layer.shape, ind.long_name, ind.year],
                )
                s = pd.Series(df["value"].astype(float).to_numpy(), index=df["key"].astype(str))
                s = s[~s.index.duplicated()].reindex(keys)
            else:
                df = db.df(
                    "SELECT key, value FROM indicator_value WHERE layer = ? AND indicator = ?",
                    [layer.shape, ind.id],
                )
                s = pd.Series(df["value"].astype(float).to_numpy(), index=df["key"].astype(str))
                s = s[~s.index.duplicated()].reindex(keys)
            return s.rename(ind.id)

        return self._cached(("values", layer_id, ind.id), load)

    def indicator_values_for(self, layer_id: str, key: str) -> list[tuple[Indicator, float | None]]:
        """Every indicator of one feature (for the side panel)."""
        out = []
        for ind in self.indicators(layer_id):
            v = self.values(layer_id, ind.id).get(key)
            out.append((ind, None if v is None or pd.isna(v) else float(v)))
        return out

    # -- administrative filters ----------------------------------------------------------
    def admin_units(self) -> pd.DataFrame:
        """Régions, départements and arrondissements with their parents (for the filters)."""

        def load(db):
            reg = db.df(
                "SELECT code, name, NULL AS region, NULL AS departement FROM region ORDER BY code"
            ).assign(level="region")
            dep = db.df(
                "SELECT code, name, region, NULL AS departement FROM departement ORDER BY code"
            ).assign(level="departement")
            arr = db.df(
                "SELECT code, name, region, departement FROM arrondissement ORDER BY code"
            ).assign(level="arrondissement")
            return pd.concat([reg, dep, arr], ignore_index=True)

        return self._cached(("admin",), load)

    def filter_options(
        self, level: str, region: str | None = None, departement: str | None = None
    ) -> list[dict]:
        """Dropdown options of one filter level, restricted to the chosen parents."""
        df = self.admin_units()
        df = df[df["level"] == level]
        if region and level in ("departement", "arrondissement"):
            df = df[df["region"] == region]
        if departement and level == "arrondissement":
            df = df[df["departement"] == departement]
        return [
            {"label": f"{c} — {n}", "value": c} for c, n in zip(df["code"], df["name"], strict=True)
        ]

    def valid_admin(self, level: str, code) -> str | None:
        """``code`` when it is a known unit of ``level``, else None (inputs are untrusted)."""
        if not isinstance(code, str) or len(code) > 10:
            return None
        df = self.admin_units()
        ok = ((df["level"] == level) & (df["code"] == code)).any()
        return code if ok else None

    def _touch(self, layer: Layer) -> pd.DataFrame:
        """(key, region, departement, arrondissement) for every commune of every feature."""

        def load(db):
            if layer.table == "territory":
                df = db.df(
                    "SELECT DISTINCT tc.territory_id AS key, c.region, c.departement, c.arrondissement "
                    "FROM territory_commune tc JOIN commune c ON c.code = tc.commune_code "
                    "WHERE tc.wave = ?",
                    [layer.wave],
                )
            elif layer.table == "epci":
                df = db.df(
                    "SELECT DISTINCT epci_siren AS key, region, departement, arrondissement "
                    "FROM commune WHERE epci_siren IS NOT NULL"
                )
            else:
                df = db.df(TOUCH_SQL[layer.table])
            return df.astype({"key": str})

        return self._cached(("touch", layer.id), load)

    def mapped_keys(self, layer_id: str) -> list[str]:
        """Keys of the features that have a display geometry (the overseas collectivities
        outside the programme have none), sorted."""
        layer = get_layer(layer_id)

        def load(db):
            shaped = {
                r[0]
                for r in db.rows(
                    "SELECT key FROM shape WHERE layer = ? AND level = 'coarse' AND geom IS NOT NULL",
                    [layer.shape],
                )
            }
            return [k for k in self.frame(layer_id).index if k in shaped]

        return self._cached(("mapped", layer.id), load)

    def filtered_keys(
        self,
        layer_id: str,
        region: str | None = None,
        departement: str | None = None,
        arrondissement: str | None = None,
    ) -> list[str]:
        """Keys of the features that touch the filter (all of them without a filter), sorted."""
        layer = get_layer(layer_id)
        keys = self.mapped_keys(layer_id)
        if not (region or departement or arrondissement):
            return keys
        t = self._touch(layer)
        if arrondissement:
            t = t[t["arrondissement"] == arrondissement]
        elif departement:
            t = t[t["departement"] == departement]
        else:
            t = t[t["region"] == region]
        return sorted(set(t["key"]) & set(keys))

    def bounds(self, shape_layer: str, keys: list[str]) -> list[list[float]] | None:
        """[[south, west], [north, east]] of the true geometry of some features, or None."""
        if not keys:
            return None
        ext = self._cached(
            ("extents", shape_layer),
            lambda db: db.df(
                "SELECT key, ST_YMin(geom) AS s, ST_XMin(geom) AS w, ST_YMax(geom) AS n, ST_XMax(geom) AS e "
                "FROM shape WHERE layer = ? AND level = 'coarse' AND geom IS NOT NULL",
                [shape_layer],
            ).set_index("key"),
        )
        sub = ext[ext.index.isin(list(keys))]
        if sub.empty:
            return None
        return [
            [float(sub["s"].min()), float(sub["w"].min())],
            [float(sub["n"].max()), float(sub["e"].max())],
        ]

    def filter_bounds(self, region=None, departement=None, arrondissement=None):
        """Bounds of the most specific filter unit, or None."""
        if arrondissement:
            return self.bounds("arrondissement", [arrondissement])
        if departement:
            return self.bounds("departement", [departement])
        if region:
            return self.bounds("region", [region])
        return None

    # -- geometry --------------------------------------------------------------------------
    def geojson(
        self,
        shape_layer: str,
        *,
        level: str = "coarse",
        inset: bool = True,
        keys: tuple[str, ...] | None = None,
        names: bool = True,
    ) -> bytes:
        """A FeatureCollection (bytes) of ``shape_layer`` with properties ``key`` and ``name``.

        ``inset`` uses ``geom_inset`` (overseas départements moved near the mainland, for the
        national view); ``keys`` restricts the features.
        """
        key = ("geojson", shape_layer, level, inset, keys, names)
        return self._cached(
            key, lambda db: self._geojson(db, shape_layer, level, inset, keys, names)
        )

    def geobuf(
        self,
        shape_layer: str,
        *,
        level: str = "coarse",
        inset: bool = True,
        keys: tuple[str, ...] | None = None,
        names: bool = True,
    ) -> tuple[bytes, bytes]:
        """The same FeatureCollection as :meth:`geojson` in Geobuf (delta-encoded protobuf, read
        by dash-leaflet's ``format="geobuf"``): ``(raw, gzip-compressed)``, less than half the
        bytes of gzip GeoJSON."""
        import gzip
        import json

        import geobuf

        def load(db):
            raw = geobuf.encode(
                json.loads(
                    self.geojson(shape_layer, level=level, inset=inset, keys=keys, names=names)
                ),
                3 if level == "coarse" else 4,
            )
            return raw, gzip.compress(raw, 6)

        return self._cached(("geobuf", shape_layer, level, inset, keys, names), load)

    def _geojson(self, db, shape_layer, level, inset, keys, names) -> bytes:
        import json

        sql = GEOJSON_SQL[bool(inset)]
        params: list = [shape_layer, level]
        if keys is not None:
            sql += " AND list_contains(?, key)"
            params.append(list(keys))
        df = db.df(sql + " ORDER BY key", params)
        name_of: dict = {}
        for lay in LAYERS.values():
            if lay.shape == shape_layer and names:
                name_of = self.frame(lay.id)["name"].astype(str).str.strip().to_dict()
        if level == "coarse":  # ~800 m simplification: 3 decimals (~100 m) lose nothing visible
            df["g"] = [_NUMBER.sub(_round3, g) for g in df["g"]]
        parts = []
        for k, g in zip(df["key"], df["g"], strict=True):
            props = json.dumps({"key": k, "name": name_of.get(k, k)}, ensure_ascii=False)
            parts.append('{"type":"Feature","properties":' + props + ',"geometry":' + g + "}")
        return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode()

    def inset_frames(self) -> bytes:
        """Boxes drawn around the overseas insets (GeoJSON bytes)."""

        def load(db):
            df = db.df("SELECT departement, ST_AsGeoJSON(geom) AS g FROM inset_frame ORDER BY 1")
            parts = [
                '{"type":"Feature","properties":{"key":"' + d + '"},"geometry":' + g + "}"
                for d, g in zip(df["departement"], df["g"], strict=True)
                if d.isalnum()
            ]
            return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode()

        return self._cached(("inset_frames",), load)

    def chef_lieux(self, keys: tuple[str, ...] | None = None, *, inset: bool = False) -> bytes:
        """Préfectures and sous-préfectures as GeoJSON points; ``inset`` moves the overseas ones
        into their inset boxes, like ``shape.geom_inset``."""
        import json

        def load(db):
            df = db.df(
                "SELECT code, departement, chef_lieu_name, chef_lieu_kind, "
                "ST_X(chef_lieu_geom) AS x, ST_Y(chef_lieu_geom) AS y FROM arrondissement "
                "WHERE chef_lieu_geom IS NOT NULL ORDER BY code"
            )
            if keys is not None:
                df = df[df["code"].isin(keys)]
            if inset:
                df = self._inset_points(db, df)
            feats = [
                {
                    "type": "Feature",
                    "properties": {"key": c, "name": n, "kind": k},
                    "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]},
                }
                for c, n, k, x, y in df[
                    ["code", "chef_lieu_name", "chef_lieu_kind", "x", "y"]
                ].itertuples(index=False)
            ]
            return json.dumps(
                {"type": "FeatureCollection", "features": feats}, ensure_ascii=False
            ).encode()

        return self._cached(("chef_lieux", keys, inset), load)

    @staticmethod
    def _inset_points(db, df: pd.DataFrame) -> pd.DataFrame:
        import geopandas as gpd

        from geo.crs import metric_crs
        from geo.insets import INSET_BY_DEP, relocate

        df = df.copy()
        for dep in INSET_BY_DEP:
            mask = (df["departement"] == dep).to_numpy()
            if not mask.any():
                continue
            outline = db.geodf(
                "SELECT ST_AsWKB(geom) AS geom FROM departement WHERE code = ?", [dep]
            )
            extent = tuple(outline.geometry.to_crs(metric_crs(dep)).total_bounds)
            pts = gpd.GeoDataFrame(
                geometry=gpd.points_from_xy(df.loc[mask, "x"], df.loc[mask, "y"]), crs="EPSG:4326"
            )
            moved = relocate(pts, dep, extent)
            df.loc[mask, "x"] = moved.x.to_numpy()
            df.loc[mask, "y"] = moved.y.to_numpy()
        return df

    # -- search ----------------------------------------------------------------------------
    def _search_index(self) -> pd.DataFrame:
        def load(db):
            parts = [
                db.df(
                    "SELECT 'commune' AS kind, code AS key, name, departement AS dep, "
                    "population FROM commune"
                ),
                db.df(
                    "SELECT 'epci' AS kind, siren AS key, name, main_departement AS dep, "
                    "population FROM epci"
                ),
                db.df(
                    "SELECT 'arrondissement' AS kind, code AS key, name, departement AS dep, "
                    "population FROM arrondissement"
                ),
                db.df(
                    "SELECT 'ti' || wave AS kind, id AS key, name, main_departement AS dep, "
                    "population FROM territory"
                ),
            ]
            df = pd.concat(parts, ignore_index=True)
            df["name"] = df["name"].astype(str).str.strip()
            df["norm"] = [normalize(n) for n in df["name"]]
            return df

        return self._cached(("search_index",), load)

    def search(self, text, limit: int = SEARCH_LIMIT) -> list[dict]:
        """Communes, EPCI, arrondissements and territories whose name contains ``text``.

        Accent- and case-insensitive; exact names first, then prefixes, then by population.
        A matching commune brings its 2023 territory along. Returns dicts with ``kind``,
        ``key``, ``name``, ``dep`` and ``label``; untrusted input gives an empty list.
        """
        if not isinstance(text, str):
            return []
        q = normalize(text)[:MAX_SEARCH_LEN]
        if len(q) < 2:
            return []
        idx = self._search_index()
        hit = idx[idx["norm"].str.contains(q, regex=False)]
        if hit.empty:
            return []
        rank = np.where(hit["norm"] == q, 0, np.where(hit["norm"].str.startswith(q), 1, 2))
        prio = hit["kind"].map(KIND_PRIORITY).fillna(9)
        hit = (
            hit.assign(rank=rank, prio=prio, pop=hit["population"].fillna(0))
            .sort_values(["rank", "prio", "pop"], ascending=[True, True, False])
            .head(limit)
        )
        out = []
        for r in hit.itertuples(index=False):
            out.append(_result(r.kind, r.key, r.name, r.dep))
        # a commune's territory: "rouen" finds Rouen and the territory it belongs to
        names = {r["key"]: r["name"] for r in out if r["kind"] == "commune"}
        communes = list(names)[:3]
        if communes:
            terr = self.db.df(
                "SELECT tc.commune_code, t.wave, t.id, t.name, t.main_departement "
                "FROM territory_commune tc JOIN territory t ON t.wave = tc.wave AND t.id = tc.territory_id "
                "WHERE list_contains(?, tc.commune_code) ORDER BY t.wave DESC, t.id",
                [communes],
            )
            seen = {(r["kind"], r["key"]) for r in out}
            for c, w, i, n, d in terr.itertuples(index=False):
                if ("ti" + w, i) not in seen:
                    seen.add(("ti" + w, i))
                    res = _result("ti" + w, i, str(n).strip(), d)
                    res["label"] += f", contient {names[c]}"
                    out.append(res)
        return out

    def commune(self, code: str) -> dict | None:
        """A commune's attributes and the keys of the units that hold it."""
        if not isinstance(code, str) or len(code) > 10:
            return None
        df = self.db.df(
            "SELECT code, name, departement, region, arrondissement, epci_siren, "
            "population, area_km2 FROM commune WHERE code = ?",
            [code],
        )
        if df.empty:
            return None
        rec = df.iloc[0].to_dict()
        terr = self.db.rows(
            "SELECT wave, territory_id FROM territory_commune WHERE commune_code = ?", [code]
        )
        rec["territories"] = {w: t for w, t in terr}
        rec["bounds"] = self.bounds("commune", [code])
        return rec

    def container(self, layer_id: str, commune: dict) -> str | None:
        """The key of the feature of ``layer_id`` that holds a commune (from :meth:`commune`)."""
        layer = get_layer(layer_id)
        if layer.table == "territory":
            return commune["territories"].get(layer.wave)
        col = {
            "epci": "epci_siren",
            "arrondissement": "arrondissement",
            "departement": "departement",
            "region": "region",
        }[layer.table]
        v = commune.get(col)
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)

    # -- one feature -----------------------------------------------------------------------
    def has_key(self, layer_id: str, key) -> bool:
        return isinstance(key, str) and len(key) <= 20 and key in self.frame(layer_id).index

    def detail(self, layer_id: str, key) -> dict | None:
        """Everything the side panel shows about one feature, or None when the key is unknown.

        Computed in memory from cached tables (communes, memberships, bounds): a click costs no
        database round trip once the caches are warm.
        """
        layer = get_layer(layer_id)
        if not self.has_key(layer_id, key):
            return None
        row = self.frame(layer_id).loc[key]
        com = self._communes()
        mine = com[com["code"].isin(self._commune_codes(layer, key))]
        out = {
            "layer": layer.id,
            "key": key,
            "name": str(row["name"]).strip(),
            "kind": layer.singular,
            "population": _num(row.get("population")),
            "area_km2": _num(row.get("area_km2")),
            "n_communes": len(mine),
            "n_epci": int(mine["epci_siren"].nunique()),
        }
        deps = (
            mine.groupby("departement")["population"]
            .sum()
            .reset_index()
            .sort_values(["population", "departement"], ascending=[False, True])
        )
        dep_names = self.frame("departement")["name"]
        out["departements"] = [(c, str(dep_names.get(c, c))) for c in deps["departement"]]
        arr = self.frame("arrondissement")
        arr = arr[arr.index.isin(mine["arrondissement"].dropna().unique())]
        arr = arr.sort_values(["chef_lieu_kind", "chef_lieu_name"])
        out["chef_lieux"] = [
            (str(n), str(k))
            for n, k in zip(arr["chef_lieu_name"], arr["chef_lieu_kind"], strict=True)
        ]
        if layer.table == "territory":
            mem = self._members()
            mem = mem[(mem["wave"] == layer.wave) & (mem["territory_id"] == key)]
            out["members"] = [
                (s, k, str(n).strip())
                for s, k, n in mem[["siren", "kind", "name"]].itertuples(index=False)
            ]
        else:
            out["members"] = []
        out["main_departement"] = deps["departement"].iloc[0] if len(deps) else None
        dep_region = self.frame("departement")["region"]
        out["region"] = dep_region.get(out["main_departement"]) if out["main_departement"] else None
        out["indicators"] = self.indicator_values_for(layer_id, key)
        out["bounds"] = self.bounds(layer.shape, [key])
        return out

    def _communes(self) -> pd.DataFrame:
        return self._cached(
            ("communes",),
            lambda db: db.df(
                "SELECT code, departement, region, arrondissement, epci_siren, population FROM commune"
            ),
        )

    def _members(self) -> pd.DataFrame:
        return self._cached(
            ("members",),
            lambda db: db.df(
                "SELECT wave, territory_id, siren, kind, name FROM territory_member ORDER BY kind, name"
            ),
        )

    def _commune_codes(self, layer: Layer, key: str) -> list[str]:
        if layer.table == "territory":
            tc = self._cached(
                ("territory_commune",),
                lambda db: db.df("SELECT wave, territory_id, commune_code FROM territory_commune"),
            )
            return tc.loc[
                (tc["wave"] == layer.wave) & (tc["territory_id"] == key), "commune_code"
            ].tolist()
        col = {
            "epci": "epci_siren",
            "arrondissement": "arrondissement",
            "departement": "departement",
            "region": "region",
        }[layer.table]
        com = self._communes()
        return com.loc[com[col] == key, "code"].tolist()


_NUMBER = re.compile(r"-?\d+\.\d{4,}")


def _round3(m: re.Match) -> str:
    return f"{float(m.group()):.3f}".rstrip("0").rstrip(".")


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


KIND_PRIORITY = {"commune": 0, "ti2023": 1, "epci": 2, "ti2018": 3, "arrondissement": 4}
KIND_LABELS = {
    "commune": "Commune",
    "epci": "EPCI",
    "arrondissement": "Arrondissement",
    "ti2023": "Territoire d'industrie 2023",
    "ti2018": "Territoire d'industrie 2018",
}


def _result(kind: str, key: str, name: str, dep) -> dict:
    dep = "" if dep is None or (isinstance(dep, float) and math.isnan(dep)) else str(dep)
    label = f"{name} — {KIND_LABELS[kind]}" + (f" ({dep})" if dep else "")
    return {"kind": kind, "key": str(key), "name": name, "dep": dep, "label": label}
