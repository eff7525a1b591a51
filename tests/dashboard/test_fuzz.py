"""Property-based fuzz (hypothesis) of every server callback, through ``/_dash-update-component``
as the browser sends them, and of every route, with hostile and valid values: never a 5xx,
never a traceback in a body.

The callbacks are read from the app's own callback map, so a callback added later is fuzzed too.
Examples per callback and per route: ``TI_FUZZ_EXAMPLES`` (default 40, ~1,000 requests; the
numbers in the report come from a run with a larger value).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from dataclasses import fields
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.app import create_app
from dashboard.core.admin import admin_units
from dashboard.core.indicators import indicators
from dashboard.core.layers import LAYERS
from dashboard.core.urlstate import UrlState
from dashboard.http_policy import make_body
from dashboard.redraw import queries as RQ
from dashboard.redraw.scenario_io import scenario_to_csv
from geo.scenario import Scenario

EXAMPLES = int(os.environ.get("TI_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure is reproduced, not luck
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)

HOSTILE_TEXT = [
    "",
    " ",
    "' OR 1=1 --",
    '"; DROP TABLE commune; --',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "../../../../etc/passwd",
    "\x00",
    "\u202e\u0000\ud7ff",
    "%00%2e%2e",
    "a" * 5000,
    '=HYPERLINK("http://x","y")',
    "{{7*7}}",
    "${jndi:ldap://x}",
    "NaN",
    "Infinity",
    "-1",
    "1e400",
    "ti-",
    "ti-9999",
    ":",
    "commune:",
    "epci:999999999",
]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _data_url(text: str, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(text.encode()).decode()


@pytest.fixture(scope="module")
def app(mini_db):
    return create_app(mini_db)


@pytest.fixture(scope="module")
def domain(app):
    """Valid values of the miniature database, so that examples also reach the deep paths."""
    q = app.gateway
    units = admin_units(q)
    codes = units["code"].tolist()
    inds = sorted({i.id for lay in LAYERS for i in indicators(q, lay)})
    keys = ["ti-2801", "ti-2802", "200000001", "200000002", "761", "76", "28", "76001"]
    layers = list(LAYERS)
    nested = (
        '{"features":[{"properties":{"territory_id":"ti-2801"},"geometry":'
        + "[" * 20_000
        + "]" * 20_000
        + "}]}"
    )
    csv_ok = scenario_to_csv(Scenario.official(RQ.scenario_base(q)))  # the official map
    sel = st.builds(
        dict,
        couche=st.sampled_from(layers + ["x"]),
        key=st.sampled_from(keys + HOSTILE_TEXT[:4]),
    ) | st.builds(dict, wave=st.sampled_from(["2018", "2023", "1999"]), key=st.sampled_from(keys))
    members = st.lists(
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["EPCI", "EPT", "commune", "x"]),
                "siren": st.sampled_from(["200000001", "200000002", "x" * 9]),
                "territory_id": st.sampled_from(["ti-2801", "ti-2802", "ti-9999", ""]),
                "territory_name": st.text(max_size=20),
            }
        ),
        max_size=4,
    )
    return st.one_of(
        st.sampled_from(layers + inds + codes + keys),
        st.sampled_from(["quantiles", "jenks", "equal", "csv", "xlsx", "2018", "2023"]),
        st.integers(min_value=0, max_value=5),
        sel,
        st.builds(dict, name=st.text(max_size=20), members=members),
        st.sampled_from(
            [
                _data_url(csv_ok),
                _data_url("x" * 100),
                _data_url("[" * 50_000, "application/json"),
                _data_url(
                    '{"type":"FeatureCollection","features":' + "[" * 3000 + "]" * 3000 + "}"
                ),
                "data:text/csv;base64,@@@",
                "pas une url",
            ]
        ),
        st.lists(st.sampled_from(codes + keys), max_size=3),
        # an upload of both files: the members CSV and a GeoJSON nested deeper than Python's stack
        st.just([_data_url(csv_ok), _data_url("[" * 50_000, "application/geo+json")]),
        st.just([_data_url(csv_ok), _data_url(nested, "application/geo+json")]),
    )


def values(domain):
    return st.one_of(domain, st.sampled_from(HOSTILE_TEXT), JSON_VALUES)


def assert_clean(r, what) -> None:
    raw = r.get_data()
    if r.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    body = raw.decode("utf-8", errors="replace")  # Geobuf layers are binary
    assert r.status_code < 500, f"{what}: {r.status_code} {body[:300]}"
    assert "Traceback" not in body and 'File "' not in body, f"{what}: a traceback in the body"


def server_callbacks(app) -> list[str]:
    return sorted(k for k, cb in app.callback_map.items() if "callback" in cb)


def test_the_fuzz_covers_every_server_callback(app):
    outputs = server_callbacks(app)
    assert len(outputs) >= 15  # every page's callbacks are found in the app itself
    assert any("carte-search.options" in o for o in outputs)
    assert any("rd-upload" in str(app.callback_map[o]["inputs"]) for o in outputs)
    assert not any(o.startswith("carte-selection.data@") for o in outputs)  # clientside


def fuzz_callback(client, domain, output: str, cb: dict, counts: dict):
    """A hypothesis test of one callback (built per callback: each gets its own examples)."""
    names = [f"{d['id']}.{d['property']}" for d in cb["inputs"]]

    @SETTINGS
    @given(data=st.data())
    def run(data):
        v = values(domain)
        inputs = [data.draw(v, label=n) for n in names]
        states = [data.draw(v, label="state") for _ in cb.get("state", [])]
        changed = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        r = client.post(
            "/_dash-update-component", json=make_body(output, cb, inputs, states, changed)
        )
        assert_clean(r, output)
        if r.status_code == 200:
            json.loads(r.get_data(as_text=True))  # a body the renderer can read
        counts[output] = counts.get(output, 0) + 1

    return run


def test_every_callback_with_hostile_and_valid_values(app, domain):
    client = app.server.test_client()
    counts: dict[str, int] = {}
    for output in server_callbacks(app):
        fuzz_callback(client, domain, output, app.callback_map[output], counts)()
    assert set(counts) == set(server_callbacks(app))
    assert sum(counts.values()) >= EXAMPLES * len(counts) // 2


ROUTE_PARAMS = ["couche", "key", "kind", "inset", "reg", "dep", "arr", "fmt", "v", "ind"]
# every key of a page's address (a key added later is fuzzed too), and the comparison page's
PAGE_PARAMS = sorted({f.name for f in fields(UrlState)} - {"extra"} | {"cmp", "vague", "niveau"})
# export formats: the real ones and hostile ones (the route must refuse them in French, never 500)
EXPORT_FORMATS = ["csv", "xlsx", "png", "svg", "pdf", "CSV", "exe", "csv.exe", "x" * 12, "%00"]


def test_every_route_with_hostile_and_valid_values(app, domain):
    client = app.server.test_client()
    routes = sorted(
        r.rule
        for r in app.server.url_map.iter_rules()
        if "GET" in r.methods and "<" not in r.rule and not r.rule.startswith("/_dash")
    )
    assert {"/_carte/geo", "/_carte/points", "/_redecoupage/communes", "/healthz"} <= set(routes)
    texts = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=30),
        domain.filter(lambda x: isinstance(x, str)),
    )
    n = 0

    @SETTINGS
    @given(
        route=st.sampled_from(routes),
        params=st.dictionaries(st.sampled_from(ROUTE_PARAMS), texts, max_size=4),
    )
    def run_route(route, params):
        nonlocal n
        r = client.get(route + "?" + urlencode(params), headers={"Accept-Encoding": "gzip"})
        assert_clean(r, route)
        n += 1

    run_route()

    @SETTINGS
    @given(
        page=st.sampled_from(
            ["/", "/redecoupage", "/progres", "/comparer", "/sources", "/territoire"]
        ),
        tail=st.sampled_from(["", "/2023/ti-2801", "/2018/x", "/%00", "/" + "a" * 300]),
        params=st.dictionaries(st.sampled_from(PAGE_PARAMS), texts, max_size=5),
    )
    def run_page(page, tail, params):
        """The page itself, and its first render on the server (from the layout's referrer)."""
        nonlocal n
        path = (page.rstrip("/") + tail) or "/"  # "//x" would be a host, not a path
        assert_clean(client.get(path + "?" + urlencode(params)), path)
        ref = f"http://localhost{quote(path)}?{urlencode(params)}"
        r = client.get("/_dash-layout", headers={"Referer": ref})
        assert_clean(r, "layout of " + path)
        n += 2

    run_page()
    assert n >= EXAMPLES * 2


def export_names(client, page: str) -> list[str]:
    """The exports a page registered, read from the route's own 404 ("Exports possibles ...")."""
    r = client.get(f"/_export/{page}/nulle-part.csv")
    assert r.status_code == 404, (page, r.status_code)
    return r.get_data(as_text=True).split(" : ", 1)[1].split(", ")


def test_every_export_route_with_hostile_and_valid_values(app, domain):
    """``/_export/<page>/<name>.<fmt>`` of every page: real and unknown names, real and hostile
    formats, hostile and valid query strings. Image and PDF renders are slow: fewer examples."""
    client = app.server.test_client()
    pages = sorted(
        r.rule.split("/")[2]
        for r in app.server.url_map.iter_rules()
        if r.rule.startswith("/_export/")
    )
    assert {"carte", "progres", "redecoupage", "territoire"} <= set(pages)
    names = {page: export_names(client, page) for page in pages}
    assert all(names.values()), names
    texts = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=30),
        domain.filter(lambda x: isinstance(x, str)),
    )
    n = 0

    @settings(SETTINGS, max_examples=max(10, EXAMPLES // 2))
    @given(
        target=st.sampled_from([(p, x) for p in pages for x in names[p]])
        | st.tuples(st.sampled_from(pages), st.sampled_from(["", "-", "A" * 50, "..", "x%2Fy"])),
        fmt=st.sampled_from(EXPORT_FORMATS),
        params=st.dictionaries(st.sampled_from(PAGE_PARAMS + ROUTE_PARAMS), texts, max_size=4),
    )
    def run(target, fmt, params):
        nonlocal n
        page, name = target
        r = client.get(f"/_export/{page}/{quote(name)}.{quote(fmt)}?{urlencode(params)}")
        assert_clean(r, f"/_export/{page}/{name}.{fmt}")
        if r.status_code >= 400:  # a French sentence for the export buttons, not a page
            assert r.mimetype in ("text/plain", "text/html"), r.mimetype
        n += 1

    run()
    assert n >= max(10, EXAMPLES // 2)
