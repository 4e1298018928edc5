"""Every document the pages offer as Word is offered as a PDF too (LibreOffice converts it,
as ``--pdf`` does on the command line): the report's draft and handed-over versions, the
follow-up checklist, the seminar record, the round's compilation and a municipality's
history. Without LibreOffice the pages offer Word only and a PDF's address says why."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from granskning.documents import reports
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
