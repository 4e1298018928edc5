"""The partnership's name and logo on every document's cover, read from the documents' XML:
the checklist before and after the seminar, the seminar record, the round's compilation and
a municipality's history. And the report's quotes in its language's quotation marks."""

from __future__ import annotations

import io
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers_thread import hold, in_a_round, seminar
from report_content_world import drafted

from granskning.documents import compilation, reports
from granskning.documents.style import QUOTE_MARKS, quoted
from granskning.services import (
    followup,
    history,
    reviews,
    seminar_record,
    sessions,
    settings,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
LOGO = (resources.files("granskning.demo") / "logo.png").read_bytes()
ALT = "Partnerskapet i Norrs logotyp"
PARTNERSHIP = "Partnerskapet i Norr"


def _documents(store: Any, sample: Any, clock: Any, folder: Path) -> dict[str, bytes]:
    """The checklist before and after the seminar, the seminar record, the compilation of
    the review's round and the host's history, as built now."""
    rid = seminar(store, sample, clock)
    out = {"checklist": followup.build_checklist(store, rid, folder / "c1.docx").read_bytes()}
    hold(store, rid, clock)
    out["checklist held"] = followup.build_checklist(store, rid, folder / "c2.docx").read_bytes()
    out["record"] = seminar_record.build_minutes(store, rid, folder / "m.docx").read_bytes()
    compilation.build_report(store, in_a_round(store, rid), folder / "s.docx")
    out["compilation"] = (folder / "s.docx").read_bytes()
    history.build_docx(store, "Gävle", folder / "h.docx", "sv")
    out["history"] = (folder / "h.docx").read_bytes()
    return out


def _paragraphs(data: bytes) -> list[Any]:
    """The body's paragraphs outside tables, in order."""
    return list(Document(io.BytesIO(data)).element.body.iterchildren(f"{W}p"))


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


# what a paragraph without text may still hold: a picture, a field, a tab, a section break
_HOLDERS = ("drawing", "pict", "fldChar", "instrText", "fldSimple", "tab", "sectPr")


def _empty(p: Any) -> bool:
    """Nothing in it (spacing typed by hand)."""
    return not _text(p).strip() and all(p.find(f".//{W}{tag}") is None for tag in _HOLDERS)


def _logos(data: bytes) -> list[str]:
    """The alt texts of the pictures whose bytes are the logo's."""
    doc = Document(io.BytesIO(data))
    found = []
    for pr in doc.element.body.iter(f"{WP}docPr"):
        inline = pr.getparent()
        blip = next(inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
        rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
        if doc.part.related_parts[rid].blob == LOGO:
            found.append(pr.get("descr"))
    return found


@pytest.mark.slow
def test_every_cover_shows_the_logo_with_its_alt_text_and_the_partnership(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    settings.set_partnership_name(store, PARTNERSHIP)
    settings.set_logo(store, LOGO, ALT)
    docs = _documents(store, sample, clock, tmp_path)
    assert len(docs) == 5
    for name, data in docs.items():
        body = _paragraphs(data)
        # the logo opens the first page, once, with the setting as its alt text
        assert [p.get("descr") for p in body[0].iter(f"{WP}docPr")] == [ALT], name
        assert _logos(data) == [ALT], name
        assert _text(body[1]) == PARTNERSHIP, name
        assert [i for i, p in enumerate(body) if _empty(p)] == [], name
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert LOGO in [z.read(n) for n in z.namelist() if n.startswith("word/media/")]


@pytest.mark.slow
def test_without_a_logo_no_picture_and_no_empty_paragraph_is_left(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    docs = _documents(store, sample, clock, tmp_path)
    for name, data in docs.items():
        body = _paragraphs(data)
        assert _logos(data) == [], name
        assert not list(body[0].iter(f"{W}drawing")), name
        # the partnership's name (the default when none is set) opens the cover
        assert _text(body[0]) == settings.partnership_name(store), name
        assert [i for i, p in enumerate(body) if _empty(p)] == [], name


def test_each_language_has_its_quotation_marks() -> None:
    assert quoted("Budgeten styr allt.", "sv") == "\u201dBudgeten styr allt.\u201d"
    assert quoted("The budget rules.", "en") == "\u201cThe budget rules.\u201d"
    assert set(QUOTE_MARKS) == {"sv", "en"}


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "marks"), [("sv", "\u201d\u201d"), ("en", "\u201c\u201d")])
def test_the_reports_quotes_use_the_reports_language(
    store: Any, sample: Any, lang: str, marks: str
) -> None:
    world = drafted(store, sample)
    sessions.quote_note(store, world.notes["staff"])
    reviews.set_language(store, world.review, lang)
    data = reports.build(store, world.review).content
    doc = Document(io.BytesIO(data))
    names = {s.style_id: s.name for s in doc.styles}
    quotes = [
        _text(p)
        for p in doc.element.body.iterchildren(f"{W}p")
        if (sid := p.find(f"{W}pPr/{W}pStyle")) is not None
        and names.get(sid.get(f"{W}val")) == "Interview Quote"
    ]
    text = "Skolan märker lite av målen."
    assert [q.split(" – ")[0] for q in quotes] == [f"{marks[0]}{text}{marks[1]}"]
