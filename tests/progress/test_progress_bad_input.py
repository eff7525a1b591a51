"""Bad inputs of the progress sources: the build stops with the file, row and column, and the last
good database stays exactly as it was (no partial build left behind)."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from etl.config import Paths
from etl.context import BuildContext, BuildStep
from etl.errors import SourceError
from etl.pipeline import STEPS, build

URSSAF = (
    "urssaf-sample/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last_subset.csv"
)
FIGURES = "published-figures/programme_milestones.csv"
RELANCE_DEP = "france-relance/france_relance_entreprises_industrielles_departemental.csv"
RELANCE_FR = "france-relance/france_relance_entreprises_industrielles_national.csv"
DITP = "ditp-barometre/ind-337_emplois_metiers_industriels_millions.csv"
FONDS_VERT = "fonds-vert-2024/fonds_vert_2024_paca_territoires_industrie_transition_ecologique.csv"


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


FOUNDATION = (
    "commune",
    "epci",
    "ept",
    "arrondissement",
    "departement",
    "region",
    "territory",
    "territory_member",
    "territory_commune",
    "shape",
)


def copy_foundation(source_db):
    """A build step that copies the foundation tables of ``source_db`` (instead of computing
    them: the 4 s of geometry are not what these tests are about)."""

    def run(ctx: BuildContext) -> None:
        # ATTACH takes no parameter: the path (a pytest temporary file) is quoted as a literal
        ctx.db.execute(
            "ATTACH '" + str(source_db).replace("'", "''") + "' AS foundation_src (READ_ONLY)"
        )
        for t in FOUNDATION:  # table names from the constant above
            ctx.db.execute(" ".join(["CREATE TABLE", t, "AS SELECT * FROM", "foundation_src." + t]))
        ctx.db.execute("DETACH foundation_src")

    return BuildStep("Socle copié", run)


@pytest.fixture
def setup(mirror_copy, mini_db, tmp_path, monkeypatch):
    """A writable mirror, a copy of the last good database, and the steps of a build whose
    foundation is copied from the miniature database: the real ``build()`` runs (atomic swap,
    the progress steps, error propagation)."""
    monkeypatch.delenv("TI_URSSAF_FILE", raising=False)
    db = tmp_path / "good.duckdb"
    shutil.copy(mini_db, db)
    steps = (
        copy_foundation(mini_db),
        *(s for s in STEPS if not s.run.__module__.startswith("etl.foundation.")),
    )
    return mirror_copy, Paths(mirror=mirror_copy, database=db), digest(db), steps


def replace_in(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    bom = "\ufeff" if path.read_bytes().startswith(b"\xef\xbb\xbf") else ""
    path.write_text(bom + text.replace(old, new, count), encoding="utf-8")


def fails_intact(paths, good, steps, *, file, row=None, column=None, match=""):
    with pytest.raises(SourceError) as ei:
        build(paths, steps, force=True)
    e = ei.value
    assert e.path.endswith(file), e.path
    if row is not None:
        assert e.row == row, str(e)
    if column is not None:
        assert e.column == column, str(e)
    assert match in str(e), str(e)
    assert digest(paths.database) == good, "the last good database was modified"
    assert not list(paths.database.parent.glob("*.building*"))
    return e


def test_foundation_shortcut_builds_when_inputs_are_good(setup):
    """The harness itself: with good inputs the same build succeeds (so failures come from the edit)."""
    _, paths, good, steps = setup
    assert build(paths, steps, force=True).status == "built"
    assert digest(paths.database) != good


# (file, old text, new text, expected row, expected column, message part)
CASES = {
    "urssaf unknown commune": (
        URSSAF,
        ";76003;4399A;",
        ";99999;4399A;",
        4,
        "Code commune",
        "not a commune of the COG",
    ),
    "urssaf malformed commune": (
        URSSAF,
        ";76003;4399A;",
        ";7603;4399A;",
        4,
        "Code commune",
        "5 characters",
    ),
    "urssaf bad number": (
        URSSAF,
        ";4711D;5;40;",
        ";4711D;5;4O;",
        2,
        "Effectifs salariés 2006",
        "'4O' is not a count",
    ),
    "urssaf negative": (
        URSSAF,
        ";4711D;5;40;",
        ";4711D;5;-40;",
        2,
        "Effectifs salariés 2006",
        "not a count",
    ),
    "urssaf decimal": (
        URSSAF,
        ";4711D;5;40;",
        ";4711D;5;40.5;",
        2,
        "Effectifs salariés 2006",
        "not a count",
    ),
    "urssaf duplicate": (
        URSSAF,
        ";76003;4399A;",
        ";76001;2511Z;",
        4,
        "Code APE",
        "repeat the same",
    ),
    "urssaf empty sector": (
        URSSAF,
        "GS2 Construction",
        "",
        4,
        "Grand secteur d'activité",
        "empty value",
    ),
    "urssaf missing column": (
        URSSAF,
        "Effectifs salariés 2022",
        "Effectif 2022",
        None,
        "Effectifs salariés 2022",
        "each year needs both columns",
    ),
    "urssaf missing commune column": (
        URSSAF,
        "Code commune",
        "Code",
        None,
        "Code commune",
        "missing column",
    ),
    "figures bad number": (
        FIGURES,
        ",jobs created,1000,",
        ",jobs created,mille,",
        3,
        "value",
        "not a number",
    ),
    "figures bad date": (FIGURES, "2021-10-13,", "13/10/2021,", 3, "date", "unrecognised date"),
    "figures duplicate": (
        FIGURES,
        "2019 (undated),TI phase 1,projects identified",
        "2021-10-13,TI / France Relance,jobs created",
        3,
        "metric",
        "duplicate figure",
    ),
    "figures curated point missing": (
        FIGURES,
        ",actions referenced,",
        ",actions listed,",
        "2025-05-27",
        "metric",
        "curated goal series",
    ),
    "figures missing column": (
        FIGURES,
        ",source_url,",
        ",url,",
        None,
        "source_url",
        "missing column",
    ),
    "relance unknown departement": (
        RELANCE_DEP,
        ",76,Seine-Maritime,2021-12-31",
        ",99,Nulle part,2021-12-31",
        2,
        "code_departement",
        "unknown departement code '99'",
    ),
    "relance bad value": (
        RELANCE_DEP,
        "2022-12-31,60.0",
        "2022-12-31,soixante",
        3,
        "valeur",
        "not an integer",
    ),
    "relance duplicate month": (
        RELANCE_FR,
        "2021-12-31,1000.0",
        "2021-11-30,1000.0",
        2,
        "date_",
        "duplicate",
    ),
    "relance bad date": (RELANCE_FR, "2022-12-31", "2022-13-31", 3, "date", "not a date"),
    "ditp value and target": (
        DITP,
        "2026-12-01,NAT,,,3.44,",
        "2026-12-01,NAT,,3.4,3.44,",
        4,
        "indic_va",
        "exactly one",
    ),
    "ditp unknown region": (
        DITP,
        "IND-337,R28,2021-12-01",
        "IND-337,R99,2021-12-01",
        5,
        "enforce_zone_id",
        "not a known code",
    ),
    "fonds vert unknown commune": (
        FONDS_VERT,
        "76006,Caudebec",
        "76999,Caudebec",
        3,
        "code_commune",
        "inconnu du COG 2026",
    ),
    "fonds vert bad amount": (
        FONDS_VERT,
        ",25000.5",
        ",25 000 €",
        3,
        "montant_fonds_vert_eur",
        "not a number",
    ),
    "fonds vert wrong departement": (
        FONDS_VERT,
        "76005,Elbeuf,76,",
        "76005,Elbeuf,27,",
        2,
        "code_dept",
        "is in département 76",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row(setup, case):
    mirror, paths, good, steps = setup
    file, old, new, row, column, match = CASES[case]
    replace_in(mirror / file, old, new)
    fails_intact(paths, good, steps, file=file, row=row, column=column, match=match)


@pytest.mark.parametrize("file", [URSSAF, FIGURES, RELANCE_DEP, DITP, FONDS_VERT])
def test_missing_file(setup, file):
    mirror, paths, good, steps = setup
    (mirror / file).unlink()
    fails_intact(paths, good, steps, file=file, match="not found")


@pytest.mark.parametrize("file", [URSSAF, FIGURES, FONDS_VERT])
def test_bad_encoding(setup, file):
    mirror, paths, good, steps = setup
    p = mirror / file
    # a Latin-1 "é" in the last line: not UTF-8
    data = p.read_bytes().rstrip(b"\n") + b"\n"
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    p.write_bytes(data[: -len(last) - 1] + last.replace(last[:5], last[:5] + b"\xe9") + b"\n")
    e = fails_intact(paths, good, steps, file=file)
    assert "UTF-8" in str(e)


def test_urssaf_file_from_environment(setup, monkeypatch, tmp_path):
    """TI_URSSAF_FILE replaces the sample; a missing file there is named in the error."""
    mirror, paths, good, steps = setup
    missing = tmp_path / "national.csv"
    monkeypatch.setenv("TI_URSSAF_FILE", str(missing))
    fails_intact(paths, good, steps, file="national.csv", match="TI_URSSAF_FILE")
