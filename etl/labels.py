"""Where the map writes place names (table ``label_point``), since no tile server draws them.

``label_point(code, name, population, chef_lieu_kind, geom, geom_inset)``: one point per commune
with a display geometry, its name stripped, its population, ``chef_lieu_kind`` ``'préfecture'``
or ``'sous-préfecture'`` when it is the chef-lieu of an arrondissement (NULL otherwise). The
point is the chef-lieu point of ``arrondissement`` for a chef-lieu, else a point inside the
commune's ``medium`` display polygon (``ST_PointOnSurface``: inside, unlike a centroid);
``geom_inset`` is the same in the overseas insets of the national view. The browser chooses
which names to draw at each zoom, largest first, so that none overlaps
(``dashboard/assets/carte.js``).
"""

from __future__ import annotations

from etl.context import BuildContext

_SQL = """
CREATE OR REPLACE TABLE label_point AS
WITH chef AS (
    -- a préfecture is also the chef-lieu of its own arrondissement: 'préfecture' < 'sous-...'
    SELECT chef_lieu_code AS code, min(chef_lieu_kind) AS kind,
           any_value(chef_lieu_geom) AS g, any_value(chef_lieu_geom_inset) AS gi
    FROM arrondissement WHERE chef_lieu_geom IS NOT NULL GROUP BY chef_lieu_code
)
SELECT c.code, trim(c.name) AS name, c.population, chef.kind AS chef_lieu_kind,
       coalesce(chef.g, ST_PointOnSurface(s.geom)) AS geom,
       coalesce(chef.gi, ST_PointOnSurface(s.geom_inset)) AS geom_inset
FROM commune c
JOIN shape s ON s.layer = 'commune' AND s.level = 'medium' AND s.key = c.code
LEFT JOIN chef ON chef.code = c.code
WHERE s.geom IS NOT NULL
ORDER BY c.code
"""


def write(ctx: BuildContext) -> None:
    """The table ``label_point`` (part of the display step, :func:`etl.display_layer.write`)."""
    ctx.db.execute(_SQL)
    n, chefs = ctx.db.rows("SELECT count(*), count(chef_lieu_kind) FROM label_point")[0]
    ctx.check(
        "label_points",
        "communes",
        n,
        f"{chefs} préfectures and sous-préfectures among them",
    )
