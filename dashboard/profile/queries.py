"""Reads of the territory profile (``/territoire/<wave>/<id>``): everything known about one
territory of one wave."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.core.gateway import Gateway
from dashboard.core.layers import frame, wave_layer
from dashboard.core.units import detail, touched_arrondissements

_ID = re.compile(r"^ti-\d{4}$")


def territory_profile(q: Gateway, wave, territory_id) -> dict | None:
    """Everything the profile page shows about one territory, or None (unknown wave or id)."""
    layer = wave_layer(wave)
    if layer is None or not isinstance(territory_id, str) or not _ID.fullmatch(territory_id):
        return None
    layer_id = layer.id
    d = detail(q, layer_id, territory_id)
    if d is None:
        return None
    arr = frame(q, "arrondissement")
    d["wave"] = wave
    d["arrondissements"] = [
        {
            "code": c,
            "name": str(arr.at[c, "name"]).strip(),
            "chef_lieu": str(arr.at[c, "chef_lieu_name"]),
            "kind": str(arr.at[c, "chef_lieu_kind"]),
        }
        for c in touched_arrondissements(q, layer_id, territory_id)
        if c in arr.index
    ]
    d["employment"] = employment_series(q, layer.shape, territory_id)
    cov = employment_coverage(q, layer.shape, territory_id)
    d["employment_coverage"], d["employment_complete"] = cov if cov else (None, False)
    d["projects"] = territory_projects(q, wave, territory_id, demo=False)
    d["demo_projects"] = territory_projects(q, wave, territory_id, demo=True)
    return d


def employment_coverage(q: Gateway, layer: str, key: str) -> tuple[float, bool] | None:
    """(share of a unit's population living in communes of the Urssaf file, whether the build
    counts it completely covered), or None."""
    if not q.has("employment_coverage"):
        return None
    rows = q.rows(
        "SELECT share, complete FROM employment_coverage WHERE layer = ? AND key = ?", [layer, key]
    )
    return (float(rows[0][0]), bool(rows[0][1])) if rows else None


def employment_series(q: Gateway, layer: str, key: str) -> pd.DataFrame:
    """Year, industry and total employees of one unit (empty when it has no data)."""
    if not isinstance(key, str) or len(key) > 20 or not q.has("employment"):
        return pd.DataFrame()
    return q.df(
        "SELECT year, sector, employees, establishments, coverage FROM employment "
        "WHERE layer = ? AND key = ? ORDER BY sector, year",
        [layer, key],
    )


def territory_projects(
    q: Gateway, wave: str, territory_id: str, *, demo: bool = False
) -> pd.DataFrame:
    """Projects placed in a territory of a wave (real ones, or the demo's when ``demo``)."""
    if not q.has("project") or wave_layer(wave) is None:
        return pd.DataFrame()
    col = {"2018": "place_territory_2018", "2023": "place_territory_2023"}[wave]
    sql = {
        "place_territory_2018": "SELECT registry, id, name, date, status, public_aid_eur, jobs_created, "
        "source FROM project WHERE place_territory_2018 = ? AND is_demo = ? "
        "ORDER BY date DESC, id",
        "place_territory_2023": "SELECT registry, id, name, date, status, public_aid_eur, jobs_created, "
        "source FROM project WHERE place_territory_2023 = ? AND is_demo = ? "
        "ORDER BY date DESC, id",
    }[col]
    return q.df(sql, [territory_id, demo])


def territory_communes(q: Gateway, wave: str, territory_id: str) -> pd.DataFrame:
    """The communes of a territory of a wave: code, name, population, EPCI, département."""
    if wave_layer(wave) is None or not isinstance(territory_id, str):
        return pd.DataFrame()
    return q.df(
        "SELECT c.code, c.name, c.population, c.epci_siren, e.name AS epci_name, c.departement, "
        "c.arrondissement FROM territory_commune tc JOIN commune c ON c.code = tc.commune_code "
        "LEFT JOIN epci e ON e.siren = c.epci_siren "
        "WHERE tc.wave = ? AND tc.territory_id = ? ORDER BY c.code",
        [wave, territory_id],
    )


def perimeter_change(q: Gateway, wave: str, territory_id: str) -> dict:
    """How the territory's perimeter changed between the waves (``redraw_*`` tables): its
    counterpart in the other wave and the population it shares with each territory there."""
    out: dict = {"counterpart": None, "flows": pd.DataFrame()}
    if not q.has("redraw_counterpart") or wave_layer(wave) is None:
        return out
    cp = q.df(
        "SELECT c.counterpart_id, n.name AS counterpart_name, c.share_of_territory, "
        "c.share_of_counterpart FROM redraw_counterpart c LEFT JOIN territory n "
        "ON n.wave = c.counterpart_wave AND n.id = c.counterpart_id "
        "WHERE c.wave = ? AND c.territory_id = ?",
        [wave, territory_id],
    )
    if len(cp) and isinstance(cp["counterpart_id"].iloc[0], str):
        out["counterpart"] = cp.iloc[0].to_dict()
    sql = {
        "2018": "SELECT f.ti_2023 AS other_id, t.name AS other_name, f.population, "
        "f.n_communes, f.share_of_2018 AS share FROM redraw_flow f LEFT JOIN territory t "
        "ON t.wave = '2023' AND t.id = f.ti_2023 WHERE f.ti_2018 = ? "
        "ORDER BY f.population DESC",
        "2023": "SELECT f.ti_2018 AS other_id, t.name AS other_name, f.population, "
        "f.n_communes, f.share_of_2023 AS share FROM redraw_flow f LEFT JOIN territory t "
        "ON t.wave = '2018' AND t.id = f.ti_2018 WHERE f.ti_2023 = ? "
        "ORDER BY f.population DESC",
    }[wave]
    out["flows"] = q.df(sql, [territory_id])
    if wave == "2018" and q.has("redraw_transition"):
        rows = q.rows(
            "SELECT l.label FROM redraw_transition t JOIN redraw_label l "
            "ON l.kind = 'transition' AND l.code = t.transition WHERE t.ti_2018 = ?",
            [territory_id],
        )
        out["transition"] = rows[0][0] if rows else None
    return out
