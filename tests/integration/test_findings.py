"""Findings, recommendations and report texts: rules through the library, wiring through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.services import findings
from granskning.storage.model import AuditDetail, AuditEvent, Finding, ReportText


def _audit(store: Any, entity: str | None = None) -> list[AuditEvent]:
    with store.read() as s:
        q = select(AuditEvent).order_by(AuditEvent.id)
        if entity:
            q = q.where(AuditEvent.entity == entity)
        return list(s.exec(q).all())


def _count(store: Any, model: Any) -> int:
    with store.read() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


# -- findings -------------------------------------------------------------------------------


def test_add_finding_is_audited_and_listed_in_block_order(store: Any, sample: Any) -> None:
    findings.add_finding(store, sample.review, "inflytande", "strength", "Ungdomsrådet är starkt.")
    row = findings.add_finding(
        store, sample.review, "styrprocesser", "development", "Budgeten\r\nsaknar barnperspektiv.  "
    )
    assert row.text == "Budgeten\nsaknar barnperspektiv."
    listed = findings.list_findings(store, sample.review)
    assert [f["block"] for f in listed] == ["styrprocesser", "inflytande"]
    events = _audit(store, "finding")
    assert [e.action for e in events] == ["add", "add"]
    assert events[-1].review_id == sample.review
    with store.read() as s:
        assert s.get(AuditDetail, events[-1].uid).actor == "tester"
    assert findings.list_findings(store, sample.review, "inflytande")[0]["kind"] == "strength"


@pytest.mark.parametrize(
    ("block", "kind", "text", "error"),
    [
        ("nope", "strength", "x", "block nope is not in template"),
        ("styrprocesser", "none", "x", "unknown kind none"),
        ("styrprocesser", "weakness", "x", "unknown kind"),
        ("styrprocesser", "strength", "  \n \t ", "must not be empty"),
        ("styrprocesser", "strength", "x" * 10_001, "longer than"),
    ],
)
def test_bad_findings_are_refused_and_change_nothing(
    store: Any, sample: Any, block: str, kind: str, text: str, error: str
) -> None:
    before = len(_audit(store))
    with pytest.raises(InputError, match=error):
        findings.add_finding(store, sample.review, block, kind, text)
    assert _count(store, Finding) == 0
    assert len(_audit(store)) == before


def test_block_ids_come_from_the_pinned_template(store: Any, sample: Any) -> None:
    """A later edit of the shipped template does not change which blocks a review has."""
    from granskning.storage.model import Review

    with store.atomic() as s:
        review = s.get(Review, sample.review)
        review.template_content = review.template_content.replace("id: framtid", "id: framtiden")
        s.add(review)
    with pytest.raises(InputError, match="block framtid is not in template"):
        findings.mark_no_findings(store, sample.review, "framtid")
    assert findings.mark_no_findings(store, sample.review, "framtiden").kind == "none"


def test_no_findings_excludes_real_findings_both_ways(store: Any, sample: Any) -> None:
    mark = findings.mark_no_findings(store, sample.review, "framtid")
    with pytest.raises(RuleError, match="already marked"):
        findings.mark_no_findings(store, sample.review, "framtid")
    with pytest.raises(RuleError, match=f"finding remove {mark.id}"):
        findings.add_finding(store, sample.review, "framtid", "strength", "x")
    findings.remove_finding(store, mark.id)
    findings.add_finding(store, sample.review, "framtid", "strength", "Tydliga åtaganden.")
    with pytest.raises(RuleError, match="already has 1 finding"):
        findings.mark_no_findings(store, sample.review, "framtid")


def test_edit_and_remove(store: Any, sample: Any) -> None:
    row = findings.add_finding(store, sample.review, "styrprocesser", "strength", "Före")
    assert findings.edit_finding(store, row.id, "Efter").text == "Efter"
    mark = findings.mark_no_findings(store, sample.review, "framtid")
    with pytest.raises(RuleError, match="has no text"):
        findings.edit_finding(store, mark.id, "text")
    findings.remove_finding(store, row.id)
    with pytest.raises(NotFoundError):
        findings.remove_finding(store, row.id)
    with pytest.raises(NotFoundError):
        findings.edit_finding(store, 999, "x")
    assert [e.action for e in _audit(store, "finding")] == ["add", "edit", "none", "remove"]


def test_clean_text_refuses_what_word_cannot_hold() -> None:
    assert findings.clean_text("a\ttab\r\nrad  \n\n", "x", 100) == "a\ttab\nrad"
    for bad in ("a\x00b", "c\x1b", "d\x07"):
        with pytest.raises(InputError, match="control character"):
            findings.clean_text(bad, "x", 100)
    assert findings.clean_text("<&\"'>", "x", 100) == "<&\"'>"


# -- recommendations ------------------------------------------------------------------------


def test_recommendations(store: Any, sample: Any) -> None:
    a = findings.add_recommendation(store, sample.review, "Inför barnkonsekvensanalyser.")
    b = findings.add_recommendation(
        store, sample.review, "Återkoppla till barn.", block="inflytande"
    )
    assert (a.block_id, b.block_id) == (None, "inflytande")
    with pytest.raises(InputError, match="not in template"):
        findings.add_recommendation(store, sample.review, "x", block="nope")
    findings.edit_recommendation(store, a.id, "Inför barnkonsekvensanalyser i budgeten.")
    findings.remove_recommendation(store, b.id)
    rows = findings.list_recommendations(store, sample.review)
    assert [r["text"] for r in rows] == ["Inför barnkonsekvensanalyser i budgeten."]
    with pytest.raises(NotFoundError):
        findings.list_recommendations(store, 999)
    assert [e.action for e in _audit(store, "recommendation")] == ["add", "add", "edit", "remove"]


# -- report texts ---------------------------------------------------------------------------


def test_report_texts_keep_paragraphs(store: Any, sample: Any) -> None:
    text = "Första stycket.\n\n- en punkt\n- en till\n\nSista stycket."
    findings.set_text(store, sample.review, "summary", text)
    assert findings.get_text(store, sample.review, "summary") == text
    findings.set_text(store, sample.review, "summary", "Ny text.")
    assert findings.get_text(store, sample.review, "summary") == "Ny text."
    assert findings.get_text(store, sample.review, "reflections") == ""
    assert [e.action for e in _audit(store, "report")] == ["text_add", "text_replace"]
    with pytest.raises(InputError, match="unknown section"):
        findings.set_text(store, sample.review, "preface", "x")
    with pytest.raises(NotFoundError):
        findings.set_text(store, 999, "summary", "x")
    assert _count(store, ReportText) == 1


# -- the CLI --------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_findings(cli: Any, sample: Any, tmp_path: Path) -> None:
    r = sample.review
    made = cli.json("finding", "add", r, "--block", "styrprocesser", "--kind", "strength",
                    "--text", "Tydliga mål")  # fmt: skip
    assert made["id"] and made["block"] == "styrprocesser" and made["kind"] == "strength"
    f = tmp_path / "f.txt"
    f.write_text("Budgeten saknar\nbarnperspektiv.\n", encoding="utf-8")
    cli.ok("finding", "add", r, "--block", "styrprocesser", "--kind", "development", "--file", f)
    none = cli.json("finding", "none", r, "--block", "framtid")
    assert none["kind"] == "none"
    listed = cli.json("finding", "list", r)
    assert [x["kind"] for x in listed] == ["strength", "development", "none"]
    assert "Budgeten saknar" in cli.ok("finding", "list", r).stdout
    cli.ok("finding", "edit", made["id"], "--text", "Tydliga politiska mål")
    cli.ok("finding", "remove", none["id"])
    assert len(cli.json("finding", "list", r)) == 2
    # bad input: exit 2, nothing changed
    for args in (
        ("finding", "add", r, "--block", "nope", "--kind", "strength", "--text", "x"),
        ("finding", "add", r, "--block", "styrprocesser", "--kind", "strength"),
        ("finding", "add", r, "--block", "styrprocesser", "--kind", "bad", "--text", "x"),
        ("finding", "add", 99, "--block", "styrprocesser", "--kind", "strength", "--text", "x"),
        ("finding", "remove", 99),
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
    assert len(cli.json("finding", "list", r)) == 2
    result = cli("finding", "add", r, "--block", "framtid", "--kind", "strength", "--text", " ")
    assert result.exit_code == 2 and "empty" in result.stderr


def test_cli_recommendations(cli: Any, sample: Any) -> None:
    r = sample.review
    made = cli.json(
        "recommendation", "add", r, "--text", "Utbilda chefer", "--block", "styrprocesser"
    )
    assert made["block"] == "styrprocesser"
    cli.ok("recommendation", "edit", made["id"], "--text", "Utbilda alla chefer")
    assert cli.json("recommendation", "list", r)[0]["text"] == "Utbilda alla chefer"
    assert "Utbilda alla chefer" in cli.ok("recommendation", "list", r).stdout
    cli.ok("recommendation", "remove", made["id"])
    assert cli.json("recommendation", "list", r) == []
    assert cli("recommendation", "remove", made["id"]).exit_code == 2


def test_cli_report_text(cli: Any, sample: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    r = sample.review
    cli.ok("report", "text", r, "--section", "summary", "--text", "Sammanfattning.\n\n- punkt")
    assert (
        cli.ok("report", "text", r, "--section", "summary").stdout == "Sammanfattning.\n\n- punkt\n"
    )
    seen: list[str] = []

    def fake_edit(text: str, **kwargs: Any) -> str:
        seen.append(text)
        return text + "\n\nTillägg i editorn."

    monkeypatch.setattr("click.edit", fake_edit)
    cli.ok("report", "text", r, "--section", "summary", "--edit")
    assert seen == ["Sammanfattning.\n\n- punkt"]
    assert cli.ok("report", "text", r, "--section", "summary").stdout.endswith("editorn.\n")
    # an editor closed without saving changes nothing
    monkeypatch.setattr("click.edit", lambda text, **kw: None)
    assert "nothing changed" in cli.ok("report", "text", r, "--section", "summary", "--edit").stderr
    result = cli("report", "text", r, "--section", "summary", "--text", "a", "--edit")
    assert result.exit_code == 2 and "only one" in result.stderr
    assert cli("report", "text", r, "--section", "preface", "--text", "a").exit_code == 2
