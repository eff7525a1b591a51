"""The Flask route of the ``/redecoupage`` change map: communes with their change class."""

from __future__ import annotations

from flask import request

from dashboard.core.admin import place
from dashboard.core.gateway import Gateway
from dashboard.core.inputs import text
from dashboard.core.routes import compressed_response
from dashboard.redraw import queries as RQ


def register(server, q: Gateway) -> None:
    """Add ``/_redecoupage/communes?reg=&dep=`` to the Flask ``server``."""

    @server.route("/_redecoupage/communes")
    def redecoupage_communes():
        p = place(q, text(request.args.get("reg")), text(request.args.get("dep")))
        return compressed_response(*RQ.commune_layer(q, p), "application/json", q.version)
