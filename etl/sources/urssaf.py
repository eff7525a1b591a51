"""Urssaf: private-sector employer establishments and employees by commune x APE, 2006-2022.

Input: the Urssaf open-data file "Nombre d'établissements employeurs et effectifs salariés du
secteur privé, par commune x APE" (``;``-separated, UTF-8 with BOM, 53 columns: ``Code commune``,
``Grand secteur d'activité`` (``GS1 Industrie`` is industry), ``Code APE``, then
``Nombre d'établissements YYYY`` / ``Effectifs salariés YYYY``). The mirror holds the Rouen
employment-zone subset; **the full national file (about 1.2 M rows) is used instead when the
environment variable ``TI_URSSAF_FILE`` names it** (``TI_URSSAF_FILE=/path/file.csv make etl``).
The file is read in chunks, so memory stays bounded whatever its size.

Rules:

- Commune codes are those of the file's vintage; codes of merged communes (``anciensCodes``),
  communes déléguées/associées and Paris/Lyon/Marseille arrondissements are mapped to their
  current (COG 2026) commune. A code that maps to nothing is an error (row, column).
- An empty cell is *not* 0: Urssaf leaves a cell empty under statistical secrecy (or when there
  is nothing to publish). Sums use the published cells only; ``n_secret`` counts the cells where
  establishments are published but their employees are not (the sum is then a lower bound).
  A unit whose cells are all empty has a NULL value.
- **Coverage**: the communes that appear in the file are the communes "with data". Every unit
  (commune, EPCI, arrondissement, département, région, territory of each wave) gets a row in
  ``employment_coverage`` with its number of communes and population, and the part of each that
  has data. A unit whose communes are absent from the file has *no* row in ``employment`` and
  *no* value indicator: it shows "pas de données", never 0.

Tables:

- ``employment(layer, key, sector, year, establishments, employees, n_secret, coverage)``:
  layer in 'commune', 'epci', 'arrondissement', 'departement', 'region', 'territory_2018',
  'territory_2023'; sector 'total' or 'industrie'; coverage = share of the unit's population
  living in communes with data (0-1). Rows only for units with some data.
- ``employment_coverage(layer, key, n_communes, n_communes_with_data, population,
  population_with_data, share, complete)`` for every unit; ``complete`` is ``share >=``
  :data:`COMPLETE`, the units whose sums go on the map.
- indicators (see ``etl.indicators``): ``urssaf_coverage`` (%, every unit with some data),
  and, for units at least :data:`COMPLETE` covered, ``urssaf_employees_industry``,
  ``urssaf_employees_total``, ``urssaf_establishments_industry``, ``urssaf_establishments_total``,
  ``urssaf_industry_share`` (per year) and ``urssaf_industry_change`` (change of industrial
  employees from the first to the last year, %). Partly covered units keep their sums in
  ``employment`` (with their coverage) but get no value on the map, where a partial sum would
  read as a complete one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from etl import indicators as ind
from etl.errors import SourceError
from etl.readers import SourceFile, read_json

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

NAME = "urssaf"
ENV = "TI_URSSAF_FILE"
FILE = "urssaf-sample/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last_subset.csv"
COG_COMMUNES = "cog-2026/communes.json"
LICENCE = "Licence Ouverte (données ouvertes de l'Urssaf)"
SOURCE = (
    "Urssaf, établissements employeurs et effectifs salariés du secteur privé par commune x APE"
)
INDUSTRY = "GS1 Industrie"
COMMUNE, SECTOR, APE = "Code commune", "Grand secteur d'activité", "Code APE"
COMPLETE = 0.99  # share of a unit's population with data above which its sums go on the map
CHUNK = 200_000
_EST = re.compile(r"^Nombre d'établissements (\d{4})$")
_EMP = re.compile(r"^Effectifs salariés (\d{4})$")
_CODE = re.compile(r"^(\d[\dAB]\d{3})$")
LAYERS = ("commune",) + ind.LAYERS


def input_path(mirror: Path | None = None) -> Path | str:
    """The file to read: ``$TI_URSSAF_FILE`` if set, else the mirror's sample (mirror-relative
    when ``mirror`` is None, as build-step inputs are)."""
    env = os.environ.get(ENV)
    if env:
        return Path(env).expanduser().resolve()
    return FILE if mirror is None else mirror / FILE


def inputs() -> tuple[str, ...]:
    """The files the build step reads, for the build's fingerprint: the Urssaf file (that of
    ``$TI_URSSAF_FILE`` when the build runs) and the COG communes."""
    return (str(input_path()), COG_COMMUNES)


def successor_map(mirror: Path) -> dict[str, str]:
    """Every commune code the COG 2026 knows (current, former, delegated, municipal arrondissement)
    -> its current commune code."""
    recs = read_json(mirror / COG_COMMUNES)
    out: dict[str, str] = {}
    for r in recs:  # older codes first, so that current codes win
        if r.get("type") in ("commune-deleguee", "commune-associee") and r.get("chefLieu"):
            out[r["code"]] = r["chefLieu"]
        elif r.get("type") == "arrondissement-municipal" and r.get("commune"):
            out[r["code"]] = r["commune"]
    for r in recs:
        if r.get("type") == "commune-actuelle":
            for old in r.get("anciensCodes") or []:
                out.setdefault(old, r["code"])
    for r in recs:
        if r.get("type") == "commune-actuelle":
            out[r["code"]] = r["code"]
    return out


@dataclass
class CommuneData:
    """Sums by current commune and sector (industry or not), one column per measure and year."""

    frame: pd.DataFrame  # index (commune_code, industry: bool); columns est_Y, emp_Y, sec_Y
    years: list[int]
    rows: int
    remapped: dict[str, str] = field(default_factory=dict)  # file code -> current code


def _years(path: Path, header: list[str]) -> list[int]:
    est = {int(m[1]) for h in header if (m := _EST.match(h))}
    emp = {int(m[1]) for h in header if (m := _EMP.match(h))}
    for c in (COMMUNE, SECTOR, APE):
        if c not in header:
            raise SourceError(
                path,
                f"missing column {c!r}; expected the Urssaf commune x APE columns "
                f'({COMMUNE!r}, {SECTOR!r}, {APE!r}, "Nombre d\'établissements YYYY", '
                f"'Effectifs salariés YYYY')",
                column=c,
            )
    if not est:
        raise SourceError(
            path, 'no column "Nombre d\'établissements YYYY"', column="Nombre d'établissements"
        )
    if est != emp:
        y = sorted(est ^ emp)[0]
        col = f"Effectifs salariés {y}" if y in est else f"Nombre d'établissements {y}"
        raise SourceError(path, f"missing column {col!r}: each year needs both columns", column=col)
    return sorted(est)


def _header(path: Path) -> list[str]:
    if not path.is_file():
        raise SourceError(
            path,
            f"file not found (the Urssaf file is read from ${ENV} when set, else "
            f"from the mirror's sample)",
        )
    with open(path, "rb") as f:
        first = f.readline()
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceError(
            path,
            f"header is not UTF-8 (byte 0x{first[e.start]:02x} at offset {e.start}); "
            f"expected UTF-8",
            row=0,
        ) from None
    return [h.strip() for h in line.rstrip("\r\n").split(";")]


def _numbers(path: Path, chunk: pd.DataFrame, col: str, first_row: int) -> np.ndarray:
    import numpy as np
    import pandas as pd

    txt = chunk[col]
    if txt.dtype == np.float64:  # fast path: the parser already read numbers (empty -> NaN)
        num = txt.to_numpy()
        nonempty = ~np.isnan(num)
    else:
        num = pd.to_numeric(txt.replace("", None), errors="coerce").to_numpy(dtype="float64")
        nonempty = (txt != "").to_numpy()
    bad = (nonempty & np.isnan(num)) | (num < 0) | (np.nan_to_num(num) % 1 != 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise SourceError(
            path,
            f"{txt.iloc[i]!r} is not a count (expected a non-negative integer or empty)",
            row=first_row + i,
            column=col,
        )
    return num


def read_communes(path: Path, successors: dict[str, str], *, chunksize: int = CHUNK) -> CommuneData:
    """Read, check and sum the file by current commune and sector, chunk by chunk.

    Errors name the row (1-based, header excluded) and the column: unknown commune code, empty
    sector, malformed or negative count, duplicate (commune, APE) row, bad encoding.

    The counts are first parsed as numbers by the CSV parser (fast); if a cell is not a number
    the file is read again as text to name the row and column of the first bad cell.
    """
    try:
        return _read_communes(path, successors, chunksize, numeric=True)
    except ValueError:  # "could not convert string to float": find and name the cell
        return _read_communes(path, successors, chunksize, numeric=False)


def _read_communes(
    path: Path, successors: dict[str, str], chunksize: int, *, numeric: bool
) -> CommuneData:
    import numpy as np
    import pandas as pd

    header = _header(path)
    years = _years(path, header)
    est_cols = [f"Nombre d'établissements {y}" for y in years]
    emp_cols = [f"Effectifs salariés {y}" for y in years]
    usecols = [COMMUNE, SECTOR, APE, *est_cols, *emp_cols]
    parts, keys, remapped = [], [], {}
    start = 1
    try:
        dtypes = {c: object for c in (COMMUNE, SECTOR, APE)}
        dtypes.update({c: ("float64" if numeric else object) for c in est_cols + emp_cols})
        reader = pd.read_csv(
            path,
            sep=";",
            dtype=dtypes,
            usecols=usecols,
            chunksize=chunksize,
            encoding="utf-8-sig",
            keep_default_na=False,
            na_values={c: [""] for c in est_cols + emp_cols} if numeric else None,
            engine="c",
        )
        for chunk in reader:
            n = len(chunk)
            chunk = chunk.reset_index(drop=True)
            for c in (COMMUNE, SECTOR, APE):
                v = chunk[c].str.strip()
                empty = (v == "").to_numpy()
                if empty.any():
                    raise SourceError(
                        path, "empty value", row=start + int(np.argmax(empty)), column=c
                    )
                chunk[c] = v
            code = chunk[COMMUNE]
            current = code.map(successors)
            unknown = current.isna().to_numpy()
            if unknown.any():
                i = int(np.argmax(unknown))
                what = (
                    "not a commune code (5 characters, e.g. 76540 or 2A004)"
                    if not _CODE.match(code[i])
                    else "not a commune of the COG 2026, nor a former, delegated or municipal-"
                    "arrondissement code of one"
                )
                raise SourceError(path, f"{code[i]!r} is {what}", row=start + i, column=COMMUNE)
            moved = (current != code).to_numpy()
            if moved.any():
                remapped.update(zip(code[moved], current[moved], strict=True))
            keys.append(pd.util.hash_pandas_object(chunk[[COMMUNE, APE]], index=False).to_numpy())
            data = {
                "commune_code": current.to_numpy(),
                "industry": (chunk[SECTOR] == INDUSTRY).to_numpy(),
            }
            for y, ce, cp in zip(years, est_cols, emp_cols, strict=True):
                est = _numbers(path, chunk, ce, start)
                emp = _numbers(path, chunk, cp, start)
                data[f"est_{y}"] = est
                data[f"emp_{y}"] = emp
                data[f"sec_{y}"] = ((est > 0) & np.isnan(emp)).astype("int64")
            df = pd.DataFrame(data)
            parts.append(df.groupby(["commune_code", "industry"]).sum(min_count=1))
            start += n
    except UnicodeDecodeError as e:
        raise SourceError(
            path,
            f"not valid UTF-8 text ({e.reason} at byte offset {e.start} of a read block, "
            f"in the chunk starting at row {start}); expected UTF-8",
            row=start,
        ) from None
    except pd.errors.ParserError as e:
        raise SourceError(path, f"malformed CSV after row {start - 1}: {e}", row=start) from None
    if not parts:
        raise SourceError(path, "no data row")
    allkeys = np.concatenate(keys)
    dup = pd.Series(allkeys).duplicated(keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(allkeys == allkeys[np.argmax(dup)]) + 1
        raise SourceError(
            path,
            f"rows {rows.tolist()} repeat the same ({COMMUNE}, {APE}); expected one row "
            f"per commune and APE code",
            row=int(rows[-1]),
            column=APE,
        )
    frame = pd.concat(parts).groupby(level=[0, 1]).sum(min_count=1)
    return CommuneData(frame=frame, years=years, rows=int(start - 1), remapped=remapped)


def memberships(db) -> pd.DataFrame:
    """(layer, key, commune_code) for every layer, from the foundation tables."""
    import pandas as pd

    c = db.df("SELECT code, epci_siren, arrondissement, departement, region FROM commune")
    parts = [pd.DataFrame({"layer": "commune", "key": c.code, "commune_code": c.code})]
    for layer, col in (
        ("epci", "epci_siren"),
        ("arrondissement", "arrondissement"),
        ("departement", "departement"),
        ("region", "region"),
    ):
        s = c[c[col].notna()]
        parts.append(pd.DataFrame({"layer": layer, "key": s[col], "commune_code": s.code}))
    tc = db.df("SELECT wave, territory_id, commune_code FROM territory_commune")
    parts.append(
        pd.DataFrame(
            {
                "layer": "territory_" + tc.wave,
                "key": tc.territory_id,
                "commune_code": tc.commune_code,
            }
        )
    )
    return pd.concat(parts, ignore_index=True)


def aggregate(data: CommuneData, db) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(employment, employment_coverage) for every layer, as described in the module docstring."""
    import numpy as np
    import pandas as pd

    mem = memberships(db)
    pop = db.df("SELECT code AS commune_code, population FROM commune")
    have = set(data.frame.index.get_level_values(0))
    mem = mem.merge(pop, on="commune_code", how="left")
    mem["population"] = mem["population"].fillna(0)
    mem["with_data"] = mem["commune_code"].isin(have)
    mem["population_with_data"] = mem["population"].where(mem["with_data"], 0)
    cov = (
        mem.groupby(["layer", "key"])
        .agg(
            n_communes=("commune_code", "size"),
            n_communes_with_data=("with_data", "sum"),
            population=("population", "sum"),
            population_with_data=("population_with_data", "sum"),
        )
        .reset_index()
    )
    cov["share"] = np.where(
        cov.population > 0,
        cov.population_with_data / cov.population.where(cov.population > 0),
        cov.n_communes_with_data / cov.n_communes,
    )
    # the threshold written with the shares, so that no reader restates it
    cov["complete"] = cov["share"] >= COMPLETE
    # sectors: industry and total (industry + the rest), per commune
    f = data.frame
    ind_ = (
        f.xs(True, level="industry")
        if True in f.index.get_level_values(1)
        else f.iloc[0:0].droplevel(1)
    )
    tot = f.groupby(level=0).sum(min_count=1)
    ind_ = ind_.reindex(tot.index)  # communes with no industry row: NaN, i.e. nothing published
    layers = []
    for sector, fr in (("industrie", ind_), ("total", tot)):
        j = mem[mem.with_data][["layer", "key", "commune_code"]].merge(
            fr, left_on="commune_code", right_index=True
        )
        g = j.drop(columns="commune_code").groupby(["layer", "key"]).sum(min_count=1)
        long = []
        for y in data.years:
            long.append(
                pd.DataFrame(
                    {
                        "layer": g.index.get_level_values(0),
                        "key": g.index.get_level_values(1),
                        "sector": sector,
                        "year": y,
                        "establishments": g[f"est_{y}"].to_numpy(),
                        "employees": g[f"emp_{y}"].to_numpy(),
                        "n_secret": g[f"sec_{y}"].fillna(0).astype("int64").to_numpy(),
                    }
                )
            )
        layers.append(pd.concat(long, ignore_index=True))
    emp = pd.concat(layers, ignore_index=True)
    emp = emp.merge(
        cov[["layer", "key", "share"]].rename(columns={"share": "coverage"}), on=["layer", "key"]
    )
    emp = emp.sort_values(["layer", "key", "sector", "year"], kind="stable").reset_index(drop=True)
    return emp, cov


def indicators(emp: pd.DataFrame, cov: pd.DataFrame) -> pd.DataFrame:
    """Map indicators: coverage for every unit with data, values for completely covered units."""
    import pandas as pd

    e = emp[emp.layer.isin(ind.LAYERS)]
    frames = []
    c = cov[cov.layer.isin(ind.LAYERS) & (cov.n_communes_with_data > 0)]
    frames.append(
        ind.frame(
            c.layer,
            c.key,
            "urssaf_coverage",
            "Couverture du fichier Urssaf (part de la population des communes présentes)",
            "%",
            None,
            c.share * 100,
            SOURCE,
        )
    )
    full = e[e.coverage >= COMPLETE]
    names = {
        ("industrie", "employees"): (
            "urssaf_employees_industry",
            "Effectifs salariés de l'industrie",
            "salariés",
        ),
        ("total", "employees"): (
            "urssaf_employees_total",
            "Effectifs salariés (secteur privé)",
            "salariés",
        ),
        ("industrie", "establishments"): (
            "urssaf_establishments_industry",
            "Établissements employeurs de l'industrie",
            "établissements",
        ),
        ("total", "establishments"): (
            "urssaf_establishments_total",
            "Établissements employeurs (secteur privé)",
            "établissements",
        ),
    }
    for (sector, measure), (name, label, unit) in names.items():
        s = full[full.sector == sector]
        frames.append(ind.frame(s.layer, s.key, name, label, unit, s.year, s[measure], SOURCE))
    wide = full.pivot_table(
        index=["layer", "key", "year"], columns="sector", values="employees", dropna=False
    ).reset_index()
    if len(wide):
        share = wide["industrie"] / wide["total"].where(wide["total"] > 0) * 100
        frames.append(
            ind.frame(
                wide.layer,
                wide.key,
                "urssaf_industry_share",
                "Part de l'industrie dans les effectifs salariés privés",
                "%",
                wide.year,
                share,
                SOURCE,
            )
        )
        y0, y1 = int(full.year.min()), int(full.year.max())
        s = (
            full[full.sector == "industrie"]
            .pivot_table(index=["layer", "key"], columns="year", values="employees")
            .reset_index()
        )
        if y0 in s and y1 in s:
            ch = (s[y1] / s[y0].where(s[y0] > 0) - 1) * 100
            frames.append(
                ind.frame(
                    s.layer,
                    s.key,
                    "urssaf_industry_change",
                    f"Évolution des effectifs salariés de l'industrie depuis {y0}",
                    "%",
                    y1,
                    ch,
                    SOURCE,
                )
            )
    return pd.concat(frames, ignore_index=True)


def load(ctx) -> None:
    """Build step: tables ``employment``, ``employment_coverage`` and the ``urssaf_*`` indicators."""
    path = Path(input_path(ctx.paths.mirror))
    data = read_communes(path, successor_map(ctx.paths.mirror))
    emp, cov = aggregate(data, ctx.db)
    ctx.db.write_table("employment", emp)
    ctx.db.write_table("employment_coverage", cov)
    n = ind.replace_family(ctx.db, "urssaf_", indicators(emp, cov))
    ncom = int((cov.layer == "commune").mul(cov.n_communes_with_data).sum())
    ctx.check(
        "urssaf_rows",
        str(path.name),
        data.rows,
        f"{ncom} communes with data, years {data.years[0]}-{data.years[-1]}; "
        f"{'national file from $' + ENV if os.environ.get(ENV) else 'mirror sample'}",
    )
    ctx.check(
        "urssaf_codes_remapped",
        "former or delegated commune codes",
        len(data.remapped),
        ", ".join(f"{a}->{b}" for a, b in list(data.remapped.items())[:20]),
    )
    full = cov[(cov.layer != "commune") & cov.complete]
    part = cov[(cov.layer != "commune") & ~cov.complete & (cov.n_communes_with_data > 0)]
    ctx.check(
        "urssaf_coverage",
        "units completely covered / partly covered",
        len(full),
        f"{len(part)} partly covered (sums kept in employment, not mapped); "
        + ", ".join(f"{r.layer} {r.key}: {r.share:.0%}" for r in part.head(12).itertuples()),
    )
    secret = int(emp[(emp.layer == "commune")].n_secret.sum())
    ctx.check(
        "urssaf_secret_cells",
        "employee cells withheld where establishments are published",
        secret,
        "sums of employees are lower bounds where n_secret > 0",
        "info",
    )
    ctx.check("indicator_rows", "urssaf_*", n)
    ctx.files.append(
        SourceFile(
            "urssaf",
            path,
            LICENCE,
            f"{data.years[0]}-{data.years[-1]} ("
            + ("fichier national" if os.environ.get(ENV) else "extrait : zone d'emploi de Rouen")
            + ")",
            data.rows,
            "Urssaf, établissements employeurs et effectifs salariés du secteur privé par commune "
            "et APE",
            "cases vides = secret statistique : sommes des effectifs minorées là où des cases "
            "sont secrètes",
        )
    )
