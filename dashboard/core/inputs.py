"""Callback inputs are untrusted: small helpers that keep a value only when it has the expected form."""

from __future__ import annotations

MAX_KEY_LEN = 20


def text(v, max_len: int = MAX_KEY_LEN) -> str | None:
    """``v`` when it is a non-empty string of at most ``max_len`` characters, else None."""
    return v if isinstance(v, str) and 0 < len(v) <= max_len else None


def choice(v, allowed, default):
    """``v`` when it is one of ``allowed`` (a string), else ``default``."""
    return v if isinstance(v, str) and v in allowed else default
