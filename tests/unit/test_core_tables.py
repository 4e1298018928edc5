"""The tables the domain's rules are made of, checked without a database."""

from __future__ import annotations

import random

import pytest

from granskning.domain import labels, planning, templates
from granskning.domain.enums import FollowUpStatus, ReviewState, member, review_state
from granskning.domain.errors import InputError
from granskning.domain.i18n import N_, speaking
from granskning.domain.timefmt import parse_date, parse_local


def test_member_finds_a_member_and_lists_them_all_when_it_does_not() -> None:
    assert review_state("closed") is ReviewState.closed
    status = member(FollowUpStatus, "done", N_("unknown state {state} (one of: {states})"), "state")
    assert status is FollowUpStatus.done
    with speaking("en"), pytest.raises(InputError) as err:
        review_state("open")
    assert str(err.value) == (
        "unknown state open (one of: " + ", ".join(s.value for s in ReviewState) + ")"
    )


@pytest.mark.parametrize("kind", sorted(labels._COUNTED))
def test_every_counted_kind_has_its_words(kind: str) -> None:
    with speaking("en"):
        one, many = labels.counted(kind, 1), labels.counted(kind, 3)
    assert one.startswith("1 ") and many.startswith("3 ")
    assert kind.replace("_", " ") not in (one, many)


def test_a_kind_without_words_still_reads() -> None:
    assert labels.counted("widgets_made", 2) == "widgets made 2"


def test_times_and_dates_of_the_wrong_form_say_which_form() -> None:
    with speaking("en"), pytest.raises(InputError) as when:
        parse_local("soon", "--start")
    assert str(when.value) == '--start: "soon" is not a time of the form YYYY-MM-DD HH:MM'
    with speaking("en"), pytest.raises(InputError) as day:
        parse_date("today", "--date")
    assert str(day.value) == '--date: "today" is not a date of the form YYYY-MM-DD'


def _template_rules(data: dict[str, object]) -> list[str]:
    with speaking("en"):
        return [message for _line, message in templates._rules(data, {})]


def test_each_template_rule_reports_in_the_order_of_the_table() -> None:
    data = {
        "session_minutes": 10,
        "groups": [{"id": "a"}, {"id": "a"}, {"id": "b"}],
        "blocks": [
            {
                "id": "x",
                "minutes": 30,
                "articles": [3, 3],
                "questions": [
                    {"id": "q", "groups": ["a", "a", "c"], "kind": "rating"},
                    {"id": "q", "groups": ["a"], "scale": [{"value": 1}]},
                ],
            }
        ],
    }
    assert _template_rules(data) == [
        "duplicate group id 'a' (first on line 1)",
        "duplicate question id 'q' (first on line 1)",
        "group 'a' is listed twice",
        "group 'c' is not defined in 'groups' (defined: a, b)",
        "rating question 'q' needs a 'scale' with the steps 1-4",
        "only rating questions have a 'scale' ('q' is open)",
        "article 3 is listed twice",
        "no question is asked of group 'b'",
        "the blocks for group 'a' take 30 minutes, more than session_minutes (10)",
    ]


def test_the_template_rules_skip_what_is_malformed() -> None:
    assert _template_rules({"groups": "none", "blocks": [1, {"questions": None}]}) == []


def test_a_rating_scale_needs_each_step_once() -> None:
    scale = [{"value": v} for v in (1, 2, 2, 4)]
    data = {"blocks": [{"questions": [{"id": "r", "kind": "rating", "scale": scale}]}]}
    assert _template_rules(data) == [
        "the scale needs each of the steps 1, 2, 3 and 4 once (found 1, 2, 2, 4)"
    ]


def test_the_edge_search_keeps_degrees_and_drops_repeats() -> None:
    n = 9
    reviewers = [{(h + 1) % n, (h + 2) % n} for h in range(n)]
    prev = {(r, h) for h in range(n) for r in reviewers[h]}
    search = planning._EdgeSearch([set(r) for r in reviewers], prev, random.Random(3))
    search.run()
    after = search.reviewers
    assert [len(r) for r in after] == [2] * n
    assert sorted(len(search.reviews[r]) for r in range(n)) == [2] * n
    assert all(h not in after[h] for h in range(n))
    assert len(planning._repeats(after, prev)) < len(prev)


def test_a_plan_is_the_same_for_the_same_input_and_avoids_the_previous_round() -> None:
    members = [f"M{i}" for i in range(8)]
    first = planning.assign(members, 2, salt="2025")
    previous = [(r, h) for h, rs in first.reviewers.items() for r in rs]
    again = planning.assign(list(reversed(members)), 2, previous, salt="2026")
    assert again == planning.assign(members, 2, previous, salt="2026")
    assert again.repeated == [] and again.mutual == []
    with pytest.raises(ValueError):
        planning.assign(["A", "A"], 1)
