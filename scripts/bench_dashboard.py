"""Dashboard benchmark: our map page against the naive way, side by side in one run.

Run on its own (``python scripts/bench_dashboard.py [--runs N] [--calls N]``) or through
``make bench`` (scripts/bench.py runs every scripts/bench_*.py). It measures, it never asserts:

- page payload: bytes received by the browser for one cold page load (as sent, and each body
  gzip-compressed at level 6, so that a server that does not compress is compared fairly);
- time to map drawn in headless chromium (navigation start -> every feature drawn), median of
  ``--runs`` cold loads (new browser context each time) after one warm-up load;
- server time of the filter and selection callbacks (a POST to ``/_dash-update-component``
  through the Flask test client, JSON included), median and p95 over ``--calls`` calls;
- CPU time of the same callbacks called as plain functions (less sensitive to a busy machine).

The naive way is what a user would write first: a Dash page with a ``dcc.Graph`` holding
``plotly.express.choropleth_map`` over the unsimplified GeoJSON of the same layer
(``territory.geom`` / ``epci.geom``), ``map_style="white-bg"``.
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
from dashboard.core.admin import filter_options  # noqa: E402
from dashboard.core.gateway import Gateway  # noqa: E402
from dashboard.core.layers import mapped_keys  # noqa: E402
from dashboard.testing import launch_chromium, serve  # noqa: E402
from etl.config import get_paths  # noqa: E402

TARGETS = {"drawn_s": 1.5, "epci_payload_gzip_mb": 1.5, "callback_p95_ms": 100}
LAYERS = {"ti2023": ("territory_2023", 183), "epci": ("epci", 1255)}


# -- the naive way ------------------------------------------------------------------------------


def naive_app(db_path: Path):
    """A Dash app showing plotly's choropleth_map over the unsimplified geometry of a layer."""
    import dash
    import plotly.express as px
    from dash import dcc, html

    from etl.db import Database

    sql = {
        "ti2023": "SELECT id AS key, name, population, ST_AsGeoJSON(geom) AS g FROM territory "
        "WHERE wave = '2023' AND geom IS NOT NULL",
        "epci": "SELECT siren AS key, name, population, ST_AsGeoJSON(geom) AS g FROM epci "
        "WHERE geom IS NOT NULL",
    }
    figs = {}
    with Database(db_path) as d:
        for layer, q in sql.items():
            df = d.df(q)
            gj = {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": k,
                        "properties": {"name": n},
                        "geometry": json.loads(g),
                    }
                    for k, n, g in zip(df["key"], df["name"], df["g"], strict=True)
                ],
            }
            figs[layer] = px.choropleth_map(
                df.drop(columns="g"),
                geojson=gj,
                locations="key",
                color="population",
                hover_name="name",
                map_style="white-bg",
                center={"lat": 46.6, "lon": 2.4},
                zoom=4.6,
                height=600,
            )
    app = dash.Dash(__name__)
    app.layout = lambda: html.Div([dcc.Location(id="u"), html.Div(id="c")])

    @app.callback(dash.Output("c", "children"), dash.Input("u", "search"))
    def show(search):
        layer = "epci" if search and "epci" in search else "ti2023"
        return dcc.Graph(figure=figs[layer], id="g")

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
    return (
        "() => { const ok = document.querySelectorAll('path.ti-feature').length === "
        + str(n)
        + "; if (ok && !window.__drawn) { window.__drawn = performance.now(); } return ok; }"
    )


# -- page loads -----------------------------------------------------------------------------------


def page_load(browser, url: str, drawn_js: str) -> dict:
    """One cold load: bytes received and time until the map is drawn."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    responses = []
    page.on("requestfinished", lambda r: responses.append(r))
    page.goto(url, wait_until="commit")
    page.wait_for_function(drawn_js, polling="raf", timeout=120_000)
    drawn_ms = page.evaluate("window.__drawn")
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
    ctx.close()
    return {
        "drawn_s": drawn_ms / 1000,
        "sent_bytes": sent,
        "raw_bytes": raw,
        "gzip_bytes": gz,
        "requests": len(responses),
    }


def bench_pages(db: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    ours, naive = create_app(db), naive_app(db)
    out = {}
    with serve(ours.server) as ours_url, serve(naive.server) as naive_url, sync_playwright() as p:
        browser = launch_chromium(p)
        for layer, (_, n) in LAYERS.items():
            cases = {
                "ours": (f"{ours_url}/?couche={layer}", ours_drawn(n)),
                "naive": (f"{naive_url}/?layer={layer}", NAIVE_DRAWN),
            }
            for name, (url, js) in cases.items():
                page_load(browser, url, js)  # warm-up: server caches, OS file cache
                loads = [page_load(browser, url, js) for _ in range(runs)]
                drawn = [r["drawn_s"] for r in loads]
                out[f"{layer}/{name}"] = {
                    "drawn_s_median": statistics.median(drawn),
                    "drawn_s_runs": [round(x, 2) for x in drawn],
                    "gzip_bytes": loads[-1]["gzip_bytes"],
                    "raw_bytes": loads[-1]["raw_bytes"],
                    "sent_bytes": loads[-1]["sent_bytes"],
                    "requests": loads[-1]["requests"],
                }
                r = out[f"{layer}/{name}"]
                print(
                    f"  {layer:7s} {name:5s}: drawn median {r['drawn_s_median']:.2f} s "
                    f"(runs {r['drawn_s_runs']}), payload {r['gzip_bytes'] / 1e6:.2f} MB gzip "
                    f"({r['raw_bytes'] / 1e6:.2f} MB raw, {r['sent_bytes'] / 1e6:.2f} MB as sent, "
                    f"{r['requests']} requests)",
                    flush=True,
                )
        browser.close()
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
        if k.startswith("ti-address.data@") and any(i["id"] == "carte-map" for i in v["inputs"])
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
        t += _post(client, view_outputs, view, "carte-dep.value")
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
               ("carte-map", "center", {"lat": 47.0, "lng": 2.0}), ("carte-map", "zoom", 6),
               ("carte-grid", "columnState", None)]  # fmt: skip
        res["address"].append(
            _post(
                client,
                [("ti-address", "data")],
                view + sel,
                "carte-map.center",
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
    ap.add_argument("--runs", type=int, default=5, help="cold page loads per case (median)")
    ap.add_argument("--calls", type=int, default=200, help="callback calls (median, p95)")
    ap.add_argument("--skip-browser", action="store_true")
    args = ap.parse_args(argv)
    db = get_paths().database
    if not db.is_file():
        print(f"{db}: no database; run `make etl` first", file=sys.stderr)
        return 1
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} at start", flush=True)
    results: dict = {"load_average": load}
    if not args.skip_browser:
        print("page loads (headless chromium, cold browser cache, warm server):", flush=True)
        results["pages"] = bench_pages(db, args.runs)
    print("callbacks (server time through the Flask test client):", flush=True)
    results["callbacks"] = bench_callbacks(db, args.calls)
    print("callbacks as plain functions (CPU time of this process):", flush=True)
    results["cpu"] = bench_cpu(db, args.calls)
    print("targets:", flush=True)
    if "pages" in results:
        pg = results["pages"]
        for layer in LAYERS:
            o, n = pg[f"{layer}/ours"], pg[f"{layer}/naive"]
            print(
                f"  {layer}: drawn {o['drawn_s_median']:.2f} s vs naive {n['drawn_s_median']:.2f} s "
                f"(x{n['drawn_s_median'] / o['drawn_s_median']:.1f}); payload {o['gzip_bytes'] / 1e6:.2f} "
                f"vs {n['gzip_bytes'] / 1e6:.2f} MB gzip (x{n['gzip_bytes'] / o['gzip_bytes']:.1f}); "
                f"target drawn < {TARGETS['drawn_s']} s: "
                f"{'met' if o['drawn_s_median'] < TARGETS['drawn_s'] else 'NOT met'}"
            )
        e = pg["epci/ours"]["gzip_bytes"] / 1e6
        print(
            f"  EPCI payload {e:.2f} MB gzip, target < {TARGETS['epci_payload_gzip_mb']} MB: "
            f"{'met' if e < TARGETS['epci_payload_gzip_mb'] else 'NOT met'}"
        )
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
