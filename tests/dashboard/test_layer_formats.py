"""Every map layer of every page declares the format its URL is served in.

The map explorer's routes /_carte/geo and /_carte/base answer in Geobuf (protobuf); other routes
answer GeoJSON. A dash-leaflet GeoJSON left at its default format parses a Geobuf answer as JSON,
throws in the browser, and the layer is never drawn: that is what broke the /redecoupage maps
and the territory profile's outlines after the merge. This test fetches each layer's URL from
the app and checks the answer's type against the component's ``format``."""

from __future__ import annotations

import pytest

from dashboard.app import create_app, render_page
from dashboard.pages import load_pages

PAGES = [
    ("/", ""),
    ("/", "?dep=76"),
    ("/redecoupage", ""),
    ("/redecoupage", "?dep=76"),
    ("/territoire/2023/ti-2801", ""),
    ("/territoire/2018/ti-2801", ""),
]
MIMETYPE = {"geobuf": "application/x-protobuf", "geojson": "application/json"}


def _url_layers(node, out: list[dict]) -> list[dict]:
    if hasattr(node, "to_plotly_json"):
        node = node.to_plotly_json()
    if isinstance(node, dict):
        props = node.get("props", {})
        if node.get("type") == "GeoJSON" and props.get("url"):
            out.append(props)
        for v in props.values():
            _url_layers(v, out)
    elif isinstance(node, (list, tuple)):
        for c in node:
            _url_layers(c, out)
    return out


@pytest.fixture(scope="module")
def client(mini_db):
    return create_app(mini_db).server.test_client()


@pytest.mark.parametrize(("path", "search"), PAGES)
def test_each_layer_declares_the_format_its_url_answers_in(q, client, path, search):
    layers = _url_layers(render_page(load_pages(), q, path, search), [])
    assert layers, "the page has map layers read from URLs"
    seen = set()
    for props in layers:
        fmt = props.get("format", "geojson")
        r = client.get(props["url"])
        assert r.status_code == 200, props["url"]
        assert r.mimetype == MIMETYPE[fmt], (props["url"], fmt, r.mimetype)
        seen.add(fmt)
    assert "geobuf" in seen  # the département outlines at least come from /_carte/base
