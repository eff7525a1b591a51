"""Step: display geometries of every layer at three levels (coverage-aware simplification,
coordinates rounded to each level's grid), with the overseas départements moved beside mainland
France (``geom_inset``) for national views."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import pandas as pd
import shapely

from etl.context import BuildContext
from geo.insets import INSET_BY_DEP, departement_extents, with_insets
from geo.simplify import COMMUNE_LEVELS, LEVELS, round_coordinates, simplify_layer


def start_commune_shapes(ctx: BuildContext) -> None:
    """Start the display geometries of the communes on a thread of their own (``extents`` and
    the future ``commune_shapes`` of ``ctx.foundation``).

    The 35,000 communes are the longest job of :func:`display_geometries` (about 4 s, most of
    it one GEOS call that cannot be split): started as soon as the communes exist, they are
    simplified while the members, dissolves and areas are computed, and
    :func:`display_geometries` waits for them. An error is raised by that step.
    """
    f = ctx.foundation
    f.need("communes")
    communes = f.communes
    f.extents = departement_extents(communes, communes["departement"])
    cidx = communes.set_index("code")
    pool = ThreadPoolExecutor(1, thread_name_prefix="commune-shapes")
    f.commune_shapes = pool.submit(
        _shapes, "commune", cidx[["geometry"]], cidx["departement"], f.extents, ctx, COMMUNE_LEVELS
    )
    pool.shutdown(wait=False)  # the thread ends with its one job


def display_geometries(ctx: BuildContext) -> None:
    """Fill ``shape`` (the rows of the ``shape`` table) of ``ctx.foundation``, the communes'
    rows from :func:`start_commune_shapes` (run here when no step started them)."""
    f = ctx.foundation
    f.need("communes", "layers", "anct")
    if f.commune_shapes is None:
        start_commune_shapes(ctx)
    layers, anct, extents = f.layers, f.anct, f.extents
    jobs = [(k, fr, fr["main_departement"], LEVELS) for k, fr in layers.items()]
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
    # the communes first, as when they were the largest job of this step
    f.shape = pd.concat([f.commune_shapes.result(), *shapes], ignore_index=True)


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
        inset = inset.to_numpy().copy()
        # only the rows moved into an inset leave the grid: the others are already on it
        # (rounding them again would give the same coordinates)
        moved = deps.isin(list(INSET_BY_DEP)).to_numpy()  # positional, as with_insets
        inset[moved] = round_coordinates(inset[moved], lvl.grid, keep_valid=lvl.keep_valid)
        # the vertices a view of this level draws (the bytes sent are display_layer_bytes and
        # the server's answers: writing every level as GeoJSON to count its bytes cost ~1.5 s of
        # the build, holding the GIL)
        ctx.check(
            "display_vertices",
            f"{layer}/{lvl.name}",
            int(shapely.get_num_coordinates(simp.to_numpy()).sum()),
            f"{len(simp)} features",
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
