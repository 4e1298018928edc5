"""The follow-up seminar: checklist items from the report, scheduling, statuses, the checklist."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers_followup import add_interview, drive_to_drafting, write_report
from hypothesis import given, settings, strategies as st
from sqlmodel import select

from granskning.domain.errors import FrozenError, InputError, NotFoundError, RuleError
from granskning.domain.timefmt import format_local, parse_local, to_local
from granskning.services import followup, reviews
from granskning.storage.audit import history_rows
from granskning.storage.model import AuditEvent, FollowUpItem, Recommendation, Review


def _handed_over(store: Any, sample: Any, **report: Any) -> int:
    """The sample review, handed over with a typical report."""
    rid = sample.review
    drive_to_drafting(
        store,
        rid,
        sample.lead,
        sample.secretary,
        commitments=["Jag ska lyfta barnkonsekvensanalyser i nämnden", "  "],
        ratings=[3, 4],
    )
    write_report(
        store,
        rid,
        recommendations=report.get(
            "recommendations",
            [(None, "Inför barnbokslut"), ("inflytande", "Återkoppla till barnen")],
        ),
        developments=report.get(
            "developments",
            [("inflytande", "Barn hörs sällan i budgeten"), ("styrprocesser", "Röd tråd saknas")],
        ),
        strengths=[("styrprocesser", "Tydlig vision")],
        none_blocks=["framtid"],
    )
    reviews.advance(store, rid, "hand_over")
    return rid


@pytest.mark.slow
def test_handover_turns_the_report_into_checklist_items(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    rows = followup.items(store, rid)
    assert [(r["source"], r["block"], r["text"]) for r in rows] == [
        ("recommendation", None, "Inför barnbokslut"),
        ("recommendation", "inflytande", "Återkoppla till barnen"),
        # development areas in template block order
        ("development", "styrprocesser", "Röd tråd saknas"),
        ("development", "inflytande", "Barn hörs sällan i budgeten"),
        # the Framtid commitment (an empty note is no commitment; strengths are not followed up)
        ("commitment", "framtid", "Jag ska lyfta barnkonsekvensanalyser i nämnden"),
    ]
    assert all(r["status"] is None for r in rows)
    assert rows[4]["source_label"] == "commitment (Elected representatives)"
    with store.read() as s:
        rec_uids = {r.uid for r in s.exec(select(Recommendation)).all()}
    assert {r["source_uid"] for r in rows[:2]} == rec_uids
    # one audit event in the handover's transaction
    with store.read() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "create_items")).all()
    assert [json.loads(e.data) for e in events] == [{"added": 5, "refreshed": 0, "removed": 0}]


@pytest.mark.slow
def test_handing_over_again_after_reopen_does_not_duplicate(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    manual = followup.add_item(store, rid, "Egen punkt")
    reviews.advance(store, rid, "reopen", reason="Fel i en rekommendation")
    with store.atomic() as s:
        recs = s.exec(select(Recommendation).order_by(Recommendation.id)).all()  # type: ignore[arg-type]
        recs[0].text = "Inför ett barnbokslut varje år"
        s.add(recs[0])
        s.delete(recs[1])
    write_report(store, rid, recommendations=[("styrprocesser", "Ny rekommendation")])
    reviews.advance(store, rid, "hand_over")
    texts = [(r["source"], r["text"]) for r in followup.items(store, rid)]
    assert texts == [
        ("recommendation", "Inför ett barnbokslut varje år"),
        ("development", "Röd tråd saknas"),
        ("development", "Barn hörs sällan i budgeten"),
        ("commitment", "Jag ska lyfta barnkonsekvensanalyser i nämnden"),
        ("manual", "Egen punkt"),
        ("recommendation", "Ny rekommendation"),
    ]
    assert manual.id in [r["id"] for r in followup.items(store, rid)]


@pytest.mark.slow
def test_a_removed_source_that_had_items_merged_into_it_releases_them(
    store: Any, sample: Any
) -> None:
    rid = _handed_over(store, sample)
    rows = followup.items(store, rid)
    followup.merge(store, rid, rows[1]["id"], rows[0]["id"])
    reviews.advance(store, rid, "reopen", reason="Rekommendation 1 stryks")
    with store.atomic() as s:
        first = s.exec(select(Recommendation).order_by(Recommendation.id)).first()  # type: ignore[arg-type]
        s.delete(first)
    reviews.advance(store, rid, "hand_over")
    after = {r["text"]: r for r in followup.items(store, rid)}
    assert "Inför barnbokslut" not in after
    assert after["Återkoppla till barnen"]["merged_into"] is None


@pytest.mark.parametrize(
    ("handed", "expected"),
    [
        (date(2026, 3, 10), date(2026, 8, 18)),  # July is holiday: mid-August, a Tuesday
        (date(2026, 5, 4), date(2026, 9, 8)),  # 4 September is a Friday: the next Tuesday
        (date(2026, 8, 25), date(2027, 1, 7)),  # Christmas break: 7 January (a Thursday)
        (date(2026, 1, 31), date(2026, 6, 2)),  # 31 May does not exist: clamped, then Tuesday
    ],
)
def test_suggested_seminar_date(handed: date, expected: date) -> None:
    start = followup.suggest_start(handed)
    assert to_local(start).date() == expected
    assert format_local(start)[11:] == "13:00"


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_suggestion_is_always_inside_the_window_on_a_weekday(handed: date) -> None:
    day = to_local(followup.suggest_start(handed)).date()
    assert followup.add_months(handed, 4) <= day <= followup.add_months(handed, 6)
    assert day.weekday() < 5
    assert day.month != 7


@pytest.mark.slow
def test_schedule_without_start_takes_the_suggestion(store: Any, sample: Any, clock: Any) -> None:
    rid = _handed_over(store, sample)
    suggestion = followup.suggestion(store, rid)
    assert suggestion["handed_over"] == "2026-03-02"
    info = followup.schedule(store, rid, None, "Stadshuset")
    # handed over 2026-03-02: four months on is July, the holidays, so mid-August (a Tuesday)
    assert info["start"] == suggestion["start"] == "2026-08-18 13:00"
    assert info["place"] == "Stadshuset"
    with store.read() as s:
        review = reviews.get_review(s, rid)
    assert review.state == "follow_up_scheduled"
    assert format_local(review.seminar_start) == suggestion["start"]


@pytest.mark.slow
def test_rescheduling_moves_the_seminar_with_an_audit_event(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"), "Stadshuset")
    info = followup.schedule(store, rid, parse_local("2026-09-22 09:30"))
    assert (info["start"], info["place"], info["sequence"]) == (
        "2026-09-22 09:30",
        "Stadshuset",
        1,
    )
    with store.read() as s:
        ev = s.exec(select(AuditEvent).where(AuditEvent.action == "reschedule_seminar")).one()
    assert ev.review_id == rid
    shown = [e for e in history_rows(store, rid) if e["action"] == "reschedule_seminar"]
    assert (
        shown[0]["comment"] == "seminar moved from 2026-09-15 13:00 to 2026-09-22 09:30: Stadshuset"
    )


@pytest.mark.slow
def test_schedule_is_refused_before_handover_and_after_the_seminar(
    store: Any, sample: Any, clock: Any
) -> None:
    with pytest.raises(RuleError, match="follows the handover"):
        followup.schedule(store, sample.review, parse_local("2026-09-15 13:00"))
    rid = _handed_over(store, sample, recommendations=[], developments=[("inflytande", "Få hörs")])
    with pytest.raises(RuleError, match="before the handover"):
        followup.schedule(store, rid, parse_local("2026-01-15 13:00"))
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"))
    for item in followup.items(store, rid):
        followup.record_status(store, rid, item["id"], "done")
    clock.now = datetime(2026, 9, 16, 12, 0, tzinfo=UTC)  # held on its day, not before
    reviews.advance(store, rid, "hold_seminar")
    with pytest.raises(RuleError, match="already been held"):
        followup.schedule(store, rid, parse_local("2026-10-15 13:00"))


@pytest.mark.slow
def test_review_advance_with_a_date_starts_the_seminar_that_morning(
    store: Any, sample: Any
) -> None:
    rid = _handed_over(store, sample)
    reviews.advance(store, rid, "schedule_seminar", on=date(2026, 9, 16))
    assert followup.seminar_info(store, rid)["start"] == "2026-09-16 09:00"


@pytest.mark.slow
def test_add_and_merge_items_before_the_seminar(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    added = followup.add_item(store, rid, "  Barnbokslut tas fram  ", "styrprocesser")
    assert (added.text, added.block_id, added.source) == (
        "Barnbokslut tas fram",
        "styrprocesser",
        "manual",
    )
    rows = followup.items(store, rid)
    a, b, c = rows[0]["id"], rows[1]["id"], added.id
    followup.merge(store, rid, a, b)
    followup.merge(store, rid, b, c)  # what was merged into b follows it to c
    merged = {r["id"]: r["merged_into"] for r in followup.items(store, rid)}
    assert merged[a] == c and merged[b] == c and merged[c] is None
    with pytest.raises(InputError, match="into itself"):
        followup.merge(store, rid, c, c)
    with pytest.raises(RuleError, match="already merged"):
        followup.merge(store, rid, a, c)
    with pytest.raises(InputError, match="block nowhere is not in template"):
        followup.add_item(store, rid, "x", "nowhere")
    with pytest.raises(InputError, match="must not be empty"):
        followup.add_item(store, rid, "   ")
    with pytest.raises(NotFoundError):
        followup.merge(store, rid, 999, c)


def test_items_cannot_be_added_before_handover(store: Any, sample: Any) -> None:
    with pytest.raises(RuleError):
        followup.add_item(store, sample.review, "Tidigt")


@pytest.mark.slow
def test_record_statuses_and_hold_the_seminar(store: Any, sample: Any, clock: Any) -> None:
    rid = _handed_over(store, sample)
    rows = followup.items(store, rid)
    with pytest.raises(RuleError, match="schedule it first"):
        followup.record_status(store, rid, rows[0]["id"], "done")
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"))
    followup.merge(store, rid, rows[4]["id"], rows[3]["id"])
    with pytest.raises(RuleError, match="merged into item"):
        followup.record_status(store, rid, rows[4]["id"], "done")
    with pytest.raises(InputError, match="unknown status"):
        followup.record_status(store, rid, rows[0]["id"], "finished")
    followup.record_status(
        store, rid, rows[0]["id"], "in_progress", comment="Plan finns", responsible="  Eva   Ek "
    )
    with pytest.raises(RuleError, match="checklist items without a status"):
        reviews.advance(store, rid, "hold_seminar")
    # None keeps the comment; "" clears the responsible
    item = followup.record_status(store, rid, rows[0]["id"], "done", responsible="")
    assert (item.status, item.comment, item.responsible) == ("done", "Plan finns", None)
    for r in rows[1:4]:
        followup.record_status(store, rid, r["id"], "not_started")
    clock.now = datetime(2026, 9, 16, 12, 0, tzinfo=UTC)  # held on its day, not before
    reviews.advance(store, rid, "hold_seminar")  # the merged item needs no status of its own
    with pytest.raises(RuleError, match="has been held"):
        followup.record_status(store, rid, rows[0]["id"], "in_progress")
    with pytest.raises(RuleError, match="already been held"):
        followup.add_item(store, rid, "Sent")
    reviews.advance(store, rid, "close")
    rows = followup.items(store, rid)
    assert rows[0]["status_label"] == "done" and rows[0]["colour"] == "green"
    assert rows[1]["colour_label"] == "red"


@pytest.mark.slow
def test_items_of_another_review_are_not_found(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    other = reviews.create_review(
        store, host="Uppsala", reviewing=["Gävle"], template="kollegial-granskning-2013"
    )
    with store.atomic() as s:
        foreign = FollowUpItem(
            review_id=other.id,
            source="manual",
            text="Annan",
            created_at=store.now(),
            updated_at=store.now(),
        )
        s.add(foreign)
        s.flush()
        foreign_id = foreign.id
    item = followup.items(store, rid)[0]["id"]
    with pytest.raises(NotFoundError, match="does not exist on review"):
        followup.merge(store, rid, item, foreign_id)  # type: ignore[arg-type]
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"))
    with pytest.raises(NotFoundError, match="does not exist on review"):
        followup.record_status(store, rid, foreign_id, "done")  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_report_stays_frozen_while_following_up(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"))
    with store.read() as s:
        review = reviews.get_review(s, rid)
    with pytest.raises(FrozenError):
        reviews.ensure_editable(review)


# -- the checklist document ---------------------------------------------------------------


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def _status_fills(path: Path) -> list[str]:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(path))
    fills = []
    for table in doc.tables:
        for row in table.rows[1:]:
            cells = row.cells
            if len(cells) == 6:  # no., item, status, comment, responsible, done by
                shd = cells[2]._tc.tcPr.find(qn("w:shd"))
                fills.append(shd.get(qn("w:fill")) if shd is not None else "")
    return fills


@pytest.mark.slow
def test_checklist_before_and_after_the_seminar(
    store: Any, sample: Any, tmp_path: Path, clock: Any
) -> None:
    rid = _handed_over(
        store,
        sample,
        recommendations=[(None, "Ta fram <barnbokslut> & följ upp")],
        developments=[("inflytande", "Barn hörs sällan")],
    )
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"), "Stadshuset")
    before = followup.build_checklist(store, rid, tmp_path / "before.docx")
    text = _docx_text(before)
    assert "Gävle" in text and "Uppsala och Örebro" in text  # the review's language: Swedish
    assert "Ta fram <barnbokslut> & följ upp" in text  # escaped, not markup
    assert "15 september 2026 kl. 13.00" in text and "Stadshuset" in text
    assert text.count("☐ Ej påbörjad") == 3  # room to write each status
    rows = followup.items(store, rid)
    followup.record_status(
        store, rid, rows[0]["id"], "done", comment="Klart i maj", responsible="Kommundirektör"
    )
    followup.record_status(store, rid, rows[1]["id"], "in_progress")
    followup.record_status(store, rid, rows[2]["id"], "not_started")
    clock.now = datetime(2026, 9, 16, 12, 0, tzinfo=UTC)  # held on its day, not before
    reviews.advance(store, rid, "hold_seminar")
    after = followup.build_checklist(store, rid, tmp_path / "after.docx")
    text = _docx_text(after)
    assert "☐" not in text
    assert "Klar (grön)" in text and "Klart i maj" in text and "Kommundirektör" in text
    assert "Seminariet hölls 15 september 2026" in text
    assert "Uppföljningsseminariets resultat för Gävle" in text or "results for Gävle" in text
    assert sorted(_status_fills(after)) == sorted(["C9E4B8", "FFE599", "F4CCCC"])


@pytest.mark.slow
def test_checklist_rejects_bad_paths(store: Any, sample: Any, tmp_path: Path) -> None:
    rid = _handed_over(store, sample)
    with pytest.raises(InputError, match=r"must end in \.docx"):
        followup.build_checklist(store, rid, tmp_path / "x.pdf")
    with pytest.raises(InputError, match="does not exist"):
        followup.build_checklist(store, rid, tmp_path / "nowhere" / "x.docx")
    with pytest.raises(InputError, match="Word template does not exist"):
        followup.build_checklist(store, rid, tmp_path / "x.docx", tmp_path / "missing.docx")
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip")
    with pytest.raises(InputError, match="not a Word document"):
        followup.build_checklist(store, rid, tmp_path / "x.docx", broken)
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.slow
def test_a_template_cannot_escape_the_sandbox(store: Any, sample: Any, tmp_path: Path) -> None:
    from docx import Document

    rid = _handed_over(store, sample)
    evil = tmp_path / "evil.docx"
    doc = Document()
    doc.add_paragraph("{{ host.__class__.__mro__[1].__subclasses__() }}")
    doc.save(str(evil))
    with pytest.raises(InputError, match="cannot be filled in"):
        followup.build_checklist(store, rid, tmp_path / "out.docx", evil)


# -- through the command line ---------------------------------------------------------------


@pytest.mark.slow
def test_the_whole_life_cycle_through_the_cli(
    cli: Any, store: Any, tmp_path: Path, clock: Any
) -> None:
    for name in ("Gävle", "Uppsala", "Örebro"):
        cli.ok("municipality", "add", name)
    lead = cli.json("person", "add", "Anna Berg", "--municipality", "Uppsala")["id"]
    secretary = cli.json("person", "add", "Bo Ek", "--municipality", "Örebro")["id"]
    rid = cli.json(
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
    cli.ok("review", "assign", rid, "--person", lead, "--role", "lead")
    cli.ok("review", "assign", rid, "--person", secretary, "--role", "secretary")
    # interviews, notes, findings and texts come from other capabilities: rows here
    add_interview(
        store,
        rid,
        "ledande",
        moderator=lead,
        note_taker=secretary,
        commitments=["Jag tar upp barnets bästa i ledningsgruppen"],
    )
    cli.ok("review", "advance", rid, "confirm_schedule")
    cli.ok("review", "advance", rid, "start_visit")
    from helpers_followup import complete_interviews

    complete_interviews(store, rid)
    cli.ok("review", "advance", rid, "finish_visit")
    write_report(
        store,
        rid,
        recommendations=[("styrprocesser", "Inför barnbokslut")],
        developments=[("inflytande", "Återkoppling till barn saknas")],
        strengths=[("styrprocesser", "Tydlig vision")],
        none_blocks=["framtid"],
    )
    blocked = cli("seminar", "record", rid, "--item", 1, "--status", "done")
    assert blocked.exit_code == 1 and "while the review is drafting" in blocked.stderr
    cli.ok("review", "advance", rid, "hand_over")

    items = cli.json("seminar", "items", rid)
    assert [i["source"] for i in items] == ["recommendation", "development", "commitment"]
    assert set(items[0]) >= {"id", "block", "source", "text", "status", "comment", "responsible"}
    extra = cli.json("seminar", "add-item", rid, "--text", "Barnrättsnätverk", "--block", "framtid")
    cli.ok("seminar", "merge", rid, "--item", extra["id"], "--into", items[2]["id"])

    early = cli("seminar", "record", rid, "--item", items[0]["id"], "--status", "done")
    assert early.exit_code == 1 and "schedule it first" in early.stderr

    suggested = cli.json("seminar", "schedule", rid, "--suggest")
    assert suggested["start"] == "2026-08-18 13:00"
    assert suggested["earliest"] == "2026-07-02" and suggested["latest"] == "2026-09-02"
    cli.ok("seminar", "schedule", rid, "--start", "2026-09-15 13:00", "--place", "Stadshuset")
    shown = cli.json("review", "show", rid)
    assert (shown["state"], shown["seminar"], shown["seminar_place"]) == (
        "follow_up_scheduled", "2026-09-15 13:00", "Stadshuset",
    )  # fmt: skip
    moved = cli.ok("seminar", "schedule", rid, "--start", "2026-09-16 13:00")
    assert "2026-09-16 13:00" in moved.stderr

    cli.ok("seminar", "checklist", rid, "-o", tmp_path / "before.docx")
    hold = cli("review", "advance", rid, "hold_seminar")
    assert hold.exit_code == 1 and "without a status" in hold.stderr
    cli.ok(
        "seminar",
        "record",
        rid,
        "--item",
        items[0]["id"],
        "--status",
        "done",
        "--comment",
        "Antaget i KF",
        "--responsible",
        "Kommundirektör",
    )
    cli.ok("seminar", "record", rid, "--item", items[1]["id"], "--status", "in_progress")
    cli.ok("seminar", "record", rid, "--item", items[2]["id"], "--status", "not_started")
    table = cli.ok("seminar", "items", rid).stdout
    assert "source" in table and str(items[0]["id"]) in table
    colours = [(i["colour"], i["merged_into"]) for i in cli.json("seminar", "items", rid)]
    assert colours == [("green", None), ("amber", None), ("red", None), (None, items[2]["id"])]
    clock.now = datetime(2026, 9, 17, 12, 0, tzinfo=UTC)  # held on its day, not before
    cli.ok("review", "advance", rid, "hold_seminar")
    cli.ok("seminar", "checklist", rid, "-o", tmp_path / "after.docx")
    assert "Antaget i KF" in _docx_text(tmp_path / "after.docx")
    cli.ok("review", "advance", rid, "close")
    assert cli.json("review", "show", rid)["state"] == "closed"
    actions = [e["action"] for e in cli.json("review", "history", rid)]
    assert actions[actions.index("create_items") :] == [
        "create_items",
        "hand_over",
        "add",
        "merge",
        "schedule_seminar",
        "reschedule_seminar",
        "record",
        "record",
        "record",
        "hold_seminar",
        "close",
    ]


@pytest.mark.slow
def test_cli_bad_input_changes_nothing(cli: Any, store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    item = followup.items(store, rid)[0]["id"]
    with store.read() as s:
        before = s.exec(select(FollowUpItem)).all(), reviews.get_review(s, rid).version
    cases = [
        (("seminar", "schedule", rid, "--start", "15 sept"), 2),
        (("seminar", "schedule", rid, "--start", "2026-03-29 02:30"), 2),  # skipped by DST
        (("seminar", "schedule", 999, "--start", "2026-09-15 13:00"), 2),
        (("seminar", "record", rid, "--item", item, "--status", "finished"), 2),
        (("seminar", "record", rid, "--item", item, "--status", "done"), 1),
        (("seminar", "merge", rid, "--item", item, "--into", item), 2),
        (("seminar", "add-item", rid, "--text", "x", "--block", "nope"), 2),
        (("seminar", "items", 999), 2),
        (("seminar", "checklist", rid, "-o", "x.txt"), 2),
    ]
    for args, code in cases:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output, result.stderr)
        assert result.stderr.startswith("error:") or "Error" in result.stderr, args
        assert "Traceback" not in result.stderr
    with store.read() as s:
        after = s.exec(select(FollowUpItem)).all(), reviews.get_review(s, rid).version
    assert [i.model_dump() for i in before[0]] == [i.model_dump() for i in after[0]]
    assert before[1] == after[1]


@pytest.mark.slow
def test_seminar_messages_in_swedish(cli: Any, store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    result = cli("--lang", "sv", "seminar", "record", rid, "--item", 1, "--status", "done")
    assert result.exit_code == 1
    assert "status registreras vid seminariet; boka det först" in result.stderr


@pytest.mark.slow
def test_seminar_info_is_ready_for_the_calendar(store: Any, sample: Any) -> None:
    rid = _handed_over(store, sample)
    followup.schedule(store, rid, parse_local("2026-09-15 13:00"), "Stadshuset")
    info = followup.seminar_info(store, rid)
    with store.read() as s:
        review = s.get(Review, rid)
    assert info["uid"] == f"seminar-{review.uid}"  # type: ignore[union-attr]
    assert (info["start"], info["place"], info["sequence"]) == ("2026-09-15 13:00", "Stadshuset", 0)
    # stored in UTC: 13:00 in Stockholm summer time
    assert to_local(review.seminar_start) == datetime(2026, 9, 15, 11, 0, tzinfo=UTC)  # type: ignore[union-attr, arg-type]
