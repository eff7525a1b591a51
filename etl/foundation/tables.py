"""Step: write the foundation tables from the frames of ``ctx.foundation``: ``commune``,
``epci``, ``ept``, ``arrondissement``, ``departement``, ``region``, ``territory``,
``territory_member``, ``territory_commune``, ``shape`` and ``inset_frame``."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.context import BuildContext, Foundation
from etl.db import Database
from geo.crs import OVERSEAS_DEPARTEMENTS
from geo.insets import inset_frames, with_insets

COMMUNE_COLUMNS = (
    "code",
    "name",
    "departement",
    "region",
    "arrondissement",
    "epci_siren",
    "ept_siren",
    "population",
    "area_km2",
    "zone",
    "siren",
    "geom",
)
GROUPING_COLUMNS = (
    "siren",
    "name",
    "kind",
    "population",
    "n_communes",
    "area_km2",
    "main_departement",
    "geom",
)
ARRONDISSEMENT_COLUMNS = (
    "code",
    "name",
    "departement",
    "region",
    "chef_lieu_code",
    "chef_lieu_name",
    "chef_lieu_kind",
    "population",
    "n_communes",
    "area_km2",
    "anct_overlap",
    "geom",
    "chef_lieu_geom",
    "chef_lieu_geom_inset",
)
DEPARTEMENT_COLUMNS = (
    "code",
    "name",
    "region",
    "chef_lieu_code",
    "population",
    "n_communes",
    "area_km2",
    "anct_overlap",
    "geom",
)
REGION_COLUMNS = ("code", "name", "population", "n_communes", "area_km2", "anct_overlap", "geom")
# what every dissolved unit gets from its layer frame
_MEASURES = ("population", "n_communes", "area_km2", "anct_overlap")


def write_tables(ctx: BuildContext) -> None:
    """Write every foundation table."""
    f = ctx.foundation
    f.need("cog", "waves", "communes", "territory_member", "territory_commune", "layers")
    f.need("shape", "extents")
    d = ctx.db
    communes = f.communes.rename(columns={"geometry": "geom"}).set_geometry("geom")
    d.write_table("commune", communes[list(COMMUNE_COLUMNS)], geometry=["geom"])
    for layer, meta in (("epci", f.cog.epci), ("ept", f.cog.ept)):
        _write_grouping(d, layer, meta, f.layers[layer])
    d.write_table(
        "arrondissement",
        _arrondissements(f)[list(ARRONDISSEMENT_COLUMNS)],
        geometry=["geom", "chef_lieu_geom", "chef_lieu_geom_inset"],
    )
    for table, meta, columns in (
        ("departement", f.cog.departements, DEPARTEMENT_COLUMNS),
        ("region", f.cog.regions, REGION_COLUMNS),
    ):
        out = _with_measures(meta.set_index("code"), f.layers[table]).reset_index()
        d.write_table(table, out[list(columns)], geometry=["geom"])
    d.write_table("territory", _territories(f), geometry=["geom", "anct_geom"])
    d.write_table(
        "territory_member",
        f.territory_member[["wave", "territory_id", "siren", "kind", "name", "listed_name"]],
    )
    d.write_table(
        "territory_commune", f.territory_commune[["wave", "territory_id", "commune_code"]]
    )
    d.write_table("shape", f.shape, geometry=["geom", "geom_inset"])
    d.write_table(
        "inset_frame",
        pd.DataFrame({"departement": list(OVERSEAS_DEPARTEMENTS), "geom": inset_frames()}),
        geometry=["geom"],
    )


def _with_measures(meta: pd.DataFrame, layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """``meta`` (indexed by the unit's code) with the measures and geometry of its dissolve."""
    fr = layer.reindex(meta.index)
    return meta.assign(**{m: fr[m] for m in _MEASURES}, geom=fr.geometry)


def _write_grouping(d: Database, layer: str, meta: pd.DataFrame, fr: gpd.GeoDataFrame) -> None:
    """``epci`` or ``ept``: every grouping of the COG, with its dissolve where it has communes."""
    out = meta.set_index("siren").join(fr.drop(columns=["geometry"]), how="left")
    out["geom"] = fr.geometry.reindex(out.index)
    d.write_table(layer, out.reset_index()[list(GROUPING_COLUMNS)], geometry=["geom"])


def _arrondissements(f: Foundation) -> pd.DataFrame:
    """Arrondissements with their chef-lieu (préfecture or sous-préfecture): its name, kind, a
    point inside its commune (``chef_lieu_geom``) and that point moved into its overseas inset
    box with the extents of ``shape.geom_inset`` (``chef_lieu_geom_inset``; mainland points
    unchanged), for the national map."""
    arr = f.cog.arrondissements.set_index("code")
    chef = arr["chef_lieu_code"]
    commune = f.communes.set_index("code")
    points = gpd.GeoDataFrame(
        geometry=shapely.point_on_surface(commune.geometry.reindex(chef).to_numpy()),
        index=arr.index,
        crs="EPSG:4326",
    )
    prefectures = set(f.cog.departements["chef_lieu_code"])
    return (
        _with_measures(arr, f.layers["arrondissement"])
        .assign(
            chef_lieu_name=chef.map(f.cog.communes.set_index("code")["name"]),
            chef_lieu_kind=np.where(chef.isin(prefectures), "préfecture", "sous-préfecture"),
            chef_lieu_geom=points.geometry.to_numpy(),
            chef_lieu_geom_inset=with_insets(points, arr["departement"], f.extents).to_numpy(),
        )
        .reset_index()
    )


def _territories(f: Foundation) -> pd.DataFrame:
    """Both waves: the dissolve of each territory and the ANCT polygon as published."""
    rows = []
    for w in f.waves:
        tt = w.territories.set_index("id")
        m = f.territory_member
        n_members = m[m.wave == w.wave].groupby("territory_id").size()
        fr = f.layers[f"territory_{w.wave}"].reindex(tt.index)
        rows.append(
            pd.DataFrame(
                {
                    "wave": w.wave,
                    "id": tt.index,
                    "name": tt["name"].to_numpy(),
                    "population": fr["population"].to_numpy(),
                    "n_communes": fr["n_communes"].to_numpy(),
                    "n_members": n_members.reindex(tt.index).to_numpy(),
                    "area_km2": fr["area_km2"].to_numpy(),
                    "main_departement": fr["main_departement"].to_numpy(),
                    "anct_overlap": fr["anct_overlap"].to_numpy(),
                    "geom": fr.geometry.to_numpy(),
                    "anct_geom": tt.geometry.to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
