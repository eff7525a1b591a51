"""In Chromium, with the real database: the page shell on load. The router answers a layout
asked without a referrer, and the map's lazy layers render at once (no fallback, no reveal
throttle)."""

from __future__ import annotations

import json
import time

import pytest

pytestmark = pytest.mark.browser

# the ids of the outputs of every server callback fired, with the inputs that fired it
CALLBACKS = """
window.__tiCallbacks = [];
const post = window.fetch;
window.fetch = function (url, init) {
  if (String(url).includes('_dash-update-component') && init && init.body) {
    const body = JSON.parse(init.body);
    window.__tiCallbacks.push([body.output, body.changedPropIds]);
  }
  return post.apply(this, arguments);
};
"""


def _callbacks(page) -> list:
    return page.evaluate("window.__tiCallbacks")


def test_a_layout_asked_without_a_referrer_is_routed_by_the_address(page):
    # without a referrer the layout has no page: the router renders it from the address (the
    # popstate store's mount fired it first and, taken for Back, it had answered nothing: a
    # blank page)
    def no_referrer(route):
        r = route.fetch()
        route.fulfill(response=r, headers={**r.headers, "referrer-policy": "no-referrer"})

    page.add_init_script(CALLBACKS)
    page.route(lambda url: url.rstrip("/").endswith("/progres"), no_referrer)
    page.goto("/progres")
    page.wait_for_selector(".js-plotly-plot", timeout=30000)
    assert page.evaluate("document.referrer") == ""
    assert any("page.children" in out for out, _ in _callbacks(page))
    assert "450 000" in page.locator("#page").inner_text()
    assert page.errors == []


def test_the_map_layers_never_show_their_loading_fallback(page, ui):
    # dash-leaflet's GeoJSON is lazy: its code is loaded before Dash's first render
    # (assets/warm.js), so React never shows its fallback (an English "Loading...", in the map)
    # and never holds the layers back behind the fallback's reveal throttle
    page.add_init_script(
        """window.__tiFallbacks = 0;
           new MutationObserver(records => { for (const r of records) for (const n of r.addedNodes)
             if (n.textContent === 'Loading...' && r.target.closest &&
                 r.target.closest('#carte-map')) window.__tiFallbacks++; })
           .observe(document, {childList: true, subtree: true});"""
    )
    seen = []
    page.on("request", lambda r: seen.append(r.url.rsplit("/", 1)[-1]))
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    assert page.evaluate("window.__tiFallbacks") == 0
    # its chunk was asked once, from the hint in the head
    assert seen.count("async-GeoJSON.js") == 1, json.dumps(seen)
    assert page.errors == []


# every "Loading..." dash-leaflet inserts in a map, and whether it could be seen
FALLBACKS = """window.__tiFallbackSeen = [];
new MutationObserver(records => { for (const r of records) for (const n of r.addedNodes)
  if (n.textContent === 'Loading...' && r.target.closest && r.target.closest('.leaflet-container'))
    window.__tiFallbackSeen.push(n.getClientRects().length > 0); })
  .observe(document, {childList: true, subtree: true});"""


def test_reached_by_a_link_the_explorer_renders_its_layers_at_once(page, ui):
    # another page loads the map's lazy GeoJSON once idle (assets/warm.js, ``idle``): a link
    # to the explorer then renders its layers without the fallback (nor its reveal throttle)
    page.add_init_script(FALLBACKS)
    page.goto("/sources")
    page.wait_for_function(
        "performance.getEntriesByType('resource').some(r => r.name.endsWith('async-GeoJSON.js'))"
    )
    page.wait_for_timeout(200)  # the chunk run (it is fetched, then evaluated)
    page.click("#ti-menu a[href='/']")
    page.wait_for_selector("#carte-map")
    ui.wait_features(page, 183)
    assert page.evaluate("window.__tiFallbackSeen") == []
    assert page.errors == []


def test_dash_leaflets_english_loading_text_is_never_seen(page):
    # the redraw page renders its lazy layers with Dash (their fallback shows while their code
    # loads): the map says "Chargement de la carte…" meanwhile, the English text is hidden.
    # Their code is held back a second, so that the fallback is shown (on a busy machine the
    # idle warm-up of the explorer's layers could load it first, and nothing would be tested)
    def slow(route):
        time.sleep(1)
        route.continue_()

    page.route("**/async-GeoJSON.js", slow)
    page.add_init_script(FALLBACKS)
    page.goto("/redecoupage")
    page.wait_for_selector("#rd-map-2023 path.leaflet-interactive", timeout=30000)
    seen = page.evaluate("window.__tiFallbackSeen")
    assert seen and not any(seen), seen  # inserted (this page does not warm them), never shown
    assert page.errors == []
