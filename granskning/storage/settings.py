"""Reading the key/value settings every part of granskning shares (``web_setting``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from granskning.storage.model import AuditEvent, WebSetting

# The partnership's name, shown on every document's cover and as its author.
PARTNERSHIP_NAME = "partnership_name"


def read_setting(session: Session, key: str) -> str | None:
    """The stored value of ``key``, or None when it is not set."""
    row = session.get(WebSetting, key)
    return row.value if row is not None else None


def setting_at(session: Session, key: str, at: datetime) -> str | None:
    """The value ``key`` had at ``at``: the stored one with the changes audited since undone.

    A handed-over document is rebuilt as it was (``review verify``) even after the setting
    changed.
    """
    value = read_setting(session, key)
    changes = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == "setting", AuditEvent.action == "set")
        .order_by(col(AuditEvent.id).desc())
    ).all()
    for change in changes:
        data = json.loads(change.data)
        if data.get("key") != key:
            continue
        if _utc(change.at) <= _utc(at):
            break
        value = data.get("before")
    return value


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


__all__ = ["PARTNERSHIP_NAME", "read_setting", "setting_at"]
