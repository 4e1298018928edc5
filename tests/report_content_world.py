"""A review in drafting whose notes the report's content tests use: three groups, the same
words from two of them, an interviewee's and the note-taker's names known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from helpers_followup import add_interview, complete_interviews

from granskning.services import reviews
from granskning.storage.model import Note

SAME = ("Budgeten styr allt.", "budgeten  styr allt")  # one text, said by two groups


@dataclass
class Drafted:
    review: int
    notes: dict[str, int]  # a short name -> note id


def _at(hour: int) -> datetime:
    return datetime(2026, 4, 14, hour, 0, tzinfo=UTC)


def drafted(store: Any, sample: Any) -> Drafted:
    """The sample review in drafting with three interviews and their notes."""
    rid = sample.review
    reviews.assign(store, rid, sample.lead, "lead")
    reviews.assign(store, rid, sample.secretary, "secretary")
    who = {"moderator": sample.lead, "note_taker": sample.secretary}
    ivs = {
        group: add_interview(store, rid, group, start=_at(hour), interviewees=2, ratings=[3], **who)
        for group, hour in (("fortroendevalda", 7), ("ledande", 9), ("medarbetare", 11))
    }
    for action in ("confirm_schedule", "start_visit"):
        reviews.advance(store, rid, action)
    complete_interviews(store, rid)
    reviews.advance(store, rid, "finish_visit")
    rows = {
        "same_a": ("fortroendevalda", "styr-1", SAME[0]),
        "same_b": ("ledande", "styr-1", SAME[1]),
        "staff": ("medarbetare", "styr-1", "Skolan märker lite av målen."),
        "youth": ("fortroendevalda", "infl-2", "Ungdomsrådet hörs i fritidsfrågor."),
        "free": ("ledande", None, "Ett öppet samtal."),
    }
    notes = {}
    with store.atomic() as s:
        for key, (group, question, text) in rows.items():
            note = Note(
                interview_id=ivs[group],
                question_id=question,
                text=text,
                author="Bo Ek",
                created_at=store.now(),
            )
            s.add(note)
            s.flush()
            notes[key] = note.id
    return Drafted(rid, notes)  # type: ignore[arg-type]
