"""Territoires d'industrie perimeters of both waves (ANCT, Licence Ouverte 2.0).

- 2023-2027 wave (perimeter of July 2024): ``anct-ti-2023/ti_geom.geojson``, members listed in
  ``liste_geo`` as ``"CA du Pays de Gex (240100750); ..."``.
- 2018 wave (state at end 2022): ``anct-admin/polygone-4326_ti.geojson``, members as
  comma-separated ``lib_groupement`` / ``siren_groupement``.

The two waves reuse the same ``ti-XXXX`` codes for different places: every key carries the wave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import SourceError
from etl.readers import SourceFile, check_unique, read_geojson

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

NAME = "territories"
LICENCE = "Licence Ouverte 2.0 (ANCT, data.gouv.fr « Programme Territoires d'industrie »)"
FILES = {
    "2023": "anct-ti-2023/ti_geom.geojson",
    "2018": "anct-admin/polygone-4326_ti.geojson",
}
VINTAGES = {
    "2023": "vague 2023-2027, périmètre de juillet 2024",
    "2018": "vague 2018, état fin 2022",
}
LABELS = {  # as a reader knows them
    "2023": "ANCT, périmètres des Territoires d'industrie 2023-2027, juillet 2024",
    "2018": "ANCT, périmètres des Territoires d'industrie de la vague 2018, fin 2022",
}
_MEMBER = re.compile(r"^\s*(?P<name>.*?)\s*\((?P<siren>\d{9})\)\s*$")
_ID = re.compile(r"^ti-\d{4}$")


@dataclass
class Wave:
    wave: str
    territories: gpd.GeoDataFrame  # id, name, geom (the ANCT polygon, kept as reference)
    members: pd.DataFrame  # territory_id, siren, listed_name
    file: SourceFile


def _check_ids(path: Path, ids: pd.Series, column: str) -> None:
    for i, v in ids.items():
        if not isinstance(v, str) or not _ID.match(v):
            raise SourceError(
                path,
                f"territory id {v!r} is not of the form 'ti-0000'",
                row=int(i) + 1,
                column=column,
            )
    check_unique(path, ids, column)


def read_2023(mirror: Path) -> Wave:
    import geopandas as gpd
    import pandas as pd

    path = mirror / FILES["2023"]
    gdf = read_geojson(path, ["id_territoire", "lib_territoire", "liste_geo"])
    _check_ids(path, gdf["id_territoire"], "id_territoire")
    rows = []
    for tid, liste in zip(gdf["id_territoire"], gdf["liste_geo"], strict=True):
        if not isinstance(liste, str) or not liste.strip():
            raise SourceError(path, "empty member list", row=tid, column="liste_geo")
        for item in liste.split(";"):
            if not item.strip():
                continue
            m = _MEMBER.match(item)
            if not m:
                raise SourceError(
                    path,
                    f"member {item.strip()!r} is not of the form 'Name (SIREN)'",
                    row=tid,
                    column="liste_geo",
                )
            rows.append({"territory_id": tid, "siren": m["siren"], "listed_name": m["name"]})
    territories = gpd.GeoDataFrame(
        {"id": gdf["id_territoire"], "name": gdf["lib_territoire"].astype(str).str.strip()},
        geometry=gdf.geometry,
        crs="EPSG:4326",
    )
    members = pd.DataFrame(rows).drop_duplicates(["territory_id", "siren"])
    return Wave(
        "2023",
        territories,
        members,
        SourceFile(
            "territories:2023",
            path,
            LICENCE,
            VINTAGES["2023"],
            len(territories),
            LABELS["2023"],
            "territoires et listes de leurs membres ; contours reconstitués par fusion des communes",
        ),
    )


def read_2018(mirror: Path) -> Wave:
    import geopandas as gpd
    import pandas as pd

    path = mirror / FILES["2018"]
    gdf = read_geojson(path, ["id_ti", "lib_ti", "lib_groupement", "siren_groupement"])
    _check_ids(path, gdf["id_ti"], "id_ti")
    rows = []
    for tid, names, sirens in zip(
        gdf["id_ti"], gdf["lib_groupement"], gdf["siren_groupement"], strict=True
    ):
        sl = [s.strip() for s in str(sirens or "").split(",") if s.strip()]
        if not sl:
            raise SourceError(path, "empty member list", row=tid, column="siren_groupement")
        for s in sl:
            if not re.fullmatch(r"\d{9}", s):
                raise SourceError(
                    path, f"member SIREN {s!r} is not 9 digits", row=tid, column="siren_groupement"
                )
        nl = [n.strip() for n in str(names or "").split(",")]
        # names may themselves hold commas: pair them with SIRENs only when the counts agree
        paired = nl if len(nl) == len(sl) else [None] * len(sl)
        rows += [
            {"territory_id": tid, "siren": s, "listed_name": n}
            for s, n in zip(sl, paired, strict=True)
        ]
    territories = gpd.GeoDataFrame(
        {"id": gdf["id_ti"], "name": gdf["lib_ti"].astype(str).str.strip()},
        geometry=gdf.geometry,
        crs="EPSG:4326",
    )
    members = pd.DataFrame(rows).drop_duplicates(["territory_id", "siren"])
    return Wave(
        "2018",
        territories,
        members,
        SourceFile(
            "territories:2018",
            path,
            LICENCE,
            VINTAGES["2018"],
            len(territories),
            LABELS["2018"],
            "territoires et listes de leurs membres ; trois territoires de Provence-Alpes-Côte "
            "d'Azur n'ont qu'un point au lieu d'un contour dans ce fichier",
        ),
    )


def read(mirror: Path) -> list[Wave]:
    return [read_2018(mirror), read_2023(mirror)]
