"""The opt-in demonstration registry: **données fictives**, generated, never loaded by default.

``python -m etl demo`` (``make demo``) adds to the current database a registry named
:data:`NAME`, flagged everywhere:

- ``registry.is_demo`` and ``project.is_demo`` are true, every project's ``source`` and name say
  "données fictives", the ``source`` table gets a row ``demo`` whose licence is "données
  fictives", and its indicators are ``demo_projects_*`` with ``is_demo`` true and labels ending
  in "(données fictives)";
- pages ask :func:`etl.registry.store.demo_present` (or ``SELECT count(*) > 0 FROM registry WHERE
  is_demo``) to know it is there, and label every view and export that uses it.

It is generated with a fixed seed (:data:`SEED`), so two runs give the same rows:

- the number of projects follows the curated ``goal_series`` of projects: the cumulative count
  on each published date equals the published figure (the first figure's projects are spread
  over the year before it, each later increment between two published dates);
- places: a territory of the 2023 wave drawn in proportion to its population, then one of its
  communes in proportion to population;
- amounts and jobs are drawn around published averages read from ``published_figure`` (see
  :data:`RATIOS`); nothing of it is real.

It is written into a copy of the database swapped in atomically, and is not kept under
``data/processed/inputs``: a rebuild of the database drops it (run ``make demo`` again);
``python -m etl remove-demo`` removes it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from etl.atomic import editing
from etl.db import Database
from etl.errors import EtlError
from etl.registry.store import demo_present, refresh_indicators, store

NAME = "demo"
SEED = 20231109
LABEL = "Registre de démonstration — données fictives"
SOURCE = f"données fictives (démonstration générée, graine {SEED})"
# (what, date_text, scope, metric) of the published figures the draws are centred on
RATIOS = {
    "jobs_per_project": (
        ("2023-11", "TI phase 1 (4 years)", "jobs created"),
        ("2023-07", "TI phase 1", "projects carried by 149 territories (16,000 communes)"),
    ),
    "aid_per_project": (
        ("2021-10-11", "Fonds d'accélération", "average funding per project"),
        None,
    ),
    "investment_per_project": (
        ("2021-11-22", "Fonds d'accélération", "industrial investment accelerated"),
        ("2021-11-22", "Fonds d'accélération", "projects / subsidies"),
    ),
}
# the 2021-03-23 figure reads "14000 jobs (plus 50,000 conforted)": maintained / created
MAINTAINED_PER_CREATED = 50_000 / 14_000
STATUSES = ("identifié", "en préparation", "financé", "en cours", "réalisé")


def _figure(db: Database, key: tuple[str, str, str]) -> float:
    v = db.scalar(
        "SELECT value FROM published_figure WHERE date_text = ? AND scope = ? AND metric = ?",
        list(key),
    )
    if v is None:
        raise EtlError(
            f"the demo needs the published figure {key}; rebuild the database (make etl)"
        )
    return float(v)


def _unit_scale(db: Database, key: tuple[str, str, str]) -> float:
    unit = (
        db.scalar(
            "SELECT unit FROM published_figure WHERE date_text = ? AND scope = ? AND metric = ?",
            list(key),
        )
        or ""
    )
    return 1e9 if unit.startswith("billion") else 1e6 if unit.startswith("million") else 1.0


def ratios(db: Database) -> dict[str, float]:
    """Per-project averages from the published figures (see :data:`RATIOS`)."""
    out = {}
    for name, (num, den) in RATIOS.items():
        v = _figure(db, num) * _unit_scale(db, num)
        out[name] = v / _figure(db, den) if den else v
    return out


def _dates(rng: np.random.Generator, points: list[tuple[date, int]]) -> list[date]:
    out: list[date] = []
    prev_d, prev_n = None, 0
    for d, n in points:
        k = max(int(n) - prev_n, 0)
        lo = d - timedelta(days=365) if prev_d is None else prev_d + timedelta(days=1)
        span = max((d - lo).days, 0)
        out += [lo + timedelta(days=int(x)) for x in rng.integers(0, span + 1, size=k)]
        prev_d, prev_n = d, max(int(n), prev_n)
    return sorted(out)


def generate(db: Database, seed: int = SEED) -> pd.DataFrame:
    """The demonstration projects (columns of ``etl.registry.schema.validate``'s rows)."""
    rng = np.random.default_rng(seed)
    pts = db.rows("SELECT date, value FROM goal_series WHERE goal = 'projects' ORDER BY date")
    if not pts:
        raise EtlError("no goal_series for projects in the database: rebuild it (make etl)")
    dates = _dates(rng, [(d, int(v)) for d, v in pts])
    n = len(dates)
    ter = db.df(
        "SELECT id, name, population FROM territory WHERE wave = '2023' AND population > 0 ORDER BY id"
    )
    tc = db.df(
        "SELECT tc.territory_id, c.code, c.population FROM territory_commune tc "
        "JOIN commune c ON c.code = tc.commune_code WHERE tc.wave = '2023' AND c.population > 0 "
        "ORDER BY tc.territory_id, c.code"
    )
    p = ter.population.to_numpy(dtype=float)
    tid = ter.id.to_numpy()[rng.choice(len(ter), size=n, p=p / p.sum())]
    by_t = {t: g for t, g in tc.groupby("territory_id")}
    communes = []
    for t in tid:
        g = by_t[t]
        w = g.population.to_numpy(dtype=float)
        communes.append(g.code.to_numpy()[rng.choice(len(g), p=w / w.sum())])
    r = ratios(db)
    sigma = 0.9  # lognormal spread; mean = exp(mu + sigma^2/2)

    def draw(mean: float) -> np.ndarray:
        return rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, size=n)

    jobs = np.round(draw(r["jobs_per_project"]))
    age = np.array([(dates[-1] - d).days for d in dates], dtype=float)
    done = np.clip(age / max(age.max(), 1.0), 0, 1)
    status = [STATUSES[min(int(x * len(STATUSES) + rng.random()), len(STATUSES) - 1)] for x in done]
    names = dict(zip(ter.id, ter.name.str.strip(), strict=True))
    return pd.DataFrame(
        {
            "id": [f"demo-{i:05d}" for i in range(1, n + 1)],
            "name": [f"Projet fictif n° {i} ({names[t]})" for i, t in enumerate(tid, start=1)],
            "commune_code": communes,
            "epci_siren": None,
            "territory_wave": None,
            "territory_id": None,
            "date": dates,
            "date_precision": "day",
            "status": status,
            "investment_eur": np.round(draw(r["investment_per_project"]), -3),
            "public_aid_eur": np.round(draw(r["aid_per_project"]), -3),
            "jobs_created": pd.array(jobs.astype("int64"), dtype="Int64"),
            "jobs_maintained": pd.array(
                np.round(jobs * MAINTAINED_PER_CREATED * rng.uniform(0.5, 1.5, n)).astype("int64"),
                dtype="Int64",
            ),
            "source": SOURCE,
            "beneficiary": None,
            "siren": None,
        }
    )


def load(paths) -> int:
    """Add (or regenerate) the demo registry in the database at ``paths.database``; atomic."""
    if not paths.database.is_file():
        raise EtlError(f"no database at {paths.database}: run `make etl` first")
    with Database(paths.database) as d:
        rows = generate(d)

    with editing(paths.database) as d:
        store(d, NAME, rows, path="", skipped=0, is_demo=True, label=LABEL)
        refresh_indicators(d)
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        d.execute("DELETE FROM source WHERE name = ?", [NAME])
        d.execute(
            "INSERT INTO source (name, path, sha256, licence, vintage, rows, loaded_at) "
            "VALUES (?, '', '', ?, ?, ?, ?)",
            [NAME, "données fictives", f"générées le {now[:10]}, graine {SEED}", len(rows), now],
        )
    return len(rows)


def remove(paths) -> int:
    """Remove the demo registry; returns the number of demo projects removed."""
    if not paths.database.is_file():
        raise EtlError(f"no database at {paths.database}: run `make etl` first")
    with Database(paths.database) as d:
        if not demo_present(d):
            return 0
        n = int(d.scalar("SELECT count(*) FROM project WHERE is_demo"))

    with editing(paths.database) as d:
        d.execute("DELETE FROM project WHERE is_demo")
        d.execute("DELETE FROM registry WHERE is_demo")
        d.execute("DELETE FROM source WHERE name = ?", [NAME])
        refresh_indicators(d)
    return n
