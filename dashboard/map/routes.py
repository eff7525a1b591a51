"""The Flask route of the map's table rows when they are too many for the layout (``/_carte/rows``).

The ~35,000 communes make a 4 MB table: the layout and the callbacks send an empty table and the
address of its rows instead (:func:`dashboard.map.callbacks.table_rows`), which the browser
fetches once the map is drawn (``assets/carte.js``). The answer is exactly the table of the view
(the rows the exports write), cacheable for a year under the database version.
"""

from __future__ import annotations

from flask import request

from dashboard.core.gateway import Gateway
from dashboard.core.routes import compressed_response
from dashboard.core.urlstate import UrlState
from dashboard.map.state import MapState, from_url
from dashboard.map.view import view_model
from geo.encode import gzipped

KEPT = 16


def register(server, q: Gateway) -> None:
    """Add ``/_carte/rows?<the view's address keys>`` to the Flask ``server``."""

    @server.route("/_carte/rows")
    def carte_rows():
        # untrusted: unknown values fall back to the defaults, like the page's own address
        query = request.query_string.decode("utf-8", "replace")
        st = from_url(q, UrlState.parse(query)).without_selection()
        return compressed_response(*rows_body(q, st), "application/json", q.version)


def rows_body(q: Gateway, st: MapState) -> tuple[bytes, bytes]:
    """The JSON rows of a view's table and their gzip, kept for the :data:`KEPT` last views
    asked for (4 MB each for the communes of France: the cache stays small whatever comes)."""

    def load():
        raw = view_model(q, st).table.to_json(orient="records", force_ascii=False).encode()
        return raw, gzipped(raw)

    return q.memo(("rows_body", st.without_selection()), load, limit=KEPT)
