"""The documents' builders are pure: facts in, a context that fits its schema out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from granskning.documents import compilation, docxrender, style
from granskning.documents.checklist import ChecklistFacts, checklist_context
from granskning.documents.schemas import CHECKLIST_SCHEMA, COMPILATION_SCHEMA
from granskning.domain import templates
from granskning.domain.enums import ReviewState
from granskning.storage.model import Round

AT = datetime(2026, 9, 16, 10, 0, tzinfo=UTC)


def _fits(value: Any, schema: Any) -> bool:
    """Whether every key of ``value`` is in ``schema`` (None stands for an empty value)."""
    if value is None or schema in (docxrender.TEXT, docxrender.NUMBER, docxrender.BOOL):
        return True
    if isinstance(schema, dict):
        return isinstance(value, dict) and all(
            k in schema and _fits(v, schema[k]) for k, v in value.items()
        )
    if isinstance(schema, list):
        return isinstance(value, list) and all(_fits(v, schema[0]) for v in value)
    return schema == docxrender.IMAGE and isinstance(value, docxrender.Image | str)


def _template() -> templates.Template:
    return templates.find("kollegial-granskning-2013").template


def _item(i: int, block: str | None, status: str | None, merged_into: int | None = None) -> Any:
    return {
        "id": i, "block": block, "block_title": None, "source": "recommendation",
        "source_label": "rekommendation", "source_uid": f"u{i}", "text": f"Punkt {i}",
        "status": status, "status_label": "klar" if status else None,
        "colour": "green" if status else None, "colour_label": "grön" if status else None,
        "fill": style.STATUS_FILLS.get(status or ""), "comment": None, "responsible": None,
        "merged_into": merged_into,
    }  # fmt: skip


def test_the_checklist_is_built_from_its_facts_alone() -> None:
    template = _template()
    block = template.blocks[0].id
    facts = ChecklistFacts(
        review_id=7,
        state=ReviewState.followed_up,
        host="Gävle",
        reviewing=["Uppsala", "Örebro"],
        round=None,
        template=template,
        items=[_item(1, block, "done"), _item(2, None, None), _item(3, block, None, 1)],
        handed_over="2026-05-01",
        seminar="2026-09-15 13:00",
        seminar_start=datetime(2026, 9, 15, 11, 0, tzinfo=UTC),
        seminar_place="Stadshuset",
        at=AT,
    )
    context = checklist_context(facts, "sv")
    assert _fits(context, CHECKLIST_SCHEMA)
    # general items first, then block by block; a merged item is listed under its item
    assert [(i["number"], i["id"]) for i in context["items"]] == [(1, 2), (2, 1)]
    assert context["items"][1]["merged"] == [
        {"id": 3, "text": "Punkt 3", "source_label": "rekommendation"}
    ]
    assert context["seminar_date"] == "15 september 2026" and context["seminar_time"] == "13.00"
    assert context["seminar"] == context["seminar_when"] == "15 september 2026 kl. 13.00"
    assert context["handed_over"] == "1 maj 2026"
    assert context["reviewing"] == "Uppsala och Örebro"
    assert context["counts"] == {"not_started": 0, "in_progress": 0, "done": 1, "none": 1}
    assert "15 september 2026" in context["held_text"] and context["t"]["number"] == "Nr"
    assert [s["fill"] for s in context["statuses"]] == ["F4CCCC", "FFE599", "C9E4B8"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_compilation_is_built_from_its_facts_alone(lang: str) -> None:
    the_round = Round(id=3, year=2026, theme="Delaktighet", template_name="x", language=lang)
    facts = compilation.RoundFacts(
        round=the_round,
        members=[(1, "Gävle"), (2, "Uppsala")],
        reviews=[
            {
                "id": 10,
                "host_id": 1,
                "host": "Gävle",
                "state": "handed_over",
                "seminar": None,
                "reviewing": ["Uppsala"],
            },
        ],  # fmt: skip
        templates=[_template()],
        interviews=[(10, "politiker", 90, 5, 75), (10, "politiker", 30, 1, 0)],
        findings=[(10, "styrning", "strength", "Tydlig"), (10, "styrning", "none", "")],
        ratings=[],
        items=[(10, "done"), (10, None)],
    )
    data = compilation.figures(facts)
    assert data["totals"]["interviews"] == 2 and data["totals"]["hours"] == 2.0
    assert data["totals"]["held_hours"] == 1.25  # 75 minutes held of the 120 booked
    assert data["totals"]["follow_up"] == {
        "not_started": 0, "in_progress": 0, "done": 1, "none": 1, "total": 2
    }  # fmt: skip
    assert [m["host"] for m in data["municipalities"]] == ["Gävle", "Uppsala"]
    context = compilation.docx_context(data, lang, AT)
    assert _fits(context, COMPILATION_SCHEMA)
    assert context["totals"]["done_share"] == "50 %"
    assert context["totals"]["fill"] == {
        "not_started": "FFFFFF", "in_progress": "FFFFFF", "done": "C9E4B8", "none": "E7E6E6"
    }  # fmt: skip


def test_days_and_figures_are_written_as_the_language_does() -> None:
    from datetime import date

    days = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert style.format_days(days, "sv", "och") == "2–4 mars 2026"
    assert style.format_days(days[::2], "en", "and") == "2 and 4 March 2026"
    assert style.decimal(2.5, "sv") == "2,5" and style.figure(1234, "en") == "1,234"
    assert style.figure(None, "sv") == "–"
