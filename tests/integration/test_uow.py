"""The unit of work: one transaction per action, joined by nested calls, retried when
others wrote at the same moment, recording events with the acting person."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from granskning.domain import events
from granskning.domain.errors import ConflictError, NotFoundError
from granskning.services import reviews
from granskning.storage import uow
from granskning.storage.audit import history_rows
from granskning.storage.model import AuditEvent, Review, ReviewState
from granskning.storage.store import BusyError, Store
from granskning.storage.uow import Work, unit_of_work, writes


def _state(store: Store, review_id: int) -> str:
    return str(reviews.show(store, review_id)["state"])


def test_nested_calls_join_the_callers_transaction(store: Store, sample: Any) -> None:
    class Stop(Exception):
        pass

    with pytest.raises(Stop), unit_of_work(store) as work:
        reviews.set_language(work, sample.review, "en")
        # called with the Store while a unit of work runs on it: joins, no second transaction
        reviews.advance(store, sample.review, "cancel", reason="budget")
        raise Stop
    assert reviews.show(store, sample.review)["language"] == "sv"
    assert _state(store, sample.review) == "planned"


def test_a_transient_failure_is_tried_again_from_scratch(store: Store, sample: Any) -> None:
    store.sleep = lambda _s: None
    attempts: list[int] = []

    @writes
    def flaky(work: Work, review_id: int) -> str:
        attempts.append(review_id)
        reviews.set_language(work, review_id, "en")
        if len(attempts) == 1:
            raise BusyError("locked")
        return work.get(Review, review_id).language

    assert flaky(store, sample.review) == "en"
    assert len(attempts) == 2
    # the first attempt's change was rolled back: one audit record, not two
    kinds = [e["action"] for e in history_rows(store, sample.review)]
    assert kinds.count("set_language") == 1


def test_events_are_recorded_with_the_acting_person(store: Store, sample: Any) -> None:
    with unit_of_work(store, actor="Anna Berg") as work:
        reviews.set_language(work, sample.review, "en")
    last = history_rows(store, sample.review)[-1]
    assert (last["action"], last["actor"]) == ("set_language", "Anna Berg")


def test_handlers_run_before_the_event_is_recorded(
    store: Store, sample: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int]] = []

    def on_cancel(work: Work, event: events.ReviewCancelled) -> None:
        # handlers of a base type see its subclasses too, in the same transaction
        recorded = work.session.exec(
            select(AuditEvent).where(AuditEvent.review_id == sample.review)
        ).all()
        seen.append((event.verb, len(recorded)))

    monkeypatch.setitem(uow._handlers, events.ReviewAdvanced, [on_cancel])
    before = len(history_rows(store, sample.review))
    reviews.advance(store, sample.review, "cancel", reason="budget")
    assert seen == [("cancel", before)]
    assert history_rows(store, sample.review)[-1]["action"] == "cancel"


def test_a_failing_handler_undoes_the_whole_action(
    store: Store, sample: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(work: Work, event: Any) -> None:
        raise RuntimeError("handler failed")

    monkeypatch.setitem(uow._handlers, events.ReviewCancelled, [boom])
    with pytest.raises(RuntimeError, match="handler failed"):
        reviews.advance(store, sample.review, "cancel", reason="budget")
    assert _state(store, sample.review) == "planned"


def test_versioned_update_refuses_a_stale_row(store: Store, sample: Any) -> None:
    with store.read() as s:
        stale = s.get(Review, sample.review)
    reviews.advance(store, sample.review, "cancel", reason="budget")
    with pytest.raises(ConflictError, match="changed while you were acting"), store.atomic() as s:
        Work(store, s).update_versioned(stale, state=ReviewState.closed.value)
    assert _state(store, sample.review) == "cancelled"


def test_lookups_say_what_does_not_exist(store: Store) -> None:
    with (
        pytest.raises(NotFoundError, match="^review 999 does not exist$"),
        unit_of_work(store) as w,
    ):
        w.get(Review, 999)
