"""The round's compilation: figures across the round's reviews, and the Word document."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers_followup import add_interview
from sqlmodel import select

from granskning.documents import compilation
from granskning.domain.errors import InputError, NotFoundError
from granskning.services import registry, reviews, rounds
from granskning.storage.model import Finding, FollowUpItem, Interview, Review, SessionEvent

TEMPLATE = "kollegial-granskning-2013"
MEMBERS = ["Gävle", "Uppsala", "Örebro", "Umeå"]


def _set_state(store: Any, review_id: int, state: str) -> None:
    with store.atomic() as s:
        row = s.get(Review, review_id)
        row.state = state  # type: ignore[union-attr]
        s.add(row)


def _findings(store: Any, review_id: int, rows: list[tuple[str, str, str]]) -> None:
    with store.atomic() as s:
        for block, kind, text in rows:
            s.add(
                Finding(
                    review_id=review_id,
                    block_id=block,
                    kind=kind,
                    text=text,
                    created_at=store.now(),
                )
            )


def _items(store: Any, review_id: int, statuses: list[str | None]) -> None:
    with store.atomic() as s:
        for i, status in enumerate(statuses):
            s.add(
                FollowUpItem(
                    review_id=review_id,
                    source="recommendation",
                    text=f"Punkt {i}",
                    status=status,
                    created_at=store.now(),
                    updated_at=store.now(),
                )
            )


@pytest.fixture
def world(store: Any) -> dict[str, Any]:
    """A planned round of four, with interviews, findings, ratings and follow-up."""
    for name in MEMBERS:
        registry.add_municipality(store, name)
    r = rounds.create_round(
        store, year=2026, theme="Barnets bästa", template=TEMPLATE, members=MEMBERS
    )
    rows = rounds.plan(store, r.id, 2).rows  # type: ignore[arg-type]
    ids = {row["host"]: row["id"] for row in rows}
    g, u, o = ids["Gävle"], ids["Uppsala"], ids["Örebro"]
    add_interview(store, g, "fortroendevalda", minutes=90, interviewees=4, ratings=[3, 4, 4])
    add_interview(store, g, "ledande", minutes=60, interviewees=2, ratings=[2])
    add_interview(store, g, "barn-och-unga", minutes=45, interviewees=6, ratings=[1, 2, 5])
    add_interview(store, g, "medarbetare", minutes=60, interviewees=3, state="cancelled")
    add_interview(store, u, "fortroendevalda", minutes=60, interviewees=5, ratings=[2, 2])
    add_interview(store, u, "medarbetare", minutes=120, interviewees=0)
    _findings(
        store, g,
        [("styrprocesser", "strength", "Tydlig vision"),
         ("styrprocesser", "development", "Svag röd tråd"),
         ("inflytande", "development", "Barn hörs sällan"),
         ("framtid", "none", "")],
    )  # fmt: skip
    _findings(store, u, [("styrprocesser", "strength", "Barnbokslut")])
    _items(store, g, ["done", "done", "in_progress", "not_started", None])
    _items(store, u, ["in_progress"])
    _set_state(store, g, "followed_up")
    _set_state(store, u, "follow_up_scheduled")
    reviews.advance(store, o, "cancel", reason="Avbröts")  # a cancelled review does not count
    return {"round": r.id, **ids}


@pytest.mark.slow
def test_figures_per_municipality_and_in_total(store: Any, world: dict[str, Any]) -> None:
    data = compilation.report_data(store, world["round"])
    assert (data["year"], data["theme"], data["members"], data["reviews"]) == (
        2026, "Barnets bästa", 4, 3,
    )  # fmt: skip
    by_host = {m["host"]: m for m in data["municipalities"]}
    assert list(by_host) == ["Gävle", "Umeå", "Uppsala", "Örebro"]
    gavle = by_host["Gävle"]
    assert (gavle["interviews"], gavle["participants"], gavle["hours"]) == (3, 12, 3.25)
    groups = {g["group"]: (g["interviews"], g["participants"], g["hours"]) for g in gavle["groups"]}
    assert groups == {
        "fortroendevalda": (1, 4, 1.5),
        "ledande": (1, 2, 1.0),
        "medarbetare": (0, 0, 0.0),  # the cancelled interview does not count
        "barn-och-unga": (1, 6, 0.75),
    }
    assert gavle["follow_up"] == {
        "not_started": 1, "in_progress": 1, "done": 2, "none": 1, "total": 5,
    }  # fmt: skip
    assert gavle["findings"] == {"strengths": 1, "development": 2}
    assert by_host["Örebro"]["review"] is None and by_host["Örebro"]["interviews"] == 0
    totals = data["totals"]
    assert (totals["interviews"], totals["participants"], totals["hours"]) == (5, 17, 6.25)
    assert {g["group"]: g["participants"] for g in totals["groups"]}["fortroendevalda"] == 9
    assert totals["follow_up"]["total"] == 6 and totals["follow_up"]["in_progress"] == 2


@pytest.mark.slow
def test_hours_held_run_from_a_session_start_to_its_end(store: Any, world: dict[str, Any]) -> None:
    """Booked and held time side by side: a 90-minute interview held 09:00-10:12 (a pause
    inside counts, as in the report), one never started holds nothing."""
    with store.atomic() as s:
        iv = s.exec(
            select(Interview).where(
                Interview.review_id == world["Gävle"], Interview.group_id == "fortroendevalda"
            )
        ).one()
        for kind, minute in (("start", 0), ("pause", 30), ("resume", 40), ("end", 72)):
            at = datetime(2026, 4, 14, 7 + minute // 60, minute % 60, tzinfo=UTC)
            s.add(SessionEvent(interview_id=iv.id, kind=kind, at=at))
    data = compilation.report_data(store, world["round"])
    gavle = {m["host"]: m for m in data["municipalities"]}["Gävle"]
    assert (gavle["hours"], gavle["held_hours"]) == (3.25, 1.2)
    groups = {g["group"]: (g["hours"], g["held_hours"]) for g in gavle["groups"]}
    assert groups["fortroendevalda"] == (1.5, 1.2) and groups["ledande"] == (1.0, 0.0)
    assert (data["totals"]["hours"], data["totals"]["held_hours"]) == (6.25, 1.2)


@pytest.mark.slow
def test_findings_per_block_across_municipalities(store: Any, world: dict[str, Any]) -> None:
    data = compilation.report_data(store, world["round"])
    blocks = {b["block"]: b for b in data["findings"]}
    assert list(blocks) == ["styrprocesser", "inflytande", "framtid"]
    styr = blocks["styrprocesser"]
    assert (styr["strengths"], styr["development"]) == (2, 1)
    assert [e["host"] for e in styr["municipalities"]] == ["Gävle", "Uppsala"]
    assert styr["municipalities"][0]["development"] == ["Svag röd tråd"]
    assert blocks["framtid"]["no_findings"] == 1


@pytest.mark.slow
def test_rating_questions_per_group(store: Any, world: dict[str, Any]) -> None:
    data = compilation.report_data(store, world["round"])
    (q,) = data["ratings"]
    assert q["question"] == "infl-6" and [s["value"] for s in q["scale"]] == [1, 2, 3, 4]
    groups = {g["group"]: g for g in q["groups"]}
    assert groups["fortroendevalda"]["counts"] == [0, 2, 1, 2]
    assert groups["fortroendevalda"]["n"] == 5 and groups["fortroendevalda"]["mean"] == 3.0
    # 5 is off the 1-4 scale and is left out
    assert (
        groups["barn-och-unga"]["counts"] == [1, 1, 0, 0] and groups["barn-och-unga"]["mean"] == 1.5
    )
    assert groups["medarbetare"]["n"] == 0 and groups["medarbetare"]["mean"] is None
    assert q["total"]["n"] == 8


@pytest.mark.slow
def test_an_unplanned_round_compiles_to_zeros(store: Any) -> None:
    for name in MEMBERS[:3]:
        registry.add_municipality(store, name)
    r = rounds.create_round(store, year=2026, theme="T", template=TEMPLATE, members=MEMBERS[:3])
    data = compilation.report_data(store, r.id)  # type: ignore[arg-type]
    assert data["reviews"] == 0 and data["totals"]["interviews"] == 0
    assert [g["group"] for g in data["totals"]["groups"]] == [
        "fortroendevalda", "ledande", "medarbetare", "barn-och-unga",
    ]  # fmt: skip
    with pytest.raises(NotFoundError):
        compilation.report_data(store, 99)


def _docx(path: Path) -> Any:
    from docx import Document

    return Document(str(path))


@pytest.mark.slow
def test_the_word_document(store: Any, world: dict[str, Any], tmp_path: Path) -> None:
    from docx.oxml.ns import qn

    out = tmp_path / "sammanstallning.docx"
    compilation.build_report(store, world["round"], out)
    doc = _docx(out)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings == [
        "Översikt per kommun",
        "Intervjuer, deltagare och timmar per grupp",
        "Iakttagelser per block",
        "Skattningsfrågor",
        "Uppföljning per kommun",
    ]
    assert any(p.style.name == "Heading 2" and p.text == "Styrprocesser" for p in doc.paragraphs)
    # every table repeats its header row on each page
    for table in doc.tables[1:]:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
    # the chart carries alt text with its figures
    pictures = list(doc.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == 1
    alt = pictures[0].get("descr")
    assert "Förtroendevalda: 5 svar, medel 3,0" in alt  # the round's language: Swedish
    # Swedish proofing language, page numbers in the footer
    lang = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "sv-SE"
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "2026" in footer_xml
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Svag röd tråd" in " ".join(cells) and "Gävle" in cells


@pytest.mark.slow
def test_report_cli(cli: Any, store: Any, world: dict[str, Any], tmp_path: Path) -> None:
    data = json.loads(cli.ok("round", "report", world["round"], "--json").stdout)
    assert data["id"] == world["round"] and data["totals"]["interviews"] == 5
    out = tmp_path / "s.docx"
    both = cli.ok("round", "report", world["round"], "-o", out, "--json")
    assert json.loads(both.stdout) == data and out.stat().st_size > 10_000
    assert cli("round", "report", world["round"], "-o", tmp_path / "s.pdf").exit_code == 2
    assert cli("round", "report", 42, "--json").exit_code == 2


@pytest.mark.slow
def test_a_restyled_template_with_a_mistake_is_reported(
    store: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    from docx import Document

    bad = tmp_path / "bad.docx"
    doc = Document()
    doc.add_paragraph("{% for m in municipalities %}{{ m.host }}")  # no endfor
    doc.save(str(bad))
    with pytest.raises(InputError, match="cannot be filled in"):
        compilation.build_report(store, world["round"], tmp_path / "x.docx", bad)
    assert not (tmp_path / "x.docx").exists()


def test_chart_without_answers_has_no_picture_but_says_so() -> None:
    png, alt = compilation.rating_chart(
        {"text": "Hur väl?", "groups": [{"name": "A", "n": 0, "mean": None, "counts": [0] * 4}],
         "scale": [{"value": v, "label": str(v)} for v in range(1, 5)]}
    )  # fmt: skip
    assert png is None and "No answers" in alt


@pytest.mark.slow
def test_merged_items_count_once(store: Any, world: dict[str, Any]) -> None:
    # a merged item is covered by the item it joined
    with store.atomic() as s:
        first = s.exec(select(FollowUpItem).where(FollowUpItem.review_id == world["Uppsala"])).one()
        s.add(
            FollowUpItem(
                review_id=world["Uppsala"],
                source="manual",
                text="Sammanslagen",
                merged_into_id=first.id,
                created_at=store.now(),
                updated_at=store.now(),
            )
        )
    data = compilation.report_data(store, world["round"])
    uppsala = next(m for m in data["municipalities"] if m["host"] == "Uppsala")
    assert uppsala["follow_up"]["total"] == 1


@pytest.mark.slow
def test_cell_properties_follow_the_schema_order(
    store: Any, world: dict[str, Any], tmp_path: Path
) -> None:
    from docx.oxml.ns import qn

    out = tmp_path / "s.docx"
    compilation.build_report(store, world["round"], out)
    doc = _docx(out)
    shaded = 0
    for tc_pr in doc.element.body.iter(qn("w:tcPr")):
        tags = [el.tag for el in tc_pr]
        if qn("w:shd") in tags and qn("w:tcW") in tags:
            shaded += 1
            assert tags.index(qn("w:tcW")) < tags.index(qn("w:shd"))
    assert shaded > 10
