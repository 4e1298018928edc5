"""Idempotent notes: a note sent again with the same UUID is stored once."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import pytest
from sqlmodel import func, select

from granskning.domain.errors import InputError
from granskning.services import interviews, reviews, sessions
from granskning.storage.model import AuditEvent, Note
from granskning.storage.store import Store
from tests.conftest import Cli


def _interviews(store: Store, sample: Any) -> list[int]:
    """Two started sessions (Elected representatives, Staff) on one review."""
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    ids = [
        interviews.add_interview(
            store,
            sample.review,
            group=group,
            start=start,
            minutes=60,
            moderator=sample.lead,
            note_taker=sample.secretary,
        ).id
        for group, start in (
            ("fortroendevalda", "2026-03-10 09:00"),
            ("medarbetare", "2026-03-11 09:00"),
        )
    ]
    reviews.advance(store, sample.review, "confirm_schedule")
    for i in ids:
        assert i is not None
        sessions.start(store, i)
    return ids  # type: ignore[return-value]


@pytest.fixture
def ivs(store: Store, sample: Any) -> list[int]:
    return _interviews(store, sample)


@pytest.fixture
def iv(ivs: list[int]) -> int:
    return ivs[0]


def _counts(store: Store) -> tuple[int, int]:
    """How many notes and audit events the database holds."""
    with store.read() as s:
        notes = s.exec(select(func.count()).select_from(Note)).one()
        events = s.exec(select(func.count()).select_from(AuditEvent)).one()
    return int(notes), int(events)


def test_the_same_uuid_twice_stores_one_note_and_returns_it(store: Store, iv: int) -> None:
    dashed = str(uuid.uuid4())
    first = sessions.add_note(store, iv, "styr-1", "Budgeten styr", uid=dashed)
    assert first.uid == dashed.replace("-", "")
    before = _counts(store)
    # the second send (another text: a retry never overwrites) returns the stored note
    again = sessions.add_note(store, iv, "styr-2", "något annat", uid=dashed.upper())
    assert (again.id, again.text, again.question_id) == (first.id, "Budgeten styr", "styr-1")
    assert _counts(store) == before
    assert [n["text"] for n in sessions.list_notes(store, iv)] == ["Budgeten styr"]


def test_a_uuid_is_checked_and_not_shared_between_interviews(store: Store, ivs: list[int]) -> None:
    iv, other = ivs
    with pytest.raises(InputError, match="not a UUID"):
        sessions.add_note(store, iv, "styr-1", "x", uid="12345")
    with pytest.raises(InputError, match="not a UUID"):
        sessions.add_note(store, iv, "styr-1", "x", uid="g" * 32)
    key = uuid.uuid4().hex
    sessions.add_note(store, iv, None, "fri", uid=key)
    before = _counts(store)
    with pytest.raises(InputError, match="another interview"):
        sessions.add_note(store, other, None, "fri", uid=key)
    assert _counts(store) == before


def test_a_concurrent_double_submit_stores_one_row(store: Store, iv: int) -> None:
    key = uuid.uuid4().hex
    gate = threading.Barrier(2)
    got: list[int | None] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            gate.wait(timeout=10)
            got.append(sessions.add_note(store, iv, "styr-1", "samtidigt", uid=key).id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert failures == []
    assert len(got) == 2 and got[0] == got[1]
    with store.read() as s:
        rows = s.exec(select(Note).where(Note.uid == key)).all()
    assert len(rows) == 1


def test_note_add_with_uuid_on_the_command_line(store: Store, iv: int, cli: Cli) -> None:
    key = str(uuid.uuid4())
    first = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Ett", "--uuid", key)
    again = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Ett", "--uuid", key)
    assert first == again and first["uid"] == key.replace("-", "")
    assert len(sessions.list_notes(store, iv)) == 1
    bad = cli("note", "add", iv, "--text", "Ett", "--uuid", "nope")
    assert bad.exit_code != 0 and "not a UUID" in bad.output + bad.stderr
    assert json.dumps(first)  # the JSON shape is the usual note
