"""The project registry: import, validation, placement and the ``project`` indicators.

A registry is a CSV (UTF-8, ``;`` or ``,``) or XLSX file in the schema of
``docs/registry-schema.md`` (columns :data:`COLUMNS`). ``python -m etl import-projects FILE``:

1. reads and checks every row against the database (commune, EPCI, territory and wave must
   exist) and collects **every** bad row (row number, column, reason);
2. loads nothing if there is any bad row, unless ``--skip-bad-rows`` (then the good rows only);
3. keeps the validated rows as ``data/processed/inputs/registry-<name>.csv`` (a normalised copy:
   the build reloads it, so an imported registry survives every rebuild, and the build's
   fingerprint hashes it);
4. writes the new rows into a copy of the database and swaps it in (``etl.atomic.editing``): on
   any failure the previous database and the previous registry copy stay as they were.

Importing a file with the same name again replaces that registry. Rows are numbered from 1 =
the first data row (the header is not counted), in CSV and XLSX alike.

Tables: ``project`` (one row per project, with its resolved places: commune, EPCI,
arrondissement, département, région, territory of each wave, and ``is_demo``), ``registry``
(one row per registry loaded, ``is_demo``). Indicators ``projects_*`` (real registries) and
``demo_projects_*`` (the demonstration registry, see ``etl.demo``) by layer, cumulative
(``year`` NULL). A unit without any project has no row: "pas de données", never 0.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from etl.atomic import editing, replacing
from etl.config import WAVES
from etl.db import Database
from etl.errors import EtlError, SourceError
from etl.sources import _indicators as ind
from etl.sources._io import sha256
from etl.sources._tables import read_csv

COLUMNS = (
    "identifiant",
    "nom",
    "commune",
    "epci",
    "territoire",
    "vague",
    "date",
    "statut",
    "investissement_eur",
    "aide_publique_eur",
    "emplois_crees",
    "emplois_maintenus",
    "source",
)
OPTIONAL_COLUMNS = ("beneficiaire", "siren")
REQUIRED = ("identifiant", "nom", "date", "statut", "source")
STATUSES = ("identifié", "en préparation", "financé", "en cours", "réalisé", "abandonné")
AMOUNTS = ("investissement_eur", "aide_publique_eur")
JOBS = ("emplois_crees", "emplois_maintenus")
REAL_LICENCE = "registre importé (licence déclarée par son fournisseur)"
_NAME_OK = re.compile(r"[^a-z0-9_-]+")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_COMMUNE = re.compile(r"^\d[\dAB]\d{3}$")
_SIREN = re.compile(r"^\d{9}$")
_TI = re.compile(r"^ti-\d{4}$")
_NUM_SPACES = re.compile(r"[\s\u00a0\u202f]")
PROJECT_COLUMNS = (
    "registry",
    "id",
    "name",
    "commune_code",
    "epci_siren",
    "territory_wave",
    "territory_id",
    "date",
    "date_precision",
    "status",
    "investment_eur",
    "public_aid_eur",
    "jobs_created",
    "jobs_maintained",
    "source",
    "beneficiary",
    "siren",
)
PLACE_COLUMNS = (
    "place_level",
    "place_epci",
    "place_arrondissement",
    "place_departement",
    "place_region",
    "place_territory_2018",
    "place_territory_2023",
)
METRICS = (  # indicator suffix, label, unit, column or None for a count
    ("count", "Projets", "projets", None),
    ("investment", "Investissement des projets", "EUR", "investment_eur"),
    ("public_aid", "Aide publique aux projets", "EUR", "public_aid_eur"),
    ("jobs_created", "Emplois créés (annoncés par les projets)", "emplois", "jobs_created"),
    (
        "jobs_maintained",
        "Emplois maintenus (annoncés par les projets)",
        "emplois",
        "jobs_maintained",
    ),
)


@dataclass(frozen=True)
class RowError:
    """One bad cell: row (1 = first data row), column, the value read and why it is refused."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.row}, colonne {self.column!r} ({self.value!r}) : {self.reason}"


class RegistryError(EtlError):
    """A registry file with bad rows: ``errors`` lists every one of them."""

    def __init__(self, path: Path, errors: list[RowError]) -> None:
        self.path, self.errors = Path(path), errors
        super().__init__(
            f"file {path}: {len(errors)} error(s) in {len({e.row for e in errors})} row(s); "
            f"nothing was loaded "
            f"(use --skip-bad-rows to load the good rows only)"
        )


@dataclass
class Validated:
    rows: pd.DataFrame  # PROJECT_COLUMNS minus registry, index = row number
    errors: list[RowError]
    total: int


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_file(path: Path) -> pd.DataFrame:
    """The registry as text cells (index = row number); columns checked, extra columns refused."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "file not found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            raw = pd.read_excel(path, dtype=object, engine="openpyxl", sheet_name=0)
        except Exception as e:  # openpyxl raises zipfile/KeyError/ValueError for a damaged workbook
            raise SourceError(
                path, f"not a readable XLSX workbook: {type(e).__name__}: {e}"
            ) from None
        raw.columns = [str(c).strip() for c in raw.columns]
        df = raw.map(_cell)
        df.index = pd.RangeIndex(1, len(df) + 1, name="row")
        df = df[(df != "").any(axis=1)]
        missing = [c for c in REQUIRED if c not in df.columns]
        if missing:
            raise SourceError(
                path,
                f"missing column(s) {missing}; the file has {list(raw.columns)}",
                column=missing[0],
            )
    elif suffix in (".csv", ".txt"):
        df = read_csv(path, REQUIRED)
    else:
        raise SourceError(path, f"unsupported file type {suffix!r}: expected .csv or .xlsx")
    # spreadsheets often export empty trailing columns ("a;b;c;"): dropped when nameless and empty
    df = df[
        [
            c
            for c in df.columns
            if not (re.fullmatch(r"(Unnamed: \d+)?", str(c)) and (df[c] == "").all())
        ]
    ]
    extra = [c for c in df.columns if c not in COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        raise SourceError(
            path,
            f"unknown column(s) {extra}; expected columns among "
            f"{list(COLUMNS + OPTIONAL_COLUMNS)} (see docs/registry-schema.md)",
            column=extra[0],
        )
    for c in COLUMNS + OPTIONAL_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    return df.astype(object)


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


@dataclass
class Reference:
    """What the rows are checked against, read once from the database."""

    communes: pd.DataFrame  # code, epci_siren, ept_siren
    groupings: set[str]  # EPCI and EPT SIREN
    territories: set[tuple[str, str]]  # (wave, id)
    territory_commune: set[tuple[str, str, str]]  # (wave, id, commune)
    territory_member: set[tuple[str, str, str]]  # (wave, id, siren)

    @classmethod
    def from_db(cls, db: Database) -> Reference:
        tc = db.rows("SELECT wave, territory_id, commune_code FROM territory_commune")
        tm = db.rows("SELECT wave, territory_id, siren FROM territory_member")
        return cls(
            communes=db.df("SELECT code, epci_siren, ept_siren FROM commune"),
            groupings={r[0] for r in db.rows("SELECT siren FROM epci UNION SELECT siren FROM ept")},
            territories={(r[0], r[1]) for r in db.rows("SELECT wave, id FROM territory")},
            territory_commune=set(tc),
            territory_member=set(tm),
        )


def _parse_amount(s: pd.Series) -> pd.Series:
    """'1250000', '1 250 000,50' -> float; '' -> NaN; anything else -> NaN (flagged by the caller)."""
    out = pd.to_numeric(s.where(s != ""), errors="coerce").astype("float64")
    retry = out.isna() & (s != "")
    if retry.any():  # French writing: spaces as thousands separators, decimal comma
        t = s[retry].str.replace(_NUM_SPACES, "", regex=True).str.replace(",", ".", regex=False)
        out[retry] = pd.to_numeric(t, errors="coerce").astype("float64")
    return out


def _matches(s: pd.Series, pattern: re.Pattern) -> pd.Series:
    """Element-wise full match of text cells (a plain loop: faster than .str on object columns)."""
    return pd.Series(
        np.fromiter((pattern.match(x) is not None for x in s), dtype=bool, count=len(s)),
        index=s.index,
    )


def validate(df: pd.DataFrame, ref: Reference) -> Validated:
    """Check every row; return the good rows (normalised) and every error."""
    errors: list[RowError] = []

    def flag(mask: pd.Series, column: str, reason: str) -> None:
        for i in mask[mask].index:
            errors.append(RowError(int(i), column, str(df.at[i, column]), reason))

    for c in REQUIRED:
        flag(df[c] == "", c, "valeur obligatoire manquante")
    flag(df["identifiant"].map(len) > 64, "identifiant", "plus de 64 caractères")
    dup = (df["identifiant"] != "") & df["identifiant"].duplicated(keep=False)
    for i in dup[dup].index:
        others = [
            int(j) for j in df.index[dup & (df["identifiant"] == df.at[i, "identifiant"])] if j != i
        ]
        errors.append(
            RowError(
                int(i),
                "identifiant",
                df.at[i, "identifiant"],
                f"identifiant en double (aussi ligne(s) {others})",
            )
        )
    # status
    st = df["statut"].map(str.lower)
    flag(
        (st != "") & ~st.isin(STATUSES),
        "statut",
        f"statut inconnu ; valeurs admises : {', '.join(STATUSES)}",
    )
    # date: YYYY-MM-DD, YYYY-MM or YYYY (vectorised: 100,000 rows in well under a second)
    dt = df["date"]
    length = dt.map(len)
    shaped = _matches(dt, _DATE)
    when = pd.to_datetime(dt.where(shaped), format="ISO8601", errors="coerce")
    flag((dt != "") & when.isna(), "date", "date invalide ; attendu AAAA-MM-JJ, AAAA-MM ou AAAA")
    flag(
        when.notna() & ((when < pd.Timestamp(1990, 1, 1)) | (when > pd.Timestamp(2100, 12, 31))),
        "date",
        "date hors de la période 1990-2100",
    )
    parsed = when.dt.date.where(when.notna(), None)
    precision = length.map({10: "day", 7: "month", 4: "year"}).where(when.notna(), None)
    # numbers
    nums = {}
    for c in AMOUNTS + JOBS:
        n = _parse_amount(df[c])
        given = df[c] != ""
        flag(given & n.isna(), c, "nombre attendu (ex. 1250000 ou 1 250 000,50)")
        flag(given & n.notna() & (n < 0), c, "nombre négatif")
        if c in JOBS:
            flag(
                given & n.notna() & (n >= 0) & (n != np.floor(n.fillna(0))),
                c,
                "nombre entier d'emplois attendu",
            )
        nums[c] = n
    # places
    com, epci, ter, wave = df["commune"], df["epci"], df["territoire"], df["vague"]
    none = (com == "") & (epci == "") & (ter == "")
    flag(none, "commune", "aucun lieu : renseigner commune, epci ou territoire (avec vague)")
    known = set(ref.communes["code"])
    com_ok, epci_ok, ter_ok = _matches(com, _COMMUNE), _matches(epci, _SIREN), _matches(ter, _TI)
    flag((com != "") & ~com_ok, "commune", "code commune INSEE à 5 caractères attendu")
    flag(com_ok & ~com.isin(known), "commune", "code commune inconnu du COG 2026")
    flag((epci != "") & ~epci_ok, "epci", "SIREN à 9 chiffres attendu")
    flag(
        epci_ok & ~epci.isin(ref.groupings),
        "epci",
        "SIREN inconnu : ni un EPCI ni un EPT du COG 2026",
    )
    flag((ter != "") & ~ter_ok, "territoire", "identifiant de territoire 'ti-0000' attendu")
    flag(
        (ter != "") & ~wave.isin(WAVES),
        "vague",
        f"vague attendue avec un territoire : {' ou '.join(WAVES)}",
    )
    flag((ter == "") & (wave != ""), "vague", "vague donnée sans territoire")
    okter = ter_ok & wave.isin(WAVES)
    unknown_t = okter & ~pd.Series(
        [(w, t) in ref.territories for w, t in zip(wave, ter, strict=True)],
        index=df.index,
        dtype=bool,
    )
    flag(unknown_t, "territoire", "territoire inconnu pour cette vague")
    # consistency when several places are given
    c_idx = ref.communes.set_index("code")
    both = (com != "") & com.isin(known) & (epci != "") & epci.isin(ref.groupings)
    for i in both[both].index:
        if epci[i] not in (c_idx.at[com[i], "epci_siren"], c_idx.at[com[i], "ept_siren"]):
            errors.append(
                RowError(
                    int(i), "epci", epci[i], f"la commune {com[i]} n'appartient pas à cet EPCI"
                )
            )
    ct = (com != "") & com.isin(known) & okter & ~unknown_t
    for i in ct[ct].index:
        if (wave[i], ter[i], com[i]) not in ref.territory_commune:
            errors.append(
                RowError(
                    int(i),
                    "territoire",
                    ter[i],
                    f"la commune {com[i]} n'est pas dans ce territoire (vague {wave[i]})",
                )
            )
    et = (com == "") & (epci != "") & epci.isin(ref.groupings) & okter & ~unknown_t
    for i in et[et].index:
        if (wave[i], ter[i], epci[i]) not in ref.territory_member:
            errors.append(
                RowError(
                    int(i),
                    "territoire",
                    ter[i],
                    f"l'EPCI {epci[i]} n'est pas membre de ce territoire (vague {wave[i]})",
                )
            )
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    bad_rows = {e.row for e in errors}
    out = pd.DataFrame(
        {
            "id": df["identifiant"],
            "name": df["nom"],
            "commune_code": com.replace("", None),
            "epci_siren": epci.replace("", None),
            "territory_wave": wave.replace("", None),
            "territory_id": ter.replace("", None),
            "date": parsed,
            "date_precision": precision,
            "status": st,
            "investment_eur": nums["investissement_eur"],
            "public_aid_eur": nums["aide_publique_eur"],
            "jobs_created": nums["emplois_crees"],
            "jobs_maintained": nums["emplois_maintenus"],
            "source": df["source"],
            "beneficiary": df["beneficiaire"].replace("", None),
            "siren": df["siren"].replace("", None),
        },
        index=df.index,
    )
    good = out[~out.index.isin(bad_rows)].copy()
    for c in ("jobs_created", "jobs_maintained"):
        good[c] = good[c].astype("Int64")
    return Validated(rows=good, errors=errors, total=len(df))


# ---------------------------------------------------------------------------------------------
# placement, tables, indicators
# ---------------------------------------------------------------------------------------------


def place(projects: pd.DataFrame, db: Database) -> pd.DataFrame:
    """Add the places of each project (``PLACE_COLUMNS``) from its commune, EPCI or territory."""
    p = projects.reset_index(drop=True).copy()
    com = db.df(
        "SELECT code, epci_siren, ept_siren, arrondissement, departement, region FROM commune"
    )
    tc = db.df("SELECT wave, territory_id, commune_code FROM territory_commune")
    tm = db.df(
        "SELECT wave, territory_id, siren FROM territory_member WHERE kind IN ('EPCI', 'EPT')"
    )
    grp = db.df(
        "SELECT siren, main_departement FROM epci UNION ALL SELECT siren, main_departement FROM ept"
    )
    ter = db.df("SELECT wave, id, main_departement FROM territory")
    dep_region = dict(db.rows("SELECT code, region FROM departement"))
    c = com.set_index("code")
    level = np.where(
        p.commune_code.notna(), "commune", np.where(p.epci_siren.notna(), "epci", "territory")
    )
    p["place_level"] = level
    p["place_epci"] = p.commune_code.map(c.epci_siren.fillna(c.ept_siren)).where(
        p.commune_code.notna(), p.epci_siren
    )
    p["place_arrondissement"] = p.commune_code.map(c.arrondissement)
    dep_of_grp = grp.drop_duplicates("siren").set_index("siren").main_departement
    ter_key = ter.wave + ":" + ter.id
    dep_of_ter = pd.Series(ter.main_departement.to_numpy(), index=ter_key.to_numpy())
    dep = p.commune_code.map(c.departement)
    dep = dep.where(p.commune_code.notna(), p.epci_siren.map(dep_of_grp))
    on_ter = p.commune_code.isna() & p.epci_siren.isna()
    p["place_departement"] = dep.where(
        ~on_ter, (p.territory_wave + ":" + p.territory_id).map(dep_of_ter)
    )
    p["place_region"] = p.place_departement.map(dep_region)
    for w in WAVES:
        by_com = tc[tc.wave == w].set_index("commune_code").territory_id
        by_grp = tm[tm.wave == w].drop_duplicates("siren").set_index("siren").territory_id
        v = p.commune_code.map(by_com)
        v = v.where(p.commune_code.notna(), p.epci_siren.map(by_grp))
        given = p.territory_wave.eq(w) & p.commune_code.isna() & p.epci_siren.isna()
        p[f"place_territory_{w}"] = v.where(~given, p.territory_id)
    return p


_PLACE_OF_LAYER = {
    "epci": "place_epci",
    "arrondissement": "place_arrondissement",
    "departement": "place_departement",
    "region": "place_region",
    "territory_2018": "place_territory_2018",
    "territory_2023": "place_territory_2023",
}


def _indicator_rows(db: Database, is_demo: bool, prefix: str, source: str) -> pd.DataFrame:
    """Sums of the ``project`` table by place, one indicator per metric (SQL: fast at any size).

    A sum over projects that all leave the column empty is NULL, so no row is written for it."""
    tag = " (données fictives)" if is_demo else ""
    sums = ", ".join(
        "sum(" + col + ") AS " + suffix if col else "count(*) AS " + suffix
        for suffix, _, _, col in METRICS
    )
    frames = []
    for layer, col in _PLACE_OF_LAYER.items():  # identifiers from the code's constants
        sql = " ".join(
            [
                "SELECT",
                col,
                "AS key,",
                sums,
                "FROM project WHERE is_demo = ? AND",
                col,
                "IS NOT NULL GROUP BY",
                col,
            ]
        )
        g = db.df(sql, [is_demo])
        for suffix, label, unit, _ in METRICS:
            frames.append(
                ind.frame(
                    layer,
                    g["key"],
                    f"{prefix}{suffix}",
                    label + tag,
                    unit,
                    None,
                    g[suffix].astype("float64"),
                    source,
                    is_demo,
                )
            )
    return pd.concat(frames, ignore_index=True)


def refresh_indicators(db: Database) -> None:
    """Recompute ``projects_*`` (real) and ``demo_projects_*`` (demo) from the ``project`` table."""
    ensure_tables(db)
    names = [r[0] for r in db.rows("SELECT name FROM registry WHERE NOT is_demo ORDER BY name")]
    ind.replace_family(
        db,
        "projects_",
        _indicator_rows(db, False, "projects_", "Registre des projets : " + ", ".join(names)),
    )
    ind.replace_family(
        db,
        "demo_projects_",
        _indicator_rows(db, True, "demo_projects_", "Registre de démonstration — données fictives"),
    )


def ensure_tables(db: Database) -> None:
    """Empty ``project`` and ``registry`` tables with their full schema (idempotent)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS project (registry VARCHAR NOT NULL, id VARCHAR NOT NULL, name VARCHAR, "
        "commune_code VARCHAR, epci_siren VARCHAR, territory_wave VARCHAR, territory_id VARCHAR, date DATE, "
        "date_precision VARCHAR, status VARCHAR, investment_eur DOUBLE, public_aid_eur DOUBLE, "
        "jobs_created BIGINT, jobs_maintained BIGINT, source VARCHAR, beneficiary VARCHAR, siren VARCHAR, "
        "place_level VARCHAR, place_epci VARCHAR, place_arrondissement VARCHAR, place_departement VARCHAR, "
        "place_region VARCHAR, place_territory_2018 VARCHAR, place_territory_2023 VARCHAR, "
        "is_demo BOOLEAN NOT NULL)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS registry (name VARCHAR NOT NULL, path VARCHAR, rows BIGINT, "
        "skipped_rows BIGINT, loaded_at VARCHAR, is_demo BOOLEAN NOT NULL, label VARCHAR)"
    )


_TEXT = tuple(
    c
    for c in PROJECT_COLUMNS + PLACE_COLUMNS
    if c not in ("date", "investment_eur", "public_aid_eur", "jobs_created", "jobs_maintained")
)


def _typed(p: pd.DataFrame) -> pd.DataFrame:
    """Column types that map to the documented SQL types, even when a column is all empty."""
    out = pd.DataFrame(index=p.index)
    for c in list(PROJECT_COLUMNS + PLACE_COLUMNS) + ["is_demo"]:
        s = p[c]
        if c in _TEXT:
            out[c] = s.astype("string")
        elif c == "date":
            ts = pd.to_datetime(s)
            out[c] = pd.Series(ts.dt.date.to_numpy(dtype=object), index=p.index).where(
                ts.notna(), None
            )
        elif c in ("jobs_created", "jobs_maintained"):
            out[c] = pd.to_numeric(s).astype("Int64")
        elif c == "is_demo":
            out[c] = s.astype(bool)
        else:
            out[c] = pd.to_numeric(s).astype("float64")
    return out


def store(
    db: Database,
    name: str,
    rows: pd.DataFrame,
    *,
    path: str,
    skipped: int,
    is_demo: bool,
    label: str,
) -> int:
    """Replace registry ``name`` in ``project``/``registry`` by ``rows`` (placed here)."""
    ensure_tables(db)
    placed = place(rows, db)
    placed.insert(0, "registry", name)
    placed["is_demo"] = is_demo
    placed = placed[list(PROJECT_COLUMNS + PLACE_COLUMNS) + ["is_demo"]]
    others = db.df("SELECT * FROM project WHERE registry <> ?", [name])
    # one write of the whole table (a write then an INSERT copy costs twice as much at 100,000 rows)
    db.write_table(
        "project", _typed(pd.concat([others, placed], ignore_index=True) if len(others) else placed)
    )
    db.execute("DELETE FROM registry WHERE name = ?", [name])
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    db.execute(
        "INSERT INTO registry VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, path, len(placed), skipped, now, is_demo, label],
    )
    return len(placed)


def demo_present(db: Database) -> bool:
    """True when the demonstration registry (données fictives) is in the database."""
    if "registry" not in db.tables():
        return False
    return bool(db.scalar("SELECT count(*) > 0 FROM registry WHERE is_demo"))


# ---------------------------------------------------------------------------------------------
# files kept under data/processed/inputs, reloaded by the build
# ---------------------------------------------------------------------------------------------

RESERVED_NAMES = ("demo", "fonds-vert-2024")  # the demonstration registry; the one the build loads


def registry_name(path: Path) -> str:
    """A safe registry name from a file name: 'Projets 2025.xlsx' -> 'projets-2025'."""
    n = _NAME_OK.sub("-", Path(path).stem.lower()).strip("-")[:60]
    if not n:
        raise EtlError(f"cannot derive a registry name from {Path(path).name!r}: use --name")
    if n in RESERVED_NAMES:
        raise EtlError(
            f"registry name {n!r} is reserved ({', '.join(RESERVED_NAMES)}): choose another with --name"
        )
    return n


def inputs_dir(processed: Path) -> Path:
    return processed / "inputs"


def kept_file(processed: Path, name: str, suffix: str = ".csv") -> Path:
    return inputs_dir(processed) / f"registry-{name}{suffix}"


def kept_files(processed: Path) -> list[Path]:
    """The registry copies kept for the rebuilds (CSV or XLSX)."""
    return sorted(
        p
        for p in inputs_dir(processed).glob("registry-*")
        if p.suffix.lower() in (".csv", ".xlsx", ".xlsm")
    )


def _date_text(dates: pd.Series, precision: pd.Series) -> pd.Series:
    iso = pd.to_datetime(dates).dt.strftime("%Y-%m-%d")
    return iso.where(precision == "day", iso.str[:7].where(precision == "month", iso.str[:4]))


def to_schema(rows: pd.DataFrame) -> pd.DataFrame:
    """Validated rows written back in the documented schema (so that they re-validate); numbers stay
    numbers, written by :func:`write_schema_csv`."""
    return pd.DataFrame(
        {
            "identifiant": rows["id"],
            "nom": rows["name"],
            "commune": rows["commune_code"].fillna(""),
            "epci": rows["epci_siren"].fillna(""),
            "territoire": rows["territory_id"].fillna(""),
            "vague": rows["territory_wave"].fillna(""),
            "date": _date_text(rows["date"], rows["date_precision"]),
            "statut": rows["status"],
            "investissement_eur": rows["investment_eur"],
            "aide_publique_eur": rows["public_aid_eur"],
            "emplois_crees": rows["jobs_created"],
            "emplois_maintenus": rows["jobs_maintained"],
            "source": rows["source"],
            "beneficiaire": rows["beneficiary"].fillna(""),
            "siren": rows["siren"].fillna(""),
        }
    )


def write_schema_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write the registry copy (``;``, UTF-8): empty cells for unknown values, integers without '.0'."""
    cols = []
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_numeric_dtype(s):
            f = s.astype("float64")
            txt = np.where(
                f.isna(),
                "",
                np.where(
                    f == np.floor(f.fillna(0)),
                    f.fillna(0).astype("int64").astype(str),
                    f.astype(str),
                ),
            )
            cols.append(txt.tolist())
        else:
            cols.append(s.fillna("").astype(str).tolist())
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(list(frame.columns))
        w.writerows(zip(*cols, strict=True))


@dataclass
class ImportResult:
    name: str
    loaded: int
    skipped: int
    errors: list[RowError]
    kept: Path
    database: Path


def _refresh_fingerprint(d: Database, paths) -> None:
    from etl import steps  # noqa: F401  (the fingerprint covers every registered step)
    from etl.build import fingerprint

    d.execute("UPDATE build_info SET value = ? WHERE key = 'fingerprint'", [fingerprint(paths)])


def import_projects(
    path: Path, paths, *, skip_bad_rows: bool = False, name: str | None = None
) -> ImportResult:
    """Validate a registry file and load it into the database at ``paths.database`` (atomic).

    Raises :class:`RegistryError` (every bad row) when the file has bad rows and
    ``skip_bad_rows`` is false; nothing is changed then.
    """
    path = Path(path)
    database = paths.database
    if not database.is_file():
        raise EtlError(f"no database at {database}: run `make etl` first")
    df = read_file(path)
    name = registry_name(Path(name) if name else path)
    previous = [p for p in kept_files(paths.processed) if p.stem == f"registry-{name}"]
    backups = {p: p.with_name(p.name + ".previous") for p in previous}
    wrote = False
    try:
        with editing(database) as d:
            v = validate(df, Reference.from_db(d))
            if v.errors and not skip_bad_rows:
                raise RegistryError(path, v.errors)
            if v.rows.empty:
                raise (
                    RegistryError(path, v.errors)
                    if v.errors
                    else SourceError(path, "no project row in the file")
                )
            # the file itself when every row is good, else its good rows in the documented schema
            kept = kept_file(paths.processed, name, path.suffix.lower() if not v.errors else ".csv")
            kept.parent.mkdir(parents=True, exist_ok=True)
            for p, b in backups.items():
                os.replace(p, b)
            wrote = True
            with replacing(kept, ".new") as new:
                if v.errors:
                    write_schema_csv(to_schema(v.rows), new)
                else:
                    shutil.copyfile(path, new)
            skipped = len({e.row for e in v.errors})
            store(
                d,
                name,
                v.rows,
                path=str(path),
                skipped=skipped,
                is_demo=False,
                label=f"Registre importé : {path.name}",
            )
            refresh_indicators(d)
            _record_source(
                d, f"registry:{name}", kept, REAL_LICENCE, f"importé de {path.name}", len(v.rows)
            )
            _refresh_fingerprint(d, paths)
    except BaseException:
        if wrote:
            kept.unlink(missing_ok=True)
            for p, b in backups.items():
                os.replace(b, p)
        raise
    for b in backups.values():
        b.unlink(missing_ok=True)
    return ImportResult(name, len(v.rows), skipped, v.errors, kept, database)


def _record_source(
    d: Database, name: str, path: Path | None, licence: str, vintage: str, rows: int
) -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    d.execute("DELETE FROM source WHERE name = ?", [name])
    d.execute(
        "INSERT INTO source (name, path, sha256, licence, vintage, rows, loaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            name,
            "" if path is None else str(path),
            "" if path is None else sha256(path),
            licence,
            vintage,
            rows,
            now,
        ],
    )


def load_kept(ctx) -> None:
    """Build step: reload every registry kept under ``data/processed/inputs`` (strict: a row that no
    longer validates, e.g. after a change of the commune codes, fails the build with its row)."""
    from etl.sources._io import SourceFile

    ensure_tables(ctx.db)
    ref = Reference.from_db(ctx.db)
    for f in kept_files(ctx.paths.processed):
        v = validate(read_file(f), ref)
        if v.errors:
            e = v.errors[0]
            raise SourceError(
                f,
                f"{e.reason} ({len(v.errors)} error(s); re-import the registry)",
                row=e.row,
                column=e.column,
            )
        name = f.stem.removeprefix("registry-")
        store(
            ctx.db,
            name,
            v.rows,
            path=str(f),
            skipped=0,
            is_demo=False,
            label=f"Registre importé ({name})",
        )
        ctx.files.append(
            SourceFile(f"registry:{name}", f, REAL_LICENCE, "registre importé", len(v.rows))
        )
        ctx.check("registry_rows", name, len(v.rows), "imported registry reloaded")
    refresh_indicators(ctx.db)
