"""Free text from users: one cleaning rule for every command that takes text.

Every text a person types (names, titles, places, reasons, notes, findings, report
texts, checklist comments) goes through :func:`clean_text` before it is stored, so that
what the database holds can always be put into a Word document, a calendar or a
terminal. Characters XML 1.0 cannot hold (control characters other than tab and line
feed, lone surrogates, U+FFFE and U+FFFF) are removed, line ends are unified, and
one-line fields get their runs of white space folded into single spaces.

The renderer does not rely on this alone: text already in a database (older versions,
imports) is made safe again by :func:`xml_safe` when a document is made.
"""

from __future__ import annotations

import re

from granskning.errors import InputError
from granskning.i18n import _

REASON_LIMIT = 2_000
"""The longest reason (for cancelling, reopening) a person may give."""

# What XML 1.0 (and so Word) cannot hold. Carriage returns are legal but a parser turns
# them into line feeds, so they are unified before this applies.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What no typed text needs: the same, and DEL and the C1 controls (U+0080-U+009F), which
# terminals obey and which only arrive by mistake (a pasted escape sequence, a bad encoding).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Line separators some programs paste: vertical tab and form feed (Word's line and page
# breaks in plain text), NEL, and Unicode's line and paragraph separators.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def xml_safe(text: str) -> str:
    """``text`` as an XML document can hold it: line ends unified, illegal characters removed.

    Text that holds none of those characters comes back unchanged.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def clean_text(value: str, what: str, limit: int, *, lines: bool = False) -> str:
    """``value`` tidied for storing; an InputError if it is empty or longer than ``limit``.

    :param what: how the text is called in messages ("the finding", "--place").
    :param limit: the most characters allowed after cleaning.
    :param lines: keep line breaks (notes, findings, report texts): trailing spaces and
        white space at either end go. Otherwise all white space becomes single spaces.
    """
    text = clean_optional(value, what, limit, lines=lines)
    if not text:
        raise InputError(_("{what} must not be empty").format(what=what))
    return text


def clean_optional(value: str | None, what: str, limit: int, *, lines: bool = False) -> str:
    """Like :func:`clean_text`, but empty (or None) is allowed and gives ``""``."""
    if value is None:
        return ""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", value))
    if lines:
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    else:
        text = " ".join(text.split())
    if len(text) > limit:
        raise InputError(
            _("{what} is longer than {n} characters").format(what=what, n=f"{limit:,}")
        )
    return text


# -- checks: what a stored text may hold, for values that come in whole (an imported file)
# and for those a command has cleaned (where they then always pass)

# A one-line value (a name, a title, a place, an e-mail address) holds no control character
# at all; a text (a note, a finding, a comment) may hold line breaks and tabs besides.
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
EMAIL_LIMIT = 320
# no white space, no control character, no character that quotes or separates in a header
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
    found = _CONTROL.search(value)
    if found:
        raise _refuse(found, what)
    return value


def check_email(value: str) -> str:
    """The address, stripped, if it is one ``local@domain`` of at most 320 characters that
    cannot break the line it is written on (a calendar's ``ATTENDEE``, a mail header)."""
    email = value.strip()
    if len(email) > EMAIL_LIMIT or not _EMAIL.fullmatch(email):
        raise InputError(_("not an e-mail address: {email}").format(email=_visible(email)))
    return email


def _visible(value: str) -> str:
    """``value`` with control characters shown as escapes (safe to print on one line)."""
    shown = _LINE_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


__all__ = [
    "REASON_LIMIT",
    "check_email",
    "check_line",
    "check_text",
    "clean_optional",
    "clean_text",
    "xml_safe",
]
