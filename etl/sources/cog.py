"""Code officiel géographique 2026 (INSEE, via the package @etalab/decoupage-administratif 6.0.0).

Communes (current ones only), EPCI and Grand Paris EPT with their members, arrondissements
with their chef-lieu, départements, régions.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from etl.errors import SourceError
from etl.readers import SourceFile, check_unique, fr_int, read_json, require_fields

if TYPE_CHECKING:
    import pandas as pd

NAME = "cog"
LICENCE = (
    "Licence Ouverte (INSEE) ; paquet npm @etalab/decoupage-administratif 6.0.0 sous licence MIT"
)
LABEL = "INSEE, code officiel géographique 2026"
# the census year is not in the files: what is known (the package's documentation cites the
# INSEE legal populations, and the 2017 census for Mayotte)
POPULATION = (
    "populations municipales publiées avec le COG 2026 (année de recensement non indiquée dans "
    "les fichiers ; Mayotte : recensement de 2017)"
)
VINTAGE = "COG 2026"
FILES = {
    "communes": "cog-2026/communes.json",
    "epci": "cog-2026/epci.json",
    "ept": "cog-2026/ept.json",
    "arrondissements": "cog-2026/arrondissements.json",
    "departements": "cog-2026/departements.json",
    "regions": "cog-2026/regions.json",
}


@dataclass
class Cog:
    communes: (
        pd.DataFrame
    )  # code, name, departement, region, arrondissement, siren, population, zone, predecessors
    epci: pd.DataFrame  # siren, name, kind
    ept: pd.DataFrame  # siren, name, kind
    groupings_members: pd.DataFrame  # siren (of EPCI or EPT), commune_code
    arrondissements: pd.DataFrame  # code, name, departement, region, chef_lieu_code
    departements: pd.DataFrame  # code, name, region, chef_lieu_code
    regions: pd.DataFrame  # code, name
    files: list[SourceFile]


def _members(path: Path, rec: dict, i: int) -> list[str]:
    members = rec.get("membres")
    if isinstance(members, str):  # some versions hold a Python-style list in a string
        try:
            members = ast.literal_eval(members)
        except (ValueError, SyntaxError):
            raise SourceError(
                path,
                "field 'membres' is a string that is not a list",
                row=rec.get("code", i),
                column="membres",
            ) from None
    if not isinstance(members, list) or not members:
        raise SourceError(
            path,
            "expected a non-empty list of member communes",
            row=rec.get("code", i),
            column="membres",
        )
    out = []
    for m in members:
        code = m.get("code") if isinstance(m, dict) else None
        if not code:
            raise SourceError(
                path, "member without a commune 'code'", row=rec.get("code", i), column="membres"
            )
        out.append(str(code))
    return out


def _groupings(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    recs = read_json(path)
    require_fields(path, recs, ["code", "nom", "type", "membres"], key="code")
    rows, mem = [], []
    for i, r in enumerate(recs, start=1):
        siren = str(r["code"])
        if len(siren) != 9 or not siren.isdigit():
            raise SourceError(path, f"SIREN {siren!r} is not 9 digits", row=i, column="code")
        rows.append({"siren": siren, "name": r["nom"].strip(), "kind": r["type"]})
        mem += [{"siren": siren, "commune_code": c} for c in _members(path, r, i)]
    df = pd.DataFrame(rows, columns=["siren", "name", "kind"])
    check_unique(path, df["siren"], "code")
    return df, pd.DataFrame(mem, columns=["siren", "commune_code"])


def read(mirror: Path) -> Cog:
    """Read and check the six COG files."""
    import pandas as pd

    p = {k: mirror / v for k, v in FILES.items()}

    recs = read_json(p["communes"])
    require_fields(p["communes"], recs, ["code", "nom", "type"], key="code")
    cur = [r for r in recs if r["type"] == "commune-actuelle"]
    require_fields(p["communes"], cur, ["departement", "region"], key="code")
    communes = pd.DataFrame(
        {
            "code": [r["code"] for r in cur],
            "name": [r["nom"].strip() for r in cur],
            "departement": [r["departement"] for r in cur],
            "region": [r["region"] for r in cur],
            "arrondissement": [r.get("arrondissement") or None for r in cur],
            "siren": [r.get("siren") for r in cur],
            "population": pd.array([r.get("population") for r in cur], dtype="Int64"),
            "zone": [r.get("zone") for r in cur],
            "predecessors": [list(r.get("anciensCodes") or []) for r in cur],
        }
    )
    check_unique(p["communes"], communes["code"], "code")

    epci, epci_mem = _groupings(p["epci"])
    ept, ept_mem = _groupings(p["ept"])
    known = set(communes["code"])
    for path, mem in ((p["epci"], epci_mem), (p["ept"], ept_mem)):
        unknown = mem[~mem["commune_code"].isin(known)]
        if len(unknown):
            u = unknown.iloc[0]
            raise SourceError(
                path,
                f"member commune {u.commune_code!r} is not a current commune of "
                f"{p['communes'].name}",
                row=u.siren,
                column="membres",
            )

    arr = read_json(p["arrondissements"])
    require_fields(
        p["arrondissements"], arr, ["code", "nom", "departement", "region", "chefLieu"], key="code"
    )
    arrondissements = pd.DataFrame(
        {
            "code": [r["code"] for r in arr],
            "name": [r["nom"].strip() for r in arr],
            "departement": [r["departement"] for r in arr],
            "region": [r["region"] for r in arr],
            "chef_lieu_code": [r["chefLieu"] for r in arr],
        }
    )
    check_unique(p["arrondissements"], arrondissements["code"], "code")

    dep = read_json(p["departements"])
    require_fields(p["departements"], dep, ["code", "nom", "region", "chefLieu"], key="code")
    departements = pd.DataFrame(
        {
            "code": [r["code"] for r in dep],
            "name": [r["nom"].strip() for r in dep],
            "region": [r["region"] for r in dep],
            "chef_lieu_code": [r["chefLieu"] for r in dep],
        }
    )
    check_unique(p["departements"], departements["code"], "code")

    reg = read_json(p["regions"])
    require_fields(p["regions"], reg, ["code", "nom"], key="code")
    regions = pd.DataFrame(
        {"code": [r["code"] for r in reg], "name": [r["nom"].strip() for r in reg]}
    )
    check_unique(p["regions"], regions["code"], "code")

    for path, df, col, ref, refname in (
        (p["communes"], communes, "arrondissement", arrondissements["code"], "arrondissements"),
        (
            p["arrondissements"],
            arrondissements,
            "departement",
            departements["code"],
            "departements",
        ),
        (p["departements"], departements, "region", regions["code"], "regions"),
    ):
        bad = df[df[col].notna() & ~df[col].isin(set(ref))]
        if len(bad):
            raise SourceError(
                path,
                f"unknown {col} code {bad.iloc[0][col]!r}: not in {refname}",
                row=bad.iloc[0]["code"],
                column=col,
            )

    files = [
        SourceFile(
            "cog:communes",
            p["communes"],
            LICENCE,
            VINTAGE,
            len(communes),
            f"{LABEL} : communes et {POPULATION}",
            f"{fr_int(len(communes))} communes actuelles gardées sur {fr_int(len(recs))} "
            "enregistrements : communes déléguées, associées et arrondissements municipaux "
            "non retenus",
        ),
        SourceFile("cog:epci", p["epci"], LICENCE, VINTAGE, len(epci), f"{LABEL} : EPCI"),
        SourceFile(
            "cog:ept",
            p["ept"],
            LICENCE,
            VINTAGE,
            len(ept),
            f"{LABEL} : établissements publics territoriaux du Grand Paris",
        ),
        SourceFile(
            "cog:arrondissements",
            p["arrondissements"],
            LICENCE,
            VINTAGE,
            len(arrondissements),
            f"{LABEL} : arrondissements et leur chef-lieu",
            "Mayotte n'a pas d'arrondissement",
        ),
        SourceFile(
            "cog:departements",
            p["departements"],
            LICENCE,
            VINTAGE,
            len(departements),
            f"{LABEL} : départements",
        ),
        SourceFile(
            "cog:regions", p["regions"], LICENCE, VINTAGE, len(regions), f"{LABEL} : régions"
        ),
    ]
    return Cog(
        communes,
        epci,
        ept,
        pd.concat([epci_mem, ept_mem], ignore_index=True),
        arrondissements,
        departements,
        regions,
        files,
    )
