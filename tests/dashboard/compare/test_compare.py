"""The comparison page and the comparison of one unit, as plain functions (miniature database:
territories 2023 ti-2801 141 000 hab. and ti-2802 10 000 hab., both in Normandie)."""

from __future__ import annotations

import pytest

from dashboard.compare import callbacks as cb
from dashboard.compare.layout import layout
from dashboard.core.compare import region_name, side_by_side, unit_comparison, valid_keys
from dashboard.core.urlstate import UrlState

HOSTILE = [None, "", "x" * 5000, "<img src=x onerror=alert(1)>", 42, ["ti2023"], {"a": 1}]


def test_two_territories_side_by_side_with_the_median_of_france(q, page_text):
    options, keys, table, entry = cb.on_compare(q, "ti2023", ["ti-2801", "ti-2802"])
    assert keys == ["ti-2801", "ti-2802"]
    assert entry == {"search": "?couche=ti2023&cmp=ti-2801,ti-2802"}
    assert {"label": "Rouen Vallée (ti-2801)", "value": "ti-2801"} in options
    text = page_text(table)
    row = text[text.index("Population municipale") :].split("\n")[:4]
    assert row[1:4] == ["141\u202f000 hab.", "10\u202f000 hab.", "75\u202f500 hab. (n = 2)"]
    assert "<img src=x onerror=alert(1)> (ti-2802)" in text  # a name stays text
    assert "/territoire/2023/ti-2801" in text and "/?couche=ti2023&sel=ti-2802" in text


def test_units_are_validated(q, page_text):
    _, keys, table, entry = cb.on_compare(q, "ti2023", ["ti-2801"])
    assert keys == ["ti-2801"] and "Choisissez de 2 à 4 unités" in page_text(table)
    many = ["ti-2801", "ti-2802", "ti-2801", "ti-9999", "<b>"]
    assert cb.on_compare(q, "ti2023", many)[1] == ["ti-2801", "ti-2802"]
    assert valid_keys(q, "epci", "200000001,200000002,200000001") == ["200000001", "200000002"]
    assert valid_keys(q, "epci", ["a"] * 5000) == []


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_inputs_fall_back(q, bad, page_text):
    options, keys, _table, entry = cb.on_compare(q, bad, bad)
    assert keys == [] and entry == {"search": "?couche=ti2023"}
    assert valid_keys(q, "ti2023", bad) == []
    page_text(layout(q, UrlState(couche=bad if isinstance(bad, str) else None)))


def test_the_page_is_built_from_its_address(q, page_text):
    text = page_text(layout(q, UrlState.parse("?couche=epci&cmp=200000001,200000002")))
    assert "Comparer des territoires" in text and "Métropole Rouen Test (200000001)" in text


def test_one_unit_beside_its_region_and_france(q):
    rows = {c.indicator.id: c for c in unit_comparison(q, "ti2023", "ti-2802")}
    pop = rows["population"]
    assert (pop.value, pop.rank, pop.n) == (10_000, 2, 2)
    assert pop.region_median == pop.france_median == 75_500 and pop.region_n == 2
    assert region_name(q, "ti2023", "ti-2802") == "Normandie"
    assert region_name(q, "region", "28") is None  # a région has no région to compare with
    assert unit_comparison(q, "ti2023", "<script>") == []
    # an indicator without value for the unit: no rank, the medians of the others
    cov = rows["urssaf_coverage"]
    assert cov.value is None and cov.rank is None and cov.france_median == 100.0
    df = side_by_side(q, "ti2023", ["ti-2801", "ti-2802"])
    assert len(df) == len(rows)
