"""Fonds vert 2024, axis "Territoires d'industrie en transition écologique": the 19 projects of
région PACA (data.gouv.fr, "Fonds vert : liste des projets subventionnés", Licence Ouverte).

These are the first **real** records of the project registry (registry ``fonds-vert-2024``): each
row becomes a project placed at its commune, status 'financé', dated 2024 (year only), public aid
= the Fonds vert amount; investment and jobs are not published, so they stay empty (unknown, not
0). The commune attribution is by a third party (noted in ``source``). Rows go through the same
validation as an imported registry (``etl.registry.schema.validate``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from etl.delimited import numbers, read_csv, require_values, unique
from etl.errors import SourceError
from etl.readers import SourceFile
from etl.registry.schema import Reference, validate
from etl.registry.store import store

if TYPE_CHECKING:
    import pandas as pd

NAME = "fonds-vert-2024"
FILE = "fonds-vert-2024/fonds_vert_2024_paca_territoires_industrie_transition_ecologique.csv"
LICENCE = "Licence Ouverte (data.gouv.fr, « Fonds vert : liste des projets subventionnés »)"
VINTAGE = "projets subventionnés en 2024"
COLUMNS = (
    "code_commune",
    "commune",
    "code_dept",
    "dept",
    "nom_projet",
    "beneficiaire",
    "siren",
    "montant_fonds_vert_eur",
)
SOURCE = (
    "Fonds vert 2024, axe « Territoires d'industrie en transition écologique », région PACA "
    "(data.gouv.fr ; commune attribuée par un tiers)"
)


def read(path, communes: pd.DataFrame) -> pd.DataFrame:
    """The file as registry rows (text cells in the documented schema), checked."""
    import pandas as pd

    raw = read_csv(path, COLUMNS, delimiter=",")
    if raw.empty:
        raise SourceError(path, "no project row")
    require_values(path, raw, COLUMNS)
    amount = numbers(path, raw["montant_fonds_vert_eur"], "montant_fonds_vert_eur")
    bad = ~raw["siren"].str.fullmatch(r"\d{9}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(
            path, f"SIREN {raw.at[i, 'siren']!r} is not 9 digits", row=int(i), column="siren"
        )
    unique(path, raw, ["siren", "nom_projet"])
    dep = dict(zip(communes["code"], communes["departement"], strict=True))
    for i, c, d in zip(raw.index, raw["code_commune"], raw["code_dept"], strict=True):
        if c in dep and dep[c] != d:
            raise SourceError(
                path,
                f"commune {c} is in département {dep[c]}, not {d}",
                row=int(i),
                column="code_dept",
            )
    n = raw.groupby("siren").cumcount() + 1
    ids = [f"fv2024-{s}" + (f"-{k}" if k > 1 else "") for s, k in zip(raw["siren"], n, strict=True)]
    return pd.DataFrame(
        {
            "identifiant": ids,
            "nom": raw["nom_projet"].str.replace(r"\s+", " ", regex=True),
            "commune": raw["code_commune"],
            "epci": "",
            "territoire": "",
            "vague": "",
            "date": "2024",
            "statut": "financé",
            "investissement_eur": "",
            "aide_publique_eur": amount.map(lambda v: f"{v:.2f}"),
            "emplois_crees": "",
            "emplois_maintenus": "",
            "source": SOURCE,
            "beneficiaire": raw["beneficiaire"],
            "siren": raw["siren"],
        },
        index=raw.index,
    ).astype(object)


def load(ctx) -> None:
    """Build step: registry ``fonds-vert-2024`` in ``project``."""
    path = ctx.paths.mirror / FILE
    ref = Reference.from_db(ctx.db)
    rows = read(path, ctx.db.df("SELECT code, departement FROM commune"))
    v = validate(rows, ref)
    if v.errors:
        e = v.errors[0]
        col = {"commune": "code_commune", "nom": "nom_projet"}.get(e.column, e.column)
        raise SourceError(
            path, f"{e.reason} ({len(v.errors)} error(s) in all)", row=e.row, column=col
        )
    n = store(
        ctx.db,
        NAME,
        v.rows,
        path=str(path),
        skipped=0,
        is_demo=False,
        label="Fonds vert 2024 — PACA (données réelles)",
    )
    total = float(v.rows.public_aid_eur.sum())
    ctx.check(
        "fonds_vert_projects", "région PACA, 2024", n, f"{total:,.0f} EUR of Fonds vert aid in all"
    )
    ctx.files.append(
        SourceFile(
            "fonds_vert_2024",
            path,
            LICENCE,
            VINTAGE,
            n,
            "Fonds vert 2024, projets « Territoires d'industrie en transition écologique », "
            "Provence-Alpes-Côte d'Azur",
            "commune de chaque projet attribuée par un tiers",
        )
    )
