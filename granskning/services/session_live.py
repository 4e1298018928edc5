"""What the pages following a live session are sent: its changes in order, and its state.

Every change of a session is a stored row: a :class:`SessionEvent` (start, pause, resume,
end, a move), a :class:`Note`, or the audit event of a note's correction or removal. A
:class:`Cursor` names the last of each a page has seen; :func:`changes_since` reads what
came after it from the database, so a page that reconnects (``Last-Event-ID``) gets what it
missed, whichever process or program (web, CLI, full-screen session) made the change.
"""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from granskning.domain.access import Do
from granskning.domain.timefmt import as_utc
from granskning.services import sessions
from granskning.storage.model import AuditEvent, Interview, Note, Review, SessionEvent
from granskning.storage.store import Store

_CURSOR = re.compile(r"(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True, order=True)
class Cursor:
    """The last session event, note and note correction (audit event) a page has seen, by
    id; as text ``"S.N.A"`` (the ``id:`` of a server-sent event)."""

    session: int = 0
    note: int = 0
    audit: int = 0

    def __str__(self) -> str:
        return f"{self.session}.{self.note}.{self.audit}"

    @classmethod
    def parse(cls, raw: str | None) -> Cursor | None:
        """The cursor written as ``raw``; None when there is none or it is not one."""
        found = _CURSOR.fullmatch((raw or "").strip())
        if found is None:
            return None
        return cls(*(int(part) for part in found.groups()))

    def covers(self, other: Cursor) -> bool:
        """Whether a page at this cursor has seen everything one at ``other`` has."""
        return (
            self.session >= other.session and self.note >= other.note and self.audit >= other.audit
        )

    def past(self, table: int, ident: int) -> Cursor:
        """This cursor once the change ``ident`` of ``table`` (see :class:`Change`) is seen."""
        parts = [self.session, self.note, self.audit]
        parts[table] = max(parts[table], ident)
        return Cursor(*parts)


@dataclass(frozen=True)
class Change:
    """One stored change of a session: ``kind`` is ``session`` (a step of the clock or a
    move: ``what`` is its kind), ``note`` (a new note: ``what`` its uid) or ``note_edit``
    / ``note_remove`` (``what`` the note's uid); ``cursor`` is where it leaves a page;
    ``table`` (0 session event, 1 note, 2 audit event) and ``ident`` name its row."""

    cursor: Cursor
    kind: str
    what: str
    table: int = 0
    ident: int = 0


# A change as read: when it was stored, which table's cursor it moves, its id, kind, what.
_Row = tuple[datetime, int, int, str, str]


def _rows(s: Session, interview_id: int, cursor: Cursor) -> list[list[_Row]]:
    """The session events, notes and note corrections after ``cursor``, each in id order."""
    steps = s.exec(
        select(SessionEvent.id, SessionEvent.kind, SessionEvent.at)
        .where(SessionEvent.interview_id == interview_id, col(SessionEvent.id) > cursor.session)
        .order_by(col(SessionEvent.id))
    ).all()
    notes = s.exec(
        select(Note.id, Note.uid, Note.created_at)
        .where(Note.interview_id == interview_id, col(Note.id) > cursor.note)
        .order_by(col(Note.id))
    ).all()
    edits = s.exec(
        select(AuditEvent.id, AuditEvent.action, AuditEvent.data, AuditEvent.at)
        .where(
            AuditEvent.interview_id == interview_id,
            AuditEvent.entity == "note",
            col(AuditEvent.id) > cursor.audit,
        )
        .order_by(col(AuditEvent.id))
    ).all()
    return [
        [(as_utc(at), 0, i or 0, "session", kind) for i, kind, at in steps],
        [(as_utc(at), 1, i or 0, "note", uid) for i, uid, at in notes],
        [
            (as_utc(at), 2, i or 0, f"note_{action}", str(json.loads(data).get("note", "")))
            for i, action, data, at in edits
        ],
    ]


def changes_since(store: Store, interview_id: int, cursor: Cursor) -> list[Change]:
    """The changes of the session of ``interview_id`` after ``cursor``, in the order they
    were stored, each with the cursor a page has reached once it has it."""
    with store.read() as s:
        return _merged(_rows(s, interview_id, cursor), cursor)


def _merged(rows: list[list[_Row]], cursor: Cursor) -> list[Change]:
    reached = [cursor.session, cursor.note, cursor.audit]
    out = []
    for _at, table, ident, kind, what in heapq.merge(*rows):
        reached[table] = max(reached[table], ident)
        out.append(Change(Cursor(*reached), kind, what, table, ident))
    return out


def latest(store: Store, interview_id: int) -> Cursor:
    """The cursor of a page that has seen every change of the session so far."""
    with store.read() as s:
        ids = [
            s.exec(select(func.max(column)).where(where)).one()
            for column, where in (
                (SessionEvent.id, SessionEvent.interview_id == interview_id),
                (Note.id, Note.interview_id == interview_id),
                (
                    AuditEvent.id,
                    (AuditEvent.interview_id == interview_id) & (AuditEvent.entity == "note"),
                ),
            )
        ]
    return Cursor(*(int(i or 0) for i in ids))


def snapshot(store: Store, interview_id: int) -> dict[str, Any]:
    """What a page shows of the session now: its status (as ``session status --json``),
    whether its clock runs, where each clock turns amber, and the current question's notes."""
    status = sessions.status(store, interview_id)
    notes = (
        sessions.list_notes(store, interview_id, status["question"]) if status["question"] else []
    )
    return {
        "status": status,
        "running": status["state"] == "running",
        "near_s": {
            "session": sessions.near_s(status["budget_s"]),
            "block": sessions.near_s(status["block_budget_s"]),
        },
        "notes": notes,
    }


def state(store: Store, interview_id: int) -> dict[str, Any]:
    """:func:`snapshot` with ``cursor``: where it stands among the session's changes (read
    first: the state is at least as new), so that a page can tell an older state."""
    at = latest(store, interview_id)
    return snapshot(store, interview_id) | {"cursor": str(at)}


def news(
    store: Store, interview_id: int, cursor: Cursor
) -> tuple[list[Change], list[dict[str, Any]]]:
    """The changes after ``cursor`` (:func:`changes_since`) and what a page is sent of each,
    read together: a note's change carries the note (as ``note list --json`` shows it, with
    ``removed``); the last move or step of the clock carries the session's state
    (:func:`snapshot`, read after the changes)."""
    with store.read() as s:
        changes = _merged(_rows(s, interview_id, cursor), cursor)
        uids = {c.what for c in changes if c.kind != "session"}
        notes = _notes(s, interview_id, uids) if uids else {}
    steps = [i for i, c in enumerate(changes) if c.kind == "session"]
    now = snapshot(store, interview_id) if steps else None
    out = []
    for i, change in enumerate(changes):
        data: dict[str, Any] = {"kind": change.kind, "what": change.what}
        if change.kind != "session":
            data["note"] = notes.get(change.what)
        elif i == steps[-1]:
            data["state"] = now
        out.append(data)
    return changes, out


def _notes(s: Session, interview_id: int, uids: set[str]) -> dict[str, dict[str, Any]]:
    """The notes of ``uids`` by uid, as a page is sent them."""
    row = s.exec(
        select(Interview, Review)
        .join(Review, col(Review.id) == Interview.review_id)
        .where(Interview.id == interview_id)
    ).first()
    plan = sessions.plan_for(row[1], row[0]) if row is not None else None
    found = s.exec(
        select(Note).where(Note.interview_id == interview_id, col(Note.uid).in_(uids))
    ).all()
    return {n.uid: sessions.note_dict(n, plan) | {"removed": bool(n.removed_at)} for n in found}


def may_run_clock(store: Store, person_id: int, rights: frozenset[Do], interview_id: int) -> bool:
    """Whether someone with ``rights`` in the review may run the session's clock: the
    right to (the timekeeper, the lead), or being the interview's moderator."""
    if Do.clock in rights:
        return True
    with store.read() as s:
        moderator = s.exec(
            select(Interview.moderator_id).where(Interview.id == interview_id)
        ).first()
    return moderator == person_id


__all__ = [
    "Change",
    "Cursor",
    "changes_since",
    "latest",
    "may_run_clock",
    "news",
    "snapshot",
    "state",
]
