"""Every document the pages offer as Word is offered as a PDF too (LibreOffice converts it,
as ``--pdf`` does on the command line): the report's draft and handed-over versions, the
follow-up checklist, the seminar record, the round's compilation and a municipality's
history. Without LibreOffice the pages offer Word only and a PDF's address says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from granskning.documents import reports
from granskning.web import http
from tests.web.conftest import Client, Web

# (the page, the document's address without its suffix)
DOCUMENTS = [
    ("/reviews/{r}/report", "/reviews/{r}/report/versions/1"),
    ("/reviews/{r}/seminar", "/reviews/{r}/seminar/checklist"),
    ("/reviews/{r}/seminar", "/reviews/{r}/seminar/minnesanteckningar"),
    ("/rounds/1", "/rounds/1/compilation"),
    ("/municipalities/G%C3%A4vle/history", "/municipalities/G%C3%A4vle/history"),
]


def _coordinator(w: Web) -> Client:
    client = w.client("coordinator")
    client.headers["accept-language"] = "en"
    return client


@pytest.mark.slow
@pytest.mark.skipif(reports.libreoffice() is None, reason="LibreOffice is not installed")
def test_each_document_is_offered_and_served_as_a_pdf(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    coordinator = _coordinator(w)
    for page, document in DOCUMENTS:
        page, document = page.format(r=w.world.review), document.format(r=w.world.review)
        text = coordinator.get(page).text
        assert f'href="{document}.docx"' in text, page
        assert f'href="{document}.pdf"' in text, page
        r = coordinator.get(f"{document}.pdf")
        assert r.status_code == 200, (document, r.text[:300])
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"].endswith('.pdf"')
        assert r.content.startswith(b"%PDF")
    assert (
        w.client("stranger").get(f"/reviews/{w.world.review}/seminar/checklist.pdf").status_code
        == 404
    )


def test_without_libreoffice_the_pages_offer_word_only(
    web: Callable[[str], Web], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports, "libreoffice", lambda: None)
    w = web("follow_up_scheduled")
    coordinator = _coordinator(w)
    for page, document in DOCUMENTS:
        page, document = page.format(r=w.world.review), document.format(r=w.world.review)
        text = coordinator.get(page).text
        assert f'href="{document}.docx"' in text and ".pdf" not in text, page
        r = coordinator.get(f"{document}.pdf")
        assert r.status_code == 409
        assert "LibreOffice, which is not installed" in r.text


@pytest.mark.slow
@pytest.mark.skipif(reports.libreoffice() is None, reason="LibreOffice is not installed")
def test_a_handed_over_version_is_converted_once(
    web: Callable[[str], Web], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handed-over version never changes: its PDF is kept, each reader does not wait for
    LibreOffice again (a draft changes, and is converted each time)."""
    http._pdf_of.cache_clear()
    conversions: list[Path] = []
    real = reports.to_pdf

    def counted(docx: Path, timeout: int = 300) -> Path:
        conversions.append(docx)
        return real(docx, timeout)

    monkeypatch.setattr(reports, "to_pdf", counted)
    w = web("handed_over")
    address = f"/reviews/{w.world.review}/report/versions/1.pdf"
    first = _coordinator(w).get(address)
    again = w.client("host_contact").get(address)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and first.content.startswith(b"%PDF")
    assert len(conversions) == 1
    http._pdf_of.cache_clear()
