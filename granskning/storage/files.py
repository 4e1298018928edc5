"""Reading an input file, with the one message for a file that cannot be read."""

from __future__ import annotations

from pathlib import Path

from granskning.domain.errors import InputError
from granskning.domain.i18n import _


def read_input(path: str | Path, limit: int = -1) -> bytes:
    """The bytes of ``path`` (at most ``limit``); an InputError if it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(limit)
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({error})").format(path=path, error=exc.strerror)
        ) from None
