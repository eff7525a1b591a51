"""Step: every layer dissolved from its member communes, as the ANCT builds the perimeters:
EPCI, Grand Paris EPT, arrondissements, départements, régions and the territories of each wave,
with their population, number of communes and main département."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import pandas as pd
import shapely

from etl.context import BuildContext
from geo.dissolve import dissolve, hole_tree
from geo.validate import invalid_reasons

# the layers that group communes by a column of ``commune`` (the territories group them by
# ``territory_commune``)
GROUPINGS = {
    "epci": "epci_siren",
    "ept": "ept_siren",
    "arrondissement": "arrondissement",
    "departement": "departement",
    "region": "region",
}


def dissolve_layers(ctx: BuildContext) -> None:
    """Fill ``ctx.foundation.layers`` (one frame per layer, indexed by its key)."""
    f = ctx.foundation
    f.need("communes", "waves", "territory_commune")
    communes, territory_commune = f.communes, f.territory_commune
    cc = communes[
        [
            "code",
            "population",
            "departement",
            "region",
            "arrondissement",
            "epci_siren",
            "ept_siren",
            "geometry",
        ]
    ]
    agg = {"population": "sum", "code": "count"}
    jobs = [(layer, cc, key) for layer, key in GROUPINGS.items()]
    for w in f.waves:
        tc = territory_commune[territory_commune.wave == w.wave]
        joined = cc.merge(
            tc[["commune_code", "territory_id"]], left_on="code", right_on="commune_code"
        )
        jobs.append(
            (
                f"territory_{w.wave}",
                gpd.GeoDataFrame(joined, geometry="geometry", crs="EPSG:4326"),
                "territory_id",
            )
        )

    # one point inside every commune, so that an enclave of non-members stays a hole: their
    # index is built once for the seven layers
    commune_points = hole_tree(shapely.point_on_surface(cc.geometry.to_numpy()))

    def run(job):
        layer, frame, key = job
        r = dissolve(frame, key, aggfunc=agg, hole_points=commune_points)
        fr = r.frame.rename(columns={"code": "n_communes"})
        fr["main_departement"] = _main_value(
            frame.dropna(subset=[key]), key, "departement", "population"
        ).reindex(fr.index)
        # checked on the job's thread (GEOS releases the GIL), not after all the dissolves
        return layer, fr, r, len(invalid_reasons(fr.geometry))

    # shapely releases the GIL in its unions: two layers at a time
    with ThreadPoolExecutor(2) as ex:
        done = list(ex.map(run, jobs))
    filled = sum(r.holes_filled for _, _, r, _ in done)
    full = sum(r.full_unions for _, _, r, _ in done)
    layers = {layer: fr for layer, fr, _, _ in done}
    ctx.check(
        "sliver_holes_filled",
        "all dissolved layers",
        filled,
        "holes containing no commune, left by simplification",
    )
    ctx.check(
        "full_overlay_unions",
        "all dissolved layers",
        full,
        "groups whose communes were not a clean coverage",
        "warning" if full else "info",
    )
    bad = {layer: n for layer, _, _, n in done}
    ctx.check(
        "invalid_geometries",
        "dissolved layers (output)",
        sum(bad.values()),
        ", ".join(f"{k}: {v}" for k, v in bad.items()),
        "error" if sum(bad.values()) else "info",
    )
    f.layers = layers


def _main_value(frame: pd.DataFrame, key: str, value: str, weight: str) -> pd.Series:
    """For each key, the value carrying the largest weight (e.g. the département of most people)."""
    if key == value:
        return pd.Series(frame[key].unique(), index=frame[key].unique())
    w = frame.groupby([key, value])[weight].sum().reset_index()
    w = w.sort_values([key, weight], ascending=[True, False]).drop_duplicates(key)
    return w.set_index(key)[value]
