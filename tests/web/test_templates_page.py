"""The question templates pages: any logged-in user reads them, only by a template's id."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Web

pytestmark = pytest.mark.slow  # each test makes the review world and logs in


def test_the_shipped_templates_are_listed(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    client = w.client("stranger")  # on no team: the templates are nobody's data
    client.headers["accept-language"] = "en"
    r = client.get("/templates")
    assert r.status_code == 200
    assert 'href="/templates/kollegial-granskning-2013"' in r.text
    assert "Kollegial granskning 2013 – Barns trygga uppväxtvillkor" in r.text
    assert "<td>1.0</td>" in r.text
    assert "barnrattslagen-2020" in r.text


def test_a_template_is_shown_in_full(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    client = w.client("host_contact")
    client.headers["accept-language"] = "en"
    page = client.get("/templates/kollegial-granskning-2013").text
    assert page.count("<h1>") == 1
    assert "Block 1: Styrprocesser (30 min)" in page
    assert "Hur säkrar kommunens styrdokument barns trygga uppväxtvillkor?" in page
    assert "[styr-1]" in page
    assert "<td>fortroendevalda</td>" in page


@pytest.mark.parametrize("name", ["nope", "kollegial-granskning-2013.yaml", "..%2F..%2Fetc"])
def test_only_a_catalogued_template_is_shown(web: Callable[[str], Web], name: str) -> None:
    w = web("visiting")
    assert w.client("lead").get(f"/templates/{name}").status_code == 404


def test_the_templates_need_a_login(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    r = w.client().get("/templates", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")
