"""The project registry, in three modules whose dependencies flow one way:

- ``schema``: the documented columns, reading a file, the checks of every row (no table);
- ``store``: placing the projects, the ``project`` / ``registry`` tables and their indicators,
  the registry files kept under ``data/processed/inputs`` and the build step that reloads them;
- ``importer``: ``python -m etl import-projects`` (validate, keep, store, atomic swap).

A source that brings projects (``etl.sources.fonds_vert``) uses ``schema`` and ``store`` only.
"""
