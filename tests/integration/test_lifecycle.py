"""Corrections to the review life cycle, through the CLI on SQLite and PostgreSQL: cancelling
frees the interviews, events happen when they happen, the review's own language, rounds
planned without writing, ambiguous local times, and small ``--json`` additions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import vobject

from granskning.storage.store import Store


def _team(cli: Any, sample: Any, review: int | None = None) -> None:
    rid = sample.review if review is None else review
    cli.ok("review", "assign", rid, "--person", sample.lead, "--role", "lead")
    cli.ok("review", "assign", rid, "--person", sample.secretary, "--role", "secretary")


def _interview(cli: Any, sample: Any, review: int, start: str = "2026-03-10 09:00") -> int:
    data = cli.json(
        "interview",
        "add",
        review,
        "--group",
        "ledande",
        "--start",
        start,
        "--minutes",
        "60",
        "--place",
        "Stadshuset, rum 3",
        "--moderator",
        sample.lead,
        "--note-taker",
        sample.secretary,
    )
    return int(data["id"])


# -- 1. cancelling a review cancels its open interviews ----------------------------------------


@pytest.mark.slow
def test_cancelling_a_review_cancels_its_interviews_and_frees_their_bookings(
    cli: Any, sample: Any, tmp_path: Path
) -> None:
    _team(cli, sample)
    first = _interview(cli, sample, sample.review)
    second = _interview(cli, sample, sample.review, start="2026-03-10 13:00")
    cli.ok("interview", "cancel", second, "--reason", "Sjukdom")
    cli.ok("review", "advance", sample.review, "cancel", "--reason", "Kommunen drog sig ur")

    rows = {r["id"]: r for r in cli.json("interview", "list", sample.review)}
    assert rows[first]["state"] == "cancelled"
    assert rows[first]["cancel_reason"] == "Kommunen drog sig ur"
    assert rows[second]["cancel_reason"] == "Sjukdom"  # cancelled before: its reason stays

    # the people and the room are free again: another review books them at the same time
    other = cli.json(
        "review",
        "create",
        "--host",
        "Gävle",
        "--reviewing",
        "Uppsala",
        "--reviewing",
        "Örebro",
        "--template",
        "kollegial-granskning-2013",
    )["id"]
    _team(cli, sample, other)
    _interview(cli, sample, other)

    target = tmp_path / "cancelled.ics"
    cli.ok("calendar", sample.review, "-o", target)
    events = vobject.readOne(target.read_text(encoding="utf-8")).vevent_list
    assert [ev.status.value for ev in events] == ["CANCELLED", "CANCELLED"]
    history = cli.json("review", "history", sample.review)
    cancels = [e for e in history if e["entity"] == "interview" and e["interview"] == first]
    assert [(e["action"], e["comment"]) for e in cancels][-1] == ("cancel", "Kommunen drog sig ur")


@pytest.mark.slow
def test_cancelling_a_visit_stops_a_running_session(cli: Any, store: Store, sample: Any) -> None:
    _team(cli, sample)
    iv = _interview(cli, sample, sample.review)
    cli.ok("review", "advance", sample.review, "confirm_schedule")
    cli.ok("session", "start", iv)
    cli.ok("review", "advance", sample.review, "cancel", "--reason", "Brand i stadshuset")
    assert cli.json("interview", "show", iv)["state"] == "cancelled"
    from sqlmodel import select

    from granskning.storage.model import SessionEvent

    with store.read() as s:
        kinds = [e.kind for e in s.exec(select(SessionEvent).order_by(SessionEvent.id)).all()]
    assert kinds[-1] == "end"


# -- 2. events happen when they happen -----------------------------------------------------------


@pytest.mark.slow
def test_the_seminar_cannot_be_held_before_its_start(
    cli: Any, store: Store, clock: Any, snapshot: Any
) -> None:
    from tests._world import populated

    rid = populated(store).review  # seminar 2026-09-15 09:00; the clock says 2026-03-02
    for item in cli.json("seminar", "items", rid):
        if item["status"] is None and item["merged_into"] is None:
            cli.ok("seminar", "record", rid, "--item", item["id"], "--status", "in_progress")
    actions = {a["action"]: a for a in cli.json("review", "actions", rid)}
    assert actions["hold_seminar"]["allowed"] is False
    assert "2026-09-15 09:00" in actions["hold_seminar"]["reason"]
    assert "hold_seminar" not in cli.json("review", "show", rid)["actions"]

    before = snapshot()
    early = cli("review", "advance", rid, "hold_seminar")
    assert early.exit_code == 1
    assert "2026-09-15 09:00" in early.stderr and "Traceback" not in early.output
    future = cli("review", "advance", rid, "hold_seminar", "--date", "2026-09-15")
    assert future.exit_code == 1
    assert "--date 2026-09-15 is after today (2026-03-02)" in future.stderr
    assert snapshot() == before

    clock.now = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    # entered afterwards: held on a day before the seminar's is refused, on a later day taken
    assert cli("review", "advance", rid, "hold_seminar", "--date", "2026-09-14").exit_code == 1
    cli.ok("review", "advance", rid, "hold_seminar", "--date", "2026-09-16")
    assert cli("review", "advance", rid, "close", "--date", "2026-10-02").exit_code == 1
    cli.ok("review", "advance", rid, "close")
    history = cli.json("review", "history", rid)
    held = [e for e in history if e["action"] == "hold_seminar"]
    assert held[-1]["comment"] == "entered afterwards, dated 2026-09-16"
    assert cli.json("review", "show", rid)["state"] == "closed"


@pytest.mark.slow
def test_an_action_entered_afterwards_keeps_its_day(cli: Any, store: Store) -> None:
    from tests._world import populated

    rid = populated(store, until="handed_over").review
    cli.ok("review", "advance", rid, "reopen", "--reason", "Fel i sammanfattningen")
    assert cli("review", "advance", rid, "hand_over", "--date", "2026-03-03").exit_code == 1
    cli.ok("review", "advance", rid, "hand_over", "--date", "2026-02-27")
    assert cli.json("review", "show", rid)["handed_over_on"] == "2026-02-27"


# -- 3. the review's own language for its documents -------------------------------------------


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _docx_language(path: Path) -> str:
    from docx import Document

    return str(Document(str(path)).core_properties.language)


@pytest.mark.slow
def test_a_review_has_a_language_set_at_create_or_later(cli: Any, sample: Any) -> None:
    assert cli.json("review", "show", sample.review)["language"] == "sv"
    assert "Documents in: Swedish" in cli.ok("review", "show", sample.review).stdout
    created = cli.json(
        "review", "create", "--host", "Gävle", "--reviewing", "Uppsala",
        "--template", "kollegial-granskning-2013", "--language", "en",
    )  # fmt: skip
    assert created["language"] == "en"
    cli.ok("review", "set-language", sample.review, "en")
    assert cli.json("review", "show", sample.review)["language"] == "en"
    assert cli("review", "set-language", sample.review, "de").exit_code == 2
    history = cli.json("review", "history", sample.review)
    assert (history[-1]["action"], history[-1]["comment"]) == (
        "set_language",
        "document language Swedish → English",
    )


@pytest.mark.slow
def test_handover_and_rebuilds_follow_the_review_not_lang(
    cli: Any, store: Store, tmp_path: Path
) -> None:
    from tests._world import populated

    rid = populated(store, until="handed_over").review  # a Swedish review
    cli.ok("review", "advance", rid, "reopen", "--reason", "Fel i sammanfattningen")
    draft = tmp_path / "utkast.docx"
    cli.ok("--lang", "en", "report", "build", rid, "-o", draft)
    assert "Sammanfattning" in _docx_text(draft) and "Summary" not in _docx_text(draft)
    cli.ok("--lang", "en", "review", "advance", rid, "hand_over")
    versions = cli.json("report", "versions", rid)
    assert versions[-1]["language"] == "sv"
    final = tmp_path / "rapport.docx"
    cli.ok("--lang", "en", "report", "build", rid, "-o", final)
    assert "Sammanfattning" in _docx_text(final) and _docx_language(final) == "sv-SE"
    # frozen: the language cannot change any more
    refused = cli("review", "set-language", rid, "en")
    assert refused.exit_code == 1 and "frozen" in refused.stderr

    cli.ok("review", "advance", rid, "reopen", "--reason", "På engelska")
    cli.ok("review", "set-language", rid, "en")
    cli.ok("--lang", "sv", "review", "advance", rid, "hand_over")
    assert cli.json("report", "versions", rid)[-1]["language"] == "en"
    cli.ok("--lang", "sv", "report", "build", rid, "-o", final)
    assert "Summary" in _docx_text(final) and _docx_language(final) == "en-GB"


@pytest.mark.slow
def test_the_checklist_is_wholly_in_the_review_language(
    cli: Any, store: Store, tmp_path: Path
) -> None:
    from tests._world import populated

    rid = populated(store).review
    swedish = tmp_path / "sv.docx"
    cli.ok("--lang", "en", "seminar", "checklist", rid, "-o", swedish)
    text = _docx_text(swedish)
    assert "Uppföljningsseminarium" in text and "Granskad kommun" in text
    assert "Follow-up" not in text and " and " not in text
    assert _docx_language(swedish) == "sv-SE"

    # the language can no longer change (handed over): an English review from the start
    with store.atomic() as s:
        from granskning.storage.model import Review

        row = s.get(Review, rid)
        assert row is not None
        row.language = "en"
    english = tmp_path / "en.docx"
    cli.ok("--lang", "sv", "seminar", "checklist", rid, "-o", english)
    text = _docx_text(english)
    assert "Follow-up seminar" in text and "Municipality under review" in text
    assert "☐ Not started" in text and "Uppsala and Örebro" in text
    for swedish_word in ("Uppföljningsseminarium", "Granskad", "Ej påbörjad", " och ", "kl."):
        assert swedish_word not in text, swedish_word
    assert _docx_language(english) == "en-GB"


@pytest.mark.slow
def test_a_round_language_goes_to_its_reviews_and_through_export(
    cli: Any, store: Store, tmp_path: Path, empty_db: Any
) -> None:
    for name in ("Gävle", "Uppsala", "Örebro", "Östersund"):
        cli.ok("municipality", "add", name)
    members = [
        a for name in ("Gävle", "Uppsala", "Örebro", "Östersund") for a in ("--member", name)
    ]
    made = cli.json(
        "round", "create", "--year", 2026, "--theme", "Barnets bästa",
        "--template", "kollegial-granskning-2013", "--language", "en", *members,
    )  # fmt: skip
    assert made["language"] == "en"
    planned = cli.json("round", "plan", made["id"])
    assert {cli.json("review", "show", r["id"])["language"] for r in planned} == {"en"}
    cli.ok("round", "set-language", made["id"], "sv")
    assert cli.json("round", "show", made["id"])["language"] == "sv"

    out = tmp_path / "review.json"
    cli.ok("review", "export", planned[0]["id"], "-o", out)
    import json

    assert json.loads(out.read_text(encoding="utf-8"))["review"]["language"] == "en"
    from granskning.storage.store import Store as TheStore
    from tests.conftest import Cli

    other = TheStore(empty_db("language"), actor="tester")
    try:
        imported = Cli(other).json("review", "import", out)
        assert Cli(other).json("review", "show", imported["id"])["language"] == "en"
    finally:
        other.dispose()


# -- 8. round plan: a dry run, and the stored plan once reviews are under way ------------------


def _round(cli: Any) -> list[str]:
    names = ["Gävle", "Uppsala", "Örebro", "Östersund", "Trelleborg"]
    for name in names:
        cli.ok("municipality", "add", name)
    members = [a for name in names for a in ("--member", name)]
    cli.ok(
        "round", "create", "--year", 2026, "--theme", "Barnets bästa",
        "--template", "kollegial-granskning-2013", *members,
    )  # fmt: skip
    return names


@pytest.mark.slow
def test_round_plan_dry_run_writes_nothing(cli: Any, snapshot: Any) -> None:
    names = _round(cli)
    before = snapshot()
    dry = cli.json("round", "plan", 1, "--dry-run")
    assert sorted(r["host"] for r in dry) == sorted(names)
    assert all(r["id"] is None and len(r["reviewing"]) == 2 for r in dry)
    table = cli.ok("round", "plan", 1, "--dry-run")
    assert "5 reviews would be created" in table.stderr
    assert snapshot() == before
    assert cli.json("review", "list") == []

    made = cli.json("round", "plan", 1)
    assert [(r["host"], sorted(r["reviewing"])) for r in made] == [
        (r["host"], sorted(r["reviewing"])) for r in dry
    ]
    assert all(isinstance(r["id"], int) for r in made)


@pytest.mark.slow
def test_round_plan_shows_the_stored_plan_once_under_way(
    cli: Any, clock: Any, snapshot: Any
) -> None:
    _round(cli)
    made = cli.json("round", "plan", 1)
    first = made[0]
    # take the first review past planned: a team, an interview, the schedule confirmed
    reviewer = first["reviewing"][0]
    lead = cli.json("person", "add", "Anna Berg", "--municipality", reviewer)["id"]
    secretary = cli.json("person", "add", "Bo Ek", "--municipality", reviewer)["id"]
    cli.ok("review", "assign", first["id"], "--person", lead, "--role", "lead")
    cli.ok("review", "assign", first["id"], "--person", secretary, "--role", "secretary")
    cli.ok(
        "interview", "add", first["id"], "--group", "ledande", "--start", "2026-04-14 09:00",
        "--minutes", 60, "--moderator", lead, "--note-taker", secretary,
    )  # fmt: skip
    cli.ok("review", "advance", first["id"], "confirm_schedule")

    before = snapshot()
    result = cli.ok("round", "plan", 1, "--json")
    assert json_rows(result.stdout) == [
        {"id": r["id"], "host": r["host"], "reviewing": sorted(r["reviewing"])} for r in made
    ]
    assert "stored plan" in result.stderr and str(first["id"]) in result.stderr
    assert json_rows(cli.ok("round", "plan", 1, "--dry-run", "--json").stdout) == json_rows(
        result.stdout
    )
    refused = cli("round", "plan", 1, "--reviewers-per-host", 1)
    assert refused.exit_code == 1 and "past planned" in refused.stderr
    assert snapshot() == before


def json_rows(text: str) -> Any:
    import json

    return json.loads(text)


# -- 11. local times that happen twice or never ------------------------------------------------


def _add_at(cli: Any, sample: Any, start: str) -> Any:
    return cli(
        "interview",
        "add",
        sample.review,
        "--group",
        "ledande",
        "--start",
        start,
        "--minutes",
        "60",
        "--moderator",
        sample.lead,
    )


@pytest.mark.slow
def test_an_autumn_time_that_happens_twice_is_refused_naming_both(
    cli: Any, sample: Any, snapshot: Any
) -> None:
    _team(cli, sample)
    before = snapshot()
    result = _add_at(cli, sample, "2026-10-25 02:30")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    message = result.stderr
    assert "2026-10-25 02:30" in message and "twice" in message
    assert "00:30 UTC" in message and "01:30 UTC" in message  # the two instants
    assert '"2026-10-25 02:30+02:00"' in message and '"2026-10-25 02:30+01:00"' in message
    assert snapshot() == before


@pytest.mark.slow
def test_an_offset_chooses_one_instant_and_is_shown_back(cli: Any, sample: Any) -> None:
    _team(cli, sample)
    first = _add_at(cli, sample, "2026-10-25 02:30+02:00")
    assert first.exit_code == 0, first.stderr
    # 00:30 UTC for an hour: it ends at the second 02:30, and says so
    assert "2026-10-25 02:30+02:00–02:30+01:00" in first.stderr
    shown = cli.json("interview", "show", 1)
    assert shown["start"] == "2026-10-25 02:30+02:00"
    assert shown["end"] == "2026-10-25 02:30+01:00"
    second = cli.json(
        "interview",
        "add",
        sample.review,
        "--group",
        "medarbetare",
        "--start",
        "2026-10-25 02:30+01:00",
        "--minutes",
        "30",
        "--moderator",
        sample.lead,
    )
    assert (second["start"], second["end"]) == ("2026-10-25 02:30+01:00", "2026-10-25 03:00")
    # what is shown can be given back: moving the interview to its own start changes nothing
    edited = cli.json("interview", "edit", second["id"], "--start", second["start"])
    assert edited["start"] == "2026-10-25 02:30+01:00"


@pytest.mark.slow
def test_a_skipped_spring_time_and_a_wrong_offset_are_refused(cli: Any, sample: Any) -> None:
    _team(cli, sample)
    spring = _add_at(cli, sample, "2026-03-29 02:30")
    assert spring.exit_code == 2
    assert "2026-03-29 02:30 does not exist" in spring.stderr
    assert "02:00 to 03:00" in spring.stderr
    wrong = _add_at(cli, sample, "2026-03-10 09:00+02:00")
    assert wrong.exit_code == 2
    assert "is +01:00 in Europe/Stockholm, not +02:00" in wrong.stderr
    assert _add_at(cli, sample, "2026-03-10 09:00+01:00").exit_code == 0


# -- 12. the diagram and small --json additions --------------------------------------------------


@pytest.mark.slow
def test_the_diagram_has_no_empty_front_matter_and_marks_only_a_given_review(
    cli: Any, sample: Any
) -> None:
    plain = cli.ok("review", "diagram").stdout
    assert plain.startswith("stateDiagram-v2")
    assert "---" not in plain and "class " not in plain.lower().replace("classdef", "")
    assert "  planned --> scheduled: confirm_schedule" in plain
    assert "  handed_over --> drafting: reopen (reason)" in plain
    dot = cli.ok("review", "diagram", "--format", "dot").stdout
    assert dot.startswith("digraph") and "penwidth" not in dot

    marked = cli.ok("review", "diagram", "--review", sample.review).stdout
    assert marked.count("class planned current") == 1
    assert [line for line in marked.splitlines() if line.strip().startswith("class ")] == [
        "  class planned current"
    ]
    marked_dot = cli.ok("review", "diagram", "--format", "dot", "--review", sample.review).stdout
    assert "planned [style=" in marked_dot and marked_dot.count("penwidth") == 1
    assert cli("review", "diagram", "--review", 99).exit_code == 2


@pytest.mark.slow
def test_assign_prints_json(cli: Any, sample: Any) -> None:
    import json

    out = cli.ok(
        "review", "assign", sample.review, "--person", sample.lead, "--role", "lead", "--json"
    )
    data = json.loads(out.stdout)
    assert data["review"] == sample.review and data["person"] == sample.lead
    assert (data["role"], data["name"]) == ("lead", "Anna Berg") and isinstance(data["id"], int)


def test_seminar_record_prints_json(cli: Any, store: Store) -> None:
    from tests._world import populated

    rid = populated(store).review
    item = cli.json("seminar", "items", rid)[0]["id"]
    recorded = cli.json(
        "seminar", "record", rid, "--item", item, "--status", "done", "--comment", "Klart"
    )
    assert (recorded["id"], recorded["status"], recorded["comment"]) == (item, "done", "Klart")


@pytest.mark.slow
def test_the_round_report_is_wholly_in_the_round_language(cli: Any, tmp_path: Path) -> None:
    names = ["Gävle", "Uppsala", "Örebro", "Östersund"]
    for name in names:
        cli.ok("municipality", "add", name)
    members = [a for name in names for a in ("--member", name)]
    for language in ("en", "sv"):
        cli.ok(
            "round", "create", "--year", 2026, "--theme", "Barnets bästa",
            "--template", "kollegial-granskning-2013", "--language", language, *members,
        )  # fmt: skip
    cli.ok("round", "plan", 1)

    english = tmp_path / "en.docx"
    cli.ok("--lang", "sv", "round", "report", 1, "-o", english)
    text = _docx_text(english)
    for words in ("Compilation", "Overview per municipality", "Municipality under review"):
        assert words in text, words
    for swedish in ("Sammanställning", "Granskad kommun", "Totalt", "Intervjugrupp", "planerad"):
        assert swedish not in text, swedish
    assert "Elected representatives" in text and _docx_language(english) == "en-GB"
    figures = cli.json("--lang", "sv", "round", "report", 1)
    assert "Elected representatives" in [g["name"] for g in figures["totals"]["groups"]]

    swedish_doc = tmp_path / "sv.docx"
    cli.ok("--lang", "en", "round", "report", 2, "-o", swedish_doc)
    text = _docx_text(swedish_doc)
    assert "Sammanställning" in text and "Compilation" not in text
    assert _docx_language(swedish_doc) == "sv-SE"
