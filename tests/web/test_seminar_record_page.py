"""The seminar page's part of the seminar record: R-numbers and deadlines in the checklist,
the deadline in the status form, the record's form (participants, next steps, next
follow-up, all or nothing) and its Word download; and R-numbers on the report page."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document

from granskning.services import followup, seminar_record
from tests.web.conftest import Client, Web

pytestmark = pytest.mark.slow  # each test makes the review world and logs in


def _as(w: Web, role: str) -> Client:
    client = w.client(role)
    client.headers["accept-language"] = "en"
    return client


def _url(w: Web, tail: str = "") -> str:
    return f"/reviews/{w.world.review}/seminar{tail}"


def test_a_deadline_is_set_in_the_status_form_and_shown(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    item = next(i for i in followup.items(w.store, w.world.review) if i["merged_into"] is None)
    host = _as(w, "host_contact")
    page = host.get(_url(w)).text
    assert f'name="deadline-{item["id"]}"' in page and 'type="date"' in page
    r = host.submit(
        _url(w, f"/items/{item['id']}/status"),
        {f"status-{item['id']}": "in_progress", f"deadline-{item['id']}": "2026-12-31"},
    )
    assert r.status_code == 303, r.text
    assert "2026-12-31" in host.get(_url(w)).text
    bad = host.submit(
        _url(w, f"/items/{item['id']}/status"),
        {f"status-{item['id']}": "in_progress", f"deadline-{item['id']}": "2026-01-01"},
    )
    assert bad.status_code == 409 and "before the seminar" in bad.text


def test_the_record_form_saves_all_or_nothing_and_the_record_downloads(
    web: Callable[[str], Web],
) -> None:
    w = web("follow_up_scheduled")
    host = _as(w, "host_contact")
    assert f'action="{_url(w)}/record"' in host.get(_url(w)).text
    assert f'action="{_url(w)}/record"' not in _as(w, "reviewer").get(_url(w)).text
    form = {
        "participants": "Maria Lind, Gävle\nAnna Berg, Uppsala\n",
        "next_steps": "- Redovisa i nämnden",
        "next_follow_up": "2026-01-01",  # before the seminar: refused, nothing saved
    }
    refused = host.submit(_url(w, "/record"), form)
    assert refused.status_code == 409 and "after the seminar" in refused.text
    assert seminar_record.participants(w.store, w.world.review) == []
    r = host.submit(_url(w, "/record"), {**form, "next_follow_up": "2027-03-15"})
    assert r.status_code == 303, r.text
    page = host.get(_url(w)).text
    assert "Maria Lind, Gävle; Anna Berg, Uppsala" in page and "2027-03-15" in page
    docx = host.get(_url(w, "/minnesanteckningar.docx"))
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Redovisa i nämnden" in text
    assert _as(w, "stranger").get(_url(w, "/minnesanteckningar.docx")).status_code == 404


def test_the_report_page_lists_recommendations_by_their_number(
    web: Callable[[str], Web],
) -> None:
    w = web("drafting")
    page = _as(w, "lead").get(f"/reviews/{w.world.review}/report").text
    assert "<strong>R1</strong>" in page
