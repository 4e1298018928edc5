"""Lookups that every layer above storage shares: a record by id, or one clear line.

A front end, a service and a document builder that need "the review with this id" all
ask here, so the lookup and its message exist once.
"""

from __future__ import annotations

from sqlmodel import Session

from granskning.domain import templates
from granskning.domain.errors import NotFoundError
from granskning.domain.i18n import _
from granskning.storage.model import Review


def get_review(session: Session, review_id: int) -> Review:
    """The review with ``review_id``, or a NotFoundError."""
    row = session.get(Review, review_id)
    if row is None:
        raise NotFoundError(_("review {id} does not exist").format(id=review_id))
    return row


def pinned_template(review: Review) -> templates.Template:
    """The template pinned on the review when it was created."""
    return templates.from_pinned(review.template_content)


__all__ = ["get_review", "pinned_template"]
