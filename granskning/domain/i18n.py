"""Gettext for user-facing text: Swedish by default, English on request.

Messages are written in English in the code and looked up at the moment they are shown,
so the language can be chosen after import (``--lang en``). Click's own messages
("Usage:", "Error:") go through the same catalog.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "granskning"
CLICK_DOMAIN = "click"  # click's own messages, kept in a catalog of their own
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_current: _gettext.NullTranslations | None = None
_language = DEFAULT_LANGUAGE


def language_from_env(environ: dict[str, str] | None = None) -> str:
    """The language the environment asks for: ``GRANSKNING_LANG``, then an English locale."""
    env = os.environ if environ is None else environ
    explicit = env.get("GRANSKNING_LANG", "").strip().lower()
    if explicit in LANGUAGES:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def set_language(lang: str | None) -> str:
    """Switch every later message to ``lang`` (``sv`` or ``en``; None: from the environment)."""
    global _current, _language
    chosen = (lang or language_from_env()).lower()
    if chosen not in LANGUAGES:
        chosen = DEFAULT_LANGUAGE
    _language = chosen
    _current = _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[chosen], fallback=True
    )
    # Click looks its messages up through the stdlib's global domain: point it at our
    # translation of click's messages.
    _gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = chosen
    return chosen


def get_language() -> str:
    """The language messages are shown in now."""
    if _current is None:
        set_language(None)
    return _language


@contextmanager
def speaking(lang: str) -> Iterator[str]:
    """Messages in ``lang`` for the length of the block, then back: a document is written in
    its own language (the review's, the round's), whatever ``--lang`` the messages follow."""
    before = get_language()
    set_language(lang)
    try:
        yield lang
    finally:
        set_language(before)


def gettext(message: str) -> str:
    """Translate ``message`` into the current language."""
    if _current is None:
        set_language(None)
    assert _current is not None
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form."""
    if _current is None:
        set_language(None)
    assert _current is not None
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (help texts, tables)."""
    return message


_ = gettext
