"""Full-text search across reviews and rounds: notes, findings, recommendations, report
texts and checklist items, ranked, each hit with where it belongs and a marked snippet.

The index (migration 0009) follows every write in the same transaction; :func:`reindex`
builds it again. The command line sees everything; the web passes a :class:`Viewer`, who
sees the notes and drafts of the reviews they are on as a team member, and, as a host
contact, the handed-over material (no notes) of their municipality's reviews.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from granskning.domain import search as syntax
from granskning.domain.access import Do, Viewer, may
from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.domain.templates import Template, from_pinned
from granskning.domain.workflow import FROZEN_STATES
from granskning.services.registry import municipality_by_name
from granskning.storage import search as index
from granskning.storage.model import Assignment, Municipality, Review, Round
from granskning.storage.queries import get
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

KINDS = index.KINDS
LIMIT_MAX = 500
# the marks around a matched word in ``snippet`` (see :func:`marked`)
START, STOP = index.START, index.STOP


@dataclass(frozen=True)
class Scope:
    """What a search is narrowed to (None: not narrowed)."""

    round_id: int | None = None
    municipality: str | None = None
    group: str | None = None
    block: str | None = None
    kind: str | None = None


def _kinds(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return KINDS
    if kind not in KINDS:
        raise InputError(
            _("unknown kind {kind} (one of: {kinds})").format(kind=kind, kinds=", ".join(KINDS))
        )
    return (kind,)


# pinned templates by SHA-256: a pinned text never changes, and there are few of them
_PINNED: dict[str, Template] = {}


def _templates(s: Session, shas: Iterable[str]) -> dict[str, Template]:
    """The pinned templates stored under ``shas``, read and parsed once each."""
    for sha in set(shas) - set(_PINNED):
        content = s.exec(
            select(Review.template_content).where(Review.template_sha256 == sha).limit(1)
        ).one()
        _PINNED[sha] = from_pinned(content)
    return {sha: _PINNED[sha] for sha in shas}


def _block_questions(s: Session, block: str) -> dict[str, list[str]]:
    """For each pinned template: the question ids of ``block`` (a note has a question, the
    question a block)."""
    shas = s.exec(select(Review.template_sha256).distinct()).all()
    out = {}
    for sha, template in _templates(s, shas).items():
        for b in template.blocks:
            if b.id == block:
                out[sha] = [q.id for q in b.questions]
    return out


def _visible(s: Session, viewer: Viewer | None) -> tuple[list[int] | None, list[int]]:
    """The reviews whose notes ``viewer`` may see (None: all), and those whose handed-over
    material (no notes) they may see besides."""
    if viewer is None or viewer.coordinator:
        return None, []
    roles: dict[int, set[str]] = {}
    for rid, role in s.exec(
        select(Assignment.review_id, Assignment.role).where(
            Assignment.person_id == viewer.person_id
        )
    ).all():
        roles.setdefault(rid, set()).add(role)
    full = sorted(r for r, held in roles.items() if may(viewer, held, Do.see_notes))
    hosted = [
        r
        for r, held in roles.items()
        if r not in full
        and (may(viewer, held, Do.see_report) or may(viewer, held, Do.see_checklist))
    ]
    handed = s.exec(
        select(Review.id).where(
            col(Review.id).in_(hosted), col(Review.state).in_([x.value for x in FROZEN_STATES])
        )
    ).all()
    return full, sorted(int(r) for r in handed if r is not None)


def _filters(s: Session, scope: Scope, viewer: Viewer | None) -> index.Filters:
    if scope.round_id is not None:
        get(s, Round, scope.round_id)
    host = municipality_by_name(s, scope.municipality) if scope.municipality else None
    full, handed = _visible(s, viewer)
    return index.Filters(
        kinds=_kinds(scope.kind),
        round_id=scope.round_id,
        host_id=host.id if host else None,
        group=scope.group,
        block=scope.block,
        block_questions=_block_questions(s, scope.block) if scope.block else {},
        full=full,
        handed=handed,
    )


def search(
    store: Store,
    query: str,
    scope: Scope | None = None,
    *,
    limit: int = 20,
    viewer: Viewer | None = None,
) -> list[dict[str, Any]]:
    """The hits of ``query`` (see :mod:`granskning.domain.search` for the syntax), best
    first: each with its kind, review, municipality, round, group, question or block, and a
    snippet whose matches are between :data:`START` and :data:`STOP`.

    :param viewer: who asks (the web); None sees everything (the command line).
    :raises InputError: a query that cannot be read, an unknown round, municipality or kind.
    """
    if not 1 <= limit <= LIMIT_MAX:
        raise InputError(_("--limit must be between 1 and {n}").format(n=LIMIT_MAX))
    tree = syntax.parse(query)
    scope = scope or Scope()
    with store.read() as s:
        filters = _filters(s, scope, viewer)
        match = syntax.fts5(tree) if store.is_sqlite else syntax.tsquery(tree)
        hits = index.search(s, match, filters, limit)
        return _described(s, hits)


def _described(s: Session, hits: list[index.Hit]) -> list[dict[str, Any]]:
    """The hits as JSON, with their review's municipality and round, and each note's block."""
    ids = sorted({h.review_id for h in hits})
    reviews = {
        int(rid): (name, round_id, year, sha)
        for rid, name, round_id, year, sha in s.exec(
            select(  # type: ignore[call-overload]
                Review.id, Municipality.name, Review.round_id, Round.year, Review.template_sha256
            )
            .join(Municipality, col(Municipality.id) == Review.host_id)
            .outerjoin(Round, col(Round.id) == Review.round_id)
            .where(col(Review.id).in_(ids))
        ).all()
    }
    notes = {reviews[h.review_id][3] for h in hits if h.kind == "note" and h.question}
    templates = _templates(s, notes)
    out = []
    for h in hits:
        name, round_id, year, sha = reviews[h.review_id]
        block = h.block
        if h.kind == "note" and h.question:
            block = _block_of(templates[sha], h.question)
        out.append(
            {
                "kind": h.kind,
                "id": h.ref if h.kind != "text" else None,
                "review": h.review_id,
                "municipality": name,
                "round": round_id,
                "year": year,
                "interview": h.interview_id,
                "group": h.group,
                "question": h.question,
                "block": block,
                "section": h.section,
                "snippet": h.snippet,
                "score": round(h.score, 6),
            }
        )
    return out


def _block_of(template: Template, question: str) -> str | None:
    for b in template.blocks:
        if any(q.id == question for q in b.questions):
            return b.id
    return None


def marked(snippet: str, start: str, stop: str) -> str:
    """A snippet with its match marks replaced by ``start`` and ``stop``."""
    return snippet.replace(START, start).replace(STOP, stop)


@writes
def reindex(work: Work) -> dict[str, int]:
    """Build the search index again from the stored texts; returns the rows indexed per kind."""
    return index.rebuild(work.session)


def index_size(store: Store) -> dict[str, Any]:
    """The index's size in bytes and its rows per kind."""
    with store.read() as s:
        size = index.index_size(s)
    return {"bytes": size.bytes, "rows": size.rows}


__all__ = ["KINDS", "START", "STOP", "Scope", "index_size", "marked", "reindex", "search"]
