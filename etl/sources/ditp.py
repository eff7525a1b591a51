"""DITP results barometer: jobs in industrial occupations (IND-337) and net new industrial sites
(IND-334), France and régions, with the 2026 targets.

Files ``ditp-barometre/ind-337_*.csv``, ``ind-334_*.csv`` (one row per zone and date:
``enforce_zone_id`` = ``FRANCE`` / ``Rxx`` / ``Dxx``, ``indic_va`` the value, ``indic_vc`` the
target, ``indic_ta`` the progress rate in %) and ``meta_ind_334_337.csv`` (names). Rows without
a date hold no figure (all département rows): they are skipped, never read as 0.

IND-337 is published in **millions** of jobs rounded to 0.01 (10,000 jobs): kept in its
published unit. Table ``ditp(indicator_id, label, unit, level, code, date, kind, value,
progress_pct)`` with kind 'valeur' or 'cible'; indicators ``ditp_industrial_jobs``,
``ditp_industrial_jobs_target``, ``ditp_new_industrial_sites``, ``ditp_new_industrial_sites_target``
by région.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl import indicators as ind
from etl.delimited import dates, numbers, read_csv, require_values, unique
from etl.errors import SourceError
from etl.readers import SourceFile

if TYPE_CHECKING:
    import pandas as pd

NAME = "ditp"
LICENCE = "données publiques de l'État (licence non précisée par la source)"
VINTAGE = "valeurs 2021-2023, cibles 2026"
LABELS = {
    "IND-337": "DITP, baromètre des résultats : emplois dans les métiers industriels (IND-337)",
    "IND-334": "DITP, baromètre des résultats : nouveaux sites industriels nets (IND-334)",
    "meta": "DITP, baromètre des résultats : noms des indicateurs",
}
NOTE = (
    "lignes datées seulement : les lignes sans date (toutes celles des départements) sont ignorées"
)
SOURCE = "Baromètre des résultats de l'action publique (DITP)"
FILES = {
    "IND-337": "ditp-barometre/ind-337_emplois_metiers_industriels_millions.csv",
    "IND-334": "ditp-barometre/ind-334_nouveaux_sites_industriels_net.csv",
    "meta": "ditp-barometre/meta_ind_334_337.csv",
}
UNITS = {"IND-337": "millions d'emplois", "IND-334": "sites"}
INDICATORS = {"IND-337": "ditp_industrial_jobs", "IND-334": "ditp_new_industrial_sites"}
COLUMNS = (
    "indic_id",
    "enforce_zone_id",
    "metric_enforce_date",
    "maille",
    "indic_va",
    "indic_vc",
    "indic_ta",
)
_LEVEL = {"NAT": "france", "REG": "region", "DEPT": "departement"}


def read_indicator(path, indicator_id: str, regions: set[str]) -> pd.DataFrame:
    """Dated rows of one indicator file: values and targets, zone codes checked."""
    import pandas as pd

    raw = read_csv(path, COLUMNS, delimiter=",")
    require_values(path, raw, ["indic_id", "enforce_zone_id", "maille"])
    other = raw[raw.indic_id != indicator_id]
    if len(other):
        raise SourceError(
            path,
            f"expected indic_id {indicator_id!r}, got {other.iloc[0].indic_id!r}",
            row=int(other.index[0]),
            column="indic_id",
        )
    bad = raw[~raw.maille.isin(_LEVEL)]
    if len(bad):
        raise SourceError(
            path,
            f"unknown maille {bad.iloc[0].maille!r}; expected one of {sorted(_LEVEL)}",
            row=int(bad.index[0]),
            column="maille",
        )
    dated = raw[raw.metric_enforce_date != ""]
    level = dated.maille.map(_LEVEL)
    zone = dated.enforce_zone_id
    code = pd.Series(
        [z[1:] if lv != "france" else "FR" for z, lv in zip(zone, level, strict=True)],
        index=dated.index,
    )
    for i in dated.index:
        z, lv = zone[i], level[i]
        ok = (
            (z == "FRANCE")
            if lv == "france"
            else (z[:1] == {"region": "R", "departement": "D"}[lv])
        )
        if not ok or (lv == "region" and code[i] not in regions):
            raise SourceError(
                path,
                f"zone {z!r} does not match maille {dated.maille[i]!r} or is not a known "
                f"code (régions: R + COG code)",
                row=int(i),
                column="enforce_zone_id",
            )
    va = numbers(path, dated.indic_va, "indic_va", minimum=None)
    vc = numbers(path, dated.indic_vc, "indic_vc", minimum=None)
    ta = numbers(path, dated.indic_ta, "indic_ta", minimum=None)
    both = va.notna() & vc.notna()
    neither = va.isna() & vc.isna()
    if both.any() or neither.any():
        i = (both | neither).idxmax()
        raise SourceError(
            path,
            "a dated row holds exactly one of a value (indic_va) or a target (indic_vc)",
            row=int(i),
            column="indic_va",
        )
    out = pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "unit": UNITS[indicator_id],
            "level": level,
            "code": code,
            "date": dates(path, dated.metric_enforce_date, "metric_enforce_date"),
            "kind": ["valeur" if v else "cible" for v in va.notna()],
            "value": va.fillna(vc),
            "progress_pct": ta,
        }
    )
    unique(path, out.assign(d=out.date.dt.strftime("%Y-%m-%d")), ["code", "d", "kind"])
    out["date"] = out["date"].dt.date
    return out


def load(ctx) -> None:
    """Build step: table ``ditp`` and région indicators."""
    import pandas as pd

    mirror = ctx.paths.mirror
    regions = {r[0] for r in ctx.db.rows("SELECT code FROM region")}
    meta_path = mirror / FILES["meta"]
    meta = read_csv(meta_path, ["indic_id", "indic_nom_baro"], delimiter=",")
    labels = dict(zip(meta.indic_id, meta.indic_nom_baro, strict=True))
    parts = []
    for iid in ("IND-337", "IND-334"):
        path = mirror / FILES[iid]
        if not labels.get(iid):
            raise SourceError(
                meta_path, f"no name for indicator {iid!r}", row=iid, column="indic_nom_baro"
            )
        df = read_indicator(path, iid, regions)
        df.insert(1, "label", labels[iid])
        parts.append(df)
        ctx.files.append(
            SourceFile(f"ditp:{iid}", path, LICENCE, VINTAGE, len(df), LABELS[iid], NOTE)
        )
    ctx.files.append(
        SourceFile("ditp:meta", meta_path, LICENCE, VINTAGE, len(meta), LABELS["meta"])
    )
    allx = pd.concat(parts, ignore_index=True)
    ctx.db.write_table("ditp", allx)
    nat = allx[(allx.level == "france") & (allx.kind == "valeur")]
    ctx.check(
        "ditp_figures",
        "France",
        len(nat),
        "; ".join(f"{r.indicator_id} {r.date}: {r.value:g} {r.unit}" for r in nat.itertuples()),
    )
    reg = allx[allx.level == "region"].copy()
    reg["year"] = [d.year for d in reg["date"]]
    frames = []
    for iid, name in INDICATORS.items():
        for kind, suffix, extra in (("valeur", "", ""), ("cible", "_target", " — cible")):
            s = reg[(reg.indicator_id == iid) & (reg.kind == kind)]
            frames.append(
                ind.frame(
                    "region",
                    s["code"],
                    name + suffix,
                    labels[iid] + extra,
                    UNITS[iid],
                    s["year"],
                    s["value"],
                    SOURCE,
                )
            )
    ind.replace_family(ctx.db, "ditp_", pd.concat(frames, ignore_index=True))
