"""Login, logout and the review page as each role (the route-by-role table is
test_access_table.py)."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Web


def test_a_page_without_login_goes_to_the_login_form(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    r = w.client().get(f"/reviews/{w.world.review}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_each_team_role_sees_the_review_and_a_stranger_gets_404(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    for role in ("coordinator", "lead", "secretary", "reviewer", "timekeeper", "host_contact"):
        r = w.client(role).get(f"/reviews/{w.world.review}")
        assert r.status_code == 200, role
    stranger = w.client("stranger")
    assert stranger.get(f"/reviews/{w.world.review}").status_code == 404
    assert stranger.get("/reviews/9999").status_code == 404
    # the same page for "not yours" and "does not exist"
    a = stranger.get(f"/reviews/{w.world.review}").text
    b = stranger.get("/reviews/9999").text
    assert a == b
    # an address no route knows: the same page again, with the reader's menu and language
    unknown = stranger.get("/no-such-page")
    assert unknown.status_code == 404
    assert unknown.text == a.replace(f"/reviews/{w.world.review}", "/no-such-page")


def test_the_host_history_link_is_shown_to_those_who_may_follow_it(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    link = "/history"
    for role, shown in (("coordinator", True), ("host_contact", True), ("lead", False)):
        page = w.client(role).get(f"/reviews/{w.world.review}").text
        assert (link in page) is shown, role
        if shown:
            href = page.split('href="/municipalities/')[1].split('"')[0]
            assert w.client(role).get(f"/municipalities/{href}").status_code == 200
