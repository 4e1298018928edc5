"""``granskning demo`` walks one review from creation to closed and writes every document."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from docx import Document


def test_demo_walks_a_review_to_closed(tmp_path: Path) -> None:
    from granskning.demo import run_demo

    said: list[str] = []
    result = run_demo(tmp_path / "demo", say=said.append)
    assert result.state == "closed"
    names = {p.name for p in result.files}
    assert {
        "granskningsrapport-utkast.docx",
        "granskningsrapport.docx",
        "uppfoljningsseminarium-checklista.docx",
        "uppfoljningsseminarium.docx",
        "gavle.ics",
        "sammanstallning.docx",
    } <= names
    for path in result.files:
        if path.suffix == ".docx":
            doc = Document(io.BytesIO(path.read_bytes()))
            assert doc.paragraphs, path
    ics = (tmp_path / "demo" / "gavle.ics").read_text(encoding="utf-8")
    assert ics.count("BEGIN:VEVENT") >= 4 and "TZID:Europe/Stockholm" in ics
    assert any("frozen" in line for line in said)
    # running it again starts afresh
    again = run_demo(tmp_path / "demo", say=lambda _m: None)
    assert again.review_id == result.review_id and again.state == "closed"


def test_demo_command(tmp_path: Path) -> None:
    from granskning.cli import cli

    out = tmp_path / "d"
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "The review is now: closed" in result.output
    assert (out / "granskningsrapport.docx").exists()
