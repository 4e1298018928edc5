"""The follow-up seminar page: who sees and records what, the schedule form, the
checklist's forms and its Word download."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document

from granskning.services import followup, reviews
from granskning.storage import audit
from tests.conftest import FakeClock
from tests.web.conftest import Client, Web

pytestmark = pytest.mark.slow  # each test makes the review world and logs in

TEAM = ("coordinator", "lead", "secretary", "reviewer", "timekeeper", "host_contact")


def _as(w: Web, role: str) -> Client:
    """A client of ``role`` reading the pages in English."""
    client = w.client(role)
    client.headers["accept-language"] = "en"
    return client


def _url(w: Web, tail: str = "") -> str:
    return f"/reviews/{w.world.review}/seminar{tail}"


def _item(w: Web, item_id: int) -> dict[str, Any]:
    return next(i for i in followup.items(w.store, w.world.review) if i["id"] == item_id)


def _open_item(w: Web) -> int:
    """An item with no status yet (made at the handover from the recommendation)."""
    return next(
        i["id"]
        for i in followup.items(w.store, w.world.review)
        if i["status"] is None and i["merged_into"] is None
    )


def test_each_team_role_sees_the_checklist_and_a_stranger_gets_404(
    web: Callable[[str], Web],
) -> None:
    w = web("follow_up_scheduled")
    for role in TEAM:
        r = _as(w, role).get(_url(w))
        assert r.status_code == 200, role
        assert "Gör barnbokslut." in r.text
        # the status in words beside its colour, never the colour alone
        assert '<span class="status status-amber">in progress (amber)</span>' in r.text
        assert "2026-09-15 09:00" in r.text
    stranger = _as(w, "stranger")
    assert stranger.get(_url(w)).status_code == 404
    assert stranger.get(_url(w)).text == stranger.get("/reviews/9999/seminar").text


def test_the_forms_each_role_is_shown(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    item = _open_item(w)
    record = f'action="{_url(w)}/items/{item}/status"'
    host = _as(w, "host_contact").get(_url(w)).text
    assert record in host
    assert f'action="{_url(w)}/items"' not in host  # adding items is the lead's
    assert f'action="{_url(w)}/schedule"' not in host
    reviewer = _as(w, "reviewer").get(_url(w)).text
    assert record not in reviewer
    lead = _as(w, "lead").get(_url(w)).text
    for form in (record, f'action="{_url(w)}/items"', f'action="{_url(w)}/schedule"'):
        assert form in lead


def test_the_host_contact_records_a_status_and_the_audit_names_them(
    web: Callable[[str], Web],
) -> None:
    w = web("follow_up_scheduled")
    item = _open_item(w)
    host = _as(w, "host_contact")
    r = host.submit(
        _url(w, f"/items/{item}/status"),
        {
            f"status-{item}": "done",
            f"comment-{item}": "Barnbokslut antaget i maj",
            f"responsible-{item}": "Kommundirektören",
        },
    )
    assert r.status_code == 303, r.text
    shown = _item(w, item)
    assert (shown["status"], shown["comment"], shown["responsible"]) == (
        "done",
        "Barnbokslut antaget i maj",
        "Kommundirektören",
    )
    latest = audit.recent_history(w.store, w.world.review, 1)[0]
    assert latest["action"] == "record"
    assert latest["actor"] == "host-contact@example.se"
    page = host.get(r.headers["location"]).text
    assert f"Item {item}: done (green)" in page
    assert '<span class="status status-green">done (green)</span>' in page


def test_a_reviewer_may_not_record_a_status_and_a_stranger_is_told_nothing(
    web: Callable[[str], Web],
) -> None:
    w = web("follow_up_scheduled")
    item = _open_item(w)
    data = {f"status-{item}": "done"}
    assert _as(w, "reviewer").submit(_url(w, f"/items/{item}/status"), data).status_code == 403
    assert _as(w, "stranger").submit(_url(w, f"/items/{item}/status"), data).status_code == 404
    assert _item(w, item)["status"] is None


def test_a_status_before_the_seminar_is_scheduled_is_refused_inline(
    web: Callable[[str], Web],
) -> None:
    w = web("handed_over")
    item = _open_item(w)
    r = _as(w, "host_contact").submit(_url(w, f"/items/{item}/status"), {f"status-{item}": "done"})
    assert r.status_code == 409
    assert "statuses are recorded at the seminar; schedule it first" in r.text
    assert 'role="alert"' in r.text
    assert _item(w, item)["status"] is None


def test_a_status_left_out_is_asked_for_at_its_field(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    item = _open_item(w)
    r = _as(w, "lead").submit(_url(w, f"/items/{item}/status"), {f"comment-{item}": "x"})
    assert r.status_code == 422
    assert f'aria-describedby="f-status-{item}-error"' in r.text
    assert "Status: fill this in" in r.text
    assert _item(w, item)["comment"] is None


def test_after_the_seminar_only_the_lead_corrects_a_status_with_a_reason(
    web: Callable[[str], Web], clock: FakeClock
) -> None:
    w = web("follow_up_scheduled")
    for i in followup.items(w.store, w.world.review):
        if i["merged_into"] is None and i["status"] is None:
            followup.record_status(w.store, w.world.review, i["id"], "not_started")
    clock.advance(seconds=200 * 86400)  # past the seminar on 2026-09-15
    reviews.advance(w.store, w.world.review, "hold_seminar")
    item = _open_item_after(w)
    data = {f"status-{item}": "done", f"reason-{item}": "Fel status antecknades"}
    host = _as(w, "host_contact")
    assert host.submit(_url(w, f"/items/{item}/status"), data).status_code == 403
    # without a reason the service's own rule answers
    r = host.submit(_url(w, f"/items/{item}/status"), {f"status-{item}": "done"})
    assert r.status_code == 409
    assert "correct a recorded status with --reason" in r.text
    assert _item(w, item)["status"] == "not_started"
    lead = _as(w, "lead")
    assert f'name="reason-{item}"' in lead.get(_url(w)).text
    assert lead.submit(_url(w, f"/items/{item}/status"), data).status_code == 303
    assert _item(w, item)["status"] == "done"
    assert audit.recent_history(w.store, w.world.review, 1)[0]["action"] == "correct"


def _open_item_after(w: Web) -> int:
    return next(
        i["id"]
        for i in followup.items(w.store, w.world.review)
        if i["status"] == "not_started" and i["merged_into"] is None
    )


def test_the_lead_moves_the_seminar_and_the_host_may_not(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    data = {"start": "2026-09-16T13:00", "place": "Stadshuset, sal 2"}
    assert _as(w, "host_contact").submit(_url(w, "/schedule"), data).status_code == 403
    r = _as(w, "lead").submit(_url(w, "/schedule"), data)
    assert r.status_code == 303, r.text
    info = followup.seminar_info(w.store, w.world.review)
    assert (info["start"], info["place"]) == ("2026-09-16 13:00", "Stadshuset, sal 2")
    assert audit.recent_history(w.store, w.world.review, 1)[0]["action"] == "reschedule_seminar"


def test_scheduling_after_the_handover_takes_the_suggested_time(web: Callable[[str], Web]) -> None:
    w = web("handed_over")
    lead = _as(w, "lead")
    suggested = followup.suggestion(w.store, w.world.review)["start"]
    assert f"Suggested: {suggested}" in lead.get(_url(w)).text
    before = lead.submit(_url(w, "/schedule"), {"start": "2026-01-05T13:00"})
    assert before.status_code == 409
    assert "the seminar cannot be before the handover (2026-03-02)" in before.text
    assert lead.submit(_url(w, "/schedule"), {"start": "", "place": ""}).status_code == 303
    info = followup.seminar_info(w.store, w.world.review)
    assert (info["state"], info["start"]) == ("follow_up_scheduled", suggested)


def test_the_lead_adds_rewords_and_merges_items(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    lead = _as(w, "lead")
    r = lead.submit(_url(w, "/items"), {"text": "Barnbokslut tas fram", "block": "styrprocesser"})
    assert r.status_code == 303, r.text
    added = followup.items(w.store, w.world.review)[-1]
    assert (added["text"], added["block"], added["source"]) == (
        "Barnbokslut tas fram",
        "styrprocesser",
        "manual",
    )
    item = added["id"]
    r = lead.submit(
        _url(w, f"/items/{item}/edit"), {f"text-{item}": "Barnbokslut årligen", f"block-{item}": ""}
    )
    assert r.status_code == 303
    assert (_item(w, item)["text"], _item(w, item)["block"]) == ("Barnbokslut årligen", None)
    into = _open_item(w)
    assert lead.submit(_url(w, f"/items/{item}/merge"), {f"into-{item}": into}).status_code == 303
    assert _item(w, item)["merged_into"] == into
    # the host contact records statuses but does not change the checklist
    host = _as(w, "host_contact")
    assert host.submit(_url(w, "/items"), {"text": "Eget"}).status_code == 403
    assert host.submit(_url(w, f"/items/{into}/edit"), {f"text-{into}": "Eget"}).status_code == 403
    assert lead.submit(_url(w, "/items/9999/edit"), {"text-9999": "x"}).status_code == 404


def test_the_checklist_downloads_as_a_word_document(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    r = _as(w, "host_contact").get(_url(w, "/checklist.docx"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert r.headers["content-disposition"].startswith("attachment;")
    doc = Document(io.BytesIO(r.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any("Gör barnbokslut." in c for c in cells)
    assert _as(w, "stranger").get(_url(w, "/checklist.docx")).status_code == 404


def test_html_in_a_comment_is_shown_as_text(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    item = _open_item(w)
    followup.record_status(
        w.store, w.world.review, item, "in_progress", comment='<script>alert("x")</script>'
    )
    page = _as(w, "host_contact").get(_url(w)).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
