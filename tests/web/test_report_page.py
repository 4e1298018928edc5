"""The report page: what each role sees, the team's forms (findings, recommendations,
texts), the draft download, the handover and the handed-over versions."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document

from granskning.documents import reports
from granskning.services import findings, reviews
from granskning.storage import audit
from granskning.web.pages import report as report_page
from tests.web.conftest import Client, Web

FROZEN = "has been handed over and is frozen"


def as_(w: Web, role: str) -> Client:
    """A client of ``role`` reading the pages in English (the messages tested are English)."""
    client = w.client(role)
    client.headers["accept-language"] = "en"
    return client


def url(w: Web, tail: str = "") -> str:
    return f"/reviews/{w.world.review}/report{tail}"


def first_block(w: Web) -> str:
    with w.store.read() as s:
        return reviews.pinned_template(reviews.get_review(s, w.world.review)).blocks[0].id


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


# -- who sees what ----------------------------------------------------------------------------


def test_the_team_sees_findings_texts_and_forms_and_the_timekeeper_only_reads(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    block = first_block(w)
    findings.add_finding(w.store, w.world.review, block, "strength", "Tydliga mål i budgeten")
    findings.set_text(w.store, w.world.review, "summary", "Gävle har kommit långt.")
    for role in ("lead", "reviewer", "coordinator"):
        page = as_(w, role).get(url(w))
        assert page.status_code == 200, role
        assert "Tydliga mål i budgeten" in page.text
        assert "Gävle har kommit långt." in page.text
        assert f'action="{url(w)}/blocks/{block}/findings"' in page.text, role
        assert f'href="{url(w)}/draft.docx"' in page.text
    # hand over is only for those who may advance the review
    assert "/report/hand-over" not in as_(w, "reviewer").get(url(w)).text
    page = as_(w, "timekeeper").get(url(w))
    assert "Tydliga mål i budgeten" in page.text and "Gävle har kommit långt." in page.text
    assert 'method="post" action="/reviews' not in page.text
    assert as_(w, "stranger").get(url(w)).status_code == 404


def test_the_host_contact_sees_nothing_of_the_team_before_the_handover(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    block = first_block(w)
    findings.add_finding(w.store, w.world.review, block, "strength", "Hemlig styrka")
    findings.add_recommendation(w.store, w.world.review, "Hemlig rekommendation")
    findings.set_text(w.store, w.world.review, "summary", "Hemlig sammanfattning")
    host = as_(w, "host_contact")
    page = host.get(url(w))
    assert page.status_code == 200
    for secret in (
        "Hemlig",
        "draft.docx",
        "Findings",
        "Recommendations",
        'method="post" action="/reviews',
    ):
        assert secret not in page.text, secret
    assert "The report has not been handed over yet." in page.text
    # every route is checked on the server, not only hidden
    assert host.get(url(w, "/draft.docx")).status_code == 403
    assert host.get(url(w, "/draft.pdf")).status_code == 403
    posted = host.submit(
        url(w, f"/blocks/{block}/findings"), {f"kind-{block}": "strength", f"new-{block}": "x"}
    )
    assert posted.status_code == 403
    assert host.submit(url(w, "/texts/summary"), {"text-summary": "x"}).status_code == 403
    assert host.submit(url(w, "/hand-over")).status_code == 403
    assert findings.get_text(w.store, w.world.review, "summary") == "Hemlig sammanfattning"


def test_after_the_handover_the_host_contact_sees_the_versions_and_their_download_only(
    web: Callable[[str], Web],
) -> None:
    w = web("handed_over")
    host = as_(w, "host_contact")
    page = host.get(url(w))
    assert page.status_code == 200
    [version] = reports.versions(w.store, w.world.review)
    assert f'href="{url(w)}/versions/1.docx"' in page.text
    assert version["sha256"][:12] in page.text
    # findings, recommendations and texts of the seeded review stay with the team
    for secret in ("Styrka i", "Gör barnbokslut", "Gävle har kommit långt", "draft.docx"):
        assert secret not in page.text, secret
    got = host.get(url(w, "/versions/1.docx"))
    assert got.status_code == 200
    assert got.headers["content-disposition"] == (
        f'attachment; filename="granskningsrapport-{w.world.review}-v1.docx"'
    )
    assert got.content == reports.build(w.store, w.world.review, version=1).content
    assert "Gävle har kommit långt." in docx_text(got.content)
    assert host.get(url(w, "/versions/2.docx")).status_code == 404
    assert host.get(url(w, "/draft.docx")).status_code == 403
    assert as_(w, "stranger").get(url(w, "/versions/1.docx")).status_code == 404


def test_who_may_only_read_is_refused_every_form_on_the_server(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    block = first_block(w)
    row = findings.add_finding(w.store, w.world.review, block, "strength", "Orörd")
    rec = findings.add_recommendation(w.store, w.world.review, "Orörd rekommendation")
    timekeeper = as_(w, "timekeeper")  # sees the team's work, may not write it
    for tail in (
        f"/blocks/{block}/findings",
        f"/blocks/{block}/none",
        f"/findings/{row.id}",
        f"/findings/{row.id}/remove",
        "/recommendations",
        f"/recommendations/{rec.id}",
        f"/recommendations/{rec.id}/remove",
        "/texts/summary",
        "/hand-over",
    ):
        assert timekeeper.submit(url(w, tail), {"text-summary": "x"}).status_code == 403, tail
    assert [f["text"] for f in findings.list_findings(w.store, w.world.review)] == ["Orörd"]
    assert len(findings.list_recommendations(w.store, w.world.review)) == 1
    assert findings.get_text(w.store, w.world.review, "summary") == ""


# -- the team's forms -------------------------------------------------------------------------


def test_adding_a_finding_records_the_user_as_the_actor(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    block = first_block(w)
    r = as_(w, "reviewer").submit(
        url(w, f"/blocks/{block}/findings"),
        {f"kind-{block}": "development", f"new-{block}": "Återkopplingen till barn är otydlig"},
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith(url(w) + "?done=")
    [row] = findings.list_findings(w.store, w.world.review)
    assert (row["block"], row["kind"], row["text"]) == (
        block,
        "development",
        "Återkopplingen till barn är otydlig",
    )
    [event] = [
        e for e in audit.recent_history(w.store, w.world.review, 5) if e["entity"] == "finding"
    ]
    assert event["actor"] == w.email("reviewer")


def test_an_empty_finding_is_asked_for_again_at_its_field(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    block = first_block(w)
    r = as_(w, "lead").submit(
        url(w, f"/blocks/{block}/findings"), {f"kind-{block}": "strength", f"new-{block}": " "}
    )
    assert r.status_code == 422
    assert f'id="f-new-{block}-error"' in r.text
    assert findings.list_findings(w.store, w.world.review) == []


def test_edit_and_remove_a_finding_and_mark_a_block_as_having_none(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    block = first_block(w)
    row = findings.add_finding(w.store, w.world.review, block, "strength", "Först")
    lead = as_(w, "lead")
    assert (
        lead.submit(url(w, f"/findings/{row.id}"), {f"finding-{row.id}": "Sedan"}).status_code
        == 303
    )
    assert [f["text"] for f in findings.list_findings(w.store, w.world.review)] == ["Sedan"]
    assert lead.submit(url(w, f"/findings/{row.id}/remove")).status_code == 303
    assert findings.list_findings(w.store, w.world.review) == []
    assert lead.submit(url(w, f"/blocks/{block}/none")).status_code == 303
    [mark] = findings.list_findings(w.store, w.world.review)
    assert mark["kind"] == "none"
    page = lead.get(url(w)).text
    assert "No findings" in page and f'action="{url(w)}/findings/{mark["id"]}/remove"' in page


def test_a_finding_of_another_review_is_not_found_through_this_one(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    with w.store.read() as s:
        other_block = (
            reviews.pinned_template(reviews.get_review(s, w.world.other_review)).blocks[0].id
        )
    theirs = findings.add_finding(w.store, w.world.other_review, other_block, "strength", "Deras")
    lead = as_(w, "lead")
    assert lead.submit(url(w, f"/findings/{theirs.id}/remove")).status_code == 404
    assert (
        lead.submit(url(w, f"/findings/{theirs.id}"), {f"finding-{theirs.id}": "x"}).status_code
        == 404
    )
    assert [f["text"] for f in findings.list_findings(w.store, w.world.other_review)] == ["Deras"]


def test_recommendations_are_added_edited_and_removed(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    block = first_block(w)
    lead = as_(w, "secretary")
    r = lead.submit(url(w, "/recommendations"), {"rec-new": "Utbilda chefer", "rec-block": block})
    assert r.status_code == 303
    [rec] = findings.list_recommendations(w.store, w.world.review)
    assert (rec["text"], rec["block"]) == ("Utbilda chefer", block)
    lead.submit(
        url(w, f"/recommendations/{rec['id']}"), {f"rec-{rec['id']}": "Utbilda alla chefer"}
    )
    assert (
        findings.list_recommendations(w.store, w.world.review)[0]["text"] == "Utbilda alla chefer"
    )
    assert "Utbilda alla chefer" in lead.get(url(w)).text
    lead.submit(url(w, f"/recommendations/{rec['id']}/remove"))
    assert findings.list_recommendations(w.store, w.world.review) == []
    # without a block
    lead.submit(url(w, "/recommendations"), {"rec-new": "Allmän", "rec-block": ""})
    assert findings.list_recommendations(w.store, w.world.review)[0]["block"] is None


def test_setting_a_text(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    r = as_(w, "secretary").submit(
        url(w, "/texts/reflections"), {"text-reflections": "Vi lärde oss mycket.\n\n- En sak"}
    )
    assert r.status_code == 303
    assert (
        findings.get_text(w.store, w.world.review, "reflections")
        == "Vi lärde oss mycket.\n\n- En sak"
    )
    page = as_(w, "lead").get(url(w)).text
    assert "Vi lärde oss mycket." in page


def test_html_in_a_finding_and_a_text_is_shown_escaped(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    block = first_block(w)
    evil = '<script>alert("x")</script><b>fet</b>'
    findings.add_finding(w.store, w.world.review, block, "strength", evil)
    findings.set_text(w.store, w.world.review, "summary", evil)
    for role in ("lead", "timekeeper"):  # in a form's textarea, and as read-only text
        page = as_(w, role).get(url(w)).text
        assert "<script>alert" not in page and "<b>fet</b>" not in page
        assert (
            page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;fet&lt;/b&gt;") >= 2
        )


# -- frozen, handing over ---------------------------------------------------------------------


def test_a_frozen_review_refuses_edits_with_the_clis_sentence(web: Callable[[str], Web]) -> None:
    w = web("handed_over")
    lead = as_(w, "lead")
    page = lead.get(url(w)).text
    assert "can no longer change" in page
    assert f'action="{url(w)}/texts/summary"' not in page  # no forms that cannot work
    r = lead.submit(url(w, "/texts/summary"), {"text-summary": "Ändrad"})
    assert r.status_code == 409
    assert FROZEN in r.text and 'role="alert"' in r.text
    [finding] = findings.list_findings(w.store, w.world.review)[:1]
    r = lead.submit(url(w, f"/findings/{finding['id']}/remove"))
    assert r.status_code == 409 and FROZEN in r.text
    assert findings.get_text(w.store, w.world.review, "summary") == "Gävle har kommit långt."


@pytest.mark.slow  # renders the report
def test_handing_over_from_the_page(web: Callable[[str], Web]) -> None:
    w = web("handed_over")
    reviews.advance(w.store, w.world.review, "reopen", reason="Ett fel i sammanfattningen")
    findings.set_text(w.store, w.world.review, "summary", "Rättad sammanfattning.")
    lead = as_(w, "lead")
    assert 'action="' + url(w) + '/hand-over"' in lead.get(url(w)).text
    assert as_(w, "reviewer").submit(url(w, "/hand-over")).status_code == 403
    r = lead.submit(url(w, "/hand-over"))
    assert r.status_code == 303
    with w.store.read() as s:
        assert reviews.get_review(s, w.world.review).state == "handed_over"
    numbers = [v["number"] for v in reports.versions(w.store, w.world.review)]
    assert numbers == [1, 2]
    assert "Rättad sammanfattning." in docx_text(
        reports.build(w.store, w.world.review, version=2).content
    )
    page = as_(w, "host_contact").get(url(w)).text
    assert f"{url(w)}/versions/2.docx" in page


def test_a_blocked_handover_shows_the_reasons_with_409(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    reviews.advance(w.store, w.world.review, "finish_visit")
    lead = as_(w, "lead")
    page = lead.get(url(w)).text
    assert "the summary (sammanfattning) is not written" in page
    assert "/hand-over" not in page
    r = lead.submit(url(w, "/hand-over"))
    assert r.status_code == 409
    assert "the summary (sammanfattning) is not written" in r.text and 'role="alert"' in r.text
    with w.store.read() as s:
        assert reviews.get_review(s, w.world.review).state == "drafting"


# -- the draft --------------------------------------------------------------------------------


@pytest.mark.slow  # renders the report
def test_the_draft_is_a_word_document_with_the_teams_text(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    findings.set_text(w.store, w.world.review, "summary", "Ett utkast till sammanfattning.")
    r = as_(w, "timekeeper").get(url(w, "/draft.docx"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert r.headers["content-disposition"].endswith(f'-{w.world.review}-utkast.docx"')
    assert "Ett utkast till sammanfattning." in docx_text(r.content)


def test_without_libreoffice_there_is_no_pdf_link_and_the_route_says_why(
    web: Callable[[str], Web], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = web("visiting")
    monkeypatch.setattr(report_page.reports, "libreoffice", lambda: None)
    lead = as_(w, "lead")
    assert "draft.pdf" not in lead.get(url(w)).text
    r = lead.get(url(w, "/draft.pdf"))
    assert r.status_code == 409
    assert "LibreOffice, which is not installed" in r.text


@pytest.mark.slow
@pytest.mark.skipif(reports.libreoffice() is None, reason="LibreOffice is not installed")
def test_the_draft_as_pdf(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    lead = as_(w, "lead")
    assert f'href="{url(w)}/draft.pdf"' in lead.get(url(w)).text
    r = lead.get(url(w, "/draft.pdf"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
