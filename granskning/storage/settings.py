"""Reading the key/value settings every part of granskning shares (``web_setting``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from granskning.storage.model import AuditEvent, WebSetting

# The partnership's name, shown on every document's cover and as its author.
PARTNERSHIP_NAME = "partnership_name"
# The partnership's logo on the covers: the setting holds the key of the row that holds the
# image (base64), "logo:" and the start of its SHA-256, so that each logo ever set stays
# readable and a handed-over document is rebuilt with the logo it was made with.
LOGO = "logo"
LOGO_ALT = "logo_alt"
LOGO_PREFIX = "logo:"


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


def setting_then(session: Session, key: str, as_of: datetime | None) -> str | None:
    """The value of ``key`` now (``as_of`` None) or as it was at ``as_of``."""
    return read_setting(session, key) if as_of is None else setting_at(session, key, as_of)


def read_logo(session: Session, as_of: datetime | None = None) -> tuple[bytes, str] | None:
    """The partnership's logo and its alt text (now, or as they were at ``as_of``), or None."""
    import base64

    key = setting_then(session, LOGO, as_of)
    data = read_setting(session, key) if key else None
    if not data:
        return None
    return base64.b64decode(data), setting_then(session, LOGO_ALT, as_of) or ""


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


__all__ = [
    "LOGO",
    "LOGO_ALT",
    "LOGO_PREFIX",
    "PARTNERSHIP_NAME",
    "read_logo",
    "read_setting",
    "setting_at",
    "setting_then",
]
