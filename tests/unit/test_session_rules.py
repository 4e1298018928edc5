"""The rules of the question session and its notes: plain facts in, reasons out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from granskning.domain.enums import InterviewState
from granskning.domain.errors import InputError
from granskning.domain.session_rules import (
    TEXT_LIMIT,
    check_note_text,
    check_reason,
    move_reasons,
    notes_closed_reasons,
    paper_time_reasons,
    removed_note_reasons,
)

IS = InterviewState
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("state", [IS.running, IS.paused])
def test_a_live_session_moves(state: InterviewState) -> None:
    assert move_reasons(7, state) == []


@pytest.mark.parametrize("state", [IS.scheduled, IS.completed, IS.cancelled])
def test_a_session_that_is_not_live_does_not_move(state: InterviewState) -> None:
    assert move_reasons(7, state) == [
        f"interview 7 is {state.value}: moving between questions needs a running session"
    ]


def test_paper_time_in_the_past_after_the_last_step() -> None:
    last = ("start", NOW - timedelta(hours=2))
    assert paper_time_reasons(NOW - timedelta(hours=1), NOW, last) == []
    assert paper_time_reasons(NOW, NOW, None) == []


def test_paper_time_in_the_future() -> None:
    (reason,) = paper_time_reasons(NOW + timedelta(minutes=1), NOW, None)
    assert reason == "--at 2026-03-10 13:01 is in the future (now it is 2026-03-10 13:00)"


def test_paper_time_not_after_the_start() -> None:
    start = NOW - timedelta(hours=1)
    (reason,) = paper_time_reasons(start, NOW, ("start", start))
    assert reason == "--at 2026-03-10 12:00 is not after the session started (2026-03-10 12:00)"


def test_paper_time_not_after_the_last_step() -> None:
    pause = NOW - timedelta(hours=1)
    (reason,) = paper_time_reasons(pause - timedelta(minutes=5), NOW, ("pause", pause))
    assert reason == (
        "--at 2026-03-10 11:55 is not after the session's last recorded step (2026-03-10 12:00)"
    )


@pytest.mark.parametrize("state", [IS.running, IS.paused, IS.completed])
def test_notes_are_open_once_the_session_started(state: InterviewState) -> None:
    assert notes_closed_reasons(3, state) == []


def test_notes_wait_for_the_start() -> None:
    (reason,) = notes_closed_reasons(3, IS.scheduled)
    assert reason.startswith("interview 3 has not started: start its session first")
    assert 'session start 3 --at "YYYY-MM-DD HH:MM"' in reason


def test_notes_of_a_cancelled_interview_are_closed() -> None:
    assert notes_closed_reasons(3, IS.cancelled) == [
        "interview 3 is cancelled: its notes are closed"
    ]


def test_a_removed_note_stays_removed() -> None:
    assert removed_note_reasons(5, None) == []
    assert removed_note_reasons(5, NOW) == ["note 5 was removed on 2026-03-10 13:00"]


def test_note_text_is_stripped() -> None:
    assert check_note_text("  said so \n", None) == "said so"
    assert check_note_text(None, 3) == ""


@pytest.mark.parametrize(
    ("text", "rating", "message"),
    [
        ("", None, "the note is empty"),
        ("x", 5, "a rating is 1, 2, 3 or 4 (got 5)"),
        ("x", True, "a rating is 1, 2, 3 or 4 (got True)"),
        ("x" * (TEXT_LIMIT + 1), None, f"the note is longer than {TEXT_LIMIT} characters"),
    ],
)
def test_bad_note_text(text: str, rating: int | None, message: str) -> None:
    with pytest.raises(InputError) as exc:
        check_note_text(text, rating)
    assert str(exc.value) == message


def test_a_removal_gives_a_reason() -> None:
    assert check_reason("  wrong   interview ") == "wrong interview"
    for blank in (None, "", "  \n"):
        with pytest.raises(InputError, match=r"a reason is required \(--reason\)"):
            check_reason(blank)


def test_a_note_never_drops_a_control_character_silently() -> None:
    # U+001F at the end is white space to str.strip: it must be refused, not stripped away
    with pytest.raises(InputError, match="control character"):
        check_note_text("0\x1f", None)
    assert check_note_text("a\r\nb\x0c", None) == "a\nb"
