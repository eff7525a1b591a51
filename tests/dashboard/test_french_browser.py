"""French from end to end: every page in headless chromium, scanned for English words and the
database's internal keys.

What is scanned on each page, once its charts and tables are drawn: the visible text, every
tooltip and accessible name (``title``, ``aria-label``, ``placeholder``, ``alt``, plotly's toolbar
``data-title``), the SVG text of every plotly chart, the texts plotly keeps for hovering (trace
names, hover texts and templates, titles, annotations, sankey labels), the ag-grid header cells
and the filter menu of one table. A hit names the page, where it was found and the text around.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

# English a French reader would notice (whole words, case-sensitive where French has the word
# in lower case: "Pan" is English, "pan" of a wall is French; "Date" is French)
ENGLISH = re.compile(
    r"\b(?:the|The|and|with|from|of|to|by|is|are|not|No|Yes|yes"
    r"|wave|state|end|perimeter|monthly|figures?|published|jobs?|projects?|created|expected"
    r"|launch|announced|identified|funded|laureates?|undated|approx|percent|billion|million EUR"
    r"|territories|package|geometry|origin|stated|facts|quoted|cited|subset|employment"
    r"|zone subset|licen[cs]e not|open data|Loading|Download|Zoom in|Zoom out|Reset|Autoscale|Pan|Select"
    r"|Lasso|Show|Rows|Filter|Equals|Contains|Blank|Clear|Apply|Cancel|Search|Produced"
    r"|Plotly|Share|Edit|Chart Studio|Double-click|Click|Previous|Next|First|Last"
    r"|Jan|Feb|Apr|May|Jun|Jul|Aug|Sep|Oct|Dec"
    r"|January|February|March|April|June|July|August|September|October|November|December"
    r"|Monday|Sunday|trace \d+|Untitled|undefined|NaN|null|None|True|False)\b"
)
# the database's own names, never shown to a reader
INTERNAL = re.compile(
    r"\b(?:territories:20\d\d|cog:[a-z]+|anct_admin(?::[a-z]+)?|commune_geometry"
    r"|published_figures|france_relance(?::[a-z]+)?|ditp:[A-Za-z0-9-]+|fonds_vert_2024"
    r"|goal_series|published_figure|redraw_[a-z_]+|dropped|merged|kept|split"
    r"|single_arrondissement|single_departement|multi_departement|multi_region"
    r"|no_arrondissement|reduced|python -m|make etl|make run|TI_[A-Z_]+)\b"
)
# snake_case identifiers (file names and addresses excepted: they are shown on purpose)
SNAKE = re.compile(r"(?<![\w./:-])[a-z]+(?:_[a-z0-9]+)+(?![\w.-]*\.(?:csv|json|geojson|lzma))\b")
URL = re.compile(
    r"https?://\S+|/[\w./?=&%-]+\.(?:csv|json|geojson|lzma)\b|\S+\.(?:csv|json|geojson|lzma)\b"
)

COLLECT = """() => {
  const out = [];
  const push = (where, s) => { if (typeof s === 'string' && s.trim()) out.push([where, s]); };
  push('texte', document.body.innerText);
  push('titre', document.title);
  for (const el of document.querySelectorAll('[title],[aria-label],[placeholder],[alt],[data-title]')) {
    for (const a of ['title', 'aria-label', 'placeholder', 'alt', 'data-title']) {
      push('attribut ' + a, el.getAttribute(a));
    }
  }
  for (const t of document.querySelectorAll('.js-plotly-plot svg text')) push('svg', t.textContent);
  for (const h of document.querySelectorAll('.ag-header-cell-text')) push('en-tête', h.textContent);
  const keys = new Set(['name', 'text', 'hovertext', 'hovertemplate', 'texttemplate', 'label',
                        'title', 'customdata']);
  const walk = (o, where, depth) => {
    if (o === null || o === undefined || depth > 6) return;
    if (typeof o === 'string') { push(where, o); return; }
    if (Array.isArray(o)) { o.slice(0, 400).forEach(v => walk(v, where, depth + 1)); return; }
    if (typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if (keys.has(k) || k === 'annotations' || k === 'node' || k === 'link' || k === 'text'
            || (k.startsWith('xaxis') || k.startsWith('yaxis') || k === 'gauge' || k === 'number')) {
          walk(v, where + '.' + k, depth + 1);
        }
      }
    }
  };
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    walk(gd.data, 'graphique ' + (gd.parentElement && gd.parentElement.id || gd.id), 0);
    walk(gd.layout, 'graphique ' + (gd.parentElement && gd.parentElement.id || gd.id), 0);
  }
  return out;
}"""

READY = """() => {
  const graphs = document.querySelectorAll('.js-plotly-plot');
  const loading = document.querySelector('[data-dash-is-loading="true"]');
  return document.querySelector('#page') && document.querySelector('#page').children.length > 0
         && !loading && Array.from(graphs).every(g => g.querySelector('.main-svg'));
}"""


def clean(text: str) -> str:
    """The text a reader sees: plotly's markup, %{...} placeholders and addresses removed."""
    text = re.sub(r"<extra>.*?</extra>", " ", text)
    text = re.sub(r"%\{[^}]*\}", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return URL.sub(" ", text)


def hits(items: list[list[str]]) -> list[str]:
    out = []
    for where, raw in items:
        text = clean(raw)
        for rx in (ENGLISH, INTERNAL, SNAKE):
            for m in rx.finditer(text):
                around = text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
                out.append(f"{where}: « {m.group(0)} » dans « …{around}… »")
    return sorted(set(out))


def scan(page, path: str, *, open_filter: bool = False) -> list[str]:
    page.goto(path)
    page.wait_for_function(READY, timeout=60000)
    if page.locator(".leaflet-container").count():  # the map layers come after the page
        page.wait_for_function(
            "document.querySelectorAll('.leaflet-overlay-pane path').length > 0", timeout=60000
        )
        # dash-leaflet's own "Loading..." (while a layer's code loads) is hidden by style.css:
        # never in the text a reader sees (test_shell_browser.py watches it as it comes)
        assert "Loading..." not in page.evaluate("document.body.innerText")
    if open_filter and page.locator(".ag-header-cell-filter-button").count():
        page.locator(".ag-header-cell-filter-button").first.click()
        page.locator(".ag-filter").first.wait_for()
    items = page.evaluate(COLLECT)
    return [f"{path} — {h}" for h in hits(items)]


def _profiles(real_db) -> list[str]:
    from etl.db import Database

    with Database(real_db) as d:
        t18 = d.scalar("SELECT min(id) FROM territory WHERE wave = '2018'")
        t23 = d.scalar(  # the territory of Rouen (76540): the one with Urssaf data
            "SELECT territory_id FROM territory_commune WHERE wave = '2023' AND commune_code = '76540'"
        )
        may = d.scalar("SELECT id FROM territory WHERE wave = '2023' AND name = 'Mayotte'")
    return [f"/territoire/2018/{t18}", f"/territoire/2023/{t23}", f"/territoire/2023/{may}"]


PAGES = [
    "/",
    "/?couche=region&ind=ditp_industrial_jobs",
    "/redecoupage",
    "/progres",
    "/sources",
]


def test_clean_keeps_words_and_drops_markup():
    assert clean("<b>Emplois</b> %{x}<extra>trace</extra> https://a.fr/x_y").split() == ["Emplois"]
    found = hits([["texte", "Source : territories:2023 — 2018 wave, state at end 2022"]])
    assert any("territories:2023" in h for h in found)
    assert any("« wave »" in h for h in found) and any("« state »" in h for h in found)
    assert not hits([["texte", "Vague 2018, état fin 2022 (programme_milestones.csv)"]])
    assert hits([["svg", "Jan 2021"]]) and not hits([["svg", "janv. 2021"]])
    assert hits([["texte", "No Rows To Show"]]) and hits([["texte", "sorted by share_of_2018"]])


def test_every_page_speaks_french(page, real_db):
    found = []
    for path in PAGES + _profiles(real_db):
        found += scan(page, path, open_filter=path == "/progres")
    assert page.errors == []
    assert not found, f"{len(found)} textes non français ou clés internes :\n" + "\n".join(found)


def test_the_demonstration_progress_page_speaks_french(browser, demo_url):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=demo_url, bypass_csp=True
    )
    page = ctx.new_page()
    try:
        page.goto("/progres?registre=demo")
        page.wait_for_function(READY, timeout=60000)
        page.get_by_label("Registre de démonstration (données fictives)").check()
        page.locator("#progres-label .ti-demo-label").wait_for()
        found = [f"/progres (démonstration) — {h}" for h in hits(page.evaluate(COLLECT))]
        assert not found, f"{len(found)} textes non français :\n" + "\n".join(found)
    finally:
        ctx.close()
