"""The site works with the keyboard alone: the skip link is the first Tab stop, focus is
visible, a login and a review action are done with Tab, typing, Enter and Space. The pages
run under the site's real CSP here, and no script error or CSP refusal may appear."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from granskning.services import reviews
from tests.browser.conftest import Shots, Site

MOST_TABS = 80  # more than any page here has stops before what the tests look for

_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    tag: e.tagName, id: e.id, cls: e.className, href: e.getAttribute("href") || "",
    action: e.form ? (e.form.querySelector("input[name=action]") || {}).value || "" : "",
    outline: s.outlineStyle, outlineWidth: s.outlineWidth,
    left: box.left, top: box.top, width: box.width, height: box.height,
  };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    """What has the focus, its outline and where it is on the screen."""
    found: dict[str, Any] | None = page.evaluate(_FOCUS)
    return found


def tab_to(page: Any, wanted: Any, most: int = MOST_TABS) -> dict[str, Any]:
    """Press Tab until ``wanted(focused)`` holds; the focused element (fails after ``most``)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is not None and wanted(now):
            return now
    raise AssertionError(f"not reached with {most} presses of Tab")


def assert_visible_focus(now: dict[str, Any]) -> None:
    """The focused element is on screen with an outline drawn round it."""
    assert now["outline"] != "none" and now["outlineWidth"] not in ("", "0px"), now
    assert now["left"] >= 0 and now["top"] >= 0 and now["width"] > 0, now


def watch_errors(page: Any) -> list[str]:
    """Script errors and console errors (a CSP refusal is one) as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda m: errors.append(f"{m.text} at {m.location}") if m.type == "error" else None,
    )
    return errors


def test_the_skip_link_is_the_first_stop_and_focus_is_visible(
    site: Site, as_role: Any, shots: Shots
) -> None:
    page = as_role("reviewer")
    errors = watch_errors(page)
    page.goto(site.at(f"/reviews/{site.world.review}"))
    page.keyboard.press("Tab")
    first = focused(page)
    assert first is not None and first["cls"] == "skip" and first["href"] == "#main", first
    assert_visible_focus(first)  # off screen until focused, then shown
    shots.take(page, "skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # the next stop is inside the main content, past the menus
    after = focused(page) or {}
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.getElementById('main').contains(document.activeElement)")
    assert inside, (after, focused(page))
    assert_visible_focus(focused(page) or {})
    assert errors == [], errors


def test_logging_in_and_taking_an_action_with_the_keyboard_alone(
    site: Site, as_role: Any, shots: Shots
) -> None:
    page = as_role(None)
    errors = watch_errors(page)
    page.goto(site.at("/login"))
    email = tab_to(page, lambda f: f["id"] == "f-email")
    assert_visible_focus(email)
    page.keyboard.type(site.email("lead"))
    password = tab_to(page, lambda f: f["id"] == "f-password", most=1)
    assert_visible_focus(password)
    page.keyboard.type("ett-långt-lösenord")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/"
    shots.take(page, "home")

    # to the review by its link on the home page
    review = f"/reviews/{site.world.review}"
    tab_to(page, lambda f: f["href"] == review)
    page.keyboard.press("Enter")
    page.wait_for_url(site.at(review))
    page.locator(".state-visiting").first.wait_for()
    shots.take(page, "review")

    # the action's button, then Space
    button = tab_to(page, lambda f: f["tag"] == "BUTTON" and f["action"] == "finish_visit")
    assert_visible_focus(button)
    page.keyboard.press("Space")
    page.locator("dl.facts .state-drafting").wait_for()
    shots.take(page, "after-action")
    assert page.locator("[role=status]").count() == 1  # the flash says what was done
    with site.store.read() as s:
        assert reviews.get_review(s, site.world.review).state == "drafting"
    assert errors == [], errors
