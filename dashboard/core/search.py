"""The search box of the map: communes, EPCI, arrondissements and territories by name."""

from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

from dashboard.core.admin import bounds
from dashboard.core.gateway import Gateway

MAX_SEARCH_LEN = 80
SEARCH_LIMIT = 15
KIND_PRIORITY = {"commune": 0, "ti2023": 1, "epci": 2, "ti2018": 3, "arrondissement": 4}
KIND_LABELS = {
    "commune": "Commune",
    "epci": "EPCI",
    "arrondissement": "Arrondissement",
    "ti2023": "Territoire d'industrie 2023",
    "ti2018": "Territoire d'industrie 2018",
}


def normalize(text: str) -> str:
    """Lower case without accents: the form the search compares."""
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def _index(q: Gateway) -> pd.DataFrame:
    def load():
        parts = [
            q.df(
                "SELECT 'commune' AS kind, code AS key, name, departement AS dep, "
                "population FROM commune"
            ),
            q.df(
                "SELECT 'epci' AS kind, siren AS key, name, main_departement AS dep, "
                "population FROM epci"
            ),
            q.df(
                "SELECT 'arrondissement' AS kind, code AS key, name, departement AS dep, "
                "population FROM arrondissement"
            ),
            q.df(
                "SELECT 'ti' || wave AS kind, id AS key, name, main_departement AS dep, "
                "population FROM territory"
            ),
        ]
        df = pd.concat(parts, ignore_index=True)
        df["name"] = df["name"].astype(str).str.strip()
        df["norm"] = [normalize(n) for n in df["name"]]
        return df

    return q.memo(("search_index",), load)


def _result(kind: str, key: str, name: str, dep) -> dict:
    dep = "" if dep is None or (isinstance(dep, float) and math.isnan(dep)) else str(dep)
    label = f"{name} — {KIND_LABELS[kind]}" + (f" ({dep})" if dep else "")
    return {"kind": kind, "key": str(key), "name": name, "dep": dep, "label": label}


def search(q: Gateway, text, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Communes, EPCI, arrondissements and territories whose name contains ``text``.

    Accent- and case-insensitive; exact names first, then prefixes, then by population.
    A matching commune brings its territories along. Returns dicts with ``kind``, ``key``,
    ``name``, ``dep`` and ``label``; untrusted input gives an empty list.
    """
    if not isinstance(text, str):
        return []
    needle = normalize(text)[:MAX_SEARCH_LEN]
    if len(needle) < 2:
        return []
    idx = _index(q)
    hit = idx[idx["norm"].str.contains(needle, regex=False)]
    if hit.empty:
        return []
    rank = np.where(hit["norm"] == needle, 0, np.where(hit["norm"].str.startswith(needle), 1, 2))
    prio = hit["kind"].map(KIND_PRIORITY).fillna(9)
    hit = (
        hit.assign(rank=rank, prio=prio, pop=hit["population"].fillna(0))
        .sort_values(["rank", "prio", "pop"], ascending=[True, True, False])
        .head(limit)
    )
    out = [_result(r.kind, r.key, r.name, r.dep) for r in hit.itertuples(index=False)]
    # a commune's territories: "rouen" finds Rouen and the territories it belongs to
    found = {r["key"]: r["name"] for r in out if r["kind"] == "commune"}
    codes = list(found)[:3]
    if codes:
        terr = q.df(
            "SELECT tc.commune_code, t.wave, t.id, t.name, t.main_departement "
            "FROM territory_commune tc JOIN territory t ON t.wave = tc.wave "
            "AND t.id = tc.territory_id WHERE list_contains(?, tc.commune_code) "
            "ORDER BY t.wave DESC, t.id",
            [codes],
        )
        seen = {(r["kind"], r["key"]) for r in out}
        for c, w, i, n, d in terr.itertuples(index=False):
            if ("ti" + w, i) not in seen:
                seen.add(("ti" + w, i))
                res = _result("ti" + w, i, str(n).strip(), d)
                res["label"] += f", contient {found[c]}"
                out.append(res)
    return out


def commune(q: Gateway, code) -> dict | None:
    """A commune's attributes, the keys of the units that hold it and its bounds."""
    if not isinstance(code, str) or len(code) > 10:
        return None
    df = q.df(
        "SELECT code, name, departement, region, arrondissement, epci_siren, "
        "population, area_km2 FROM commune WHERE code = ?",
        [code],
    )
    if df.empty:
        return None
    rec = df.iloc[0].to_dict()
    terr = q.rows("SELECT wave, territory_id FROM territory_commune WHERE commune_code = ?", [code])
    rec["territories"] = dict(terr)
    rec["bounds"] = bounds(q, "commune", [code])
    return rec
