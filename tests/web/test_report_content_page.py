"""The report page's content forms: the team's analysis per block, choosing quotes among
the notes, and whether the report carries the notes appendix; the host contact sees none
of it."""

from __future__ import annotations

from collections.abc import Callable

from granskning.services import findings, sessions
from tests.web.conftest import Web
from tests.web.test_report_page import as_, first_block, url


def _note(w: Web, text: str) -> dict[str, object]:
    return next(n for n in sessions.review_notes(w.store, w.world.review) if n["text"] == text)


def test_the_team_writes_a_block_analysis_beside_its_findings(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    block = first_block(w)
    lead = as_(w, "lead")
    page = lead.get(url(w))
    assert f'action="{url(w)}/blocks/{block}/analysis"' in page.text
    done = lead.submit(
        url(w, f"/blocks/{block}/analysis"), {f"analysis-{block}": "Styrningen är tydlig."}
    )
    assert done.status_code in (200, 303)
    assert findings.get_text(w.store, w.world.review, "block", block) == "Styrningen är tydlig."
    assert "Styrningen är tydlig." in lead.get(url(w)).text
    # a block the template does not have is bad input, and nothing is stored
    bad = lead.submit(url(w, "/blocks/nope/analysis"), {"analysis-nope": "x"})
    assert bad.status_code == 422
    assert findings.block_texts(w.store, w.world.review) == {block: "Styrningen är tydlig."}


def test_a_note_is_quoted_and_unquoted_from_the_page(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    note = _note(w, "Barnbokslut varje år.")
    lead = as_(w, "lead")
    page = lead.get(url(w))
    assert f'action="{url(w)}/notes/{note["id"]}/quote"' in page.text
    assert "Barnbokslut varje år." in page.text
    lead.submit(url(w, f"/notes/{note['id']}/quote"))
    assert _note(w, "Barnbokslut varje år.")["quoted"] is True
    assert "(quoted in the report)" in lead.get(url(w)).text
    lead.submit(url(w, f"/notes/{note['id']}/quote"))
    assert _note(w, "Barnbokslut varje år.")["quoted"] is False
    # a note of another review is not on this page
    assert lead.submit(url(w, "/notes/99999/quote")).status_code == 404


def test_the_notes_appendix_is_chosen_on_the_page(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    lead = as_(w, "lead")
    assert findings.report_options(w.store, w.world.review)["notes_appendix"] is True
    lead.submit(url(w, "/options"), {"notes-appendix": "no"})
    shown = findings.report_options(w.store, w.world.review)
    assert shown["notes_appendix"] is False and shown["notes_appendix_chosen"] is True
    assert lead.submit(url(w, "/options"), {"notes-appendix": "maybe"}).status_code == 422
    assert findings.report_options(w.store, w.world.review)["notes_appendix"] is False


def test_the_host_contact_sees_no_notes_and_may_not_quote_or_write(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    block = first_block(w)
    note = _note(w, "Barnbokslut varje år.")
    host = as_(w, "host_contact")
    page = host.get(url(w))
    assert "Barnbokslut" not in page.text and "/quote" not in page.text
    assert host.submit(url(w, f"/notes/{note['id']}/quote")).status_code == 403
    assert (
        host.submit(url(w, f"/blocks/{block}/analysis"), {f"analysis-{block}": "x"}).status_code
        == 403
    )
    assert host.submit(url(w, "/options"), {"notes-appendix": "no"}).status_code == 403
    assert _note(w, "Barnbokslut varje år.")["quoted"] is False
    assert findings.block_texts(w.store, w.world.review) == {}
    # the timekeeper reads the notes but may not choose quotes
    keeper = as_(w, "timekeeper")
    assert "Barnbokslut varje år." in keeper.get(url(w)).text
    assert keeper.submit(url(w, f"/notes/{note['id']}/quote")).status_code == 403
