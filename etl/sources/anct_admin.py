"""ANCT generalised administrative polygons (COG 2025): arrondissements, départements, régions.

Used as a check of our own dissolves and as the base layer of the maps (no tile server).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from etl.readers import SourceFile, check_unique, read_geojson

if TYPE_CHECKING:
    import geopandas as gpd

NAME = "anct_admin"
LICENCE = (
    "Licence Ouverte attendue (données ouvertes de l'ANCT ; le fichier ne précise pas sa licence)"
)
VINTAGE = "COG 2025"
LABELS = {  # as a reader knows them
    "arrondissement": "ANCT, contours généralisés des arrondissements",
    "departement": "ANCT, contours généralisés des départements",
    "region": "ANCT, contours généralisés des régions",
}
NOTE = "contours simplifiés par l'ANCT : fond de carte et contrôle des contours reconstitués"
FILES = {
    "arrondissement": ("anct-admin/polygone-4326_arr.geojson", "insee_arr", "lib_arr"),
    "departement": ("anct-admin/polygone-4326_dep.geojson", "insee_dep", "lib_dep"),
    "region": ("anct-admin/polygone-4326_reg.geojson", "insee_reg", "lib_reg"),
}


@dataclass
class AnctAdmin:
    layers: dict[str, gpd.GeoDataFrame]  # layer -> (code, name, geometry)
    files: list[SourceFile]


def read(mirror: Path) -> AnctAdmin:
    import geopandas as gpd

    layers, files = {}, []
    for layer, (rel, code, name) in FILES.items():
        path = mirror / rel
        gdf = read_geojson(path, [code, name])
        check_unique(path, gdf[code], code)
        layers[layer] = gpd.GeoDataFrame(
            {"code": gdf[code].astype(str), "name": gdf[name]},
            geometry=gdf.geometry,
            crs="EPSG:4326",
        )
        files.append(
            SourceFile(f"anct_admin:{layer}", path, LICENCE, VINTAGE, len(gdf), LABELS[layer], NOTE)
        )
    return AnctAdmin(layers, files)
