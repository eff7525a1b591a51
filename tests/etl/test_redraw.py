"""etl.redraw: the redraw tables on the toy country (tests/data/toy_country.py) against values
worked out by hand, and the step inside the build of the miniature mirror."""

from __future__ import annotations

import pytest

from etl.db import Database


def by_code(db, sql, params=None):
    return {r[0]: r[1:] if len(r) > 2 else r[1] for r in db.rows(sql, params)}


def test_change_class_of_every_commune(toy_db):
    got = by_code(toy_db, "SELECT commune_code, change_class FROM redraw_commune")
    expected = {
        # A (ti-0001 of 2018) went mostly to y (ti-0001 of 2023): C05, C06 stay with it,
        # C01, C02 went to x (ti-0003 of 2023), which is not A's counterpart
        "C01": "moved",
        "C02": "moved",
        "C05": "same",
        "C06": "same",
        # B's counterpart is y: it was absorbed, its communes are in the "same" territory
        "C03": "same",
        "C07": "same",
        "C04": "same",
        "C08": "same",
        "C09": "left",
        "C10": "left",
        "C11": "entered",
        "C12": "entered",
        "C13": "outside",
        "C14": "outside",
        "C15": "outside",
        "C16": "outside",
    }
    assert got == expected


def test_change_and_movement_columns(toy_db):
    rows = toy_db.rows("""SELECT change, movement, count(*) FROM redraw_commune
                          GROUP BY ALL ORDER BY ALL""")
    assert rows == [
        ("both", "moved", 2),
        ("both", "same", 6),
        ("entered", None, 2),
        ("left", None, 2),
        ("outside", None, 4),
    ]


def test_territories_carry_the_wave(toy_db):
    # ti-0003 is C in 2018 and x in 2023: different places
    row = toy_db.rows(
        "SELECT ti_2018, ti_2023, counterpart_2023, counterpart_2018 FROM redraw_commune "
        "WHERE commune_code = 'C01'"
    )[0]
    assert row == ("ti-0001", "ti-0003", "ti-0001", "ti-0001")
    row = toy_db.rows(
        "SELECT ti_2018, ti_2023, counterpart_2023, counterpart_2018 FROM redraw_commune "
        "WHERE commune_code = 'C04'"
    )[0]
    assert row == ("ti-0003", "ti-0002", "ti-0002", "ti-0003")


def test_counterparts_both_directions(toy_db):
    got = {
        (w, t): (c, p, m)
        for w, t, c, p, m in toy_db.rows(
            "SELECT wave, territory_id, counterpart_id, shared_population, mutual FROM redraw_counterpart"
        )
    }
    assert got == {
        ("2018", "ti-0001"): ("ti-0001", 400, True),  # A -> y (400 of 600)
        ("2018", "ti-0002"): ("ti-0001", 200, False),  # B -> y, but y's counterpart is A
        ("2018", "ti-0003"): ("ti-0002", 200, True),  # C -> w
        ("2018", "ti-0004"): (None, None, False),  # D left the programme
        ("2023", "ti-0001"): ("ti-0001", 400, True),
        ("2023", "ti-0002"): ("ti-0003", 200, True),
        ("2023", "ti-0003"): ("ti-0001", 200, False),  # x came from A
        ("2023", "ti-0005"): (None, None, False),  # z is new
    }


def test_flows_and_shares(toy_db):
    rows = toy_db.rows("""SELECT ti_2018, ti_2023, population, n_communes, round(share_of_2018, 4),
                                 round(share_of_2023, 4)
                          FROM redraw_flow ORDER BY ti_2018 NULLS LAST, ti_2023 NULLS LAST""")
    assert rows == [
        ("ti-0001", "ti-0001", 400, 2, 0.6667, 0.6667),
        ("ti-0001", "ti-0003", 200, 2, 0.3333, 1.0),
        ("ti-0002", "ti-0001", 200, 2, 1.0, 0.3333),
        ("ti-0003", "ti-0002", 200, 2, 1.0, 1.0),
        ("ti-0004", None, 100, 2, 1.0, None),
        (None, "ti-0005", 400, 2, None, 1.0),
    ]
    # the shares of each territory add up to 1
    for w in ("2018", "2023"):
        sums = toy_db.rows(
            f"SELECT sum(share_of_{w}) FROM redraw_flow WHERE ti_{w} IS NOT NULL "  # noqa: S608
            f"GROUP BY ti_{w}"
        )
        assert all(s == pytest.approx(1.0) for (s,) in sums)


def test_transition_classes(toy_db):
    got = by_code(toy_db, "SELECT ti_2018, transition, counterpart_2023 FROM redraw_transition")
    assert got == {
        "ti-0001": ("split", "ti-0001"),
        "ti-0002": ("merged", "ti-0001"),
        "ti-0003": ("kept", "ti-0002"),
        "ti-0004": ("dropped", None),
    }
    row = toy_db.rows("""SELECT round(main_share, 4), round(second_share, 4), covered_share, outside_share,
                                round(source_share, 4), n_successors
                         FROM redraw_transition WHERE ti_2018 = 'ti-0002'""")[0]
    assert row == (1.0, 0.0, 1.0, 0.0, 0.3333, 1)


def test_transition_detail_view(toy_db):
    rows = toy_db.rows("""SELECT ti_2018, transition, ti_2023, name_2023, is_counterpart
                          FROM redraw_transition_detail ORDER BY ti_2018, ti_2023 NULLS LAST""")
    assert rows == [
        ("ti-0001", "split", "ti-0001", "y", True),
        ("ti-0001", "split", "ti-0003", "x", False),
        ("ti-0002", "merged", "ti-0001", "y", True),
        ("ti-0003", "kept", "ti-0002", "w", True),
        ("ti-0004", "dropped", None, None, False),
    ]


def test_summary_france(toy_db):
    rows = toy_db.rows("""SELECT wave, n_territories, n_communes, n_epci, population, area_km2,
                                 total_population FROM redraw_summary WHERE level = 'france' ORDER BY wave""")
    assert rows == [("2018", 4, 10, 5, 1100, 100.0, 1540), ("2023", 4, 10, 6, 1400, 100.0, 1540)]
    diff = toy_db.rows("""SELECT n_territories_diff, n_communes_diff, n_epci_diff, population_diff,
                                 area_km2_diff FROM redraw_summary_change WHERE level = 'france'""")[
        0
    ]
    assert diff == (0, 0, 1, 300, 0.0)


def test_summary_by_region_and_departement(toy_db):
    got = {
        (lv, c): v
        for lv, c, *v in toy_db.rows(
            """SELECT level, code, n_territories_2018, n_territories_2023, n_communes_2018, n_communes_2023,
                  population_2018, population_2023 FROM redraw_summary_change WHERE level <> 'france'"""
        )
    }
    assert got == {
        # D1: A, D in 2018 (C01 C02 C05 C06 C09 C10); x, y in 2023 (C01 C02 C05 C06)
        ("departement", "D1"): [2, 2, 6, 4, 700, 600],
        # D2: B in 2018 (C03 C07); y, z in 2023 (C03 C07 C11)
        ("departement", "D2"): [1, 2, 2, 3, 200, 500],
        ("departement", "D3"): [1, 2, 2, 3, 200, 300],
        # a territory astride two départements counts once in their région
        ("region", "R1"): [3, 3, 8, 7, 900, 1100],
        ("region", "R2"): [1, 2, 2, 3, 200, 300],
    }
    share = toy_db.scalar(
        "SELECT population_share FROM redraw_summary WHERE level = 'departement' "
        "AND code = 'D3' AND wave = '2023'"
    )
    assert share == pytest.approx(300 / 310)


def test_territory_arrondissement_shares(toy_db):
    got = {
        (t, a): (p, round(st, 4), round(sa, 4))
        for t, a, p, st, sa in toy_db.rows(
            """SELECT territory_id, arrondissement, population, share_of_territory, share_of_arrondissement
           FROM redraw_territory_arrondissement WHERE wave = '2023'"""
        )
    }
    assert got == {
        ("ti-0003", "A11"): (100, 0.5, round(100 / 360, 4)),
        ("ti-0003", "A12"): (100, 0.5, round(100 / 360, 4)),
        ("ti-0001", "A11"): (200, 0.3333, round(200 / 360, 4)),
        ("ti-0001", "A12"): (200, 0.3333, round(200 / 360, 4)),
        ("ti-0001", "A21"): (200, 0.3333, round(200 / 510, 4)),
        ("ti-0005", "A21"): (300, 0.75, round(300 / 510, 4)),
        ("ti-0005", "A31"): (100, 0.25, round(100 / 310, 4)),
        ("ti-0002", "A31"): (200, 1.0, round(200 / 310, 4)),
    }


def test_arrondissement_coverage(toy_db):
    got = {
        a: (n, p, t)
        for a, n, p, t in toy_db.rows(
            """SELECT arrondissement, n_territories, population_covered, total_population
           FROM redraw_arrondissement WHERE wave = '2023'"""
        )
    }
    assert got == {
        "A11": (2, 300, 360),
        "A12": (2, 300, 360),
        "A21": (2, 500, 510),
        "A31": (2, 300, 310),
    }
    got18 = {
        a: n
        for a, n in toy_db.rows(
            "SELECT arrondissement, n_territories FROM redraw_arrondissement WHERE wave = '2018'"
        )
    }
    assert got18 == {"A11": 2, "A12": 2, "A21": 1, "A31": 1}


def test_scopes_and_counts(toy_db):
    got = {
        (w, t): (s, na, nd, nr)
        for w, t, s, na, nd, nr in toy_db.rows(
            """SELECT wave, territory_id, scope, n_arrondissements, n_departements, n_regions
           FROM redraw_territory_scope"""
        )
    }
    assert got[("2023", "ti-0003")] == ("single_departement", 2, 1, 1)
    assert got[("2023", "ti-0001")] == ("multi_departement", 3, 2, 1)
    assert got[("2023", "ti-0005")] == ("multi_region", 2, 2, 2)
    assert got[("2023", "ti-0002")] == ("single_arrondissement", 1, 1, 1)
    assert got[("2018", "ti-0002")] == ("single_arrondissement", 1, 1, 1)
    counts = toy_db.rows(
        "SELECT wave, scope, n_territories FROM redraw_scope_count ORDER BY wave, rank"
    )
    assert counts == [
        ("2018", "single_arrondissement", 2),
        ("2018", "single_departement", 2),
        ("2018", "no_arrondissement", 0),
        ("2018", "multi_departement", 0),
        ("2018", "multi_region", 0),
        ("2023", "single_arrondissement", 1),
        ("2023", "single_departement", 1),
        ("2023", "no_arrondissement", 0),
        ("2023", "multi_departement", 1),
        ("2023", "multi_region", 1),
    ]


def test_validation_report(toy_db):
    checks = {c["check"]: c for c in toy_db.checks}
    assert (
        checks["redraw_change_classes"]["detail"]
        == "same: 6, moved: 2, entered: 2, left: 2, outside: 4"
    )
    assert (
        checks["redraw_transitions"]["detail"]
        == "kept: 1, split: 1, merged: 1, reduced: 0, dropped: 1"
    )
    assert checks["redraw_communes_2023"]["severity"] == "info"


def test_territory_departements_for_filters(toy_db):
    got = {
        (w, t, d): (r, p)
        for w, t, d, r, p in toy_db.rows(
            "SELECT wave, territory_id, departement, region, population FROM redraw_territory_departement"
        )
    }
    assert {k: v for k, v in got.items() if k[0] == "2023"} == {
        ("2023", "ti-0003", "D1"): ("R1", 200),
        ("2023", "ti-0001", "D1"): ("R1", 400),
        ("2023", "ti-0001", "D2"): ("R1", 200),
        ("2023", "ti-0005", "D2"): ("R1", 300),
        ("2023", "ti-0005", "D3"): ("R2", 100),
        ("2023", "ti-0002", "D3"): ("R2", 200),
    }
    # région R2 filter: the territories touching it in 2023
    ids = [
        r[0]
        for r in toy_db.rows("""SELECT DISTINCT territory_id FROM redraw_territory_departement
                                        WHERE wave = '2023' AND region = 'R2' ORDER BY 1""")
    ]
    assert ids == ["ti-0002", "ti-0005"]


def _flow(rows):
    import numpy as np
    import pandas as pd

    f = pd.DataFrame(rows, columns=["ti_2018", "ti_2023", "population"]).assign(
        n_communes=1, area_km2=1.0
    )
    tot23 = f[f.ti_2023.notna()].groupby("ti_2023")["population"].sum()
    f["share_of_2023"] = f["population"] / f["ti_2023"].map(tot23)
    f.loc[f.ti_2023.isna(), "share_of_2023"] = np.nan
    return f


def test_transition_thresholds_at_their_boundaries():
    import pandas as pd

    from etl.redraw import classify_transitions

    fl = _flow(
        [
            # exactly half covered: not dropped; all of it in U1, which it makes entirely: kept
            ("T1", "U1", 50),
            ("T1", None, 50),
            # just under half covered: reduced by more than half
            ("T2", "U2", 49),
            ("T2", None, 51),
            # a second successor with exactly 20 %: split
            ("T3", "U3", 80),
            ("T3", "U4", 20),
            # a second successor with 19 %: kept (U5 is fed by T4 alone)
            ("T4", "U5", 81),
            ("T4", "U6", 19),
            # scattered in four pieces of 25 %: no piece has half: split
            ("T5", "U7", 25),
            ("T5", "U8", 25),
            ("T5", "U9", 25),
            ("T5", "U10", 25),
            # all of T6 goes to U11, but U11 gets 3 times more from elsewhere: merged
            ("T6", "U11", 100),
            (None, "U11", 300),
        ]
    )
    terr = pd.DataFrame({"wave": "2018", "id": [f"T{i}" for i in range(1, 7)], "name": "x"})
    got = classify_transitions(fl, terr).set_index("ti_2018")["transition"].to_dict()
    assert got == {
        "T1": "kept",
        "T2": "reduced",
        "T3": "split",
        "T4": "kept",
        "T5": "split",
        "T6": "merged",
    }


def test_change_counts_for_the_legend(toy_db):
    fr = toy_db.rows("""SELECT change_class, n_communes, population FROM redraw_change_count
                        WHERE level = 'france' ORDER BY rank""")
    assert fr == [
        ("same", 6, 800),
        ("moved", 2, 200),
        ("entered", 2, 400),
        ("left", 2, 100),
        ("outside", 4, 40),
    ]
    d3 = toy_db.rows("""SELECT change_class, n_communes FROM redraw_change_count
                        WHERE level = 'departement' AND code = 'D3' ORDER BY rank""")
    assert d3 == [("same", 2), ("moved", 0), ("entered", 1), ("left", 0), ("outside", 1)]


# --- the step inside the build, on the miniature mirror (tests/data/make_mini_mirror.py) -------

TABLES = {
    "redraw_commune",
    "redraw_counterpart",
    "redraw_flow",
    "redraw_transition",
    "redraw_summary",
    "redraw_territory_arrondissement",
    "redraw_arrondissement",
    "redraw_territory_scope",
    "redraw_territory_departement",
    "redraw_label",
    "redraw_summary_change",
    "redraw_transition_detail",
    "redraw_scope_count",
    "redraw_change_count",
}


@pytest.fixture(scope="module")
def mini(mini_db):
    with Database(mini_db) as d:
        yield d


def test_the_build_writes_every_table_and_its_checks(mini):
    assert TABLES <= mini.tables()
    checks = {
        r[0] for r in mini.rows('SELECT "check" FROM validation WHERE "check" LIKE \'redraw%\'')
    }
    assert checks == {"redraw_change_classes", "redraw_transitions", "redraw_communes_2023"}


def test_the_miniature_mirror_redrawn(mini):
    # 9 communes: 6 in a 2018 territory (Rouen, and the 5 of Elbeuf Seine), 5 in a 2023 one
    # (the 4 of Rouen Vallée and Caudebec)
    assert mini.rows("SELECT count(*), count(ti_2018), count(ti_2023) FROM redraw_commune") == [
        (9, 6, 5)
    ]
    # Elbeuf Seine keeps only Caudebec (10,000 of its 55,000 inhabitants) in 2023's ti-2802:
    # reduced by more than half (18 %, above the 10 % under which it would be dropped); Rouen centre (110,000) lies wholly in Rouen Vallée, 78 % of it: kept
    assert mini.rows(
        "SELECT ti_2018, transition, counterpart_2023, round(main_share, 3) "
        "FROM redraw_transition ORDER BY ti_2018"
    ) == [("ti-2801", "reduced", "ti-2802", 0.182), ("ti-2802", "kept", "ti-2801", 1.0)]
