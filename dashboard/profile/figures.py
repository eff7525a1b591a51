"""The profile's key figures, employment series and chart, shared by the page and its exports."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.charts import time_series
from dashboard.core.formats import fmt_number, fmt_value
from dashboard.core.layers import WAVE_LABELS

EMPLOYMENT_TITLE = "Effectifs salariés"
SERIES_LABELS = {"industrie": "Industrie", "total": "Tous secteurs"}


def employment_frame(emp: pd.DataFrame) -> pd.DataFrame:
    """Year, industry and all-sector employees, one row per year (from
    :func:`dashboard.profile.queries.employment_series`)."""
    if emp is None or emp.empty:
        return pd.DataFrame(columns=["year", "industrie", "total"])
    ind = emp[emp["sector"] == "industrie"].sort_values("year")
    tot = emp[emp["sector"] == "total"].sort_values("year")
    return (
        ind[["year", "employees"]]
        .rename(columns={"employees": "industrie"})
        .merge(
            tot[["year", "employees"]].rename(columns={"employees": "total"}),
            on="year",
            how="outer",
        )
        .sort_values("year")
        .reset_index(drop=True)
    )


def employment_figure(emp: pd.DataFrame, title: str = EMPLOYMENT_TITLE) -> go.Figure:
    """Industry and all-sector employees by year."""
    return time_series(employment_frame(emp), "year", SERIES_LABELS, title)


def key_facts(d: dict) -> list[tuple[str, str]]:
    """The territory's key figures (label, value in French) from its profile."""
    return [
        ("Vague", f"Territoires d'industrie {WAVE_LABELS[d['wave']]}"),
        ("Identifiant", d["key"]),
        ("Population municipale (publiée avec le COG 2026)", fmt_value(d["population"], 0, "hab.")),
        ("Superficie", fmt_value(d["area_km2"], 0, "km²")),
        ("Communes", fmt_number(d["n_communes"])),
        ("Départements", ", ".join(f"{c} — {n}" for c, n in d["departements"]) or "pas de données"),
    ]
