"""Rows that other capabilities write (interviews, notes, findings, report texts), inserted
directly so the follow-up and round tests can drive reviews to handover on their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from granskning.services import reviews
from granskning.storage.model import (
    Finding,
    Interview,
    Interviewee,
    InterviewState,
    Note,
    Recommendation,
    ReportText,
    Review,
)

BLOCKS = ("styrprocesser", "inflytande", "framtid")


def add_interview(
    store: Any,
    review_id: int,
    group: str,
    *,
    start: datetime | None = None,
    minutes: int = 60,
    moderator: int | None = None,
    note_taker: int | None = None,
    interviewees: int = 3,
    state: str = InterviewState.scheduled.value,
    ratings: list[int] = (),  # type: ignore[assignment]
    commitments: list[str] = (),  # type: ignore[assignment]
) -> int:
    """An interview with interviewees, rating notes on infl-6 and notes on framtid-2."""
    now = store.now()
    with store.atomic() as s:
        iv = Interview(
            review_id=review_id,
            group_id=group,
            start=start or datetime(2026, 4, 14, 7, 0, tzinfo=UTC),
            minutes=minutes,
            place="Rådhuset",
            state=state,
            moderator_id=moderator,
            note_taker_id=note_taker,
            created_at=now,
            updated_at=now,
        )
        s.add(iv)
        s.flush()
        for i in range(interviewees):
            s.add(
                Interviewee(interview_id=iv.id, name=f"Person {i}", title="Handläggare", position=i)
            )
        for r in ratings:
            s.add(
                Note(
                    interview_id=iv.id,
                    question_id="infl-6",
                    text=f"skattning {r}",
                    rating=r,
                    created_at=now,
                )
            )
        for text in commitments:
            s.add(Note(interview_id=iv.id, question_id="framtid-2", text=text, created_at=now))
        return iv.id  # type: ignore[return-value]


def complete_interviews(store: Any, review_id: int) -> None:
    with store.atomic() as s:
        for iv in s.exec(select(Interview).where(Interview.review_id == review_id)).all():
            iv.state = InterviewState.completed.value
            s.add(iv)


def write_report(
    store: Any,
    review_id: int,
    *,
    recommendations: list[tuple[str | None, str]] = (),  # type: ignore[assignment]
    developments: list[tuple[str, str]] = (),  # type: ignore[assignment]
    strengths: list[tuple[str, str]] = (),  # type: ignore[assignment]
    none_blocks: list[str] = (),  # type: ignore[assignment]
) -> None:
    """Summary, reflections, findings and recommendations: what hand_over needs."""
    now = store.now()
    with store.atomic() as s:
        for section in ("summary", "reflections"):
            if s.get(ReportText, (review_id, section)) is None:
                s.add(
                    ReportText(review_id=review_id, section=section, text="Text.", updated_at=now)
                )
        for block, text in strengths:
            s.add(
                Finding(
                    review_id=review_id, block_id=block, kind="strength", text=text, created_at=now
                )
            )
        for block, text in developments:
            s.add(
                Finding(
                    review_id=review_id,
                    block_id=block,
                    kind="development",
                    text=text,
                    created_at=now,
                )
            )
        for block in none_blocks:
            s.add(
                Finding(review_id=review_id, block_id=block, kind="none", text="", created_at=now)
            )
        review = s.get(Review, review_id)
        for block, text in recommendations:
            review.recommendations_issued += 1  # numbered R1, R2, ... as the service does
            s.add(
                Recommendation(
                    review_id=review_id,
                    block_id=block,
                    number=review.recommendations_issued,
                    text=text,
                    created_at=now,
                )
            )
        s.add(review)


def drive_to_drafting(
    store: Any, review_id: int, lead: int, secretary: int, **interview: Any
) -> None:
    """Assign a lead and a secretary, hold one interview, and finish the visit."""
    reviews.assign(store, review_id, lead, "lead")
    reviews.assign(store, review_id, secretary, "secretary")
    add_interview(
        store, review_id, "fortroendevalda", moderator=lead, note_taker=secretary, **interview
    )
    reviews.advance(store, review_id, "confirm_schedule")
    reviews.advance(store, review_id, "start_visit")
    complete_interviews(store, review_id)
    reviews.advance(store, review_id, "finish_visit")


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
