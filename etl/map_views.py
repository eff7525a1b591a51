"""Views that put the long ``indicator`` table on the map explorer (``indicator_value``/``_meta``).

The map explorer (``dashboard.queries``) discovers indicators in ``indicator_value(layer, key,
indicator, value)`` described by ``indicator_meta``. The progress sources write the long table
``indicator`` (with a ``year``): these two **views** show, for each indicator, its latest year
(or its year-less rows), so every source's indicators reach the map with no code there, and a
registry import or the demo (which rewrite ``indicator`` rows) are seen at once.
Demonstration rows keep ``generated = true``; their labels already say "(données fictives)".
"""

from __future__ import annotations

from etl.db import Database

VALUE_SQL = (
    "CREATE OR REPLACE VIEW indicator_value AS "
    "SELECT layer, key, indicator, value FROM ("
    "  SELECT *, max(year) OVER (PARTITION BY indicator) AS last_year FROM indicator) "
    "WHERE year IS NOT DISTINCT FROM last_year")
META_SQL = (
    "CREATE OR REPLACE VIEW indicator_meta AS "
    "SELECT indicator, "
    "  any_value(label) || CASE WHEN max(year) IS NULL THEN '' "
    "    ELSE ' (' || CAST(max(year) AS VARCHAR) || ')' END AS label, "
    "  any_value(unit) AS unit, any_value(source) AS source, "
    "  coalesce(CAST(max(year) AS VARCHAR), '') AS vintage, bool_or(is_demo) AS generated, "
    "  CASE WHEN any_value(unit) = '%' THEN 1 ELSE 0 END AS decimals "
    "FROM indicator GROUP BY indicator")


def create(db: Database) -> None:
    """Create (or replace) both views; idempotent. Needs the ``indicator`` table."""
    from etl.sources import _indicators

    _indicators.ensure_table(db)
    db.execute(VALUE_SQL)
    db.execute(META_SQL)


def load(ctx) -> None:
    """Build step: the map views over ``indicator``."""
    create(ctx.db)
    n = ctx.db.scalar("SELECT count(DISTINCT indicator) FROM indicator_meta")
    ctx.check("map_indicators", "indicator_meta", n, "indicators offered to the map explorer")
