"""Fixtures of the dashboard tests: the read gateway over the miniature database, a copy with
indicator rows, and (for the ``browser`` tests of every feature) one app server over the real
database and one headless chromium per session, with the helpers the browser tests share."""

from __future__ import annotations

import shutil
import time
from types import SimpleNamespace

import pytest

from dashboard.app import create_app
from dashboard.core.gateway import Gateway
from dashboard.testing import launch_chromium, serve
from etl.db import Database


@pytest.fixture(scope="session")
def q(mini_db):
    """The read gateway over the miniature database (built once per session)."""
    gateway = Gateway(mini_db)
    yield gateway
    gateway.close()


@pytest.fixture
def db_with_indicators(mini_db, tmp_path):
    """A copy of the miniature database with rows of the long ``indicator`` table: two years of
    one indicator (ti-2802 only in 2021) and a demonstration value."""
    path = tmp_path / "with-indicators.duckdb"
    shutil.copy(mini_db, path)
    with Database(path, read_only=False) as d:
        d.execute(
            "CREATE TABLE IF NOT EXISTS indicator (layer VARCHAR, key VARCHAR, indicator VARCHAR, "
            "label VARCHAR, unit VARCHAR, year INTEGER, value DOUBLE, source VARCHAR, is_demo BOOLEAN)"
        )
        d.execute(
            "INSERT INTO indicator VALUES "
            "('territory_2023', 'ti-2801', 'test_jobs', 'Emplois test', 'emplois', 2022, 120, 'Urssaf', false), "
            "('territory_2023', 'ti-2801', 'test_jobs', 'Emplois test', 'emplois', 2021, 100, 'Urssaf', false), "
            "('territory_2023', 'ti-2802', 'test_jobs', 'Emplois test', 'emplois', 2021, 7.5, 'Urssaf', false), "
            "('territory_2023', 'ti-2802', 'demo_test', 'Projets (données fictives)', '', NULL, 3, 'démo', true)"
        )
    return path


def _strings(node, out: list[str]) -> None:
    if hasattr(node, "to_plotly_json"):
        node = node.to_plotly_json()
    if isinstance(node, dict):
        props = node.get("props", node)
        for k in ("children", "href", "id", "url", "title"):
            if k in props:
                _strings(props[k], out)
    elif isinstance(node, (list, tuple)):
        for c in node:
            _strings(c, out)
    elif isinstance(node, (str, int, float)):
        out.append(str(node))


@pytest.fixture(scope="session")
def page_text():
    """``page_text(component)``: the strings of a layout (children, links, ids) joined in reading
    order, spans of one paragraph glued together (what a visitor reads, plus hrefs and ids)."""

    def text(component) -> str:
        out: list[str] = []
        _strings(component, out)
        return "".join(s if s.endswith(" ") else s + "\n" for s in out)

    return text


# -- browser tests ---------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def chart_renderer():
    """The process's one warm kaleido browser (started by the first chart export), closed
    once at the end of the session."""
    from dashboard.core.render import renderer

    yield renderer()
    renderer().stop()


@pytest.fixture(scope="session")
def base_url(real_db):
    with serve(create_app(real_db).server) as url:
        yield url


@pytest.fixture(scope="session")
def demo_url(real_db, real_paths, tmp_path_factory):
    """An app over a copy of the real database with the demonstration registry loaded (never
    the real file)."""
    from etl import demo
    from etl.config import Paths

    path = tmp_path_factory.mktemp("demo-db") / "ti.duckdb"
    shutil.copy(real_db, path)
    demo.load(Paths(mirror=real_paths.mirror, database=path))
    with serve(create_app(path).server) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    from pathlib import Path

    from dashboard.testing import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (.ci/run installs it)")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    # the tests' own probes (wait_for_function with a string) are eval'd in the page, which the
    # Content-Security-Policy forbids; tests/dashboard/test_csp_browser.py runs with it enforced
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 800},
        accept_downloads=True,
        base_url=base_url,
        bypass_csp=True,
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    ctx.close()


# -- helpers (shared by the browser tests of every page, through the ``ui`` fixture) -----------

FEATURES = "path.ti-feature"


def wait_features(page, n: int, timeout: float = 30000) -> int:
    """Wait until exactly ``n`` map features are drawn; returns the count."""
    page.wait_for_function(
        f"document.querySelectorAll('{FEATURES}').length === {n}", timeout=timeout
    )
    return page.locator(FEATURES).count()


def settle(page) -> None:
    """Wait until the map stops moving (flyToBounds after a filter or a search): the map pane
    and the address (which takes the view at each move end) unchanged over three samples."""
    page.wait_for_function(
        """() => new Promise(ok => {
             const probe = () => { const p = document.querySelector('.leaflet-map-pane');
               return (p ? p.style.transform + '|' + p.className : '') + '|' + location.search; };
             const a = probe();
             setTimeout(() => { const b = probe();
               setTimeout(() => ok(a === b && b === probe()
                                   && !document.querySelector('.leaflet-zoom-anim')), 400); }, 400);
           })""",
        timeout=30000,
    )


def inside(page, index: int) -> tuple[float, float]:
    """A viewport point where the ``index``-th map feature is the topmost element, or the next
    feature that shows (a small unit can lie wholly under the proportional circles, which are
    drawn over the polygons: its circle answers for it)."""
    settle(page)
    pt = page.evaluate(
        """(i) => { const els = document.querySelectorAll('FEATURES');
             const at = (el) => { const b = el.getBoundingClientRect();
               for (let n = 4; n <= 64; n *= 2) {
                 for (let a = 1; a < n; a++) { for (let c = 1; c < n; c++) {
                   const x = b.left + b.width * a / n, y = b.top + b.height * c / n;
                   if (document.elementFromPoint(x, y) === el) { return [x, y]; } } } }
               return null; };
             for (let k = 0; k < els.length; k++) {
               const p = at(els[(i + k) % els.length]); if (p) { return p; } }
             const el = els[i], b = el.getBoundingClientRect();
             const e = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
             return {hidden: e ? e.tagName + '.' + e.getAttribute('class') : 'nothing',
                     box: [b.left, b.top, b.width, b.height]}; }""".replace("FEATURES", FEATURES),
        index,
    )
    assert isinstance(pt, list), f"no feature shows from {index} on: {pt}"
    return pt[0], pt[1]


def pick(page, dropdown_id: str, text: str, option: str) -> None:
    """Open a Dash 4 dropdown, type ``text`` and click the option whose label contains ``option``."""
    page.click(f"#{dropdown_id}")
    box = page.locator(".dash-dropdown-content input.dash-dropdown-search")
    box.fill(text)
    page.locator(".dash-dropdown-content .dash-dropdown-option", has_text=option).first.click()
    page.locator(".dash-dropdown-content").wait_for(state="detached")


def option_labels(page, dropdown_id: str, text: str, expect: str) -> list[str]:
    """Labels offered by a dropdown for ``text`` once an option containing ``expect`` shows up."""
    page.click(f"#{dropdown_id}")
    page.locator(".dash-dropdown-content input.dash-dropdown-search").fill(text)
    page.locator(".dash-dropdown-content .dash-dropdown-option", has_text=expect).first.wait_for()
    labels = page.locator(".dash-dropdown-content .dash-dropdown-option").all_inner_texts()
    page.keyboard.press("Escape")
    return labels


def grid_row_count(page) -> int:
    """Rows of the table under the map (ag-grid's own count of displayed rows), once it has
    them: a page's first table comes after the map (its rows are null until then)."""
    deadline = time.monotonic() + 30
    while True:
        n = page.evaluate(
            "(async () => { const api = await dash_ag_grid.getApiAsync('carte-grid');"
            " return api.getGridOption('rowData') == null ? -1 : api.getDisplayedRowCount(); })()"
        )
        if n >= 0 or time.monotonic() > deadline:
            return n
        page.wait_for_timeout(100)


@pytest.fixture(scope="session")
def ui():
    """The helpers above, for test modules (pytest runs in importlib mode: no sys.path tricks)."""
    return SimpleNamespace(
        FEATURES=FEATURES,
        wait_features=wait_features,
        pick=pick,
        inside=inside,
        settle=settle,
        option_labels=option_labels,
        grid_row_count=grid_row_count,
    )
