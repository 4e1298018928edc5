"""Forms in a real browser, through htmx (the CSRF token travels as a header): a form that
works changes the data and says so; one a rule refuses says why, and changes nothing; and
with JavaScript switched off the same forms work as plain HTML."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from granskning.storage.model import Assignment, Review
from tests.browser.conftest import Shots, Site, axe_violations, describe, login, submit_form

TEAM_FORM = "form[action$='/team']"


def _roles(site: Site, person: int) -> list[str]:
    with site.store.read() as s:
        return list(
            s.exec(
                select(Assignment.role).where(
                    Assignment.review_id == site.world.review, Assignment.person_id == person
                )
            ).all()
        )


def test_the_lead_assigns_a_reviewer_with_the_team_form(
    site: Site, as_role: Any, shots: Shots
) -> None:
    page = as_role("lead")
    page.goto(site.at(f"/reviews/{site.world.review}"))
    newcomer = site.people["stranger"]  # Web stranger, of a reviewing municipality
    assert _roles(site, newcomer) == []
    submit_form(page, TEAM_FORM, {"person": str(newcomer), "role": "reviewer"})
    shots.take(page, "assigned")
    assert _roles(site, newcomer) == ["reviewer"]
    assert page.locator("[role=status]").count() == 1
    team = page.locator("section[aria-labelledby=team-h] table").inner_text()
    assert "Web stranger" in team


def test_a_refused_assignment_says_why_and_changes_nothing(
    site: Site, as_role: Any, shots: Shots
) -> None:
    page = as_role("lead", bypass_csp=True)
    page.goto(site.at(f"/reviews/{site.world.review}"))
    contact = site.people["host_contact"]  # of the host municipality: may not review it
    before = _roles(site, contact)
    submit_form(page, TEAM_FORM, {"person": str(contact), "role": "reviewer"})
    shots.take(page, "refused")
    alert = page.locator("[role=alert]")
    assert alert.count() == 1
    assert "Dan Holm" in alert.inner_text()
    assert _roles(site, contact) == before
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_without_javascript_the_forms_still_work(site: Site, as_role: Any, shots: Shots) -> None:
    page = as_role(None, java_script_enabled=False)
    login(page, site, "lead")
    page.goto(site.at(f"/reviews/{site.world.review}"))
    action = "form.action-form:has(input[name=action][value=finish_visit]) button"
    with page.expect_navigation():
        page.click(action)
    shots.take(page, "after-action")
    assert page.locator("dl.facts .state-drafting").count() == 1
    assert page.locator("[role=status]").count() == 1
    with site.store.read() as s:
        assert s.get(Review, site.world.review).state == "drafting"  # type: ignore[union-attr]
