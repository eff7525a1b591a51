"""Browser tests of the progress page and the territory profile (real database, Debian chromium)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# true once a map feature's box is the same over 250 ms (the map is not panning or zooming)
SETTLED = """(i) => new Promise((done) => {
  const box = () => JSON.stringify(document.querySelectorAll('path.ti-feature')[i].getBoundingClientRect());
  const a = box(); setTimeout(() => done(a === box()), 250); })"""


def test_progress_page_measures_only_like_with_like_and_cites_its_sources(page):
    page.goto("/progres")
    goals = page.locator("#progres-goals")
    goals.locator("#progres-goal-source").wait_for()
    # the goals are the potential, cited as published (La Gazette des communes, 21/02/2023)
    assert goals.locator("#progres-goal-source a[href*='lagazettedescommunes']").count() == 1
    text = goals.inner_text()
    assert "Olivier Lluansi et Guillaume Basset" in text and "21/02/2023" in text
    # nothing published measures them: said plainly, no gauge, no percentage of the goal
    for goal in ("projects", "jobs"):
        block = page.locator(f"#progres-goal-{goal}")
        assert "Non mesurable à ce jour." in block.inner_text()
        assert block.locator(".main-svg").count() == 0
        assert block.locator("a[href^='http']").count() == 2  # the two nearest figures' sources
    assert "% du potentiel" not in page.inner_text("body")
    pace = page.inner_text("#progres-pace")
    assert "échéance 2033" in pace and "non mesurable à ce jour" in pace
    # published figures by definition: one chart per definition published twice or more,
    # whose hover names the source
    panel = page.locator("#progres-def-fa_projets")
    point = panel.locator(".scatterlayer .point").first
    point.wait_for()
    point.hover(force=True)
    page.wait_for_function(
        "document.querySelector('#progres-def-fa_projets .hoverlayer').textContent"
        ".includes('Source :')"
    )
    series = page.inner_text("#progres-series")
    assert "44\u202f700 emplois" in series and "Formulation de la source" in series
    assert "Source : Chiffres publiés sur le programme et ses fonds" in series
    assert "Aucun registre national des projets n'est chargé" in page.inner_text(
        "#progres-registry"
    )
    # the toolbar: French, no cloud upload, no plotly logo
    titles = page.eval_on_selector_all(
        "#progres-def-fa_projets .modebar-btn", "els => els.map(e => e.getAttribute('data-title'))"
    )
    assert "Télécharger le graphique en fichier PNG" in titles
    assert not any("Share" in t or "Partager" in t for t in titles)
    assert page.locator("#progres-def-fa_projets .modebar-btn--logo").count() == 0
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


def test_demo_registry_is_labelled(browser, demo_url):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=demo_url, bypass_csp=True
    )
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
        # the goals measured with the demonstration registry: only on request, labelled
        page.goto("/progres?registre=demo")
        gauge = page.locator("#progres-gauge-projects .main-svg")
        gauge.first.wait_for()
        goal = page.inner_text("#progres-goal-projects")
        assert "DONNÉES FICTIVES" in goal and "% du potentiel" in goal
        pace = page.inner_text("#progres-pace-block-projects")
        assert "Au rythme observé, le potentiel serait atteint en" in pace or (
            "Au rythme observé, le potentiel serait atteint entre" in pace
        )
        assert "DONNÉES FICTIVES" in page.locator("#progres-pace-projects").text_content()
    finally:
        ctx.close()
