"""The schema of a project registry file, and the checks of its rows.

A registry is a CSV (UTF-8, ``;`` or ``,``) or XLSX file with the columns :data:`COLUMNS` (and
optionally :data:`OPTIONAL_COLUMNS`), documented in ``docs/registry-schema.md``.
:func:`read_file` reads it as text cells (rows numbered from 1 = the first data row, the header
not counted, in CSV and XLSX alike); :func:`validate` checks every row against a
:class:`Reference` read from the database and returns the good rows, normalised, with **every**
error (:class:`RowError`: row, column, value, reason). :func:`to_schema` and
:func:`write_schema_csv` write validated rows back in the documented schema.

This module reads files and checks rows; it writes no table (see ``etl.registry.store``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from etl.config import WAVES
from etl.db import Database
from etl.delimited import read_csv
from etl.errors import EtlError, SourceError
from etl.readers import read_text

if TYPE_CHECKING:
    import pandas as pd

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
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_COMMUNE = re.compile(r"^\d[\dAB]\d{3}$")
_SIREN = re.compile(r"^\d{9}$")
_TI = re.compile(r"^ti-\d{4}$")
_NUM_SPACES = re.compile(r"[\s\u00a0\u202f]")
# limits, checked before or while a file is read (docs/registry-schema.md says why each)
MB = 1024 * 1024
MAX_FILE_BYTES = {".csv": 64 * MB, ".txt": 64 * MB, ".xlsx": 32 * MB, ".xlsm": 32 * MB}
MAX_XLSX_PART_BYTES = 100 * MB  # one part of the workbook (a sheet, its shared strings), unzipped
MAX_XLSX_TOTAL_BYTES = 200 * MB  # every part, unzipped
MAX_ROWS = 200_000
MAX_CELL_CHARS = 4_000
# numbers beyond these are typing errors, not projects: the largest industrial projects in France
# are a few billion euros; 450,000 jobs is the whole programme's goal
MAX_AMOUNT_EUR = 100e9
MAX_JOBS = 1_000_000
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


def _cell(v) -> str:
    import numpy as np

    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _limit_error(path: Path, what: str, value: int, limit: int, name: str, **where) -> SourceError:
    return SourceError(
        path, f"{what} : {value:,} pour une limite de {limit:,} ({name})".replace(",", " "), **where
    )


def _check_size(path: Path, suffix: str) -> None:
    """Refuse a file larger than :data:`MAX_FILE_BYTES` before reading any of it."""
    limit = MAX_FILE_BYTES[suffix]
    size = path.stat().st_size
    if size > limit:
        raise _limit_error(path, "fichier trop volumineux (octets)", size, limit, "MAX_FILE_BYTES")


def _check_cell(path: Path, text: str, row: int | None, column: str) -> None:
    if len(text) > MAX_CELL_CHARS:
        raise _limit_error(
            path,
            "cellule trop longue (caractères)",
            len(text),
            MAX_CELL_CHARS,
            "MAX_CELL_CHARS",
            row=row,
            column=column,
        )


def _check_rows(path: Path, row: int) -> None:
    if row > MAX_ROWS:
        raise _limit_error(path, "trop de lignes (au moins)", row, MAX_ROWS, "MAX_ROWS", row=row)


def _xlsx_parts(path: Path) -> None:
    """The uncompressed size of every part of the workbook, read from the zip directory before
    anything is decompressed (a 1 MB file can hold a 1 GB cell)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise SourceError(path, f"not a readable XLSX workbook: {type(e).__name__}: {e}") from None
    for info in infos:
        if info.file_size > MAX_XLSX_PART_BYTES:
            raise _limit_error(
                path,
                f"partie {info.filename!r} du classeur trop volumineuse une fois décompressée "
                "(octets)",
                info.file_size,
                MAX_XLSX_PART_BYTES,
                "MAX_XLSX_PART_BYTES",
            )
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_TOTAL_BYTES:
        raise _limit_error(
            path,
            "classeur trop volumineux une fois décompressé (octets)",
            total,
            MAX_XLSX_TOTAL_BYTES,
            "MAX_XLSX_TOTAL_BYTES",
        )


def _read_xlsx(path: Path) -> pd.DataFrame:
    """The first sheet as text cells, streamed: limits checked cell by cell, formulas and error
    cells refused (their value would be lost or wrong), values beyond the header refused."""
    import openpyxl  # here: 0.09 s of imports that a build without workbooks does not need
    import pandas as pd

    _xlsx_parts(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises zipfile/KeyError/ValueError for a damaged workbook
        raise SourceError(path, f"not a readable XLSX workbook: {type(e).__name__}: {e}") from None
    try:
        rows = wb.worksheets[0].iter_rows()
        first = next(rows, ())
        header = [_cell(c.value) for c in first]
        while header and header[-1] == "":
            header.pop()
        for h in header:
            _check_cell(path, h, None, h[:40])
        names = [h or f"Unnamed: {j}" for j, h in enumerate(header)]
        body = []
        for i, row in enumerate(rows, start=1):
            _check_rows(path, i)
            values = []
            for j, c in enumerate(row):
                if c.value is None:
                    values.append("")
                    continue
                name = names[j] if j < len(names) else f"(colonne {j + 1})"
                if c.data_type == "f":
                    raise SourceError(
                        path,
                        f"formule {str(c.value)[:60]!r} : saisir la valeur elle-même, les "
                        "formules ne sont pas lues (leur résultat n'est pas toujours enregistré "
                        "dans le fichier)",
                        row=i,
                        column=name,
                    )
                if c.data_type == "e":
                    raise SourceError(
                        path, f"cellule en erreur {c.value!r} : valeur attendue", row=i, column=name
                    )
                v = _cell(c.value)
                _check_cell(path, v, i, name)
                if j >= len(names) and v:
                    raise SourceError(
                        path,
                        f"valeur {v[:40]!r} dans une colonne sans en-tête (colonne {j + 1}, "
                        f"l'en-tête en a {len(names)})",
                        row=i,
                        column=name,
                    )
                values.append(v)
            body.append((values + [""] * len(names))[: len(names)])
    finally:
        wb.close()
    if len(set(names)) < len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise SourceError(
            path, f"column(s) {dup} appear more than once in the header", column=dup[0]
        )
    df = pd.DataFrame(body, columns=names, dtype=object)
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    df = df[(df != "").any(axis=1)] if len(df.columns) else df
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise SourceError(
            path, f"missing column(s) {missing}; the file has {header}", column=missing[0]
        )
    return df


def _check_delimited(path: Path) -> str:
    """Check the shape of a CSV before pandas reads it; returns its delimiter.

    Every record has as many fields as the header (a row with one field too many would shift
    every value and the error would name the wrong column); rows and cells within the limits.
    """
    text = read_text(path).lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    i = 0
    try:
        header = next(reader, [])
        for h in header:
            _check_cell(path, h, None, h[:40])
        named = len(header)
        while named and not header[named - 1].strip():
            named -= 1
        for i, rec in enumerate(reader, start=1):
            _check_rows(path, i)
            if not rec:
                continue
            for j, x in enumerate(rec):
                _check_cell(path, x, i, header[j] if j < len(header) else f"(champ {j + 1})")
            if len(rec) > len(header):
                raise SourceError(
                    path,
                    f"{len(rec)} champs au lieu de {len(header)} (ceux de l'en-tête) : un "
                    f"séparateur {delimiter!r} de trop dans un texte ? le mettre entre guillemets",
                    row=i,
                )
            if len(rec) < named:
                raise SourceError(
                    path,
                    f"{len(rec)} champs au lieu de {len(header)} (ceux de l'en-tête) : "
                    "ligne incomplète",
                    row=i,
                    column=header[len(rec)].strip(),
                )
    except csv.Error as e:  # a NUL byte, an unclosed quote, a field beyond csv's own limit
        raise SourceError(path, f"malformed CSV: {e}", row=i + 1) from None
    return delimiter


def read_file(path: Path) -> pd.DataFrame:
    """The registry as text cells (index = row number); columns checked, extra columns refused.

    The limits (:data:`MAX_FILE_BYTES`, :data:`MAX_XLSX_PART_BYTES`,
    :data:`MAX_XLSX_TOTAL_BYTES`, :data:`MAX_ROWS`, :data:`MAX_CELL_CHARS`) are checked before
    or while reading, each refusal naming the limit.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "file not found")
    suffix = path.suffix.lower()
    if suffix not in MAX_FILE_BYTES:
        raise SourceError(path, f"unsupported file type {suffix!r}: expected .csv or .xlsx")
    _check_size(path, suffix)
    if suffix in (".xlsx", ".xlsm"):
        df = _read_xlsx(path)
    else:
        df = read_csv(path, REQUIRED, delimiter=_check_delimited(path))
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
    import pandas as pd

    out = pd.to_numeric(s.where(s != ""), errors="coerce").astype("float64")
    retry = out.isna() & (s != "")
    if retry.any():  # French writing: spaces as thousands separators, decimal comma
        t = s[retry].str.replace(_NUM_SPACES, "", regex=True).str.replace(",", ".", regex=False)
        out[retry] = pd.to_numeric(t, errors="coerce").astype("float64")
    return out


def _matches(s: pd.Series, pattern: re.Pattern) -> pd.Series:
    """Element-wise full match of text cells (a plain loop: faster than .str on object columns)."""
    import numpy as np
    import pandas as pd

    return pd.Series(
        np.fromiter((pattern.match(x) is not None for x in s), dtype=bool, count=len(s)),
        index=s.index,
    )


def validate(df: pd.DataFrame, ref: Reference) -> Validated:
    """Check every row; return the good rows (normalised) and every error."""
    import numpy as np
    import pandas as pd

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
        finite = n.notna() & np.isfinite(n.fillna(0))
        flag(given & n.notna() & ~finite, c, "nombre fini attendu (pas inf ni Infinity)")
        flag(given & finite & (n < 0), c, "nombre négatif")
        top, what = (MAX_JOBS, "emplois") if c in JOBS else (MAX_AMOUNT_EUR, "euros")
        flag(
            given & finite & (n > top),
            c,
            f"valeur improbable : plus de {top:,.0f} {what} (limite)".replace(",", " "),
        )
        n = n.where(finite & (n <= top))  # a refused value never reaches a later cast
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


def _date_text(dates: pd.Series, precision: pd.Series) -> pd.Series:
    import pandas as pd

    iso = pd.to_datetime(dates).dt.strftime("%Y-%m-%d")
    return iso.where(precision == "day", iso.str[:7].where(precision == "month", iso.str[:4]))


def to_schema(rows: pd.DataFrame) -> pd.DataFrame:
    """Validated rows written back in the documented schema (so that they re-validate); numbers stay
    numbers, written by :func:`write_schema_csv`."""
    import pandas as pd

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
    import numpy as np
    import pandas as pd

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
