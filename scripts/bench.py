"""Benchmarks of the project (`make bench`). Prints a table of measured numbers.

- ETL: full build from the mirror into a fresh file, a no-change rebuild, peak memory (RSS of
  the build process), median of N runs.
- Then every other ``scripts/bench_*.py`` (dashboard, exports, load, progress, redraw), each in
  its own process; ``python scripts/bench.py load`` runs only the load benchmark of the
  production server (``scripts/bench_load.py``: 1, 2, 4 workers x 50, 200 users, 60 s each).

Numbers are recorded in BENCHMARKS.md with the command that produced them; this script never
asserts on time: it reports, and says whether each target is met.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def measure_in_child(db: Path, *args: str) -> dict:
    code = (
        "import json, resource, subprocess, sys, time;"
        "t=time.perf_counter();"
        f"subprocess.run([sys.executable,'-m','etl','build','--db',{str(db)!r},*{list(args)!r}],"
        "check=True, stdout=subprocess.DEVNULL);"
        "s=time.perf_counter()-t;"
        "print(json.dumps({'seconds': s, 'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024}))"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_etl(runs: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "bench.duckdb"
        full = [measure_in_child(db, "--force") for _ in range(runs)]
        nochange = [measure_in_child(db) for _ in range(runs)]
    return {
        "full_build_s_median": statistics.median(r["seconds"] for r in full),
        "full_build_s_runs": [round(r["seconds"], 2) for r in full],
        "full_build_peak_mb": max(r["peak_mb"] for r in full),
        "nochange_rebuild_s_median": statistics.median(r["seconds"] for r in nochange),
        "nochange_rebuild_s_runs": [round(r["seconds"], 2) for r in nochange],
    }


def main() -> int:
    only = sys.argv[1:]
    results = {}
    if not only or "etl" in only:
        print("== ETL: full build and no-change rebuild (3 runs each) ==", flush=True)
        before = os.getloadavg()[0]
        r = bench_etl()
        r["load_average"] = [round(before, 1), round(os.getloadavg()[0], 1)]
        results["etl"] = r
        full, none = r["full_build_s_median"], r["nochange_rebuild_s_median"]
        print(
            f"full build         : median {full:.1f} s  runs {r['full_build_s_runs']}"
            f"  (target < 15 s: {'met' if full < 15 else 'NOT met'})"
            f"  peak RSS {r['full_build_peak_mb']:.0f} MB"
        )
        print(
            f"no-change rebuild  : median {none:.2f} s  runs "
            f"{r['nochange_rebuild_s_runs']}  (target < 1 s: {'met' if none < 1 else 'NOT met'})"
        )
        print(f"load average       : {before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for script in sorted((ROOT / "scripts").glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if only and name not in only:
            continue
        print(f"\n== {name} ({script.name}) ==", flush=True)
        proc = subprocess.run(
            [PY, str(script)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
        results[name] = {"exit": proc.returncode}
    out = ROOT / ".bench"
    out.mkdir(exist_ok=True)
    (out / "last.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
