"""Lookups that every layer above storage shares: a record by id, or one clear line;
the facts the life cycle's guards judge a review by.

A front end, a service and a document builder that need "the review with this id" all
ask here, so the lookup and its message exist once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from granskning.domain import templates
from granskning.domain.errors import NotFoundError
from granskning.domain.i18n import _
from granskning.domain.workflow import Booking, InterviewFacts, ReviewFacts
from granskning.storage.model import (
    Assignment,
    AuditEvent,
    Finding,
    FollowUpItem,
    Interview,
    InterviewState,
    Note,
    Person,
    Recommendation,
    ReportText,
    Review,
    ReviewState,
    Role,
    Round,
    SessionEvent,
)

T = TypeVar("T")
M = TypeVar("M", bound=SQLModel)
E = TypeVar("E", AuditEvent, SessionEvent)


# "X does not exist": the message of a failed lookup, per table.
_MISSING: dict[type[Any], Callable[[Any], str]] = {
    Review: lambda ident: _("review {id} does not exist").format(id=ident),
    Interview: lambda ident: _("interview {id} does not exist").format(id=ident),
    Person: lambda ident: _("person {id} does not exist").format(id=ident),
    Note: lambda ident: _("note {id} does not exist").format(id=ident),
    Round: lambda ident: _("round {id} does not exist").format(id=ident),
    Finding: lambda ident: _("finding {id} does not exist").format(id=ident),
    Recommendation: lambda ident: _("recommendation {id} does not exist").format(id=ident),
}


def get(session: Session, model: type[T], ident: Any) -> T:
    """The row of ``model`` with primary key ``ident``, or a NotFoundError in one line."""
    row = session.get(model, ident)
    if row is None:
        raise NotFoundError(_MISSING[model](ident))
    return row


def ordered_rows(session: Session, model: type[M], where: Any, *order: Any) -> list[M]:
    """The rows of ``model`` where ``where`` holds, in ``order``."""
    return list(session.exec(select(model).where(where).order_by(*order)).all())


def in_time_order(session: Session, model: type[E], where: Any) -> list[E]:
    """The events of ``model`` where ``where`` holds, oldest first (ties by id)."""
    return ordered_rows(session, model, where, col(model.at), col(model.id))


def get_review(session: Session, review_id: int) -> Review:
    """The review with ``review_id``, or a NotFoundError."""
    return get(session, Review, review_id)


def pinned_template(review: Review) -> templates.Template:
    """The template pinned on the review when it was created."""
    return templates.from_pinned(review.template_content)


def gather_facts(session: Session, review: Review, now: datetime | None = None) -> ReviewFacts:
    """Everything the guards need about ``review``, read in the current transaction.

    :param now: the store's clock (aware UTC), for the rules about dates.
    """
    rid = review.id
    roles: dict[Role, list[int]] = {}
    for a in session.exec(select(Assignment).where(Assignment.review_id == rid)).all():
        roles.setdefault(Role(a.role), []).append(a.person_id)
    interviews = list(
        session.exec(
            select(Interview).where(Interview.review_id == rid).order_by(col(Interview.id))
        ).all()
    )
    facts_iv = [
        InterviewFacts(
            id=i.id,  # type: ignore[arg-type]
            state=InterviewState(i.state),
            start=i.start,
            minutes=i.minutes,
            moderator_id=i.moderator_id,
            note_taker_id=i.note_taker_id,
            timekeeper_id=i.timekeeper_id,
            cancel_reason=i.cancel_reason,
            place=i.place,
        )
        for i in interviews
    ]
    staff = set().union(*(f.staff for f in facts_iv)) if facts_iv else set()
    bookings = team_bookings(session, staff)
    texts = {
        t.section
        for t in session.exec(select(ReportText).where(ReportText.review_id == rid)).all()
        if t.text.strip()
    }
    finding_blocks = set(
        session.exec(select(Finding.block_id).where(Finding.review_id == rid)).all()
    )
    items = session.exec(
        select(FollowUpItem).where(
            FollowUpItem.review_id == rid, col(FollowUpItem.merged_into_id).is_(None)
        )
    ).all()
    return ReviewFacts(
        state=ReviewState(review.state),
        roles=roles,
        interviews=facts_iv,
        bookings=bookings,
        texts=texts,
        block_ids=[b.id for b in pinned_template(review).blocks],
        blocks_with_findings=finding_blocks,
        seminar_start=review.seminar_start,
        items_without_status=[i.id for i in items if i.status is None],  # type: ignore[misc]
        has_items=bool(items),
        now=now,
    )


def team_bookings(session: Session, person_ids: set[int]) -> list[Booking]:
    """Every live interview (any review) in which one of ``person_ids`` has a job."""
    if not person_ids:
        return []
    rows = session.exec(
        select(Interview).where(
            col(Interview.state).not_in([InterviewState.cancelled.value]),
            (col(Interview.moderator_id).in_(person_ids))
            | (col(Interview.note_taker_id).in_(person_ids))
            | (col(Interview.timekeeper_id).in_(person_ids)),
        )
    ).all()
    names = {
        p.id: p.name
        for p in session.exec(select(Person).where(col(Person.id).in_(person_ids))).all()
    }
    out = []
    for iv in rows:
        for pid in {iv.moderator_id, iv.note_taker_id, iv.timekeeper_id}:
            if pid in person_ids:
                out.append(
                    Booking(
                        person_id=pid,
                        person_name=names.get(pid, str(pid)),
                        interview_id=iv.id,  # type: ignore[arg-type]
                        review_id=iv.review_id,
                        start=iv.start,
                        minutes=iv.minutes,
                    )
                )
    return out


__all__ = ["gather_facts", "get", "get_review", "pinned_template", "team_bookings"]
