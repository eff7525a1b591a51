"""Load benchmark of the production server (`make bench` runs it; numbers in BENCHMARKS.md).

For each number of workers (default 1, 2, 4): start ``python -m dashboard.server`` over the
database (gunicorn, in a child process), then for each number of users (default 50, 200) run
locust headless in another process for ``--seconds`` (default 60) with the visitors of
``scripts/locust_users.py`` (pages, layers, filters, search, exports, the redrawn map, the
progress page; 1-3 s between actions). Reported per run: requests, throughput, failures (target
0), p50 / p95 / p99 of all requests and of the callbacks, the memory of each worker (peak RSS,
and PSS which counts the pages shared with the master once), and the load average before and
after. The load generator shares the machine: on 2 cores it takes a large part of one.

    python scripts/bench_load.py [--workers 1 2 4] [--users 50 200] [--seconds 60] [--db PATH]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.testing import children, gunicorn  # noqa: E402
from etl.config import get_paths  # noqa: E402


def loadavg() -> str:
    """The 1-minute load average."""
    return Path("/proc/loadavg").read_text().split()[0]


def memory(pid: int) -> dict[str, float]:
    """Peak RSS (VmHWM) and PSS of a process, in MB."""
    out = {"peak_rss_mb": 0.0, "pss_mb": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                out["peak_rss_mb"] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return out


def run_locust(url: str, users: int, seconds: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        prefix = Path(d) / "run"
        cmd = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "scripts" / "locust_users.py"),
            "--headless", "--users", str(users), "--spawn-rate", str(max(5, users // 10)),
            "--run-time", f"{seconds}s", "--host", url, "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    calls = [r for r in rows if r["Name"].startswith("callback:")]
    n_calls = sum(int(r["Request Count"]) for r in calls)

    def pct(r, p):
        v = r.get(f"{p}%", "N/A")
        return float(v) if v not in ("N/A", "") else float("nan")

    worst_call = max(calls, key=lambda r: pct(r, 95), default=None)
    return {
        "requests": int(agg["Request Count"]),
        "failures": int(agg["Failure Count"]),
        "rps": float(agg["Requests/s"]),
        "p50": pct(agg, 50),
        "p95": pct(agg, 95),
        "p99": pct(agg, 99),
        "callbacks": n_calls,
        "worst_callback": f"{worst_call['Name']} p95 {pct(worst_call, 95):.0f} ms"
        if worst_call
        else "",
        "failed": [
            r["Name"] for r in rows if int(r["Failure Count"]) and r["Name"] != "Aggregated"
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--users", type=int, nargs="+", default=[50, 200])
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    db = Path(args.db) if args.db else get_paths().database
    print(f"# Load benchmark over {db} ({os.cpu_count()} cores)", flush=True)
    print(
        "| workers | users | requests | req/s | failures | p50 ms | p95 ms | p99 ms | "
        "worst callback | memory per worker (peak RSS / PSS MB) | master RSS MB | load before → after |"
    )
    print("|" + "---|" * 12, flush=True)
    for workers in args.workers:
        t0 = time.perf_counter()
        with gunicorn(db, workers, extra=("--timeout", "120")) as (url, proc):
            started = time.perf_counter() - t0
            for users in args.users:
                before = loadavg()
                res = run_locust(url, users, args.seconds)
                after = loadavg()
                mem = [memory(p) for p in children(proc.pid)]
                per = ", ".join(f"{m['peak_rss_mb']:.0f}/{m['pss_mb']:.0f}" for m in mem)
                master = memory(proc.pid)["peak_rss_mb"]
                print(
                    f"| {workers} | {users} | {res['requests']} | {res['rps']:.1f} | "
                    f"{res['failures']} | {res['p50']:.0f} | {res['p95']:.0f} | {res['p99']:.0f} | "
                    f"{res['worst_callback']} | {per} | {master:.0f} | {before} → {after} |",
                    flush=True,
                )
                if res["failed"]:
                    print(f"  failures in: {', '.join(res['failed'])}", flush=True)
        print(f"  ({workers} worker(s): server ready in {started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
