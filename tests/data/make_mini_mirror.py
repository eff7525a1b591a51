"""Write the miniature mirror in tests/data/mirror from the hand-written values below.

Run it again after editing this file: ``python tests/data/make_mini_mirror.py``. Only the lzma
CSV of commune polygons is binary; every other file is plain JSON/GeoJSON a person can read.

The place: a 5 x 2 grid of 0.01° squares near Rouen (lon 1.00-1.05, lat 49.40-49.42).

    lat 49.41-49.42 | 76003 | 76004 | 76007 | 76008 | 76011 (delegated, of 76009)
    lat 49.40-49.41 | 76001 | 76002 | 76005 | 76006 | 76010 (delegated, of 76009)
                      lon 1.00  1.01    1.02    1.03    1.04

- 76002's square reaches 1.0202 (overlaps 76005 by 0.0002°): the coverage must be cleaned.
- 76009 is a commune nouvelle with no polygon of its own: rebuilt from 76010 and 76011.
- EPCI 200000001 = 76001-76004 (arrondissement 761, Rouen, préfecture);
  EPCI 200000002 = 76005-76009 (arrondissement 762, Elbeuf, sous-préfecture).
- Wave 2023: ti-2801 "Rouen Vallée" = EPCI 200000001;
             ti-2802 "<img src=x onerror=alert(1)> " (hostile name, trailing space) = commune 76006.
- Wave 2018: ti-2801 "Elbeuf Seine" = EPCI 200000002 (same code, another place);
             ti-2802 "Rouen centre" = commune 76001 (by its SIREN).
"""

from __future__ import annotations

import csv
import io
import json
import lzma
from pathlib import Path

import shapely

OUT = Path(__file__).parent / "mirror"


def sq(i: int, j: int, east: float = 0.0) -> shapely.Polygon:
    x, y = 1.0 + 0.01 * i, 49.40 + 0.01 * j
    return shapely.box(x, y, x + 0.01 + east, y + 0.01)


COMMUNES = [  # code, name, (i, j), arrondissement, siren, population
    ("76001", "Rouen", (0, 0), "761", "217605401", 110000),
    ("76002", "Darnétal", (1, 0), "761", "217602128", 9000),
    ("76003", "Bois-Guillaume", (0, 1), "761", "217601088", 14000),
    ("76004", "Bihorel", (1, 1), "761", "217600957", 8000),
    ("76005", "Elbeuf", (2, 0), "762", "217602318", 16000),
    ("76006", "Caudebec-lès-Elbeuf", (3, 0), "762", "217601658", 10000),
    ("76007", "Saint-Pierre-lès-Elbeuf", (2, 1), "762", "217606367", 8000),
    ("76008", "Oissel", (3, 1), "762", "217604842", 11000),
    ("76009", "Grand-Couronne-la-Neuve", None, "762", "200099999", 10000),
]
DELEGATED = [("76010", "Grand-Couronne", (4, 0)), ("76011", "Les Essarts", (4, 1))]


def feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def collection(name: str, feats: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": feats,
    }


def write_json(rel: str, obj) -> None:
    p = OUT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    geom = {c[0]: sq(*c[2], east=0.0002 if c[0] == "76002" else 0.0) for c in COMMUNES if c[2]}
    geom.update({d[0]: sq(*d[2]) for d in DELEGATED})
    geom["76009"] = shapely.union(geom["76010"], geom["76011"])

    communes = [
        {
            "code": c,
            "nom": n,
            "typeLiaison": 0,
            "zone": "metro",
            "arrondissement": a,
            "departement": "76",
            "region": "28",
            "type": "commune-actuelle",
            "rangChefLieu": 0,
            "siren": s,
            "codesPostaux": ["76000"],
            "population": p,
        }
        for c, n, _, a, s, p in COMMUNES
    ]
    communes[8]["anciensCodes"] = ["76010", "76011"]
    communes += [
        {
            "code": c,
            "nom": n,
            "typeLiaison": 0,
            "zone": "metro",
            "type": "commune-deleguee",
            "chefLieu": "76009",
            "arrondissement": "762",
            "departement": "76",
            "region": "28",
        }
        for c, n, _ in DELEGATED
    ]
    write_json("cog-2026/communes.json", communes)

    def members(codes):
        return [
            {"code": c, "siren": s, "nom": n, "populationTotale": p, "populationMunicipale": p}
            for c, n, _, _, s, p in COMMUNES
            if c in codes
        ]

    epci = [
        {
            "code": "200000001",
            "nom": "Métropole Rouen Test",
            "type": "METRO",
            "modeFinancement": "FPU",
            "membres": members({"76001", "76002", "76003", "76004"}),
        },
        # the real file once held its members as a Python-style list in a string
        {
            "code": "200000002",
            "nom": "CA Elbeuf Test",
            "type": "CA",
            "modeFinancement": "FPU",
            "membres": repr(members({"76005", "76006", "76007", "76008", "76009"})),
        },
    ]
    write_json("cog-2026/epci.json", epci)
    write_json("cog-2026/ept.json", [])
    write_json(
        "cog-2026/arrondissements.json",
        [
            {
                "code": "761",
                "departement": "76",
                "region": "28",
                "chefLieu": "76001",
                "nom": "Rouen",
            },
            {
                "code": "762",
                "departement": "76",
                "region": "28",
                "chefLieu": "76005",
                "nom": "Elbeuf",
            },
        ],
    )
    write_json(
        "cog-2026/departements.json",
        [
            {
                "code": "76",
                "region": "28",
                "chefLieu": "76001",
                "nom": "Seine-Maritime",
                "zone": "metro",
            }
        ],
    )
    write_json(
        "cog-2026/regions.json",
        [{"code": "28", "chefLieu": "76540", "nom": "Normandie", "zone": "metro"}],
    )

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "id",
            "code",
            "type",
            "nom",
            "type_nom",
            "population_municipale",
            "departement_id",
            "geometry",
            "mairie_adresse",
        ]
    )
    rows = [(c, "COM", n) for c, n, *_ in COMMUNES] + [(c, "COMD", n) for c, n, _ in DELEGATED]
    for k, (code, typ, name) in enumerate(rows):
        g = None if (code == "76009") else shapely.MultiPolygon([geom[code]])
        w.writerow(
            [
                k,
                code,
                typ,
                name,
                1,
                1000,
                0,
                shapely.to_wkb(g, hex=True) if g else "\\N",
                "Place de l'Hôtel de Ville, " + name,
            ]
        )
    (OUT / "communes-geometry").mkdir(parents=True, exist_ok=True)
    (OUT / "communes-geometry/communes.csv.lzma").write_bytes(
        lzma.compress(buf.getvalue().encode())
    )

    u = shapely.union_all
    left = u([geom[c] for c in ("76001", "76002", "76003", "76004")])
    right = u([geom[c] for c in ("76005", "76006", "76007", "76008", "76009")])
    write_json(
        "anct-admin/polygone-4326_arr.geojson",
        collection(
            "arr",
            [
                feature({"insee_arr": "761", "lib_arr": "Rouen"}, left),
                feature({"insee_arr": "762", "lib_arr": "Elbeuf"}, right),
            ],
        ),
    )
    write_json(
        "anct-admin/polygone-4326_dep.geojson",
        collection(
            "dep", [feature({"insee_dep": "76", "lib_dep": "Seine-Maritime"}, u([left, right]))]
        ),
    )
    write_json(
        "anct-admin/polygone-4326_reg.geojson",
        collection("reg", [feature({"insee_reg": "28", "lib_reg": "Normandie"}, u([left, right]))]),
    )
    write_json(
        "anct-ti-2023/ti_geom.geojson",
        collection(
            "ti_geom",
            [
                feature(
                    {
                        "id_territoire": "ti-2801",
                        "lib_territoire": "Rouen Vallée",
                        "liste_geo": "Métropole Rouen Test (200000001)",
                    },
                    left,
                ),
                feature(
                    {
                        "id_territoire": "ti-2802",
                        "lib_territoire": "<img src=x onerror=alert(1)> ",
                        "liste_geo": "Caudebec-lès-Elbeuf (217601658)",
                    },
                    geom["76006"],
                ),
            ],
        ),
    )
    write_json(
        "anct-admin/polygone-4326_ti.geojson",
        collection(
            "ti",
            [
                feature(
                    {
                        "id_ti": "ti-2801",
                        "lib_ti": "Elbeuf Seine",
                        "lib_groupement": "CA Elbeuf Test",
                        "siren_groupement": "200000002",
                    },
                    right,
                ),
                feature(
                    {
                        "id_ti": "ti-2802",
                        "lib_ti": "Rouen centre",
                        "lib_groupement": "Rouen",
                        "siren_groupement": "217605401",
                    },
                    geom["76001"],
                ),
            ],
        ),
    )


if __name__ == "__main__":
    main()
