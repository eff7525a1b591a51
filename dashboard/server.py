"""``python -m dashboard.server``: the production server (gunicorn), what ``make serve`` and
``make run`` start, on a laptop as in production.

Several worker processes, each with a few threads (``gthread``), behind one listening socket;
request timeouts; the app is built once in the master (``preload_app``), its caches warmed by
real requests (:func:`warm`: every page, every national layer, the search index, the official
scenario), then its database file closed, and only then are the workers forked: they share the
warm cache and each opens the read-only file again (without a second check: same file).

Options (the Makefile passes ``HOST``, ``PORT``, ``WORKERS``)::

    python -m dashboard.server [--host 127.0.0.1] [--port 8050] [--workers N] [--threads 4]
                               [--timeout 60] [--db PATH] [--no-access-log]

The Dash debugger is never on here: ``TI_DEBUG=1`` is refused (``python -m dashboard --debug``,
on 127.0.0.1 only, is the development server).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time

from gunicorn.app.base import BaseApplication

from dashboard.app import create_app, debug_requested
from dashboard.core.layers import LAYERS
from dashboard.core.mapview import layer_url
from dashboard.http_policy import callback_body

log = logging.getLogger("dashboard.server")

DEFAULT_WORKERS = max(1, min(os.cpu_count() or 1, 4))
# heavy callbacks run once before the workers fork: (input "id.property", its value)
WARM_CALLBACKS = (
    ("carte-search.search_value", "rouen"),  # the search index
    ("rd-scenario.data", None),  # the official 2023 map's destinations
    ("rd-save.n_clicks", 1),  # the official scenario's files (1.4 s of CPU)
)
_DATA_URL = re.compile(r'"(/_(?:carte|redecoupage)/[^"?]+(?:\?[^"]*)?)"')


def warm(app) -> dict[str, float]:
    """Fill the app's caches with real requests, as a first visitor would; returns the seconds
    each group took. A request that fails is logged, never fatal (the server starts anyway)."""
    client = app.server.test_client()
    q = app.gateway
    took: dict[str, float] = {}

    def get(url: str, **kw) -> str:
        r = client.get(url, **kw)
        if r.status_code >= 400:
            log.warning("warm-up: %s answered %s", url, r.status_code)
        return r.get_data(as_text=True) if r.mimetype == "application/json" else ""

    t = time.perf_counter()
    if get("/healthz") == "" or q.available() is not None:
        log.error("warm-up skipped: the database is not available")
        return took
    urls: set[str] = set()
    for path in ("/", "/redecoupage", "/progres", "/sources"):
        layout = get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
        urls.update(u.encode().decode("unicode_escape") for u in _DATA_URL.findall(layout))
    took["pages"] = time.perf_counter() - t
    t = time.perf_counter()
    urls.update(layer_url(q, couche, None, None, None) for couche in LAYERS)
    for u in sorted(urls):
        get(u, headers={"Accept-Encoding": "gzip"})
    took["layers"] = time.perf_counter() - t
    for trigger, value in WARM_CALLBACKS:
        t = time.perf_counter()
        body = callback_body(app.callback_map, trigger, value)
        if body is None:
            log.warning("warm-up: no callback on %s", trigger)
            continue
        r = client.post("/_dash-update-component", json=body)
        if r.status_code >= 400:
            log.warning("warm-up: callback on %s answered %s", trigger, r.status_code)
        took[trigger] = time.perf_counter() - t
    return took


class Server(BaseApplication):
    """gunicorn running the dashboard (its documented custom-application form)."""

    def __init__(self, options: dict, db: str | None = None) -> None:
        self.options, self.db = options, db
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        t = time.perf_counter()
        app = create_app(self.db)
        took = warm(app)
        app.gateway.close()  # no DuckDB handle crosses the fork; the cache does
        log.info(
            "app built and warmed in %.1f s (%s)",
            time.perf_counter() - t,
            ", ".join(f"{k} {v:.1f} s" for k, v in took.items()),
        )
        return app.server


def options(args: argparse.Namespace) -> dict:
    """gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html)."""
    opts = {
        "bind": f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": args.timeout,  # a worker silent this long is killed and replaced
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": True,
        # recycle a worker now and then: memory returns to its forked, warm state
        "max_requests": 20000,
        "max_requests_jitter": 2000,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "errorlog": "-",
        "accesslog": "-" if args.access_log else None,
        "loglevel": "info",
        "proc_name": "ti-dashboard",
        "control_socket_disable": True,  # no control socket in the operator's home directory
    }
    if os.path.isdir("/dev/shm"):
        opts["worker_tmp_dir"] = "/dev/shm"  # the workers' heartbeat files, off the disk
    return opts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m dashboard.server", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8050)
    ap.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help="processes (default: cores, at most 4)"
    )
    ap.add_argument("--threads", type=int, default=4, help="threads per process (default 4)")
    ap.add_argument("--timeout", type=int, default=60, help="seconds before a stuck worker dies")
    ap.add_argument("--db", default=None, help="database file (default: TI_DB or the build's)")
    ap.add_argument("--no-access-log", dest="access_log", action="store_false")
    args = ap.parse_args(argv)
    if debug_requested():
        sys.exit(
            "TI_DEBUG=1 : le débogueur Dash n'est jamais activé par le serveur de production ; "
            "pour développer : python -m dashboard --debug (sur 127.0.0.1 seulement)."
        )
    if args.workers < 1 or args.threads < 1:
        sys.exit("--workers et --threads : au moins 1")
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] [%(name)s] %(message)s")
    print(
        f"Tableau de bord : http://{args.host}:{args.port}/  ({args.workers} processus)", flush=True
    )
    Server(options(args), args.db).run()


if __name__ == "__main__":
    main()
