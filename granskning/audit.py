"""The append-only audit log: who did what, when, from which state to which.

Only :func:`record` writes it, always inside the transaction of the action it describes.
Nothing updates or deletes audit rows.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from granskning.model import AuditEvent
from granskning.store import Store


def record(
    session: Session,
    store: Store,
    *,
    entity: str,
    action: str,
    review_id: int | None = None,
    interview_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        review_id=review_id,
        interview_id=interview_id,
        entity=entity,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=store.actor,
        comment=comment,
        at=store.now(),
    )
    session.add(event)
    return event


def history(store: Store, review_id: int) -> list[AuditEvent]:
    """Every audit event of a review and its interviews, oldest first."""
    with store.read() as s:
        return list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.review_id == review_id)
                .order_by(col(AuditEvent.at), col(AuditEvent.id))
            ).all()
        )


def event_dict(e: AuditEvent) -> dict[str, Any]:
    """An audit event as JSON."""
    from granskning.timefmt import format_local

    return {
        "id": e.id,
        "at": format_local(e.at),
        "actor": e.actor,
        "entity": e.entity,
        "action": e.action,
        "from": e.from_state,
        "to": e.to_state,
        "interview": e.interview_id,
        "comment": e.comment,
    }
