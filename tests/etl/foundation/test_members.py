"""The members step: each member SIREN resolved as an EPCI, a Grand Paris EPT or a commune; an
unknown one stops the build with the file, the territory and the column."""

from __future__ import annotations


def test_members_resolved_by_kind(db):
    m = db.df(
        "SELECT wave, territory_id, siren, kind, name FROM territory_member ORDER BY wave, territory_id"
    )
    assert m.kind.tolist() == ["EPCI", "commune", "EPCI", "commune"]
    assert m.name.tolist()[1] == "Rouen"


def test_unknown_siren(last_good):
    mirror, paths, good = last_good

    def bad(doc):
        doc["features"][0]["properties"]["liste_geo"] += "; CC Inconnue (999999999)"
        return doc

    last_good.edit_json(mirror / "anct-ti-2023/ti_geom.geojson", bad)
    last_good.fails(file="ti_geom.geojson", row="ti-2801", column="liste_geo", match="999999999")
