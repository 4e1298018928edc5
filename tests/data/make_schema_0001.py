"""Build ``schema_0001.db``: a database as the first schema release (alembic 0001) wrote it.

The file is kept in the repository so that every later release proves it still upgrades
such a database without losing a row (tests/integration/test_migrations.py). Rows are written with
plain SQL in the form 0001 stored them (not through today's model), every table gets a
few, and every value is fixed (the pinned template is template_0001.yaml, as shipped with
that release), so running this again gives the same content:

    python tests/data/make_schema_0001.py [OUT.db]
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "schema_0001.db"

# the question template shipped with the first schema release, as a review pinned it
TEMPLATE = (HERE / "template_0001.yaml").read_text(encoding="utf-8")
TEMPLATE_SHA = hashlib.sha256(TEMPLATE.encode("utf-8")).hexdigest()


def t(day: int, hour: int = 8, minute: int = 0) -> str:
    """A UTC time in the form SQLAlchemy 2 stores a DateTime in SQLite."""
    return f"2026-03-{day:02d} {hour:02d}:{minute:02d}:00.000000"


ROWS: dict[str, list[dict[str, object]]] = {
    "municipality": [
        {"id": 1, "name": "Gävle", "key": "gävle", "created_at": t(1)},
        {"id": 2, "name": "Uppsala", "key": "uppsala", "created_at": t(1)},
        {"id": 3, "name": "Örebro", "key": "örebro", "created_at": t(1)},
    ],
    "person": [
        {
            "id": 1,
            "uid": "p" * 31 + "1",
            "name": "Anna Berg",
            "municipality_id": 2,
            "title": "Utvecklingsledare",
            "email": "anna.berg@example.se",
            "forgotten_at": None,
            "created_at": t(1, 9),
        },
        {
            "id": 2,
            "uid": "p" * 31 + "2",
            "name": "Bo Ek",
            "municipality_id": 3,
            "title": "Sekreterare",
            "email": None,
            "forgotten_at": None,
            "created_at": t(1, 9),
        },
        {
            "id": 3,
            "uid": "p" * 31 + "3",
            "name": "Cia Dahl",
            "municipality_id": 1,
            "title": "Kommunalråd",
            "email": "cia.dahl@example.se",
            "forgotten_at": None,
            "created_at": t(1, 9),
        },
        {
            "id": 4,
            "uid": "p" * 31 + "4",
            "name": "Pseudonym 4",
            "municipality_id": 1,
            "title": None,
            "email": None,
            "forgotten_at": t(2),
            "created_at": t(1, 9),
        },
    ],
    "round": [
        {
            "id": 1,
            "year": 2026,
            "theme": "Barns trygga uppväxtvillkor",
            "template_name": "kollegial-granskning-2013",
            "created_at": t(1, 10),
        },
    ],
    "round_member": [
        {"round_id": 1, "municipality_id": 1},
        {"round_id": 1, "municipality_id": 2},
        {"round_id": 1, "municipality_id": 3},
    ],
    "review": [
        {
            "id": 1,
            "uid": "r" * 31 + "1",
            "host_id": 1,
            "round_id": 1,
            "state": "follow_up_scheduled",
            "version": 6,
            "template_id": "kollegial-granskning-2013",
            "template_version": "1.0",
            "template_sha256": TEMPLATE_SHA,
            "template_content": TEMPLATE,
            "handed_over_on": "2026-03-20",
            "seminar_start": t(28, 12),
            "seminar_place": "Stadshuset, sal 2",
            "created_at": t(1, 10),
            "updated_at": t(21),
        },
        {
            "id": 2,
            "uid": "r" * 31 + "2",
            "host_id": 2,
            "round_id": None,
            "state": "planned",
            "version": 1,
            "template_id": "kollegial-granskning-2013",
            "template_version": "1.0",
            "template_sha256": TEMPLATE_SHA,
            "template_content": TEMPLATE,
            "handed_over_on": None,
            "seminar_start": None,
            "seminar_place": None,
            "created_at": t(2, 10),
            "updated_at": t(2, 10),
        },
    ],
    "reviewing_municipality": [
        {"review_id": 1, "municipality_id": 2},
        {"review_id": 1, "municipality_id": 3},
        {"review_id": 2, "municipality_id": 1},
    ],
    "assignment": [
        {"id": 1, "review_id": 1, "person_id": 1, "role": "lead", "created_at": t(1, 11)},
        {"id": 2, "review_id": 1, "person_id": 2, "role": "secretary", "created_at": t(1, 11)},
        {"id": 3, "review_id": 1, "person_id": 3, "role": "host_contact", "created_at": t(1, 11)},
    ],
    "interview": [
        {
            "id": 1,
            "uid": "i" * 31 + "1",
            "review_id": 1,
            "group_id": "fortroendevalda",
            "start": t(10, 8),
            "minutes": 90,
            "place": "KS-salen",
            "state": "completed",
            "moderator_id": 1,
            "note_taker_id": 2,
            "timekeeper_id": None,
            "cancel_reason": None,
            "sequence": 1,
            "version": 4,
            "created_at": t(2, 8),
            "updated_at": t(10, 9, 40),
        },
        {
            "id": 2,
            "uid": "i" * 31 + "2",
            "review_id": 1,
            "group_id": "medarbetare",
            "start": t(10, 13),
            "minutes": 60,
            "place": None,
            "state": "cancelled",
            "moderator_id": 1,
            "note_taker_id": 2,
            "timekeeper_id": None,
            "cancel_reason": "Sjukdom",
            "sequence": 2,
            "version": 2,
            "created_at": t(2, 8),
            "updated_at": t(9, 8),
        },
    ],
    "interviewee": [
        {
            "id": 1,
            "interview_id": 1,
            "person_id": 3,
            "name": "Cia Dahl",
            "title": "Kommunalråd",
            "organisation": "Gävle kommun",
            "position": 0,
        },
        {
            "id": 2,
            "interview_id": 1,
            "person_id": None,
            "name": "Olle Ström",
            "title": "Oppositionsråd",
            "organisation": None,
            "position": 1,
        },
    ],
    "session_event": [
        {"id": 1, "interview_id": 1, "kind": "start", "at": t(10, 8, 2), "question_id": "styr-1"},
        {"id": 2, "interview_id": 1, "kind": "pause", "at": t(10, 8, 40), "question_id": None},
        {"id": 3, "interview_id": 1, "kind": "resume", "at": t(10, 8, 50), "question_id": None},
        {"id": 4, "interview_id": 1, "kind": "goto", "at": t(10, 9, 0), "question_id": "framtid-1"},
        {"id": 5, "interview_id": 1, "kind": "end", "at": t(10, 9, 40), "question_id": None},
    ],
    "note": [
        {
            "id": 1,
            "uid": "n" * 31 + "1",
            "interview_id": 1,
            "question_id": "styr-1",
            "text": "Barnbokslut varje år; barnchecklista i alla ärenden.",
            "rating": None,
            "author": "Bo Ek",
            "created_at": t(10, 8, 10),
        },
        {
            "id": 2,
            "uid": "n" * 31 + "2",
            "interview_id": 1,
            "question_id": "infl-6",
            "text": "Tre av fyra.",
            "rating": 3,
            "author": "Bo Ek",
            "created_at": t(10, 8, 30),
        },
        {
            "id": 3,
            "uid": "n" * 31 + "3",
            "interview_id": 1,
            "question_id": None,
            "text": "Fri iakttagelse: ungdomsrådet deltog.",
            "rating": None,
            "author": None,
            "created_at": t(10, 9, 30),
        },
    ],
    "finding": [
        {
            "id": 1,
            "uid": "f" * 31 + "1",
            "review_id": 1,
            "block_id": "styrprocesser",
            "kind": "strength",
            "text": "Barnbokslutet används i budgetarbetet.",
            "created_at": t(15),
        },
        {
            "id": 2,
            "uid": "f" * 31 + "2",
            "review_id": 1,
            "block_id": "framtid",
            "kind": "none",
            "text": "",
            "created_at": t(15),
        },
    ],
    "recommendation": [
        {
            "id": 1,
            "uid": "e" * 31 + "1",
            "review_id": 1,
            "block_id": "styrprocesser",
            "text": "Följ upp barnchecklistan årligen.",
            "created_at": t(15, 9),
        },
    ],
    "report_text": [
        {
            "review_id": 1,
            "section": "summary",
            "text": "Gävle har kommit långt.",
            "updated_at": t(16),
        },
        {
            "review_id": 1,
            "section": "reflections",
            "text": "Vi lärde oss mycket.",
            "updated_at": t(16),
        },
    ],
    "report_version": [
        {
            "id": 1,
            "review_id": 1,
            "number": 1,
            "sha256": "a" * 64,
            "content": b"PK\x03\x04 not really a docx \x00\xff",
            "language": "sv",
            "created_at": t(20),
            "purged_at": None,
        },
        {
            "id": 2,
            "review_id": 1,
            "number": 2,
            "sha256": "b" * 64,
            "content": None,
            "language": "sv",
            "created_at": t(20, 9),
            "purged_at": t(22),
        },
    ],
    "follow_up_item": [
        {
            "id": 1,
            "uid": "u" * 31 + "1",
            "review_id": 1,
            "source": "recommendation",
            "source_uid": "e" * 31 + "1",
            "block_id": "styrprocesser",
            "text": "Följ upp barnchecklistan årligen.",
            "status": "in_progress",
            "comment": "Påbörjat",
            "responsible": "Cia Dahl",
            "merged_into_id": None,
            "created_at": t(20),
            "updated_at": t(21),
        },
        {
            "id": 2,
            "uid": "u" * 31 + "2",
            "review_id": 1,
            "source": "manual",
            "source_uid": None,
            "block_id": None,
            "text": "Dubblett",
            "status": None,
            "comment": None,
            "responsible": None,
            "merged_into_id": 1,
            "created_at": t(20),
            "updated_at": t(20),
        },
    ],
    "audit_event": [
        {
            "id": 1,
            "uid": "a" * 31 + "1",
            "review_id": 1,
            "interview_id": None,
            "entity": "review",
            "action": "create",
            "from_state": None,
            "to_state": "planned",
            "actor": "samordnare",
            "comment": "kollegial-granskning-2013 1.0",
            "at": t(1, 10),
        },
        {
            "id": 2,
            "uid": "a" * 31 + "2",
            "review_id": 1,
            "interview_id": 1,
            "entity": "interview",
            "action": "end",
            "from_state": "running",
            "to_state": "completed",
            "actor": "Bo Ek",
            "comment": None,
            "at": t(10, 9, 40),
        },
        {
            "id": 3,
            "uid": "a" * 31 + "3",
            "review_id": None,
            "interview_id": None,
            "entity": "person",
            "action": "forget",
            "from_state": None,
            "to_state": None,
            "actor": "samordnare",
            "comment": "person 4",
            "at": t(2),
        },
    ],
}


def build(out: Path) -> None:
    """Write the 0001 database to ``out`` (replacing it)."""
    sys.path.insert(0, str(HERE.parent.parent))
    from granskning.storage.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    store = Store(f"sqlite:///{out}", migrate=False)
    store.upgrade("0001")
    store.dispose()
    conn = sqlite3.connect(out)
    with conn:
        for table, rows in ROWS.items():
            for row in rows:
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
