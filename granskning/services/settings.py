"""The partnership's settings: its name, shown on every document (a key/value row each)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from granskning.documents.logo import MAX_BYTES, check_logo, image_size
from granskning.documents.style import DEFAULT_PARTNERSHIP
from granskning.domain import events
from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.domain.text import clean_text
from granskning.storage.model import WebSetting
from granskning.storage.settings import (
    LOGO,
    LOGO_ALT,
    LOGO_PREFIX,
    PARTNERSHIP_NAME,
    read_logo,
    read_setting,
)
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

_MAX_NAME = 200
_MAX_ALT = 250


def partnership_name(store: Store) -> str:
    """The partnership's name: the setting, or the default when it is not set."""
    with store.read() as s:
        return read_setting(s, PARTNERSHIP_NAME) or DEFAULT_PARTNERSHIP


def _set(work: Work, key: str, value: str) -> None:
    """Store ``value`` under ``key``, audited; the same value again changes nothing."""
    row = work.session.get(WebSetting, key)
    before = row.value if row is not None else None
    if before == value:
        return
    if row is None:
        row = WebSetting(key=key, value=value)
    else:
        row.value = value
    work.session.add(row)
    work.emit(events.SettingChanged(key=key, before=before, after=value))


@writes
def set_partnership_name(work: Work, name: str) -> str:
    """Set the partnership's name (audited); the documents built from now on carry it."""
    clean = clean_text(name, _("the partnership's name"), _MAX_NAME)
    _set(work, PARTNERSHIP_NAME, clean)
    return clean


def read_logo_file(path: Path) -> bytes:
    """A logo file's bytes, checked (PNG or JPEG, at most 1 MB), or a one-line InputError."""
    if not path.is_file():
        raise InputError(_("{path}: no such file").format(path=path))
    with path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    check_logo(data, str(path))
    return data


@writes
def set_logo(work: Work, data: bytes, alt: str | None = None) -> str:
    """Set the partnership's logo (checked image bytes), shown on the documents' covers.

    Each image is kept under a key of its own, so a handed-over document is rebuilt with the
    logo it was made with; the setting (audited) names the current one. ``alt``: its alt
    text (default: kept, or the partnership's name). Empty ``data`` removes the logo.
    """
    if not data:
        _set(work, LOGO, "")
        return ""
    check_logo(data, _("the logo"))
    key = LOGO_PREFIX + hashlib.sha256(data).hexdigest()[:40]
    if work.session.get(WebSetting, key) is None:
        work.session.add(WebSetting(key=key, value=base64.b64encode(data).decode("ascii")))
    _set(work, LOGO, key)
    if alt is not None:
        set_logo_alt(work, alt)
    elif not read_setting(work.session, LOGO_ALT):
        name = read_setting(work.session, PARTNERSHIP_NAME) or DEFAULT_PARTNERSHIP
        _set(work, LOGO_ALT, name)
    return key


@writes
def set_logo_alt(work: Work, alt: str) -> str:
    """Set the logo's alt text: what a screen reader says for it (the organisation's name)."""
    clean = clean_text(alt, _("the logo's alt text"), _MAX_ALT)
    _set(work, LOGO_ALT, clean)
    return clean


def show(store: Store) -> dict[str, Any]:
    """Every document setting with its value and whether it is the default."""
    with store.read() as s:
        stored = read_setting(s, PARTNERSHIP_NAME)
        logo = read_logo(s)
    shown: dict[str, Any] = {
        "partnership_name": stored or DEFAULT_PARTNERSHIP,
        "partnership_name_is_default": stored is None,
        "logo": None,
        "logo_alt": None,
    }
    if logo is not None:
        width, height = image_size(logo[0])
        shown["logo"] = {"bytes": len(logo[0]), "width": width, "height": height}
        shown["logo_alt"] = logo[1]
    return shown


__all__ = [
    "partnership_name",
    "read_logo_file",
    "set_logo",
    "set_logo_alt",
    "set_partnership_name",
    "show",
]
