"""Step: display geometries of every layer at three levels (coverage-aware simplification,
coordinates rounded to each level's grid), with the overseas départements moved beside mainland
France (``geom_inset``) for national views."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import pandas as pd
import shapely

from etl.context import BuildContext
from geo.insets import departement_extents, with_insets
from geo.simplify import COMMUNE_LEVELS, LEVELS, geojson_bytes, round_coordinates, simplify_layer


def display_geometries(ctx: BuildContext) -> None:
    """Fill ``shape`` (the rows of the ``shape`` table) and ``extents`` of ``ctx.foundation``."""
    f = ctx.foundation
    f.need("communes", "layers", "anct")
    communes, layers, anct = f.communes, f.layers, f.anct
    extents = departement_extents(communes, communes["departement"])
    jobs = [(k, fr, fr["main_departement"], LEVELS) for k, fr in layers.items()]
    cidx = communes.set_index("code")
    jobs.append(("commune", cidx[["geometry"]], cidx["departement"], COMMUNE_LEVELS))
    for layer in ("departement", "region"):
        ref = anct.layers[layer].set_index("code")
        dep = (
            ref.index.to_series()
            if layer == "departement"
            else layers["region"]["main_departement"].reindex(ref.index)
        )
        jobs.append((f"base_{layer}", ref[["geometry"]], dep, LEVELS[1:]))
    # shapely releases the GIL: the layers are simplified two at a time
    with ThreadPoolExecutor(2) as ex:
        shapes = list(
            ex.map(
                lambda j: _shapes(j[0], j[1], j[2], extents, ctx, levels=j[3]),
                sorted(jobs, key=lambda j: -len(j[1])),
            )
        )
    shape = pd.concat(shapes, ignore_index=True)
    f.shape = shape
    f.extents = extents


def _shapes(
    layer: str,
    gdf: gpd.GeoDataFrame,
    deps: pd.Series,
    extents: dict,
    ctx: BuildContext,
    levels=LEVELS,
) -> pd.DataFrame:
    """Display versions of a layer at each level, with and without overseas insets."""
    rows = []
    for lvl in levels:
        simp = simplify_layer(gdf, lvl)
        inset = with_insets(gpd.GeoDataFrame(geometry=simp, crs=gdf.crs), deps, extents)
        inset = round_coordinates(inset.to_numpy(), lvl.grid, keep_valid=lvl.keep_valid)
        ctx.check(
            "display_size",
            f"{layer}/{lvl.name}",
            geojson_bytes(simp),
            f"{len(simp)} features, {int(shapely.get_num_coordinates(simp.to_numpy()).sum())} vertices",
        )
        rows.append(
            pd.DataFrame(
                {
                    "layer": layer,
                    "key": gdf.index.astype(str),
                    "level": lvl.name,
                    "geom": simp.to_numpy(),
                    "geom_inset": inset,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
