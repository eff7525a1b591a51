"""Classification, legend and map style data, on a handful of numbers."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.core import classify as F
from dashboard.core.theme import NO_DATA_COLOR


def test_quantiles_split_ten_values_into_five_half_open_classes():
    c = F.classify(list(range(1, 11)), "quantiles", 5)
    # the quantiles 2.8, 4.6, 6.4, 8.2 snap up to observed values, so no label rounds a break
    assert c.breaks == [1, 3, 5, 7, 9, 10]
    # [1, 3) holds 1 and 2; the last class [9, 10] holds its maximum
    assert c.index.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_a_value_printed_equal_to_a_quantile_edge_is_in_the_class_it_starts():
    values = [134_565, 150_000, 171_957, 171_958, 171_958, 200_000, 250_000]
    c = F.classify(values, "quantiles", 3)
    assert all(float(b).is_integer() for b in c.breaks)
    for v, k in zip(values, c.index, strict=True):
        lo, hi = c.breaks[k], c.breaks[k + 1]
        assert lo <= v and (v < hi or k == len(c.breaks) - 2)


def test_equal_intervals_and_a_value_on_a_break_goes_up():
    c = F.classify([0, 10, 20, 30, 40], "egal", 4)
    assert c.breaks == [0, 10, 20, 30, 40]
    assert c.index.tolist() == [0, 1, 2, 3, 3]


def test_jenks_separates_obvious_groups():
    c = F.classify([1, 2, 3, 100, 101, 102, 1000, 1001], "jenks", 3)
    assert c.index.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]
    assert c.breaks[1] == 100 and c.breaks[2] == 1000


def test_missing_values_are_no_data_never_zero():
    c = F.classify([5, None, float("nan"), 7], "quantiles", 5)
    assert c.index.tolist()[1:3] == [-1, -1]
    items = F.legend_items(c, n_missing=2)
    assert items[-1] == {"label": "pas de données", "color": NO_DATA_COLOR, "count": 2}


def test_all_missing_and_constant_values():
    assert F.classify([None, None], "jenks").k == 0
    c = F.classify([3, 3, 3], "quantiles", 5)
    assert c.k == 1 and c.index.tolist() == [0, 0, 0]


def test_unknown_method_lists_the_choices():
    with pytest.raises(ValueError, match="quantiles, jenks, egal"):
        F.classify([1, 2], "kmeans")


def test_legend_in_half_open_notation_with_french_numbers():
    c = F.classify([1000, 2000, 3000, 4000], "egal", 2)
    labels = [it["label"] for it in F.legend_items(c)]
    assert labels == ["[1\u202f000 ; 2\u202f500)", "[2\u202f500 ; 4\u202f000]", "pas de données"]
    assert [it["count"] for it in F.legend_items(c)][:2] == [2, 2]


def test_hideout_has_one_colour_and_text_per_key_and_no_geometry():
    c = F.classify([1, None, 3], "egal", 2)
    h = F.map_hideout(["a", "b", "c"], np.array([1, np.nan, 3]), c, 0, "hab.", "Population")
    assert h["colors"]["b"] == NO_DATA_COLOR and h["values"]["b"] == "pas de données"
    assert h["values"]["a"] == "1 hab." and h["colors"]["a"] != h["colors"]["c"]


def test_jenks_is_as_good_as_mapclassify(recwarn):
    import mapclassify

    rng = np.random.default_rng(7)
    x = rng.lognormal(10, 1, 60)

    def ssd(labels):
        return sum(((x[labels == c] - x[labels == c].mean()) ** 2).sum() for c in np.unique(labels))

    ours = F.classify(x, "jenks", 5)
    ref = mapclassify.FisherJenks(x, k=5)
    assert ssd(ours.index) == pytest.approx(ssd(ref.yb), rel=1e-9)


def test_classes_of_a_reference_place_other_values_on_its_scale():
    """Breaks computed over France (``reference``), values of a view placed in them."""
    c = F.classify([12, 35], "egal", 4, reference=[0, 10, 20, 30, 40])
    assert c.breaks == [0, 10, 20, 30, 40] and c.index.tolist() == [1, 3]
    assert [it["count"] for it in F.legend_items(c)][:4] == [0, 1, 0, 1]


def test_typed_thresholds_the_french_way():
    assert F.parse_thresholds("1 000 ; 2 500,5 ; 10\u202f000") == ([1000.0, 2500.5, 10000.0], None)
    assert F.parse_thresholds("10_5_5") == ([5.0, 10.0], None)  # the address's form, sorted
    assert F.parse_thresholds("") == (None, None) and F.parse_thresholds(None) == (None, None)
    values, msg = F.parse_thresholds("10 ; dix")
    assert values is None and msg.startswith("Seuils ignorés : « dix » n'est pas un nombre")
    assert "au plus 8" in F.parse_thresholds(";".join(str(i) for i in range(12)))[1]
    assert "trop longue" in F.parse_thresholds("1" * 500)[1]
    assert F.parse_thresholds(42)[1] == "Seuils ignorés : saisie trop longue."
    assert F.format_thresholds([1000, 2500.5]) == "1 000 ; 2 500,5"
    assert F.thresholds_param([1000.0, 2500.5]) == "1000_2500.5"


def test_manual_thresholds_become_the_inner_breaks():
    c = F.classify([5, 15, 25, 150], "manuel", thresholds=[10, 100, 1000])
    assert c.breaks == [5, 10, 100, 150]  # 1000 is above every value
    assert c.index.tolist() == [0, 1, 1, 2]


def test_diverging_classes_break_at_zero_and_take_both_sides_of_the_palette():
    from dashboard.core import palettes as P

    c = F.classify([-30, -10, 5, 20, 40], "egal", 2, palette_id="rouge-bleu", diverging=True)
    assert 0.0 in c.breaks and c.breaks[0] == -30 and c.breaks[-1] == 40
    below = sum(1 for i in range(c.k) if c.breaks[i + 1] <= 0)
    assert c.colors == P.diverging("rouge-bleu", below, c.k - below)
    # decreases in red (first half of RdBu), increases in blue
    assert c.colors[0] in P._scheme("rouge-bleu", 4)[:2] and c.colors[-1].startswith("#")


def test_a_single_value_is_labelled_as_one_value_not_an_interval():
    c = F.classify([1_268_368], "quantiles", 5)
    assert [it["label"] for it in F.legend_items(c)][0] == "1\u202f268\u202f368"


def test_palettes_are_colour_brewer_schemes_of_the_asked_size():
    from dashboard.core import palettes as P

    assert P.sequential("bleus", 5) == ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
    for pid in P.SEQUENTIAL:
        for k in range(3, 10):
            assert len(P.sequential(pid, k)) == k
    assert P.sequential("nope", 3) == P.sequential("bleus", 3)
    assert P.valid_palette("<script>") == "bleus"
    assert P.valid_palette("viridis", diverging=True) == "rouge-bleu"
    assert P.diverging("rouge-bleu", 2, 3) == [
        "#ef8a62",
        "#fddbc7",
        "#d1e5f0",
        "#67a9cf",
        "#2166ac",
    ]


def test_place_puts_values_in_the_classes_of_another_classification():
    ref = F.classify([0, 10, 20, 30, 40], "egal", 4)
    c = F.place([12, None, 40], ref)
    assert c.breaks == ref.breaks and c.colors == ref.colors
    assert c.index.tolist() == [1, -1, 3]
