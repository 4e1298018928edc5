"""axe-core finds no WCAG 2.1 A/AA violation on any page, as any role: each role's pages
are found by following the links from the home page (every kind of page once, none may
fail with a server error), and the login page, a failed login and the 404 page are checked
without a login. Each page also has the structure the site promises: the browser's
language (Swedish here), one h1, one main landmark and a skip link to it.

axe is injected as a script, which the site's CSP (``script-src 'self'``) would block: these
pages are opened with ``bypass_csp``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ROLES, Shots, Site, axe_violations, describe

MOST_PAGES = 40  # a bound on the walk: far more kinds of page than the site has
_SKIPPED = ("/static/", "/logout")


def _shape(path: str) -> str:
    """A page's kind: its path with the numbers taken out (/reviews/N/report)."""
    return re.sub(r"\d+", "N", path)


def _links(page: Any, site: Site) -> list[str]:
    """The paths of this site that the page links to (no query, no fragment)."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != site.url or parts.query:
            continue
        if parts.path.startswith(_SKIPPED):
            continue
        out.append(parts.path)
    return out


def _is_page(page: Any, url: str) -> bool:
    """Whether ``url`` answers with an HTML page (not a download)."""
    answer = page.request.get(url, max_redirects=0)
    kind = answer.headers.get("content-type", "")
    disposition = answer.headers.get("content-disposition", "")
    return kind.startswith("text/html") and "attachment" not in disposition


_STRUCTURE = """() => ({
  lang: document.documentElement.lang,
  h1: document.querySelectorAll("h1").length,
  main: document.querySelectorAll("main").length,
  skip: !!document.querySelector("a.skip[href='#main']"),
})"""


def structure_problems(page: Any) -> list[str]:
    """What the site's own rules ask of every page and axe's WCAG rules do not check: the
    language of a Swedish browser, one h1, one main landmark, the skip link to it."""
    found = page.evaluate(_STRUCTURE)
    wanted = {"lang": "sv", "h1": 1, "main": 1, "skip": True}
    return [f"{k}: {found[k]!r}, not {v!r}" for k, v in wanted.items() if found[k] != v]


class Audit:
    """axe on each page shown, with a screenshot; the violations collected per page."""

    def __init__(self, shots: Shots, who: str) -> None:
        self.shots = shots
        self.who = who
        self.found: dict[str, list[dict[str, Any]]] = {}

    def check(self, page: Any, label: str) -> None:
        self.shots.take(page, f"{self.who}-{label}")
        violations = axe_violations(page)
        violations += [
            {"id": "page-structure", "impact": "-", "help": problem, "nodes": []}
            for problem in structure_problems(page)
        ]
        if violations:
            self.found[label] = violations

    def report(self) -> str:
        return "\n".join(f"{self.who} {label}:\n{describe(v)}" for label, v in self.found.items())


def _walk_and_check(page: Any, site: Site, audit: Audit, start: str = "/") -> list[str]:
    seen: set[str] = set()
    visited: list[str] = []
    queue = [start]
    while queue and len(visited) < MOST_PAGES:
        path = queue.pop(0)
        if _shape(path) in seen:
            continue
        seen.add(_shape(path))
        if not _is_page(page, site.at(path)):
            continue
        answer = page.goto(site.at(path))
        assert answer is not None and answer.status < 500, (path, answer and answer.status)
        visited.append(path)
        audit.check(page, _shape(path))
        queue.extend(p for p in _links(page, site) if _shape(p) not in seen)
    return visited


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_has_no_axe_violations(
    role: str, site: Site, as_role: Any, shots: Shots
) -> None:
    page = as_role(role, bypass_csp=True)
    audit = Audit(shots, role)
    visited = _walk_and_check(page, site, audit)
    if role == "stranger":  # somebody else's review: the 404 page, logged in
        page.goto(site.at(f"/reviews/{site.world.review}"))
        assert page.locator("h1").count() == 1
        audit.check(page, "not-yours")
    else:
        # the walk reached the review and its own pages
        assert f"/reviews/{site.world.review}" in visited, visited
    assert "/" in visited
    assert not audit.found, f"axe found violations ({len(visited)} pages):\n" + audit.report()


def test_the_pages_before_a_login_have_no_axe_violations(
    site: Site, as_role: Any, shots: Shots
) -> None:
    page = as_role(None, bypass_csp=True)
    audit = Audit(shots, "anonymous")
    page.goto(site.at("/"))
    assert urlsplit(page.url).path == "/login"  # sent to log in first
    audit.check(page, "login")
    # a failed login: the form again with the problem said
    page.fill("#f-email", site.email("lead"))
    page.fill("#f-password", "fel lösenord")
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    audit.check(page, "login-failed")
    answer = page.goto(site.at("/no-such-page"))
    assert answer is not None and answer.status == 404
    audit.check(page, "404")
    assert not audit.found, "axe found violations:\n" + audit.report()
