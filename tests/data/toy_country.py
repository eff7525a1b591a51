"""A toy country written by hand for the redraw and scenario tests: 16 square communes on a 4 x 4
grid (``write_toy`` writes its foundation tables; the fixtures ``toy_db`` and ``toy`` are in
tests/conftest.py).

Columns 0-1 are département D1 (région R1; arrondissement A11 = column 0, A12 = column 1),
column 2 is D2 (R1, A21), column 3 is D3 (R2, A31). Rows go from south (0) to north (3).

    row 3   C13 C14 C15 C16      EPCI E8 = C13-C16 (pop 10 each), outside both waves
    row 2   C09 C10 C11 C12      E3 = C09,C10 (50, 50)   E5 = C11 (300)   E7 = C12 (100)
    row 1   C05 C06 C07 C08      E2 = C05,C06 (200, 200) E4 = C03,C07 (100, 100)
    row 0   C01 C02 C03 C04      E1 = C01,C02 (100, 100) E6 = C04,C08 (100, 100)

2018 (the same ids mean other places in 2023, as in the real data):
    ti-0001 "A" = E1 + E2 (600)   ti-0002 "B" = E4 (200)   ti-0003 "C" = E6 (200)
    ti-0004 "D" = E3 (100)
2023:
    ti-0003 "x" = E1 (200)   ti-0001 "y" = E2 + E4 (600)   ti-0005 "z" = E5 + E7 (400)
    ti-0002 "w" = E6 (200)

Every commune has an area of 10 km².
"""

from __future__ import annotations

import pandas as pd
import shapely

from etl.db import Database

SIZE = 0.1
X0, Y0 = 2.0, 46.0
POP = {
    1: 100,
    2: 100,
    3: 100,
    4: 100,
    5: 200,
    6: 200,
    7: 100,
    8: 100,
    9: 50,
    10: 50,
    11: 300,
    12: 100,
    13: 10,
    14: 10,
    15: 10,
    16: 10,
}
EPCI = {
    "E1": [1, 2],
    "E2": [5, 6],
    "E3": [9, 10],
    "E4": [3, 7],
    "E5": [11],
    "E6": [4, 8],
    "E7": [12],
    "E8": [13, 14, 15, 16],
}
EPCI_SIREN = {k: f"20000000{k[1]}" for k in EPCI}
COL_DEP = {
    0: ("D1", "R1", "A11"),
    1: ("D1", "R1", "A12"),
    2: ("D2", "R1", "A21"),
    3: ("D3", "R2", "A31"),
}
TERRITORIES = {
    "2018": {
        "ti-0001": ("A", ["E1", "E2"]),
        "ti-0002": ("B", ["E4"]),
        "ti-0003": ("C", ["E6"]),
        "ti-0004": ("D", ["E3"]),
    },
    "2023": {
        "ti-0003": ("x", ["E1"]),
        "ti-0001": ("y", ["E2", "E4"]),
        "ti-0005": ("z", ["E5", "E7"]),
        "ti-0002": ("w", ["E6"]),
    },
}


def code(n: int) -> str:
    return f"C{n:02d}"


def square(n: int) -> shapely.Polygon:
    """The polygon of commune n (1-16)."""
    col, row = (n - 1) % 4, (n - 1) // 4
    x, y = X0 + col * SIZE, Y0 + row * SIZE
    return shapely.box(x, y, x + SIZE, y + SIZE)


def squares(*ns: int):
    return shapely.union_all([square(n) for n in ns])


def write_toy(db: Database) -> None:
    epci_of = {n: e for e, ns in EPCI.items() for n in ns}
    rows = []
    for n in range(1, 17):
        dep, reg, arr = COL_DEP[(n - 1) % 4]
        rows.append(
            {
                "code": code(n),
                "name": f"Commune {n}",
                "departement": dep,
                "region": reg,
                "arrondissement": arr,
                "epci_siren": EPCI_SIREN[epci_of[n]],
                "ept_siren": None,
                "population": POP[n],
                "area_km2": 10.0,
                "zone": "metro",
                "siren": f"2100000{n:02d}",
                "geom": square(n),
            }
        )
    com = pd.DataFrame(rows)
    db.write_table("commune", com, geometry=["geom"])
    db.write_table(
        "epci",
        pd.DataFrame(
            {
                "siren": list(EPCI_SIREN.values()),
                "name": [f"EPCI {k}" for k in EPCI],
                "kind": "CC",
                "population": [sum(POP[n] for n in ns) for ns in EPCI.values()],
                "n_communes": [len(ns) for ns in EPCI.values()],
                "geom": [squares(*ns) for ns in EPCI.values()],
            }
        ),
        geometry=["geom"],
    )
    db.write_table(
        "arrondissement",
        pd.DataFrame(
            {
                "code": ["A11", "A12", "A21", "A31"],
                "name": ["Arr 11", "Arr 12", "Arr 21", "Arr 31"],
                "departement": ["D1", "D1", "D2", "D3"],
                "region": ["R1", "R1", "R1", "R2"],
                "chef_lieu_kind": ["préfecture", "sous-préfecture", "préfecture", "préfecture"],
            }
        ),
    )
    db.write_table(
        "departement",
        pd.DataFrame(
            {
                "code": ["D1", "D2", "D3"],
                "name": ["Dép 1", "Dép 2", "Dép 3"],
                "region": ["R1", "R1", "R2"],
            }
        ),
    )
    db.write_table("region", pd.DataFrame({"code": ["R1", "R2"], "name": ["Région 1", "Région 2"]}))
    terr, members, tc = [], [], []
    for wave, ts in TERRITORIES.items():
        for tid, (name, epcis) in ts.items():
            ns = [n for e in epcis for n in EPCI[e]]
            terr.append(
                {
                    "wave": wave,
                    "id": tid,
                    "name": name,
                    "population": sum(POP[n] for n in ns),
                    "n_communes": len(ns),
                    "n_members": len(epcis),
                    "area_km2": 10.0 * len(ns),
                    "geom": squares(*ns),
                }
            )
            members += [
                {
                    "wave": wave,
                    "territory_id": tid,
                    "siren": EPCI_SIREN[e],
                    "kind": "EPCI",
                    "name": f"EPCI {e}",
                    "listed_name": f"EPCI {e}",
                }
                for e in epcis
            ]
            tc += [{"wave": wave, "territory_id": tid, "commune_code": code(n)} for n in ns]
    db.write_table("territory", pd.DataFrame(terr), geometry=["geom"])
    db.write_table("territory_member", pd.DataFrame(members))
    db.write_table("territory_commune", pd.DataFrame(tc))
