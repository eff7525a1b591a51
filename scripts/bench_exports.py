"""Benchmark of the exports (`python scripts/bench_exports.py`, part of `make bench`).

First and warm times, in one fresh process over the built database, through the Flask routes
(what a click costs on the server): a map PNG of the 2023 territories (national, insets), a
chart SVG (the pace chart of /progres, kaleido) and a territory PDF (the A4 report of Axe Seine,
with its map and employment chart). "First" includes starting kaleido's browser for the chart
(the map PNG needs no browser); "warm" is the median of the following runs. The load average
is printed with the numbers: the machine is shared. Targets: warm map PNG < 2 s, territory
PDF < 10 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from dashboard.app import create_app
from dashboard.core.render import renderer
from etl.config import get_paths

CASES = [
    ("map PNG (2023 territories, France)", "/_export/carte/carte.png?couche=ti2023", 2.0),
    ("map PNG (EPCI, France)", "/_export/carte/carte.png?couche=epci", 2.0),
    # the goals' gauge and pace exist only where a registry measures them: a real-data chart here
    ("chart SVG (France Relance, France)", "/_export/progres/france-relance-france.svg", None),
    ("territory PDF (Axe Seine)", "/_export/territoire/fiche.pdf?vague=2023&id=ti-2802", 10.0),
]


def main(runs: int = 5) -> int:
    client = create_app(get_paths().database).server.test_client()
    print(f"load average at start: {os.getloadavg()[0]:.1f} (1 min)")
    for label, url, target in CASES:
        times = []
        for _ in range(runs + 1):
            t = time.perf_counter()
            r = client.get(url)
            times.append(time.perf_counter() - t)
            if r.status_code != 200:
                print(f"{label}: HTTP {r.status_code} {r.data[:200]!r}")
                return 1
        warm = statistics.median(times[1:])
        verdict = "" if target is None else (" (met)" if warm < target else " (NOT met)")
        print(
            f"{label:36s} first {times[0]:6.2f} s   warm median {warm:6.2f} s "
            f"(runs {', '.join(f'{x:.2f}' for x in times[1:])}){verdict}   "
            f"{len(r.data) / 1024:.0f} kB   load {os.getloadavg()[0]:.1f}"
        )
    renderer().stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
