"""The follow-up seminar's rules as functions from facts to reasons: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from granskning.domain import seminar
from granskning.domain.enums import FollowUpStatus, ReviewState
from granskning.domain.errors import InputError, RuleError


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 4, date(2026, 7, 10)),
        (date(2026, 10, 31), 4, date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 10, 31), 4, date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 15), 6, date(2027, 6, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert seminar.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("handed", "expected"),
    [
        (date(2026, 3, 10), datetime(2026, 8, 18, 11, 0, tzinfo=UTC)),  # July: mid-August
        (date(2026, 5, 4), datetime(2026, 9, 8, 11, 0, tzinfo=UTC)),  # Friday: next Tuesday
        (date(2026, 8, 25), datetime(2027, 1, 7, 12, 0, tzinfo=UTC)),  # Christmas break
        (date(2026, 9, 2), datetime(2027, 1, 7, 12, 0, tzinfo=UTC)),  # 2 January: the 7th
    ],
)
def test_suggested_start_avoids_holidays_and_is_midweek(handed: date, expected: datetime) -> None:
    start = seminar.suggest_start(handed)
    assert start == expected
    window = seminar.window(handed)
    assert window["earliest"] <= start.date().isoformat() <= window["latest"]


def test_a_date_without_a_time_starts_in_the_morning() -> None:
    assert seminar.start_on(date(2026, 9, 1)) == datetime(2026, 9, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (ReviewState.handed_over, None),
        (ReviewState.follow_up_scheduled, None),
        (ReviewState.followed_up, "has already been held"),
        (ReviewState.closed, "has already been held"),
        (ReviewState.drafting, "the seminar follows the handover"),
    ],
)
def test_the_seminar_and_its_checklist_change_only_before_it(
    state: ReviewState, text: str | None
) -> None:
    reasons = seminar.seminar_state_reasons(7, state)
    assert reasons == [] if text is None else text in reasons[0]


def test_a_seminar_needs_a_handover_and_cannot_precede_it() -> None:
    assert seminar.handed_over_reasons(7, date(2026, 3, 2)) == []
    assert "review 7 has not been handed over" in seminar.handed_over_reasons(7, None)[0]
    handed = date(2026, 3, 2)
    # 1 March 23:30 UTC is already 2 March in Stockholm
    assert seminar.seminar_date_reasons(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), handed) == []
    early = seminar.seminar_date_reasons(datetime(2026, 3, 1, 12, tzinfo=UTC), handed)
    assert early == ["the seminar cannot be before the handover (2026-03-02)"]
    assert seminar.seminar_date_reasons(datetime(2020, 1, 1, tzinfo=UTC), None) == []


def test_merges_do_not_chain() -> None:
    with pytest.raises(InputError, match="into itself"):
        seminar.check_merge(3, 3)
    with pytest.raises(RuleError, match="item 4 is already merged into item 9"):
        seminar.check_merge(3, 4, 9)
    seminar.check_merge(3, 4)
    assert seminar.merged_reasons(3, None) == []
    assert seminar.merged_reasons(3, 5) == ["item 3 is already merged into item 5"]


def test_status_names() -> None:
    assert seminar.status_of("in_progress") is FollowUpStatus.in_progress
    with pytest.raises(InputError, match="unknown status green .one of: not_started, in_"):
        seminar.status_of("green")


@pytest.mark.parametrize(
    ("state", "correcting", "text"),
    [
        (ReviewState.follow_up_scheduled, False, None),
        (ReviewState.followed_up, True, None),
        (ReviewState.handed_over, False, "schedule it first (seminar schedule 7)"),
        (ReviewState.followed_up, False, "correct a recorded status with --reason"),
        (ReviewState.closed, False, "correct a recorded status with --reason"),
        (ReviewState.drafting, False, "not possible while the review is"),
    ],
)
def test_statuses_are_recorded_at_the_seminar_and_corrected_with_a_reason(
    state: ReviewState, correcting: bool, text: str | None
) -> None:
    reasons = seminar.status_state_reasons(7, state, correcting)
    assert reasons == [] if text is None else text in reasons[0]


def test_a_merged_item_has_no_status_of_its_own() -> None:
    assert seminar.merged_status_reasons(3, None) == []
    assert seminar.merged_status_reasons(3, 5) == [
        "item 3 is merged into item 5; record the status there"
    ]
