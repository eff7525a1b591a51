"""The build pipeline: every build step, in order, in one explicit list (:data:`STEPS`).

``python -m etl build``, the tests, the benchmarks and the registry import (which refreshes the
stored fingerprint) all use :func:`build` and :func:`fingerprint` of this module. Nothing adds a
step by being imported: a new step is a new line here. A step reads the tables (or, in the
foundation, the ``ctx.foundation`` frames) of the steps above it.

Each step names its function as ``"module:function"``, imported when the step runs: a build
that finds nothing to do reads the step names and input files only (the source modules that
declare them import pandas and the geometry libraries inside their functions), and answers in
well under a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from etl import build as runner
from etl.build import BuildResult
from etl.config import Paths
from etl.context import BuildStep
from etl.foundation import read
from etl.sources import ditp, fonds_vert, france_relance, published_figures, urssaf

STEPS: tuple[BuildStep, ...] = (
    # the foundation: communes, groupings, territories and their geometry
    BuildStep(
        "Lecture des sources (COG 2026, territoires, ANCT, polygones communaux)",
        "etl.foundation.read:read_sources",
        read.INPUTS,
    ),
    BuildStep(
        "Communes : polygones 2026 et couverture sans chevauchement",
        "etl.foundation.communes:build_communes",
    ),
    # the communes' display geometries are computed on a thread of their own from here on
    BuildStep(
        "Communes : géométries d'affichage (lancées à côté des étapes suivantes)",
        "etl.foundation.display:start_commune_shapes",
    ),
    BuildStep("Membres des territoires", "etl.foundation.members:territory_members"),
    BuildStep(
        "Dissolution : EPCI, EPT, arrondissements, départements, régions, territoires",
        "etl.foundation.dissolve:dissolve_layers",
    ),
    BuildStep(
        "Surfaces (Lambert-93, projections locales outre-mer) et comparaison ANCT",
        "etl.foundation.compare:area_and_overlap",
    ),
    BuildStep(
        "Géométries d'affichage simplifiées (3 niveaux, encarts outre-mer)",
        "etl.foundation.display:display_geometries",
    ),
    BuildStep("Écriture des tables du socle", "etl.foundation.tables:write_tables"),
    # progress toward the programme's goals: each family of indicators replaces its own rows
    BuildStep(
        "Chiffres publiés du programme",
        "etl.sources.published_figures:load",
        (published_figures.FILE,),
    ),
    BuildStep(
        "France Relance : entreprises industrielles bénéficiaires",
        "etl.sources.france_relance:load",
        tuple(v[0] for v in france_relance.FILES.values()),
    ),
    BuildStep(
        "Baromètre DITP : emplois industriels et sites",
        "etl.sources.ditp:load",
        tuple(ditp.FILES.values()),
    ),
    # $TI_URSSAF_FILE (absolute) replaces the mirror sample and takes part in the fingerprint
    BuildStep(
        "Urssaf : établissements et effectifs par commune x APE",
        "etl.sources.urssaf:load",
        urssaf.inputs,
    ),
    BuildStep(
        "Registre des projets : Fonds vert 2024 (PACA)",
        "etl.sources.fonds_vert:load",
        (fonds_vert.FILE,),
    ),
    BuildStep("Registre des projets : registres importés", "etl.registry.store:load_kept"),
    # the redrawn map, from the foundation tables
    BuildStep("Redécoupage 2018 → 2023 (tables)", "etl.redraw:run"),
    # whole display layers encoded once for the browser, from the tables above
    BuildStep("Couches d'affichage encodées (Geobuf, GeoJSON)", "etl.display_layer:write"),
)


def build(
    paths: Paths,
    steps: Sequence[BuildStep] = STEPS,
    *,
    force: bool = False,
    progress=None,
) -> BuildResult:
    """Build the database at ``paths.database`` from ``paths.mirror`` (atomic; does nothing when
    the inputs and the code are unchanged, unless ``force``). See ``etl.build.build``."""
    return runner.build(paths, steps, force=force, progress=progress)


def fingerprint(
    paths: Paths, steps: Sequence[BuildStep] = STEPS, kept: Mapping[str, Path] | None = None
) -> str:
    """The fingerprint a build with ``steps`` would record (see ``etl.build.fingerprint``)."""
    return runner.fingerprint(paths, steps, kept)
