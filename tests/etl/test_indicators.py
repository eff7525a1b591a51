"""etl.indicators: the long ``indicator`` table every source writes, and the provenance of the
progress sources, on the miniature mirror."""

from __future__ import annotations


def test_indicator_table_contract(db):
    cols = [c for c, _ in db.columns("indicator")]
    assert cols == [
        "layer",
        "key",
        "indicator",
        "label",
        "unit",
        "year",
        "value",
        "source",
        "is_demo",
    ]
    layers = {r[0] for r in db.rows("SELECT DISTINCT layer FROM indicator")}
    assert layers <= {
        "territory_2018",
        "territory_2023",
        "epci",
        "arrondissement",
        "departement",
        "region",
    }
    assert (
        db.scalar("SELECT count(*) FROM indicator WHERE value IS NULL OR source = '' OR label = ''")
        == 0
    )
    assert db.scalar("SELECT count(*) FROM indicator WHERE is_demo") == 0


def test_provenance_rows(db):
    names = {r[0] for r in db.rows("SELECT name FROM source")}
    assert {
        "published_figures",
        "france_relance:departement",
        "france_relance:region",
        "france_relance:france",
        "ditp:IND-337",
        "ditp:IND-334",
        "ditp:meta",
        "urssaf",
        "fonds_vert_2024",
    } <= names
    assert db.scalar("SELECT rows FROM source WHERE name = 'urssaf'") == 7
