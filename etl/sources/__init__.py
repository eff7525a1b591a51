"""One module per raw source, each with the same small interface:

``FILES`` (paths relative to the mirror), ``LICENCE``, ``VINTAGE`` and ``read(mirror)``, which
extracts and validates the files and returns plain DataFrames. ``read`` raises
``etl.errors.SourceError`` naming the file, row or key and column of the first bad value.
"""
