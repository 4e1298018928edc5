"""Names of people and municipalities: how they compare, where a text mentions one, and
the registry's rules about them, as functions from facts to reasons.

The registry refuses a second municipality of the same name and, unless told otherwise, a
second person of the same name at one municipality; forgetting a person finds their name in
free text and puts a pseudonym in its place. Nothing here touches storage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from granskning.domain.i18n import _


def name_key(name: str) -> str:
    """The form municipality names are compared in: spaces folded, case folded."""
    return " ".join(name.split()).casefold()


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two names are the same, ignoring case and spacing."""
    return a is not None and b is not None and name_key(a) == name_key(b) != ""


def name_pattern(name: str) -> re.Pattern[str]:
    """A pattern finding ``name`` as whole words, any case, any spacing between words."""
    words = name.split()
    return re.compile(
        r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE
    )


def mentions(text: str | None, name: str) -> bool:
    """Whether ``text`` mentions ``name`` (see :func:`name_pattern`)."""
    return bool(text) and bool(name.split()) and name_pattern(name).search(text or "") is not None


def mentions_any(text: str | None, needles: Sequence[str]) -> bool:
    """Whether ``text`` mentions one of ``needles`` (names, e-mail addresses)."""
    return any(mentions(text, n) for n in needles if n)


def replace_name(text: str, name: str, pseudonym: str) -> str:
    """``text`` with every mention of ``name`` replaced by ``pseudonym``."""
    if not name.split():
        return text
    return name_pattern(name).sub(pseudonym, text)


def pseudonym(uid: str) -> str:
    """The pseudonym of a forgotten person: random (from their uid), never from the name."""
    return f"Person {uid[:8].upper()}"


# -- the registry's rules ----------------------------------------------------------------------


def key_length_reasons(what: str, name: str, limit: int) -> list[str]:
    """Why ``name`` is too long once compared (casefolding can lengthen it: "ß" -> "ss")."""
    if len(name_key(name)) <= limit:
        return []
    return [_("{what} is longer than {n} characters").format(what=what, n=limit)]


def municipality_taken_reasons(name: str, other: Any) -> list[str]:
    """Why no (other) municipality can be called ``name``: ``other`` already is."""
    if other is None:
        return []
    return [_("municipality {name} already exists (id {id})").format(name=name, id=other)]


def namesake_reasons(municipality: str, name: str, same: Sequence[Any]) -> list[str]:
    """Why someone called ``name`` is likely entered twice: ``same`` people of the
    municipality are called so (registered anyway with --allow-duplicate)."""
    if not same:
        return []
    return [
        _(
            "{municipality} already has a person called {name} (person {ids}); if this "
            "is someone else, give --allow-duplicate"
        ).format(municipality=municipality, name=name, ids=", ".join(str(i) for i in same))
    ]


def forgotten_reasons(person: Any, forgotten: object) -> list[str]:
    """Why a person's identity cannot be edited: they were forgotten."""
    if forgotten is None:
        return []
    return [
        _("person {id} has been forgotten; their identity is not to be restored").format(id=person)
    ]


__all__ = [
    "forgotten_reasons",
    "key_length_reasons",
    "mentions",
    "mentions_any",
    "municipality_taken_reasons",
    "name_key",
    "name_pattern",
    "namesake_reasons",
    "pseudonym",
    "replace_name",
    "same_name",
]
