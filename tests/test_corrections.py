"""Correcting what was entered: notes edited and removed, sessions held on paper, people
counted as people, and the registry, interviews and the seminar record edited afterwards.

Everything goes through the CLI, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers_followup import write_report

from granskning import interviews, reviews

# "now" in these tests: after the visit, so that a session held on paper is in the past
AFTER_VISIT = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm


@pytest.fixture
def iv(store: Any, sample: Any, clock: Any) -> int:
    """A confirmed review with one interview of the elected representatives, 10 March 09:00."""
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    row = interviews.add_interview(
        store,
        sample.review,
        group="fortroendevalda",
        start="2026-03-10 09:00",
        minutes=90,
        place="Stadshuset",
        interviewees=["Cia Dahl, Kommunalråd"],
        moderator=sample.lead,
        note_taker=sample.secretary,
    )
    reviews.advance(store, sample.review, "confirm_schedule")
    clock.now = AFTER_VISIT
    return row.id  # type: ignore[return-value]


def docx_text(path: Path) -> str:
    """Every paragraph of a Word document, tables included, one per line."""
    doc = Document(io.BytesIO(path.read_bytes()))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def history(cli: Any, review: int) -> list[dict[str, Any]]:
    return cli.json("review", "history", review)  # type: ignore[no-any-return]


def hand_over(cli: Any, store: Any, review: int) -> None:
    """Finish the visit and hand the report over (the interviews must be completed)."""
    cli.ok("review", "advance", review, "finish_visit")
    write_report(store, review, none_blocks=["styrprocesser", "inflytande", "framtid"])
    cli.ok("review", "advance", review, "hand_over")


# -- sessions held on paper ------------------------------------------------------------------


def test_a_session_held_on_paper_is_entered_with_its_real_times(
    cli: Any, store: Any, sample: Any, iv: int, tmp_path: Path
) -> None:
    started = cli("--lang", "en", "session", "start", iv, "--at", "2026-03-10 09:05")
    assert started.exit_code == 0, started.stderr
    assert "warning" not in started.stderr  # five minutes late is no news
    cli.ok("note", "add", iv, "--question", "styr-1", "--text", "Skrivet på papper")
    cli.ok("session", "end", iv, "--at", "2026-03-10 10:20")
    status = cli.json("session", "status", iv)
    assert status["state"] == "completed"
    assert (status["started"], status["ended"]) == ("2026-03-10 09:05", "2026-03-10 10:20")
    assert status["elapsed_s"] == 75 * 60
    # typed up after the end, until the handover
    cli.ok("note", "add", iv, "--question", "styr-2", "--text", "Renskrivet efteråt")
    assert [n["text"] for n in cli.json("note", "list", iv)] == [
        "Skrivet på papper",
        "Renskrivet efteråt",
    ]
    events = [e for e in history(cli, sample.review) if e["entity"] == "interview"]
    assert "held at 2026-03-10 09:05" in events[-2]["comment"]
    assert "held at 2026-03-10 10:20" in events[-1]["comment"]
    # the report's visit is the session's real day and times
    out = tmp_path / "utkast.docx"
    cli.ok("report", "build", sample.review, "-o", out)
    text = docx_text(out)
    assert re.search(r"\b10 (mars|March) 2026, 09:05–10:20", text)


def test_paper_times_are_checked_and_a_refusal_changes_nothing(
    cli: Any, iv: int, snapshot: Any
) -> None:
    before = snapshot()
    for args, code, message in (
        (["--at", "2026-03-20 12:01"], 1, "in the future"),
        (["--at", "2026-03-10 9"], 2, "is not a time of the form"),
        (["--at", "2026-03-29 02:30"], 2, "does not exist"),
    ):
        result = cli("--lang", "en", "session", "start", iv, *args)
        assert (result.exit_code, result.stdout) == (code, ""), args
        assert message in result.stderr and "Traceback" not in result.stderr
        assert snapshot() == before
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    cli.ok("session", "pause", iv)  # now: ten days later, live
    before = snapshot()
    for at, message in (
        ("2026-03-10 08:59", "not after the session's last recorded step"),
        ("2026-03-21 08:00", "in the future"),
    ):
        result = cli("--lang", "en", "session", "end", iv, "--at", at)
        assert result.exit_code == 1 and message in result.stderr, at
        assert snapshot() == before


def test_the_end_must_come_after_the_start(cli: Any, iv: int, snapshot: Any) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    before = snapshot()
    for at in ("2026-03-10 09:00", "2026-03-10 08:00"):
        result = cli("--lang", "en", "session", "end", iv, "--at", at)
        assert result.exit_code == 1
        assert "not after the session started (2026-03-10 09:00)" in result.stderr
    assert snapshot() == before


def test_a_start_far_from_the_schedule_is_warned_about(
    cli: Any, store: Any, sample: Any, iv: int, tmp_path: Path
) -> None:
    result = cli("--lang", "en", "session", "start", iv)
    assert result.exit_code == 0
    assert "warning: interview" in result.stderr
    assert "2026-03-10 09:00" in result.stderr and "--at" in result.stderr
    cli.ok("session", "end", iv)
    out = tmp_path / "utkast.docx"
    cli.ok("report", "build", sample.review, "-o", out)
    text = docx_text(out)
    assert re.search(r"\b20 (mars|March) 2026", text)
    assert not re.search(r"\b10 (mars|March) 2026", text)


def test_an_explicit_far_start_is_warned_about_too(cli: Any, iv: int) -> None:
    result = cli("--lang", "en", "session", "start", iv, "--at", "2026-03-12 09:00", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["far_from_schedule"] is True
    assert "2026-03-10 09:00" in result.stderr and "--at 2026-03-12 09:00" in result.stderr


# -- notes corrected and removed -------------------------------------------------------------


def test_notes_are_corrected_with_the_old_text_kept_in_the_audit(
    cli: Any, sample: Any, iv: int, tmp_path: Path
) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    note = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Budgetn styr")["id"]
    result = cli("--lang", "en", "note", "edit", note, "--text", "Budgeten styr")
    assert result.exit_code == 0 and f"note {note} corrected" in result.stderr
    (row,) = cli.json("note", "list", iv)
    assert (row["text"], row["edited"]) == ("Budgeten styr", "2026-03-20 12:00")
    path = tmp_path / "rättad.txt"
    path.write_text("Budgeten styr allt\n", "utf-8")
    edited = cli.json("note", "edit", note, "--file", path)
    assert edited["text"] == "Budgeten styr allt"
    edits = [e for e in history(cli, sample.review) if e["entity"] == "note"]
    assert [e["action"] for e in edits] == ["edit", "edit"]
    assert "Budgetn styr" in edits[0]["comment"] and "Budgeten styr" in edits[1]["comment"]


def test_a_removed_note_leaves_lists_and_reports(
    cli: Any, sample: Any, iv: int, tmp_path: Path
) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    keep = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Detta står kvar")["id"]
    gone = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Fel intervju")["id"]
    result = cli("--lang", "en", "note", "remove", gone, "--reason", "Skrevs på fel intervju")
    assert result.exit_code == 0 and f"note {gone} removed" in result.stderr
    assert [n["id"] for n in cli.json("note", "list", iv)] == [keep]
    assert cli.json("interview", "show", iv)["notes"] == 1
    (event,) = [e for e in history(cli, sample.review) if e["entity"] == "note"]
    assert event["action"] == "remove"
    assert "Skrevs på fel intervju" in event["comment"] and "Fel intervju" in event["comment"]
    cli.ok("session", "end", iv, "--at", "2026-03-10 10:00")
    out = tmp_path / "utkast.docx"
    cli.ok("report", "build", sample.review, "-o", out)
    text = docx_text(out)
    assert "Detta står kvar" in text and "Fel intervju" not in text
    # a removed note is not edited or removed again
    for args in (["edit", gone, "--text", "x"], ["remove", gone, "--reason", "igen"]):
        again = cli("--lang", "en", "note", *args)
        assert again.exit_code == 1 and f"note {gone} was removed" in again.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["edit", "99", "--text", "x"], 2, "note 99 does not exist"),
        (["edit", "{note}"], 2, "give exactly one of --text and --file"),
        (["edit", "{note}", "--text", "  "], 2, "the note is empty"),
        (["remove", "{note}"], 2, "--reason"),
        (["remove", "{note}", "--reason", " "], 2, "a reason is required"),
    ],
)
def test_bad_corrections_change_nothing(
    cli: Any, iv: int, snapshot: Any, args: list[str], code: int, message: str
) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    note = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Text")["id"]
    before = snapshot()
    result = cli("--lang", "en", "note", *[a.format(note=note) for a in args])
    assert (result.exit_code, result.stdout) == (code, "")
    assert message in result.stderr
    assert snapshot() == before


def test_notes_close_at_the_handover(
    cli: Any, store: Any, sample: Any, iv: int, snapshot: Any
) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    note = cli.json("note", "add", iv, "--question", "styr-1", "--text", "Text")["id"]
    cli.ok("session", "end", iv, "--at", "2026-03-10 10:00")
    hand_over(cli, store, sample.review)
    before = snapshot()
    for args in (
        ["note", "add", iv, "--question", "styr-2", "--text", "För sent"],
        ["note", "edit", note, "--text", "Ändrad"],
        ["note", "remove", note, "--reason", "Fel"],
    ):
        result = cli("--lang", "en", *args)
        assert result.exit_code == 1 and "handed over" in result.stderr, args
    assert snapshot() == before
