"""The foundation tables written from the miniature mirror: counts, provenance, territories of both
waves, arrondissements with their chef-lieu."""

from __future__ import annotations

from etl.db import Database


def test_tables_and_row_counts(db):
    counts = {
        t: db.scalar(f"SELECT count(*) FROM {t}")  # noqa: S608 (fixed names)
        for t in (
            "commune",
            "epci",
            "ept",
            "arrondissement",
            "departement",
            "region",
            "territory",
            "territory_member",
            "territory_commune",
            "source",
            "validation",
            "build_info",
        )
    }
    assert counts["commune"] == 9 and counts["epci"] == 2 and counts["ept"] == 0
    assert counts["arrondissement"] == 2 and counts["departement"] == 1 and counts["region"] == 1
    assert counts["territory"] == 4 and counts["territory_member"] == 4
    assert counts["territory_commune"] == 11
    # 6 COG files, 2 waves, 3 ANCT layers, the polygons; then published figures, 3 France
    # Relance levels, 3 DITP files, Urssaf, Fonds vert; the two French tables of the published
    # figures kept in the repository (their definitions, their labels)
    assert counts["source"] == 23
    names = {r[0] for r in db.rows("SELECT name FROM source")}
    assert {
        "cog:communes",
        "commune_geometry",
        "territories:2023",
        "territories:2018",
        "anct_admin:arrondissement",
    } <= names


def test_source_provenance(db):
    r = db.df("SELECT * FROM source WHERE name = 'territories:2023'").iloc[0]
    assert r.rows == 2 and len(r.sha256) == 64 and "Licence Ouverte" in r.licence
    assert r.path.endswith("anct-ti-2023/ti_geom.geojson") and "2023" in r.vintage


def test_territories_carry_the_wave(db):
    t = db.df(
        "SELECT wave, id, name, population, n_communes, n_members FROM territory ORDER BY wave, id"
    )
    assert t.values.tolist() == [
        ["2018", "ti-2801", "Elbeuf Seine", 55000, 5, 1],
        ["2018", "ti-2802", "Rouen centre", 110000, 1, 1],
        ["2023", "ti-2801", "Rouen Vallée", 141000, 4, 1],
        # trailing space stripped, markup kept as plain characters
        ["2023", "ti-2802", "<img src=x onerror=alert(1)>", 10000, 1, 1],
    ]


def test_hostile_strings_are_stored_as_text(mini_db):

    with Database(mini_db) as d:
        # the SQL-looking and HTML-looking name survives as plain characters
        assert (
            d.scalar("SELECT name FROM territory WHERE wave = '2023' AND id = ?", ["ti-2802"])
            == "<img src=x onerror=alert(1)>"
        )


def test_arrondissement_chef_lieu(db):
    a = db.df(
        "SELECT code, chef_lieu_name, chef_lieu_kind, population, ST_AsText(chef_lieu_geom) p "
        "FROM arrondissement ORDER BY code"
    )
    assert a[["code", "chef_lieu_name", "chef_lieu_kind", "population"]].values.tolist() == [
        ["761", "Rouen", "préfecture", 141000],
        ["762", "Elbeuf", "sous-préfecture", 55000],
    ]
    assert a.p[0].startswith("POINT (1.00")


def test_mainland_chef_lieu_not_moved_by_the_insets(db):
    # Rouen (76001: the square 1.00-1.01 x 49.40-49.41) and Elbeuf (76005: 1.02-1.03 x 49.40-49.41)
    rows = db.rows(
        "SELECT code, ST_Equals(chef_lieu_geom, chef_lieu_geom_inset), ST_X(chef_lieu_geom_inset), "
        "ST_Y(chef_lieu_geom_inset) FROM arrondissement ORDER BY code"
    )
    assert [r[:2] for r in rows] == [("761", True), ("762", True)]
    (x1, y1), (x2, y2) = [r[2:] for r in rows]
    assert 1.0 < x1 < 1.01 and 49.40 < y1 < 49.41
    assert 1.02 < x2 < 1.03 and 49.40 < y2 < 49.41
