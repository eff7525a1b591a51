"""Which project registries are loaded (real ones, the demonstration one): shared by the pages
that show projects."""

from __future__ import annotations

import pandas as pd

from dashboard.core.gateway import Gateway

REAL_FIRST_REGISTRY = "fonds-vert-2024"  # the mirror's 19 projects (PACA), loaded by every build


def registries(q: Gateway) -> pd.DataFrame:
    """The loaded registries (``registry`` table), empty when none."""
    if not q.has("registry"):
        return pd.DataFrame()
    return q.memo(("registries",), lambda: q.df("SELECT * FROM registry ORDER BY name"))


def demo_loaded(q: Gateway) -> bool:
    """True when the demonstration registry (données fictives) is in the database."""
    reg = registries(q)
    return bool(len(reg) and reg["is_demo"].astype(bool).any())


def national_registry(q: Gateway) -> bool:
    """True when a real registry other than the mirror's Fonds vert 2024 projects is loaded."""
    reg = registries(q)
    if reg.empty:
        return False
    real = reg[~reg["is_demo"].astype(bool)]
    return bool((real["name"].astype(str) != REAL_FIRST_REGISTRY).any())
