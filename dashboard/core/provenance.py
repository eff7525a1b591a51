"""Where the data comes from: the ``source`` table (one row per loaded file) and the build date."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYER_SOURCES, get_layer


@dataclass(frozen=True)
class SourceInfo:
    """Provenance of one loaded file."""

    name: str
    vintage: str
    licence: str
    loaded_at: str

    def text(self) -> str:
        return f"{self.name} — millésime : {self.vintage} — licence : {self.licence}"


def sources(q: Gateway) -> pd.DataFrame:
    """The ``source`` table (name, vintage, licence, rows, loaded_at), by name."""
    return q.memo(
        ("sources",),
        lambda: q.df("SELECT name, vintage, licence, rows, loaded_at FROM source ORDER BY name"),
    )


def source(q: Gateway, prefix: str) -> SourceInfo | None:
    """Provenance of the first loaded file whose ``source.name`` starts with ``prefix``."""
    df = sources(q)
    hit = df[df["name"].astype(str).str.startswith(prefix)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return SourceInfo(
        str(r["name"]), str(r["vintage"]), str(r["licence"]), str(r["loaded_at"])[:10]
    )


def vintage_summary(q: Gateway) -> list[str]:
    """Distinct vintages of the loaded sources, in the order of their first file."""
    return list(dict.fromkeys(sources(q)["vintage"].dropna().astype(str)))


def layer_vintages(q: Gateway, layer_id: str) -> list[str]:
    """Vintages of the files a layer is built from, most specific first."""
    wanted = LAYER_SOURCES[get_layer(layer_id).id]
    df = sources(q).set_index("name")
    return list(dict.fromkeys(str(df.at[n, "vintage"]) for n in wanted if n in df.index))


def built_at(q: Gateway) -> str | None:
    """When the database was built (ISO text), None for a database without build information."""
    if not q.has("build_info"):
        return None
    return q.memo(
        ("built_at",), lambda: q.scalar("SELECT value FROM build_info WHERE key = 'built_at'")
    )


def indicator_source(q: Gateway, indicator_prefix: str) -> str:
    """The ``source`` text written with the rows of an indicator family ('' when absent)."""
    if not q.has("indicator"):
        return ""
    return q.memo(
        ("indicator_source", indicator_prefix),
        lambda: str(
            q.scalar(
                "SELECT any_value(source) FROM indicator WHERE starts_with(indicator, ?)",
                [indicator_prefix],
            )
            or ""
        ),
    )
