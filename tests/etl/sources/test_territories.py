"""etl.sources.territories: bad perimeter files of either wave stop the build with the file, the
territory and the column; the last good database stays byte-identical."""

from __future__ import annotations


def test_missing_property_in_geojson(last_good):
    mirror, paths, good = last_good

    def drop(doc):
        del doc["features"][1]["properties"]["lib_territoire"]
        return doc

    last_good.edit_json(mirror / "anct-ti-2023/ti_geom.geojson", drop)
    last_good.fails(file="ti_geom.geojson", row=2, column="lib_territoire")


def test_duplicate_territory_id(last_good):
    mirror, paths, good = last_good

    def dup(doc):
        doc["features"][1]["properties"]["id_ti"] = "ti-2801"
        return doc

    last_good.edit_json(mirror / "anct-admin/polygone-4326_ti.geojson", dup)
    last_good.fails(file="polygone-4326_ti.geojson", row="ti-2801", column="id_ti")


def test_malformed_member_list(last_good):
    mirror, paths, good = last_good

    def bad(doc):
        doc["features"][0]["properties"]["liste_geo"] = "Métropole sans SIREN"
        return doc

    last_good.edit_json(mirror / "anct-ti-2023/ti_geom.geojson", bad)
    last_good.fails(file="ti_geom.geojson", row="ti-2801", column="liste_geo", match="Name (SIREN)")
