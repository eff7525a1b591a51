"""Benchmarks of the progress data layer (issue 5); prints the measured numbers.

1. Urssaf at national size: a generated file with the 53 columns of the real one and 1.2 M rows
   (commune x APE, about 40 % empty cells) is read, checked and aggregated to every layer
   (``etl.sources.urssaf.read_communes`` + ``aggregate``) in a child process, whose wall time and
   peak resident memory are reported. Target: under 60 s.
2. Registry import: a generated 100,000-row CSV is imported with ``etl.registry_import.import_projects``
   into a copy of the database (validation, placement, indicators, atomic swap). Target: under 10 s.

Usage: ``.venv/bin/python scripts/bench_progress.py [--rows 1200000] [--projects 100000]``; needs the
database (``make etl``). Generated files go to a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.config import Paths, get_paths  # noqa: E402
from etl.db import Database  # noqa: E402
from etl.sources import urssaf  # noqa: E402

ID_COLUMNS = [
    "Région",
    "Ancienne région",
    "Département",
    "Zone d'emploi",
    "EPCI",
    "Nom commune",
    "Commune",
    "Grand secteur d'activité",
    "Secteur NA17",
    "Secteur NA38",
    "Secteur NA88",
    "APE",
    "Code région",
    "Code ancienne région",
    "Code département",
    "Code zone d'emploi",
    "Code EPCI",
    "Code commune",
    "Code APE",
]
YEARS = list(range(2006, 2023))
SECTORS = [
    "GS1 Industrie",
    "GS2 Construction",
    "GS3 Commerce",
    "GS4 Hôtellerie-restauration",
    "GS5 Autres services marchands hors intérim",
    "GS6 Intérim",
    "GS7 Services non marchands",
]


def generate_urssaf(path: Path, communes: pd.DataFrame, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    n_ape = 732
    per = int(np.ceil(rows / len(communes)))
    code = np.repeat(communes.code.to_numpy(), per)[:rows]
    # distinct APE codes within a commune: consecutive offsets from a random start
    start = np.repeat(rng.integers(0, n_ape, len(communes)), per)[:rows]
    offset = np.tile(np.arange(per), len(communes))[:rows]
    ape_i = (start + offset * 7) % n_ape  # 7 is prime with 732: no repeat within 34 steps
    ape = np.char.add(np.char.zfill(ape_i.astype(str), 4), "Z")
    sector = np.array(SECTORS)[ape_i % len(SECTORS)]
    meta = communes.set_index("code").loc[code]
    out = {c: "" for c in ID_COLUMNS}
    out.update(
        {
            "Région": "Région",
            "Département": meta.departement.to_numpy(),
            "EPCI": "EPCI",
            "Nom commune": "Commune",
            "Commune": code,
            "Grand secteur d'activité": sector,
            "APE": ape,
            "Code région": meta.region.to_numpy(),
            "Code département": meta.departement.to_numpy(),
            "Code EPCI": meta.epci_siren.fillna("").to_numpy(),
            "Code commune": code,
            "Code APE": ape,
        }
    )
    frame = pd.DataFrame(out, columns=ID_COLUMNS)
    for y in YEARS:
        est = rng.integers(1, 6, rows).astype(float)
        emp = est * rng.integers(0, 40, rows)
        empty = rng.random(rows) < 0.4
        est[empty] = np.nan
        emp[empty | (rng.random(rows) < 0.01)] = np.nan
        frame[f"Nombre d'établissements {y}"] = pd.array(est, dtype="Int64")
        frame[f"Effectifs salariés {y}"] = pd.array(emp, dtype="Int64")
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig", chunksize=200_000)


def _hwm_mb() -> float:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_urssaf(path: str, mirror: str, database: str) -> None:
    """Run in a fresh process: read + aggregate, print seconds and peak memory as JSON."""
    base = _hwm_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    data = urssaf.read_communes(Path(path), urssaf.successor_map(Path(mirror)))
    t1 = time.perf_counter()
    with Database(database) as d:
        emp, cov = urssaf.aggregate(data, d)
        ind = urssaf.indicators(emp, cov)
    t2 = time.perf_counter()
    with Database(None, read_only=False) as mem:  # the writes of the build step, into memory
        mem.write_table("employment", emp)
        mem.write_table("employment_coverage", cov)
        mem.write_table("indicator", ind)
    t3 = time.perf_counter()
    print(
        json.dumps(
            {
                "write_s": t3 - t2,
                "cpu_s": time.process_time() - c0,
                "read_s": t1 - t0,
                "aggregate_s": t2 - t1,
                "total_s": t2 - t0,
                "rows": data.rows,
                "employment_rows": len(emp),
                "indicator_rows": len(ind),
                "baseline_mb": base,
                "peak_mb": _hwm_mb(),
            }
        )
    )


def generate_registry(path: Path, communes: pd.DataFrame, rows: int, seed: int = 2) -> None:
    rng = np.random.default_rng(seed)
    code = communes.code.to_numpy()[rng.integers(0, len(communes), rows)]
    pd.DataFrame(
        {
            "identifiant": [f"B{i:06d}" for i in range(rows)],
            "nom": [f"Projet {i}" for i in range(rows)],
            "commune": code,
            "epci": "",
            "territoire": "",
            "vague": "",
            "date": [
                f"{y}-{m:02d}-15"
                for y, m in zip(
                    rng.integers(2019, 2026, rows), rng.integers(1, 13, rows), strict=True
                )
            ],
            "statut": np.array(["identifié", "financé", "en cours", "réalisé"])[
                rng.integers(0, 4, rows)
            ],
            "investissement_eur": rng.integers(10_000, 50_000_000, rows),
            "aide_publique_eur": rng.integers(0, 2_000_000, rows),
            "emplois_crees": rng.integers(0, 200, rows),
            "emplois_maintenus": rng.integers(0, 500, rows),
            "source": "banc d'essai",
        }
    ).to_csv(path, sep=";", index=False, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_200_000)
    ap.add_argument("--projects", type=int, default=100_000)
    ap.add_argument(
        "--child-urssaf", nargs=3, metavar=("FILE", "MIRROR", "DB"), help=argparse.SUPPRESS
    )
    a = ap.parse_args()
    if a.child_urssaf:
        child_urssaf(*a.child_urssaf)
        return
    paths = get_paths()
    if not paths.database.is_file():
        sys.exit(f"no database at {paths.database}: run `make etl` first")
    with Database(paths.database) as d:
        communes = d.df("SELECT code, departement, region, epci_siren FROM commune ORDER BY code")
    tmp = Path(tempfile.mkdtemp(prefix="bench-progress-"))
    try:
        if a.rows > 0:  # --rows 0: the registry benchmark only
            bench_urssaf(tmp, communes, a.rows, paths)
        bench_registry(tmp, communes, a.projects, paths)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_urssaf(tmp: Path, communes: pd.DataFrame, rows: int, paths: Paths) -> None:
    f = tmp / "urssaf-national.csv"
    t0 = time.perf_counter()
    generate_urssaf(f, communes, rows)
    print(
        f"Urssaf file generated: {rows:,} rows, {len(pd.read_csv(f, sep=';', nrows=0).columns)} columns, "
        f"{f.stat().st_size / 1e6:.0f} MB ({time.perf_counter() - t0:.0f} s)"
    )
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child-urssaf",
            str(f),
            str(paths.mirror),
            str(paths.database),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    ok = "OK" if r["total_s"] < 60 else "OVER TARGET"
    print(
        f"Urssaf aggregation: {r['total_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU (read+check {r['read_s']:.1f} s, aggregate "
        f"{r['aggregate_s']:.1f} s), peak memory {r['peak_mb']:.0f} MB (process at start {r['baseline_mb']:.0f} MB); "
        f"{r['employment_rows']:,} employment rows, {r['indicator_rows']:,} indicator rows; target < 60 s: {ok}; "
        f"writing the three tables (in memory): {r['write_s']:.1f} s more"
    )
    f.unlink()


def bench_registry(tmp: Path, communes: pd.DataFrame, n: int, paths: Paths) -> None:
    reg = tmp / "registre-banc.csv"
    generate_registry(reg, communes, n)
    db = tmp / "processed" / "ti.duckdb"
    db.parent.mkdir()
    shutil.copy(paths.database, db)
    from etl.registry_import import import_projects

    bpaths = Paths(mirror=paths.mirror, database=db)
    t0, c0 = time.perf_counter(), time.process_time()
    res = import_projects(reg, bpaths)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    ok = "OK" if dt < 10 else "OVER TARGET"
    print(
        f"Registry import: {res.loaded:,} rows in {dt:.1f} s wall, {cpu:.1f} s CPU (validation, placement, "
        f"indicators, copy and swap of a {db.stat().st_size / 1e6:.0f} MB database); target < 10 s: {ok}"
    )
    print(
        f"Machine: {os.cpu_count()} CPU, load average {os.getloadavg()[0]:.1f} at the end "
        f"(wall times grow with the load of a shared machine)"
    )


if __name__ == "__main__":
    main()
