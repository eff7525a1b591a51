"""Pure builders of the /redecoupage page, on values a person can check by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.core.formats import fmt_diff, fmt_share
from dashboard.redraw import figures as RF

TL = {"kept": "Maintenu", "split": "Scindé", "merged": "Fusionné", "dropped": "Sorti du programme"}


def test_both_wave_maps_share_the_same_classes():
    values = {
        "2018": pd.Series([10.0, 20.0], index=["a", "b"]),
        "2023": pd.Series([30.0, 40.0, np.nan], index=["a", "c", "d"]),
    }
    hide, legend = RF.wave_hideouts(values, "egal", selected={"2018": "b", "2023": None})
    # 4 values over one scale: 10 is the lightest class in 2018, 40 the darkest in 2023
    assert hide["2018"]["colors"]["a"] == legend[0]["color"]
    assert hide["2023"]["colors"]["c"] == legend[-2]["color"]
    assert hide["2023"]["colors"]["d"] == hide["2023"]["nodata"]
    assert hide["2018"]["selected"] == "b" and hide["2023"]["selected"] is None
    assert legend[-1] == {"label": "pas de données", "color": "#d9d9d9", "count": 1}
    assert sum(it["count"] for it in legend) == 5


def test_with_selection_copies_and_accepts_garbage():
    h = {"colors": {"a": "#fff"}}
    out = RF.with_selection(h, "a")
    assert out["selected"] == "a" and "selected" not in h
    assert RF.with_selection("<script>", None) == {"selected": None}


def test_change_legend_items_keep_the_table_order_and_counts():
    counts = pd.DataFrame(
        {
            "change_class": ["same", "moved", "outside"],
            "label": ["Même", "Autre", "Hors"],
            "n_communes": [2, 0, 7],
        }
    )
    items = RF.change_legend_items(counts)
    assert [(i["class"], i["count"]) for i in items] == [("same", 2), ("moved", 0), ("outside", 7)]
    assert items[0]["color"] == RF.CHANGE_COLORS["same"]


def test_summary_rows_format_values_and_signed_differences():
    row = {
        f"{k}_{w}": v
        for k, vals in {
            "n_territories": (2, 3, 1),
            "n_communes": (6, 5, -1),
            "n_epci": (2, 2, 0),
            "population": (165000, 151000, -14000),
            "area_km2": (5.6, 4.1, -1.5),
            "population_share": (0.8418, 0.7704, -0.0714),
            "area_share": (0.7, 0.5, -0.2),
        }.items()
        for w, v in zip(("2018", "2023", "diff"), vals, strict=True)
    }
    rows = {r["key"]: r for r in RF.summary_rows(row)}
    assert rows["n_territories"]["Écart"] == "+1"
    assert rows["n_communes"]["Écart"] == "−1"
    assert rows["n_epci"]["Écart"] == "0"
    assert rows["population"]["2018"] == "165\u202f000 hab."
    assert rows["population_share"]["2023"] == "77,0 %"
    assert rows["population_share"]["Écart"] == "−7,1 pt"
    assert RF.summary_rows(None) == []


def test_fmt_share_and_diff_show_absence():
    assert fmt_share(None) == "pas de données"
    assert fmt_share(0.5) == "50 %"
    assert fmt_diff(float("nan")) == "pas de données"
    assert fmt_diff(0.0001, 0) == "0"


def _flows():
    return pd.DataFrame(
        {
            "ti_2018": ["ti-1", "ti-1", "ti-2", None],
            "name_2018": ["Un", "Un", "Deux", None],
            "transition": ["dropped", "dropped", "kept", None],
            "ti_2023": ["ti-9", None, "ti-8", "ti-8"],
            "name_2023": ["Neuf", None, "Huit", "Huit"],
            "population": [10000, 45000, 110000, 31000],
        }
    )


def test_sankey_has_one_node_per_territory_and_outside_side():
    fig = RF.sankey_figure(_flows(), TL)
    s = fig.data[0]
    assert isinstance(s, go.Sankey)
    labels = list(s.node.label)
    assert (
        labels.count("Hors programme en 2018") == 1 and labels.count("Hors programme en 2023") == 1
    )
    assert {"Un (2018)", "Deux (2018)", "Neuf (2023)", "Huit (2023)"} <= set(labels)
    assert sorted(s.link.value) == [10000, 31000, 45000, 110000]
    # the flow Deux -> Huit is coloured as "kept"
    i = list(s.link.value).index(110000)
    assert labels[s.link.source[i]] == "Deux (2018)" and labels[s.link.target[i]] == "Huit (2023)"
    assert s.link.customdata[i] == "Maintenu"


def test_sankey_labels_show_markup_as_text():
    f = _flows()
    f.loc[2:3, "name_2023"] = "<img src=x onerror=alert(1)>"
    labels = list(RF.sankey_figure(f, TL).data[0].node.label)
    assert "&lt;img src=x onerror=alert(1)&gt; (2023)" in labels
    assert not any("<img" in lab for lab in labels)


def test_sankey_of_nothing_says_so():
    fig = RF.sankey_figure(_flows().iloc[0:0], TL)
    assert "Aucun flux" in fig.layout.annotations[0].text


def test_class_sankey_sums_by_class():
    f = pd.DataFrame(
        {
            "source": ["dropped", "dropped", "kept", "outside"],
            "target": ["counterpart", "outside", "counterpart", "other"],
            "population": [10000, 45000, 110000, 31000],
        }
    )
    s = RF.class_sankey_figure(f, TL).data[0]
    labels = list(s.node.label)
    assert labels[:3] == ["Maintenu (2018)", "Sorti du programme (2018)", "Hors programme en 2018"]
    assert "Hors programme en 2023" in labels
    assert sum(s.link.value) == 196000


def test_grid_columns_format_numbers_and_records_turn_nan_to_none():
    df = pd.DataFrame({"Nom": ["<b>x</b>"], "Population": [1.0], "Part (%)": [np.nan]})
    cols = {c["field"]: c for c in RF.grid_columns(df)}
    assert "valueFormatter" not in cols["Nom"]
    assert cols["Part (%)"]["valueFormatter"]["function"] == "tiFmt(params.value, 1)"
    assert RF.records(df) == [{"Nom": "<b>x</b>", "Population": 1.0, "Part (%)": None}]


@pytest.mark.parametrize("status,shown", [("modified", True), ("unchanged", False)])
def test_scenario_geojson_keeps_changed_territories(status, shown):
    import geopandas as gpd
    import shapely

    res = gpd.GeoDataFrame(
        {"name": ["A"], "status": [status]},
        index=["ti-1"],
        geometry=[shapely.box(0, 0, 1.000001, 1)],
        crs="EPSG:4326",
    )
    gj = RF.scenario_geojson(res)
    assert len(gj["features"]) == int(shown)
    if shown:
        assert gj["features"][0]["properties"] == {"key": "ti-1", "name": "A", "status": "modified"}
