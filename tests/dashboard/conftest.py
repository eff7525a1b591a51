"""Fixtures of the dashboard tests: query layers over the miniature database."""

from __future__ import annotations

import shutil

import pytest

from dashboard.queries import Queries
from etl.db import Database


@pytest.fixture(scope="session")
def q(mini_db):
    """Read-only queries over the miniature database (built once per session)."""
    queries = Queries(mini_db)
    yield queries
    queries.close()


@pytest.fixture
def db_with_indicators(mini_db, tmp_path):
    """A copy of the miniature database with a later issue's indicator tables added."""
    path = tmp_path / "with-indicators.duckdb"
    shutil.copy(mini_db, path)
    with Database(path, read_only=False) as d:
        d.execute(
            "CREATE TABLE indicator_value (layer VARCHAR, key VARCHAR, indicator VARCHAR, "
            "value DOUBLE)"
        )
        d.execute(
            "INSERT INTO indicator_value VALUES ('territory_2023', 'ti-2801', 'emplois_test', 1234.5), "
            "('territory_2023', 'ti-2802', 'emplois_test', NULL), "
            "('epci', '200000001', 'projets_demo', 3)"
        )
        d.execute(
            "CREATE TABLE indicator_meta (indicator VARCHAR, label VARCHAR, unit VARCHAR, "
            "source VARCHAR, vintage VARCHAR, generated BOOLEAN, decimals INTEGER)"
        )
        d.execute(
            "INSERT INTO indicator_meta VALUES ('emplois_test', 'Emplois industriels', 'emplois', "
            "'Urssaf', '2022', false, 1), ('projets_demo', 'Projets', '', 'registre', '2024', true, 0)"
        )
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
