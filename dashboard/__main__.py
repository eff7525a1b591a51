"""``python -m dashboard [--host H] [--port P] [--db PATH] [--debug]``: the development server.

One process (Flask's own server): for development and tests. ``make run`` and ``make serve``
use the production server, ``python -m dashboard.server`` (gunicorn). The Dash debugger runs
Python sent from the browser: it is refused unless the server listens on the loopback address.
"""

from __future__ import annotations

import argparse
import sys

from werkzeug.serving import WSGIRequestHandler

from dashboard.app import create_app, debug_requested

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _QuietHandler(WSGIRequestHandler):
    """Flask's request handler without the ``Werkzeug/x Python/y`` banner."""

    server_version = "tableau-de-bord"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8050)
    ap.add_argument(
        "--db", default=None, help="database file (default: TI_DB or data/processed/ti.duckdb)"
    )
    ap.add_argument(
        "--debug",
        action="store_true",
        help="Dash debugger (also TI_DEBUG=1); only on 127.0.0.1, never in production",
    )
    args = ap.parse_args(argv)
    debug = args.debug or debug_requested()
    if debug and args.host not in LOOPBACK:
        sys.exit(
            f"Débogueur refusé sur {args.host} : il exécute du code envoyé par le navigateur. "
            "Le débogueur n'écoute que sur 127.0.0.1 (--host 127.0.0.1)."
        )
    app = create_app(args.db)
    print(
        f"Tableau de bord : http://{args.host}:{args.port}/  (débogueur "
        f"{'activé' if debug else 'désactivé'} ; serveur de développement)",
        flush=True,
    )
    app.run(host=args.host, port=args.port, debug=debug, request_handler=_QuietHandler)


if __name__ == "__main__":
    main()
