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
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "granskning"
CLICK_DOMAIN = "click"  # click's own messages, kept in a catalog of their own
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_current: _gettext.NullTranslations | None = None
_language = DEFAULT_LANGUAGE
# A language for this context only (a web request, a document being written), over the
# process's own: requests served side by side each speak their reader's language.
_local: ContextVar[tuple[str, _gettext.NullTranslations] | None] = ContextVar(
    "granskning_language", default=None
)
_catalogs: dict[str, _gettext.NullTranslations] = {}


def _translation(lang: str) -> _gettext.NullTranslations:
    if lang not in _catalogs:
        _catalogs[lang] = _gettext.translation(
            DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True
        )
    return _catalogs[lang]


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
    _current = _translation(chosen)
    # Click looks its messages up through the stdlib's global domain: point it at our
    # translation of click's messages.
    _gettext.bindtextdomain(CLICK_DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = chosen
    return chosen


def get_language() -> str:
    """The language messages are shown in now."""
    local = _local.get()
    if local is not None:
        return local[0]
    if _current is None:
        set_language(None)
    return _language


@contextmanager
def speaking(lang: str) -> Iterator[str]:
    """Messages in ``lang`` for the length of the block, then back: a document is written in
    its own language (the review's, the round's), whatever ``--lang`` the messages follow."""
    chosen = lang.lower() if lang.lower() in LANGUAGES else DEFAULT_LANGUAGE
    token = _local.set((chosen, _translation(chosen)))
    try:
        yield chosen
    finally:
        _local.reset(token)


def _active() -> _gettext.NullTranslations:
    local = _local.get()
    if local is not None:
        return local[1]
    if _current is None:
        set_language(None)
    assert _current is not None
    return _current


def gettext(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form."""
    return _active().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (help texts, tables)."""
    return message


_ = gettext
