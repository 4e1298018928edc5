"""The question session: its clock, its position, and the notes taken in it.

Nothing about a running session lives in process memory. Start, pause, resume, end and
every move to another question are stored as :class:`~granskning.storage.model.SessionEvent`
rows; elapsed time, the current question and the overruns are computed from those rows
and ``store.now()``. A laptop that crashes mid-session resumes at the same question with
the same clock. Every note is committed the moment it is entered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from sqlmodel import Session, col, select

from granskning.domain import events, templates
from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.domain.events import SessionStarted
from granskning.domain.i18n import _
from granskning.domain.text import check_text
from granskning.domain.timefmt import clock_text, format_local
from granskning.domain.workflow import ActionParams, InterviewContext, fire_interview
from granskning.services.reviews import ensure_editable, take_action
from granskning.storage.audit import record
from granskning.storage.model import (
    Interview,
    InterviewState,
    Note,
    Review,
    ReviewState,
    SessionEvent,
    SessionEventKind,
)
from granskning.storage.queries import get
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

IS = InterviewState
K = SessionEventKind

# Near the budget: the last tenth of it, but never less than two minutes.
NEAR_FRACTION = 0.10
NEAR_MIN_S = 120
TEXT_LIMIT = 100_000
# A session started further than this from its scheduled start gets a warning.
FAR_FROM_SCHEDULE = timedelta(days=1)


# -- the plan: which questions, in which order, with which budgets --------------------------


@dataclass(frozen=True)
class Step:
    """One question of a session, with its block."""

    index: int
    block: templates.Block
    question: templates.Question


@dataclass(frozen=True)
class Plan:
    """The questions of one interview in block order, and the budgets of their blocks."""

    template: templates.Template
    group: templates.Group
    minutes: int
    steps: tuple[Step, ...]

    @property
    def blocks(self) -> list[templates.Block]:
        seen: dict[str, templates.Block] = {}
        for s in self.steps:
            seen.setdefault(s.block.id, s.block)
        return list(seen.values())

    def step(self, question_id: str | None) -> Step | None:
        for s in self.steps:
            if s.question.id == question_id:
                return s
        return None

    def first_of(self, block_id: str) -> Step | None:
        for s in self.steps:
            if s.block.id == block_id:
                return s
        return None


def plan_for(review: Review, interview: Interview) -> Plan:
    """The session plan of ``interview``: its group's questions from the pinned template."""
    return _plan(review.template_content, interview.group_id, interview.minutes)


@lru_cache(maxsize=64)
def _plan(text: str, group_id: str, minutes: int) -> Plan:
    template = templates.from_pinned(text)
    group = template.group(group_id)
    steps = tuple(Step(i, b, q) for i, (b, q) in enumerate(template.questions_for(group_id)))
    return Plan(template, group, minutes, steps)


# -- the clock: a pure function of the stored events and "now" -------------------------------


class EventLike(Protocol):
    kind: str
    at: datetime
    question_id: str | None


@dataclass
class Timeline:
    """What the stored events say at one moment."""

    question_id: str | None
    started: datetime | None = None
    ended: datetime | None = None
    running: bool = False
    elapsed_s: float = 0.0
    block_elapsed_s: dict[str, float] = field(default_factory=dict)
    question_elapsed_s: dict[str, float] = field(default_factory=dict)


def timeline(events: Iterable[EventLike], plan: Plan, now: datetime) -> Timeline:
    """Replay ``events`` (in order) up to ``now``: elapsed time in total, per block, per question.

    Only running time counts; time between a pause and a resume does not. Events after
    the end are ignored. The position is the question of the last event that names one.
    """
    first = plan.steps[0].question.id if plan.steps else None
    t = Timeline(question_id=first)
    since: datetime | None = None

    def run_until(moment: datetime) -> None:
        if not t.running or since is None:
            return
        span = max(0.0, (moment - since).total_seconds())
        t.elapsed_s += span
        step = plan.step(t.question_id)
        if step is not None:
            bid, qid = step.block.id, step.question.id
            t.block_elapsed_s[bid] = t.block_elapsed_s.get(bid, 0.0) + span
            t.question_elapsed_s[qid] = t.question_elapsed_s.get(qid, 0.0) + span

    for ev in events:
        if t.ended is not None:
            break
        run_until(ev.at)
        since = ev.at
        kind = ev.kind
        if kind == K.start:
            t.started = t.started or ev.at
            t.running = True
        elif kind == K.pause:
            t.running = False
        elif kind == K.resume:
            t.running = True
        elif kind == K.end:
            t.running = False
            t.ended = ev.at
        if kind in (K.start, K.goto) and ev.question_id and plan.step(ev.question_id):
            t.question_id = ev.question_id
    run_until(now)
    return t


def level(budget_s: float, elapsed_s: float) -> str:
    """``ok``, ``near`` (the last tenth of the budget, at least two minutes) or ``over``."""
    remaining = budget_s - elapsed_s
    if remaining < 0:
        return "over"
    if remaining <= max(NEAR_FRACTION * budget_s, NEAR_MIN_S):
        return "near"
    return "ok"


def _warning(
    scope: str, lvl: str, budget: int, elapsed: int, block: str | None
) -> list[dict[str, Any]]:
    if lvl == "ok":
        return []
    if scope == "session":
        message = (
            _("{left} left of the session").format(left=clock_text(budget - elapsed))
            if lvl == "near"
            else _("the session is {over} past its time").format(over=clock_text(elapsed - budget))
        )
    else:
        message = (
            _("{left} left of block {block}").format(left=clock_text(budget - elapsed), block=block)
            if lvl == "near"
            else _("block {block} is {over} past its budget").format(
                block=block, over=clock_text(elapsed - budget)
            )
        )
    return [{"scope": scope, "level": lvl, "message": message}]


def compute_status(
    interview: Interview, plan: Plan, events: Sequence[EventLike], now: datetime
) -> dict[str, Any]:
    """The status of a session at ``now``: the pure part of :func:`status`."""
    t = timeline(events, plan, now)
    step = plan.step(t.question_id)
    elapsed = int(t.elapsed_s)
    budget = interview.minutes * 60
    blocks = plan.blocks
    overruns = []
    block_rows = []
    for b in blocks:
        b_elapsed = int(t.block_elapsed_s.get(b.id, 0.0))
        b_budget = b.minutes * 60
        over = max(0, b_elapsed - b_budget)
        block_rows.append(
            {
                "id": b.id,
                "title": b.title,
                "budget_s": b_budget,
                "elapsed_s": b_elapsed,
                "over_s": over,
            }
        )
        if over:
            overruns.append(
                {
                    "scope": "block",
                    "block": b.id,
                    "budget_s": b_budget,
                    "elapsed_s": b_elapsed,
                    "over_s": over,
                }
            )
    if elapsed > budget:
        overruns.insert(
            0,
            {
                "scope": "session",
                "block": None,
                "budget_s": budget,
                "elapsed_s": elapsed,
                "over_s": elapsed - budget,
            },
        )
    block = step.block if step else None
    b_budget = block.minutes * 60 if block else 0
    b_elapsed = int(t.block_elapsed_s.get(block.id, 0.0)) if block else 0
    session_level = level(budget, elapsed)
    block_level = level(b_budget, b_elapsed) if block else "ok"
    warnings: list[dict[str, Any]] = []
    if interview.state in (IS.running, IS.paused):
        warnings.extend(_warning("session", session_level, budget, elapsed, None))
        if block is not None:
            warnings.extend(_warning("block", block_level, b_budget, b_elapsed, block.title))
    question = step.question if step else None
    block_steps = [s for s in plan.steps if block and s.block.id == block.id]
    wall = (t.ended or now) - t.started if t.started else timedelta(0)
    return {
        "id": interview.id,
        "interview": interview.id,
        "review": interview.review_id,
        "state": interview.state,
        "group": plan.group.id,
        "group_name": plan.group.name(),
        "question": question.id if question else None,
        "question_text": question.text if question else None,
        "question_kind": question.kind if question else None,
        "followups": list(question.followups) if question else [],
        "scale": [{"value": s.value, "label": s.label} for s in question.scale or []]
        if question
        else [],
        "question_number": step.index + 1 if step else 0,
        "question_count": len(plan.steps),
        "block_question_number": block_steps.index(step) + 1 if step in block_steps else 0,
        "block_question_count": len(block_steps),
        "block": block.id if block else None,
        "block_title": block.title if block else None,
        "block_number": blocks.index(block) + 1 if block else 0,
        "block_count": len(blocks),
        "elapsed_s": elapsed,
        "remaining_s": budget - elapsed,
        "budget_s": budget,
        "block_elapsed_s": b_elapsed,
        "block_remaining_s": b_budget - b_elapsed,
        "block_budget_s": b_budget,
        "paused_s": max(0, int(wall.total_seconds()) - elapsed),
        "session_level": session_level,
        "block_level": block_level,
        "overruns": overruns,
        "warnings": warnings,
        "blocks": block_rows,
        "started": format_local(t.started),
        "ended": format_local(t.ended),
        "now": format_local(now),
    }


def _events(session: Session, interview_id: int) -> list[SessionEvent]:
    return list(
        session.exec(
            select(SessionEvent)
            .where(SessionEvent.interview_id == interview_id)
            .order_by(col(SessionEvent.at), col(SessionEvent.id))
        ).all()
    )


def load_plan(store: Store, interview_id: int) -> Plan:
    """The session plan of an interview, read from the store."""
    with store.read() as s:
        return _load(s, interview_id)[2]


def status(store: Store, interview_id: int) -> dict[str, Any]:
    """Elapsed and remaining time (session and current block), position, overruns, warnings.

    Read only from the stored events and ``store.now()``: the same answer in any process.
    ``remaining_s`` and ``block_remaining_s`` go negative past the budget.
    """
    with store.read() as s:
        interview, _review, plan = _load(s, interview_id)
        events = _events(s, interview_id)
    return compute_status(interview, plan, events, store.now())


# -- actions: each one transaction with its event and audit record ---------------------------


def _load(session: Session, interview_id: int) -> tuple[Interview, Review, Plan]:
    # one round trip for both rows: every note and every key press goes through here
    row = session.exec(
        select(Interview, Review)
        .join(Review, col(Review.id) == Interview.review_id)
        .where(Interview.id == interview_id)
    ).first()
    if row is None:
        get(session, Interview, interview_id)  # raises the NotFoundError
        raise AssertionError("an interview without its review")  # pragma: no cover
    interview, review = row
    return interview, review, plan_for(review, interview)


@writes
def _transition(
    work: Work, interview_id: int, action: str, at: datetime | None = None
) -> dict[str, Any]:
    s = work.session
    interview, review, plan = _load(s, interview_id)
    before = IS(interview.state)
    after = fire_interview(action, InterviewContext(before, ReviewState(review.state)))
    ensure_editable(review)
    steps = _events(s, interview_id)
    now = work.now()
    when = now if at is None else _paper_time(at, now, steps)
    t = timeline(steps, plan, when)
    step = SessionEvent(interview_id=interview_id, kind=action, at=when, question_id=t.question_id)
    s.add(step)
    work.update_versioned(interview, state=after.value)
    summary: dict[str, Any] = {}
    if action == "end":
        summary = _end_summary(compute_status(interview, plan, [*steps, step], when))
    if at is not None:
        summary |= {"held_at": when.isoformat()}
    work.emit(
        events.session_event(
            action,
            review_id=interview.review_id,
            interview_id=interview_id,
            from_state=before.value,
            to_state=after.value,
            extra=summary,
        )
    )
    data = compute_status(interview, plan, [*steps, step], when)
    if action == "start":
        data["scheduled"] = format_local(interview.start)
        data["far_from_schedule"] = abs(when - interview.start) > FAR_FROM_SCHEDULE
    return data


def start_visit(work: Work, event: SessionStarted) -> None:
    """On an interview's first session: a scheduled review's visit starts."""
    review = work.get(Review, event.review_id)
    if review.state == ReviewState.scheduled.value:
        interview = work.get(Interview, event.interview_id)
        take_action(
            work,
            review.id,  # type: ignore[arg-type]
            "start_visit",
            ActionParams(),
            {"interview": interview.uid},
        )


def _paper_time(at: datetime, now: datetime, events: Sequence[SessionEvent]) -> datetime:
    """The time of a session step held on paper: not in the future, after what came before."""
    if at.tzinfo is None:
        raise InputError(_("the time must carry a time zone"))
    if at > now:
        raise RuleError(
            _("--at {at} is in the future (now it is {now})").format(
                at=format_local(at), now=format_local(now)
            )
        )
    if events:
        last = events[-1]
        if at <= last.at:
            if last.kind == K.start:
                raise RuleError(
                    _("--at {at} is not after the session started ({start})").format(
                        at=format_local(at), start=format_local(last.at)
                    )
                )
            raise RuleError(
                _("--at {at} is not after the session's last recorded step ({last})").format(
                    at=format_local(at), last=format_local(last.at)
                )
            )
    return at


def _end_summary(st: dict[str, Any]) -> dict[str, Any]:
    # Stored in the audit log as data (whole seconds), rendered in the reader's language.
    return {
        "elapsed": int(st["elapsed_s"]),
        "budget": int(st["budget_s"]),
        "overruns": [{"block": o["block"], "over": int(o["over_s"])} for o in st["overruns"]],
    }


def start(store: Store, interview_id: int, at: datetime | None = None) -> dict[str, Any]:
    """Start the session at its first question; the first session of a scheduled review
    starts the visit too (``start_visit``), in the same transaction.

    :param at: when a session held on paper started (aware; not in the future); None is now.
        The result's ``far_from_schedule`` says the start is more than a day from the
        scheduled one, ``scheduled`` gives the scheduled start.
    """
    return _transition(store, interview_id, "start", at)


def pause(store: Store, interview_id: int) -> dict[str, Any]:
    """Pause the clock."""
    return _transition(store, interview_id, "pause")


def resume(store: Store, interview_id: int) -> dict[str, Any]:
    """Resume the clock."""
    return _transition(store, interview_id, "resume")


def end(store: Store, interview_id: int, at: datetime | None = None) -> dict[str, Any]:
    """End the session; its overruns go into the audit log.

    :param at: when a session held on paper ended (after its last recorded step, not in the
        future); None is now.
    """
    return _transition(store, interview_id, "end", at)


def _move(store: Store, interview_id: int, pick: Any) -> dict[str, Any]:
    with store.atomic() as s:
        interview, review, plan = _load(s, interview_id)
        state = IS(interview.state)
        if state not in (IS.running, IS.paused):
            from granskning.domain.workflow import INTERVIEW_STATE_LABELS

            raise RuleError(
                _(
                    "interview {id} is {state}: moving between questions needs a running session"
                ).format(id=interview_id, state=_(INTERVIEW_STATE_LABELS[state]))
            )
        ensure_editable(review)
        events = _events(s, interview_id)
        now = store.now()
        current = plan.step(timeline(events, plan, now).question_id)
        target: Step = pick(plan, current)
        if current is not None and target.question.id == current.question.id:
            return compute_status(interview, plan, events, now)
        event = SessionEvent(
            interview_id=interview_id, kind=K.goto.value, at=now, question_id=target.question.id
        )
        s.add(event)
        return compute_status(interview, plan, [*events, event], now)


def goto(store: Store, interview_id: int, question_id: str) -> dict[str, Any]:
    """Move to the question ``question_id`` (one of the interview's questions)."""

    def pick(plan: Plan, _current: Step | None) -> Step:
        return _step_or_error(plan, question_id)

    return _move(store, interview_id, pick)


def goto_block(store: Store, interview_id: int, block_id: str) -> dict[str, Any]:
    """Move to the first question of block ``block_id``."""

    def pick(plan: Plan, _current: Step | None) -> Step:
        target = plan.first_of(block_id)
        if target is None:
            raise InputError(
                _("block {block} has no questions for this interview (blocks: {known})").format(
                    block=block_id, known=", ".join(b.id for b in plan.blocks)
                )
            )
        return target

    return _move(store, interview_id, pick)


def next_question(store: Store, interview_id: int) -> dict[str, Any]:
    """Move to the next question; a RuleError at the last one."""

    def pick(plan: Plan, current: Step | None) -> Step:
        index = current.index + 1 if current else 0
        if index >= len(plan.steps):
            raise RuleError(_("this is the last question"))
        return plan.steps[index]

    return _move(store, interview_id, pick)


def previous_question(store: Store, interview_id: int) -> dict[str, Any]:
    """Move to the previous question; a RuleError at the first one."""

    def pick(plan: Plan, current: Step | None) -> Step:
        index = current.index - 1 if current else -1
        if index < 0:
            raise RuleError(_("this is the first question"))
        return plan.steps[index]

    return _move(store, interview_id, pick)


def _step_or_error(plan: Plan, question_id: str) -> Step:
    step = plan.step(question_id)
    if step is not None:
        return step
    if any(q.id == question_id for b in plan.template.blocks for q in b.questions):
        raise InputError(
            _("question {question} is not asked of the group {group}").format(
                question=question_id, group=plan.group.id
            )
        )
    raise InputError(
        _(
            "question {question} is not in the template pinned on this review ({template} {version})"
        ).format(question=question_id, template=plan.template.id, version=plan.template.version)
    )


# -- notes ------------------------------------------------------------------------------------


def add_note(
    store: Store,
    interview_id: int,
    question_id: str | None,
    text: str | None,
    rating: int | None = None,
) -> Note:
    """Write one note, committed at once (its own transaction).

    :param question_id: a question of the interview's group; None for a free observation.
    :param text: the note; may be empty only when a rating is given.
    :param rating: 1-4, only on a rating question.
    """
    body = check_note_text(text, rating)
    with store.atomic() as s:
        interview, review, plan = _load(s, interview_id)
        check_note_question(plan, question_id, rating)
        _ensure_notes_open(interview)
        ensure_editable(review)
        note = Note(
            interview_id=interview_id,
            question_id=question_id,
            text=body,
            rating=rating,
            author=store.actor,
            created_at=store.now(),
        )
        s.add(note)
        s.flush()
        return note


def _ensure_notes_open(interview: Interview) -> None:
    """Notes are taken once the session has started, and typed up after it until handover."""
    state = IS(interview.state)
    if state == IS.scheduled:
        raise RuleError(
            _(
                "interview {id} has not started: start its session first (session start {id}; "
                'for a session held on paper, session start {id} --at "YYYY-MM-DD HH:MM")'
            ).format(id=interview.id)
        )
    if state == IS.cancelled:
        from granskning.domain.workflow import INTERVIEW_STATE_LABELS

        raise RuleError(
            _("interview {id} is {state}: its notes are closed").format(
                id=interview.id, state=_(INTERVIEW_STATE_LABELS[state])
            )
        )


def _get_note(session: Session, note_id: int) -> Note:
    note = session.get(Note, note_id)
    if note is None:
        raise NotFoundError(_("note {id} does not exist").format(id=note_id))
    if note.removed_at is not None:
        raise RuleError(
            _("note {id} was removed on {date}").format(
                id=note_id, date=format_local(note.removed_at)
            )
        )
    return note


def edit_note(store: Store, note_id: int, text: str) -> Note:
    """Correct a note's text; the audit event keeps the text it had.

    Refused once the review is handed over. A rating note may be left without text.
    """
    with store.atomic() as s:
        note = _get_note(s, note_id)
        body = check_note_text(text, note.rating)  # the rules of note add, its rating kept
        interview, review, _plan = _load(s, note.interview_id)
        ensure_editable(review)
        if body == note.text:
            return note
        previous = note.text
        note.text = body
        note.edited_at = store.now()
        s.add(note)
        record(
            s,
            store,
            entity="note",
            action="edit",
            review_id=review.id,
            interview_id=interview.id,
            data={"note": note.uid},
            comment=previous,  # the text as it was: free text, redactable beside the chain
        )
        s.flush()
        return note


def remove_note(store: Store, note_id: int, reason: str) -> Note:
    """Remove a note with a reason: it leaves note lists, the session screen and reports.

    The row stays (marked removed) and the audit event keeps its text and the reason.
    Refused once the review is handed over.
    """
    why = " ".join((reason or "").split())
    if not why:
        raise InputError(_("a reason is required (--reason)"))
    with store.atomic() as s:
        note = _get_note(s, note_id)
        interview, review, _plan = _load(s, note.interview_id)
        ensure_editable(review)
        note.removed_at = store.now()
        s.add(note)
        record(
            s,
            store,
            entity="note",
            action="remove",
            review_id=review.id,
            interview_id=interview.id,
            data={"note": note.uid},
            # the reason and the text removed: free text, redactable beside the chain
            comment=f"{why}\n\n{note.text}",
        )
        s.flush()
        return note


def check_note_text(text: str | None, rating: int | None) -> str:
    """The note's text as it is stored (stripped), or an InputError: too long, control
    characters, a rating other than 1-4, empty without a rating."""
    body = check_text((text or "").strip(), _("the note"))
    if len(body) > TEXT_LIMIT:
        raise InputError(_("the note is longer than {n} characters").format(n=TEXT_LIMIT))
    if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4)):
        raise InputError(_("a rating is 1, 2, 3 or 4 (got {value})").format(value=rating))
    if not body and rating is None:
        raise InputError(_("the note is empty"))
    return body


def check_note_question(plan: Plan, question_id: str | None, rating: int | None) -> None:
    """Refuse a question the interview's plan does not ask, and a rating on a question that
    is not a rating question (InputError)."""
    step = None
    if question_id is not None:
        step = plan.step(question_id)
        if step is None:
            _step_or_error(plan, question_id)
    if rating is not None and (step is None or step.question.kind != "rating"):
        raise InputError(
            _("{question} is not a rating question: --rating is only for those").format(
                question=question_id or _("a free observation")
            )
        )


def note_dict(note: Note, plan: Plan | None = None) -> dict[str, Any]:
    """A note as ``note list --json`` shows it."""
    step = plan.step(note.question_id) if plan else None
    return {
        "id": note.id,
        "uid": note.uid,
        "interview": note.interview_id,
        "question": note.question_id,
        "block": step.block.id if step else None,
        "text": note.text,
        "rating": note.rating,
        "author": note.author,
        "created": format_local(note.created_at),
        "edited": format_local(note.edited_at),
    }


def list_notes(
    store: Store, interview_id: int, question_id: str | None = None
) -> list[dict[str, Any]]:
    """The notes of an interview in the order they were written (optionally one question's);
    removed notes are left out."""
    with store.read() as s:
        interview, _review, plan = _load(s, interview_id)
        query = select(Note).where(
            Note.interview_id == interview_id, col(Note.removed_at).is_(None)
        )
        if question_id is not None:
            query = query.where(Note.question_id == question_id)
        rows = s.exec(query.order_by(col(Note.created_at), col(Note.id))).all()
        return [note_dict(n, plan) for n in rows]


__all__ = [
    "Plan",
    "Step",
    "Timeline",
    "add_note",
    "check_note_question",
    "check_note_text",
    "clock_text",
    "compute_status",
    "edit_note",
    "end",
    "goto",
    "goto_block",
    "level",
    "list_notes",
    "load_plan",
    "next_question",
    "note_dict",
    "pause",
    "plan_for",
    "previous_question",
    "remove_note",
    "resume",
    "start",
    "status",
    "timeline",
]
