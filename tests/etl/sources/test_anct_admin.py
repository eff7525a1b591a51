"""etl.sources.anct_admin: an unreadable ANCT polygon stops the build with its row."""

from __future__ import annotations


def test_unreadable_geojson_geometry(last_good):
    mirror, paths, good = last_good

    def bad(doc):
        doc["features"][1]["geometry"] = {"type": "Polygon", "coordinates": [[[1.0]]]}
        return doc

    last_good.edit_json(mirror / "anct-admin/polygone-4326_arr.geojson", bad)
    last_good.fails(
        file="polygone-4326_arr.geojson",
        row=2,
        column="geometry",
        match="unreadable geometry",
    )
