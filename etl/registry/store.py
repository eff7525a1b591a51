"""The ``project`` and ``registry`` tables: placing projects, storing a registry, its indicators.

Tables: ``project`` (one row per project, with its resolved places: commune, EPCI,
arrondissement, département, région, territory of each wave, and ``is_demo``), ``registry``
(one row per registry loaded, ``is_demo``). Indicators ``projects_*`` (real registries) and
``demo_projects_*`` (the demonstration registry, see ``etl.demo``) by layer, cumulative
(``year`` NULL). A unit without any project has no row: "pas de données", never 0.

Imported registries are kept under ``data/processed/inputs`` (:func:`kept_files`); the build
step :func:`load_kept` reloads them into every new database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from etl import indicators as ind
from etl.config import WAVES
from etl.db import Database
from etl.errors import SourceError
from etl.readers import SourceFile, sha256
from etl.registry.schema import PROJECT_COLUMNS, Reference, read_file, validate

if TYPE_CHECKING:
    import pandas as pd

REAL_LICENCE = "registre importé (licence déclarée par son fournisseur)"
PLACE_COLUMNS = (
    "place_level",
    "place_epci",
    "place_arrondissement",
    "place_departement",
    "place_region",
    *(f"place_territory_{w}" for w in WAVES),
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


def place(projects: pd.DataFrame, db: Database) -> pd.DataFrame:
    """Add the places of each project (``PLACE_COLUMNS``) from its commune, EPCI or territory."""
    import numpy as np
    import pandas as pd

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
    **{f"territory_{w}": f"place_territory_{w}" for w in WAVES},
}


def _indicator_rows(db: Database, is_demo: bool, prefix: str, source: str) -> pd.DataFrame:
    """Sums of the ``project`` table by place, one indicator per metric (SQL: fast at any size).

    A sum over projects that all leave the column empty is NULL, so no row is written for it."""
    import pandas as pd

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
    import pandas as pd

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
    import pandas as pd

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


def inputs_dir(processed: Path) -> Path:
    return processed / "inputs"


def kept_file(processed: Path, name: str, suffix: str = ".csv") -> Path:
    return inputs_dir(processed) / f"registry-{name}{suffix}"


STAGED = ".importing"  # a kept copy written by an import, renamed into place after its swap


def staged_file(kept: Path) -> Path:
    """Where an import writes the copy it will keep (``registry-x.csv.importing``): never loaded
    by a build nor counted in a fingerprint until it is renamed to ``kept``."""
    return kept.with_name(kept.name + STAGED)


def remove_staged(processed: Path) -> list[Path]:
    """Delete the staged copies a killed import left; returns them (call under the writer lock)."""
    gone = sorted(inputs_dir(processed).glob("registry-*" + STAGED))
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def kept_files(processed: Path) -> list[Path]:
    """The registry copies kept for the rebuilds (CSV or XLSX)."""
    return sorted(
        p
        for p in inputs_dir(processed).glob("registry-*")
        if p.suffix.lower() in (".csv", ".xlsx", ".xlsm")
    )


def record_source(
    d: Database,
    name: str,
    path: Path | None,
    licence: str,
    vintage: str,
    rows: int,
    *,
    digest: str | None = None,
) -> None:
    """One row of ``source`` (``digest``: the sha256 when ``path`` is not yet written)."""
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    d.execute("DELETE FROM source WHERE name = ?", [name])
    d.execute(
        "INSERT INTO source (name, path, sha256, licence, vintage, rows, loaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            name,
            "" if path is None else str(path),
            "" if path is None else (digest or sha256(path)),
            licence,
            vintage,
            rows,
            now,
        ],
    )


def load_kept(ctx) -> None:
    """Build step: reload every registry kept under ``data/processed/inputs`` (strict: a row that no
    longer validates, e.g. after a change of the commune codes, fails the build with its row)."""
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
