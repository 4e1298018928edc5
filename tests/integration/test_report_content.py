"""The report's content, read from the document's XML: the team's analysis leads each
block's chapter, then the findings, then the quotes the team chose (by group, never by
name); identical notes once with their groups; the notes appendix as the review chooses;
no empty paragraph for spacing; the cover's logo with its alt text. And the services
behind them, and migration 0010 from 0009."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import zipfile
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers_followup import write_report
from report_content_world import Drafted, drafted

from granskning.documents import reports
from granskning.domain.errors import InputError, RuleError
from granskning.services import findings, reviews, sessions, settings
from granskning.storage.model import AuditEvent
from granskning.storage.store import SCHEMA_HEAD, Store

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
T = reports.labels("sv")
LOGO = (resources.files("granskning.demo") / "logo.png").read_bytes()
ANALYSIS = "Styrningen är tydlig på papperet men når inte ut.\n\n- budgeten\n- uppföljningen"


@pytest.fixture
def world(store: Any, sample: Any) -> Drafted:
    return drafted(store, sample)


def _body(data: bytes) -> list[tuple[str, str, Any]]:
    """The body's paragraphs (outside tables): (style name, text, element)."""
    doc = Document(io.BytesIO(data))
    names = {s.style_id: s.name for s in doc.styles}
    out = []
    for p in doc.element.body.iterchildren(f"{W}p"):
        sid = p.find(f"{W}pPr/{W}pStyle")
        style = names.get(sid.get(f"{W}val"), "") if sid is not None else "Normal"
        out.append((style, "".join(t.text or "" for t in p.iter(f"{W}t")), p))
    return out


def _chapter(data: bytes, title: str) -> list[tuple[str, str]]:
    """The paragraphs of the block chapter ``title`` (from its Heading 2 to the next one)."""
    body = [(style, text) for style, text, _p in _body(data)]
    start = body.index(("Heading 2", title))
    end = next(
        (i for i in range(start + 1, len(body)) if body[i][0] in ("Heading 1", "Heading 2")),
        len(body),
    )
    return body[start + 1 : end]


def _draft(store: Any, rid: int) -> bytes:
    return reports.build(store, rid, lang="sv").content


def _content(store: Any, w: Drafted) -> None:
    findings.set_text(store, w.review, "block", ANALYSIS, "styrprocesser")
    write_report(
        store, w.review, strengths=[("styrprocesser", "Tydlig vision")],
        developments=[("styrprocesser", "Följ upp i nämnderna")],
        none_blocks=["inflytande", "framtid"],
    )  # fmt: skip
    for key in ("same_a", "staff"):
        sessions.quote_note(store, w.notes[key])


@pytest.mark.slow
def test_a_block_chapter_is_analysis_then_findings_then_quotes(store: Any, world: Drafted) -> None:
    _content(store, world)
    chapter = _chapter(_draft(store, world.review), "Styrprocesser")
    texts = [text for _style, text in chapter]
    first = texts.index("Styrningen är tydlig på papperet men når inte ut.")
    assert chapter[first + 1] == ("List Bullet", "budgeten")
    order = [
        texts.index(x)
        for x in (
            "Styrningen är tydlig på papperet men når inte ut.",
            T["strengths"],
            "Tydlig vision",
            T["developments"],
            "Följ upp i nämnderna",
            T["quotes"],
        )
    ]
    assert order == sorted(order)
    quotes = [text for style, text in chapter if style == "Interview Quote"]
    # the same words from two groups: one quote naming both; never a person's name
    assert quotes == [
        "”Budgeten styr allt.” – Förtroendevalda, Ledande tjänstepersoner",
        "”Skolan märker lite av målen.” – Medarbetare",
    ]
    assert not any(name in q for q in quotes for name in ("Bo Ek", "Person 0", "Person 1"))
    # the chapter no longer lists the raw notes
    assert "Ungdomsrådet hörs i fritidsfrågor." not in " ".join(texts)


@pytest.mark.slow
def test_a_block_without_analysis_says_so_and_has_no_quotes_heading(
    store: Any, world: Drafted
) -> None:
    chapter = _chapter(_draft(store, world.review), "Inflytande och delaktighet")
    texts = [text for _style, text in chapter]
    assert T["no_analysis"] in texts
    assert T["quotes"] not in texts


@pytest.mark.slow
def test_the_notes_appendix_follows_the_reviews_choice(store: Any, world: Drafted) -> None:
    def appendix(data: bytes) -> list[str]:
        body = [(style, text) for style, text, _p in _body(data)]
        if ("Heading 1", T["notes_appendix"]) not in body:
            return []
        start = body.index(("Heading 1", T["notes_appendix"]))
        end = body.index(("Heading 1", T["appendix"]))
        return [text for _style, text in body[start:end]]

    shown = appendix(_draft(store, world.review))  # not chosen: included
    # every note once, led by its groups; identical ones merged
    assert shown.count("Förtroendevalda, Ledande tjänstepersoner: Budgeten styr allt.") == 1
    assert "Medarbetare: Skolan märker lite av målen." in shown
    assert "Ledande tjänstepersoner: Ett öppet samtal." in shown
    assert T["notes_appendix"] in _toc(_draft(store, world.review))
    findings.set_report_options(store, world.review, notes_appendix=False)
    data = _draft(store, world.review)
    assert appendix(data) == []
    assert T["notes_appendix"] not in _toc(data)
    assert "Skolan märker lite av målen." not in " ".join(t for _s, t, _p in _body(data))
    findings.set_report_options(store, world.review, notes_appendix=True)
    assert appendix(_draft(store, world.review)) == shown


def _toc(data: bytes) -> list[str]:
    return [text for style, text, _p in _body(data) if style == "toc 1"]


def _empty(p: Any) -> bool:
    """A paragraph with nothing in it: no text, picture, field or tab (spacing by hand)."""
    shown = "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
    holds = any(
        True
        for tag in ("drawing", "pict", "fldChar", "instrText", "fldSimple", "tab", "sectPr")
        for _x in p.iter(f"{W}{tag}")
    )
    return not shown and not holds


@pytest.mark.slow
def test_no_empty_paragraph_is_used_for_spacing(store: Any, world: Drafted) -> None:
    _content(store, world)
    settings.set_logo(store, LOGO, "Partnerskapets logotyp")
    draft = _draft(store, world.review)
    reviews.advance(store, world.review, "hand_over")
    final = reports.build(store, world.review).content
    for data in (draft, final):
        empty = [i for i, (_s, _t, p) in enumerate(_body(data)) if _empty(p)]
        assert empty == []
        # nor a page break typed as a paragraph of its own: chapters break by their style
        assert not re.search(r'<w:br w:type="page"/>', _xml(data))


def _xml(data: bytes, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def _levels(data: bytes) -> list[int]:
    return [
        0 if style == "Title" else int(style[-1])
        for style, _t, _p in _body(data)
        if style == "Title" or re.fullmatch(r"Heading [1-9]", style)
    ]


@pytest.mark.slow
def test_headings_stay_in_order_with_every_part_present(store: Any, world: Drafted) -> None:
    _content(store, world)
    levels = _levels(_draft(store, world.review))
    assert levels[0] == 0 and levels.count(0) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert 4 in levels  # a rating question under Ratings, under its block


@pytest.mark.slow
def test_the_cover_shows_the_logo_with_its_alt_text(store: Any, world: Drafted) -> None:
    assert "<w:drawing>" not in _xml(_draft(store, world.review))  # none set: none shown
    settings.set_logo(store, LOGO, "Partnerskapets logotyp")
    data = _draft(store, world.review)
    pictures = list(Document(io.BytesIO(data)).element.body.iter(f"{WP}docPr"))
    assert [p.get("descr") for p in pictures] == ["Partnerskapets logotyp"]
    body = _body(data)
    assert next(i for i, (_s, _t, p) in enumerate(body) if p.find(f".//{WP}docPr") is not None) == 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert LOGO in [z.read(n) for n in z.namelist() if n.startswith("word/media/")]


@pytest.mark.slow
def test_a_handed_over_report_keeps_the_logo_it_was_made_with(
    store: Any, world: Drafted, clock: Any
) -> None:
    write_report(store, world.review, none_blocks=["styrprocesser", "inflytande", "framtid"])
    settings.set_logo(store, LOGO, "Gammal logotyp")
    reviews.advance(store, world.review, "hand_over")
    stored = reports.build(store, world.review).content
    clock.now += timedelta(days=1)
    settings.set_logo(store, b"", None)  # removed, then another alt text for the next one
    settings.set_logo_alt(store, "Ny logotyp")
    assert reports.verify(store, world.review)["matches"] is True
    assert "Gammal logotyp" in _xml(stored)
    assert "<w:drawing>" not in _xml(_rebuilt_draft(store, world.review))


def _rebuilt_draft(store: Any, rid: int) -> bytes:
    """The handed-over review's content rendered now (as an anonymous copy is)."""
    return reports.build(store, rid, lang="sv", anonymous=True).content


# -- the services ----------------------------------------------------------------------------


def _audit(store: Any, entity: str) -> list[tuple[str, str]]:
    from sqlmodel import col, select

    with store.read() as s:
        rows = s.exec(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(col(AuditEvent.id))
        ).all()
        return [(r.action, r.data) for r in rows]


def test_quoting_is_audited_once_per_change_and_idempotent(store: Any, world: Drafted) -> None:
    nid = world.notes["youth"]
    before = len(_audit(store, "note"))
    assert sessions.quote_note(store, nid).quoted is True
    assert sessions.quote_note(store, nid).quoted is True  # again: nothing changes
    assert sessions.quote_note(store, nid, False).quoted is False
    actions = [a for a, _d in _audit(store, "note")[before:]]
    assert actions == ["quote", "unquote"]


def test_a_removed_note_cannot_be_quoted(store: Any, world: Drafted) -> None:
    nid = world.notes["youth"]
    sessions.remove_note(store, nid, "Fel intervju")
    with pytest.raises(RuleError):
        sessions.quote_note(store, nid)
    assert all(n["id"] != nid for n in sessions.review_notes(store, world.review))


def test_a_handed_over_review_refuses_quotes_analyses_and_options(
    store: Any, world: Drafted
) -> None:
    write_report(store, world.review, none_blocks=["styrprocesser", "inflytande", "framtid"])
    reviews.advance(store, world.review, "hand_over")
    for change in (
        lambda: sessions.quote_note(store, world.notes["youth"]),
        lambda: findings.set_text(store, world.review, "block", "x", "styrprocesser"),
        lambda: findings.set_report_options(store, world.review, notes_appendix=False),
    ):
        with pytest.raises(RuleError):
            change()
    assert findings.block_texts(store, world.review) == {}


def test_block_texts_are_keyed_per_block_and_checked(store: Any, world: Drafted) -> None:
    findings.set_text(store, world.review, "block", "Analys A", "styrprocesser")
    findings.set_text(store, world.review, "block", "Analys B", "inflytande")
    findings.set_text(store, world.review, "block", "Analys A2", "styrprocesser")
    assert findings.block_texts(store, world.review) == {
        "styrprocesser": "Analys A2",
        "inflytande": "Analys B",
    }
    assert findings.get_text(store, world.review, "summary") == ""
    for section, block in (("block", None), ("block", "nope"), ("summary", "styrprocesser")):
        with pytest.raises(InputError):
            findings.set_text(store, world.review, section, "x", block)
    sections = [d for a, d in _audit(store, "report")]
    assert sum('"block:styrprocesser"' in d for d in sections) == 2


def test_report_options_default_to_the_appendix_and_are_audited_when_changed(
    store: Any, world: Drafted
) -> None:
    shown = findings.report_options(store, world.review)
    assert shown == {
        "id": world.review,
        "review": world.review,
        "notes_appendix": True,
        "notes_appendix_chosen": False,
    }
    findings.set_report_options(store, world.review, notes_appendix=True)
    findings.set_report_options(store, world.review, notes_appendix=True)
    findings.set_report_options(store, world.review, notes_appendix=False)
    actions = [a for a, _d in _audit(store, "report") if a == "set_options"]
    assert len(actions) == 2


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"GIF89a" + b"\0" * 20, "PNG or JPEG"),
        (LOGO[:40], "cannot be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 1), "at most"),
    ],
)
def test_a_logo_must_be_a_small_png_or_jpeg(
    store: Any, tmp_path: Path, data: bytes, why: str
) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(data)
    with pytest.raises(InputError, match=why) as raised:
        settings.read_logo_file(path)
    assert "\n" not in str(raised.value)
    assert settings.show(store)["logo"] is None


# -- migration 0010 ----------------------------------------------------------------------------


def test_migration_0010_from_0009_keeps_rows_and_adds_the_defaults(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "schema_0001.db", db)
    store = Store(f"sqlite:///{db}")
    store.upgrade("0009")
    conn = sqlite3.connect(db)
    notes = conn.execute("SELECT id, text FROM note ORDER BY id").fetchall()
    texts = conn.execute("SELECT review_id, section, text FROM report_text").fetchall()
    conn.close()
    assert notes  # the old file has notes to carry over
    store.upgrade()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (SCHEMA_HEAD,)
        ]
        assert conn.execute("SELECT id, text FROM note ORDER BY id").fetchall() == notes
        assert {q for (q,) in conn.execute("SELECT quoted FROM note")} == {0}
        assert {a for (a,) in conn.execute("SELECT notes_appendix FROM review")} == {None}
        assert conn.execute("SELECT review_id, section, text FROM report_text").fetchall() == texts
        # the search index's triggers survive (the tables were not rebuilt)
        triggers = {
            n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        assert {"search_text_insert", "search_text_update"} <= triggers
    finally:
        conn.close()
    store.dispose()


# -- carried by the review export ------------------------------------------------------------


@pytest.mark.slow
def test_quotes_analyses_and_options_travel_with_the_review_export(
    store: Any, world: Drafted, tmp_path: Path, clock: Any
) -> None:
    from granskning.services import exchange

    laptop = Store(f"sqlite:///{tmp_path / 'laptop.db'}", clock=clock, actor="laptop")
    try:
        path = tmp_path / "out.json"
        exchange.export_review(store, world.review, path)
        there = exchange.import_review(laptop, path)["review"]
        # written offline: an analysis, a quote, the appendix left out
        findings.set_text(laptop, there, "block", "Skrivet på tåget.", "inflytande")
        quoted = next(
            n for n in sessions.review_notes(laptop, there) if "Ungdomsrådet" in n["text"]
        )
        sessions.quote_note(laptop, quoted["id"])
        findings.set_report_options(laptop, there, notes_appendix=False)
        back = tmp_path / "back.json"
        exchange.export_review(laptop, there, back)
        exchange.import_review(store, back)
    finally:
        laptop.dispose()
    assert findings.block_texts(store, world.review) == {"inflytande": "Skrivet på tåget."}
    assert [n["id"] for n in sessions.review_notes(store, world.review) if n["quoted"]] == [
        world.notes["youth"]
    ]
    assert findings.report_options(store, world.review)["notes_appendix"] is False
    # the same file again changes nothing
    assert exchange.import_review(store, back)["changed"] is False


# -- on the page ------------------------------------------------------------------------------


@pytest.mark.slow
def test_short_tables_are_kept_on_one_page(store: Any, world: Drafted) -> None:
    doc = Document(io.BytesIO(_draft(store, world.review)))
    tables = list(doc.element.body.iterchildren(f"{W}tbl"))
    assert tables
    for table in tables:
        rows = list(table.iterchildren(f"{W}tr"))
        kept = [
            all(p.find(f"{W}pPr/{W}keepNext") is not None for p in r.iter(f"{W}p")) for r in rows
        ]
        assert kept == [True] * (len(rows) - 1) + [False]


@pytest.mark.slow
def test_the_rendered_report_has_no_page_of_a_line_or_two(
    store: Any, world: Drafted, tmp_path: Path
) -> None:
    """Rendered by LibreOffice: every page holds more than its header, footer and a line or
    two (a block without findings does not take a page of its own, nor does the colophon)."""
    from tests.integration.test_document_style import _pdf_pages

    _content(store, world)
    settings.set_logo(store, LOGO, "Partnerskapets logotyp")
    pages = _pdf_pages(_draft(store, world.review), tmp_path / "draft")
    shown = [
        [x for x in page.splitlines() if x.strip() and not re.search(r"UTKAST|Sida \d+ av", x)]
        for page in pages
    ]
    assert all(len(lines) >= 3 for lines in shown[1:]), [len(x) for x in shown]
