"""Reviews through the library: creation, role rules, advancing with audit, atomicity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlmodel import select

from granskning.domain.errors import FrozenError, InputError, NotFoundError, RuleError
from granskning.services import registry, reviews
from granskning.storage.model import (
    AuditEvent,
    Finding,
    Interview,
    InterviewState,
    ReportText,
    Review,
    ReviewState,
)
from granskning.storage.store import Store

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def add_interview(
    store: Store,
    review_id: int,
    moderator: int | None,
    note_taker: int | None,
    start: datetime = T0,
    state: str = "scheduled",
) -> int:
    """Insert an interview row directly (scheduling has its own module and tests)."""
    with store.atomic() as s:
        iv = Interview(
            review_id=review_id,
            group_id="ledande",
            start=start,
            minutes=60,
            moderator_id=moderator,
            note_taker_id=note_taker,
            state=state,
            created_at=store.now(),
            updated_at=store.now(),
        )
        s.add(iv)
        s.flush()
        return iv.id  # type: ignore[return-value]


def set_interview_state(store: Store, interview_id: int, state: str) -> None:
    with store.atomic() as s:
        iv = s.get(Interview, interview_id)
        assert iv is not None
        iv.state = state
        iv.cancel_reason = "sjukdom" if state == "cancelled" else None


def write_content(store: Store, review_id: int) -> None:
    with store.atomic() as s:
        review = s.get(Review, review_id)
        assert review is not None
        for section in ("summary", "reflections"):
            s.merge(
                ReportText(
                    review_id=review_id, section=section, text="Text", updated_at=store.now()
                )
            )
        for block in reviews.pinned_template(review).blocks:
            s.add(
                Finding(
                    review_id=review_id,
                    block_id=block.id,
                    kind="strength",
                    text="Bra",
                    created_at=store.now(),
                )
            )


def snapshot(store: Store) -> dict[str, Any]:
    with store.read() as s:
        review = s.exec(select(Review)).all()
        events = s.exec(select(AuditEvent)).all()
        return {
            "reviews": [(r.id, r.state, r.version) for r in review],
            "events": len(events),
        }


def staff(store: Store, sample: Any) -> None:
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")


def test_create_pins_template(store: Store, sample: Any) -> None:
    data = reviews.show(store, sample.review)
    assert data["state"] == "planned"
    assert data["host"] == "Gävle"
    assert data["reviewing"] == ["Uppsala", "Örebro"]
    assert len(data["template"]["sha256"]) == 64
    assert data["actions"] == ["cancel"]


@pytest.mark.slow
def test_cannot_review_itself(store: Store, sample: Any) -> None:
    with pytest.raises(RuleError, match="cannot review itself"):
        reviews.create_review(
            store, host="Gävle", reviewing=["gävle"], template="kollegial-granskning-2013"
        )


@pytest.mark.slow
def test_unknown_names(store: Store, sample: Any) -> None:
    with pytest.raises(NotFoundError, match="municipality Luleå does not exist"):
        reviews.create_review(
            store, host="Luleå", reviewing=["Gävle"], template="kollegial-granskning-2013"
        )
    with pytest.raises(NotFoundError, match="template nope does not exist"):
        reviews.create_review(store, host="Gävle", reviewing=["Uppsala"], template="nope")


@pytest.mark.slow
def test_role_rules(store: Store, sample: Any) -> None:
    with pytest.raises(RuleError, match="municipality under review"):
        reviews.assign(store, sample.review, sample.host_person, "reviewer")
    with pytest.raises(RuleError, match="host contact must work for Gävle"):
        reviews.assign(store, sample.review, sample.lead, "host_contact")
    reviews.assign(store, sample.review, sample.host_contact, "host_contact")
    reviews.assign(store, sample.review, sample.lead, "lead")
    with pytest.raises(RuleError, match="already has a review lead"):
        reviews.assign(store, sample.review, sample.reviewer, "lead")
    with pytest.raises(InputError, match="unknown role"):
        reviews.assign(store, sample.review, sample.reviewer, "boss")
    with pytest.raises(NotFoundError):
        reviews.assign(store, sample.review, 999, "reviewer")


@pytest.mark.slow
def test_whole_machine_through_the_library(store: Store, sample: Any) -> None:
    staff(store, sample)
    iv = add_interview(store, sample.review, sample.lead, sample.secretary)
    reviews.advance(store, sample.review, "confirm_schedule")
    reviews.advance(store, sample.review, "start_visit")
    with pytest.raises(RuleError, match=f"interview {iv} is neither completed nor cancelled"):
        reviews.advance(store, sample.review, "finish_visit")
    set_interview_state(store, iv, "completed")
    reviews.advance(store, sample.review, "finish_visit")
    with pytest.raises(RuleError, match="summary"):
        reviews.advance(store, sample.review, "hand_over")
    write_content(store, sample.review)
    reviews.advance(store, sample.review, "hand_over")
    with pytest.raises(FrozenError, match="frozen"):
        reviews.assign(store, sample.review, sample.reviewer, "reviewer")
    with pytest.raises(RuleError, match="reason"):
        reviews.advance(store, sample.review, "reopen")
    reviews.advance(store, sample.review, "reopen", reason="Fel i sammanfattningen")
    reviews.advance(store, sample.review, "hand_over")
    history = [
        (e.action, e.from_state, e.to_state)
        for e in __import__("granskning.storage.audit").storage.audit.history(store, sample.review)
    ]
    transitions = [h for h in history if h[1] is not None]
    assert transitions == [
        ("confirm_schedule", "planned", "scheduled"),
        ("start_visit", "scheduled", "visiting"),
        ("finish_visit", "visiting", "drafting"),
        ("hand_over", "drafting", "handed_over"),
        ("reopen", "handed_over", "drafting"),
        ("hand_over", "drafting", "handed_over"),
    ]


@pytest.mark.slow
def test_failure_after_state_change_rolls_back(
    store: Store, sample: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(store, sample)
    add_interview(store, sample.review, sample.lead, sample.secretary)
    before = snapshot(store)

    def broken_record(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit insert failed")

    from granskning.storage import audit

    monkeypatch.setattr(audit, "record", broken_record)
    with pytest.raises(RuntimeError, match="audit insert failed"):
        reviews.advance(store, sample.review, "confirm_schedule")
    assert snapshot(store) == before
    monkeypatch.undo()
    reviews.advance(store, sample.review, "confirm_schedule")
    assert snapshot(store)["reviews"][0][1:] == ("scheduled", 2)


def test_stale_version_is_a_conflict(store: Store, sample: Any) -> None:
    from granskning.domain.errors import ConflictError
    from granskning.storage.uow import Work

    with store.atomic() as s:
        stale = s.get(Review, sample.review)
        assert stale is not None
    with store.atomic() as s:
        fresh = s.get(Review, sample.review)
        assert fresh is not None
        Work(store, s).update_versioned(fresh, state=ReviewState.cancelled.value)
    with pytest.raises(ConflictError, match="changed while you were acting"):
        with store.atomic() as s:
            Work(store, s).update_versioned(stale, state=ReviewState.scheduled.value)
    assert reviews.show(store, sample.review)["state"] == "cancelled"


@pytest.mark.slow
def test_list_filters_by_state(store: Store, sample: Any) -> None:
    assert [r["id"] for r in reviews.list_reviews(store, "planned")] == [sample.review]
    assert reviews.list_reviews(store, "closed") == []
    with pytest.raises(InputError, match="unknown state"):
        reviews.list_reviews(store, "sleeping")


# -- random action sequences ---------------------------------------------------------------

STEPS = st.lists(
    st.sampled_from(
        [
            "assign_lead",
            "assign_secretary",
            "add_interview",
            "complete_interviews",
            "cancel_interviews",
            "write_content",
            "double_book",
            *reviews.REVIEW_ACTIONS,
        ]
    ),
    max_size=25,
)


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS, with_reason=st.booleans())
def test_random_sequences_keep_state_and_log_consistent(
    steps: list[str], with_reason: bool
) -> None:
    # one database for all examples (migrating is the slow part); each example gets its own
    # review and people, so no example sees another's interviews
    store = _shared_store()
    lead = registry.add_person(store, "A", "Uppsala", allow_duplicate=True).id
    sec = registry.add_person(store, "B", "Uppsala", allow_duplicate=True).id
    rid = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala"], template="kollegial-granskning-2013"
    ).id
    assert lead and sec and rid
    successes = []
    for step in steps:
        before = reviews.show(store, rid)["state"]
        try:
            if step == "assign_lead":
                reviews.assign(store, rid, lead, "lead")
            elif step == "assign_secretary":
                reviews.assign(store, rid, sec, "secretary")
            elif step == "add_interview":
                add_interview(store, rid, lead, sec, T0 + timedelta(days=len(successes) + 1))
            elif step == "double_book":
                add_interview(store, rid, lead, sec, T0)
            elif step in ("complete_interviews", "cancel_interviews"):
                with store.read() as s:
                    ids = [
                        i.id
                        for i in s.exec(select(Interview).where(Interview.review_id == rid)).all()
                    ]
                for i in ids:
                    set_interview_state(
                        store, i, "completed" if step == "complete_interviews" else "cancelled"
                    )  # type: ignore[arg-type]
            elif step == "write_content":
                write_content(store, rid)
            else:
                reviews.advance(store, rid, step, reason="skäl" if with_reason else None)
                successes.append((step, before, reviews.show(store, rid)["state"]))
        except (RuleError, InputError):
            assert reviews.show(store, rid)["state"] == before  # a blocked action changes nothing
    final = reviews.show(store, rid)["state"]
    assert final in {s.value for s in ReviewState}
    with store.read() as s:
        logged = [
            (e.action, e.from_state, e.to_state)
            for e in s.exec(
                select(AuditEvent)
                .where(
                    AuditEvent.review_id == rid,
                    AuditEvent.entity == "review",
                    AuditEvent.from_state.is_not(None),
                )
                .order_by(AuditEvent.id)
            ).all()  # type: ignore[union-attr]
        ]
    assert logged == successes
    chain = ["planned"] + [to for _a, _f, to in successes]
    assert all(f == chain[i] for i, (_a, f, _t) in enumerate(successes))
    assert chain[-1] == final
    # interviews in states the machine knows
    with store.read() as s:
        assert {i.state for i in s.exec(select(Interview)).all()} <= {
            x.value for x in InterviewState
        }


_SHARED: list[Store] = []


def _shared_store() -> Store:
    if not _SHARED:
        store = Store.memory(actor="hypothesis")
        registry.add_municipality(store, "Gävle")
        registry.add_municipality(store, "Uppsala")
        _SHARED.append(store)
    return _SHARED[0]
