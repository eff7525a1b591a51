"""The project registry, in two modules whose dependency flows one way (``store`` -> ``schema``):

- ``schema``: the documented columns, reading a file, the checks of every row (no table);
- ``store``: placing the projects, the ``project`` / ``registry`` tables and their indicators,
  the registry files kept under ``data/processed/inputs`` and the build step that reloads them.

A source that brings projects (``etl.sources.fonds_vert``), the demonstration registry
(``etl.demo``) and the importer (``etl.registry_import``, ``python -m etl import-projects``) use
them. The importer stands outside this package: it refreshes the stored fingerprint through
``etl.pipeline``, which lists the build step of ``store``.
"""
