"""Pure builders of the ``/redecoupage`` page: map styling data, legends, tables, flow charts.

No database access: every function takes frames or plain values (from
:mod:`dashboard.redraw.queries` or :func:`geo.scenario.evaluate`) and returns plain values or a
plotly figure. Counts and shares are never computed here, only laid out and formatted.
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from dashboard.core import classify as K
from dashboard.core.charts import empty_figure
from dashboard.core.formats import NO_DATA_LABEL, fmt_diff, fmt_share, fmt_value
from dashboard.core.theme import FONT, NO_DATA_COLOR

CHANGE_COLORS = {
    "same": "#2a4ea6",
    "moved": "#f28e2b",
    "entered": "#59a14f",
    "left": "#e15759",
    "outside": "#e6e6e6",
}
TRANSITION_COLORS = {
    "kept": "#2a4ea6",
    "split": "#f28e2b",
    "merged": "#b07aa1",
    "reduced": "#ff9d9a",
    "dropped": "#e15759",
    "outside": "#9d9d9d",
}
OUTSIDE_LABEL = "Hors programme"
TARGET_COLORS = {"counterpart": "#14307a", "other": "#7595de", "outside": "#9d9d9d"}
TARGET_LABELS = {
    "counterpart": "Territoire 2023 correspondant",
    "other": "Autre territoire 2023",
    "outside": "Hors programme en 2023",
}
SUMMARY_FIELDS = (  # (column stem, label, decimals, unit, is a share)
    ("n_territories", "Territoires", 0, "", False),
    ("n_communes", "Communes couvertes", 0, "", False),
    ("n_epci", "EPCI couverts", 0, "", False),
    ("population", "Population couverte", 0, "hab.", False),
    ("area_km2", "Superficie couverte", 0, "km²", False),
    ("population_share", "Part de la population", 1, "%", True),
    ("area_share", "Part de la superficie", 1, "%", True),
)
SCENARIO_FIELDS = (
    ("n_members", "Membres", 0),
    ("n_communes", "Communes", 0),
    ("population", "Population", 0),
    ("area_km2", "Superficie (km²)", 0),
)
STATUS_LABELS = {
    "unchanged": "inchangé",
    "modified": "modifié",
    "new": "nouveau",
    "removed": "supprimé",
}


# -- the two wave maps ----------------------------------------------------------------------------


def wave_hideouts(
    values: dict[str, pd.Series],
    method: str,
    decimals: int = 0,
    unit: str = "",
    label: str = "",
    selected: dict[str, str | None] | None = None,
) -> tuple[dict[str, dict], list[dict]]:
    """Style data of both wave maps with the SAME classes (breaks over both waves' values).

    ``values``: wave -> Series of indicator values by territory id (NaN = no data).
    Returns (wave -> hideout, legend items); a hideout carries ``selected`` (the key to outline).
    """
    both = (
        np.concatenate([s.to_numpy(dtype=float) for s in values.values()])
        if values
        else np.array([])
    )
    classes = K.classify(both, method)
    out, start = {}, 0
    for w, s in values.items():
        idx = classes.index[start : start + len(s)]
        start += len(s)
        part = K.Classes(classes.breaks, idx, classes.colors)
        h = K.map_hideout(list(s.index), s.to_numpy(dtype=float), part, decimals, unit, label)
        h["selected"] = (selected or {}).get(w)
        out[w] = h
    n_missing = int(np.isnan(both).sum()) if both.size else 0
    return out, K.legend_items(classes, decimals, "", n_missing)


def with_selection(hideout: dict | None, key: str | None) -> dict:
    """A copy of a map's style data with ``key`` outlined (None: nothing selected)."""
    h = dict(hideout) if isinstance(hideout, dict) else {}
    h["selected"] = key
    return h


# -- the change map -----------------------------------------------------------------------------


def change_hideout() -> dict:
    """Style data of the change map: one colour per class (the class travels with each commune)."""
    return {"colors": dict(CHANGE_COLORS), "nodata": NO_DATA_COLOR}


def change_legend_items(counts: pd.DataFrame) -> list[dict]:
    """Legend rows of the change map from ``redraw_change_count`` rows (class, label, n_communes)."""
    return [
        {
            "label": str(lab),
            "color": CHANGE_COLORS.get(c, NO_DATA_COLOR),
            "count": int(n),
            "class": c,
        }
        for c, lab, n in counts[["change_class", "label", "n_communes"]].itertuples(index=False)
    ]


# -- tables ---------------------------------------------------------------------------------------


def _cell(v, decimals, unit, share):
    return fmt_share(v, decimals) if share else fmt_value(v, decimals, unit)


def summary_rows(row: pd.Series | dict | None) -> list[dict]:
    """The per-wave summary of one place: one row per indicator, 2018 / 2023 / difference."""
    if row is None:
        return []
    out = []
    for stem, label, dec, unit, share in SUMMARY_FIELDS:
        a, b, d = row[f"{stem}_2018"], row[f"{stem}_2023"], row[f"{stem}_diff"]
        diff = (
            fmt_diff(100 * d, dec, "pt")
            if share and d is not None and not pd.isna(d)
            else fmt_diff(d, dec, unit)
            if not share
            else NO_DATA_LABEL
        )
        out.append(
            {
                "Indicateur": label,
                "2018": _cell(a, dec, unit, share),
                "2023": _cell(b, dec, unit, share),
                "Écart": diff,
                "key": stem,
            }
        )
    return out


def breakdown_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Régions or départements with both waves and the differences (numbers kept numeric)."""
    out = pd.DataFrame(
        {
            "Code": df["code"].astype(str),
            "Nom": df["name"].astype(str),
            "Territoires 2018": df["n_territories_2018"],
            "Territoires 2023": df["n_territories_2023"],
            "Écart territoires": df["n_territories_diff"],
            "Communes 2018": df["n_communes_2018"],
            "Communes 2023": df["n_communes_2023"],
            "Écart communes": df["n_communes_diff"],
            "EPCI 2018": df["n_epci_2018"],
            "EPCI 2023": df["n_epci_2023"],
            "Population 2018": df["population_2018"],
            "Population 2023": df["population_2023"],
            "Écart population": df["population_diff"],
            "Part pop. 2018 (%)": (100 * df["population_share_2018"]).round(1),
            "Part pop. 2023 (%)": (100 * df["population_share_2023"]).round(1),
        }
    )
    return out.reset_index(drop=True)


def transition_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The 2018 -> 2023 transition table (one row per 2018 territory)."""
    return pd.DataFrame(
        {
            "Territoire 2018": df["ti_2018"].astype(str),
            "Nom 2018": df["name"].astype(str).str.strip(),
            "Devenir": df["label"].astype(str),
            "Population 2018": df["population"],
            "Territoire 2023 correspondant": df["counterpart_name"]
            .fillna("—")
            .astype(str)
            .str.strip(),
            "Part vers ce territoire (%)": (100 * df["main_share"]).round(1),
            "Part vers un 2e territoire (%)": (100 * df["second_share"]).round(1),
            "Part hors programme (%)": (100 * df["outside_share"]).round(1),
            "Part du territoire 2023 venant de lui (%)": (100 * df["source_share"]).round(1),
            "Territoires 2023 touchés": df["n_successors"],
        }
    ).reset_index(drop=True)


def territory_arrondissement_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Territoire": df["territory_id"].astype(str),
            "Nom": df["territory_name"].astype(str).str.strip(),
            "Emprise": df["scope"].astype(str),
            "Arrondissement": df["arrondissement"].fillna("—").astype(str),
            "Chef-lieu": df["chef_lieu_name"].fillna("sans arrondissement").astype(str),
            "Population": df["population"],
            "Part de la population du territoire (%)": (100 * df["share_of_territory"]).round(1),
            "Part de la population de l'arrondissement (%)": (
                100 * df["share_of_arrondissement"]
            ).round(1),
        }
    ).reset_index(drop=True)


def arrondissement_frame(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Arrondissement": df["arrondissement"].astype(str),
            "Chef-lieu": df["chef_lieu_name"].astype(str),
            "Type": df["chef_lieu_kind"].astype(str),
            "Département": df["departement"].astype(str),
            "Territoires": df["n_territories"],
            "Population couverte": df["population_covered"],
            "Population totale": df["total_population"],
            "Part couverte (%)": (100 * df["share_covered"]).round(1),
            "Territoires présents (part de la population)": df["territories"]
            .fillna("—")
            .astype(str),
        }
    ).reset_index(drop=True)


def grid_columns(frame: pd.DataFrame) -> list[dict]:
    """ag-grid column definitions (numbers right-aligned and formatted the French way)."""
    cols = []
    for c in frame.columns:
        col = {"field": c, "headerName": c}
        if pd.api.types.is_numeric_dtype(frame[c]):
            dec = 1 if "%" in c else 0
            col.update(
                type="numericColumn", valueFormatter={"function": f"tiFmt(params.value, {dec})"}
            )
        cols.append(col)
    return cols


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows for ag-grid / dash tables (NaN -> None)."""
    return json.loads(frame.to_json(orient="records", force_ascii=False))


# -- flow charts ----------------------------------------------------------------------------------


def sankey_figure(flows: pd.DataFrame, transition_labels: dict[str, str]) -> go.Figure:
    """Flows of population from 2018 territories (left) to 2023 territories (right).

    ``flows``: ti_2018, name_2018, transition, ti_2023, name_2023, population (NULL side =
    outside the programme). Links take the colour of the 2018 territory's transition class.
    """
    f = flows[flows["population"] > 0]
    if f.empty:
        return empty_figure("Aucun flux de population pour cette sélection")
    left, right = {}, {}
    labels, colors = [], []

    def node(side: dict, key, name, color, suffix):
        k = key if isinstance(key, str) else None
        if k not in side:
            side[k] = len(labels)
            # plotly reads a few HTML tags in labels: names are escaped so they show as typed
            labels.append(
                f"{html.escape(str(name).strip())} ({suffix})"
                if k
                else f"{OUTSIDE_LABEL} en {suffix}"
            )
            colors.append(color if k else TRANSITION_COLORS["outside"])
        return side[k]

    src, dst, val, lcol, text = [], [], [], [], []
    for r in f.sort_values(
        ["ti_2018", "population"], ascending=[True, False], na_position="last"
    ).itertuples():
        cls = r.transition if isinstance(r.transition, str) else "outside"
        s = node(left, r.ti_2018, r.name_2018, TRANSITION_COLORS.get(cls, "#999"), "2018")
        d = node(right, r.ti_2023, r.name_2023, "#14307a", "2023")
        src.append(s)
        dst.append(d)
        val.append(int(r.population))
        lcol.append(_rgba(TRANSITION_COLORS.get(cls, "#999"), 0.45))
        text.append(transition_labels.get(cls, "Entrée en 2023"))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node=dict(label=labels, color=colors, pad=6, thickness=12),
            link=dict(
                source=src,
                target=dst,
                value=val,
                color=lcol,
                customdata=text,
                hovertemplate="%{source.label} → %{target.label}<br>%{value:,.0f} hab. (%{customdata})"
                "<extra></extra>",
            ),
        )
    )
    fig.update_layout(
        height=max(360, 16 * max(len(left), len(right))),
        font_family=FONT,
        font_size=11,
        margin=dict(l=10, r=10, t=10, b=10),
        separators=", ",
    )
    return fig


def class_sankey_figure(flows: pd.DataFrame, transition_labels: dict[str, str]) -> go.Figure:
    """National flow chart: population by transition class (left) and where it went (right)."""
    f = flows[flows["population"] > 0]
    if f.empty:
        return empty_figure("Aucun flux de population pour cette sélection")
    src_keys = [k for k in (*transition_labels, "outside") if k in set(f["source"])]
    dst_keys = [k for k in TARGET_LABELS if k in set(f["target"])]
    labels = [
        f"{transition_labels.get(k, OUTSIDE_LABEL + ' en 2018')} (2018)"
        if k != "outside"
        else f"{OUTSIDE_LABEL} en 2018"
        for k in src_keys
    ] + [TARGET_LABELS[k] for k in dst_keys]
    colors = [TRANSITION_COLORS.get(k, "#999") for k in src_keys] + [
        TARGET_COLORS[k] for k in dst_keys
    ]
    si = {k: i for i, k in enumerate(src_keys)}
    di = {k: len(src_keys) + i for i, k in enumerate(dst_keys)}
    fig = go.Figure(
        go.Sankey(
            node=dict(label=labels, color=colors, pad=14, thickness=16),
            link=dict(
                source=[si[s] for s in f["source"]],
                target=[di[t] for t in f["target"]],
                value=[int(v) for v in f["population"]],
                color=[_rgba(TRANSITION_COLORS.get(s, "#999"), 0.45) for s in f["source"]],
                hovertemplate="%{source.label} → %{target.label}<br>%{value:,.0f} hab.<extra></extra>",
            ),
        )
    )
    fig.update_layout(
        height=420,
        font_family=FONT,
        font_size=12,
        margin=dict(l=10, r=10, t=10, b=10),
        separators=", ",
    )
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# -- scenario -------------------------------------------------------------------------------------


def scenario_frame(result: pd.DataFrame) -> pd.DataFrame:
    """Figures of the territories a scenario changed, with the official 2023 values and the
    differences (``result`` from :func:`geo.scenario.evaluate`)."""
    r = result[result["status"] != "unchanged"]
    out = pd.DataFrame(
        {
            "Territoire": r.index.astype(str),
            "Nom": r["name"].astype(str),
            "Statut": [STATUS_LABELS.get(s, str(s)) for s in r["status"]],
        }
    )
    for col, label, _dec in SCENARIO_FIELDS:
        out[label] = r[col].to_numpy(dtype=float)
        out[f"{label} officiel"] = (
            r[f"{col}_official"].to_numpy(dtype=float) if f"{col}_official" in r else np.nan
        )
        out[f"Écart {label.lower()}"] = (
            r[f"{col}_diff"].to_numpy(dtype=float) if f"{col}_diff" in r else np.nan
        )
    return out.reset_index(drop=True)


def scenario_geojson(result, *, only_changed: bool = True, decimals: int = 5) -> dict:
    """The redrawn territories as a GeoJSON dict for the map (changed ones by default)."""
    r = result[result["status"] != "unchanged"] if only_changed else result
    feats = []
    for tid, row in r.iterrows():
        g = row[result.geometry.name]
        if g is None or g.is_empty:
            continue
        g = shapely.set_precision(g, 10**-decimals)
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "key": str(tid),
                    "name": str(row["name"]),
                    "status": str(row["status"]),
                },
                "geometry": json.loads(shapely.to_geojson(g)),
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def scenario_geojson_empty() -> dict:
    return {"type": "FeatureCollection", "features": []}
