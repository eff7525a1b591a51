"""The build: raw mirror -> a new DuckDB file, checked, then swapped in place of the old one.

``build()`` is idempotent and atomic: it writes ``<db>.building``, and only a complete, checked
build replaces the database (see ``etl.atomic``); a failure leaves the last good database as it
was. When neither the inputs nor the ETL code changed since the last build, it does nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl import db as dbm
from etl.atomic import new_database
from etl.config import PROJECT_ROOT, Paths
from etl.errors import SourceError
from etl.sources import anct_admin, cog, commune_geometry, territories
from etl.sources._io import SourceFile, sha256
from geo.crs import OVERSEAS_DEPARTEMENTS, areas_km2
from geo.dissolve import clean_coverage, dissolve
from geo.insets import departement_extents, with_insets
from geo.simplify import COMMUNE_LEVELS, LEVELS, geojson_bytes, round_coordinates, simplify_layer
from geo.validate import invalid_reasons, overlap_ratio

SCHEMA_VERSION = "1"
# every input file of the foundation, relative to the mirror
INPUT_FILES = (
    list(cog.FILES.values())
    + list(commune_geometry.FILES.values())
    + list(territories.FILES.values())
    + [v[0] for v in anct_admin.FILES.values()]
)
# extra build steps registered by later parts of the pipeline (projects, employment ...)
EXTRA_STEPS: list[BuildStep] = []


@dataclass
class BuildStep:
    """A step that adds tables to the database being built; ``inputs`` are mirror-relative paths
    (missing optional inputs are allowed when ``optional``)."""

    name: str
    run: Callable[[BuildContext], None]
    inputs: tuple[str, ...] = ()
    optional: bool = False


@dataclass
class BuildContext:
    paths: Paths
    db: dbm.Database
    checks: list[dict] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def check(
        self,
        check: str,
        subject: str,
        value: float | int | None,
        detail: str = "",
        severity: str = "info",
    ) -> None:
        self.checks.append(
            {
                "check": check,
                "subject": subject,
                "value": value,
                "detail": detail,
                "severity": severity,
            }
        )


@dataclass
class BuildResult:
    status: str  # "built" or "up-to-date"
    database: Path
    seconds: float
    checks: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _code_hash() -> str:
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for pkg in ("etl", "geo"):
        for f in sorted((PROJECT_ROOT / pkg).rglob("*.py")):
            h.update(f.relative_to(PROJECT_ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _cached_sha256(p: Path, cache: dict) -> str:
    """sha256 of a file, reused while its size and modification time are unchanged."""
    st = p.stat()
    key, stamp = str(p), [st.st_size, st.st_mtime_ns]
    hit = cache.get(key)
    if hit and hit[:2] == stamp:
        return hit[2]
    digest = sha256(p)
    cache[key] = [*stamp, digest]
    return digest


def fingerprint(paths: Paths) -> str:
    """Hash of every input file present and of the ETL code: equal hashes mean nothing to do.

    File hashes are cached in ``<processed>/.hash-cache.json`` by size and modification time,
    so a no-change rebuild does not read the inputs again.
    """
    return _fingerprint(paths)[0]


def _fingerprint(paths: Paths) -> tuple[str, dict[str, str]]:
    """The fingerprint and the sha256 of each input file (reused for the ``source`` table)."""
    cache_file = paths.processed / ".hash-cache.json"
    try:
        cache = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
    except (OSError, ValueError):
        cache = {}
    h = hashlib.sha256(_code_hash().encode())
    rels = list(INPUT_FILES) + [r for s in EXTRA_STEPS for r in s.inputs]
    for rel in rels:
        p = paths.mirror / rel
        h.update(rel.encode())
        if p.is_file():
            h.update(f"{p.stat().st_size}".encode())
            h.update(_cached_sha256(p, cache).encode())
    for extra in sorted(paths.processed.glob("inputs/*")):
        h.update(extra.name.encode())
        h.update(_cached_sha256(extra, cache).encode())
    try:
        paths.processed.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache))
    except OSError:
        pass  # a cache that cannot be written only costs time
    return h.hexdigest(), {k: v[2] for k, v in cache.items()}


def stored_fingerprint(database: Path) -> str | None:
    if not database.is_file():
        return None
    try:
        with dbm.Database(database, read_only=True) as d:
            if "build_info" not in d.tables():
                return None
            return d.scalar("SELECT value FROM build_info WHERE key = 'fingerprint'")
    except Exception:  # an unreadable file is rebuilt, never trusted
        return None


# ---------------------------------------------------------------------------------------------
# the foundation steps
# ---------------------------------------------------------------------------------------------


def _commune_polygons(
    communes: pd.DataFrame, geo: gpd.GeoDataFrame, ctx: BuildContext
) -> gpd.GeoSeries:
    """A polygon for every 2026 commune: its own, or the union of its predecessors' (mergers)."""
    com = geo[(geo["type"] == "COM") & geo.geometry.notna()]
    by_code = pd.Series(com.geometry.to_numpy(), index=com["code"])
    old = geo[(geo["type"] != "COM") & geo.geometry.notna()]
    old_by_code = pd.Series(old.geometry.to_numpy(), index=old["code"])
    old_by_code = old_by_code[~old_by_code.index.duplicated()]
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
            by_code[c] if c in by_code.index else old_by_code[c]
            for c in codes
            if c in by_code.index or c in old_by_code.index
        ]
        if parts:
            out.append(shapely.make_valid(shapely.union_all(parts)))
            used.update(c for c in codes if c in by_code.index)
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
    unused = sorted(set(by_code.index) - used)
    ctx.check(
        "polygon_without_commune",
        "geometry code not in COG 2026",
        len(unused),
        ", ".join(unused[:20]),
        "warning" if unused else "info",
    )
    return gpd.GeoSeries(out, index=communes.index, crs="EPSG:4326")


def _resolve_members(
    wave: territories.Wave, cogd: cog.Cog, ctx: BuildContext
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Members of each territory with their kind, and the communes they hold."""
    epci = cogd.epci.set_index("siren")
    ept = cogd.ept.set_index("siren")
    com = cogd.communes.set_index("siren")
    kinds, names = [], []
    column = "liste_geo" if wave.wave == "2023" else "siren_groupement"
    for tid, siren in zip(wave.members["territory_id"], wave.members["siren"], strict=True):
        if siren in epci.index:
            kinds.append("EPCI")
            names.append(epci.at[siren, "name"])
        elif siren in ept.index:
            kinds.append("EPT")
            names.append(ept.at[siren, "name"])
        elif siren in com.index:
            kinds.append("commune")
            names.append(com.at[siren, "name"])
        else:
            raise SourceError(
                wave.file.path,
                f"member SIREN {siren} is neither an EPCI, a Grand Paris "
                f"EPT nor a commune of the COG 2026",
                row=tid,
                column=column,
            )
    members = wave.members.assign(kind=kinds, name=names, wave=wave.wave)
    by_kind = members["kind"].value_counts().to_dict()
    ctx.check(
        "members_resolved",
        f"wave {wave.wave}",
        len(members),
        ", ".join(f"{k}: {v}" for k, v in sorted(by_kind.items())),
    )
    gm = cogd.groupings_members
    parts = []
    grp = members[members["kind"] != "commune"].merge(gm, on="siren")
    parts.append(grp[["territory_id", "commune_code"]])
    single = (
        members[members["kind"] == "commune"]
        .merge(cogd.communes[["siren", "code"]], on="siren")
        .rename(columns={"code": "commune_code"})
    )
    parts.append(single[["territory_id", "commune_code"]])
    tc = pd.concat(parts, ignore_index=True).drop_duplicates().assign(wave=wave.wave)
    n_t = tc.groupby("commune_code")["territory_id"].nunique()
    twice = n_t[n_t > 1]
    detail = "; ".join(
        f"{c}: {', '.join(sorted(tc.loc[tc.commune_code == c, 'territory_id']))}"
        for c in twice.index[:10]
    )
    ctx.check(
        "communes_in_two_territories",
        f"wave {wave.wave}",
        len(twice),
        detail,
        "error" if len(twice) else "info",
    )
    n_in = tc["commune_code"].nunique()
    ctx.check(
        "communes_in_no_territory",
        f"wave {wave.wave}",
        len(cogd.communes) - n_in,
        f"{n_in} communes in a territory",
    )
    return members, tc


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
        inset = round_coordinates(inset.to_numpy(), lvl.grid)
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


def _main_value(frame: pd.DataFrame, key: str, value: str, weight: str) -> pd.Series:
    """For each key, the value carrying the largest weight (e.g. the département of most people)."""
    if key == value:
        return pd.Series(frame[key].unique(), index=frame[key].unique())
    w = frame.groupby([key, value])[weight].sum().reset_index()
    w = w.sort_values([key, weight], ascending=[True, False]).drop_duplicates(key)
    return w.set_index(key)[value]


def build_foundation(ctx: BuildContext, progress) -> None:
    mirror, d = ctx.paths.mirror, ctx.db
    t = time.perf_counter

    # the commune polygons (lzma + WKB: GIL-free work) are read in a second thread while the
    # JSON files are parsed in this one
    with ThreadPoolExecutor(1) as ex:
        geo_future = ex.submit(commune_geometry.read, mirror)
        with progress("Lecture du code officiel géographique 2026"):
            cogd = cog.read(mirror)
            ctx.files += cogd.files
        with progress("Lecture des périmètres Territoires d'industrie (2018, 2023)"):
            waves = territories.read(mirror)
            ctx.files += [w.file for w in waves]
        with progress("Lecture des polygones ANCT (référence)"):
            anct = anct_admin.read(mirror)
            ctx.files += anct.files
        with progress("Lecture des polygones communaux"):
            geo, f = geo_future.result()
            ctx.files += f
            inv = invalid_reasons(geo.geometry)
            ctx.check(
                "invalid_geometries",
                "commune polygons (input, COM/COMD/COMA)",
                len(inv),
                "; ".join(f"{geo['code'][i]}: {r}" for i, r in inv.head(10).items()),
                "warning" if len(inv) else "info",
            )
            if len(inv):
                geo.loc[inv.index, "geometry"] = shapely.make_valid(
                    geo.geometry[inv.index].to_numpy()
                )

    t0 = t()
    with progress("Communes : polygones 2026 et couverture sans chevauchement"):
        c = cogd.communes.copy()
        polys = _commune_polygons(c, geo, ctx)
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
    ctx.timings["communes"] = t() - t0

    with progress("Membres des territoires"):
        members, tcs = [], []
        for w in waves:
            m, tc = _resolve_members(w, cogd, ctx)
            members.append(m)
            tcs.append(tc)
        territory_member = pd.concat(members, ignore_index=True)
        territory_commune = pd.concat(tcs, ignore_index=True)

    t0 = t()
    layers: dict[str, gpd.GeoDataFrame] = {}
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
    with progress("Dissolution : EPCI, EPT, arrondissements, départements, régions, territoires"):
        jobs = [
            (layer, cc, key)
            for layer, key in (
                ("epci", "epci_siren"),
                ("ept", "ept_siren"),
                ("arrondissement", "arrondissement"),
                ("departement", "departement"),
                ("region", "region"),
            )
        ]
        for w in waves:
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

        # one point inside every commune, so that an enclave of non-members stays a hole
        commune_points = shapely.point_on_surface(cc.geometry.to_numpy())

        def run(job):
            layer, frame, key = job
            r = dissolve(frame, key, aggfunc=agg, hole_points=commune_points)
            fr = r.frame.rename(columns={"code": "n_communes"})
            fr["main_departement"] = _main_value(
                frame.dropna(subset=[key]), key, "departement", "population"
            ).reindex(fr.index)
            return layer, fr, r

        # shapely releases the GIL in its unions: two layers at a time
        with ThreadPoolExecutor(2) as ex:
            done = list(ex.map(run, jobs))
        filled = sum(r.holes_filled for _, _, r in done)
        full = sum(r.full_unions for _, _, r in done)
        layers = {layer: fr for layer, fr, _ in done}
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
        bad = {k: len(invalid_reasons(v.geometry)) for k, v in layers.items()}
        ctx.check(
            "invalid_geometries",
            "dissolved layers (output)",
            sum(bad.values()),
            ", ".join(f"{k}: {v}" for k, v in bad.items()),
            "error" if sum(bad.values()) else "info",
        )
    ctx.timings["dissolve"] = t() - t0

    t0 = t()
    with progress("Surfaces (Lambert-93, projections locales outre-mer) et comparaison ANCT"):
        # the communes form a coverage: a group's area is the sum of its communes' areas
        for layer, key in (
            ("epci", "epci_siren"),
            ("ept", "ept_siren"),
            ("arrondissement", "arrondissement"),
            ("departement", "departement"),
            ("region", "region"),
        ):
            layers[layer]["area_km2"] = (
                communes.groupby(key)["area_km2"].sum().reindex(layers[layer].index)
            )
        carea = communes.set_index("code")["area_km2"]
        for w in waves:
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
        for w in waves:
            fr = layers[f"territory_{w.wave}"]
            ref = w.territories.set_index("id").geometry
            ratio = overlap_ratio(fr.geometry, ref, fr["main_departement"])
            fr["anct_overlap"] = ratio
            names = w.territories.set_index("id")["name"]
            _report_overlap(ctx, f"territory {w.wave}", ratio, names, ref)
    ctx.timings["areas_and_checks"] = t() - t0

    t0 = t()
    with progress("Géométries d'affichage simplifiées (3 niveaux, encarts outre-mer)"):
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
    ctx.timings["display"] = t() - t0

    t0 = t()
    with progress("Écriture des tables"):
        names = {"commune": cogd.communes.set_index("code")["name"]}
        d.write_table(
            "commune",
            communes[
                [
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
                    "geometry",
                ]
            ].rename(columns={"geometry": "geom"}),
            geometry=["geom"],
        )
        for layer, meta in (("epci", cogd.epci), ("ept", cogd.ept)):
            fr = layers[layer]
            out = meta.set_index("siren").join(fr.drop(columns=["geometry"]), how="left")
            out["geom"] = fr.geometry.reindex(out.index)
            out = out.reset_index()[
                [
                    "siren",
                    "name",
                    "kind",
                    "population",
                    "n_communes",
                    "area_km2",
                    "main_departement",
                    "geom",
                ]
            ]
            d.write_table(layer, out, geometry=["geom"])
        arr = cogd.arrondissements.set_index("code")
        fr = layers["arrondissement"].reindex(arr.index)
        cl = communes.set_index("code")
        dep_chef = set(cogd.departements["chef_lieu_code"])
        out = arr.assign(
            chef_lieu_name=arr["chef_lieu_code"].map(names["commune"]),
            chef_lieu_kind=np.where(
                arr["chef_lieu_code"].isin(dep_chef), "préfecture", "sous-préfecture"
            ),
            population=fr["population"],
            n_communes=fr["n_communes"],
            area_km2=fr["area_km2"],
            anct_overlap=fr["anct_overlap"],
            geom=fr.geometry,
            chef_lieu_geom=shapely.point_on_surface(
                cl.geometry.reindex(arr["chef_lieu_code"]).to_numpy()
            ),
        ).reset_index()
        d.write_table(
            "arrondissement",
            out[
                [
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
                ]
            ],
            geometry=["geom", "chef_lieu_geom"],
        )
        dep = cogd.departements.set_index("code")
        fr = layers["departement"].reindex(dep.index)
        out = dep.assign(
            population=fr["population"],
            n_communes=fr["n_communes"],
            area_km2=fr["area_km2"],
            anct_overlap=fr["anct_overlap"],
            geom=fr.geometry,
        ).reset_index()
        d.write_table(
            "departement",
            out[
                [
                    "code",
                    "name",
                    "region",
                    "chef_lieu_code",
                    "population",
                    "n_communes",
                    "area_km2",
                    "anct_overlap",
                    "geom",
                ]
            ],
            geometry=["geom"],
        )
        reg = cogd.regions.set_index("code")
        fr = layers["region"].reindex(reg.index)
        out = reg.assign(
            population=fr["population"],
            n_communes=fr["n_communes"],
            area_km2=fr["area_km2"],
            anct_overlap=fr["anct_overlap"],
            geom=fr.geometry,
        ).reset_index()
        d.write_table(
            "region",
            out[["code", "name", "population", "n_communes", "area_km2", "anct_overlap", "geom"]],
            geometry=["geom"],
        )
        rows = []
        for w in waves:
            fr = layers[f"territory_{w.wave}"]
            tt = w.territories.set_index("id")
            n_members = (
                territory_member[territory_member.wave == w.wave].groupby("territory_id").size()
            )
            rows.append(
                pd.DataFrame(
                    {
                        "wave": w.wave,
                        "id": tt.index,
                        "name": tt["name"].to_numpy(),
                        "population": fr["population"].reindex(tt.index).to_numpy(),
                        "n_communes": fr["n_communes"].reindex(tt.index).to_numpy(),
                        "n_members": n_members.reindex(tt.index).to_numpy(),
                        "area_km2": fr["area_km2"].reindex(tt.index).to_numpy(),
                        "main_departement": fr["main_departement"].reindex(tt.index).to_numpy(),
                        "anct_overlap": fr["anct_overlap"].reindex(tt.index).to_numpy(),
                        "geom": fr.geometry.reindex(tt.index).to_numpy(),
                        "anct_geom": tt.geometry.to_numpy(),
                    }
                )
            )
        d.write_table(
            "territory", pd.concat(rows, ignore_index=True), geometry=["geom", "anct_geom"]
        )
        d.write_table(
            "territory_member",
            territory_member[["wave", "territory_id", "siren", "kind", "name", "listed_name"]],
        )
        d.write_table(
            "territory_commune", territory_commune[["wave", "territory_id", "commune_code"]]
        )
        d.write_table("shape", shape, geometry=["geom", "geom_inset"])
        from geo.insets import inset_frames

        d.write_table(
            "inset_frame",
            pd.DataFrame({"departement": list(OVERSEAS_DEPARTEMENTS), "geom": inset_frames()}),
            geometry=["geom"],
        )
    ctx.timings["write"] = t() - t0


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


def _write_meta(ctx: BuildContext, fp: str, digests: dict[str, str]) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    src = pd.DataFrame(
        [
            {
                "name": f.name,
                "path": str(f.path),
                "sha256": digests.get(str(f.path)) or sha256(f.path),
                "licence": f.licence,
                "vintage": f.vintage,
                "rows": f.rows,
                "loaded_at": now,
            }
            for f in ctx.files
        ]
    )
    ctx.db.write_table("source", src)
    ctx.db.write_table(
        "validation",
        pd.DataFrame(
            ctx.checks, columns=["check", "subject", "value", "detail", "severity"]
        ).astype({"value": "float64"}),
    )
    info = {
        "fingerprint": fp,
        "schema_version": SCHEMA_VERSION,
        "built_at": now,
        "mirror": str(ctx.paths.mirror),
    }
    ctx.db.write_table(
        "build_info", pd.DataFrame({"key": list(info), "value": list(info.values())})
    )


@contextmanager
def _null_progress(label: str):
    yield


def build(paths: Paths, *, force: bool = False, progress=None) -> BuildResult:
    """Build the database at ``paths.database`` from ``paths.mirror``.

    Parameters
    ----------
    force : rebuild even if inputs and code are unchanged
    progress : a context-manager factory ``progress(label)`` that shows each step
    """
    start = time.perf_counter()
    progress = progress or _null_progress
    fp, digests = _fingerprint(paths)
    if not force and stored_fingerprint(paths.database) == fp:
        return BuildResult("up-to-date", paths.database, time.perf_counter() - start)
    with new_database(paths.database) as d:
        ctx = BuildContext(paths=paths, db=d)
        build_foundation(ctx, progress)
        for step in EXTRA_STEPS:
            t0 = time.perf_counter()
            with progress(step.name):
                step.run(ctx)
            ctx.timings[step.name] = time.perf_counter() - t0
        _write_meta(ctx, fp, digests)
        checks = pd.DataFrame(ctx.checks)
    return BuildResult("built", paths.database, time.perf_counter() - start, checks, ctx.timings)
