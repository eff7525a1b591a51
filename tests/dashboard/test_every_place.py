"""Every région and every département of the real database, in every page's filters and every
layer route, answers 200 with a body the browser can read (the issue saw ``reg=44`` and
``dep=67`` answer 500 from a GEOS TopologyException).

Walked: the map's layer route for each of its layers, its chefs-lieux, the redraw page's commune
change map, the filter and view callbacks of the map and of ``/redecoupage``, France Relance by
département on ``/progres``, and the first render of each page with the filter in its address.
"""

from __future__ import annotations

import gzip
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.app import create_app
from dashboard.core.admin import admin_units
from dashboard.core.layers import LAYERS, mapped_keys
from dashboard.core.mapview import layer_url, points_url
from dashboard.http_policy import callback_body, make_body
from geo.encode import from_geobuf

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def app(real_db):
    return create_app(real_db)


@pytest.fixture(scope="module")
def places(app):
    units = admin_units(app.gateway)
    reg = units[units["level"] == "region"]["code"].tolist()
    dep = units[units["level"] == "departement"]["code"].tolist()
    assert len(reg) >= 18 and len(dep) >= 101 and "44" in reg and "67" in dep
    return [("reg", c) for c in reg] + [("dep", c) for c in dep]


def body(r) -> bytes:
    data = r.get_data()
    return gzip.decompress(data) if r.headers.get("Content-Encoding") == "gzip" else data


def features(r) -> int:
    data = body(r)
    doc = from_geobuf(data) if r.mimetype == "application/x-protobuf" else json.loads(data)
    return len((doc or {}).get("features") or [])  # geobuf decodes an empty layer as None


def post(client, app, trigger_values: dict, inputs_order: list[str] | None = None):
    """Fire the callback of the first input of ``trigger_values`` with all of those values."""
    first = next(iter(trigger_values))
    base = callback_body(app.callback_map, first, trigger_values[first])
    assert base is not None, f"no callback on {first}"
    cb = app.callback_map[base["output"]]
    names = [f"{d['id']}.{d['property']}" for d in cb["inputs"]]
    inputs = [trigger_values.get(n) for n in names]
    r = client.post(
        "/_dash-update-component",
        json=make_body(base["output"], cb, inputs, [None] * len(cb.get("state", [])), [first]),
    )
    return r


def test_every_layer_route_of_every_place(app, places):
    q = app.gateway
    mapped = set(mapped_keys(q, "region")) | set(mapped_keys(q, "departement"))

    def check(place):
        level, code = place
        client = app.server.test_client()
        reg, dep = (code, None) if level == "reg" else (None, code)
        for couche in LAYERS:
            url = layer_url(q, couche, reg, dep, None)
            r = client.get(url, headers={"Accept-Encoding": "gzip"})
            assert r.status_code == 200 and r.mimetype == "application/x-protobuf", url
            if couche in ("region", "departement"):  # small layers: decoded and counted
                n = features(r)
                # the overseas collectivities outside the programme have no display geometry
                assert n >= 1 if code in mapped else n == 0, (url, n)
        where = [reg, reg, dep, dep]  # (? IS NULL OR region = ?) AND (? IS NULL OR ...)
        r = client.get(points_url(q, reg, dep, None))
        n = q.scalar(
            "SELECT count(*) FROM arrondissement WHERE chef_lieu_geom IS NOT NULL AND "
            "(?::VARCHAR IS NULL OR region = ?) AND (?::VARCHAR IS NULL OR departement = ?)",
            where,
        )
        assert r.status_code == 200 and features(r) == n, (level, code, n)  # Mayotte: none
        r = client.get(
            f"/_redecoupage/communes?{level}={code}", headers={"Accept-Encoding": "gzip"}
        )
        # every commune of the place but the four Cantal communes without a polygon (README)
        n = q.scalar(
            "SELECT count(*) FROM redraw_commune r WHERE EXISTS (SELECT 1 FROM shape s WHERE "
            "s.layer = 'commune' AND s.level = 'medium' AND s.key = r.commune_code AND "
            "s.geom IS NOT NULL) AND (?::VARCHAR IS NULL OR r.region = ?) "
            "AND (?::VARCHAR IS NULL OR r.departement = ?)",
            where,
        )
        assert r.status_code == 200 and features(r) == n, (level, code, n)
        return place

    # two places at a time, as a threaded server worker answers them (the gateway is shared);
    # DuckDB works outside the GIL, so the walk takes about half the time on two cores
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(check, places))
    assert done == list(places)


def test_every_filter_callback_of_every_place(app, places):
    client = app.server.test_client()
    for level, code in places:
        reg, dep = (code, None) if level == "reg" else (None, code)
        checks = [
            {"carte-reg.value": reg, "carte-dep.value": dep},  # the map's filter
            {"carte-layer.value": "epci", "carte-reg.value": reg, "carte-dep.value": dep},  # view
            {"rd-reg.value": reg, "rd-dep.value": dep},  # /redecoupage: filter, then view
        ]
        for values in checks:
            r = post(client, app, values)
            assert r.status_code == 200, (values, r.status_code, r.get_data(as_text=True)[:300])
            json.loads(r.get_data(as_text=True))
        view = callback_body(app.callback_map, "rd-reg.value", reg)
        outputs = [o for o in app.callback_map if "rd-geo-2018.url" in o]
        assert outputs, "the redraw view callback"
        cb = app.callback_map[outputs[0]]
        names = [f"{d['id']}.{d['property']}" for d in cb["inputs"]]
        inputs = [{"rd-reg.value": reg, "rd-dep.value": dep}.get(n) for n in names]
        r = client.post(
            "/_dash-update-component",
            json=make_body(outputs[0], cb, inputs, [None] * len(cb["state"]), ["rd-reg.value"]),
        )
        assert r.status_code == 200, (level, code, r.get_data(as_text=True)[:300])
        assert view is not None
        if level == "dep":
            r = post(client, app, {"progres-fr-dep.value": code})
            assert r.status_code == 200, ("progres", code)


def test_every_page_renders_with_each_region_in_its_address(app, places):
    client = app.server.test_client()
    for level, code in places:
        if level != "reg":
            continue
        for path in ("/", "/redecoupage"):
            ref = f"http://localhost{path}?reg={code}"
            r = client.get("/_dash-layout", headers={"Referer": ref})
            assert r.status_code == 200, (ref, r.status_code)
            assert "Adresse invalide" not in r.get_data(as_text=True), ref
