"""Where the data comes from: the ``source`` table (one row per loaded file) and the build date."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import LAYER_SOURCES, get_layer


@dataclass(frozen=True)
class SourceInfo:
    """Provenance of one loaded file: ``label`` names it as a reader knows it (French)."""

    name: str
    label: str
    vintage: str
    licence: str
    loaded_at: str

    def text(self) -> str:
        """The source line under a block: the file as a reader knows it (its vintage, licence
        and what was left out are on ``/sources``)."""
        return self.label


def reader_label(name: str, label) -> str:
    """The reader-facing name of a loaded file: its ``source.label``; files loaded after the
    build (imported registries, the demonstration registry) are named from their key."""
    if isinstance(label, str) and label.strip():
        return label.strip()
    if name.startswith("registry:"):
        return f"Registre de projets importé « {name.partition(':')[2]} »"
    if name == "demo":
        return "Registre de démonstration (données fictives)"
    return "Fichier chargé sans description"


def sources(q: Gateway) -> pd.DataFrame:
    """The ``source`` table (name, label, vintage, licence, rows, note, loaded_at), by name;
    ``label`` always filled (:func:`reader_label`)."""

    def load():
        df = q.df("SELECT * FROM source ORDER BY name")
        for c in ("label", "note"):
            if c not in df:
                df[c] = None
        df["label"] = [reader_label(n, lab) for n, lab in zip(df["name"], df["label"], strict=True)]
        return df

    return q.memo(("sources",), load)


def source(q: Gateway, prefix: str) -> SourceInfo | None:
    """Provenance of the first loaded file whose ``source.name`` starts with ``prefix``."""
    df = sources(q)
    hit = df[df["name"].astype(str).str.startswith(prefix)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return SourceInfo(
        str(r["name"]),
        str(r["label"]),
        str(r["vintage"]),
        str(r["licence"]),
        str(r["loaded_at"])[:10],
    )


HEADER_SOURCES = ("cog:communes", "territories:2023")  # what the header names, in this order


def vintage_summary(q: Gateway) -> list[str]:
    """The short vintage line of the header: the vintages of the geography and of the 2023
    perimeters (every file's detail is on ``/sources``)."""
    df = sources(q).set_index("name")
    return [str(df.at[n, "vintage"]) for n in HEADER_SOURCES if n in df.index]


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
