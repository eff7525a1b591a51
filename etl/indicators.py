"""The long ``indicator`` table that the map explorer reads, and the writes every source shares.

``indicator(layer, key, indicator, label, unit, year, value, source, is_demo)``:

- ``layer`` is one of :data:`LAYERS`; ``key`` the code, SIREN or ``ti-XXXX`` id of that layer
  (the wave of a territory is in the layer name, ``territory_2023``);
- ``year`` is the year the value describes, or NULL for a value with no year (a share of
  coverage, a cumulative registry count);
- a unit without a row has **no data** for that indicator: the pages show "pas de données",
  never 0. Sources only write rows for what they actually measured.
- each family of indicators owns a name prefix (``urssaf_``, ``france_relance_``, ``ditp_``,
  ``projects_``, ``demo_projects_``) and replaces only its own rows, so the steps can run in any
  order and a registry import or the demo can refresh theirs in an existing database.
- demonstration rows (``is_demo``) have their own indicator names (``demo_projects_*``) and
  labels ending in "(données fictives)": no query can mix them with real figures by accident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.config import WAVES
from etl.db import Database

if TYPE_CHECKING:
    import pandas as pd

LAYERS = (
    *(f"territory_{w}" for w in WAVES),
    "epci",
    "arrondissement",
    "departement",
    "region",
)
COLUMNS = ("layer", "key", "indicator", "label", "unit", "year", "value", "source", "is_demo")
_DDL = (
    "CREATE TABLE IF NOT EXISTS indicator (layer VARCHAR NOT NULL, key VARCHAR NOT NULL, "
    "indicator VARCHAR NOT NULL, label VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER, "
    "value DOUBLE NOT NULL, source VARCHAR NOT NULL, is_demo BOOLEAN NOT NULL)"
)


def ensure_table(db: Database) -> None:
    """Create the empty ``indicator`` table if it does not exist yet (idempotent)."""
    db.execute(_DDL)


def replace_family(db: Database, prefix: str, frame: pd.DataFrame) -> int:
    """Replace every indicator whose name starts with ``prefix`` by the rows of ``frame``.

    ``frame`` has the columns of :data:`COLUMNS`; rows with a null value are dropped (no row
    means no data). Returns the number of rows written.
    """
    if not prefix or not prefix.endswith("_"):
        raise ValueError(f"indicator prefix must end with '_', got {prefix!r}")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"indicator frame lacks columns {missing}")
    frame = frame.astype({"layer": object, "key": object, "indicator": object})
    bad_layer = set(frame["layer"]) - set(LAYERS)
    if bad_layer:
        raise ValueError(
            f"unknown indicator layer(s) {sorted(bad_layer)}; expected one of {LAYERS}"
        )
    bad_name = frame.loc[[not str(n).startswith(prefix) for n in frame["indicator"]], "indicator"]
    if len(bad_name):
        raise ValueError(
            f"indicator {bad_name.iloc[0]!r} does not start with its family prefix {prefix!r}"
        )
    out = frame.loc[frame["value"].notna(), list(COLUMNS)].copy()
    out["year"] = out["year"].astype("Int32")
    out["value"] = out["value"].astype("float64")
    out["is_demo"] = out["is_demo"].astype(bool)
    ensure_table(db)
    db.execute("DELETE FROM indicator WHERE starts_with(indicator, ?)", [prefix])
    if len(out):
        db.write_table("_indicator_new", out)
        db.execute("INSERT INTO indicator SELECT * FROM _indicator_new")
        db.execute("DROP TABLE _indicator_new")
    return len(out)


def frame(
    layer: str | pd.Series,
    key: pd.Series,
    indicator: str,
    label: str,
    unit: str,
    year: pd.Series | int | None,
    value: pd.Series,
    source: str,
    is_demo: bool = False,
) -> pd.DataFrame:
    """Indicator rows for one indicator: a small constructor that keeps the column order."""
    import pandas as pd

    n = len(value)
    return pd.DataFrame(
        {
            "layer": layer.to_numpy() if isinstance(layer, pd.Series) else [layer] * n,
            "key": key.astype(str).to_numpy(),
            "indicator": [indicator] * n,
            "label": [label] * n,
            "unit": [unit] * n,
            "year": (year.to_numpy() if isinstance(year, pd.Series) else [year] * n),
            "value": value.to_numpy(dtype="float64", na_value=float("nan")),
            "source": [source] * n,
            "is_demo": [is_demo] * n,
        }
    )
