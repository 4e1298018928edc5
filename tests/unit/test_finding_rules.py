"""The rules of a block's findings: plain facts in, reasons out."""

from __future__ import annotations

from granskning.domain.finding_rules import add_reasons, edit_reasons, mark_none_reasons


def test_findings_go_into_a_block_without_a_mark() -> None:
    assert add_reasons("styr", []) == []
    assert add_reasons("styr", [(1, "strength"), (2, "development")]) == []


def test_a_block_marked_no_findings_takes_none() -> None:
    assert add_reasons("styr", [(4, "none")]) == [
        'block styr is marked "no findings" (finding 4); remove that first: finding remove 4'
    ]


def test_an_empty_block_can_be_marked() -> None:
    assert mark_none_reasons("styr", []) == []


def test_a_block_is_marked_once() -> None:
    assert mark_none_reasons("styr", [(4, "none")]) == [
        'block styr is already marked "no findings"'
    ]


def test_a_block_with_findings_cannot_be_marked() -> None:
    assert mark_none_reasons("styr", [(1, "strength"), (2, "development")]) == [
        'block styr already has 2 finding(s); remove them first to mark it "no findings"'
    ]


def test_only_findings_with_text_are_edited() -> None:
    assert edit_reasons(1, "strength") == []
    assert edit_reasons(4, "none") == ['finding 4 is a "no findings" mark and has no text']
