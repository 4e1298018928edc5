"""The rules of a block's findings, as functions from facts to reasons.

A block of the report has strengths and development areas, or an explicit "no findings"
mark, never both. Each rule takes plain facts (a block's findings as (id, kind) pairs) and
returns why they break it (an empty list when they do not), in the reader's language.
Nothing here touches storage.
"""

from __future__ import annotations

from collections.abc import Sequence

from granskning.domain.enums import FindingKind
from granskning.domain.i18n import _

NONE = FindingKind.none.value


def add_reasons(block: str, existing: Sequence[tuple[int | None, str]]) -> list[str]:
    """Why a strength or development area cannot be added to ``block``: it is marked
    "no findings".

    :param existing: the block's findings as (id, kind).
    """
    for ident, kind in existing:
        if kind == NONE:
            return [
                _(
                    'block {block} is marked "no findings" (finding {id}); '
                    "remove that first: finding remove {id}"
                ).format(block=block, id=ident)
            ]
    return []


def mark_none_reasons(block: str, existing: Sequence[tuple[int | None, str]]) -> list[str]:
    """Why ``block`` cannot be marked "no findings": it is already, or it has findings.

    :param existing: the block's findings as (id, kind).
    """
    if any(kind == NONE for _ident, kind in existing):
        return [_('block {block} is already marked "no findings"').format(block=block)]
    if existing:
        return [
            _(
                "block {block} already has {n} finding(s); remove them first to mark it "
                '"no findings"'
            ).format(block=block, n=len(existing))
        ]
    return []


def edit_reasons(finding: int | None, kind: str) -> list[str]:
    """Why the text of ``finding`` cannot be changed: a "no findings" mark has none."""
    if kind == NONE:
        return [_('finding {id} is a "no findings" mark and has no text').format(id=finding)]
    return []


__all__ = ["add_reasons", "edit_reasons", "mark_none_reasons"]
