"""Command line of the ETL: ``python -m etl build`` and friends."""

from __future__ import annotations

import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from etl.config import get_paths
from etl.db import Database, DatabaseDamaged, DatabaseError
from etl.errors import EtlError
from etl.pipeline import build as run_build

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Territoires d'industrie: build and feed the DuckDB database.",
)
console = Console(stderr=False)
err = Console(stderr=True)

MirrorOpt = typer.Option(
    None, "--mirror", help="folder of the raw mirror (default: $TI_MIRROR or ../shared/mirror)"
)
DbOpt = typer.Option(
    None, "--db", help="database file (default: $TI_DB or data/processed/ti.duckdb)"
)


# the commands that edit a built database import their modules when run: a no-change
# ``build`` (the most common call) then starts in less time
def _demo():
    from etl import demo

    return demo


def _importer():
    from etl import registry_import

    return registry_import


def _schema():
    from etl.registry import schema

    return schema


@contextmanager
def _step(label: str):
    t0 = time.perf_counter()
    with console.status(f"[bold]{label}…"):
        yield
    console.print(f"  [green]✓[/] {label} [dim]({time.perf_counter() - t0:.1f} s)[/]")


# what a writer can meet besides bad input: a full disk, a permission, a DuckDB error; each gets
# the same message as bad input (the atomic swap kept the last good database), not a traceback
FAILURES = (EtlError, OSError, DatabaseError, DatabaseDamaged)


def fail(e: Exception) -> None:
    if isinstance(e, OSError) and not isinstance(e, EtlError):
        where = f" ({e.filename})" if e.filename else ""
        text = f"écriture ou lecture impossible : {e.strerror or e}{where}"
    elif isinstance(e, DatabaseError):
        text = f"erreur de la base DuckDB : {str(e).strip().splitlines()[0][:300]}"
    else:
        text = str(e)
    err.print(f"[bold red]Erreur :[/] {text}", highlight=False, soft_wrap=True)
    err.print("[dim]La base précédente est restée intacte.[/]")
    raise typer.Exit(code=1)


def print_report(checks) -> None:
    """One line per check: a mark by severity, what was checked, the value and the detail."""
    marks = {"error": "[red]✗[/]", "warning": "[yellow]![/]", "info": "[green]·[/]"}
    console.print("[bold]Rapport de validation[/]")
    for r in checks.sort_values(["check", "subject"], kind="stable").itertuples():
        v = r.value
        val = "" if v is None or v != v else (f"{v:,.0f}" if float(v).is_integer() else f"{v:.4g}")
        detail = r.detail if len(r.detail) < 400 else r.detail[:397] + "…"
        console.print(
            f" {marks.get(r.severity, ' ')} {r.check} [dim]{r.subject}[/]: [bold]{val}[/]"
            + (f" [dim]— {detail}[/]" if detail else ""),
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def build(
    mirror: Path = MirrorOpt,
    db: Path = DbOpt,
    force: bool = typer.Option(False, "--force", help="rebuild even when nothing changed"),
) -> None:
    """Build the database from the raw mirror (atomic; does nothing when inputs are unchanged)."""
    paths = get_paths(mirror, db)
    console.print(f"Miroir : {paths.mirror}\nBase   : {paths.database}")
    try:
        res = run_build(paths, force=force, progress=_step)
    except FAILURES as e:
        fail(e)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for p in res.removed:
        console.print(f"[yellow]![/] fichier temporaire d'un arrêt brutal supprimé : {p.name}")
    if res.repaired:
        console.print(f"[yellow]Base endommagée, reconstruite[/] : {res.repaired}")
    if res.status == "up-to-date":
        console.print(
            f"[green]À jour[/] : entrées et code inchangés, rien à faire ({res.seconds:.2f} s)."
        )
        return
    print_report(res.checks)
    errors = res.checks[res.checks.severity == "error"]
    console.print(
        f"[bold green]Base construite[/] en {res.seconds:.1f} s "
        f"(mémoire max {peak:.0f} Mo) : {res.database}"
    )
    if len(errors):
        console.print(
            f"[yellow]{len(errors)} contrôle(s) en erreur : voir le rapport ci-dessus.[/]"
        )


@app.command()
def report(db: Path = DbOpt) -> None:
    """Print the validation report of the current database."""
    paths = get_paths(None, db)
    if not paths.database.is_file():
        fail(EtlError(f"no database at {paths.database}: run `make etl` first"))
    with Database(paths.database) as d:
        print_report(d.df("SELECT * FROM validation"))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


# --- issue 5: project registry and demonstration data (appended) ------------------------------

RegistryFileArg = typer.Argument(
    ..., help="registry file, CSV or XLSX (schema: docs/registry-schema.md)"
)


@app.command("import-projects")
def import_projects_cmd(
    file: Path = RegistryFileArg,
    mirror: Path = MirrorOpt,
    db: Path = DbOpt,
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="load the good rows even if some rows are bad"
    ),
    name: str = typer.Option(None, "--name", help="registry name (default: from the file name)"),
) -> None:
    """Import a project registry: every bad row is reported; nothing is loaded if any is bad."""
    paths = get_paths(mirror, db)  # the mirror only counts in the database's fingerprint
    try:
        res = _importer().import_projects(file, paths, skip_bad_rows=skip_bad_rows, name=name)
    except _schema().RegistryError as e:
        for r in e.errors:
            err.print(f"  {r}", highlight=False, soft_wrap=True)
        fail(e)
    except FAILURES as e:
        fail(e)
    for r in res.errors:
        err.print(f"  [yellow]ignorée[/] {r}", highlight=False, soft_wrap=True)
    console.print(
        f"[bold green]Registre « {res.name} » importé[/] : {res.loaded} projet(s)"
        + (f", {res.skipped} ligne(s) ignorée(s)" if res.skipped else "")
        + f"\nCopie validée conservée : {res.kept} (rechargée à chaque reconstruction)"
    )


@app.command()
def demo(db: Path = DbOpt) -> None:
    """Load the demonstration registry (données fictives, fixed seed) into the database."""
    try:
        n = _demo().load(get_paths(None, db))
    except FAILURES as e:
        fail(e)
    console.print(
        f"[bold yellow]Données fictives[/] : {n} projets de démonstration chargés "
        f"(retirer : python -m etl remove-demo)."
    )


@app.command("remove-demo")
def remove_demo(db: Path = DbOpt) -> None:
    """Remove the demonstration registry from the database."""
    try:
        n = _demo().remove(get_paths(None, db))
    except FAILURES as e:
        fail(e)
    console.print(f"{n} projets de démonstration retirés.")
