"""What a web user may see and do: their roles in each review, their reviews.

The rule itself is :func:`granskning.domain.access.may` (a pure table); this module finds
the facts it needs. A review someone has no rights in does not exist for them: the same
"review N does not exist" as an id that was never used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from granskning.domain.access import Do, Viewer, rights
from granskning.domain.errors import NotFoundError
from granskning.domain.i18n import _
from granskning.domain.workflow import next_step
from granskning.storage.model import (
    Assignment,
    Interview,
    Municipality,
    Review,
    ReviewingMunicipality,
    Round,
)
from granskning.storage.store import Store

PAGE_SIZE = 100


def _missing(review_id: int) -> NotFoundError:
    return NotFoundError(_("review {id} does not exist").format(id=review_id))


def roles_in(session: Session, person_id: int, review_id: int) -> frozenset[str]:
    """The person's roles in the review's team."""
    return frozenset(
        session.exec(
            select(Assignment.role).where(
                Assignment.review_id == review_id, Assignment.person_id == person_id
            )
        ).all()
    )


def reads_host_history(store: Store, viewer: Viewer, review_id: int) -> bool:
    """Whether ``viewer`` may read the history of the review's host: a coordinator, or the
    host's contact person (the rule of :mod:`granskning.services.history`)."""
    if viewer.coordinator:
        return True
    with store.read() as s:
        return "host_contact" in roles_in(s, viewer.person_id, review_id)


def review_rights(store: Store, viewer: Viewer, review_id: int) -> frozenset[Do]:
    """What ``viewer`` may do to the review, or NotFoundError if nothing (or no review)."""
    with store.read() as s:
        if s.exec(select(Review.id).where(Review.id == review_id)).first() is None:
            raise _missing(review_id)
        return _granted(s, viewer, review_id)


def interview_rights(store: Store, viewer: Viewer, interview_id: int) -> tuple[int, frozenset[Do]]:
    """The review an interview belongs to and what ``viewer`` may do to it, in one read;
    NotFoundError if there is no such interview or the viewer may do nothing."""
    with store.read() as s:
        review_id = s.exec(select(Interview.review_id).where(Interview.id == interview_id)).first()
        if review_id is None:
            raise NotFoundError(_("interview {id} does not exist").format(id=interview_id))
        return review_id, _granted(s, viewer, review_id)


def _granted(session: Session, viewer: Viewer, review_id: int) -> frozenset[Do]:
    """What ``viewer`` may do to the review, or the NotFoundError of a review not theirs."""
    found = rights(viewer, roles_in(session, viewer.person_id, review_id))
    if not found:
        raise _missing(review_id)
    return found


@dataclass(frozen=True)
class ReviewList:
    """One page of a user's reviews."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def my_reviews(store: Store, viewer: Viewer, *, page: int = 1) -> ReviewList:
    """The reviews ``viewer`` is on (a coordinator: every review), newest round first, with
    the user's roles and each review's next step; ``PAGE_SIZE`` a page."""
    with store.read() as s:
        mine = (
            None
            if viewer.coordinator
            else select(Assignment.review_id).where(Assignment.person_id == viewer.person_id)
        )
        counted = select(func.count()).select_from(Review)
        if mine is not None:
            counted = counted.where(col(Review.id).in_(mine))
        total = s.exec(counted).one()
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        query = (
            select(  # type: ignore[call-overload]
                Review.id, Review.state, Review.round_id, Municipality.name, Round.year
            )
            .join(Municipality, col(Municipality.id) == Review.host_id)
            .outerjoin(Round, col(Round.id) == Review.round_id)
            .order_by(col(Round.year).desc(), col(Review.round_id).desc(), col(Review.id).desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
        if mine is not None:
            query = query.where(col(Review.id).in_(mine))
        found = s.exec(query).all()
        ids = [r[0] for r in found]
        roles = _roles_of(s, viewer.person_id, ids)
        reviewing = _reviewing(s, ids)
    rows = [
        {
            "id": rid,
            "host": host,
            "reviewing": reviewing.get(rid, []),
            "state": state,
            "round": round_id,
            "year": year,
            "roles": sorted(roles.get(rid, ())),
            "next": next_step(state),
        }
        for rid, state, round_id, host, year in found
    ]
    return ReviewList(rows=rows, total=total, page=page, pages=pages)


def _roles_of(session: Session, person_id: int, ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    if not ids:
        return out
    for rid, role in session.exec(
        select(Assignment.review_id, Assignment.role).where(
            Assignment.person_id == person_id, col(Assignment.review_id).in_(ids)
        )
    ).all():
        out.setdefault(rid, set()).add(role)
    return out


def _reviewing(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    for rid, name in session.exec(
        select(ReviewingMunicipality.review_id, Municipality.name)
        .join(Municipality, col(Municipality.id) == ReviewingMunicipality.municipality_id)
        .where(col(ReviewingMunicipality.review_id).in_(ids))
        .order_by(col(Municipality.name))
    ).all():
        out.setdefault(rid, []).append(name)
    return out


__all__ = [
    "PAGE_SIZE",
    "ReviewList",
    "interview_rights",
    "my_reviews",
    "reads_host_history",
    "review_rights",
    "roles_in",
]
