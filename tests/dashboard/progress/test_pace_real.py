"""The progress sources over the real mirror (skipped when the mirror is absent)."""

from __future__ import annotations

import pytest

from dashboard.progress import pace
from dashboard.progress import queries as PQ
from etl.db import Database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def db(real_db):
    with Database(real_db) as d:
        yield d


def test_published_figures(db):
    assert db.scalar("SELECT count(*) FROM published_figure") == 57
    assert db.scalar("SELECT count(*) FROM goal_series") == 4
    assert (
        db.scalar("SELECT value FROM published_figure WHERE metric = 'actions referenced'") == 3072
    )


def test_france_relance(db):
    assert (
        db.scalar(
            "SELECT value FROM france_relance WHERE level = 'france' AND date = DATE '2022-12-31'"
        )
        == 8972
    )
    assert (
        db.scalar("SELECT count(DISTINCT code) FROM france_relance WHERE level = 'departement'")
        == 101
    )
    assert db.scalar("SELECT count(DISTINCT code) FROM france_relance WHERE level = 'region'") == 18


def test_ditp(db):
    v = db.rows(
        "SELECT value FROM ditp WHERE indicator_id = 'IND-337' AND level = 'france' ORDER BY date"
    )
    assert [r[0] for r in v] == [3.32, 3.43, 3.44]


def test_urssaf_sample(db):
    # Rouen employment-zone subset: 218 codes, one a delegated commune (76358 -> 76455)
    assert (
        db.scalar(
            "SELECT n_communes_with_data FROM employment_coverage WHERE layer = 'departement' "
            "AND key = '76'"
        )
        == 217
    )
    # Métropole Rouen Normandie lies wholly in the zone: complete, mapped
    assert (
        db.scalar(
            "SELECT share FROM employment_coverage WHERE layer = 'epci' AND key = '200023414'"
        )
        == 1.0
    )
    assert (
        db.scalar(
            "SELECT value FROM indicator WHERE indicator = 'urssaf_employees_industry' AND layer = 'epci' "
            "AND key = '200023414' AND year = 2022"
        )
        == 23641
    )
    # Seine-Maritime is half covered: coverage shown, no value
    assert (
        db.scalar(
            "SELECT count(*) FROM indicator WHERE layer = 'departement' AND key = '76' "
            "AND indicator = 'urssaf_employees_total'"
        )
        == 0
    )
    # a territory far from Rouen: no Urssaf row at all ("pas de données")
    assert (
        db.scalar(
            "SELECT count(*) FROM indicator WHERE layer = 'territory_2023' AND key = 'ti-9301' "
            "AND starts_with(indicator, 'urssaf_')"
        )
        == 0
    )


def test_fonds_vert(db):
    r = db.rows(
        "SELECT count(*), sum(public_aid_eur) FROM project WHERE registry = 'fonds-vert-2024'"
    )
    assert r == [(19, 4_373_733.0)]
    assert (
        db.scalar(
            "SELECT count(*) FROM project WHERE registry = 'fonds-vert-2024' AND place_region <> '93'"
        )
        == 0
    )


def test_pace_from_the_published_series(db):
    # 2,150 actions initiated (2023-11) and 3,072 actions referenced (2025-05-27): two
    # definitions, so no pace (the page used to say 619 a year)
    rows = db.df("SELECT * FROM goal_series WHERE goal = 'projects' ORDER BY date")
    figures = [PQ.figure(r) for _, r in rows.iterrows()]
    with pytest.raises(pace.DefinitionMismatch):
        pace.observed_pace(*figures)
