"""``/municipalities/{name}/history``: coordinators see everything, the municipality's own
host contacts its handed-over reviews only, everyone else 404."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document

from granskning.storage.model import Finding
from tests.web.conftest import Client, Web

pytestmark = pytest.mark.slow  # each test makes the review world and logs in

PAGE = "/municipalities/G%C3%A4vle/history"


def _as(w: Web, role: str) -> Client:
    client = w.client(role)
    client.headers["accept-language"] = "en"
    return client


def _draft_finding(w: Web) -> None:
    with w.store.atomic() as s:
        s.add(
            Finding(
                review_id=w.world.review,
                block_id="styrprocesser",
                kind="development",
                text="Ett utkast som inte är överlämnat",
                created_at=w.store.now(),
            )
        )


def test_the_coordinator_sees_every_review_the_municipality_hosted_and_did(
    web: Callable[[str], Web],
) -> None:
    w = web("follow_up_scheduled")
    page = _as(w, "coordinator").get(PAGE)
    assert page.status_code == 200, page.text
    assert page.text.count("<h1>") == 1
    assert "History of the peer reviews: Gävle" in page.text
    assert f'href="/reviews/{w.world.review}"' in page.text
    # Gävle reviewed Uppsala (a review outside any round)
    assert f'href="/reviews/{w.world.other_review}"' in page.text
    assert "Gör barnbokslut." in page.text and "Påbörjat" in page.text
    assert '<span class="status status-amber">in progress</span>' in page.text


def test_the_host_contact_sees_only_handed_over_reviews(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    _draft_finding(w)
    coordinator = _as(w, "coordinator").get(PAGE)
    assert "Ett utkast som inte är överlämnat" in coordinator.text
    page = _as(w, "host_contact").get(PAGE)
    assert page.status_code == 200, page.text
    assert "Ett utkast som inte är överlämnat" not in page.text
    assert f"Review {w.world.review}" not in page.text
    # nor the reviews the municipality did of others
    assert f"review {w.world.other_review}" not in page.text
    assert "The municipality has no reviews yet." in page.text


def test_after_the_handover_the_host_contact_sees_the_review(web: Callable[[str], Web]) -> None:
    w = web("handed_over")
    page = _as(w, "host_contact").get(PAGE)
    assert page.status_code == 200
    # named, not linked: an older review of the municipality may have had another contact
    assert f"Review {w.world.review}" in page.text and 'href="/reviews/' not in page.text
    assert "Utveckla uppföljningen" in page.text


def test_anyone_else_gets_404(web: Callable[[str], Web]) -> None:
    w = web("handed_over")
    for role in ("lead", "reviewer", "stranger"):
        for url in (PAGE, PAGE + ".docx"):
            assert _as(w, role).get(url).status_code == 404, (role, url)
    # a host contact of Gävle sees nothing of Uppsala, nor of a municipality that is not there
    contact = _as(w, "host_contact")
    assert contact.get("/municipalities/Uppsala/history").status_code == 404
    assert contact.get("/municipalities/Visby/history").status_code == 404
    assert w.client().get(PAGE, follow_redirects=False).status_code == 303


def test_the_word_download(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    got = _as(w, "host_contact").get(PAGE + ".docx")
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith('attachment; filename="kommunhistorik-')
    doc = Document(io.BytesIO(got.content))
    texts = [p.text for p in doc.paragraphs]
    assert "History of the peer reviews" in texts and "Gävle" in texts
    assert any("Gör barnbokslut." in c.text for t in doc.tables for r in t.rows for c in r.cells)
