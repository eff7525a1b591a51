"""Step: the area of every dissolved layer (the sum of its communes' areas: they form a
coverage) and its overlap with the ANCT polygon (intersection over union), worst cases named."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from etl.context import BuildContext
from etl.foundation.dissolve import GROUPINGS
from geo.validate import overlap_ratio


def area_and_overlap(ctx: BuildContext) -> None:
    """Add ``area_km2`` and ``anct_overlap`` to the frames of ``ctx.foundation.layers``."""
    f = ctx.foundation
    f.need("communes", "layers", "territory_commune", "anct")
    communes, layers, territory_commune, anct = f.communes, f.layers, f.territory_commune, f.anct
    # the communes form a coverage: a group's area is the sum of its communes' areas
    for layer, key in GROUPINGS.items():
        layers[layer]["area_km2"] = (
            communes.groupby(key)["area_km2"].sum().reindex(layers[layer].index)
        )
    carea = communes.set_index("code")["area_km2"]
    for w in f.waves:
        tc = territory_commune[territory_commune.wave == w.wave]
        s_ = tc.assign(a=tc["commune_code"].map(carea)).groupby("territory_id")["a"].sum()
        fr = layers[f"territory_{w.wave}"]
        fr["area_km2"] = s_.reindex(fr.index)
    for layer in ("arrondissement", "departement", "region"):
        ref = anct.layers[layer].set_index("code").geometry
        ratio = overlap_ratio(layers[layer].geometry, ref, layers[layer]["main_departement"])
        layers[layer]["anct_overlap"] = ratio
        names = anct.layers[layer].set_index("code")["name"]
        _report_overlap(ctx, layer, ratio, names, ref)
    for w in f.waves:
        fr = layers[f"territory_{w.wave}"]
        ref = w.territories.set_index("id").geometry
        ratio = overlap_ratio(fr.geometry, ref, fr["main_departement"])
        fr["anct_overlap"] = ratio
        names = w.territories.set_index("id")["name"]
        _report_overlap(ctx, f"territory {w.wave}", ratio, names, ref)


def _report_overlap(
    ctx: BuildContext, layer: str, ratio: pd.Series, names: pd.Series, ref: gpd.GeoSeries
) -> None:
    r = ratio.dropna()
    missing_ref = sorted(set(ratio.index) - set(ref.index))
    not_poly = ref[~ref.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(not_poly):
        ctx.check(
            "anct_reference_not_polygon",
            layer,
            len(not_poly),
            ", ".join(f"{i} {names.get(i, '')} ({t})" for i, t in not_poly.geom_type.items()),
            "warning",
        )
    if len(r):
        worst = r.sort_values().head(5)
        detail = "; ".join(f"{i} {names.get(i, '')}: {v:.3f}" for i, v in worst.items())
        ctx.check(
            "overlap_with_anct_min",
            layer,
            round(float(r.min()), 4),
            f"worst: {detail}",
            "warning" if r.min() < 0.9 else "info",
        )
        ctx.check(
            "overlap_with_anct_median",
            layer,
            round(float(r.median()), 4),
            f"{(r >= 0.95).sum()} of {len(r)} at 0.95 or more",
        )
    if missing_ref:
        ctx.check(
            "no_anct_reference", layer, len(missing_ref), ", ".join(missing_ref[:10]), "warning"
        )
