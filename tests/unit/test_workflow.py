"""The life-cycle machines as data: every (state, action) pair, guards with reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from granskning.domain.errors import RuleError
from granskning.domain.workflow import (
    FROZEN_STATES,
    REVIEW_ACTIONS,
    ActionParams,
    Booking,
    InterviewContext,
    InterviewFacts,
    ReviewFacts,
    double_bookings,
    fire_interview,
    fire_review,
    review_block_reasons,
)
from granskning.storage.model import InterviewState, ReviewState, Role

S = ReviewState
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def ready_facts(state: ReviewState) -> ReviewFacts:
    """Facts under which every guard passes: only the state decides."""
    return ReviewFacts(
        state=state,
        roles={Role.lead: [1], Role.secretary: [2]},
        interviews=[
            InterviewFacts(
                id=1,
                state=InterviewState.completed,
                start=T0,
                minutes=60,
                moderator_id=1,
                note_taker_id=2,
            )
        ],
        texts={"summary", "reflections"},
        block_ids=["a"],
        blocks_with_findings={"a"},
        seminar_start=T0,
    )


# (state, action) -> destination, or None where the action is not possible in that state
EXPECTED = {
    (S.planned, "confirm_schedule"): S.scheduled,
    (S.scheduled, "start_visit"): S.visiting,
    (S.visiting, "finish_visit"): S.drafting,
    (S.drafting, "hand_over"): S.handed_over,
    (S.handed_over, "schedule_seminar"): S.follow_up_scheduled,
    (S.follow_up_scheduled, "hold_seminar"): S.followed_up,
    (S.followed_up, "close"): S.closed,
    (S.handed_over, "reopen"): S.drafting,
    **{(s, "cancel"): S.cancelled for s in S if s not in (S.closed, S.cancelled)},
}
PARAMS = ActionParams(reason="because", date=date(2026, 9, 1))


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", REVIEW_ACTIONS)
def test_every_state_action_pair(state: ReviewState, action: str) -> None:
    facts = ready_facts(state)
    expected = EXPECTED.get((state, action))
    reasons = review_block_reasons(action, facts, PARAMS)
    if expected is None:
        assert reasons and "not possible while the review is" in reasons[0]
        with pytest.raises(RuleError):
            fire_review(action, facts, PARAMS)
    else:
        assert reasons == []
        assert fire_review(action, facts, PARAMS) == expected


@pytest.mark.parametrize(
    ("action", "facts", "params", "reason"),
    [
        (
            "confirm_schedule",
            ReviewFacts(state=S.planned),
            PARAMS,
            "no lead (granskningsledare) is assigned",
        ),
        ("confirm_schedule", ReviewFacts(state=S.planned), PARAMS, "no secretary is assigned"),
        ("confirm_schedule", ReviewFacts(state=S.planned), PARAMS, "no interview is scheduled"),
        (
            "confirm_schedule",
            ReviewFacts(
                state=S.planned,
                interviews=[
                    InterviewFacts(id=4, state=InterviewState.scheduled, start=T0, minutes=60)
                ],
            ),
            PARAMS,
            "interview 4 has no moderator",
        ),
        (
            "finish_visit",
            ReviewFacts(
                state=S.visiting,
                interviews=[
                    InterviewFacts(id=4, state=InterviewState.scheduled, start=T0, minutes=60)
                ],
            ),
            PARAMS,
            "interview 4 is neither completed nor cancelled",
        ),
        (
            "hand_over",
            ReviewFacts(state=S.drafting),
            PARAMS,
            "the summary (sammanfattning) is not written",
        ),
        (
            "hand_over",
            ReviewFacts(state=S.drafting),
            PARAMS,
            "the reviewers' reflections are not written",
        ),
        (
            "hand_over",
            ReviewFacts(state=S.drafting, block_ids=["framtid"]),
            PARAMS,
            'block "framtid" has no finding and no explicit "no findings"',
        ),
        (
            "schedule_seminar",
            ReviewFacts(state=S.handed_over),
            ActionParams(),
            "the seminar needs a date",
        ),
        (
            "hold_seminar",
            ReviewFacts(state=S.follow_up_scheduled, items_without_status=[3, 5]),
            PARAMS,
            "checklist items without a status: 3, 5",
        ),
        ("cancel", ReviewFacts(state=S.planned), ActionParams(), "a reason is required"),
        (
            "reopen",
            ReviewFacts(state=S.handed_over),
            ActionParams(reason="  "),
            "a reason is required",
        ),
    ],
)
def test_guards_explain_themselves(
    action: str, facts: ReviewFacts, params: ActionParams, reason: str
) -> None:
    reasons = review_block_reasons(action, facts, params)
    assert any(reason in r for r in reasons), reasons
    with pytest.raises(RuleError, match=reason.split("(")[0].strip()):
        fire_review(action, facts, params)


def test_double_booking_is_found() -> None:
    a = Booking(1, "Anna", 10, 1, T0, 60)
    b = Booking(1, "Anna", 11, 2, T0.replace(hour=8, minute=30), 60)
    c = Booking(1, "Anna", 12, 2, T0.replace(hour=9), 60)  # starts when a ends: fine
    assert double_bookings([a, b, c]) == [(a, b), (b, c)]
    facts = ready_facts(S.planned)
    facts.bookings = [a, b]
    assert "Anna is double-booked: interview 10 and interview 11 overlap" in review_block_reasons(
        "confirm_schedule", facts, PARAMS
    )


def test_frozen_states_are_from_handover_on() -> None:
    assert FROZEN_STATES == {S.handed_over, S.follow_up_scheduled, S.followed_up, S.closed}


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (InterviewState.scheduled, "start", InterviewState.running),
        (InterviewState.running, "pause", InterviewState.paused),
        (InterviewState.paused, "resume", InterviewState.running),
        (InterviewState.running, "end", InterviewState.completed),
        (InterviewState.paused, "end", InterviewState.completed),
        (InterviewState.scheduled, "cancel", InterviewState.cancelled),
        (InterviewState.completed, "start", None),
        (InterviewState.scheduled, "pause", None),
        (InterviewState.completed, "cancel", None),
        (InterviewState.cancelled, "resume", None),
    ],
)
def test_interview_machine(
    state: InterviewState, action: str, expected: InterviewState | None
) -> None:
    ctx = InterviewContext(state=state, review_state=S.visiting, reason="sjuk")
    if expected is None:
        with pytest.raises(RuleError):
            fire_interview(action, ctx)
    else:
        assert fire_interview(action, ctx) == expected


def test_session_needs_confirmed_schedule() -> None:
    ctx = InterviewContext(state=InterviewState.scheduled, review_state=S.planned)
    with pytest.raises(RuleError, match="schedule is confirmed"):
        fire_interview("start", ctx)


def test_diagram_mermaid_and_dot() -> None:
    from granskning.domain.workflow import diagram

    mermaid = diagram("mermaid")
    assert "stateDiagram" in mermaid and "handed_over --> drafting: reopen" in mermaid
    dot = diagram("dot")
    assert dot.startswith("digraph") and "follow_up_scheduled" in dot
