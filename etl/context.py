"""What every build step receives: the :class:`BuildContext`, and the :class:`BuildStep` record.

A step is a function ``run(ctx)`` that adds tables to ``ctx.db`` (the database being built),
records its checks with ``ctx.check(...)`` and the files it read in ``ctx.files``. The steps of
the foundation hand in-memory frames to the next ones through ``ctx.foundation`` (a
:class:`Foundation`); every later step reads the tables the earlier ones wrote.

The steps and their order are listed in ``etl.pipeline.STEPS``; nothing registers itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from etl.config import Paths
from etl.db import Database
from etl.errors import EtlError
from etl.readers import SourceFile

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from etl.sources.anct_admin import AnctAdmin
    from etl.sources.cog import Cog
    from etl.sources.territories import Wave


@dataclass(frozen=True)
class BuildStep:
    """One step of the build.

    Parameters
    ----------
    name : the label the CLI prints with the step's time (French, as the rest of the CLI)
    target : ``run(ctx)``, adds tables to ``ctx.db``; or where to find it, ``"module:function"``,
        imported when the step runs (a build that finds nothing to do imports no step module,
        nor pandas or the geometry libraries they need)
    inputs : mirror-relative paths (or absolute ones) the step reads, hashed into the build's
        fingerprint; a function returning them when they depend on the environment
    """

    name: str
    target: Callable[[BuildContext], None] | str
    inputs: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()

    @property
    def run(self) -> Callable[[BuildContext], None]:
        """The step's function (imported now when ``target`` names it)."""
        if callable(self.target):
            return self.target
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)

    def input_files(self) -> tuple[str, ...]:
        """The files the step reads, resolved now (see ``inputs``)."""
        return tuple(self.inputs()) if callable(self.inputs) else self.inputs


@dataclass
class Foundation:
    """The frames the foundation steps hand to each other in memory, each set by one step
    (``None`` until that step has run). CRS: WGS84 (EPSG:4326) for every geometry.
    """

    # read_sources: the raw sources, checked
    cog: Cog | None = None
    waves: list[Wave] | None = None  # 2018, then 2023
    anct: AnctAdmin | None = None  # the ANCT reference polygons
    polygons: gpd.GeoDataFrame | None = None  # commune polygons as read (COM, COMD ...), repaired
    # communes: one row per 2026 commune, its polygon in a clean coverage, EPCI/EPT and area
    communes: gpd.GeoDataFrame | None = None
    # territory_members: members with their kind, and the communes of each territory
    territory_member: pd.DataFrame | None = None  # wave, territory_id, siren, kind, name ...
    territory_commune: pd.DataFrame | None = None  # wave, territory_id, commune_code
    # dissolve_layers: one frame per layer (epci, ept, arrondissement, departement, region,
    # territory_<wave>), index = key; population, n_communes, main_departement, geometry;
    # area_and_overlap adds area_km2 and anct_overlap
    layers: dict[str, gpd.GeoDataFrame] | None = None
    # start_commune_shapes: the overseas extents the insets are built with, and the communes'
    # rows of ``shape`` being computed on a thread of their own
    extents: dict[str, tuple[float, float, float, float]] | None = None
    commune_shapes: Future[pd.DataFrame] | None = None
    # display_geometries: the ``shape`` table
    shape: pd.DataFrame | None = None

    def need(self, *names: str) -> None:
        """Raise when a field a step needs has not been computed (a step run out of order)."""
        known = {f.name for f in fields(self)}
        missing = [n for n in names if n not in known or getattr(self, n) is None]
        if missing:
            raise EtlError(
                f"build step out of order: {', '.join(missing)} not computed yet "
                f"(see the order of etl.pipeline.STEPS)"
            )


@dataclass
class BuildContext:
    """The database being built and what the steps record about it."""

    paths: Paths
    db: Database
    checks: list[dict] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    foundation: Foundation = field(default_factory=Foundation)

    def check(
        self,
        check: str,
        subject: str,
        value: float | int | None,
        detail: str = "",
        severity: str = "info",
    ) -> None:
        """Add a line to the validation report (``severity``: info, warning or error)."""
        self.checks.append(
            {
                "check": check,
                "subject": subject,
                "value": value,
                "detail": detail,
                "severity": severity,
            }
        )
