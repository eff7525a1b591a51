"""The redraw page states its definitions: each transition class with its thresholds, the scope
classes (Mayotte's own), and why the régions' counts add up to more than France's."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.core.urlstate import UrlState
from dashboard.redraw import queries as RQ
from dashboard.redraw.layout import layout
from etl import redraw as R


def test_every_transition_class_is_defined_with_its_thresholds(q, page_text):
    d = RQ.definitions(q, "transition").set_index("code")
    assert list(d.index) == ["kept", "split", "merged", "reduced", "dropped"]
    text = page_text(layout(q, UrlState()))
    for code, label, definition in zip(d.index, d["label"], d["definition"], strict=True):
        assert label in text and definition in text, code
    # the thresholds of etl/redraw.py, written as the page shows them
    for share in (R.DROPPED_BELOW, R.REDUCED_BELOW, R.SPLIT_SECOND, R.MAIN_SHARE, R.KEPT_SOURCE):
        assert f"{share * 100:.0f} %" in "".join(d["definition"])
    assert "moins de 10 % de sa population reste" in d.at["dropped", "definition"]
    assert "de 10 % à moins de 50 %" in d.at["reduced", "definition"]


def test_a_territory_keeping_a_third_of_its_population_is_reduced_not_dropped():
    # T keeps 30 % in U (10 % threshold < 30 % < 50 %); V keeps 5 %: out of the programme
    fl = pd.DataFrame(
        {
            "ti_2018": ["T", "T", "V", "V"],
            "ti_2023": ["U", None, "W", None],
            "population": [30, 70, 5, 95],
            "n_communes": 1,
            "area_km2": 1.0,
            "share_of_2023": [1.0, None, 1.0, None],
        }
    )
    terr = pd.DataFrame({"wave": "2018", "id": ["T", "V"], "name": "x"})
    got = R.classify_transitions(fl, terr).set_index("ti_2018")
    assert got["transition"].to_dict() == {"T": "reduced", "V": "dropped"}
    assert got.at["T", "covered_share"] == pytest.approx(0.3)


def test_scope_classes_are_defined_mayotte_included(q, page_text):
    d = RQ.definitions(q, "scope").set_index("code")
    assert "no_arrondissement" in d.index and "Mayotte" in d.at["no_arrondissement", "label"]
    text = page_text(layout(q, UrlState()))
    assert all(x in text for x in d["definition"])


def test_the_double_counting_of_regions_is_explained(q, page_text):
    n, by_region = RQ.region_double_count(q, "2023")
    assert by_region >= n > 0
    text = page_text(layout(q, UrlState()))
    assert f"la somme des régions donne {by_region} pour {n} territoires en 2023" in text


@pytest.mark.integration
def test_real_mirror_reduced_dropped_and_mayotte(real_db):
    from etl.db import Database

    with Database(real_db) as d:
        classes = dict(d.rows("SELECT transition, count(*) FROM redraw_transition GROUP BY 1"))
        reduced = d.df(
            "SELECT ti_2018, covered_share FROM redraw_transition WHERE transition = 'reduced'"
        )
        mayotte = d.rows(
            "SELECT s.scope FROM redraw_territory_scope s JOIN territory t "
            "ON t.wave = s.wave AND t.id = s.territory_id WHERE t.name = 'Mayotte'"
        )
        regions = d.rows(
            "SELECT sum(n_territories) FROM redraw_summary WHERE level = 'region' AND wave = '2023'"
        )
    # the 12 territories classed "sorti" before: 7 with no commune left, 5 keeping 28-48 %
    assert classes["dropped"] == 7 and classes["reduced"] == 5
    assert set(reduced["ti_2018"]) == {"ti-2408", "ti-4401", "ti-5301", "ti-5310", "ti-7512"}
    assert reduced["covered_share"].between(0.27, 0.49).all()
    assert mayotte == [("no_arrondissement",)]
    # the régions of the breakdown table add up to 198 for 183 territories (the audit
    # counted 196): the page states the sum its own table shows
    assert regions == [(198,)]
