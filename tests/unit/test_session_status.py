"""A session's status as a pure function of its plan, its stored steps and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from granskning.domain import templates
from granskning.services import sessions

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


@dataclass
class Step:
    kind: str
    at: datetime
    question_id: str | None = None


@pytest.fixture(scope="module")
def plan() -> sessions.Plan:
    template = templates.find("kollegial-granskning-2013").template
    group = template.group("fortroendevalda")
    steps = tuple(
        sessions.Step(i, b, q) for i, (b, q) in enumerate(template.questions_for(group.id))
    )
    return sessions.Plan(template, group, 90, steps)


def interview(state: str, minutes: int = 90) -> Any:
    return SimpleNamespace(id=1, review_id=2, state=state, minutes=minutes)


def status(plan: sessions.Plan, state: str, steps: list[Step], minutes_in: float) -> Any:
    now = T0 + timedelta(minutes=minutes_in)
    return sessions.compute_status(interview(state), plan, steps, now)


def test_the_parts_give_every_key_once_in_order(plan: sessions.Plan) -> None:
    st = status(plan, "scheduled", [], 0)
    assert list(st)[:6] == ["id", "interview", "review", "state", "group", "group_name"]
    assert list(st)[-3:] == ["started", "ended", "now"]
    assert len(st) == 34


def test_before_the_start(plan: sessions.Plan) -> None:
    st = status(plan, "scheduled", [], 0)
    first = plan.steps[0]
    assert (st["question"], st["block"]) == (first.question.id, first.block.id)
    assert (st["question_number"], st["block_number"]) == (1, 1)
    assert (st["elapsed_s"], st["paused_s"], st["started"]) == (0, 0, None)
    assert st["overruns"] == st["warnings"] == []


def test_a_pause_stops_the_clock(plan: sessions.Plan) -> None:
    steps = [
        Step("start", T0, plan.steps[0].question.id),
        Step("pause", T0 + timedelta(minutes=10)),
        Step("resume", T0 + timedelta(minutes=25)),
    ]
    st = status(plan, "running", steps, 30)
    assert (st["elapsed_s"], st["paused_s"]) == (15 * 60, 15 * 60)
    assert st["remaining_s"] == 75 * 60


def test_a_move_counts_on_the_new_block(plan: sessions.Plan) -> None:
    second = plan.blocks[1]
    target = plan.first_of(second.id)
    assert target is not None
    steps = [
        Step("start", T0, plan.steps[0].question.id),
        Step("goto", T0 + timedelta(minutes=5), target.question.id),
    ]
    st = status(plan, "running", steps, 12)
    assert (st["block"], st["block_number"], st["block_question_number"]) == (second.id, 2, 1)
    assert st["block_elapsed_s"] == 7 * 60
    assert [b["elapsed_s"] for b in st["blocks"][:2]] == [5 * 60, 7 * 60]


def test_overruns_and_warnings(plan: sessions.Plan) -> None:
    block = plan.blocks[0]
    steps = [Step("start", T0, plan.steps[0].question.id)]
    st = status(plan, "running", steps, 100)
    assert [(o["scope"], o["block"], o["over_s"]) for o in st["overruns"]] == [
        ("session", None, 10 * 60),
        ("block", block.id, (100 - block.minutes) * 60),
    ]
    assert [(w["scope"], w["level"]) for w in st["warnings"]] == [
        ("session", "over"),
        ("block", "over"),
    ]
    assert st["warnings"][0]["message"] == "the session is 10:00 past its time"


def test_near_the_end(plan: sessions.Plan) -> None:
    block = plan.blocks[0]
    steps = [Step("start", T0, plan.steps[0].question.id)]
    st = status(plan, "paused", steps, block.minutes - 1)
    assert (st["session_level"], st["block_level"]) == ("ok", "near")
    assert st["warnings"] == [
        {"scope": "block", "level": "near", "message": f"1:00 left of block {block.title}"}
    ]


def test_no_warnings_once_the_session_ended(plan: sessions.Plan) -> None:
    steps = [Step("start", T0, plan.steps[0].question.id), Step("end", T0 + timedelta(hours=2))]
    st = status(plan, "completed", steps, 180)
    assert st["warnings"] == [] and st["overruns"]
    assert st["elapsed_s"] == 120 * 60 and st["ended"] is not None
