"""France Relance: industrial companies receiving investment aid, monthly 2020-2022.

Three files of the Etalab results barometer (Licence Ouverte 2.0), cumulative monthly counts of
industrial companies (incl. SMEs) receiving France Relance investment aid (the Territoires
d'industrie fund plus resilience, auto/aero, industry of the future, decarbonisation), by
département, région and France. A company with sites in several départements is counted in
each: **the départements sum to more than France**, so the levels are stored side by side and
never added up.

Table ``france_relance(level, code, name, date, value, unit, indicator_id)`` with level in
'departement', 'region', 'france' (code 'FR'); indicators ``france_relance_beneficiaries`` by
département and région, value at the end of each year (December).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl import indicators as ind
from etl.delimited import dates, numbers, read_csv, require_values, unique
from etl.errors import SourceError
from etl.readers import SourceFile

if TYPE_CHECKING:
    import pandas as pd

NAME = "france_relance"
LICENCE = "Licence Ouverte 2.0 (Etalab, baromètre des résultats de l'action publique)"
VINTAGE = "mensuel, de janvier 2020 à décembre 2022"
LABELS = {
    "departement": "France Relance, entreprises industrielles bénéficiaires par département",
    "region": "France Relance, entreprises industrielles bénéficiaires par région",
    "france": "France Relance, entreprises industrielles bénéficiaires, France entière",
}
SOURCE = "France Relance, entreprises industrielles bénéficiaires (baromètre des résultats, Etalab)"
FILES = {
    "departement": (
        "france-relance/france_relance_entreprises_industrielles_departemental.csv",
        "code_departement",
        "libelle_departement",
    ),
    "region": (
        "france-relance/france_relance_entreprises_industrielles_regional.csv",
        "code_region",
        "libelle_region",
    ),
    "france": (
        "france-relance/france_relance_entreprises_industrielles_national.csv",
        "maille_geographique",
        None,
    ),
}
_COMMON = ("id_indicateur", "date", "valeur", "unite")


def read_level(path: Path, level: str, known: set[str] | None) -> pd.DataFrame:
    """One file of one level, checked; ``known`` = valid codes of the level (None for France)."""
    import pandas as pd

    _, code_col, name_col = FILES[level]
    req = [*_COMMON, code_col] + ([name_col] if name_col else [])
    raw = read_csv(path, req, delimiter=",")
    require_values(path, raw, req)
    if raw.empty:
        raise SourceError(path, "no data row")
    if level == "france":
        bad = raw[raw[code_col] != "national"]
        if len(bad):
            raise SourceError(
                path,
                f"expected 'national', got {bad.iloc[0][code_col]!r}",
                row=int(bad.index[0]),
                column=code_col,
            )
        code = pd.Series("FR", index=raw.index)
        name = pd.Series("France", index=raw.index)
    else:
        code = raw[code_col]
        unknown = ~code.isin(known)
        if unknown.any():
            i = unknown.idxmax()
            raise SourceError(
                path,
                f"unknown {level} code {code[i]!r}: not in the COG 2026",
                row=int(i),
                column=code_col,
            )
        name = raw[name_col]
    out = pd.DataFrame(
        {
            "level": level,
            "code": code,
            "name": name,
            "date": dates(path, raw["date"], "date"),
            "value": numbers(path, raw["valeur"], "valeur", integer=True),
            "unit": raw["unite"],
            "indicator_id": raw["id_indicateur"],
        }
    )
    unique(path, out.assign(date_=out["date"].dt.strftime("%Y-%m-%d")), ["code", "date_"])
    out["date"] = out["date"].dt.date
    return out


def load(ctx) -> None:
    """Build step: table ``france_relance`` and its département / région indicators."""
    import pandas as pd

    d = ctx.db
    known = {
        "departement": {r[0] for r in d.rows("SELECT code FROM departement")},
        "region": {r[0] for r in d.rows("SELECT code FROM region")},
        "france": None,
    }
    parts = []
    for level, (rel, _, _) in FILES.items():
        path = ctx.paths.mirror / rel
        df = read_level(path, level, known[level])
        parts.append(df)
        note = (
            "une entreprise présente dans plusieurs départements est comptée dans chacun"
            if level == "departement"
            else ""
        )
        ctx.files.append(
            SourceFile(
                f"france_relance:{level}", path, LICENCE, VINTAGE, len(df), LABELS[level], note
            )
        )
    allx = pd.concat(parts, ignore_index=True)
    d.write_table("france_relance", allx)
    last = allx.groupby("level")["date"].max()
    fr = allx[(allx.level == "france") & (allx.date == last["france"])]["value"].sum()
    dep = allx[(allx.level == "departement") & (allx.date == last["departement"])]["value"].sum()
    ctx.check(
        "france_relance_beneficiaries",
        f"France at {last['france']}",
        fr,
        f"sum of départements {dep:,.0f} (companies in several départements are counted in each)",
    )
    # year-end values (December) per département and région
    ye = allx[allx.level.isin(["departement", "region"])].copy()
    ye["year"] = [x.year for x in ye["date"]]
    ye = ye[[x.month == 12 for x in ye["date"]]]
    frame = ind.frame(
        ye["level"],
        ye["code"],
        "france_relance_beneficiaries",
        "Entreprises industrielles bénéficiaires de France Relance (cumul au 31 décembre)",
        "entreprises",
        ye["year"],
        ye["value"],
        SOURCE,
    )
    ind.replace_family(d, "france_relance_", frame)
