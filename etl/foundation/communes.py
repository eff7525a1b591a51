"""Step: a polygon for every 2026 commune, snapped into a clean coverage, with its EPCI, its
Grand Paris EPT and its area (Lambert-93, or the local projection overseas)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from etl.context import BuildContext
from geo.crs import areas_km2
from geo.dissolve import clean_coverage


def build_communes(ctx: BuildContext) -> None:
    """Fill ``ctx.foundation.communes`` from the COG communes and the polygons read."""
    f = ctx.foundation
    f.need("cog", "polygons")
    cogd = f.cog
    c = cogd.communes.copy()
    polys = _commune_polygons(c, f.polygons, ctx)
    communes = gpd.GeoDataFrame(c, geometry=polys, crs="EPSG:4326")
    cr = clean_coverage(communes)
    communes = cr.frame
    ctx.check(
        "coverage_cleaned",
        "commune polygons",
        cr.invalid_before,
        f"polygons with an unmatched edge; {cr.cleaned} polygons (with two rings of neighbours) "
        f"snapped into a clean coverage",
    )
    gm = cogd.groupings_members
    epci_of = (
        gm[gm.siren.isin(cogd.epci.siren)]
        .drop_duplicates("commune_code")
        .set_index("commune_code")["siren"]
    )
    ept_of = (
        gm[gm.siren.isin(cogd.ept.siren)]
        .drop_duplicates("commune_code")
        .set_index("commune_code")["siren"]
    )
    communes["epci_siren"] = communes["code"].map(epci_of)
    communes["ept_siren"] = communes["code"].map(ept_of)
    communes["area_km2"] = areas_km2(communes, communes["departement"])
    communes["population"] = communes["population"].fillna(0).astype("int64")
    f.communes = communes


def _commune_polygons(
    communes: pd.DataFrame, geo: gpd.GeoDataFrame, ctx: BuildContext
) -> gpd.GeoSeries:
    """A polygon for every 2026 commune: its own, or the union of its predecessors' (mergers)."""
    # plain dicts: one look-up per commune (35,000), not a pandas index look-up each
    com = geo[(geo["type"] == "COM") & geo.geometry.notna()]
    by_code = dict(zip(com["code"], com.geometry.to_numpy(), strict=True))
    old = geo[(geo["type"] != "COM") & geo.geometry.notna()]
    old_by_code = {}
    for c, g in zip(old["code"], old.geometry.to_numpy(), strict=True):
        old_by_code.setdefault(c, g)  # the first row of a code, as before
    out, rebuilt, missing = [], [], []
    used = set()
    for code, preds in zip(communes["code"], communes["predecessors"], strict=True):
        g = by_code.get(code)
        if g is not None:
            out.append(g)
            used.add(code)
            continue
        # a commune nouvelle: its predecessors, as communes or as delegated communes
        codes = list(dict.fromkeys([*preds, code]))
        parts = [
            by_code[c] if c in by_code else old_by_code[c]
            for c in codes
            if c in by_code or c in old_by_code
        ]
        if parts:
            out.append(shapely.make_valid(shapely.union_all(parts)))
            used.update(c for c in codes if c in by_code)
            rebuilt.append(code)
        else:
            out.append(None)
            missing.append(code)
    names = dict(zip(communes["code"], communes["name"], strict=True))
    zone = dict(zip(communes["code"], communes["zone"], strict=True))
    miss_prog = [c for c in missing if zone.get(c) != "com"]
    ctx.check(
        "commune_polygon_rebuilt_from_predecessors",
        "commune",
        len(rebuilt),
        ", ".join(f"{c} {names[c]}" for c in rebuilt[:20]),
    )
    ctx.check(
        "commune_without_polygon",
        "commune (outside COM)",
        len(miss_prog),
        ", ".join(f"{c} {names[c]}" for c in miss_prog[:20]),
        "warning" if miss_prog else "info",
    )
    ctx.check(
        "commune_without_polygon",
        "commune (collectivités d'outre-mer)",
        len(missing) - len(miss_prog),
        "outside the programme",
    )
    unused = sorted(set(by_code) - used)
    ctx.check(
        "polygon_without_commune",
        "geometry code not in COG 2026",
        len(unused),
        ", ".join(unused[:20]),
        "warning" if unused else "info",
    )
    return gpd.GeoSeries(out, index=communes.index, crs="EPSG:4326")
