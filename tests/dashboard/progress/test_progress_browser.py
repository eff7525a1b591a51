"""Browser tests of the progress page and the territory profile (real database, Debian chromium)."""

from __future__ import annotations

import shutil

import pytest

from dashboard.app import create_app
from dashboard.testing import serve
from etl import demo
from etl.config import Paths

pytestmark = pytest.mark.browser

# true once a map feature's box is the same over 250 ms (the map is not panning or zooming)
SETTLED = """(i) => new Promise((done) => {
  const box = () => JSON.stringify(document.querySelectorAll('path.ti-feature')[i].getBoundingClientRect());
  const a = box(); setTimeout(() => done(a === box()), 250); })"""


def test_progress_page_shows_gauges_and_series_with_sources(page):
    page.goto("/progres")
    for goal in ("projects", "jobs"):
        block = page.locator(f"#progres-goal-{goal}")
        block.locator(".main-svg").first.wait_for()
        assert block.locator("a[href^='http']").count() == 1  # the source, as a link
        assert "publié" in block.inner_text()
    # the gauges carry the latest published figure against the goal
    page.wait_for_function(
        "document.querySelector('#progres-gauge-jobs').textContent.includes('Objectif')"
    )
    gauge = page.locator("#progres-gauge-jobs").text_content()
    assert "450\u202f000" in gauge or "450 000" in gauge
    # published series: a point's hover names its source
    point = page.locator("#progres-series-jobs .scatterlayer .point").first
    point.wait_for()
    point.hover(force=True)
    hover = page.locator("#progres-series-jobs .hoverlayer")
    page.wait_for_function(
        "document.querySelector('#progres-series-jobs .hoverlayer').textContent"
        ".includes('Source :')"
    )
    assert "Source :" in hover.text_content()
    text = page.inner_text("#progres-series")
    assert "Source : published_figures" in text
    assert "Au rythme actuel" in page.inner_text("#progres-pace")
    assert "Aucun registre national des projets n'est chargé" in page.inner_text(
        "#progres-registry"
    )
    assert "fictives" not in page.inner_text("body").lower()
    assert page.errors == []


def test_territory_profile_opens_from_the_map(page, ui):
    page.goto("/")
    ui.wait_features(page, 183)
    page.wait_for_function(SETTLED, arg=40)  # the viewport fit has finished moving the features
    x, y = ui.inside(page, 40)
    page.mouse.click(x, y)
    page.locator("#carte-profile-link").wait_for()
    name = page.inner_text("#carte-panel-title")
    page.click("#carte-profile-link")
    page.locator("#territoire-nom").wait_for()
    assert page.inner_text("#territoire-nom") == name
    assert "/territoire/2023/ti-" in page.url
    body = page.inner_text("#territoire-fiche")
    assert "Membres (" in body and "Arrondissements touchés" in body and "Source :" in body
    # the map of the territory is drawn (its outline and the département outlines)
    page.wait_for_function("document.querySelectorAll('#territoire-map path').length > 1")
    # printing hides the navigation
    page.emulate_media(media="print")
    assert not page.locator(".ti-header").is_visible()
    assert page.errors == []


@pytest.fixture(scope="module")
def demo_url(real_db, real_paths, tmp_path_factory):
    """An app over a copy of the real database with the demo registry loaded (never the real file)."""
    path = tmp_path_factory.mktemp("demo-db") / "ti.duckdb"
    shutil.copy(real_db, path)
    demo.load(Paths(mirror=real_paths.mirror, database=path))
    with serve(create_app(path).server) as url:
        yield url


def test_demo_registry_is_labelled(browser, demo_url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=demo_url)
    page = ctx.new_page()
    try:
        page.goto("/progres")
        banner = page.locator("#progres-demo-banner")
        banner.wait_for()
        assert "DONNÉES FICTIVES" in banner.inner_text()
        page.get_by_label("Registre de démonstration (données fictives)").check()
        label = page.locator("#progres-label .ti-demo-label")
        label.wait_for()
        assert label.is_visible() and "DONNÉES FICTIVES" in label.inner_text()
        page.wait_for_function(
            "document.querySelector('#progres-maplink').getAttribute('href')"
            ".includes('demo_projects_count')"
        )
    finally:
        ctx.close()
