"""The map layers: what a URL id (``ti2023``, ``epci`` ...) stands for, and each layer's units.

A :class:`Layer` maps a URL id to its table, key column, display geometry (``shape.layer``) and,
for the Territoires d'industrie, its wave. The same territory code means different places in
the two waves, so a territory is always named by (layer or wave, id).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.core.gateway import Gateway, QueryError


@dataclass(frozen=True)
class Layer:
    """A map layer: URL id, French label, table, key column and ``shape.layer`` name."""

    id: str
    label: str
    table: str
    key: str
    shape: str
    wave: str | None = None
    singular: str = ""
    key_label: str = "Code"  # header of the key column in tables and exports


LAYERS: dict[str, Layer] = {
    lay.id: lay
    for lay in (
        Layer("ti2023", "Territoires d'industrie 2023-2027", "territory", "id", "territory_2023",
              "2023", "territoire d'industrie (2023-2027)", "Identifiant"),
        Layer("ti2018", "Territoires d'industrie 2018-2022", "territory", "id", "territory_2018",
              "2018", "territoire d'industrie (2018-2022)", "Identifiant"),
        Layer("epci", "Intercommunalités (EPCI)", "epci", "siren", "epci", None, "EPCI", "SIREN"),
        Layer("arrondissement", "Arrondissements", "arrondissement", "code", "arrondissement",
              None, "arrondissement"),
        Layer("departement", "Départements", "departement", "code", "departement", None,
              "département"),
        Layer("region", "Régions", "region", "code", "region", None, "région"),
    )
}  # fmt: skip
DEFAULT_LAYER = "ti2023"
# layers whose units are of one kind: classes "of France" are computed over all of them, so that
# the 2018 and 2023 territories are drawn on one scale
SCALE_GROUPS = (("ti2018", "ti2023"),)
# the column of a layer's table that holds the (main) département of each unit
DEPARTEMENT_COLUMN = {
    "territory": "main_departement",
    "epci": "main_departement",
    "arrondissement": "departement",
}
# the layer of each wave of Territoires d'industrie ("2023" -> "ti2023")
WAVE_LAYER: dict[str, str] = {lay.wave: lay.id for lay in LAYERS.values() if lay.wave}
WAVE_LABELS = {"2018": "2018-2022", "2023": "2023-2027"}

# the source files (``source.name``) behind each layer, for the provenance notes
LAYER_SOURCES = {
    "ti2023": ("territories:2023", "cog:communes", "commune_geometry"),
    "ti2018": ("territories:2018", "cog:communes", "commune_geometry"),
    "epci": ("cog:epci", "cog:communes", "commune_geometry"),
    "arrondissement": ("cog:arrondissements", "cog:communes", "commune_geometry"),
    "departement": ("cog:departements", "cog:communes", "commune_geometry"),
    "region": ("cog:regions", "cog:communes", "commune_geometry"),
}
# SQL whose identifiers vary by layer, written out in full: nothing is ever formatted into SQL
_ATTRIBUTES_SQL = {
    "territory": "SELECT * EXCLUDE (geom, anct_geom) FROM territory WHERE wave = ?",
    "epci": "SELECT * EXCLUDE (geom) FROM epci",
    "arrondissement": "SELECT * EXCLUDE (geom, chef_lieu_geom) FROM arrondissement",
    "departement": "SELECT * EXCLUDE (geom) FROM departement",
    "region": "SELECT * EXCLUDE (geom) FROM region",
}


def get_layer(layer_id: str | None) -> Layer:
    """The layer for a URL id; raises :class:`QueryError` listing the valid ids."""
    try:
        return LAYERS[layer_id]  # type: ignore[index]
    except (KeyError, TypeError):
        raise QueryError(
            f"unknown layer {layer_id!r}; expected one of {', '.join(LAYERS)}"
        ) from None


def scale_layers(layer_id: str) -> tuple[str, ...]:
    """The layers whose units share the national scale of ``layer_id`` (itself included)."""
    return next((g for g in SCALE_GROUPS if layer_id in g), (layer_id,))


def wave_layer(wave) -> Layer | None:
    """The layer of a wave ('2018', '2023'), None for anything else (untrusted input)."""
    return LAYERS[WAVE_LAYER[wave]] if isinstance(wave, str) and wave in WAVE_LAYER else None


def frame(q: Gateway, layer_id: str) -> pd.DataFrame:
    """Attributes of every unit of a layer, indexed by key, with ``density`` when the table
    has population and area (a cached copy: do not mutate)."""
    layer = get_layer(layer_id)

    def load():
        sql = _ATTRIBUTES_SQL[layer.table]
        df = q.df(sql, [layer.wave] if layer.wave is not None else [])
        df["key"] = df[layer.key].astype(str)
        if {"population", "area_km2"} <= set(df.columns):
            area = df["area_km2"].astype(float).where(lambda a: a > 0)
            df["density"] = df["population"].astype(float) / area
        return df.set_index("key", drop=False).sort_index()

    return q.memo(("frame", layer.id), load)


def names(q: Gateway, layer_id: str) -> pd.Series:
    """Name of each unit of a layer by key (trailing spaces of the sources removed)."""
    return q.memo(("names", layer_id), lambda: frame(q, layer_id)["name"].astype(str).str.strip())


def has_key(q: Gateway, layer_id: str, key) -> bool:
    """True when ``key`` is a unit of the layer (``key`` is untrusted input)."""
    return isinstance(key, str) and len(key) <= 20 and key in frame(q, layer_id).index


def mapped_keys(q: Gateway, layer_id: str) -> list[str]:
    """Keys of the units that have a display geometry (the overseas collectivities outside the
    programme have none), sorted."""
    layer = get_layer(layer_id)

    def load():
        shaped = {
            r[0]
            for r in q.rows(
                "SELECT key FROM shape WHERE layer = ? AND level = 'coarse' AND geom IS NOT NULL",
                [layer.shape],
            )
        }
        return [k for k in frame(q, layer_id).index if k in shaped]

    return q.memo(("mapped", layer.id), load)
