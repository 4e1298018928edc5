"""Many writers at once, racing coordinators, and writers killed mid-write (SIGKILL).

Each runs on SQLite and on PostgreSQL, with real processes (forked). Marked slow; they
still run in the default suite.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from _harness import (
    check_after_kill,
    concurrent_notes,
    count_notes,
    kill_test,
    make_note_target,
    make_reviews,
    race,
    write_note,
)
from sqlmodel import select

from granskning.storage.model import AuditDetail, AuditEvent, Review
from granskning.storage.store import Store

pytestmark = pytest.mark.slow


def test_four_processes_add_500_notes_each_to_one_review(store: Store) -> None:
    interview = make_note_target(store)
    result = concurrent_notes(store, interview, processes=4, per_process=500)
    assert result["errors"] == []  # no error reached a user
    assert result["exit_codes"] == [0, 0, 0, 0]
    assert len(result["written"]) == 2000
    assert len(set(result["written"])) == 2000
    assert count_notes(store, interview) == 2000


LOSER = re.compile(
    r"^error: (review \d+ changed while you were acting on it; try again"
    r"|not possible while the review is cancelled)\n$"
)


def test_two_processes_racing_the_same_transition_one_wins_each_time(store: Store) -> None:
    ids = make_reviews(store, 101)
    control = ids.pop()  # cancelled once, alone: the version one transition gives
    from granskning.services import reviews

    once = reviews.advance(store, control, "cancel", reason="alone").version
    results = race(store, ids, racers=2)
    outcomes: dict[str, int] = {"conflict": 0, "guard": 0}
    for i, rid in enumerate(ids):
        a, b = (results[name][i] for name in sorted(results))
        assert a[0] == b[0] == rid
        codes = sorted((a[1], b[1]))
        assert codes == [0, 1], (a, b)  # exactly one wins
        loser = a if a[1] == 1 else b
        assert LOSER.match(loser[2]), loser[2]
        assert "Traceback" not in loser[2]
        assert loser[3] == "SystemExit(1)"
        outcomes["conflict" if "changed" in loser[2] else "guard"] += 1
    winners = {rid: (a if a[1] == 0 else b) for rid, a, b in _pairs(results, ids)}
    with store.read() as s:
        for rid in ids:
            review = s.get(Review, rid)
            assert review is not None
            assert (review.state, review.version) == ("cancelled", once)
            cancels = s.exec(
                select(AuditEvent).where(AuditEvent.review_id == rid, AuditEvent.action == "cancel")
            ).all()
            # never half-done: one state change, one audit event, the winner's
            assert len(cancels) == 1
            winner = winners[rid]
            detail = s.get(AuditDetail, cancels[0].uid)
            assert detail is not None and detail.text in ("by racer0", "by racer1")
            assert winner[1] == 0
    assert sum(outcomes.values()) == 100


def _pairs(results: dict[str, list[Any]], ids: list[int]) -> list[tuple[int, Any, Any]]:
    names = sorted(results)
    return [(rid, results[names[0]][i], results[names[1]][i]) for i, rid in enumerate(ids)]


def test_a_writer_killed_at_random_moments_loses_nothing_it_confirmed(store: Store) -> None:
    interview = make_note_target(store)
    kills = 50 if store.is_sqlite else 10
    result = kill_test(store, interview, kills=kills, seed=20260302)
    assert result["integrity_ok"] == kills, [c for c in result["checks"] if c["integrity"] != "ok"]
    assert result["missing"] == []  # every note whose command had returned is there
    assert result["confirmed"] > kills  # the kills fell while notes were being written
    assert result["notes"] >= result["confirmed"]
    # and the database carries on
    assert write_note(store, interview, "after the storm") > 0
    assert check_after_kill(store, [], 0)["integrity"] == "ok"
