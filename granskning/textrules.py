"""Rules every stored text follows, whoever writes it: a command or an imported file.

A single-line value (a name, a title, a place, an e-mail address) holds no control
characters at all; a text (a note, a finding, a comment) may hold line breaks and tabs but
no other control characters (escape sequences, NUL, form feeds, C1 controls). An e-mail
address is one ``local@domain`` with nothing that could break the line it is written on
(a calendar's ``ATTENDEE``, a mail header).
"""

from __future__ import annotations

import re

from granskning.errors import InputError
from granskning.i18n import _

# C0 and C1 controls and DEL; a text keeps tab, line feed and carriage return
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EMAIL_LIMIT = 320
# no whitespace, no control character, no character that quotes or separates in a header
_EMAIL = re.compile(
    r"[^\s@\"(),:;<>\[\]\\\x00-\x1f\x7f-\x9f]+@[^\s@\"(),:;<>\[\]\\\x00-\x1f\x7f-\x9f]+"
)


def _refuse(found: re.Match[str], what: str) -> InputError:
    return InputError(
        _("{what} contains a control character (U+{code:04X})").format(
            what=what, code=ord(found.group())
        )
    )


def check_line(value: str, what: str) -> str:
    """``value`` if it holds no control character (a single-line value); else an InputError."""
    found = _LINE_CONTROL.search(value)
    if found:
        raise _refuse(found, what)
    return value


def check_text(value: str, what: str) -> str:
    """``value`` if it holds no control character but line breaks and tabs; else an InputError."""
    found = _TEXT_CONTROL.search(value)
    if found:
        raise _refuse(found, what)
    return value


def check_email(value: str) -> str:
    """The address, stripped, if it is one ``local@domain`` of at most 320 characters."""
    email = value.strip()
    if len(email) > EMAIL_LIMIT or not _EMAIL.fullmatch(email):
        raise InputError(_("not an e-mail address: {email}").format(email=_visible(email)))
    return email


def _visible(value: str) -> str:
    """``value`` with control characters shown as escapes (safe to print on one line)."""
    shown = _LINE_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
