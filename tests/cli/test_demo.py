"""``granskning demo`` walks one review from creation to closed and writes every document."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

pytestmark = pytest.mark.slow  # every test here takes more than 0.4 s


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
        "kommunhistorik-gavle.docx",
    } <= names
    for path in result.files:
        if path.suffix == ".docx":
            doc = Document(io.BytesIO(path.read_bytes()))
            assert doc.paragraphs, path
    ics = (tmp_path / "demo" / "gavle.ics").read_text(encoding="utf-8")
    assert ics.count("BEGIN:VEVENT") >= 4 and "TZID:Europe/Stockholm" in ics
    assert any("frozen" in line for line in said)
    # the report's content: the team's analysis, quotes by group, the logo with alt text;
    # the draft carries the notes appendix, the handed-over report (the team's choice) not
    draft = (tmp_path / "demo" / "granskningsrapport-utkast.docx").read_bytes()
    final = (tmp_path / "demo" / "granskningsrapport.docx").read_bytes()
    for data in (draft, final):
        text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
        assert "Ungdomsrådet är en förebild" in text
        assert "– Förtroendevalda, Ledande tjänstepersoner" in text  # one quote, two groups
        assert 'descr="Partnerskapet för barnets rättigheter i praktiken, logotyp"' in _xml(data)
    assert "Vi har ingen rutin för att återkoppla till barnen." in _xml(draft)
    assert "Vi har ingen rutin för att återkoppla till barnen." not in _xml(final)
    # running it again starts afresh
    again = run_demo(tmp_path / "demo", say=lambda _m: None)
    assert again.review_id == result.review_id and again.state == "closed"


def _xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_demo_command(tmp_path: Path) -> None:
    from granskning.cli import cli

    out = tmp_path / "d"
    result = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "The review is now: closed" in result.output
    assert (out / "granskningsrapport.docx").exists()


def test_review_verify_on_the_demos_reviews_and_after_a_tampered_row(tmp_path: Path) -> None:
    import sqlite3

    from granskning.cli import cli

    out = tmp_path / "d"
    said = CliRunner().invoke(cli, ["--lang", "en", "demo", "--out", str(out)])
    assert said.exit_code == 0, said.output
    assert "audit events in an unbroken hash chain" in said.output
    db = str(out / "demo.db")
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM review ORDER BY id")]
    gavle = conn.execute("SELECT review_id FROM report_version").fetchone()[0]
    conn.close()
    assert len(ids) >= 2
    for rid in ids:
        result = CliRunner().invoke(cli, ["--lang", "en", "--db", db, "review", "verify", str(rid)])
        assert result.exit_code == 0, result.output
        assert "events verified" in result.output
    main = CliRunner().invoke(cli, ["--lang", "en", "--db", db, "review", "verify", str(gavle)])
    assert "the frozen document matches its SHA-256" in main.output
    # a superuser's change, behind the triggers, to the fourth event of the demo's review
    conn = sqlite3.connect(db)
    uid, chain = conn.execute(
        "SELECT e.uid, e.chain FROM audit_event e JOIN review r ON r.uid = e.chain "
        "WHERE r.id = ? AND e.seq = 4",
        (gavle,),
    ).fetchone()
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_event SET at = '2020-01-01 00:00:00' WHERE uid = ?", (uid,))
    conn.commit()
    conn.close()
    bad = CliRunner().invoke(cli, ["--lang", "en", "--db", db, "review", "verify", str(gavle)])
    assert bad.exit_code == 1
    assert f"event 4 ({uid}," in bad.output and "was changed after it was written" in bad.output
    assert chain
