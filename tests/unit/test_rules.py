"""The team and schedule rules as functions from facts to reasons: no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from granskning.domain import rules
from granskning.domain.enums import ReviewState, Role

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm


@pytest.mark.parametrize(
    ("role", "from_host", "broken"),
    [
        (Role.lead, False, False),
        (Role.reviewer, True, True),
        (Role.secretary, True, True),
        (Role.timekeeper, True, True),
        (Role.host_contact, True, False),
        (Role.host_contact, False, True),
    ],
)
def test_role_rules(role: Role, from_host: bool, broken: bool) -> None:
    reasons = rules.role_reasons(role, "Anna", from_host, "Mölndal")
    assert bool(reasons) is broken
    assert all("Anna" in r and "Mölndal" in r for r in reasons)


def test_a_role_held_twice_and_a_second_lead() -> None:
    team = [("lead", 1, "Anna"), ("reviewer", 2, "Bo")]
    assert rules.assignment_reasons(7, Role.reviewer, 3, "Cia", team) == []
    [twice] = rules.assignment_reasons(7, Role.reviewer, 2, "Bo", team)
    assert "Bo already has the role" in twice
    [second] = rules.assignment_reasons(7, Role.lead, 3, "Cia", team)
    assert "review 7 already has a" in second and "Anna" in second
    # reviewers and timekeepers may be many
    assert rules.assignment_reasons(7, Role.timekeeper, 3, "Cia", team) == []


def test_staff_must_be_the_team_and_two_people() -> None:
    names = {1: "Anna", 9: "Nils"}
    assert rules.staff_reasons([("moderator", 1)], {1, 2}, names, 7, 1, 2) == []
    reasons = rules.staff_reasons([("moderator", 9), ("note_taker", 9)], {1}, names, 7, 9, 9)
    assert reasons[0] == "Nils (person 9) is not on the team of review 7"
    assert "Nils cannot be both moderator and note-taker" in reasons[-1]


def test_a_confirmed_schedule_needs_moderator_and_note_taker() -> None:
    assert rules.confirmed_staff_reasons(ReviewState.planned, None, None) == []
    assert len(rules.confirmed_staff_reasons(ReviewState.scheduled, None, None)) == 2
    assert rules.confirmed_staff_reasons(ReviewState.scheduled, 1, 2) == []


def test_team_members_are_not_interviewed() -> None:
    assert rules.interviewee_reasons([]) == []
    assert rules.interviewee_reasons(["Bo"]) == [
        "Bo is on the review team and cannot be interviewed"
    ]


def _booked(start: datetime, minutes: int, **kw: object) -> rules.Booked:
    return rules.Booked(start, minutes, kw.pop("place", None), frozenset(kw.pop("staff", ())), **kw)  # type: ignore[arg-type]


def test_clashes_name_the_other_interview() -> None:
    slot = rules.Slot(T0, 60, "Sal A", frozenset({1, 2}))
    names = {1: "Anna", 2: "Bo"}
    others = [
        _booked(T0.replace(hour=7), 60, staff={1}, id=3, review_id=5),  # ends as slot starts
        _booked(T0.replace(hour=8, minute=30), 60, staff={2, 4}, id=4, review_id=5),
        _booked(
            T0.replace(hour=8, minute=30), 30, place="sal  a", id=6, review_id=8, same_host=True
        ),
        _booked(T0.replace(hour=8, minute=30), 30, place="Sal A", id=9, review_id=8),
    ]
    reasons = rules.clash_reasons(slot, others, names)
    assert reasons == [
        "Bo is already booked at that time: interview 4 (2026-03-10 09:30–10:30, review 5)",
        "Sal A is already booked at that time: interview 6 (2026-03-10 09:30–10:00)",
    ]


def test_place_key_folds_spaces_and_case() -> None:
    assert rules.place_key("  Sal   A ") == rules.place_key("sal a") == "sal a"
    assert rules.place_key(None) == ""
