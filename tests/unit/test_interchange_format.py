"""The interchange's tables and pure parts, without a database: the column table agrees
with the records, a file's references are checked, refusals list what they refuse."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from pydantic import BaseModel

from granskning.domain.errors import ConflictError, InputError, RuleError
from granskning.interchange import format as fmt
from granskning.interchange.merge import MAX_LISTED, refusal
from granskning.interchange.records import SPECS
from granskning.interchange.state import Plan, relation
from granskning.interchange.validate import check_references
from granskning.services import exchange
from granskning.storage import model

RECORDS: dict[str, type[BaseModel]] = {
    "people": fmt.PersonRec,
    "assignments": fmt.AssignmentRec,
    "interviews": fmt.InterviewRec,
    "interviewees": fmt.IntervieweeRec,
    "events": fmt.EventRec,
    "notes": fmt.NoteRec,
    "findings": fmt.FindingRec,
    "recommendations": fmt.RecommendationRec,
    "report_texts": fmt.ReportTextRec,
    "report_versions": fmt.ReportVersionRec,
    "follow_up_items": fmt.FollowUpRec,
}
TABLES: dict[str, Any] = {
    "people": model.Person,
    "interviewees": model.Interviewee,
    "events": model.SessionEvent,
    **{spec.kind: spec.model for spec in SPECS},
}


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_columns_follow_the_records_and_the_tables(kind: str) -> None:
    # the export writes the fields in this order: the same as the record's
    assert [f for f, _c in fmt.fields(kind)] == list(RECORDS[kind].model_fields)
    table_columns = set(TABLES[kind].model_fields)
    assert {c for _f, c in fmt.fields(kind) if c is not None} <= table_columns


def test_columns_parse_times_and_leave_made_fields_out() -> None:
    rec = {"kind": "start", "at": "2026-03-02T08:00:00+00:00", "question": None}
    cols = fmt.columns(rec, "events")
    assert set(cols) == {"kind", "at", "question_id"}
    assert cols["at"].isoformat() == "2026-03-02T08:00:00+00:00"
    assert "interview" not in fmt.columns({"uid": "a", "interview": "b"} | _note(), "notes")


def _note() -> dict[str, Any]:
    return {
        "question": None,
        "text": "t",
        "rating": None,
        "author": None,
        "created_at": "2026-03-02T08:00:00+00:00",
        "edited_at": None,
        "quoted": False,
        "removed_at": None,
    }


@pytest.mark.parametrize(
    ("here", "there", "expected"),
    [
        ({"a"}, {"a"}, "same"),
        ({"a"}, {"a", "b"}, "ahead"),
        ({"a", "b"}, {"a"}, "behind"),
        ({"a", "b"}, {"a", "c"}, "diverged"),
    ],
)
def test_relation(here: set[str], there: set[str], expected: str) -> None:
    assert relation(here, there) == expected


def test_compare_lists_each_differing_field_but_skipped_ones() -> None:
    plan = Plan()
    plan.compare(
        "note",
        "n1",
        {"uid": "n1", "text": "a", "rating": 1},
        {"uid": "x", "text": "b", "rating": 1},
        skip=("uid",),
    )
    assert plan.conflicts == ["note n1: text is a here, b in the file"]


def test_refusal() -> None:
    plan = Plan()
    assert refusal(plan, 7) is None
    plan.history.append("a step")
    assert isinstance(refusal(plan, 7), RuleError)
    plan.conflicts.extend(f"c{i}" for i in range(MAX_LISTED + 2))
    error = refusal(plan, 7)
    assert isinstance(error, ConflictError)
    lines = str(error).splitlines()
    assert "(27 conflicts)" in lines[0]
    assert lines[-1].strip() == "... and 2 more"


def _document() -> dict[str, Any]:
    content = "not a template"
    return {
        "format": fmt.FORMAT,
        "format_version": fmt.FORMAT_VERSION,
        "exported_at": "2026-03-02T08:00:00+00:00",
        "exported_by": "test",
        "review": {
            "uid": "r1",
            "host": "Gävle",
            "reviewing": ["Uppsala", "uppsala "],
            "state": "planned",
            "version": 1,
            "template": {
                "id": "t",
                "version": "1",
                "sha256": hashlib.sha256(content.encode()).hexdigest(),
                "content": content,
            },
            "created_at": "2026-03-02T08:00:00+00:00",
            "updated_at": "2026-03-02T08:00:00+00:00",
        },
        "assignments": [{"person": "p9", "role": "lead", "created_at": "2026-03-02T08:00:00Z"}],
        "notes": [{"uid": "n1", "interview": "i9", **_note()}],
    }


def test_references_are_checked_before_the_rules() -> None:
    doc = fmt.load(json.dumps(_document()))
    assert check_references(doc) == [
        "reviewing municipality uppsala appears twice",
        "assignment names person p9, who is not in the file",
        "note n1 belongs to interview i9, which is not in the file",
        "the pinned template is not a valid template",
    ]
    with pytest.raises(InputError, match="not a valid review export"):
        exchange.parse_document(json.dumps(_document()))


def test_load_refuses_what_the_format_does_not_allow() -> None:
    with pytest.raises(InputError, match="not a granskning review export"):
        fmt.load("[]")
    with pytest.raises(InputError, match="format version 2"):
        fmt.load(json.dumps({"format": fmt.FORMAT, "format_version": 2}))
    bad = _document() | {"exported_by": "a\x00b"}
    with pytest.raises(InputError, match="/exported_by"):
        fmt.load(json.dumps(bad))
