"""Free text from users: one cleaning rule for every command that takes text.

Every text a person types (names, titles, places, reasons, notes, findings, report
texts, checklist comments) goes through :func:`clean_text` before it is stored, so that
what the database holds can always be put into a Word document, a calendar or a
terminal. Line ends of every kind are unified; any other character XML 1.0 or a terminal
cannot take (control characters other than tab and line feed, lone surrogates, U+FFFE and
U+FFFF, DEL and the C1 controls) is refused with one line naming it, and so is a direction
override (U+202E and friends) in a one-line value. One-line fields get their runs of white
space folded into single spaces. The same rules check values that come in whole (an
imported file): :func:`check_line`, :func:`check_text`, :func:`check_email`.

The renderer does not rely on this alone: text already in a database (older versions,
imports) is made safe again by :func:`xml_safe` when a document is made.
"""

from __future__ import annotations

import re
import unicodedata

from granskning.domain.errors import InputError
from granskning.domain.i18n import _

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


def line_breaks(value: str) -> str:
    """``value`` with line breaks of every kind (CR LF, CR, VT, FF, NEL, U+2028/9) as line
    feeds."""
    return _LINE_BREAKS.sub("\n", value)


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
    # line breaks of every kind become line feeds; any other control character is refused
    # (never dropped silently: "Lu\x1bleå" is a mistake to show, not a name to store), and a
    # one-line value holds no direction override either
    text = line_breaks(value)
    if lines:
        check_text(text, what)
    else:
        check_line(text.replace("\n", " ").replace("\t", " "), what)
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


# the explicit directional formatting characters of Unicode's bidirectional algorithm
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _unsafe(ch: str) -> bool:
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs")


def unsafe_character(value: str) -> str | None:
    """The first direction override or control character (ESC, NUL, ...) in ``value``, as
    ``U+XXXX``; None if there is none."""
    for ch in value:
        if _unsafe(ch):
            return f"U+{ord(ch):04X}"
    return None


def visible(value: str) -> str:
    """``value`` with every control character and direction override written as
    ``\\uXXXX``: safe to print on a terminal."""
    if unsafe_character(value) is None:
        return value
    return "".join(f"\\u{ord(ch):04x}" if _unsafe(ch) else ch for ch in value)


def _refuse(found: re.Match[str], what: str) -> InputError:
    return InputError(
        _("{what} contains a control character (U+{code:04X})").format(
            what=what, code=ord(found.group())
        )
    )


def check_line(value: str, what: str, limit: int | None = None) -> str:
    """``value`` if it is one line without control characters or direction overrides (and
    at most ``limit`` characters); else an InputError.

    Direction overrides (U+202E and friends) make a name display as something else; control
    characters such as ESC start terminal escape sequences when the value is printed.
    """
    found = _LINE_CONTROL.search(value)
    if found:
        raise _refuse(found, what)
    bidi = unsafe_character(value)
    if bidi is not None:
        raise InputError(
            _("{what} contains a direction override ({code}); type it without").format(
                what=what, code=bidi
            )
        )
    if limit is not None and len(value) > limit:
        raise InputError(_("{what} is longer than {n} characters").format(what=what, n=limit))
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


ACTOR_LIMIT = 200
"""The longest name of who acts (``--as``, a web account): the audit log's column."""
# names that name nobody: an audit event must say who acted
PLACEHOLDER_ACTORS = frozenset({"nobody", "unknown", "anonymous", "none", "null", "n/a", "-", "?"})


def check_actor(value: str | None, where: str = "--as") -> str:
    """Who acts, as the audit log keeps it: one line naming someone (not "nobody"), at most
    200 characters, no control or direction characters; an InputError says what is wrong."""
    name = " ".join((value or "").split())
    if not name:
        raise InputError(_("{where}: who acts must be named").format(where=where))
    if len(name) > ACTOR_LIMIT:
        raise InputError(
            _("{what} is longer than {n} characters").format(what=where, n=ACTOR_LIMIT)
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in value or ""):
        raise InputError(
            _("{where}: {name!r} holds control or direction characters").format(
                where=where, name=name
            )
        )
    if name.casefold() in PLACEHOLDER_ACTORS:
        raise InputError(
            _("{where}: {name!r} names nobody; give the name of who acts").format(
                where=where, name=name
            )
        )
    return name


__all__ = [
    "ACTOR_LIMIT",
    "check_actor",
    "BIDI_CONTROLS",
    "line_breaks",
    "REASON_LIMIT",
    "check_email",
    "check_line",
    "check_text",
    "clean_optional",
    "clean_text",
    "unsafe_character",
    "visible",
    "xml_safe",
]
