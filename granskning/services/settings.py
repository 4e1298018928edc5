"""The partnership's settings: its name, shown on every document (a key/value row each)."""

from __future__ import annotations

from typing import Any

from granskning.documents.style import DEFAULT_PARTNERSHIP
from granskning.domain import events
from granskning.domain.i18n import _
from granskning.domain.text import clean_text
from granskning.storage.model import WebSetting
from granskning.storage.settings import PARTNERSHIP_NAME, read_setting
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

_MAX_NAME = 200


def partnership_name(store: Store) -> str:
    """The partnership's name: the setting, or the default when it is not set."""
    with store.read() as s:
        return read_setting(s, PARTNERSHIP_NAME) or DEFAULT_PARTNERSHIP


@writes
def set_partnership_name(work: Work, name: str) -> str:
    """Set the partnership's name (audited); the documents built from now on carry it."""
    clean = clean_text(name, _("the partnership's name"), _MAX_NAME)
    row = work.session.get(WebSetting, PARTNERSHIP_NAME)
    before = row.value if row is not None else None
    if before == clean:
        return clean
    if row is None:
        row = WebSetting(key=PARTNERSHIP_NAME, value=clean)
    else:
        row.value = clean
    work.session.add(row)
    work.emit(events.SettingChanged(key=PARTNERSHIP_NAME, before=before, after=clean))
    return clean


def show(store: Store) -> dict[str, Any]:
    """Every document setting with its value and whether it is the default."""
    with store.read() as s:
        stored = read_setting(s, PARTNERSHIP_NAME)
    return {
        "partnership_name": stored or DEFAULT_PARTNERSHIP,
        "partnership_name_is_default": stored is None,
    }


__all__ = ["partnership_name", "set_partnership_name", "show"]
