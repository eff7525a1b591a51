"""Readers shared by the source modules: they turn every low-level failure into a SourceError."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.db import sha256  # noqa: F401 - the sources hash their files with it
from etl.errors import SourceError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


@dataclass(frozen=True)
class SourceFile:
    """Provenance of one loaded file, written to the ``source`` table.

    ``name`` is the database's key; ``label`` names the file as a reader knows it (in French:
    "ANCT, périmètres des Territoires d'industrie 2023-2027"); ``note`` says, in French, what was
    kept or left out (rows without geometry, empty rows ...)."""

    name: str
    path: Path
    licence: str
    vintage: str
    rows: int
    label: str = ""
    note: str = ""


def fr_int(n: int) -> str:
    """A whole number written the French way (narrow no-break space between thousands)."""
    return f"{int(n):_}".replace("_", "\u202f")


def require_file(path: Path) -> Path:
    if not path.is_file():
        raise SourceError(
            path, "file not found (set TI_MIRROR to the folder that holds the raw mirror)"
        )
    return path


def read_text(path: Path, encoding: str = "utf-8") -> str:
    data = require_file(path).read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SourceError(
            path,
            f"not valid {encoding.upper()} text: byte 0x{data[e.start]:02x} at "
            f"offset {e.start} cannot be decoded; expected {encoding.upper()}",
            row=line,
        ) from None


def read_json(path: Path) -> Any:
    return _parse_json(path, read_text(path))


def _parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise SourceError(
            path,
            f"invalid or truncated JSON: {e.msg} at line {e.lineno}, column {e.colno}",
            row=e.lineno,
        ) from None


def require_fields(
    path: Path,
    records: Sequence[dict],
    fields: Iterable[str],
    *,
    key: str | None = None,
    optional_when: dict[str, Any] | None = None,
) -> None:
    """Every record has every field (a non-null value); the error names the record and field."""
    fields = list(fields)
    if not isinstance(records, list):
        raise SourceError(path, f"expected a JSON list of records, got {type(records).__name__}")
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise SourceError(path, f"expected an object, got {type(rec).__name__}", row=i)
        for f in fields:
            if rec.get(f) in (None, ""):
                where = rec.get(key) if key and rec.get(key) else i
                raise SourceError(
                    path, f"missing value for required field {f!r}", row=where, column=f
                )


def require_columns(path: Path, columns: Iterable[str], required: Iterable[str]) -> None:
    missing = [c for c in required if c not in set(columns)]
    if missing:
        raise SourceError(
            path, f"missing column(s) {missing}; the file has {list(columns)}", column=missing[0]
        )


def check_unique(path: Path, values: pd.Series, column: str) -> None:
    dup = values[values.duplicated(keep=False)]
    if len(dup):
        first = dup.iloc[0]
        rows = [int(i) + 1 for i in dup.index[dup == first]]
        raise SourceError(
            path,
            f"duplicate code {first!r} (records {rows}); codes must be unique",
            row=str(first),
            column=column,
        )


def read_geojson(path: Path, required: Iterable[str]) -> gpd.GeoDataFrame:
    """A GeoJSON FeatureCollection as a GeoDataFrame in WGS84, properties checked."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    text = read_text(path)
    doc = _parse_json(path, text)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise SourceError(path, "expected a GeoJSON FeatureCollection")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise SourceError(path, "expected a 'features' list", column="features")
    required = list(required)
    for i, f in enumerate(feats, start=1):
        props = (f or {}).get("properties") or {}
        for c in required:
            if c not in props:
                raise SourceError(
                    path, f"feature has no property {c!r}; it has {sorted(props)}", row=i, column=c
                )
        if not (f or {}).get("geometry"):
            raise SourceError(path, "feature has no geometry", row=i, column="geometry")
    # GEOS parses the geometries (much faster than building them coordinate by coordinate):
    # the whole file in one call, the features' geometries in order; when it cannot, each
    # geometry alone, written back as JSON, to name the one that fails
    whole = shapely.from_geojson(text, on_invalid="ignore")
    if (
        whole is not None
        and shapely.get_type_id(whole) == shapely.GeometryType.GEOMETRYCOLLECTION
        and shapely.get_num_geometries(whole) == len(feats)
    ):
        geoms = shapely.get_geometry(whole, np.arange(len(feats)))
    else:
        texts = [json.dumps(f["geometry"]) for f in feats]
        geoms = shapely.from_geojson(texts, on_invalid="ignore")
        bad = np.flatnonzero(shapely.is_missing(geoms))
        if len(bad):
            raise SourceError(
                path,
                f"unreadable geometry: {texts[bad[0]][:80]}",
                row=int(bad[0]) + 1,
                column="geometry",
            )
    props = pd.DataFrame([f.get("properties") or {} for f in feats])
    return gpd.GeoDataFrame(props, geometry=geoms, crs="EPSG:4326")
