"""In Chromium: ``ti_components.Later`` (assets/later.js), the children a page renders once its
map has drawn. Its three triggers are tested on a React root of their own (each with the other
triggers out of reach: a wait of a minute, no layer drawn), then the map explorer's settings."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# a Later of its own in the page: ``mount(after, wait_ms)``; ``shown()`` what it renders
MOUNT = """([after, wait]) => {
  const R = window.React, D = window.ReactDOM, box = document.createElement('div');
  box.id = 'ti-later-probe';
  document.body.appendChild(box);
  D.createRoot(box).render(R.createElement(window.ti_components.Later,
    {after: after, wait_ms: wait, text: 'en attente'}, R.createElement('b', null, 'rendu')));
}"""
SHOWN = "document.querySelector('#ti-later-probe') && document.querySelector('#ti-later-probe').textContent"


@pytest.fixture
def blank(page):
    """The app's shell (React, the assets), its page left alone."""
    page.goto("/sources")
    page.wait_for_selector("#page h1")
    return page


def test_a_later_waits_then_renders_once_its_layer_has_drawn(blank):
    blank.evaluate(MOUNT, ["ti-probe-layer", 60000])
    blank.wait_for_function(f"{SHOWN} === 'en attente'")
    assert blank.locator("#ti-later-probe p.ti-later[aria-busy='true']").count() == 1
    blank.evaluate("window.tiLater.drawn('another-layer')")  # not the one it waits for
    blank.wait_for_timeout(300)
    assert blank.evaluate(SHOWN) == "en attente"
    blank.evaluate("window.tiLater.drawn('ti-probe-layer')")
    blank.wait_for_function(f"{SHOWN} === 'rendu'", timeout=5000)
    assert blank.locator("#ti-later-probe [aria-busy]").count() == 0


def test_a_later_whose_layer_has_already_drawn_renders_at_once(blank):
    blank.evaluate("window.tiLater.drawn('ti-probe-early')")
    blank.evaluate(MOUNT, ["ti-probe-early", 60000])
    blank.wait_for_function(f"{SHOWN} === 'rendu'", timeout=5000)


def test_a_key_press_renders_a_later_at_once(blank):
    blank.evaluate(MOUNT, ["ti-never-drawn", 60000])
    blank.wait_for_function(f"{SHOWN} === 'en attente'")
    blank.keyboard.press("Tab")  # someone wants the controls: no waiting for the map
    blank.wait_for_function(f"{SHOWN} === 'rendu'", timeout=5000)


def test_a_later_whose_layer_never_draws_renders_after_its_wait(blank):
    blank.evaluate(MOUNT, ["ti-never-drawn", 200])
    blank.wait_for_function(f"{SHOWN} === 'rendu'", timeout=5000)


def test_the_map_settings_come_once_the_map_is_drawn_and_work(page, ui):
    # the settings are in the layout from the start, rendered after the 1,255 EPCI are drawn
    page.add_init_script(
        """window.__tiOrder = [];
           new MutationObserver(() => {
             const o = window.__tiOrder;
             const now = document.querySelectorAll('path.ti-feature').length === 1255 ? 'carte'
               : document.querySelector('#carte-settings .ti-later') ? 'attente' : null;
             const ctl = document.querySelector('#carte-layer') ? 'réglages' : null;
             for (const s of [now, ctl]) if (s && !o.includes(s)) o.push(s);
           }).observe(document, {childList: true, subtree: true});"""
    )

    # its 2 s fallback set to a minute: on a slow machine the order must still be the layer's
    def patient(route):
        body = route.fetch().text()
        assert body.count('"wait_ms":2000') == 1
        route.fulfill(
            body=body.replace('"wait_ms":2000', '"wait_ms":60000'), content_type="application/json"
        )

    page.route("**/_dash-layout", patient)
    page.goto("/?couche=epci")
    ui.wait_features(page, 1255)
    page.wait_for_selector("#carte-layer")
    assert page.evaluate("window.__tiOrder") == ["attente", "carte", "réglages"]
    assert page.locator("#carte-settings .ti-later").count() == 0
    # they work as before: another layer from the settings redraws the map
    ui.pick(page, "carte-layer", "2023", "Territoires d'industrie 2023")
    ui.wait_features(page, 183)
    page.wait_for_url("**couche=ti2023**")
    assert page.errors == []
