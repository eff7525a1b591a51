"""Every path the project uses, derived in one place.

``TI_MIRROR`` points at the raw mirror (default ``../shared/mirror`` from the project root),
``TI_DB`` at the database file (default ``data/processed/ti.duckdb``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    mirror: Path
    database: Path

    @property
    def processed(self) -> Path:
        return self.database.parent


def get_paths(
    mirror: str | os.PathLike | None = None, database: str | os.PathLike | None = None
) -> Paths:
    """Resolve the mirror and database paths from arguments, then environment, then defaults."""
    m = mirror or os.environ.get("TI_MIRROR") or PROJECT_ROOT.parent / "shared" / "mirror"
    d = database or os.environ.get("TI_DB") or PROJECT_ROOT / "data" / "processed" / "ti.duckdb"
    return Paths(mirror=Path(m).resolve(), database=Path(d).resolve())


# the two waves of Territoires d'industrie; every territory key carries its wave
WAVES = ("2018", "2023")
