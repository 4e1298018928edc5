"""The review and interview state machines: states and transitions as data, guards as reasons.

Each guard looks at a snapshot of facts (gathered by the capability modules from the store)
and returns the reasons the action is blocked, as sentences a person can read; no reasons
means allowed. One ``transitions`` machine serves every review: a plain object is added to
it for the moment of a transition and removed again (never a SQLModel row, whose pydantic
base rejects the trigger attributes). ``auto_transitions=False`` so nothing skips a guard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from granskning.domain.enums import InterviewState, ReviewState, Role
from granskning.domain.errors import RuleError
from granskning.domain.i18n import _
from granskning.domain.labels import (
    INTERVIEW_STATE_LABELS as INTERVIEW_STATE_LABELS,
    STATE_LABELS as STATE_LABELS,
)
from granskning.domain.timefmt import to_local

S = ReviewState
OPEN_STATES = [s for s in ReviewState if s not in (S.closed, S.cancelled)]
# From handover on, the review's content is frozen: it is what was handed over.
FROZEN_STATES = frozenset({S.handed_over, S.follow_up_scheduled, S.followed_up, S.closed})

REVIEW_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "confirm_schedule", "source": S.planned, "dest": S.scheduled},
    {"trigger": "start_visit", "source": S.scheduled, "dest": S.visiting},
    {"trigger": "finish_visit", "source": S.visiting, "dest": S.drafting},
    {"trigger": "hand_over", "source": S.drafting, "dest": S.handed_over},
    {"trigger": "schedule_seminar", "source": S.handed_over, "dest": S.follow_up_scheduled},
    {"trigger": "hold_seminar", "source": S.follow_up_scheduled, "dest": S.followed_up},
    {"trigger": "close", "source": S.followed_up, "dest": S.closed},
    {"trigger": "reopen", "source": S.handed_over, "dest": S.drafting},
    {"trigger": "cancel", "source": OPEN_STATES, "dest": S.cancelled},
]
REVIEW_ACTIONS = [t["trigger"] for t in REVIEW_TRANSITIONS]
# the actions that step a review back or out, never its next step
_SIDE_ACTIONS = frozenset({"reopen", "cancel"})


def next_step(state: str) -> str | None:
    """The action that takes a review in ``state`` forward (None once it has ended)."""
    for t in REVIEW_TRANSITIONS:
        if t["trigger"] not in _SIDE_ACTIONS and t["source"] == state:
            return str(t["trigger"])
    return None


IS = InterviewState
INTERVIEW_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "start", "source": IS.scheduled, "dest": IS.running},
    {"trigger": "pause", "source": IS.running, "dest": IS.paused},
    {"trigger": "resume", "source": IS.paused, "dest": IS.running},
    {"trigger": "end", "source": [IS.running, IS.paused], "dest": IS.completed},
    {"trigger": "cancel", "source": [IS.scheduled, IS.running, IS.paused], "dest": IS.cancelled},
]
INTERVIEW_ACTIONS = [t["trigger"] for t in INTERVIEW_TRANSITIONS]

# -- facts the guards look at --------------------------------------------------------------


@dataclass(frozen=True)
class InterviewFacts:
    id: int
    state: InterviewState
    start: datetime
    minutes: int
    moderator_id: int | None = None
    note_taker_id: int | None = None
    timekeeper_id: int | None = None
    cancel_reason: str | None = None
    place: str | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def staff(self) -> set[int]:
        return {p for p in (self.moderator_id, self.note_taker_id, self.timekeeper_id) if p}


@dataclass(frozen=True)
class Booking:
    """A team member's interview in any review, for double-booking checks."""

    person_id: int
    person_name: str
    interview_id: int
    review_id: int
    start: datetime
    minutes: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass
class ReviewFacts:
    """Everything the review guards need, gathered in one read."""

    state: ReviewState
    roles: dict[Role, list[int]] = field(default_factory=dict)
    interviews: list[InterviewFacts] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    texts: set[str] = field(default_factory=set)  # report sections that have text
    block_ids: list[str] = field(default_factory=list)
    blocks_with_findings: set[str] = field(default_factory=set)
    seminar_start: datetime | None = None
    items_without_status: list[int] = field(default_factory=list)
    has_items: bool = False
    # the clock (aware UTC) when the facts were read: events cannot happen in the future
    now: datetime | None = None


@dataclass(frozen=True)
class ActionParams:
    reason: str | None = None
    # the day the action took place (entered afterwards); for schedule_seminar, the seminar's day
    date: date | None = None
    # schedule_seminar: the seminar's start (aware UTC) and place, set by ``seminar schedule``
    start: datetime | None = None
    place: str | None = None


def _needs_reason(_facts: ReviewFacts, params: ActionParams) -> list[str]:
    if not (params.reason or "").strip():
        return [_("a reason is required (--reason)")]
    return []


def double_bookings(bookings: Iterable[Booking]) -> list[tuple[Booking, Booking]]:
    """Pairs of bookings where one person is in two interviews at overlapping times."""
    by_person: dict[int, list[Booking]] = {}
    for b in bookings:
        by_person.setdefault(b.person_id, []).append(b)
    clashes = []
    for items in by_person.values():
        items.sort(key=lambda b: (b.start, b.interview_id))
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if b.start >= a.end:
                    break
                if b.interview_id != a.interview_id:
                    clashes.append((a, b))
    return clashes


def _guard_confirm_schedule(facts: ReviewFacts, _params: ActionParams) -> list[str]:
    reasons = []
    if not facts.roles.get(Role.lead):
        reasons.append(_("no lead (granskningsledare) is assigned"))
    if not facts.roles.get(Role.secretary):
        reasons.append(_("no secretary is assigned"))
    live = [i for i in facts.interviews if i.state != IS.cancelled]
    if not live:
        reasons.append(_("no interview is scheduled"))
    for iv in live:
        if not iv.moderator_id:
            reasons.append(_("interview {id} has no moderator").format(id=iv.id))
        if not iv.note_taker_id:
            reasons.append(_("interview {id} has no note-taker").format(id=iv.id))
    for a, b in double_bookings(facts.bookings):
        reasons.append(
            _("{name} is double-booked: interview {a} and interview {b} overlap").format(
                name=a.person_name, a=a.interview_id, b=b.interview_id
            )
        )
    return reasons


def _guard_finish_visit(facts: ReviewFacts, _params: ActionParams) -> list[str]:
    reasons = []
    for iv in facts.interviews:
        if iv.state == IS.cancelled and not (iv.cancel_reason or "").strip():
            reasons.append(_("interview {id} is cancelled without a reason").format(id=iv.id))
        elif iv.state not in (IS.completed, IS.cancelled):
            reasons.append(_("interview {id} is neither completed nor cancelled").format(id=iv.id))
    return reasons


def _guard_hand_over(facts: ReviewFacts, _params: ActionParams) -> list[str]:
    reasons = []
    if "summary" not in facts.texts:
        reasons.append(_("the summary (sammanfattning) is not written"))
    if "reflections" not in facts.texts:
        reasons.append(_("the reviewers' reflections are not written"))
    for block in facts.block_ids:
        if block not in facts.blocks_with_findings:
            reasons.append(
                _('block "{block}" has no finding and no explicit "no findings"').format(
                    block=block
                )
            )
    return reasons


def _guard_schedule_seminar(facts: ReviewFacts, params: ActionParams) -> list[str]:
    if params.date is None and params.start is None and facts.seminar_start is None:
        return [_("the seminar needs a date (--date or seminar schedule)")]
    return []


def _guard_hold_seminar(facts: ReviewFacts, params: ActionParams) -> list[str]:
    reasons = []
    start = facts.seminar_start
    if start is not None and facts.now is not None:
        local_start = _local(start)
        # held on --date (a day), else now (a moment): never before the seminar's start
        early = (
            params.date < local_start.date()
            if params.date is not None
            else _local(facts.now) < local_start
        )
        if early:
            reasons.append(
                _("the seminar is scheduled for {start}; it cannot be held before then").format(
                    start=local_start.strftime("%Y-%m-%d %H:%M")
                )
            )
    if facts.items_without_status:
        ids = ", ".join(str(i) for i in facts.items_without_status)
        reasons.append(_("checklist items without a status: {ids}").format(ids=ids))
    return reasons


def _local(value: datetime) -> datetime:
    return to_local(value)


# The actions whose --date names another day than the action's own (the seminar's day).
DATE_NAMES_ANOTHER_DAY = frozenset({"schedule_seminar"})


def dated_in_future(action: str, facts: ReviewFacts, params: ActionParams) -> list[str]:
    """An action is dated on the day it happens: never after today."""
    if action in DATE_NAMES_ANOTHER_DAY or params.date is None or facts.now is None:
        return []
    today = _local(facts.now).date()
    if params.date > today:
        return [
            _(
                "--date {date} is after today ({today}); an action is dated on the day it happened"
            ).format(date=params.date.isoformat(), today=today.isoformat())
        ]
    return []


Guard = Callable[[ReviewFacts, ActionParams], list[str]]

REVIEW_GUARDS: dict[str, Guard] = {
    "confirm_schedule": _guard_confirm_schedule,
    "finish_visit": _guard_finish_visit,
    "hand_over": _guard_hand_over,
    "schedule_seminar": _guard_schedule_seminar,
    "hold_seminar": _guard_hold_seminar,
    "reopen": _needs_reason,
    "cancel": _needs_reason,
}


def _sources(transitions: list[dict[str, Any]], trigger: str) -> list[Any]:
    for t in transitions:
        if t["trigger"] == trigger:
            src = t["source"]
            return list(src) if isinstance(src, list) else [src]
    raise KeyError(trigger)


def review_block_reasons(action: str, facts: ReviewFacts, params: ActionParams) -> list[str]:
    """Why ``action`` cannot be taken now (empty: it can)."""
    if action not in REVIEW_ACTIONS:
        raise KeyError(action)
    if facts.state not in _sources(REVIEW_TRANSITIONS, action):
        return [
            _("not possible while the review is {state}").format(state=_(STATE_LABELS[facts.state]))
        ]
    guard = REVIEW_GUARDS.get(action)
    return dated_in_future(action, facts, params) + (guard(facts, params) if guard else [])


@dataclass
class _Subject:
    """The plain object a machine drives for the length of one transition."""

    facts: Any
    params: Any
    check: Callable[[str, Any, Any], list[str]]
    state: Any = None
    reasons: list[str] = field(default_factory=list)

    def passes(self, event: Any) -> bool:
        self.reasons = self.check(event.event.name, self.facts, self.params)
        return not self.reasons


def _machine(states: type, transitions: list[dict[str, Any]]) -> Any:
    # imported here: commands that never change a state (note add) skip loading transitions
    from transitions import Machine

    return Machine(
        model=None,
        states=states,
        transitions=[{**t, "conditions": "passes"} for t in transitions],
        initial=None,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )


@cache
def _review_machine() -> Any:
    return _machine(ReviewState, REVIEW_TRANSITIONS)


def fire_review(action: str, facts: ReviewFacts, params: ActionParams) -> ReviewState:
    """Take ``action`` on a review described by ``facts``; the new state, or a RuleError."""
    if action not in REVIEW_ACTIONS:
        raise KeyError(action)
    subject = _Subject(facts, params, review_block_reasons)
    return ReviewState(_fire(_review_machine(), subject, action, facts.state))


def _fire(machine: Any, subject: _Subject, action: str, state: Any) -> Any:
    """Run ``action`` on ``subject`` through ``machine``; its new state, or a RuleError."""
    reasons = subject.check(action, subject.facts, subject.params)
    if reasons:
        raise RuleError("; ".join(reasons))
    machine.add_model(subject, initial=state)
    try:
        if not subject.trigger(action):  # type: ignore[attr-defined]
            raise RuleError("; ".join(subject.reasons))
        return subject.state
    finally:
        machine.remove_model(subject)


# -- interviews ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewContext:
    state: InterviewState
    review_state: ReviewState
    reason: str | None = None


def interview_block_reasons(action: str, ctx: InterviewContext, _params: Any = None) -> list[str]:
    """Why an interview action cannot be taken now (empty: it can)."""
    if ctx.state not in _sources(INTERVIEW_TRANSITIONS, action):
        return [
            _("not possible while the interview is {state}").format(
                state=_(INTERVIEW_STATE_LABELS[ctx.state])
            )
        ]
    if action == "start" and ctx.review_state not in (S.scheduled, S.visiting):
        return [
            _("the review is {state}: sessions run once the schedule is confirmed").format(
                state=_(STATE_LABELS[ctx.review_state])
            )
        ]
    if action == "cancel" and not (ctx.reason or "").strip():
        return [_("a reason is required (--reason)")]
    return []


@cache
def _interview_machine() -> Any:
    return _machine(InterviewState, INTERVIEW_TRANSITIONS)


def fire_interview(action: str, ctx: InterviewContext) -> InterviewState:
    """Take ``action`` on an interview; the new state, or a RuleError with the reasons."""
    if action not in INTERVIEW_ACTIONS:
        raise KeyError(action)
    subject = _Subject(ctx, None, interview_block_reasons)
    return InterviewState(_fire(_interview_machine(), subject, action, ctx.state))


def diagram(fmt: str = "mermaid", current: ReviewState | None = None) -> str:
    """The review life cycle as Mermaid or Graphviz dot source, drawn from the transitions.

    :param current: a review's state, marked as where that review stands (None: no state
        is marked).
    """
    edges: list[tuple[str, str, str]] = []
    for t in REVIEW_TRANSITIONS:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        label = t["trigger"] + (
            " (reason)" if REVIEW_GUARDS.get(t["trigger"]) is _needs_reason else ""
        )
        edges.extend((src.value, t["dest"].value, label) for src in sources)
    first = ReviewState.planned.value
    if fmt == "mermaid":
        lines = ["stateDiagram-v2", f"  [*] --> {first}"]
        lines += [f"  {a} --> {b}: {label}" for a, b, label in edges]
        if current is not None:
            lines += [
                "  classDef current font-weight:bold,stroke-width:3px",
                f"  class {current.value} current",
            ]
        return "\n".join(lines)
    lines = [
        "digraph review {",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
        "  start [shape=point];",
        f"  start -> {first};",
    ]
    if current is not None:
        lines.append(f'  {current.value} [style="rounded,bold", penwidth=3];')
    lines += [f'  {a} -> {b} [label="{label}"];' for a, b, label in edges]
    lines.append("}")
    return "\n".join(lines)
