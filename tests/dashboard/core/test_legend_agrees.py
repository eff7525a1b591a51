"""Class bounds never contradict the values they hold, as both are written on screen: values with
the decimals they were published with, breaks with as many decimals as they need."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dashboard.core import classify as K
from dashboard.core.formats import fmt_number
from dashboard.core.gateway import Gateway
from dashboard.core.indicators import get_indicator, value_decimals, values


def number(text: str) -> Decimal:
    """A number as written on screen (French separators) as a Decimal."""
    return Decimal(text.replace("\u202f", "").replace(" ", "").replace(",", "."))


def assert_agree(vals, method: str, decimals: int) -> list[dict]:
    """Every value, written with ``decimals``, lies within the bounds written on its class."""
    c = K.classify(vals, method, 5)
    items = K.legend_items(c, decimals)
    for v, k in zip(vals, c.index, strict=True):
        label = items[k]["label"]
        shown = number(fmt_number(v, decimals))
        if " ; " not in label:  # a class of one value is labelled with that value
            assert shown == number(label), (v, label)
        else:
            lo, hi = (number(x) for x in label.strip("[]()").split(" ; "))
            last = label.endswith("]")
            assert lo <= shown and (shown <= hi if last else shown < hi), (v, label)
        assert items[k]["count"] > 0, f"empty class {label}"
    return items


def test_decimals_follow_the_published_values():
    assert value_decimals(False, False, False) == 0
    assert value_decimals(True, False, False) == 1  # 0.5, 1.5
    assert value_decimals(True, True, False) == 2  # 0.01, 0.47: millions to 0.01
    assert value_decimals(True, True, True) == 1  # any precision (a share): as before
    assert fmt_number(0.01, 2) == "0,01"  # Corse: about 10,000 jobs, never "0,0"


@pytest.mark.parametrize("method", ["quantiles", "jenks", "egal"])
def test_bounds_and_values_agree_for_values_to_two_decimals(method):
    # millions of jobs as the DITP publishes them for the régions (to 0.01)
    vals = [0.01, 0.16, 0.17, 0.2, 0.24, 0.25, 0.28, 0.31, 0.36, 0.47, 0.5, 0.61]
    assert_agree(vals, method, 2)


def test_an_equal_interval_break_is_written_in_full():
    # (0.62 - 0.01) / 5 = 0.122: breaks 0.132, 0.254 ... need 3 decimals
    c = K.classify([0.01, 0.1, 0.2, 0.3, 0.4, 0.62], "egal", 5)
    labels = [it["label"] for it in K.legend_items(c, 2)[:-1]]
    assert labels[0] == "[0,01 ; 0,132)"  # the lowest bound is a value, as values are written


@pytest.mark.integration
@pytest.mark.parametrize("method", ["quantiles", "jenks", "egal"])
def test_the_ditp_map_legend_and_values_agree(real_db, method):
    q = Gateway(real_db)
    try:
        ind = get_indicator(q, "region", "ditp_industrial_jobs")
        assert ind.decimals == 2 and ind.unit == "millions d'emplois"
        vals = values(q, "region", "ditp_industrial_jobs").dropna()
        assert fmt_number(vals.min(), ind.decimals) == "0,01"  # Corse
        assert_agree(vals.tolist(), method, ind.decimals)
    finally:
        q.close()
