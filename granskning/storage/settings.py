"""Reading the key/value settings every part of granskning shares (``web_setting``)."""

from __future__ import annotations

from sqlmodel import Session

from granskning.storage.model import WebSetting

# The partnership's name, shown on every document's cover and as its author.
PARTNERSHIP_NAME = "partnership_name"


def read_setting(session: Session, key: str) -> str | None:
    """The stored value of ``key``, or None when it is not set."""
    row = session.get(WebSetting, key)
    return row.value if row is not None else None


__all__ = ["PARTNERSHIP_NAME", "read_setting"]
