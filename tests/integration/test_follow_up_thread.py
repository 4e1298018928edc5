"""One thread of recommendations (R1, R2, ...) from the report to the compilation; owners and
deadlines; the checklist a seminar can work with; the seminar record and its inputs."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers_followup import drive_to_drafting
from helpers_thread import (
    drafting as _drafting,
    hold as _hold,
    live as _live,
    recommend as _recommend,
    seminar as _seminar,
)
from sqlmodel import select

from granskning.documents import compilation, reports
from granskning.documents.checklist import checklist_context
from granskning.domain.errors import InputError, RuleError
from granskning.services import findings, followup, reviews, rounds, seminar_record
from granskning.storage.model import AuditEvent

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.slow
def test_recommendations_are_numbered_once_and_never_again(store: Any, sample: Any) -> None:
    rid = _drafting(store, sample)
    _recommend(store, rid)
    listed = findings.list_recommendations(store, rid)
    assert [(r["number"], r["code"], r["text"]) for r in listed] == [
        (1, "R1", "Inför barnbokslut"),
        (3, "R3", "Återkoppla till barnen"),
    ]
    # removing the last one does not give its number again
    findings.remove_recommendation(store, listed[1]["id"])
    fourth = findings.add_recommendation(store, rid, "Ny")
    assert fourth.number == 4


@pytest.mark.slow
def test_r_numbers_are_the_same_in_report_checklist_record_and_compilation(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    rid = _seminar(store, sample, clock)
    _hold(store, rid, clock)
    report = _paragraphs(reports.build(store, rid).content)
    in_report = [p for p in report if re.match(r"R\d+\. ", p)]
    assert in_report == [
        "R1. Inför barnbokslut",
        "R3. Återkoppla till barnen (Inflytande och delaktighet)",
    ]
    checklist = followup.build_checklist(store, rid, tmp_path / "c.docx").read_bytes()
    record = seminar_record.build_minutes(store, rid, tmp_path / "m.docx").read_bytes()
    r = rounds.create_round(
        store, year=2026, theme="Tema", template="kollegial-granskning-2013",
        members=["Gävle", "Uppsala", "Örebro"],
    )  # fmt: skip
    with store.atomic() as s:
        from granskning.storage.model import Review

        review = s.get(Review, rid)
        review.round_id = r.id
        s.add(review)
    data = compilation.build_report(store, r.id, tmp_path / "s.docx")  # type: ignore[arg-type]
    compiled = (tmp_path / "s.docx").read_bytes()
    for doc in (checklist, record, compiled):
        cells = _first_cells(doc)
        assert "R1" in cells and "R3" in cells and "R2" not in cells
    from granskning.services import history

    history.build_docx(store, "Gävle", tmp_path / "h.docx", "sv")
    told = "\n".join(_paragraphs((tmp_path / "h.docx").read_bytes()))
    told += "\n".join(
        c.text for t in Document(tmp_path / "h.docx").tables for r in t.rows for c in r.cells
    )
    assert "R1" in told and "R3" in told and "Chef 0" in told and "31 december 2026" in told
    gavle = next(m for m in data["municipalities"] if m["host"] == "Gävle")
    assert [(x["code"], x["status"], x["responsible"], x["deadline"]) for x in gavle["recommendations"]] == [
        ("R1", "in_progress", "Chef 0", "2026-12-31"),
        ("R3", "in_progress", "Chef 1", "2026-12-31"),
    ]  # fmt: skip
    # the other members have nothing to show: named once, not in the tables
    assert data["not_reviewed"] == ["Uppsala", "Örebro"]
    assert "Uppsala" not in _first_cells(compiled)
    assert gavle["timeline"]["handed_over"] and gavle["timeline"]["seminar"].startswith(
        "2026-09-15"
    )


def _paragraphs(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in doc.element.body.iter(f"{W}p")]


def _first_cells(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    return [row.cells[0].text for table in doc.tables for row in table.rows]


@pytest.mark.slow
def test_deadline_and_owner_are_validated_and_audited(store: Any, sample: Any, clock: Any) -> None:
    rid = _seminar(store, sample, clock)
    item = _live(store, rid)[1]
    with pytest.raises(InputError, match="--deadline"):
        followup.record_status(store, rid, item["id"], "done", deadline="31/12")
    with pytest.raises(RuleError, match="before the seminar"):
        followup.record_status(store, rid, item["id"], "done", deadline="2026-09-01")
    assert _live(store, rid)[1]["status"] is None  # nothing changed
    followup.record_status(
        store, rid, item["id"], "in_progress", responsible="Socialchef", deadline="2026-12-31"
    )
    row = next(i for i in followup.items(store, rid) if i["id"] == item["id"])
    assert (row["responsible"], row["deadline"]) == ("Socialchef", "2026-12-31")
    with store.read() as s:
        last = s.exec(
            select(AuditEvent).where(AuditEvent.action == "record").order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        ).first()
    assert last is not None and json.loads(last.data)["deadline"] == "2026-12-31"
    followup.record_status(store, rid, item["id"], "in_progress", deadline="")
    assert next(i for i in followup.items(store, rid) if i["id"] == item["id"])["deadline"] is None


@pytest.mark.slow
def test_the_checklist_merges_duplicates_and_words_items_for_the_seminar(
    store: Any, sample: Any, clock: Any
) -> None:
    rid = _seminar(store, sample, clock)
    rows = followup.items(store, rid)
    commitments = [r for r in rows if r["source"] == "commitment"]
    # three groups said the same words: one item, two merged into it
    assert len(commitments) == 3 and sum(r["merged_into"] is None for r in commitments) == 1
    facts = followup.checklist_facts(store, rid)
    context = checklist_context(facts, "en")
    items = context["items"]
    assert [i["ref"] for i in items][:1] == ["R1"]
    commitment = next(i for i in items if i["source"] == "commitment")
    assert commitment["source_heading"].startswith("Commitment (")
    assert commitment["source_heading"].count(",") == 2  # three groups named
    assert commitment["merged"] == []  # the same words are not repeated
    development = next(i for i in items if i["source"] == "development")
    assert development["shown_text"] == "Act on: Barn hörs sällan"
    assert not any(i["source"] == "commitment" for i in items if i["block"] != "framtid")
    assert len(context["signatures"]) >= 5


@pytest.mark.slow
def test_the_seminar_record_has_status_before_and_after(
    store: Any, sample: Any, clock: Any
) -> None:
    rid = _seminar(store, sample, clock)
    with pytest.raises(InputError, match="name"):
        seminar_record.set_participants(store, rid, [", Gävle"])
    with pytest.raises(RuleError, match="after the seminar"):
        seminar_record.set_next_follow_up(store, rid, "2026-09-01")
    assert seminar_record.participants(store, rid) == []  # nothing changed
    _hold(store, rid, clock)
    data = seminar_record.record(store, rid)
    assert data["participants"] == [
        {"name": "Maria Lind", "municipality": "Gävle"},
        {"name": "Anna Berg", "municipality": ""},
    ]
    assert data["next_follow_up"] == "2027-03-15"
    assert data["next_steps"].startswith("- Redovisa")
    first, second = data["items"][:2]
    assert (first["code"], first["status_before"], first["status"]) == (
        "R1",
        "not_started",
        "in_progress",
    )
    assert second["status_before"] is None and second["deadline"] == "2026-12-31"
    with store.read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert {"set_participants", "set_next_steps", "set_next_follow_up"} <= set(actions)


@pytest.mark.slow
def test_the_record_cannot_be_written_before_the_seminar_is_scheduled(
    store: Any, sample: Any
) -> None:
    rid = _drafting(store, sample)
    reviews.advance(store, rid, "hand_over")
    with pytest.raises(RuleError, match="not scheduled"):
        seminar_record.set_participants(store, rid, ["Maria Lind, Gävle"])
    with pytest.raises(RuleError):
        seminar_record.set_next_steps(store, rid, "Något")


def _xml_paragraphs(data: bytes) -> list[Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        from lxml import etree

        root = etree.fromstring(z.read("word/document.xml"))
    return list(root.iter(f"{W}p"))


def _levels(data: bytes) -> list[int]:
    doc = Document(io.BytesIO(data))
    names = {s.style_id: s.name for s in doc.styles}
    out = []
    for p in doc.element.body.iter(f"{W}p"):
        sid = p.find(f"{W}pPr/{W}pStyle")
        name = names.get(sid.get(f"{W}val"), "") if sid is not None else ""
        if name == "Title":
            out.append(0)
        elif re.fullmatch(r"Heading [1-9]", name):
            out.append(int(name[-1]))
    return out


@pytest.mark.slow
def test_the_documents_xml_headings_header_rows_no_spacing_paragraphs_properties(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    rid = _seminar(store, sample, clock)
    before = followup.build_checklist(store, rid, tmp_path / "c.docx").read_bytes()
    _hold(store, rid, clock)
    record = seminar_record.build_minutes(store, rid, tmp_path / "m.docx").read_bytes()
    for name, data in {"checklist": before, "record": record}.items():
        levels = _levels(data)
        assert levels[0] == 0 and all(
            b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)
        ), name
        doc = Document(io.BytesIO(data))
        # every table of items has a header row repeated on each page
        headed = [t for t in doc.tables if t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None]
        assert len(headed) >= 2, name
        # no empty paragraph in the body used for spacing (table cells aside)
        body = doc.element.body
        empty = [
            p for p in body.iterchildren(f"{W}p")
            if not "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
            and p.find(f".//{W}sectPr") is None and p.find(f".//{W}drawing") is None
        ]  # fmt: skip
        assert empty == [], name
        props = doc.core_properties
        assert props.author == "Partnerskapet för barnets rättigheter i praktiken"
        assert props.language == "sv-SE" and "Gävle" in props.title
        assert props.created is not None and props.created.year == 2026
    headings = [h for h in _paragraph_styles(record) if h[0].startswith("Heading")]
    # participants, the items, next steps, next follow-up
    assert [s for s, _t in headings] == ["Heading 1"] * 4
    text = "\n".join(_paragraphs(record))
    assert "Maria Lind" in text and "15 mars 2027" in text and "31 december 2026" in text
    assert "15 september 2026 kl. 13.00" in text and "Redovisa i nämnden" in text
    # the checklist: room for five handwritten lines per item, a "done by" column
    doc = Document(io.BytesIO(before))
    heights = [
        row.height.cm for t in doc.tables if len(t.columns) == 6 for row in t.rows[1:] if row.height
    ]
    assert heights and min(heights) >= 4.0


def _paragraph_styles(data: bytes) -> list[tuple[str, str]]:
    doc = Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in doc.paragraphs]


@pytest.mark.slow
def test_the_record_template_passes_the_check(tmp_path: Path) -> None:
    from granskning.documents.minutes import minutes_template

    problems = reports.check_template(minutes_template(), "minnesanteckningar")
    # the facts table on the cover has no header row, as on the checklist: a warning only
    assert [p for p in problems if p.severity == "error"] == []
    assert all("table 1" in p.where for p in problems)


def test_deadlines_travel_in_the_export_format() -> None:
    from granskning.interchange.format import FollowUpRec, columns

    rec = FollowUpRec.model_validate(
        {
            "uid": "a" * 32, "source": "manual", "text": "x", "deadline": "2026-12-31",
            "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00",
        }
    ).model_dump(mode="json")  # fmt: skip
    assert columns(rec, "follow_up_items")["deadline"] == date(2026, 12, 31)


@pytest.mark.slow
def test_a_file_made_before_numbering_is_numbered_on_import(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    from granskning.services import exchange
    from granskning.storage.store import Store

    rid = sample.review
    drive_to_drafting(store, rid, sample.lead, sample.secretary)
    _recommend(store, rid)
    path = tmp_path / "review.json"
    exchange.export_review(store, rid, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    for rec in doc["recommendations"]:
        del rec["number"]  # as a file of an earlier version has them
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    other = Store.memory(clock=clock)
    try:
        first = exchange.import_review(other, path)
        listed = findings.list_recommendations(other, first["review"])
        assert [(r["code"], r["text"]) for r in listed] == [
            ("R1", "Inför barnbokslut"),
            ("R2", "Återkoppla till barnen"),
        ]
        assert exchange.import_review(other, path)["changed"] is False
        assert [r["code"] for r in findings.list_recommendations(other, first["review"])] == [
            "R1",
            "R2",
        ]
    finally:
        other.dispose()


@pytest.mark.slow
def test_a_seminar_participant_is_in_an_access_request_and_forgotten(
    store: Any, sample: Any, clock: Any
) -> None:
    from granskning.services import privacy, registry

    rid = _seminar(store, sample, clock)
    person = registry.add_person(store, "Maria Lind", "Gävle").id
    seminar_record.set_participants(store, rid, ["Maria Lind, Gävle", "Anna Berg, Uppsala"])
    found = privacy.person_export(store, person)
    assert found["seminar_participation"] == [
        {"review": rid, "name": "Maria Lind", "municipality": "Gävle"}
    ]
    privacy.forget(store, person)
    names = [p["name"] for p in seminar_record.participants(store, rid)]
    assert "Maria Lind" not in names and "Anna Berg" in names
