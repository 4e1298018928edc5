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

from granskning.services import reviews
from tests.conftest import confirmed_interview

# "now" in these tests: after the visit, so that a session held on paper is in the past
AFTER_VISIT = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm


@pytest.fixture
def iv(store: Any, sample: Any, clock: Any) -> int:
    """A confirmed review with one interview of the elected representatives, 10 March 09:00."""
    ident = confirmed_interview(
        store, sample, place="Stadshuset", interviewees=["Cia Dahl, Kommunalråd"]
    )
    clock.now = AFTER_VISIT
    return ident


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


@pytest.mark.slow
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
    assert "held on paper at 2026-03-10 09:05" in events[-2]["comment"]
    assert "held on paper at 2026-03-10 10:20" in events[-1]["comment"]
    # the report's visit is the session's real day and times
    out = tmp_path / "utkast.docx"
    cli.ok("report", "build", sample.review, "-o", out)
    text = docx_text(out)
    assert re.search(r"\b10 (mars|March) 2026, 09[.:]05–10[.:]20", text)  # the house style


@pytest.mark.slow
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


@pytest.mark.slow
def test_the_end_must_come_after_the_start(cli: Any, iv: int, snapshot: Any) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    before = snapshot()
    for at in ("2026-03-10 09:00", "2026-03-10 08:00"):
        result = cli("--lang", "en", "session", "end", iv, "--at", at)
        assert result.exit_code == 1
        assert "not after the session started (2026-03-10 09:00)" in result.stderr
    assert snapshot() == before


@pytest.mark.slow
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


@pytest.mark.slow
def test_an_explicit_far_start_is_warned_about_too(cli: Any, iv: int) -> None:
    result = cli("--lang", "en", "session", "start", iv, "--at", "2026-03-12 09:00", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["far_from_schedule"] is True
    assert "2026-03-10 09:00" in result.stderr and "--at 2026-03-12 09:00" in result.stderr


# -- notes corrected and removed -------------------------------------------------------------


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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


# -- people counted as people ----------------------------------------------------------------


def test_the_same_person_twice_is_refused_unless_allowed(cli: Any, snapshot: Any) -> None:
    cli.ok("municipality", "add", "Gävle")
    cli.ok("municipality", "add", "Umeå")
    first = cli.json("person", "add", "Anna Berg", "--municipality", "Gävle")["id"]
    before = snapshot()
    result = cli("--lang", "en", "person", "add", "anna  BERG", "--municipality", "gävle")
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"Gävle already has a person called anna BERG (person {first})" in result.stderr
    assert "--allow-duplicate" in result.stderr
    assert snapshot() == before
    cli.ok("person", "add", "Anna Berg", "--municipality", "Umeå")  # another municipality
    second = cli.json("person", "add", "Anna Berg", "--municipality", "Gävle", "--allow-duplicate")
    assert second["id"] != first
    assert [p["name"] for p in cli.json("person", "list")] == ["Anna Berg"] * 3


@pytest.mark.slow
def test_interviewees_have_an_organisation_and_groups_a_head_count(
    cli: Any, sample: Any, tmp_path: Path
) -> None:
    iv = cli.json(
        "interview", "add", sample.review, "--group", "barn-och-unga",
        "--start", "2026-03-10 13:00", "--minutes", "60",
        "--interviewee", "Alva Ek, Ordförande, Ungdomsrådet i Gävle",
        "--group-interviewee", "Ungdomsrådet, 6, Gävle kommun",
    )  # fmt: skip
    assert iv["interviewees"] == [
        {
            "name": "Alva Ek",
            "title": "Ordförande",
            "organisation": "Ungdomsrådet i Gävle",
            "person": None,
            "head_count": None,
        },
        {
            "name": "Ungdomsrådet",
            "title": None,
            "organisation": "Gävle kommun",
            "person": None,
            "head_count": 6,
        },
    ]
    assert iv["participants"] == 7
    shown = cli.ok("--lang", "en", "interview", "show", iv["id"]).stdout
    assert "Interviewee: Alva Ek, Ordförande, Ungdomsrådet i Gävle" in shown
    assert "Group: Ungdomsrådet, Gävle kommun (6 people)" in shown
    assert "People heard: 7" in shown
    # the report's appendix shows both, and the totals count people, not rows
    out = tmp_path / "utkast.docx"
    cli.ok("report", "build", sample.review, "-o", out)
    text = docx_text(out)
    assert "Ungdomsrådet i Gävle" in text and "Gävle kommun" in text
    assert re.search(r"Ungdomsrådet \(6 (personer|people)\)", text)
    assert re.search(r"\n1\n7\nOrdförande\n", text)  # the group table: 1 interview, 7 people
    assert re.search(r"(7 deltagare|7 participants)", text)
    # the visit's sentences wholly in the review's language (Swedish), children counted
    assert "Av dem var 7 barn och unga." in text and "Of them" not in text
    anonymous = tmp_path / "anonym.docx"
    cli.ok("report", "build", sample.review, "-o", anonymous, "--anonymous")
    text = docx_text(anonymous)
    assert "Alva Ek" not in text and re.search(r"Ungdomsrådet \(6 (personer|people)\)", text)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--group-interviewee", "Ungdomsrådet, sex", "give how many people"),
        ("--group-interviewee", "Ungdomsrådet, 0", "give how many people"),
        ("--group-interviewee", "Ungdomsrådet", "give how many people"),
        ("--group-interviewee", " , 6", "give a name"),
        ("--interviewee", ", Rektor, Skolan", "give a name"),
    ],
)
def test_bad_interviewees_are_refused(
    cli: Any, sample: Any, snapshot: Any, option: str, value: str, message: str
) -> None:
    before = snapshot()
    result = cli(
        "--lang", "en", "interview", "add", sample.review, "--group", "barn-och-unga",
        "--start", "2026-03-10 13:00", "--minutes", "60", option, value,
    )  # fmt: skip
    assert (result.exit_code, result.stdout) == (2, "")
    assert message in result.stderr and option in result.stderr
    assert snapshot() == before


@pytest.mark.slow
def test_the_round_compilation_counts_people(cli: Any, store: Any) -> None:
    for name in ("Gävle", "Uppsala", "Örebro"):
        cli.ok("municipality", "add", name)
    cli.ok(
        "round", "create", "--year", "2026", "--theme", "Barnets bästa",
        "--template", "kollegial-granskning-2013",
        "--member", "Gävle", "--member", "Uppsala", "--member", "Örebro",
    )  # fmt: skip
    plan = cli.json("round", "plan", 1, "--reviewers-per-host", "1")
    review = next(r["id"] for r in plan if r["host"] == "Gävle")
    cli.ok(
        "interview", "add", review, "--group", "barn-och-unga",
        "--start", "2026-03-10 13:00", "--minutes", "60",
        "--interviewee", "Alva Ek, Ordförande", "--group-interviewee", "Ungdomsrådet, 6",
    )  # fmt: skip
    figures = cli.json("round", "report", 1)
    gavle = next(m for m in figures["municipalities"] if m["host"] == "Gävle")
    assert gavle["participants"] == 7
    assert {g["group"]: g["participants"] for g in gavle["groups"]}["barn-och-unga"] == 7


@pytest.mark.slow
def test_who_was_interviewed_is_corrected_after_the_session_until_handover(
    cli: Any, store: Any, sample: Any, iv: int, snapshot: Any
) -> None:
    cli.ok("session", "start", iv, "--at", "2026-03-10 09:00")
    cli.ok("session", "end", iv, "--at", "2026-03-10 10:30")
    result = cli(
        "--lang", "en", "interview", "edit", iv,
        "--interviewee", "Cia Dahl, Kommunalråd, Kommunstyrelsen",
        "--group-interviewee", "Presidiet, 3",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    shown = cli.json("interview", "show", iv)
    assert [(p["name"], p["organisation"], p["head_count"]) for p in shown["interviewees"]] == [
        ("Cia Dahl", "Kommunstyrelsen", None),
        ("Presidiet", None, 3),
    ]
    assert shown["participants"] == 4 and shown["state"] == "completed"
    before = snapshot()
    moved = cli("--lang", "en", "interview", "edit", iv, "--start", "2026-03-11 09:00")
    assert moved.exit_code == 1 and "can no longer be changed" in moved.stderr
    assert snapshot() == before
    hand_over(cli, store, sample.review)
    before = snapshot()
    late = cli("--lang", "en", "interview", "edit", iv, "--interviewee", "Någon Annan")
    assert late.exit_code == 1 and "handed over" in late.stderr
    assert snapshot() == before


# -- the registry edited ---------------------------------------------------------------------


@pytest.mark.slow
def test_a_municipality_is_renamed(cli: Any, store: Any, sample: Any, snapshot: Any) -> None:
    result = cli("--lang", "en", "municipality", "rename", "gävle", "--to", "Gävle kommun")
    assert result.exit_code == 0 and "is now called Gävle kommun" in result.stderr
    assert cli.json("review", "show", sample.review)["host"] == "Gävle kommun"
    assert "Gävle kommun" in [m["name"] for m in cli.json("municipality", "list")]
    cli.ok("person", "add", "Ny Person", "--municipality", "gävle kommun")
    with store.read() as s:
        from sqlmodel import select

        from granskning.storage.model import AuditEvent

        event = s.exec(select(AuditEvent).where(AuditEvent.action == "rename")).one()
    assert (event.entity, json.loads(event.data)) == (
        "municipality",
        {"before": "Gävle", "after": "Gävle kommun"},
    )
    before = snapshot()
    for args, code, message in (
        (["Gävle kommun", "--to", "uppsala"], 1, "municipality uppsala already exists"),
        (["Gävle", "--to", "X"], 2, "municipality Gävle does not exist"),
        (["Uppsala", "--to", "  "], 2, "must not be empty"),
    ):
        refused = cli("--lang", "en", "municipality", "rename", *args)
        assert (refused.exit_code, refused.stdout) == (code, ""), args
        assert message in refused.stderr
    assert snapshot() == before


@pytest.mark.slow
def test_a_person_is_corrected(cli: Any, store: Any, sample: Any, iv: int, snapshot: Any) -> None:
    result = cli(
        "--lang", "en", "person", "edit", sample.host_person,
        "--name", "Cia Dahlberg", "--title", "Kommunstyrelsens ordförande",
        "--email", "cia@example.se",
    )  # fmt: skip
    assert result.exit_code == 0 and "updated: Cia Dahlberg" in result.stderr
    person = next(p for p in cli.json("person", "list") if p["id"] == sample.host_person)
    assert (person["name"], person["title"], person["email"]) == (
        "Cia Dahlberg",
        "Kommunstyrelsens ordförande",
        "cia@example.se",
    )
    # the interview that names her follows (the review is not handed over)
    (named,) = cli.json("interview", "show", iv)["interviewees"]
    assert (named["name"], named["title"]) == ("Cia Dahlberg", "Kommunstyrelsens ordförande")
    cleared = cli.json("person", "edit", sample.host_person, "--email", "")
    assert cleared["email"] is None and cleared["title"] == "Kommunstyrelsens ordförande"
    events = [e for e in history_all(store) if e.action == "edit" and e.entity == "person"]
    # the fields, never their values: the audit log is no place for personal data
    assert [json.loads(e.data)["fields"] for e in events] == [["name", "title", "email"], ["email"]]
    with store.read() as s:
        from granskning.storage.model import AuditDetail

        assert all(s.get(AuditDetail, e.uid).text is None for e in events)
    before = snapshot()
    for args, code, message in (
        ([sample.host_person], 2, "give at least one of --name, --title and --email"),
        ([99, "--name", "X"], 2, "person 99 does not exist"),
        ([sample.host_person, "--email", "inte en adress"], 2, "not an e-mail address"),
        ([sample.host_person, "--name", "dan holm"], 1, "already has a person called dan holm"),
    ):
        refused = cli("--lang", "en", "person", "edit", *args)
        assert (refused.exit_code, refused.stdout) == (code, ""), args
        assert message in refused.stderr
    assert snapshot() == before
    cli.ok("person", "edit", sample.host_person, "--name", "Dan Holm", "--allow-duplicate")
    cli.ok("person", "forget", sample.lead)
    forgotten = cli("--lang", "en", "person", "edit", sample.lead, "--name", "Anna Berg")
    assert forgotten.exit_code == 1 and "has been forgotten" in forgotten.stderr


def history_all(store: Any) -> list[Any]:
    from sqlmodel import col, select

    from granskning.storage.model import AuditEvent

    with store.read() as s:
        return list(s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())


# -- the follow-up checklist and the seminar record corrected ----------------------------------


@pytest.fixture
def handed(store: Any, sample: Any) -> int:
    """The sample review handed over with two recommendations: two checklist items."""
    from helpers_followup import drive_to_drafting

    drive_to_drafting(store, sample.review, sample.lead, sample.secretary)
    write_report(
        store,
        sample.review,
        recommendations=[(None, "Inför barnbokslut"), ("inflytande", "Återkoppla till barnen")],
        none_blocks=["styrprocesser", "inflytande", "framtid"],
    )
    reviews.advance(store, sample.review, "hand_over")
    return sample.review


@pytest.mark.slow
def test_a_checklist_item_is_reworded_before_the_seminar(
    cli: Any, store: Any, handed: int, snapshot: Any
) -> None:
    first, second = (i["id"] for i in cli.json("seminar", "items", handed))
    result = cli(
        "--lang", "en", "seminar", "edit-item", handed, "--item", first,
        "--text", "Inför ett årligt barnbokslut", "--block", "styrprocesser",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    cli.json("seminar", "edit-item", handed, "--item", second, "--block", "")
    items = cli.json("seminar", "items", handed)
    assert [(i["text"], i["block"]) for i in items] == [
        ("Inför ett årligt barnbokslut", "styrprocesser"),
        ("Återkoppla till barnen", None),
    ]
    events = [e for e in history(cli, handed) if e["action"] == "edit"]
    assert "reworded" in events[0]["comment"] and "Inför barnbokslut" in events[0]["comment"]
    assert "moved from block inflytande to –" in events[1]["comment"]
    before = snapshot()
    for args, code, message in (
        (["--item", first], 2, "give --text, --block or both"),
        (["--item", first, "--block", "nope"], 2, "nope"),
        (["--item", 99, "--text", "x"], 2, "checklist item 99 does not exist"),
        (["--item", first, "--text", " "], 2, "must not be empty"),
    ):
        refused = cli("--lang", "en", "seminar", "edit-item", handed, *args)
        assert (refused.exit_code, refused.stdout) == (code, ""), args
        assert message in refused.stderr
    assert snapshot() == before


@pytest.mark.slow
def test_a_status_is_corrected_after_the_seminar_with_a_reason(
    cli: Any, store: Any, handed: int, snapshot: Any
) -> None:
    first, second = (i["id"] for i in cli.json("seminar", "items", handed))
    cli.ok("seminar", "schedule", handed, "--start", "2026-03-02 09:00")
    cli.ok("seminar", "record", handed, "--item", first, "--status", "in_progress")
    cli.ok("seminar", "record", handed, "--item", second, "--status", "done")
    cli.ok("review", "advance", handed, "hold_seminar")
    before = snapshot()
    refused = cli("--lang", "en", "seminar", "record", handed, "--item", first, "--status", "done")
    assert refused.exit_code == 1 and "correct a recorded status with --reason" in refused.stderr
    refused = cli("--lang", "en", "seminar", "edit-item", handed, "--item", first, "--text", "x")
    assert refused.exit_code == 1 and "already been held" in refused.stderr
    assert snapshot() == before
    cli.ok(
        "seminar", "record", handed, "--item", first, "--status", "done",
        "--reason", "Fel status antecknades",
    )  # fmt: skip
    assert [i["status"] for i in cli.json("seminar", "items", handed)] == ["done", "done"]
    event = history(cli, handed)[-1]
    assert event["action"] == "correct"
    assert event["comment"] == (
        f"item {first}: in progress → done, corrected after the seminar: Fel status antecknades"
    )
    cli.ok("review", "advance", handed, "close")
    cli.ok(
        "seminar", "record", handed, "--item", second, "--status", "in_progress", "--reason", "x"
    )


# -- corrections travel with an exported review --------------------------------------------


@pytest.mark.slow
def test_corrections_made_offline_come_home(
    cli: Any, store: Any, tmp_path: Path, clock: Any
) -> None:
    from _world import populated

    from granskning.storage.store import Store
    from tests.conftest import Cli

    world = populated(store, until="visiting")
    laptop = Store(f"sqlite:///{tmp_path / 'laptop.db'}", clock=clock, actor="laptop")
    away = Cli(laptop)
    out, home = tmp_path / "out.json", tmp_path / "home.json"
    cli.ok("review", "export", world.review, "-o", out)
    away.ok("review", "import", out)
    iv = world.interviews[0]
    edited, removed = (n["id"] for n in away.json("note", "list", iv)[:2])
    away.ok("note", "edit", edited, "--text", "Rättad på resan")
    away.ok("note", "remove", removed, "--reason", "Dubblett")
    away.ok("interview", "edit", iv, "--group-interviewee", "Ungdomsrådet, 6, Gävle kommun")
    away.ok("review", "export", 1, "-o", home)
    laptop.dispose()
    cli.ok("review", "import", home)
    notes = {n["id"]: n for n in cli.json("note", "list", iv)}
    assert notes[edited]["text"] == "Rättad på resan" and removed not in notes
    (group,) = cli.json("interview", "show", iv)["interviewees"]
    assert (group["name"], group["head_count"], group["organisation"]) == (
        "Ungdomsrådet",
        6,
        "Gävle kommun",
    )
    assert "already up to date" in cli("--lang", "en", "review", "import", home).stderr
