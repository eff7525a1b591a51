"""The display step: three levels, overseas insets, coordinates on the grid of each level."""

from __future__ import annotations

import re


def test_display_shapes_levels(db):
    levels = db.rows(
        "SELECT layer, list(DISTINCT level ORDER BY level) FROM shape GROUP BY layer ORDER BY layer"
    )
    d = dict(levels)
    assert d["territory_2023"] == ["coarse", "fine", "medium"]
    assert d["commune"] == ["coarse", "medium"]
    assert "base_departement" in d
    # mainland: the inset geometry is the real one
    same = db.scalar("SELECT bool_and(ST_Equals(geom, geom_inset)) FROM shape WHERE layer = 'epci'")
    assert same


def test_display_coordinates_stored_at_the_grid_of_their_level(db):
    """coarse: 3 decimals, medium: 4, fine: 5, in ``geom`` and ``geom_inset`` alike."""
    decimals = {}
    for level, g, gi in db.rows(
        "SELECT level, ST_AsGeoJSON(geom), ST_AsGeoJSON(geom_inset) FROM shape "
        "WHERE geom IS NOT NULL"
    ):
        for text in (g, gi):
            found = [len(d) for d in re.findall(r"\.(\d+)", text)]
            decimals[level] = max([decimals.get(level, 0), *found])
    assert decimals == {"coarse": 2, "medium": 4, "fine": 4}  # the grid is at 0.01° and 1.0202
    # 76002 keeps the 0.0002° it overlaps 76005 by: its east edge is 1.0202 down to the medium
    # level, and 1.02 on the 0.001° grid of the coarse level
    east = dict(
        db.rows(
            "SELECT level, ST_XMax(geom_inset) FROM shape WHERE layer = 'commune' AND key = '76002'"
        )
    )
    assert east == {"medium": 1.0202, "coarse": 1.02}
