"""``python -m dashboard [--host H] [--port P] [--db PATH] [--debug]``: serve the dashboard."""

from __future__ import annotations

import argparse

from dashboard.app import create_app, debug_requested


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8050)
    ap.add_argument(
        "--db", default=None, help="database file (default: TI_DB or data/processed/ti.duckdb)"
    )
    ap.add_argument(
        "--debug", action="store_true", help="Dash debugger (also TI_DEBUG=1); never in production"
    )
    args = ap.parse_args(argv)
    app = create_app(args.db)
    debug = args.debug or debug_requested()
    print(
        f"Tableau de bord : http://{args.host}:{args.port}/  (debug {'activé' if debug else 'désactivé'})",
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=debug)


if __name__ == "__main__":
    main()
