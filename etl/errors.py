"""Errors of the ETL layer: each names the file, the row or key, the column and what was expected."""

from __future__ import annotations

from pathlib import Path


class EtlError(Exception):
    """Base class of every error the ETL reports to the user."""


class SourceError(EtlError):
    """A raw input file is missing or does not have the expected form.

    Parameters
    ----------
    path : the file
    message : what is wrong and what was expected
    row : row number (1-based, header excluded) or key (a code, a SIREN) where it was found
    column : the column or field concerned
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.message = message
        where = [f"file {self.path}"]
        if row is not None:
            where.append(f"row {row}" if isinstance(row, int) else f"key {row!r}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


class ValidationError(EtlError):
    """The inputs load but break a rule the database depends on (e.g. a commune in two territories)."""
