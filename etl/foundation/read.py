"""Step: read and check the foundation's sources (COG 2026, both waves, ANCT polygons, commune
polygons); invalid input polygons are repaired and reported."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from etl.context import BuildContext
from etl.sources import anct_admin, cog, commune_geometry, territories

# every input file of the foundation, relative to the mirror
INPUTS = (
    *cog.FILES.values(),
    *commune_geometry.FILES.values(),
    *territories.FILES.values(),
    *(v[0] for v in anct_admin.FILES.values()),
)


def read_sources(ctx: BuildContext) -> None:
    """Fill ``cog``, ``waves``, ``anct`` and ``polygons`` of ``ctx.foundation``."""
    import shapely  # imported when the step runs: etl.pipeline reads INPUTS without it

    f, mirror = ctx.foundation, ctx.paths.mirror
    # the commune polygons (lzma, WKB, validity: GIL-free work) are read and checked in a
    # second thread while the JSON files are parsed in this one
    with ThreadPoolExecutor(1) as ex:
        polygons = ex.submit(_polygons, mirror)
        f.cog = cog.read(mirror)
        f.waves = territories.read(mirror)
        f.anct = anct_admin.read(mirror)
        geo, files, inv = polygons.result()
    ctx.files += [*f.cog.files, *(w.file for w in f.waves), *f.anct.files, *files]
    ctx.check(
        "invalid_geometries",
        "commune polygons (input, COM/COMD/COMA)",
        len(inv),
        "; ".join(f"{geo['code'][i]}: {r}" for i, r in inv.head(10).items()),
        "warning" if len(inv) else "info",
    )
    if len(inv):
        geo.loc[inv.index, "geometry"] = shapely.make_valid(geo.geometry[inv.index].to_numpy())
    f.polygons = geo


def _polygons(mirror):
    """The commune polygons, their files and the reason of each invalid one."""
    from geo.validate import invalid_reasons

    geo, files = commune_geometry.read(mirror)
    return geo, files, invalid_reasons(geo.geometry)
