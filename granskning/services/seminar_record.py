"""The seminar record (minnesanteckningar från uppföljningsseminariet).

What the record holds besides the checklist: who took part, the next steps agreed and the
date of the next follow-up; each item's status before the seminar (the last status recorded
before its start, read from the audit log) and after it (the status now), with its comment,
responsible person and deadline. Every change is one unit of work with its audit event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, delete, select

from granskning.documents.minutes import MinutesFacts, write_minutes
from granskning.domain import events, seminar
from granskning.domain.errors import InputError, refuse
from granskning.domain.i18n import _
from granskning.domain.text import clean_optional
from granskning.domain.timefmt import parse_date, to_local
from granskning.services import followup, reviews
from granskning.storage.model import (
    NAME_MAX,
    AuditEvent,
    FollowUpItem,
    Review,
    ReviewState,
    SeminarParticipant,
)
from granskning.storage.queries import get_review
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

NEXT_STEPS_LIMIT = 20_000
PARTICIPANTS_MAX = 200


def _writable(work: Work, review_id: int) -> Review:
    review = work.get(Review, review_id)
    refuse(seminar.record_state_reasons(review_id, ReviewState(review.state)))
    return review


def parse_participant(value: str) -> tuple[str, str | None]:
    """ "Name, Municipality" (or just "Name") as (name, municipality)."""
    name, _sep, municipality = value.partition(",")
    clean_name = clean_optional(name, "--participant", NAME_MAX)
    if not clean_name:
        raise InputError(
            _('a participant needs a name: "Name, Municipality" (got "{value}")').format(
                value=value.strip()
            )
        )
    return clean_name, clean_optional(municipality, "--participant", NAME_MAX) or None


@writes
def set_participants(work: Work, review_id: int, people: list[str]) -> list[dict[str, Any]]:
    """Replace the seminar's participants with ``people`` ("Name, Municipality" each)."""
    parsed = [parse_participant(p) for p in people]
    if len(parsed) > PARTICIPANTS_MAX:
        raise InputError(_("at most {n} participants").format(n=PARTICIPANTS_MAX))
    _writable(work, review_id)
    s = work.session
    s.exec(delete(SeminarParticipant).where(col(SeminarParticipant.review_id) == review_id))
    for position, (name, municipality) in enumerate(parsed):
        s.add(
            SeminarParticipant(
                review_id=review_id, name=name, municipality=municipality, position=position
            )
        )
    s.flush()
    work.emit(
        events.SeminarRecordSet(review_id=review_id, act="set_participants", count=len(parsed))
    )
    return followup.participants_of(s, review_id)


def participants(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The seminar's participants (``seminar participants --json``)."""
    with store.read() as s:
        get_review(s, review_id)
        return followup.participants_of(s, review_id)


@writes
def set_next_steps(work: Work, review_id: int, text: str) -> str:
    """Write (or clear, with "") the next steps agreed at the seminar."""
    body = clean_optional(text, _("the next steps"), NEXT_STEPS_LIMIT, lines=True)
    review = _writable(work, review_id)
    review.seminar_next_steps = body or None
    review.updated_at = work.now()
    work.session.add(review)
    work.emit(events.SeminarRecordSet(review_id=review_id, act="set_next_steps", count=len(body)))
    return body


@writes
def set_next_follow_up(work: Work, review_id: int, day: str) -> date | None:
    """Date (or clear, with "") the next follow-up: a day after the seminar."""
    when = parse_date(day.strip(), "--date") if day.strip() else None
    review = _writable(work, review_id)
    if when is not None:
        seminar_day = to_local(review.seminar_start).date() if review.seminar_start else None
        refuse(seminar.next_follow_up_reasons(when, seminar_day))
    review.next_follow_up = when
    review.updated_at = work.now()
    work.session.add(review)
    work.emit(
        events.SeminarRecordSet(
            review_id=review_id,
            act="set_next_follow_up",
            day=when.isoformat() if when else "–",
        )
    )
    return when


@writes
def save_record(
    work: Work, review_id: int, people: list[str], next_steps: str, next_follow_up: str
) -> None:
    """Participants, next steps and next follow-up at once (the web's form): all or nothing."""
    set_participants(work, review_id, people)
    set_next_steps(work, review_id, next_steps)
    set_next_follow_up(work, review_id, next_follow_up)


def statuses_before(session: Session, review: Review) -> dict[str, str]:
    """item uid -> the last status recorded for it before the seminar's start."""
    if review.seminar_start is None:
        return {}
    rows = session.exec(
        select(AuditEvent.data)
        .where(
            AuditEvent.review_id == review.id,
            AuditEvent.entity == "follow_up_item",
            col(AuditEvent.action).in_(("record", "correct")),
            AuditEvent.at < review.seminar_start,
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    ).all()
    before: dict[str, str] = {}
    for data in rows:
        entry = json.loads(data)
        if entry.get("item") and entry.get("status"):
            before[entry["item"]] = entry["status"]
    return before


@dataclass(frozen=True)
class _Read:
    """What the record needs from the database, read in one go."""

    review: Review
    participants: list[dict[str, Any]]
    items: list[dict[str, Any]]
    before: dict[int, str]


def _read(session: Session, review_id: int) -> _Read:
    review = get_review(session, review_id)
    uids = dict(
        session.exec(
            select(FollowUpItem.id, FollowUpItem.uid).where(FollowUpItem.review_id == review_id)
        ).all()
    )
    earlier = statuses_before(session, review)
    before = {
        ident: earlier[uid] for ident, uid in uids.items() if ident is not None and uid in earlier
    }
    return _Read(
        review,
        followup.participants_of(session, review_id),
        followup.item_dicts(session, review),
        before,
    )


def record(store: Store, review_id: int) -> dict[str, Any]:
    """The seminar record as data (``seminar record-show --json``)."""
    with store.read() as s:
        got = _read(s, review_id)
        info = followup.seminar_info_of(s, got.review)
    review = got.review
    return {
        "id": review.id,
        "seminar": info["start"],
        "place": info["place"],
        "participants": got.participants,
        "next_steps": review.seminar_next_steps or "",
        "next_follow_up": review.next_follow_up.isoformat() if review.next_follow_up else None,
        "items": [
            {**i, "status_before": got.before.get(i["id"])}
            for i in got.items
            if i["merged_into"] is None
        ],
    }


def minutes_facts(store: Store, review_id: int) -> MinutesFacts:
    """What the seminar record document shows (item labels in the current language)."""
    checklist = followup.checklist_facts(store, review_id)
    with store.read() as s:
        got = _read(s, review_id)
    review = got.review
    return MinutesFacts(
        checklist=checklist,
        participants=got.participants,
        before=got.before,
        next_steps=review.seminar_next_steps or "",
        next_follow_up=review.next_follow_up,
    )


def build_minutes(store: Store, review_id: int, out: Path, template: Path | None = None) -> Path:
    """Write the seminar record as a Word document, in the review's language.

    :param template: a restyled copy of ``reports/minnesanteckningar.docx``.
    """
    return reviews.write_review_document(
        store, review_id, out, minutes_facts, write_minutes, template
    )


__all__ = [
    "build_minutes",
    "minutes_facts",
    "parse_participant",
    "participants",
    "record",
    "save_record",
    "set_next_follow_up",
    "set_next_steps",
    "set_participants",
    "statuses_before",
]
