"""Dashboard benchmark: our map page against the naive way, side by side in one run.

Run on its own (``python scripts/bench_dashboard.py [--runs N] [--calls N] [--only CASES]``)
or through ``make bench`` (scripts/bench.py runs every scripts/bench_*.py). It measures, it
never asserts:

- first draw in headless chromium (navigation start -> every feature of the layer drawn), for
  the home map (EPCI and 2023 territories) and the commune layer (France, one département),
  ours and the naive way, each alternately in one run:

  - ``cold``: a new browser context (empty cache) per load, after one warm-up load (server
    caches, OS file cache);
  - ``warm``: the same address loaded again in the same context (a return visit: what the
    browser kept, with our immutable layer answers);
  - the median of ``--runs`` loads of wall time, and of the main thread's busy time (Chrome's
    ``TaskDuration``: less sensitive than wall time to other processes on a shared machine);
  - the load average before and after each case;

- page payload of one cold load: bytes received (as sent, and each body gzip-compressed at
  level 6, so that a server that does not compress is compared fairly);
- server time of the layer routes (Flask test client, warm caches and first call);
- server time of the filter and selection callbacks (a POST to ``/_dash-update-component``
  through the Flask test client, JSON included), median and p95 over ``--calls`` calls;
- CPU time of the same callbacks called as plain functions (less sensitive to a busy machine).

The naive way is what a user would write first: a Dash page with a ``dcc.Graph`` holding
``plotly.express.choropleth_map`` over the unsimplified GeoJSON of the same layer
(``territory.geom``, ``epci.geom``, ``commune.geom``), ``map_style="white-bg"``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.core.admin import filter_options, filtered_keys  # noqa: E402
from dashboard.core.gateway import Gateway  # noqa: E402
from dashboard.core.layers import mapped_keys  # noqa: E402
from dashboard.core.urlstate import UrlState  # noqa: E402
from dashboard.map.state import from_url  # noqa: E402
from dashboard.map.view import view_model  # noqa: E402
from dashboard.testing import launch_chromium, serve  # noqa: E402
from etl.config import get_paths  # noqa: E402

TARGETS = {"home_drawn_s": 0.8, "home_ratio": 5.0, "commune_ratio": 5.0, "callback_p95_ms": 100}
DEP = "76"  # the département of the commune case (Seine-Maritime, ~700 communes)
# case -> (our query string, naive query string, layer, département or None)
CASES = {
    "epci": ("couche=epci", "layer=epci", "epci", None),
    "ti2023": ("couche=ti2023", "layer=ti2023", "ti2023", None),
    "commune-dep": (f"couche=commune&dep={DEP}", f"layer=commune&dep={DEP}", "commune", DEP),
    "commune-france": ("couche=commune", "layer=commune", "commune", None),
}


# -- the naive way ------------------------------------------------------------------------------

_NAIVE_SQL = {
    "ti2023": "SELECT id AS key, name, population, ST_AsGeoJSON(geom) AS g FROM territory "
    "WHERE wave = '2023' AND geom IS NOT NULL",
    "epci": "SELECT siren AS key, name, population, ST_AsGeoJSON(geom) AS g FROM epci "
    "WHERE geom IS NOT NULL",
    "commune": "SELECT code AS key, name, population, ST_AsGeoJSON(geom) AS g FROM commune "
    "WHERE geom IS NOT NULL AND (? IS NULL OR departement = ?)",
}


def naive_app(db_path: Path):
    """A Dash app showing plotly's choropleth_map over the unsimplified geometry of a layer
    (``?layer=epci``, ``?layer=commune&dep=76`` ...); each figure built on first request."""
    from urllib.parse import parse_qs

    import dash
    import plotly.express as px
    from dash import dcc, html

    from etl.db import Database

    figs: dict = {}

    def figure(layer: str, dep: str | None):
        if (layer, dep) in figs:
            return figs[(layer, dep)]
        with Database(db_path) as d:
            params = [dep, dep] if layer == "commune" else []
            df = d.df(_NAIVE_SQL[layer], params)
        gj = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "id": k, "properties": {"name": n}, "geometry": json.loads(g)}
                for k, n, g in zip(df["key"], df["name"], df["g"], strict=True)
            ],
        }
        figs[(layer, dep)] = px.choropleth_map(
            df.drop(columns="g"),
            geojson=gj,
            locations="key",
            color="population",
            hover_name="name",
            map_style="white-bg",
            center={"lat": 49.6, "lon": 0.9} if dep else {"lat": 46.6, "lon": 2.4},
            zoom=7.5 if dep else 4.6,
            height=600,
        )
        return figs[(layer, dep)]

    app = dash.Dash(__name__)
    app.layout = lambda: html.Div([dcc.Location(id="u"), html.Div(id="c")])

    @app.callback(dash.Output("c", "children"), dash.Input("u", "search"))
    def show(search):
        args = {k: v[-1] for k, v in parse_qs((search or "").lstrip("?")).items()}
        layer = args.get("layer") if args.get("layer") in _NAIVE_SQL else "ti2023"
        return dcc.Graph(figure=figure(layer, args.get("dep")), id="g")

    return app


NAIVE_DRAWN = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const sp = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  const m = sp && sp.map;
  const ok = !!(m && m.loaded() && !m.isMoving() && m.getStyle()
                && m.getStyle().layers.some(l => l.type === 'fill'));
  if (ok && !window.__drawn) { window.__drawn = performance.now(); }
  return ok;
}"""


def ours_drawn(n: int) -> str:
    """Every feature and circle drawn: SVG paths, or what the commune canvas painted."""
    return (
        "() => { const ok = !!window.tiCarte && window.tiCarte.featureCount(true) === "
        + str(n)
        + "; if (ok && !window.__drawn) { window.__drawn = performance.now(); } return ok; }"
    )


# -- page loads -----------------------------------------------------------------------------------


def _busy_s(cdp) -> float:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics.get("TaskDuration", float("nan"))


def _load(page, url: str, drawn_js: str, timeout_s: float) -> tuple[float, float]:
    """(seconds to drawn, main-thread busy seconds until then) of one navigation."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable", {"timeDomain": "timeTicks"})
    busy0 = _busy_s(cdp)
    page.goto(url, wait_until="commit")
    page.wait_for_function(drawn_js, polling="raf", timeout=timeout_s * 1000)
    drawn_ms = page.evaluate("window.__drawn")
    busy = _busy_s(cdp) - busy0
    cdp.detach()
    return drawn_ms / 1000, busy


def page_load(browser, url: str, drawn_js: str, timeout_s: float = 180) -> dict:
    """One cold load (new context), then the same address again in that context (warm):
    times, and the bytes received by the cold load."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    responses = []
    page.on("requestfinished", lambda r: responses.append(r))
    cold, cold_busy = _load(page, url, drawn_js, timeout_s)
    page.wait_for_load_state("networkidle")
    sent = raw = gz = 0
    for r in responses:
        try:
            body = r.response().body()
        except Exception:  # noqa: BLE001 - a request without a body (redirect, 204)
            continue
        sizes = r.sizes()
        sent += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        raw += len(body)
        gz += len(gzip.compress(body, 6))
    n_requests = len(responses)
    page.goto("about:blank")
    warm, warm_busy = _load(page, url, drawn_js, timeout_s)
    ctx.close()
    return {
        "cold_s": cold,
        "cold_busy_s": cold_busy,
        "warm_s": warm,
        "warm_busy_s": warm_busy,
        "sent_bytes": sent,
        "raw_bytes": raw,
        "gzip_bytes": gz,
        "requests": n_requests,
    }


def _median(loads: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in loads)


def bench_pages(db: Path, runs: int, cases: list[str], naive_runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    q = Gateway(db)
    counts = {
        case: len(filtered_keys(q, layer, None, dep)) for case, (_, _, layer, dep) in CASES.items()
    }
    # the page draws a count (population) as proportional circles over the polygons: drawn
    # when every polygon and every circle (one per unit with a positive value) is
    circles = {
        case: len(view_model(q, from_url(q, UrlState.parse("?" + our_q))).hideout["radius"])
        for case, (our_q, _, _, _) in CASES.items()
    }
    q.close()
    ours, naive = create_app(db), naive_app(db)
    out = {}
    with serve(ours.server) as ours_url, serve(naive.server) as naive_url, sync_playwright() as p:
        browser = launch_chromium(p)
        for case in cases:
            our_q, naive_q, _layer, _dep = CASES[case]
            variants = {
                "ours": (
                    f"{ours_url}/?{our_q}",
                    ours_drawn(counts[case] + circles[case]),
                    runs,
                ),
                "naive": (f"{naive_url}/?{naive_q}", NAIVE_DRAWN, naive_runs),
            }
            for url, js, _ in variants.values():
                page_load(browser, url, js)  # warm-up: server caches, OS file cache
            loads: dict[str, list[dict]] = {"ours": [], "naive": []}
            load_before = os.getloadavg()[0]
            for i in range(max(runs, naive_runs)):  # alternately, so both see the same load
                for name, (url, js, n) in variants.items():
                    if i < n:
                        loads[name].append(page_load(browser, url, js))
            load_after = os.getloadavg()[0]
            for name, ls in loads.items():
                r = out[f"{case}/{name}"] = {
                    "features": counts[case],
                    "cold_s_median": _median(ls, "cold_s"),
                    "cold_s_runs": [round(x["cold_s"], 2) for x in ls],
                    "cold_busy_s_median": _median(ls, "cold_busy_s"),
                    "warm_s_median": _median(ls, "warm_s"),
                    "warm_s_runs": [round(x["warm_s"], 2) for x in ls],
                    "warm_busy_s_median": _median(ls, "warm_busy_s"),
                    "gzip_bytes": ls[-1]["gzip_bytes"],
                    "raw_bytes": ls[-1]["raw_bytes"],
                    "sent_bytes": ls[-1]["sent_bytes"],
                    "requests": ls[-1]["requests"],
                    "load_average": [round(load_before, 1), round(load_after, 1)],
                }
                print(
                    f"  {case:14s} {name:5s}: cold {r['cold_s_median']:.2f} s "
                    f"(runs {r['cold_s_runs']}, main thread busy {r['cold_busy_s_median']:.2f} s), "
                    f"warm {r['warm_s_median']:.2f} s (busy {r['warm_busy_s_median']:.2f} s); "
                    f"{r['sent_bytes'] / 1e6:.2f} MB as sent ({r['gzip_bytes'] / 1e6:.2f} MB gzip, "
                    f"{r['requests']} requests); load average {load_before:.1f} -> {load_after:.1f}",
                    flush=True,
                )
        browser.close()
    return out


# -- layer routes ---------------------------------------------------------------------------------


def bench_routes(db: Path, calls: int) -> dict:
    """Server time of the layer routes: the first call of a process (cold caches) and the
    median of ``calls`` more (Flask test client, gzip accepted)."""
    app = create_app(db)
    client = app.server.test_client()
    q = Gateway(db)
    v = q.version
    urls = {
        "geo epci (France, first)": f"/_carte/geo?couche=epci&niveau=national&v={v}",
        "geo epci (France, zoomed)": f"/_carte/geo?couche=epci&v={v}",
        "geo ti2023 (France, first)": f"/_carte/geo?couche=ti2023&niveau=national&v={v}",
        "geo commune (France)": f"/_carte/geo?couche=commune&v={v}",
        f"geo commune (dep {DEP})": f"/_carte/geo?couche=commune&dep={DEP}&v={v}",
        "geo epci (région 84)": f"/_carte/geo?couche=epci&reg=84&v={v}",
        "base départements": f"/_carte/base?kind=departement&inset=1&niveau=national&v={v}",
        "labels chefs-lieux": f"/_carte/labels?kind=chefs&inset=1&v={v}",
        "labels communes (box)": f"/_carte/labels?kind=communes&box=0.5,49,2,50&inset=1&v={v}",
        "sel commune": f"/_carte/sel?couche=commune&key=76540&inset=1&v={v}",
        "rows commune (France)": f"/_carte/rows?couche=commune&v={v}",
    }
    q.close()
    out = {}
    for name, url in urls.items():
        times = []
        for _ in range(calls + 1):
            t = time.perf_counter()
            r = client.get(url, headers={"Accept-Encoding": "gzip"})
            times.append(time.perf_counter() - t)
            if r.status_code != 200:
                raise RuntimeError(f"{url} answered {r.status_code}")
        first, rest = times[0] * 1000, sorted(x * 1000 for x in times[1:])
        out[name] = {
            "first_ms": first,
            "median_ms": statistics.median(rest),
            "p95_ms": rest[max(0, int(round(0.95 * len(rest))) - 1)],
            "bytes": len(r.data),
        }
        o = out[name]
        print(
            f"  {name:26s}: first {o['first_ms']:7.1f} ms, then median {o['median_ms']:5.1f} ms, "
            f"p95 {o['p95_ms']:5.1f} ms ({o['bytes'] / 1e3:.0f} kB gzip)",
            flush=True,
        )
    return out


# -- callbacks -------------------------------------------------------------------------------------


def _post(
    client,
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, object]],
    changed: str,
    state: list[tuple[str, str, object]] = (),
    output: str | None = None,
) -> float:
    payload = {
        "output": output
        or (
            ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
            if len(outputs) > 1
            else f"{outputs[0][0]}.{outputs[0][1]}"
        ),
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
        "changedPropIds": [changed],
    }
    t = time.perf_counter()
    r = client.post("/_dash-update-component", json=payload)
    dt = time.perf_counter() - t
    if r.status_code != 200:
        raise RuntimeError(f"callback answered {r.status_code}: {r.get_data(as_text=True)[:300]}")
    return dt


def bench_callbacks(db: Path, calls: int) -> dict:
    app = create_app(db)
    client = app.server.test_client()
    client.get("/")
    q = Gateway(db)
    deps = [o["value"] for o in filter_options(q, "departement")]
    terr = mapped_keys(q, "ti2023")
    epci = mapped_keys(q, "epci")
    view_outputs = [
        ("carte-geo", "url"),
        ("carte-geo", "hideout"),
        ("carte-legend", "children"),
        ("carte-grid", "rowData"),
        ("carte-grid", "columnDefs"),
        ("carte-status", "children"),
        ("carte-points", "url"),
        ("carte-base-dep", "url"),
        ("carte-base-reg", "url"),
        ("carte-frames", "url"),
        ("carte-circles", "url"),
        ("carte-circles", "hideout"),
        ("carte-breaks-msg", "children"),
    ]
    filt_outputs = [
        ("carte-dep", "options"),
        ("carte-arr", "options"),
        ("carte-dep", "value"),
        ("carte-arr", "value"),
        ("carte-map", "viewport"),
    ]
    sel_outputs = [("carte-panel-body", "children"), ("carte-sel-geo", "url")]
    res: dict[str, list[float]] = {
        "filter": [],
        "filter_first": [],
        "selection": [],
        "selection_first": [],
        "address": [],
    }

    # the map page's address wire writes ti-address.data (allow_duplicate: a suffixed key)
    address_key = next(
        k for k, v in app.callback_map.items()
        if k.startswith("ti-address.data@") and any(i["id"] == "carte-view" for i in v["inputs"])
    )  # fmt: skip

    def view_inputs(layer, dep, scope="vue"):
        values = {"layer": layer, "ind": "population", "year": None, "since": "",
                  "method": "jenks", "nb": 5, "scope": scope, "palette": "bleus", "breaks": "",
                  "rep": "aplats", "fond": "", "reg": None, "dep": dep, "arr": None}  # fmt: skip
        return [(f"carte-{k}", "value", v) for k, v in values.items()]

    layers = ["ti2023", "epci"]
    seen_f: set = set()
    seen_s: set = set()
    for i in range(calls):
        dep = deps[i % len(deps)]
        layer = layers[(i // len(deps)) % 2]
        # a département chosen: the two server callbacks it triggers (filter cascade, then view)
        t = _post(
            client,
            filt_outputs,
            [
                ("carte-reg", "value", None),
                ("carte-dep", "value", dep),
                ("carte-arr", "value", None),
            ],
            "carte-dep.value",
        )
        # classes of France on every other call (the breaks over the whole layer)
        view = view_inputs(layer, dep, "france" if i % 2 else "vue")
        # (the map's zoom, a state: a filtered view is fitted to its unit)
        zoom = [("carte-map", "zoom", 8)]
        t += _post(client, view_outputs, view, "carte-dep.value", state=zoom)
        res["filter"].append(t)
        if (layer, dep) not in seen_f:
            res["filter_first"].append(t)
            seen_f.add((layer, dep))
        # a click: the selection callback (side panel + outline)
        key = terr[i % len(terr)] if i % 2 == 0 else epci[(i * 7) % len(epci)]
        lay = "ti2023" if i % 2 == 0 else "epci"
        t = _post(
            client,
            sel_outputs,
            [
                ("carte-selection", "data", {"couche": lay, "key": key}),
                ("carte-layer", "value", lay),
                ("carte-reg", "value", None),
                ("carte-dep", "value", None),
                ("carte-arr", "value", None),
            ],
            "carte-selection.data",
        )
        res["selection"].append(t)
        if (lay, key) not in seen_s:
            res["selection_first"].append(t)
            seen_s.add((lay, key))
        # the address of the new state (one history entry)
        sel = [("carte-selection", "data", {"couche": lay, "key": key}),
               ("carte-view", "data", {"center": {"lat": 47.0, "lng": 2.0}, "zoom": 6}),
               ("carte-grid", "columnState", None)]  # fmt: skip
        res["address"].append(
            _post(
                client,
                [("ti-address", "data")],
                view + sel,
                "carte-view.data",
                [("url", "pathname", "/")],
                address_key,
            )  # fmt: skip
        )
    q.close()
    out = {}
    for name, xs in res.items():
        xs_ms = sorted(x * 1000 for x in xs)
        out[name] = {
            "n": len(xs_ms),
            "median_ms": statistics.median(xs_ms),
            "p95_ms": xs_ms[max(0, int(round(0.95 * len(xs_ms))) - 1)],
        }
        print(
            f"  {name:16s}: median {out[name]['median_ms']:.1f} ms, p95 {out[name]['p95_ms']:.1f} ms "
            f"over {len(xs_ms)} calls",
            flush=True,
        )
    return out


def bench_cpu(db: Path, calls: int) -> dict:
    """CPU time (``time.process_time``) of the map callbacks as plain functions: what this code
    costs, less sensitive than wall-clock time to a machine shared with other processes."""
    from dashboard.map import callbacks as M
    from dashboard.map.state import VIEW_KEYS

    q = Gateway(db)
    deps = [o["value"] for o in filter_options(q, "departement")]
    terr, epci = mapped_keys(q, "ti2023"), mapped_keys(q, "epci")

    def select(i):
        lay, keys = ("ti2023", terr) if i % 2 == 0 else ("epci", epci)
        key = keys[(i * 7) % len(keys)]
        M.on_select(q, {"couche": lay, "key": key}, lay, None, None, None)

    def view(scope):
        def run(i):
            state = {"couche": ("ti2023", "epci")[(i // len(deps)) % 2], "ind": "population",
                     "classes": "jenks", "portee": scope, "rep": "aplats",
                     "dep": deps[i % len(deps)]}  # fmt: skip
            M.on_filter(q, None, state["dep"], None)
            M.on_view(q, *[state.get(k) for k in VIEW_KEYS])

        return run

    out = {}
    for name, fn in (("selection", select), ("filter_view", view("vue")),
                     ("filter_view_france", view("france"))):  # fmt: skip
        fn(0)
        xs = []
        for i in range(calls):
            t = time.process_time()
            fn(i)
            xs.append((time.process_time() - t) * 1000)
        xs.sort()
        out[name] = {"median_ms": statistics.median(xs), "p95_ms": xs[int(0.95 * len(xs)) - 1]}
        print(
            f"  {name:18s}: CPU median {out[name]['median_ms']:.1f} ms, "
            f"p95 {out[name]['p95_ms']:.1f} ms over {calls} calls",
            flush=True,
        )
    q.close()
    return out


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log lines
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="cold + warm page loads per case (median)")
    ap.add_argument("--naive-runs", type=int, default=3, help="loads of the naive way per case")
    ap.add_argument("--calls", type=int, default=200, help="callback calls (median, p95)")
    ap.add_argument("--only", default=",".join(CASES), help=f"cases among {', '.join(CASES)}")
    ap.add_argument("--skip-browser", action="store_true")
    args = ap.parse_args(argv)
    db = get_paths().database
    if not db.is_file():
        print(f"{db}: no database; run `make etl` first", file=sys.stderr)
        return 1
    cases = [c for c in args.only.split(",") if c in CASES]
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at start", flush=True)
    results: dict = {"load_average": load}
    if not args.skip_browser:
        print("first draw (headless chromium; cold = empty cache, warm = a return visit):")
        results["pages"] = bench_pages(db, args.runs, cases, args.naive_runs)
    print("layer routes (server time through the Flask test client):", flush=True)
    results["routes"] = bench_routes(db, 20)
    print("callbacks (server time through the Flask test client):", flush=True)
    results["callbacks"] = bench_callbacks(db, args.calls)
    print("callbacks as plain functions (CPU time of this process):", flush=True)
    results["cpu"] = bench_cpu(db, args.calls)
    print(f"targets (load average now {os.getloadavg()[0]:.1f}):", flush=True)
    for case in cases if "pages" in results else []:
        o, n = results["pages"][f"{case}/ours"], results["pages"][f"{case}/naive"]
        ratio = n["cold_s_median"] / o["cold_s_median"]
        line = (
            f"  {case}: cold {o['cold_s_median']:.2f} s vs naive {n['cold_s_median']:.2f} s "
            f"(x{ratio:.1f}), warm {o['warm_s_median']:.2f} s vs {n['warm_s_median']:.2f} s"
        )
        # the targets: the EPCI home map and the communes of France (others measured)
        want = {"epci": TARGETS["home_ratio"], "commune-france": TARGETS["commune_ratio"]}
        if case in want:
            line += f"; x{want[case]:g} faster: {'met' if ratio >= want[case] else 'NOT met'}"
        if case == "epci":
            ok = o["cold_s_median"] < TARGETS["home_drawn_s"]
            line += f"; < {TARGETS['home_drawn_s']} s: {'met' if ok else 'NOT met'}"
        print(line)
    for name in ("filter", "selection"):
        p95 = results["callbacks"][name]["p95_ms"]
        print(
            f"  {name} callback p95 {p95:.1f} ms, target < {TARGETS['callback_p95_ms']} ms: "
            f"{'met' if p95 < TARGETS['callback_p95_ms'] else 'NOT met'}"
        )
    out = ROOT / ".bench"
    out.mkdir(exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
