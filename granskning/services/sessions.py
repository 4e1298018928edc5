"""The question session: its clock, its position, and the notes taken in it.

Nothing about a running session lives in process memory. Start, pause, resume, end and
every move to another question are stored as :class:`~granskning.storage.model.SessionEvent`
rows; elapsed time, the current question and the overruns are computed from those rows
and ``store.now()``. A laptop that crashes mid-session resumes at the same question with
the same clock. Every note is committed the moment it is entered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any, Protocol

from sqlalchemy import Row, event as sa_event, select as sa_select
from sqlmodel import Session, col, select

from granskning.domain import events, templates
from granskning.domain.errors import InputError, RuleError, refuse
from granskning.domain.events import SessionStarted
from granskning.domain.i18n import _
from granskning.domain.session_rules import (
    LIVE_STATES,
    TEXT_LIMIT,
    check_note_text,
    check_reason,
    move_reasons,
    notes_closed_reasons,
    paper_time_reasons,
    removed_note_reasons,
)
from granskning.domain.timefmt import clock_text, format_local
from granskning.domain.workflow import ActionParams, InterviewContext, fire_interview
from granskning.services.reviews import ensure_editable, ensure_editable_in, take_action
from granskning.storage.model import (
    Interview,
    InterviewState,
    Note,
    Review,
    ReviewState,
    SessionEvent,
    SessionEventKind,
)
from granskning.storage.queries import get, in_time_order, pinned_template
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

IS = InterviewState
K = SessionEventKind

# Near the budget: the last tenth of it, but never less than two minutes.
NEAR_FRACTION = 0.10
NEAR_MIN_S = 120
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


# What each kind of step does to the clock: runs it or stops it (a move leaves it as it is).
_RUNS: dict[str, bool] = {K.start: True, K.pause: False, K.resume: True, K.end: False}
# The kinds of step that name the question the session is at.
_POSITIONS = frozenset({K.start, K.goto})


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

    def run(self, plan: Plan, since: datetime | None, moment: datetime) -> None:
        """Count the time from ``since`` to ``moment`` if the clock was running, on the
        session, its current block and its current question."""
        if not self.running or since is None:
            return
        span = max(0.0, (moment - since).total_seconds())
        self.elapsed_s += span
        step = plan.step(self.question_id)
        if step is not None:
            bid, qid = step.block.id, step.question.id
            self.block_elapsed_s[bid] = self.block_elapsed_s.get(bid, 0.0) + span
            self.question_elapsed_s[qid] = self.question_elapsed_s.get(qid, 0.0) + span

    def take(self, plan: Plan, ev: EventLike) -> None:
        """Take the step ``ev``: the clock runs or stops, the position moves."""
        self.running = _RUNS.get(ev.kind, self.running)
        if ev.kind == K.start:
            self.started = self.started or ev.at
        if ev.kind == K.end:
            self.ended = ev.at
        if ev.kind in _POSITIONS and ev.question_id and plan.step(ev.question_id):
            self.question_id = ev.question_id


def timeline(events: Iterable[EventLike], plan: Plan, now: datetime) -> Timeline:
    """Replay ``events`` (in order) up to ``now``: elapsed time in total, per block, per question.

    Only running time counts; time between a pause and a resume does not. Events after
    the end are ignored. The position is the question of the last event that names one.
    """
    first = plan.steps[0].question.id if plan.steps else None
    t = Timeline(question_id=first)
    since: datetime | None = None
    for ev in events:
        if t.ended is not None:
            break
        t.run(plan, since, ev.at)
        since = ev.at
        t.take(plan, ev)
    t.run(plan, since, now)
    return t


def near_s(budget_s: float) -> int:
    """Seconds left of ``budget_s`` when a clock turns ``near``: the last tenth, at least
    two minutes."""
    return int(max(NEAR_FRACTION * budget_s, NEAR_MIN_S))


def level(budget_s: float, elapsed_s: float) -> str:
    """``ok``, ``near`` (the last tenth of the budget, at least two minutes) or ``over``."""
    remaining = budget_s - elapsed_s
    if remaining < 0:
        return "over"
    if remaining <= near_s(budget_s):
        return "near"
    return "ok"


# -- the status: a table of parts, each a few keys of the answer in order -------------------


# The message of each warning by scope and level, from the budget, the elapsed time and the
# block's title.
_WARNINGS: dict[tuple[str, str], Callable[[int, int, str | None], str]] = {
    ("session", "near"): lambda budget, elapsed, _block: _("{left} left of the session").format(
        left=clock_text(budget - elapsed)
    ),
    ("session", "over"): lambda budget, elapsed, _block: _(
        "the session is {over} past its time"
    ).format(over=clock_text(elapsed - budget)),
    ("block", "near"): lambda budget, elapsed, block: _("{left} left of block {block}").format(
        left=clock_text(budget - elapsed), block=block
    ),
    ("block", "over"): lambda budget, elapsed, block: _(
        "block {block} is {over} past its budget"
    ).format(block=block, over=clock_text(elapsed - budget)),
}


def _warning(
    scope: str, lvl: str, budget: int, elapsed: int, block: str | None
) -> list[dict[str, Any]]:
    if lvl == "ok":
        return []
    return [
        {"scope": scope, "level": lvl, "message": _WARNINGS[scope, lvl](budget, elapsed, block)}
    ]


@dataclass(frozen=True)
class _Moment:
    """What the parts of a status read: the interview, its plan, its timeline at ``now``."""

    interview: Interview
    plan: Plan
    t: Timeline
    now: datetime

    @cached_property
    def step(self) -> Step | None:
        return self.plan.step(self.t.question_id)

    @property
    def block(self) -> templates.Block | None:
        return self.step.block if self.step else None

    @property
    def elapsed(self) -> int:
        return int(self.t.elapsed_s)

    @property
    def budget(self) -> int:
        return self.interview.minutes * 60

    def block_clock(self, block: templates.Block | None) -> tuple[int, int]:
        """The budget and the elapsed time of ``block`` (none: 0, 0), in whole seconds."""
        if block is None:
            return 0, 0
        return block.minutes * 60, int(self.t.block_elapsed_s.get(block.id, 0.0))

    @property
    def session_level(self) -> str:
        return level(self.budget, self.elapsed)

    @property
    def block_level(self) -> str:
        return level(*self.block_clock(self.block)) if self.block else "ok"


def _who(m: _Moment) -> dict[str, Any]:
    i = m.interview
    return {
        "id": i.id,
        "interview": i.id,
        "review": i.review_id,
        "state": i.state,
        "group": m.plan.group.id,
        "group_name": m.plan.group.name(),
    }


def _question(m: _Moment) -> dict[str, Any]:
    if m.step is None:
        return dict.fromkeys(("question", "question_text", "question_kind")) | {
            "followups": [],
            "scale": [],
        }
    q = m.step.question
    return {
        "question": q.id,
        "question_text": q.text,
        "question_kind": q.kind,
        "followups": list(q.followups),
        "scale": [{"value": s.value, "label": s.label} for s in q.scale or []],
    }


def _position(m: _Moment) -> dict[str, Any]:
    step, block, blocks = m.step, m.block, m.plan.blocks
    block_steps = [s for s in m.plan.steps if block and s.block.id == block.id]
    return {
        "question_number": step.index + 1 if step else 0,
        "question_count": len(m.plan.steps),
        "block_question_number": block_steps.index(step) + 1 if step in block_steps else 0,
        "block_question_count": len(block_steps),
        "block": block.id if block else None,
        "block_title": block.title if block else None,
        "block_number": blocks.index(block) + 1 if block else 0,
        "block_count": len(blocks),
    }


def _clock(m: _Moment) -> dict[str, Any]:
    t = m.t
    wall = (t.ended or m.now) - t.started if t.started else timedelta(0)
    b_budget, b_elapsed = m.block_clock(m.block)
    return {
        "elapsed_s": m.elapsed,
        "remaining_s": m.budget - m.elapsed,
        "budget_s": m.budget,
        "block_elapsed_s": b_elapsed,
        "block_remaining_s": b_budget - b_elapsed,
        "block_budget_s": b_budget,
        "paused_s": max(0, int(wall.total_seconds()) - m.elapsed),
        "session_level": m.session_level,
        "block_level": m.block_level,
    }


def _overruns(m: _Moment) -> dict[str, Any]:
    clocks: list[tuple[str, str | None, int, int]] = [("session", None, m.budget, m.elapsed)]
    clocks += [("block", b.id, *m.block_clock(b)) for b in m.plan.blocks]
    return {
        "overruns": [
            {
                "scope": scope,
                "block": block,
                "budget_s": budget,
                "elapsed_s": elapsed,
                "over_s": elapsed - budget,
            }
            for scope, block, budget, elapsed in clocks
            if elapsed > budget
        ]
    }


def _warnings(m: _Moment) -> dict[str, Any]:
    warnings: list[dict[str, Any]] = []
    if m.interview.state in LIVE_STATES:
        warnings += _warning("session", m.session_level, m.budget, m.elapsed, None)
        if m.block is not None:
            block_clock = m.block_clock(m.block)
            warnings += _warning("block", m.block_level, *block_clock, m.block.title)
    return {"warnings": warnings}


def _blocks(m: _Moment) -> dict[str, Any]:
    rows = []
    for b in m.plan.blocks:
        budget, elapsed = m.block_clock(b)
        rows.append(
            {
                "id": b.id,
                "title": b.title,
                "budget_s": budget,
                "elapsed_s": elapsed,
                "over_s": max(0, elapsed - budget),
            }
        )
    return {"blocks": rows}


def _times(m: _Moment) -> dict[str, Any]:
    return {
        "started": format_local(m.t.started),
        "ended": format_local(m.t.ended),
        "now": format_local(m.now),
    }


# The parts of a session's status, in the order of its keys.
STATUS_PARTS: tuple[Callable[[_Moment], dict[str, Any]], ...] = (
    _who,
    _question,
    _position,
    _clock,
    _overruns,
    _warnings,
    _blocks,
    _times,
)


def compute_status(
    interview: Interview, plan: Plan, events: Sequence[EventLike], now: datetime
) -> dict[str, Any]:
    """The status of a session at ``now``: the pure part of :func:`status`."""
    moment = _Moment(interview, plan, timeline(events, plan, now), now)
    status: dict[str, Any] = {}
    for part in STATUS_PARTS:
        status |= part(moment)
    return status


def _events(session: Session, interview_id: int) -> list[SessionEvent]:
    return in_time_order(session, SessionEvent, SessionEvent.interview_id == interview_id)


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


# -- who follows a session: told after every committed change of it -------------------------

# The PostgreSQL channel every change of a session is announced on (payload: the interview
# id), so that each process's web pages hear of changes made by any process, the CLI's too;
# the database's triggers send it (migration 0012, which spells the name out).
CHANNEL = "granskning_live"
# Told the interview id after a change of its session commits in this process.
_FOLLOWERS: list[Callable[[int], None]] = []


def follow(listener: Callable[[int], None]) -> None:
    """Tell ``listener`` the interview id after every change of a session (its start,
    pause, move, note...) commits in this process."""
    if listener not in _FOLLOWERS:
        _FOLLOWERS.append(listener)


def unfollow(listener: Callable[[int], None]) -> None:
    """Stop telling ``listener`` (see :func:`follow`)."""
    if listener in _FOLLOWERS:
        _FOLLOWERS.remove(listener)


def announce(work: Work, interview_id: int) -> None:
    """Say that the session of ``interview_id`` changed, once this transaction commits, to
    this process's followers. Other processes learn it from PostgreSQL: the triggers on
    ``note`` and ``session_event`` (migration 0012) send NOTIFY on :data:`CHANNEL` in the
    transaction that wrote the row (delivered at commit, never after a rollback)."""

    def committed(_session: Session) -> None:
        for listener in list(_FOLLOWERS):
            listener(interview_id)

    sa_event.listen(work.session, "after_commit", committed, once=True)


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


def _note_target(session: Session, interview_id: int) -> Row[Any]:
    """What a note needs of its interview and review, in one round trip: the columns alone
    (a note is the most frequent write). On PostgreSQL it locks the interview's row: the
    notes of an interview commit in the order of their ids (a live page's cursor relies on
    it, see session_live), so its writers take turns (SQLite has one writer anyway)."""
    row = session.execute(
        sa_select(
            col(Interview.state),
            col(Interview.group_id),
            col(Interview.minutes),
            col(Review.id).label("review_id"),
            col(Review.state).label("review_state"),
            col(Review.template_content).label("template"),
        )
        .join(Review, col(Review.id) == Interview.review_id)
        .where(col(Interview.id) == interview_id)
        .with_for_update(of=Interview)
    ).first()
    if row is None:
        get(session, Interview, interview_id)  # raises the NotFoundError
        raise AssertionError("an interview without its review")  # pragma: no cover
    return row


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
    announce(work, interview_id)
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


def _paper_time(at: datetime, now: datetime, steps: Sequence[SessionEvent]) -> datetime:
    """The time of a session step held on paper: not in the future, after what came before."""
    if at.tzinfo is None:
        raise InputError(_("the time must carry a time zone"))
    refuse(paper_time_reasons(at, now, (steps[-1].kind, steps[-1].at) if steps else None))
    return at


def _end_summary(st: dict[str, Any]) -> dict[str, Any]:
    # Stored in the audit log as data (whole seconds), rendered in the reader's language.
    return {
        "elapsed": int(st["elapsed_s"]),
        "budget": int(st["budget_s"]),
        "overruns": [{"block": o["block"], "over": int(o["over_s"])} for o in st["overruns"]],
    }


@writes
def start(work: Work, interview_id: int, at: datetime | None = None) -> dict[str, Any]:
    """Start the session at its first question; the first session of a scheduled review
    starts the visit too (``start_visit``), in the same transaction.

    :param at: when a session held on paper started (aware; not in the future); None is now.
        The result's ``far_from_schedule`` says the start is more than a day from the
        scheduled one, ``scheduled`` gives the scheduled start.
    """
    return _transition(work, interview_id, "start", at)


@writes
def pause(work: Work, interview_id: int) -> dict[str, Any]:
    """Pause the clock."""
    return _transition(work, interview_id, "pause")


@writes
def resume(work: Work, interview_id: int) -> dict[str, Any]:
    """Resume the clock."""
    return _transition(work, interview_id, "resume")


@writes
def end(work: Work, interview_id: int, at: datetime | None = None) -> dict[str, Any]:
    """End the session; its overruns go into the audit log.

    :param at: when a session held on paper ended (after its last recorded step, not in the
        future); None is now.
    """
    return _transition(work, interview_id, "end", at)


# Which question a move goes to: from the plan and the current question, or an error.
Pick = Callable[[Plan, Step | None], Step]


def _move(work: Work, interview_id: int, pick: Pick) -> dict[str, Any]:
    """Move a running (or paused) session to the question ``pick`` chooses."""
    s = work.session
    interview, review, plan = _load(s, interview_id)
    refuse(move_reasons(interview_id, IS(interview.state)))
    ensure_editable(review)
    steps = _events(s, interview_id)
    now = work.now()
    current = plan.step(timeline(steps, plan, now).question_id)
    target = pick(plan, current)
    if current is not None and target.question.id == current.question.id:
        return compute_status(interview, plan, steps, now)
    step = SessionEvent(
        interview_id=interview_id, kind=K.goto.value, at=now, question_id=target.question.id
    )
    s.add(step)
    announce(work, interview_id)
    return compute_status(interview, plan, [*steps, step], now)


@writes
def goto(work: Work, interview_id: int, question_id: str) -> dict[str, Any]:
    """Move to the question ``question_id`` (one of the interview's questions)."""

    def pick(plan: Plan, _current: Step | None) -> Step:
        return _step_or_error(plan, question_id)

    return _move(work, interview_id, pick)


@writes
def goto_block(work: Work, interview_id: int, block_id: str) -> dict[str, Any]:
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

    return _move(work, interview_id, pick)


def _next(plan: Plan, current: Step | None) -> Step:
    index = current.index + 1 if current else 0
    if index >= len(plan.steps):
        raise RuleError(_("this is the last question"))
    return plan.steps[index]


def _previous(plan: Plan, current: Step | None) -> Step:
    index = current.index - 1 if current else -1
    if index < 0:
        raise RuleError(_("this is the first question"))
    return plan.steps[index]


@writes
def next_question(work: Work, interview_id: int) -> dict[str, Any]:
    """Move to the next question; a RuleError at the last one."""
    return _move(work, interview_id, _next)


@writes
def previous_question(work: Work, interview_id: int) -> dict[str, Any]:
    """Move to the previous question; a RuleError at the first one."""
    return _move(work, interview_id, _previous)


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


# A note's uid as a client makes it: 32 hex digits, or a UUID's dashed form.
_UUID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def check_note_uid(uid: str) -> str:
    """A note uid sent by a client, in the stored form (32 lowercase hex digits)."""
    value = uid.strip().lower()
    if not _UUID.fullmatch(value):
        raise InputError(
            _("not a UUID: {value} (32 hex digits, or the dashed form)").format(value=uid)
        )
    return value.replace("-", "")


def _note_of_uid(session: Session, uid: str, interview_id: int) -> Note | None:
    """The note stored with ``uid``; an InputError if it belongs to another interview."""
    note = session.exec(select(Note).where(Note.uid == uid)).first()
    if note is not None and note.interview_id != interview_id:
        raise InputError(_("the UUID {uid} belongs to a note of another interview").format(uid=uid))
    return note


@dataclass(frozen=True)
class NoteTaken:
    """What :func:`take_note` did: the note, whether this call stored it (False: it was
    stored before under its UUID) and the interview's plan (the question's text)."""

    note: Note
    new: bool
    plan: Plan


@writes
def take_note(
    work: Work,
    interview_id: int,
    question_id: str | None,
    text: str | None,
    rating: int | None = None,
    uid: str | None = None,
) -> NoteTaken:
    """Write one note, committed at once (its own transaction).

    :param question_id: a question of the interview's group; None for a free observation.
    :param text: the note; may be empty only when a rating is given.
    :param rating: 1-4, only on a rating question.
    :param uid: a UUID the client made (a browser offline, a retried command): a note
        already stored with it is returned as it is and nothing is written, so the same
        note sent twice is stored once. Another interview's uid is an InputError.
    """
    key = check_note_uid(uid) if uid is not None else None
    target = _note_target(work.session, interview_id)
    plan = _plan(target.template, target.group_id, target.minutes)
    if key is not None:
        stored = _note_of_uid(work.session, key, interview_id)
        if stored is not None:
            return NoteTaken(stored, False, plan)
    body = check_note_text(text, rating)
    check_note_question(plan, question_id, rating)
    refuse(notes_closed_reasons(interview_id, IS(target.state)))
    ensure_editable_in(target.review_id, target.review_state)
    note = Note(
        interview_id=interview_id,
        question_id=question_id,
        text=body,
        rating=rating,
        author=work.actor,
        created_at=work.now(),
    )
    if key is not None:
        note.uid = key
    announce(work, interview_id)
    return NoteTaken(work.add(note), True, plan)


def add_note(
    target: Store | Work,
    interview_id: int,
    question_id: str | None,
    text: str | None,
    rating: int | None = None,
    uid: str | None = None,
) -> Note:
    """Write one note, committed at once (see :func:`take_note`); the note."""
    return take_note(target, interview_id, question_id, text, rating, uid).note


def _live_note(work: Work, note_id: int) -> Note:
    """The note with ``note_id``, unless it was removed."""
    note = work.get(Note, note_id)
    refuse(removed_note_reasons(note_id, note.removed_at))
    return note


def _editable_interview(work: Work, note: Note) -> Interview:
    """The interview of ``note``, whose review can still change."""
    interview, review, _plan = _load(work.session, note.interview_id)
    ensure_editable(review)
    return interview


def _changed(
    work: Work,
    change: type[events.NoteEdited | events.NoteRemoved],
    note: Note,
    interview: Interview,
    comment: str,
) -> Note:
    """Store the changed ``note`` and say what happened to it (``comment``: the text the
    audit log keeps beside the chain)."""
    work.add(note)
    announce(work, note.interview_id)
    work.emit(
        change(
            review_id=interview.review_id, interview_id=interview.id, note=note.uid, comment=comment
        )
    )
    return note


@writes
def edit_note(work: Work, note_id: int, text: str) -> Note:
    """Correct a note's text; the audit event keeps the text it had.

    Refused once the review is handed over. A rating note may be left without text.
    """
    note = _live_note(work, note_id)
    body = check_note_text(text, note.rating)  # the rules of note add, its rating kept
    interview = _editable_interview(work, note)
    if body == note.text:
        return note
    previous = note.text
    note.text = body
    note.edited_at = work.now()
    # the text as it was: free text, redactable beside the chain
    return _changed(work, events.NoteEdited, note, interview, previous)


@writes
def remove_note(work: Work, note_id: int, reason: str) -> Note:
    """Remove a note with a reason: it leaves note lists, the session screen and reports.

    The row stays (marked removed) and the audit event keeps its text and the reason.
    Refused once the review is handed over.
    """
    why = check_reason(reason)
    note = _live_note(work, note_id)
    interview = _editable_interview(work, note)
    note.removed_at = work.now()
    # the reason and the text removed: free text, redactable beside the chain
    return _changed(work, events.NoteRemoved, note, interview, f"{why}\n\n{note.text}")


@writes
def quote_note(work: Work, note_id: int, quoted: bool = True) -> Note:
    """Choose a note as a quote for the report's body (``quoted``), or no longer.

    The report shows a quote with its group, never with a name. Choosing it again changes
    nothing; a removed note cannot be quoted, and a handed-over review cannot change.
    """
    note = _live_note(work, note_id)
    interview = _editable_interview(work, note)
    if note.quoted == quoted:
        return note
    note.quoted = quoted
    work.add(note)
    work.emit(
        events.NoteQuoted(
            act="quote" if quoted else "unquote",
            review_id=interview.review_id,
            interview_id=interview.id,
            note=note.uid,
        )
    )
    return note


def review_notes(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The written notes of a review's held interviews on the template's questions, by block
    for the team choosing quotes: each with its group's name, never an interviewee's."""
    with store.read() as s:
        review = get(s, Review, review_id)
        template = pinned_template(review)
        rows = s.exec(
            select(Note, Interview.group_id)
            .join(Interview, col(Interview.id) == Note.interview_id)
            .where(
                Interview.review_id == review_id,
                Interview.state != IS.cancelled.value,
                col(Note.removed_at).is_(None),
                col(Note.question_id).is_not(None),
            )
            .order_by(col(Interview.start), col(Note.created_at), col(Note.id))
        ).all()
    known = {q.id: (b.id, q.text) for b in template.blocks for q in b.questions}
    names = {g.id: g.name(review.language) for g in template.groups}
    return [
        {
            "id": note.id,
            "block": known[note.question_id][0],
            "question": note.question_id,
            "question_text": known[note.question_id][1],
            "group": group,
            "group_name": names.get(group, group),
            "text": note.text,
            "quoted": note.quoted,
        }
        for note, group in rows
        if note.text.strip() and note.question_id in known
    ]


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
        "quoted": note.quoted,
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
    "CHANNEL",
    "Plan",
    "Step",
    "STATUS_PARTS",
    "TEXT_LIMIT",
    "Timeline",
    "add_note",
    "announce",
    "check_note_question",
    "check_note_text",
    "check_note_uid",
    "clock_text",
    "compute_status",
    "edit_note",
    "end",
    "follow",
    "goto",
    "goto_block",
    "level",
    "list_notes",
    "load_plan",
    "NoteTaken",
    "take_note",
    "next_question",
    "note_dict",
    "near_s",
    "pause",
    "plan_for",
    "previous_question",
    "quote_note",
    "review_notes",
    "remove_note",
    "resume",
    "start",
    "status",
    "timeline",
    "unfollow",
]
