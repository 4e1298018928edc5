"""Checks on one-line text from users: the length limits of the columns, and no characters
that spoof or attack a terminal.

Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) make a name display as
something else ("Gävle\u202eelväG"); control characters such as ESC start terminal escape
sequences when a name or the acting user is printed. Both are refused where a name or an
actor comes in.
"""

from __future__ import annotations

import unicodedata

from granskning.errors import InputError
from granskning.i18n import _

# the explicit directional formatting characters of Unicode's bidirectional algorithm
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def unsafe_character(value: str) -> str | None:
    """The first bidirectional control or control character (ESC, NUL, ...) in ``value``,
    as ``U+XXXX``; None if there is none."""
    for ch in value:
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs"):
            return f"U+{ord(ch):04X}"
    return None


def visible(value: str) -> str:
    """``value`` with every control and bidirectional character written as ``\\uXXXX``, safe
    to print on a terminal."""
    if unsafe_character(value) is None:
        return value
    return "".join(
        f"\\u{ord(ch):04x}"
        if ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs")
        else ch
        for ch in value
    )


def check_line(value: str, what: str, limit: int) -> str:
    """``value`` unchanged if it is a line of at most ``limit`` characters without control
    or bidirectional characters; an InputError naming ``what`` otherwise."""
    found = unsafe_character(value)
    if found is not None:
        raise InputError(
            _(
                "{what} contains the control character {char} (a terminal escape or a "
                "direction override); type it without"
            ).format(what=what, char=found)
        )
    if len(value) > limit:
        raise InputError(_("{what} is longer than {n} characters").format(what=what, n=limit))
    return value


__all__ = ["BIDI_CONTROLS", "check_line", "unsafe_character", "visible"]
