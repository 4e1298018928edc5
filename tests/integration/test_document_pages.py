"""Every document as pages: rendered by LibreOffice to a PDF (tagged and flagged PDF/UA, the
one function every ``--pdf`` uses) and to PNG pages. Skipped, with a message, where
LibreOffice or poppler is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers_thread import hold, seminar

from granskning.documents import compilation, reports
from granskning.services import followup, history, rounds, seminar_record
from granskning.storage.model import Review


def _need_tools() -> None:
    if reports.libreoffice() is None:
        pytest.skip("LibreOffice is not installed: the documents' pages cannot be rendered")
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed: the PDF cannot be turned into pages")


def _documents(store: Any, sample: Any, clock: Any, folder: Path) -> dict[str, Path]:
    """The report (draft), checklist, seminar record, compilation and history of one review."""
    rid = seminar(store, sample, clock)
    out = {"report": folder / "granskningsrapport.docx"}
    out["report"].write_bytes(reports.build(store, rid).content)
    out["checklist"] = followup.build_checklist(store, rid, folder / "checklista.docx")
    hold(store, rid, clock)
    out["record"] = seminar_record.build_minutes(store, rid, folder / "minnesanteckningar.docx")
    r = rounds.create_round(
        store, year=2026, theme="Tema", template="kollegial-granskning-2013",
        members=["Gävle", "Uppsala", "Örebro"],
    )  # fmt: skip
    with store.atomic() as s:
        review = s.get(Review, rid)
        assert review is not None
        review.round_id = r.id
        s.add(review)
    out["compilation"] = folder / "sammanstallning.docx"
    compilation.build_report(store, r.id, out["compilation"])  # type: ignore[arg-type]
    out["history"] = folder / "kommunhistorik.docx"
    history.build_docx(store, "Gävle", out["history"], "sv")
    return out


@pytest.mark.slow
def test_every_document_renders_to_tagged_pdf_ua_pages(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    _need_tools()
    docs = _documents(store, sample, clock, tmp_path)
    for name, docx in docs.items():
        pdf = reports.to_pdf(docx)
        data = pdf.read_bytes()
        # tagged (a structure tree, marked content) and flagged PDF/UA-1 in its XMP metadata
        assert b"/StructTreeRoot" in data and re.search(rb"/Marked\s*true", data), name
        assert re.search(rb"pdfuaid:part>\s*1\s*<|pdfuaid:part=\"1\"", data), name
        pages = tmp_path / f"{name}-pages"
        pages.mkdir()
        subprocess.run(
            ["pdftoppm", "-r", "30", "-png", str(pdf), str(pages / "page")],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        pngs = sorted(pages.glob("page*.png"))
        assert len(pngs) >= 1, name
        assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs), name


@pytest.mark.slow
def test_pdf_option_on_the_seminar_record(
    cli: Any, store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    _need_tools()
    rid = seminar(store, sample, clock)
    target = tmp_path / "minnesanteckningar.docx"
    cli.ok("seminar", "minutes", rid, "-o", target, "--pdf")
    assert target.exists() and target.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.slow
def test_the_pdf_contents_list_has_page_numbers(
    store: Any, sample: Any, clock: Any, tmp_path: Path
) -> None:
    """A plain conversion leaves the table of contents as the Word file carries it, without
    page numbers (Word adds them when it opens the file); the PDF's is brought up to date."""
    _need_tools()
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed: the PDF's text cannot be read")
    rid = seminar(store, sample, clock)
    docx = tmp_path / "granskningsrapport.docx"
    docx.write_bytes(reports.build(store, rid).content)
    pdf = reports.to_pdf(docx)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    # "Sammanfattning ........ 3": each heading of the contents with its page
    for heading in ("Sammanfattning", "Rekommendationer"):
        assert re.search(rf"{heading}\s*\.{{4,}}\s*\d+\s*$", text, re.M), text[:2000]
