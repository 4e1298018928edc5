"""The browser tests' world: the web application served by a real uvicorn on a free port,
over a temporary SQLite file holding a populated review and an account for every role,
driven by Playwright through Debian's Chromium.

Fixtures: ``site`` (the running server, its store, world and accounts); pytest-playwright's
``page``/``new_context`` with the launch and context arguments below; ``shots`` (screenshots
of a test, kept in ``test-artifacts/browser/`` only when it fails). Helpers: :func:`login`, :func:`submit_form`,
:func:`axe_violations`.

These tests need the pytest-playwright plugin (do not pass ``-p no:playwright``) and
``/usr/bin/chromium`` (``apt-get install chromium``); without either they are skipped,
saying why. Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from granskning.storage.store import Store
from granskning.web.app import create_app
from tests._world import World, populated
from tests.web.conftest import PASSWORD, _accounts, _cheap_hashes  # noqa: F401 (a fixture)

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE.parent.parent / "test-artifacts" / "browser"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = ("coordinator", "lead", "secretary", "reviewer", "timekeeper", "host_contact", "stranger")
_PAGES_KEY = pytest.StashKey[list[Any]]()
_SHOTS_KEY = pytest.StashKey["Shots"]()


# -- collection: markers and skips ---------------------------------------------------------------


def _why_not() -> str | None:
    """Why the browser tests cannot run here, or None. (Under CI, where .ci/run installs
    Chromium, a missing browser is not skipped: the tests fail, saying so.)"""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.hookimpl(trylast=True)  # after pytest groups the tests by their backend
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is ``slow`` and ``browser``, skipped when it cannot run,
    and run after all the others: Playwright's synchronous API keeps an event loop running
    in the main thread until the session ends, where a later ``asyncio.run()`` would fail."""
    reason = _why_not()
    if reason is None and not config.pluginmanager.hasplugin("playwright"):
        reason = "the pytest-playwright plugin is switched off (-p no:playwright)"
    ours = [item for item in items if HERE in Path(str(item.path)).parents]
    for item in ours:
        item.add_marker(pytest.mark.slow)
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
    others = [item for item in items if HERE not in Path(str(item.path)).parents]
    items[:] = others + ours


# -- the browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, headless, with nothing that calls home."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: each test's server has its own port. (This also replaces the
    pytest-base-url plugin's fixture, which newer pytest versions warn about.)"""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Swedish browser in Stockholm, as the users' are."""
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


# -- the live server ---------------------------------------------------------------------------------


@dataclass
class Site:
    """The running web application: its address, database, world and accounts."""

    url: str
    store: Store
    world: World
    people: dict[str, int] = field(default_factory=dict)  # role -> person id

    def email(self, role: str) -> str:
        return f"{role.replace('_', '-')}@example.se"

    def at(self, path: str) -> str:
        return self.url + path


class LiveServer:
    """uvicorn serving an app in a background thread, on a socket bound to a free port."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", ws="none"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        # waiting for the server to listen (not timing the code under test)
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def site_of(tmp_path: Path, _sqlite_template: Path, clock: Any) -> Iterator[Any]:
    """``site_of(until)``: the server over a fresh SQLite file with the world's review in
    state ``until`` (``visiting``, ``handed_over`` or ``follow_up_scheduled``)."""
    opened: list[tuple[LiveServer, Store]] = []

    def make(until: str = "visiting") -> Site:
        target = tmp_path / f"site-{len(opened)}.db"
        shutil.copyfile(_sqlite_template, target)
        store = Store(f"sqlite:///{target}", clock=clock, actor="tester")
        world = populated(store, until=until)
        people = _accounts(store, world)
        server = LiveServer(create_app(store)).__enter__()
        opened.append((server, store))
        return Site(url=server.url, store=store, world=world, people=people)

    yield make
    for server, store in opened:
        server.__exit__()
        store.dispose()


@pytest.fixture
def site(site_of: Any) -> Site:
    """The server with the review being visited (the lead may finish the visit)."""
    made: Site = site_of("visiting")
    return made


# -- pages, logins and forms -------------------------------------------------------------------------


def track(request: pytest.FixtureRequest, page: Any) -> Any:
    """Remember ``page`` so that a failing test's screenshot shows it."""
    request.node.stash.setdefault(_PAGES_KEY, []).append(page)
    return page


@pytest.fixture
def as_role(new_context: Any, site: Site, request: pytest.FixtureRequest) -> Any:
    """``as_role(role)``: a new page in its own browser context, logged in as ``role``
    (None: not logged in); extra keyword arguments go to the context."""

    def open_page(role: str | None, **context: Any) -> Any:
        page = track(request, new_context(**context).new_page())
        if role is not None:
            login(page, site, role)
        return page

    return open_page


def login(page: Any, site: Site, role: str, password: str = PASSWORD) -> None:
    """Log in through the login form as ``role``; waits for the page after it."""
    page.goto(site.at("/login"))
    page.fill("#f-email", site.email(role))
    page.fill("#f-password", password)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    assert "/login" not in page.url, f"the login as {role} failed"


def submit_form(page: Any, form: str, fields: dict[str, str] | None = None) -> None:
    """Fill the form matched by the CSS selector ``form`` (fields by name) and submit it with
    its submit button; waits until the answer has been shown, whether htmx swapped it into
    the page or the browser loaded it as a new page."""
    found = page.locator(form)
    for name, value in (fields or {}).items():
        field_ = found.locator(f"[name='{name}']")
        if field_.evaluate("e => e.tagName") == "SELECT":
            field_.select_option(value)
        else:
            field_.fill(value)
    # the page's main element now; the answer's is another one (a new page has none marked)
    page.evaluate("() => { window.__shown = document.getElementById('main'); }")
    found.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_function(
        "() => document.getElementById('main') && document.getElementById('main') !== window.__shown"
    )
    page.wait_for_load_state()


_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(_RUN_AXE, AXE_TAGS)
    return found


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations one a line: id, impact, help, and the elements' selectors."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:8])
        for v in violations
    )


# -- screenshots, kept when a test fails ---------------------------------------------------------------


class Shots:
    """A test's screenshots, in a folder of its own under pytest's temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken = 0

    def take(self, page: Any, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.taken += 1
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "page"
        path = self.folder / f"{self.taken:02d}-{slug}.png"
        # caret="initial": hiding the caret would inject a style, which the CSP refuses
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path


def _folder_for(item: pytest.Item) -> Path:
    """``test-artifacts/browser/TEST`` in the checkout (git-ignored)."""
    return ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name).strip("-")


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Generator[Shots, None, None]:
    """Screenshots of this test's pages; the folder is deleted when the test passes."""
    taken = Shots(_folder_for(request.node))
    shutil.rmtree(taken.folder, ignore_errors=True)  # an earlier run's
    request.node.stash[_SHOTS_KEY] = taken
    yield taken
    report = getattr(request.node, "_call_report", None)
    if report is not None and report.passed:
        shutil.rmtree(taken.folder, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """When a browser test fails, a screenshot of each of its open pages, and where."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    item._call_report = report  # type: ignore[attr-defined]
    pages = item.stash.get(_PAGES_KEY, [])
    if "page" in getattr(item, "funcargs", {}):
        pages = [item.funcargs["page"], *pages]  # type: ignore[attr-defined]
    if not report.failed or not pages:
        return
    shots_ = item.stash.get(_SHOTS_KEY, None) or Shots(_folder_for(item))
    for page in pages:
        try:
            shots_.take(page, "at-failure")
        except Exception as exc:  # noqa: BLE001 (a closed page: say so, keep the failure)
            report.sections.append(("browser artefacts", f"no screenshot: {exc}"))
    report.sections.append(("browser artefacts", f"screenshots in {shots_.folder}"))
