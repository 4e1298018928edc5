"""The session engine: the clock from stored events, position, overruns, notes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from granskning.domain.errors import InputError, RuleError
from granskning.services import interviews, reviews, sessions
from granskning.storage.audit import describe, history
from granskning.storage.model import Review
from granskning.storage.store import Store
from tests.conftest import confirmed_interview

MIN = 60


def _budgets() -> dict[str, int]:
    from granskning.domain import templates

    template = templates.find("kollegial-granskning-2013").template
    return {b.id: b.minutes for b in template.blocks}


# block budgets of the shipped template, in minutes: tests follow its edits
BUDGET = _budgets()
STYR, INFL = BUDGET["styrprocesser"], BUDGET["inflytande"]


def near_s(minutes: int) -> int:
    """Seconds left when the warning starts: the last tenth, at least two minutes."""
    return int(max(minutes * 60 * 0.1, 120))


@pytest.fixture
def iv(store: Store, sample: Any) -> int:
    """A scheduled interview with Elected representatives on a confirmed review."""
    return confirmed_interview(store, sample, place="Stadshuset")


# -- the clock ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_before_the_start(store: Store, iv: int) -> None:
    s = sessions.status(store, iv)
    assert (s["state"], s["question"], s["block"]) == ("scheduled", "styr-1", "styrprocesser")
    assert (s["elapsed_s"], s["remaining_s"], s["block_remaining_s"]) == (0, 90 * MIN, STYR * MIN)
    assert s["warnings"] == [] and s["overruns"] == []


@pytest.mark.slow
def test_pause_and_resume_arithmetic(store: Store, clock: Any, iv: int) -> None:
    sessions.start(store, iv)
    clock.advance(minutes=10)
    s = sessions.pause(store, iv)
    assert s["elapsed_s"] == 10 * MIN
    clock.advance(minutes=30)  # paused time does not count
    s = sessions.status(store, iv)
    assert (s["elapsed_s"], s["paused_s"], s["remaining_s"]) == (10 * MIN, 30 * MIN, 80 * MIN)
    sessions.resume(store, iv)
    clock.advance(minutes=5, seconds=30)
    s = sessions.status(store, iv)
    assert s["elapsed_s"] == 15 * MIN + 30
    assert s["block_elapsed_s"] == 15 * MIN + 30
    assert s["remaining_s"] == 90 * MIN - (15 * MIN + 30)
    assert s["block_remaining_s"] == STYR * MIN - (15 * MIN + 30)
    sessions.pause(store, iv)
    clock.advance(minutes=2)
    sessions.resume(store, iv)
    clock.advance(minutes=1)
    s = sessions.end(store, iv)
    assert (s["state"], s["elapsed_s"], s["paused_s"]) == ("completed", 16 * MIN + 30, 32 * MIN)
    clock.advance(minutes=60)  # an ended session's clock stands still
    assert sessions.status(store, iv)["elapsed_s"] == 16 * MIN + 30


@pytest.mark.slow
def test_block_budgets_overruns_and_warnings(store: Store, clock: Any, iv: int) -> None:
    sessions.start(store, iv)
    clock.advance(seconds=STYR * MIN - near_s(STYR) - 60)  # a minute before the warning
    s = sessions.status(store, iv)
    assert s["block_level"] == "ok" and s["warnings"] == []
    clock.advance(seconds=60)  # the last tenth (at least two minutes) of the block: near
    s = sessions.status(store, iv)
    assert s["block_level"] == "near"
    assert [(w["scope"], w["level"]) for w in s["warnings"]] == [("block", "near")]
    left = f"{near_s(STYR) // 60}:{near_s(STYR) % 60:02d}"
    assert f"{left} left of block Styrprocesser" in s["warnings"][0]["message"]
    clock.advance(seconds=near_s(STYR) + 60)  # a minute past the block's budget
    s = sessions.status(store, iv)
    assert s["block_level"] == "over" and s["block_remaining_s"] == -60
    assert s["overruns"] == [
        {
            "scope": "block",
            "block": "styrprocesser",
            "budget_s": STYR * MIN,
            "elapsed_s": (STYR + 1) * MIN,
            "over_s": 60,
        }
    ]
    s = sessions.goto_block(store, iv, "inflytande")
    assert (s["question"], s["block"], s["block_elapsed_s"]) == ("infl-1", "inflytande", 0)
    assert s["block_level"] == "ok"
    # the overrun of the earlier block stays on record
    assert [o["block"] for o in s["overruns"]] == ["styrprocesser"]
    in_infl = 90 - (STYR + 1) + 1  # a minute past the session's 90 minutes
    clock.advance(minutes=in_infl)
    s = sessions.status(store, iv)
    assert s["session_level"] == "over" and s["remaining_s"] == -1 * MIN
    assert [(o["scope"], o["block"], o["over_s"]) for o in s["overruns"]] == [
        ("session", None, 1 * MIN),
        ("block", "styrprocesser", 1 * MIN),
        ("block", "inflytande", (in_infl - INFL) * MIN),
    ]
    assert {(w["scope"], w["level"]) for w in s["warnings"]} == {
        ("session", "over"),
        ("block", "over"),
    }
    end = sessions.end(store, iv)
    assert end["warnings"] == []  # a finished session warns no more; its overruns stay
    assert len(end["overruns"]) == 3
    last = history(store, end["review"])[-1]
    assert (last.action, last.from_state, last.to_state) == ("end", "running", "completed")
    data = json.loads(last.data)  # stored as data, shown in the reader's language
    assert {"block": "inflytande", "over": (in_infl - INFL) * MIN} in data["overruns"]
    shown = describe(last.entity, last.action, data)
    assert "over in session: +1:00" in shown
    assert f"over in inflytande: +{in_infl - INFL}:00" in shown


@pytest.mark.parametrize(
    ("budget", "elapsed", "expected"),
    [
        (5400, 0, "ok"),
        (5400, 5400 - 541, "ok"),
        (5400, 5400 - 540, "near"),  # the last 10% of 90 min is 9 min
        (5400, 5400, "near"),
        (5400, 5401, "over"),
        (900, 900 - 121, "ok"),
        (900, 900 - 120, "near"),  # 10% of 15 min is 1.5 min: two minutes win
        (60, 0, "near"),
    ],
)
def test_level(budget: int, elapsed: int, expected: str) -> None:
    assert sessions.level(budget, elapsed) == expected


@pytest.mark.slow
def test_resume_after_a_crash_in_a_new_store(store: Store, clock: Any, iv: int) -> None:
    sessions.start(store, iv)
    clock.advance(minutes=7)
    sessions.next_question(store, iv)
    clock.advance(minutes=3)
    sessions.add_note(store, iv, "styr-2", "Den röda tråden brister i skolan")
    before = sessions.status(store, iv)
    store.dispose()  # the laptop dies: nothing in memory survives
    fresh = Store(store.url, clock=clock)
    after = sessions.status(fresh, iv)
    assert after == before
    assert (after["question"], after["elapsed_s"], after["block_elapsed_s"]) == (
        "styr-2",
        10 * MIN,
        10 * MIN,
    )
    clock.advance(minutes=1)  # and the clock kept running while it was down
    assert sessions.status(fresh, iv)["elapsed_s"] == 11 * MIN
    fresh.dispose()


@pytest.mark.slow
def test_resume_in_a_new_process(store: Store, clock: Any, iv: int) -> None:
    sessions.start(store, iv)
    clock.advance(minutes=12, seconds=5)
    sessions.goto(store, iv, "infl-2")
    clock.advance(minutes=4)
    sessions.pause(store, iv)  # paused: the real clock of the new process cannot move it
    expected = sessions.status(store, iv)
    env = {**os.environ, "GRANSKNING_DB": store.url, "GRANSKNING_LANG": "en"}
    out = subprocess.run(
        [sys.executable, "-m", "granskning", "session", "status", str(iv), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    got = json.loads(out.stdout)
    for key in ("question", "block", "elapsed_s", "remaining_s", "block_elapsed_s", "overruns"):
        assert got[key] == expected[key], key
    assert (got["question"], got["elapsed_s"], got["block_elapsed_s"]) == (
        "infl-2",
        16 * MIN + 5,
        4 * MIN,
    )


# -- position ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_moving_between_questions(store: Store, clock: Any, iv: int) -> None:
    with pytest.raises(RuleError, match="needs a running session"):
        sessions.next_question(store, iv)
    sessions.start(store, iv)
    with pytest.raises(RuleError, match="first question"):
        sessions.previous_question(store, iv)
    assert sessions.next_question(store, iv)["question"] == "styr-2"
    assert sessions.previous_question(store, iv)["question"] == "styr-1"
    s = sessions.goto_block(store, iv, "framtid")
    assert (s["question"], s["question_number"], s["question_count"]) == ("framtid-1", 11, 12)
    assert s["block_question_number"] == 1 and s["block_question_count"] == 2
    s = sessions.next_question(store, iv)
    assert s["question"] == "framtid-2"
    with pytest.raises(RuleError, match="last question"):
        sessions.next_question(store, iv)
    sessions.pause(store, iv)
    assert sessions.goto(store, iv, "infl-6")["question_kind"] == "rating"  # paused is fine


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("infl-4", "question infl-4 is not asked of the group fortroendevalda"),
        ("nope-1", "question nope-1 is not in the template pinned on this review"),
    ],
)
def test_goto_unknown_question(store: Store, iv: int, question: str, message: str) -> None:
    sessions.start(store, iv)
    with pytest.raises(InputError, match=message):
        sessions.goto(store, iv, question)
    with pytest.raises(InputError, match="block nope has no questions"):
        sessions.goto_block(store, iv, "nope")


# -- transitions -----------------------------------------------------------------------------


@pytest.mark.slow
def test_first_session_starts_the_visit(store: Store, sample: Any, iv: int) -> None:
    other = interviews.add_interview(
        store,
        sample.review,
        group="ledande",
        start="2026-03-10 13:00",
        minutes=60,
        moderator=sample.lead,
        note_taker=sample.secretary,
    )
    assert reviews.show(store, sample.review)["state"] == "scheduled"
    sessions.start(store, iv)
    assert reviews.show(store, sample.review)["state"] == "visiting"
    sessions.start(store, other.id)  # type: ignore[arg-type]
    events = [(e.entity, e.action, e.from_state, e.to_state) for e in history(store, sample.review)]
    assert events[-3:] == [
        ("review", "start_visit", "scheduled", "visiting"),
        ("interview", "start", "scheduled", "running"),
        ("interview", "start", "scheduled", "running"),
    ]


@pytest.mark.slow
def test_start_and_its_visit_are_one_transaction(
    store: Store, sample: Any, iv: int, snapshot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from granskning.domain.events import VisitStarted
    from granskning.storage import uow

    class Boom(Exception):
        pass

    def boom(*_args: Any) -> None:
        raise Boom

    # the visit's own consequence fails after the session's step and the visit's state
    monkeypatch.setitem(uow._handlers, VisitStarted, [boom])
    before = snapshot()
    with pytest.raises(Boom):
        sessions.start(store, iv)
    assert snapshot() == before


@pytest.mark.slow
def test_sessions_wait_for_a_confirmed_schedule(store: Store, sample: Any, snapshot: Any) -> None:
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    row = interviews.add_interview(
        store, sample.review, group="ledande", start="2026-03-10 13:00", minutes=60
    )
    before = snapshot()
    with pytest.raises(RuleError, match="the review is planned"):
        sessions.start(store, row.id)  # type: ignore[arg-type]
    assert snapshot() == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ([], "pause", "while the interview is scheduled"),
        ([], "resume", "while the interview is scheduled"),
        ([], "end", "while the interview is scheduled"),
        (["start"], "start", "while the interview is running"),
        (["start"], "resume", "while the interview is running"),
        (["start", "pause"], "pause", "while the interview is paused"),
        (["start", "end"], "resume", "while the interview is completed"),
    ],
)
def test_illegal_transitions(
    store: Store, iv: int, steps: list[str], action: str, message: str, snapshot: Any
) -> None:
    for step in steps:
        getattr(sessions, step)(store, iv)
    before = snapshot()
    with pytest.raises(RuleError, match=message):
        getattr(sessions, action)(store, iv)
    assert snapshot() == before


@pytest.mark.slow
def test_cancelling_a_running_session_stops_its_clock(store: Store, clock: Any, iv: int) -> None:
    sessions.start(store, iv)
    clock.advance(minutes=20)
    interviews.cancel_interview(store, iv, "Brandlarm")
    clock.advance(minutes=20)
    s = sessions.status(store, iv)
    assert (s["state"], s["elapsed_s"]) == ("cancelled", 20 * MIN)


# -- notes ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_notes_rules(store: Store, clock: Any, iv: int) -> None:
    sessions.start(store, iv)
    a = sessions.add_note(store, iv, "styr-1", "  Budgeten styr allt \n")
    clock.advance(seconds=30)
    b = sessions.add_note(store, iv, None, "Stämningen var god")  # a free observation
    clock.advance(seconds=30)
    c = sessions.add_note(store, iv, "infl-6", "", rating=3)  # a rating alone
    d = sessions.add_note(store, iv, "infl-6", "Tveksam", rating=2)
    rows = sessions.list_notes(store, iv)
    assert [r["id"] for r in rows] == [a.id, b.id, c.id, d.id]
    assert rows[0]["text"] == "Budgeten styr allt"
    assert (rows[0]["block"], rows[1]["question"], rows[1]["block"]) == (
        "styrprocesser",
        None,
        None,
    )
    assert [(r["rating"], r["text"]) for r in rows[2:]] == [(3, ""), (2, "Tveksam")]
    assert rows[0]["author"] == "tester"
    assert [r["id"] for r in sessions.list_notes(store, iv, "infl-6")] == [c.id, d.id]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "text", "rating", "error", "message"),
    [
        ("nope-9", "x", None, InputError, "not in the template pinned on this review"),
        ("infl-4", "x", None, InputError, "not asked of the group fortroendevalda"),
        ("styr-1", "   \n ", None, InputError, "the note is empty"),
        ("styr-1", "x", 3, InputError, "styr-1 is not a rating question"),
        (None, "x", 3, InputError, "a free observation is not a rating question"),
        ("infl-6", "x", 5, InputError, "a rating is 1, 2, 3 or 4 (got 5)"),
        ("infl-6", "x", 0, InputError, "got 0"),
        ("infl-6", "", None, InputError, "the note is empty"),
    ],
)
def test_bad_notes_change_nothing(
    store: Store,
    iv: int,
    snapshot: Any,
    question: str | None,
    text: str,
    rating: int | None,
    error: type[Exception],
    message: str,
) -> None:
    sessions.start(store, iv)
    before = snapshot()
    with pytest.raises(error) as err:
        sessions.add_note(store, iv, question, text, rating)
    assert message in str(err.value)
    assert snapshot() == before


@pytest.mark.slow
def test_notes_follow_the_pinned_template_not_the_file(store: Store, sample: Any, iv: int) -> None:
    """A question dropped from the review's pinned copy is refused, though the file has it."""
    with store.atomic() as s:
        review = s.get(Review, sample.review)
        assert review is not None
        review.template_content = review.template_content.replace(
            "      - id: styr-5\n", "      - id: styr-5-old\n"
        )
    sessions.start(store, iv)
    with pytest.raises(InputError, match="question styr-5 is not in the template pinned"):
        sessions.add_note(store, iv, "styr-5", "x")
    sessions.add_note(store, iv, "styr-5-old", "x")


@pytest.mark.slow
@pytest.mark.parametrize("how", ["before", "cancel"])
def test_no_notes_outside_the_session(store: Store, iv: int, snapshot: Any, how: str) -> None:
    """Notes open when the session starts; a cancelled interview takes none. (Typed-up notes
    after the end are allowed until handover: tests/integration/test_corrections.py.)"""
    message = "has not started"
    if how == "cancel":
        sessions.start(store, iv)
        interviews.cancel_interview(store, iv, "Avbrott")
        message = "its notes are closed"
    before = snapshot()
    with pytest.raises(RuleError, match=f"interview {iv} .*{message}"):
        sessions.add_note(store, iv, "styr-1", "För sent")
    assert snapshot() == before


@pytest.mark.slow
def test_notes_are_review_content(store: Store, sample: Any, iv: int) -> None:
    sessions.start(store, iv)
    reviews.advance(store, sample.review, "cancel", reason="Avbruten")
    # cancelling the review cancelled the running interview with it
    with pytest.raises(RuleError, match=f"interview {iv} is cancelled: its notes are closed"):
        sessions.add_note(store, iv, "styr-1", "x")


# -- the clock as a property ------------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["pause", "resume", "goto", "end", "wait"]),
        st.integers(min_value=0, max_value=240),
        st.integers(min_value=0, max_value=11),
    ),
    max_size=25,
)


class _Ev:
    def __init__(self, kind: str, at: datetime, question_id: str | None = None) -> None:
        self.kind, self.at, self.question_id = kind, at, question_id


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(ACTIONS, st.integers(min_value=0, max_value=300))
def test_timeline_counts_exactly_the_running_seconds(
    script: list[tuple[str, int, int]], tail: int
) -> None:
    """Against a second-by-second replay: each second counts where the session ran."""
    from granskning.domain import templates

    template = templates.find("kollegial-granskning-2013").template
    group = template.group("fortroendevalda")
    steps = tuple(
        sessions.Step(i, b, q) for i, (b, q) in enumerate(template.questions_for(group.id))
    )
    plan = sessions.Plan(template, group, 90, steps)
    t0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    events = [_Ev("start", t0, steps[0].question.id)]
    now = 0
    for kind, wait, target in script:
        now += wait
        if kind == "wait":
            continue
        qid = steps[target].question.id if kind == "goto" else None
        events.append(_Ev(kind, t0 + timedelta(seconds=now), qid))
    end_at = now + tail
    # the model: walk second by second through the script
    running, ended, question = True, False, steps[0].question.id
    per_block: dict[str, int] = {}
    elapsed = 0
    marks = {int((e.at - t0).total_seconds()): [] for e in events}  # type: dict[int, list[_Ev]]
    for e in events:
        marks[int((e.at - t0).total_seconds())].append(e)
    for second in range(end_at):
        for e in marks.get(second, []):
            if ended:
                break
            if e.kind == "pause":
                running = False
            elif e.kind == "resume":
                running = True
            elif e.kind == "end":
                running, ended = False, True
            elif e.kind == "goto":
                question = e.question_id or question
        if running:
            elapsed += 1
            block = plan.step(question).block.id  # type: ignore[union-attr]
            per_block[block] = per_block.get(block, 0) + 1
    got = sessions.timeline(events, plan, t0 + timedelta(seconds=end_at))
    assert got.elapsed_s == elapsed
    assert {k: v for k, v in got.block_elapsed_s.items() if v} == per_block


# -- the CLI -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_session_and_notes(cli: Any, clock: Any, iv: int, tmp_path: Any) -> None:
    assert "running" in cli.ok("--lang", "en", "session", "start", iv).stderr
    clock.advance(minutes=3)
    cli.ok("session", "goto", iv, "--next")
    s = cli.json("session", "status", iv)
    for key in (
        "question",
        "block",
        "elapsed_s",
        "remaining_s",
        "block_elapsed_s",
        "block_remaining_s",
        "overruns",
        "state",
        "warnings",
    ):
        assert key in s
    assert (s["question"], s["block"], s["elapsed_s"], s["remaining_s"]) == (
        "styr-2",
        "styrprocesser",
        180,
        90 * 60 - 180,
    )
    text = tmp_path / "note.txt"
    text.write_text("Rad ett\nRad två\n", encoding="utf-8")
    n1 = cli.json("note", "add", iv, "--question", "styr-2", "--file", text)
    assert (n1["question"], n1["block"], n1["text"]) == (
        "styr-2",
        "styrprocesser",
        "Rad ett\nRad två",
    )
    n2 = cli.json("note", "add", iv, "--question", "infl-6", "--rating", "4")
    assert (n2["rating"], n2["text"]) == (4, "")
    cli.ok("note", "add", iv, "--text", "Fri iakttagelse")
    notes = cli.json("note", "list", iv)
    assert [n["id"] for n in notes] == [n1["id"], n2["id"], notes[2]["id"]]
    assert "Rad två" in cli.ok("note", "list", iv).stdout
    cli.ok("session", "pause", iv)
    assert "paused" in cli.ok("--lang", "en", "session", "status", iv).stdout.lower()
    cli.ok("session", "resume", iv)
    cli.ok("session", "goto", iv, "--block", "framtid")
    cli.ok("session", "goto", iv, "--question", "infl-1")
    cli.ok("session", "goto", iv, "--previous")
    assert cli.json("session", "end", iv)["state"] == "completed"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--question", "nope-1", "--text", "x"], 2, "not in the template pinned"),
        (["--question", "styr-1"], 2, "give exactly one of --text and --file"),
        (["--question", "styr-1", "--text", "x", "--rating", "2"], 2, "not a rating question"),
        (["--question", "styr-1", "--file", "/no/such/file"], 2, "cannot read"),
    ],
)
def test_cli_bad_notes(
    cli: Any, iv: int, snapshot: Any, args: list[str], code: int, message: str
) -> None:
    before = snapshot()
    result = cli("note", "add", iv, *args)
    assert (result.exit_code, result.stdout) == (code, "")
    assert message in result.stderr
    assert snapshot() == before


def test_cli_note_before_the_session(cli: Any, iv: int, snapshot: Any) -> None:
    before = snapshot()
    result = cli("note", "add", iv, "--question", "styr-1", "--text", "för tidigt")
    assert result.exit_code == 1
    assert "has not started" in result.stderr and "--at" in result.stderr
    assert snapshot() == before


def test_cli_rule_errors_exit_1(cli: Any, iv: int) -> None:
    result = cli("session", "pause", iv)
    assert result.exit_code == 1 and "error: " in result.stderr
    assert cli("session", "status", 99).exit_code == 2
    assert cli("session", "goto", iv, "--next", "--previous").exit_code == 2


@pytest.mark.slow
def test_session_run_refuses_a_finished_interview(cli: Any, iv: int) -> None:
    cli.ok("session", "start", iv)
    cli.ok("session", "end", iv)
    result = cli("session", "run", iv)
    assert result.exit_code == 1
    assert "no session to run" in result.stderr
