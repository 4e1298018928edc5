"""A review with a row in every table, for the reliability tests (backup, transfer, privacy).

The team, the review and its life cycle go through the library; the content that other
capabilities write (interviews, notes, findings, texts, a frozen report, follow-up items)
is put in as rows, since this test data must not depend on how those commands evolve.
"""

from __future__ import annotations

import atexit
import base64
import io
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from granskning.services import registry, reviews
from granskning.storage.audit import record
from granskning.storage.model import (
    Finding,
    FollowUpItem,
    Interview,
    Interviewee,
    Note,
    Person,
    Recommendation,
    ReportText,
    ReportVersion,
    Review,
    Round,
    RoundMember,
    SessionEvent,
)
from granskning.storage.store import Store


@dataclass
class World:
    review: int
    other_review: int
    lead: int
    secretary: int
    reviewer: int
    politician: int  # a host person who is interviewed (Interviewee.person_id)
    contact: int
    interviews: list[int]


def docx_bytes(*paragraphs: str) -> bytes:
    """A real Word document with ``paragraphs``, the second split over two runs."""
    from docx import Document

    doc = Document()
    for i, text in enumerate(paragraphs):
        p = doc.add_paragraph()
        if i == 1 and " " in text:  # Word often splits a name over runs
            head, tail = text.split(" ", 1)
            p.add_run(head + " ")
            p.add_run(tail).bold = True
        else:
            p.add_run(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def populate(store: Store, *, prefix: str = "", until: str = "follow_up_scheduled") -> World:
    """Municipalities, people, a round, two reviews, and every kind of review content.

    :param until: the state to leave the review in (``visiting``,
        ``handed_over`` or ``follow_up_scheduled``); later content is left out.
    """
    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, prefix + name)
    g, u, o = (prefix + n for n in ("Gävle", "Uppsala", "Örebro"))
    lead = registry.add_person(store, "Anna Berg", u, title="Utvecklingsledare", email="a@x.se")
    secretary = registry.add_person(store, "Bo Ek", o, title="Sekreterare")
    reviewer = registry.add_person(store, "Eva Lind", o, title="Barnrättsstrateg")
    politician = registry.add_person(
        store, "Cia Dahl", g, title="Kommunalråd", email="cia.dahl@gavle.example"
    )
    contact = registry.add_person(store, "Dan Holm", g, title="Barnrättssamordnare")
    now = store.now()
    with store.atomic() as s:
        rnd = Round(
            year=2026, theme="Barns trygga uppväxtvillkor", template_name="k", created_at=now
        )
        s.add(rnd)
        s.flush()
        for name in (g, u, o):
            m = registry.municipality_by_name(s, name)
            s.add(RoundMember(round_id=rnd.id, municipality_id=m.id))  # type: ignore[arg-type]
        round_id = rnd.id
    review = reviews.create_review(
        store, host=g, reviewing=[u, o], template="kollegial-granskning-2013", round_id=round_id
    )
    other = reviews.create_review(
        store, host=u, reviewing=[g], template="kollegial-granskning-2013"
    )
    rid = review.id
    assert rid is not None and other.id is not None
    reviews.assign(store, rid, lead.id, "lead")  # type: ignore[arg-type]
    reviews.assign(store, rid, secretary.id, "secretary")  # type: ignore[arg-type]
    reviews.assign(store, rid, reviewer.id, "reviewer")  # type: ignore[arg-type]
    reviews.assign(store, rid, contact.id, "host_contact")  # type: ignore[arg-type]
    start = now + timedelta(days=7)
    ids = []
    with store.atomic() as s:
        for n, (group, minutes) in enumerate((("fortroendevalda", 90), ("medarbetare", 60))):
            iv = Interview(
                review_id=rid,
                group_id=group,
                start=start + timedelta(hours=3 * n),
                minutes=minutes,
                place="Stadshuset" if n == 0 else None,
                moderator_id=lead.id,
                note_taker_id=secretary.id,
                timekeeper_id=reviewer.id if n == 0 else None,
                created_at=now,
                updated_at=now,
            )
            s.add(iv)
            s.flush()
            ids.append(iv.id)
            record(s, store, entity="interview", action="add", review_id=rid, interview_id=iv.id)
        s.add(
            Interviewee(
                interview_id=ids[0],
                person_id=politician.id,
                name="Cia Dahl",
                title="Kommunalråd",
                organisation="Kommunstyrelsen",
            )
        )
        s.add(
            Interviewee(interview_id=ids[0], name="Olle Ström", title="Oppositionsråd", position=1)
        )
        # the same person again, this time only by name
        s.add(Interviewee(interview_id=ids[1], name="cia  dahl", title="Kommunalråd"))
    reviews.advance(store, rid, "confirm_schedule")
    with store.atomic() as s:
        t = start
        for kind, q in (("start", "styr-1"), ("pause", None), ("resume", None), ("end", None)):
            s.add(SessionEvent(interview_id=ids[0], kind=kind, at=t, question_id=q))
            t += timedelta(minutes=20)
        for i, (q, text) in enumerate(
            (
                ("styr-1", "Barnbokslut varje år."),
                ("styr-2", "Cia Dahl: den röda tråden går via budgeten."),
                (None, "Fri iakttagelse: ungdomsrådet deltog; rörelse i rummet ✓"),
            )
        ):
            s.add(
                Note(
                    interview_id=ids[0],
                    question_id=q,
                    text=text,
                    author="Bo Ek",
                    created_at=start + timedelta(minutes=5 * i),
                )
            )
        s.add(Note(interview_id=ids[0], question_id="infl-6", text="3", rating=3, created_at=t))
        for iv_id in ids:
            iv = s.get(Interview, iv_id)
            assert iv is not None
            iv.state = "completed"
            iv.version += 1
    world = World(
        review=rid,
        other_review=other.id,
        lead=lead.id,  # type: ignore[arg-type]
        secretary=secretary.id,  # type: ignore[arg-type]
        reviewer=reviewer.id,  # type: ignore[arg-type]
        politician=politician.id,  # type: ignore[arg-type]
        contact=contact.id,  # type: ignore[arg-type]
        interviews=ids,  # type: ignore[arg-type]
    )
    reviews.advance(store, rid, "start_visit")
    if until == "visiting":
        return world
    reviews.advance(store, rid, "finish_visit")
    with store.atomic() as s:
        template = reviews.pinned_template(s.get(Review, rid))  # type: ignore[arg-type]
        for block in template.blocks:
            s.add(
                Finding(
                    review_id=rid,
                    block_id=block.id,
                    kind="strength",
                    text=f"Styrka i {block.title}",
                    created_at=now,
                )
            )
        s.add(
            Finding(
                review_id=rid,
                block_id=template.blocks[0].id,
                kind="development",
                text="Utveckla uppföljningen, säger Cia Dahl.",
                created_at=now,
            )
        )
        rec = Recommendation(
            review_id=rid, block_id=None, number=1, text="Gör barnbokslut.", created_at=now
        )
        s.add(rec)
        for section, text in (
            ("summary", "Gävle har kommit långt."),
            ("reflections", "Vi lärde oss mycket av Cia Dahl."),
            ("introduction", "Granskningen gjordes i mars."),
        ):
            s.add(ReportText(review_id=rid, section=section, text=text, updated_at=now))
        s.flush()
        rec_uid = rec.uid
    # the handover builds the final report and freezes it (report version 1)
    reviews.advance(store, rid, "hand_over")
    if until == "handed_over":
        return world
    with store.atomic() as s:
        item = FollowUpItem(
            review_id=rid,
            source="recommendation",
            source_uid=rec_uid,
            text="Gör barnbokslut.",
            status="in_progress",
            comment="Påbörjat",
            responsible="Cia Dahl",
            created_at=now,
            updated_at=now,
        )
        s.add(item)
        s.flush()
        s.add(
            FollowUpItem(
                review_id=rid,
                source="manual",
                text="Dubblett",
                merged_into_id=item.id,
                created_at=now,
                updated_at=now,
            )
        )
    reviews.advance(store, rid, "schedule_seminar", on=date(2026, 9, 15))
    return world


_made: dict[str, tuple[Path, World]] = {}


def populated(store: Store, until: str = "follow_up_scheduled") -> World:
    """The same as :func:`populate` on an empty ``store``, fast: the world is made once per
    test run in an SQLite file and its rows copied in."""
    from granskning.storage.backup import copy_rows

    if until not in _made:
        folder = Path(tempfile.mkdtemp(prefix="granskning-world-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / f"{until}.db"
        maker = Store(f"sqlite:///{path}", clock=_Clock(), actor="tester")
        world = populate(maker, until=until)
        maker.dispose()
        _made[until] = (path, world)
    path, world = _made[until]
    with store.atomic() as s:
        copy_rows(path, s.connection(), store.is_sqlite)
    return world


class _Clock:
    """The tests' default clock: 2026-03-02 08:00 UTC, standing still."""

    def __call__(self) -> datetime:
        return datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def notes_of(store: Store, review_id: int) -> list[dict[str, Any]]:
    """Every note of a review, as comparable dicts (no database ids)."""
    with store.read() as s:
        rows = s.exec(
            select(Note, Interview.uid)
            .join(Interview, Interview.id == Note.interview_id)  # type: ignore[arg-type]
            .where(Interview.review_id == review_id)
            .order_by(col(Note.created_at), col(Note.uid))
        ).all()
        return [
            {
                "uid": n.uid,
                "interview": iv_uid,
                "question": n.question_id,
                "text": n.text,
                "rating": n.rating,
                "author": n.author,
                "created": n.created_at.isoformat(),
            }
            for n, iv_uid in rows
        ]


def review_ids(store: Store) -> list[int]:
    with store.read() as s:
        return [r for r in s.exec(select(Review.id).order_by(col(Review.id))).all() if r]


def comparable_show(shown: dict[str, Any]) -> dict[str, Any]:
    """``review show --json`` without database ids, for comparing copies in two databases."""
    out = json.loads(json.dumps(shown))
    out.pop("id", None)
    out.pop("round", None)
    for member in out.get("team", []):
        member.pop("person", None)
    for iv in out.get("interviews", []):
        iv.pop("id", None)
    return out


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _has(command: str) -> bool:
    from granskning.cli import COMMANDS

    return command in COMMANDS


def populate_content(
    store: Store, rid: int, *, lead: int, secretary: int, interviewee: int, cli: Any
) -> None:
    """Take a planned review with a lead and a secretary to drafting with everything handover
    needs: an interview with notes, findings for every block, a recommendation, the texts,
    a frozen report naming the interviewee. Through the commands where this checkout has
    them (interview, session, note, finding, recommendation, report), else as rows."""
    with store.read() as s:
        person = s.get(Person, interviewee)
        review = s.get(Review, rid)
        assert person is not None and review is not None
        template = reviews.pinned_template(review)
    start = (store.now() + timedelta(days=7)).astimezone(_stockholm())
    group = template.groups[0].id
    questions = [q.id for _b, q in template.questions_for(group)]
    if _has("interview"):
        iv = cli.json(
            "interview",
            "add",
            rid,
            "--group",
            group,
            "--start",
            start.strftime("%Y-%m-%d %H:%M"),
            "--minutes",
            90,
            "--interviewee",
            f"{person.name}, {person.title or 'Kommunalråd'}",
            "--moderator",
            lead,
            "--note-taker",
            secretary,
        )["id"]
    else:
        with store.atomic() as s:
            row = Interview(
                review_id=rid,
                group_id=group,
                start=start,
                minutes=90,
                moderator_id=lead,
                note_taker_id=secretary,
                created_at=store.now(),
                updated_at=store.now(),
            )
            s.add(row)
            s.flush()
            iv = row.id
            s.add(
                Interviewee(
                    interview_id=iv, person_id=interviewee, name=person.name, title=person.title
                )
            )
            record(s, store, entity="interview", action="add", review_id=rid, interview_id=iv)
    cli.ok("review", "advance", rid, "confirm_schedule")
    texts = [f"{person.name} berättade om barnbokslutet.", "Tydlig röd tråd.", "Ungdomsrådet."]
    if _has("session") and _has("note"):
        cli.ok("session", "start", iv)
        for q, text in zip(questions, texts, strict=False):
            cli.ok("note", "add", iv, "--question", q, "--text", text)
        cli.ok("session", "end", iv)
    else:
        cli.ok("review", "advance", rid, "start_visit")
        with store.atomic() as s:
            for q, text in zip(questions, texts, strict=False):
                s.add(
                    Note(
                        interview_id=iv,
                        question_id=q,
                        text=text,
                        author="Bo Ek",
                        created_at=store.now(),
                    )
                )
            row = s.get(Interview, iv)
            assert row is not None
            row.state, row.version = "completed", row.version + 1
            s.add(row)
    cli.ok("review", "advance", rid, "finish_visit")
    for block in template.blocks:
        text = f"Styrka i {block.title}"
        if _has("finding"):
            cli.ok("finding", "add", rid, "--block", block.id, "--kind", "strength", "--text", text)
        else:
            with store.atomic() as s:
                s.add(
                    Finding(
                        review_id=rid,
                        block_id=block.id,
                        kind="strength",
                        text=text,
                        created_at=store.now(),
                    )
                )
    development = f"Följ upp det {person.name} tog upp."
    if _has("finding"):
        cli.ok(
            "finding",
            "add",
            rid,
            "--block",
            template.blocks[0].id,
            "--kind",
            "development",
            "--text",
            development,
        )
    else:
        with store.atomic() as s:
            s.add(
                Finding(
                    review_id=rid,
                    block_id=template.blocks[0].id,
                    kind="development",
                    text=development,
                    created_at=store.now(),
                )
            )
    if _has("recommendation"):
        cli.ok("recommendation", "add", rid, "--text", "Gör barnbokslut varje år.")
    else:
        with store.atomic() as s:
            s.add(
                Recommendation(
                    review_id=rid,
                    number=1,
                    text="Gör barnbokslut varje år.",
                    created_at=store.now(),
                )
            )
    for section, text in (
        ("summary", "Gävle har kommit långt."),
        ("reflections", f"Vi lärde oss mycket av {person.name}."),
        ("introduction", "Granskningen gjordes i mars."),
    ):
        if _has("report"):
            cli.ok("report", "text", rid, "--section", section, "--text", text)
        else:
            with store.atomic() as s:
                s.add(ReportText(review_id=rid, section=section, text=text, updated_at=store.now()))
    if not _has("report"):
        # the frozen report handover stores (built by the report command where it exists)
        import hashlib

        content = docx_bytes("Granskningsrapport", f"{person.name} Kommunalråd")
        with store.atomic() as s:
            s.add(
                ReportVersion(
                    review_id=rid,
                    number=1,
                    sha256=hashlib.sha256(content).hexdigest(),
                    content=content,
                    created_at=store.now(),
                )
            )


def _stockholm() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Stockholm")
