"""The live session in real browsers: three people on one interview, each with a browser of
their own (the note-taker, the timekeeper and the interview's moderator). The timekeeper's
clock and the note-taker's notes reach the others' pages through server-sent events; notes
written offline wait in the browser's storage, survive a reload and are stored exactly once
when the connection returns; a note written with the CLI in another process appears on
every page; the same against ``granskning serve`` with two workers on PostgreSQL. Also:
the rating buttons, the session run by keyboard alone, a note request that hangs, a
browser without ``crypto.randomUUID``, and no axe violation in any state of the session.

Run by hand with ``GRANSKNING_SCREENSHOT=1`` to save the README's picture of a running
session (``docs/images/live-session.png``)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, Route, expect
from sqlmodel import col, select

from granskning.services import interviews, sessions
from granskning.storage.model import Note
from granskning.storage.store import Store
from tests._world import World, populated
from tests.browser.conftest import Shots, Site, axe_violations, describe, login, track
from tests.conftest import FakeClock
from tests.web.conftest import _accounts
from tests.web.test_serve import serving

# the note-taker, the timekeeper and the interview's moderator (a reviewer: the moderator
# runs the clock by being the interview's, not by a role)
ROOM = ("secretary", "timekeeper", "reviewer")
WAIT_MS = 15_000  # generous: the server may be another process, the CPUs shared
NOTE = "Barnbokslutet tas fram varje år."
TERMINAL = "Antecknat i terminalen under tiden."
OFFLINE = ("Skrivet utan nät, först.", "Skrivet utan nät, sedan.")
WAITING = "väntar på anslutning"
NOTES = re.compile(r"/interviews/\d+/notes$")  # where the page posts its notes
pytestmark = [pytest.mark.slow, pytest.mark.browser]
# counts the page's event streams opened (a reconnect opens another); keeps the last one
# and the events it brought, so that a test can send one of them to the page again
COUNT_STREAMS = """(() => {
  const Real = window.EventSource;
  if (!Real) { return; }
  window.__streamsOpened = 0;
  window.__events = [];
  window.EventSource = function (url, options) {
    const stream = new Real(url, options);
    stream.addEventListener("open", () => { window.__streamsOpened += 1; });
    for (const type of ["state", "change"]) {
      stream.addEventListener(type, (e) => {
        window.__events.push({ type: type, data: e.data, id: e.lastEventId });
      });
    }
    window.__stream = stream;
    return stream;
  };
  window.EventSource.prototype = Real.prototype;
})();"""
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "live-session.png"


def _new_interview(store: Store, world: World, people: dict[str, int]) -> int:
    """An interview of the visiting review, not started, moderated by the reviewer."""
    row = interviews.add_interview(
        store,
        world.review,
        group="fortroendevalda",
        start="2026-03-20 09:00",
        minutes=90,
        moderator=people["reviewer"],
        note_taker=world.secretary,
    )
    assert row.id is not None
    return row.id


@dataclass
class Room:
    """The site and the interview; ``open(role)`` gives a page on its session, logged in."""

    site: Site
    interview: int
    open: Callable[..., Page]


def _opener(site: Site, interview: int, new_context: Any, request: Any) -> Callable[..., Page]:
    def open_page(role: str, context: Any = None, **options: Any) -> Page:
        """A page on the session as ``role``: in a new context, or another in ``context``."""
        fresh = context is None
        if fresh:
            context = new_context(**options)
            context.add_init_script(COUNT_STREAMS)
        page: Page = track(request, context.new_page())
        if fresh:
            login(page, site, role)
        page.set_default_timeout(WAIT_MS)
        page.goto(site.at(f"/interviews/{interview}/session"))
        _followed(page)
        return page

    return open_page


def _followed(page: Page) -> None:
    """Wait until the page's event stream is open (the script says so on the page)."""
    expect(page.locator("#connection")).to_have_class(re.compile(r"\bonline\b"))


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """Assertions wait up to WAIT_MS here (Playwright's default is 5 s)."""
    expect.set_options(timeout=WAIT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def room(site: Site, new_context: Any, request: pytest.FixtureRequest) -> Room:
    """The in-process server (SQLite, the FakeClock) with a new interview."""
    interview = _new_interview(site.store, site.world, site.people)
    return Room(site, interview, _opener(site, interview, new_context, request))


# -- what a test does and sees ---------------------------------------------------------------------


def _press(page: Page, action: str) -> None:
    page.locator(f"form[action$='/session/{action}'] button").click()


def _state(page: Page, state: str) -> None:
    expect(page.locator("#session-state")).to_have_class(re.compile(rf"\bstate-{state}\b"))


def _at_question(page: Page, number: int) -> None:
    expect(page.locator("#where")).to_contain_text(
        re.compile(rf"(question|fråga) {number} (of|av) ")
    )


def _write(page: Page, text: str) -> None:
    """Type a note and save it with Ctrl+Enter (the box is emptied at once)."""
    box = page.locator("#f-text")
    box.fill(text)
    box.press("Control+Enter")
    expect(box).to_have_value("")


def _stored(store: Store, interview: int) -> list[tuple[str, str | None]]:
    """The interview's notes in the order stored: text and UUID."""
    with store.read() as s:
        rows = s.exec(
            select(Note.text, Note.uid).where(Note.interview_id == interview).order_by(col(Note.id))
        ).all()
    return [(text, uid) for text, uid in rows]


def _clock_and_a_note(pages: dict[str, list[Page]], store: Store, interview: int) -> None:
    """The timekeeper starts and moves on, the note-taker writes: every page follows."""
    everyone = [p for role in ROOM for p in pages[role]]
    keeper, writer = pages["timekeeper"][0], pages["secretary"][0]
    for page in everyone:
        _state(page, "scheduled")
    _press(keeper, "start")
    for page in everyone:
        _state(page, "running")
        _at_question(page, 1)
    _press(keeper, "next")
    for page in everyone:
        _at_question(page, 2)
    _write(writer, NOTE)
    for page in everyone:
        expect(page.locator("#notes")).to_contain_text(NOTE)
    assert [text for text, _ in _stored(store, interview)] == [NOTE]
    # the moderator runs the clock too: back to the first question, everywhere
    _press(pages["reviewer"][0], "previous")
    for page in everyone:
        _at_question(page, 1)
        expect(page.locator("#notes")).not_to_contain_text(NOTE)
    _press(pages["reviewer"][0], "next")
    for page in everyone:
        _at_question(page, 2)
        expect(page.locator("#notes")).to_contain_text(NOTE)


def _waiting(pending: Locator, texts: tuple[str, ...]) -> None:
    """The page's waiting notes are ``texts``, in order, each marked as waiting."""
    expect(pending).to_have_count(len(texts))
    for item, text in zip(pending.all(), texts, strict=True):
        expect(item).to_contain_text(text)
        expect(item).to_contain_text(WAITING)


def _answer_lost_once() -> Callable[[Route], None]:
    """A route handler: the first request reaches the server but its answer is dropped;
    every later one fails before it leaves the browser."""
    sent: list[str] = []

    def handle(route: Route) -> None:
        if not sent:
            sent.append(route.request.url)
            route.fetch()
        route.abort("connectionreset")

    return handle


def _offline_notes(writer: Page, others: list[Page], store: Store, interview: int) -> None:
    """Two notes written offline wait in the browser, survive a reload, and are stored once
    each, in order, when the connection returns (the first one sent twice)."""
    context = writer.context
    context.set_offline(True)
    for text in OFFLINE:
        _write(writer, text)
    pending = writer.locator("#pending li")
    _waiting(pending, OFFLINE)
    assert [text for text, _ in _stored(store, interview)] == [NOTE]  # nothing sent yet
    # Chromium cannot load a page without the network (there is no service worker: a
    # reload offline ends on its error page, another origin without the storage). So the
    # network returns first, but not yet for the notes: the first one sent reaches the
    # server and its answer is lost on the way back (the page must send it again), the
    # rest fail. The page is reloaded meanwhile: it shows both from the browser's storage.
    context.route(NOTES, _answer_lost_once())
    with context.expect_event("requestfailed", lambda r: bool(NOTES.search(r.url))):
        context.set_offline(False)
    writer.reload()
    _followed(writer)
    _waiting(pending, OFFLINE)
    assert [text for text, _ in _stored(store, interview)] == [NOTE, OFFLINE[0]]
    # the connection returns: both sent (the page tries every few seconds), once, in order
    context.unroute(NOTES)
    expect(pending).to_have_count(0)
    for page in [writer, *others]:
        for text in OFFLINE:
            expect(page.locator("#notes")).to_contain_text(text)
    stored = _stored(store, interview)
    assert [text for text, _ in stored] == [NOTE, *OFFLINE]
    uids = [uid for _, uid in stored]
    assert all(uids) and len(set(uids)) == len(uids)
    assert writer.evaluate(f"() => localStorage.getItem('granskning-notes-{interview}')") == "[]"


def _cli(store: Store, *args: str) -> None:
    """Run ``granskning --db URL ARGS`` in a process of its own (real time); it must succeed."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "granskning", "--db", store.url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _a_note_from_the_terminal(store: Store, interview: int, pages: list[Page]) -> None:
    """``granskning note add`` in a process of its own (as the full-screen session and the
    CLI write): every open page shows the note, and it is stored once."""
    _cli(store, "note", "add", str(interview), "--question", "styr-2", "--text", TERMINAL)
    for page in pages:
        expect(page.locator("#notes")).to_contain_text(TERMINAL)
    assert [text for text, _ in _stored(store, interview)][-1:] == [TERMINAL]


def test_three_devices_follow_the_clock_and_notes_kept_offline_are_stored_once(
    room: Room,
) -> None:
    pages = {role: [room.open(role)] for role in ROOM}
    _clock_and_a_note(pages, room.site.store, room.interview)
    others = pages["timekeeper"] + pages["reviewer"]
    _offline_notes(pages["secretary"][0], others, room.site.store, room.interview)
    _a_note_from_the_terminal(room.site.store, room.interview, [*pages["secretary"], *others])


def test_a_rating_from_the_buttons_reaches_every_page(room: Room) -> None:
    """The timekeeper goes to the rating question (the block's first, then on): its 1-4
    buttons appear on the note-taker's page, whose rating the timekeeper's page shows. A
    block chosen in the list is not reset by an update that arrives before it is sent."""
    keeper, writer = room.open("timekeeper"), room.open("secretary")
    _press(keeper, "start")
    ratings = writer.locator("#rating-form")
    expect(ratings).to_be_hidden()
    # the block chosen, the focus on its button: a note arriving meanwhile keeps the choice
    keeper.select_option("#f-block", "inflytande")
    go = keeper.locator("form[action$='/session/jump'] button")
    go.focus()
    _write(writer, NOTE)
    expect(keeper.locator("#notes")).to_contain_text(NOTE)
    expect(keeper.locator("#f-block")).to_have_value("inflytande")
    keeper.keyboard.press("Enter")
    for number in range(6, 10):  # the elected's questions of the block are 6-10
        _at_question(writer, number)
        _press(keeper, "next")
    _at_question(writer, 10)  # infl-6, the rating question
    expect(ratings).to_be_visible()
    expect(ratings.locator("button")).to_have_count(4)
    ratings.locator("button[value='3']").click()
    for page in (writer, keeper):
        expect(page.locator("#notes")).to_contain_text("skattning 3")
    with room.site.store.read() as s:
        notes = s.exec(select(Note).where(Note.interview_id == room.interview)).all()
    assert [(n.question_id, n.text, n.rating) for n in notes] == [
        ("styr-1", NOTE, None),
        ("infl-6", "", 3),
    ]


def _tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focus is on ``selector`` (as someone without a mouse does)."""
    for _ in range(60):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_session_is_run_and_noted_by_keyboard_alone(room: Room) -> None:
    """Tab and Enter start, pause and resume the clock (a button that goes away hands the
    focus to the one now there), move on, and a note is typed and saved with Ctrl+Enter."""
    keeper = room.open("timekeeper")
    _tab_to(keeper, "button[data-action=start]")
    keeper.keyboard.press("Enter")
    _state(keeper, "running")
    expect(keeper.locator("button[data-action=pause]")).to_be_focused()
    keeper.keyboard.press("Enter")
    _state(keeper, "paused")
    expect(keeper.locator("button[data-action=resume]")).to_be_focused()
    keeper.keyboard.press("Enter")
    _state(keeper, "running")
    _tab_to(keeper, "button[data-action=next]")
    keeper.keyboard.press("Enter")
    _at_question(keeper, 2)
    _tab_to(keeper, "#f-text")
    keeper.keyboard.type(NOTE)
    keeper.keyboard.press("Control+Enter")
    expect(keeper.locator("#notes")).to_contain_text(NOTE)
    expect(keeper.locator("#f-text")).to_be_focused()  # ready for the next note
    stored = _stored(room.site.store, room.interview)
    assert [text for text, _ in stored] == [NOTE]
    assert sessions.status(room.site.store, room.interview)["question"] == "styr-2"


# the page's live update of a step of the clock, delivered again (late, as a slow network may)
REPLAY = """(what) => {
  const old = window.__events.find((e) => JSON.parse(e.data).what === what);
  window.__stream.dispatchEvent(new MessageEvent("change", { data: old.data, lastEventId: old.id }));
  return old.id;
}"""


def _came(page: Page, what: str) -> None:
    """Wait until the page's live update of the step ``what`` (start, pause...) has come."""
    page.wait_for_function(
        "(what) => window.__events.some((e) => JSON.parse(e.data).what === what)", arg=what
    )


def test_a_late_live_update_never_undoes_the_button_just_pressed(room: Room) -> None:
    """A live update read before a button's answer may arrive after it: the page knows it
    is older (its place among the changes) and keeps the newer state, and the focus stays
    on the button now there."""
    keeper = room.open("timekeeper")
    _tab_to(keeper, "button[data-action=start]")
    keeper.keyboard.press("Enter")
    _state(keeper, "running")
    _came(keeper, "start")
    keeper.keyboard.press("Enter")  # the focus went to the pause button
    _state(keeper, "paused")
    resume = keeper.locator("button[data-action=resume]")
    expect(resume).to_be_focused()
    _came(keeper, "pause")
    started_at = keeper.evaluate(REPLAY, "start")  # the running state, arriving late
    assert keeper.evaluate("() => document.getElementById('session-state').className") == (
        "state state-paused"
    )
    expect(resume).to_be_visible()
    expect(resume).to_be_focused()
    assert started_at and started_at != keeper.evaluate(
        "() => document.getElementById('live-session').dataset.cursor"
    )
    keeper.keyboard.press("Enter")  # the page still follows: resumed, the pause focused
    _state(keeper, "running")
    expect(keeper.locator("button[data-action=pause]")).to_be_focused()


def test_the_session_is_run_by_the_single_keys_of_session_run(room: Room) -> None:
    """Space starts, pauses and resumes the clock, N and P move, B goes to the block list,
    A to the note box, 1-4 rate, E ends after asking: never while typing in a field. The
    keys are listed on the page and can be turned off."""
    keeper, writer = room.open("timekeeper"), room.open("secretary")
    expect(keeper.locator("#shortcuts")).to_be_visible()
    expect(keeper.locator("#shortcuts dl")).to_contain_text("Space")
    for state in ("running", "paused", "running"):
        keeper.keyboard.press("Space")
        _state(writer, state)
    keeper.keyboard.press("n")
    _at_question(writer, 2)
    keeper.keyboard.press("p")
    _at_question(writer, 1)
    writer.keyboard.press("a")
    box = writer.locator("#f-text")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # the key moved the focus, it was not typed
    writer.keyboard.type("En anteckning, inte ett kommando: n p e")  # typed, not obeyed
    writer.keyboard.press("Control+Enter")
    expect(keeper.locator("#notes")).to_contain_text("inte ett kommando")
    _at_question(keeper, 1)
    keeper.keyboard.press("b")
    expect(keeper.locator("#f-block")).to_be_focused()
    keeper.keyboard.press("ArrowDown")  # the list's next block, Inflytande
    keeper.keyboard.press("Tab")
    keeper.keyboard.press("Enter")
    for number in range(6, 10):
        _at_question(writer, number)
        keeper.keyboard.press("n")
    _at_question(writer, 10)  # the rating question
    writer.keyboard.press("Tab")  # out of the note box
    writer.keyboard.press("3")
    expect(keeper.locator("#notes")).to_contain_text("skattning 3")
    # turned off (WCAG 2.1.4): the keys are the browser's again
    writer.locator("#shortcuts summary").click()
    writer.locator("#shortcuts-on").uncheck()
    writer.evaluate("() => document.activeElement.blur()")
    writer.keyboard.press("a")
    expect(box).not_to_be_focused()
    keeper.once("dialog", lambda dialog: dialog.dismiss())
    keeper.keyboard.press("e")  # asked, and not ended
    # Space presses the button the focus is on (Go to the block), as always: off it first
    keeper.locator("h1").click()
    keeper.keyboard.press("Space")
    _state(writer, "paused")
    keeper.once("dialog", lambda dialog: dialog.accept())
    keeper.keyboard.press("e")
    _state(writer, "completed")
    assert [(n.question_id, n.rating) for n in _notes(room)] == [("styr-1", None), ("infl-6", 3)]


def _notes(room: Room) -> list[Note]:
    with room.site.store.read() as s:
        return list(s.exec(select(Note).where(Note.interview_id == room.interview)).all())


def test_a_note_is_saved_over_plain_http_where_the_browser_has_no_random_uuid(
    room: Room,
) -> None:
    """Served over HTTP on the local network (not HTTPS, not localhost) a browser has no
    ``crypto.randomUUID``: the page makes the note's UUID another way, and saves it."""
    sessions.start(room.site.store, room.interview)
    writer = room.open("secretary")
    writer.context.add_init_script("delete Crypto.prototype.randomUUID;")
    writer.reload()
    _followed(writer)
    assert writer.evaluate("() => typeof crypto.randomUUID") == "undefined"
    _write(writer, NOTE)
    expect(writer.locator("#notes")).to_contain_text(NOTE)
    [(text, uid)] = _stored(room.site.store, room.interview)
    assert (
        text == NOTE
        and uid is not None
        and re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", uid)
    )


def test_a_note_whose_request_hangs_is_shown_waiting_and_sent_again(room: Room) -> None:
    """A guest network that drops may leave a request hanging, neither answered nor failed:
    the note is in view as waiting, and the page gives the request up and sends it again."""
    sessions.start(room.site.store, room.interview)
    writer = room.open("secretary")
    hanging: list[Route] = []

    def hang_the_first(route: Route) -> None:
        if hanging:
            route.continue_()
        else:
            hanging.append(route)  # never answered

    writer.context.route(NOTES, hang_the_first)
    _write(writer, NOTE)
    expect(writer.locator("#pending li")).to_contain_text(WAITING)
    expect(writer.locator("#pending li")).to_contain_text(NOTE)
    assert len(hanging) == 1 and _stored(room.site.store, room.interview) == []
    expect(writer.locator("#notes")).to_contain_text(NOTE, timeout=30_000)
    expect(writer.locator("#pending li")).to_have_count(0)
    assert [text for text, _ in _stored(room.site.store, room.interview)] == [NOTE]


# -- the same against granskning serve: two workers on PostgreSQL ----------------------------------


@dataclass
class Served:
    """``granskning serve`` running: the site, the interview, the process and its port."""

    site: Site
    interview: int
    pid: int
    port: int

    def workers_holding_connections(self) -> dict[int, int]:
        """The server's worker processes by id, each with how many established connections
        to the port it holds (read from /proc: Linux)."""
        inodes = _established_inodes(self.port)
        held: dict[int, int] = {}
        for worker in _children(self.pid):
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{worker}/fd").iterdir()]
            except OSError:  # it ended, or is not ours to read
                continue
            count = sum(1 for link in links if link in inodes)
            if count:
                held[worker] = count
        return held


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _established_inodes(port: int) -> set[str]:
    """``socket:[INODE]`` of every established TCP connection whose local port is ``port``."""
    out: set[str] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "01" and int(local.split(":")[1], 16) == port:
            out.add(f"socket:[{inode}]")
    return out


@pytest.fixture
def served(empty_db: Callable[[str], str], backend: str, clock: FakeClock) -> Iterator[Served]:
    """``granskning serve --workers 2`` on a PostgreSQL database holding the review world, a
    new interview and the accounts (made through the services); the server keeps real time."""
    if backend != "postgresql":
        pytest.skip("several workers need PostgreSQL")
    url = empty_db("live")
    store = Store(url, clock=clock, actor="tester")
    world = populated(store, until="visiting")
    people = _accounts(store, world)
    interview = _new_interview(store, world, people)
    try:
        with serving(url, workers=2) as (port, proc):
            site = Site(f"http://127.0.0.1:{port}", store, world, people)
            yield Served(site, interview, proc.pid, port)
    finally:
        store.dispose()


def test_two_workers_on_postgresql_every_page_follows(
    served: Served, new_context: Any, request: pytest.FixtureRequest
) -> None:
    """Several pages a person: uvicorn hands each connection to either worker (it cannot be
    pinned), so pages are opened until both workers hold some of them; then every page
    must follow, those on the other worker through PostgreSQL's LISTEN/NOTIFY. At the end
    one worker is killed (SIGKILL): its pages reconnect and catch up."""
    site, interview = served.site, served.interview
    open_page = _opener(site, interview, new_context, request)
    pages: dict[str, list[Page]] = {}
    for role in ROOM:
        first = open_page(role)
        pages[role] = [first, open_page(role, first.context)]
    for more in range(4):  # more pages while one worker holds every stream
        if len(served.workers_holding_connections()) >= 2:
            break
        role = ROOM[more % len(ROOM)]
        pages[role].append(open_page(role, pages[role][0].context))
    held = served.workers_holding_connections()
    assert len(held) == 2, f"the connections per worker: {held}"
    _clock_and_a_note(pages, site.store, interview)
    others = pages["timekeeper"] + pages["reviewer"] + pages["secretary"][1:]
    _offline_notes(pages["secretary"][0], others, site.store, interview)
    everyone = [pages["secretary"][0], *others]
    _a_note_from_the_terminal(site.store, interview, everyone)
    # a worker dies: its pages lose their stream, reconnect (to the worker left, or the one
    # started in its place) and catch up with the move made meanwhile
    victim = max(held, key=lambda worker: held[worker])
    before = _streams_opened(everyone)
    os.kill(victim, signal.SIGKILL)
    _cli(site.store, "session", "goto", str(interview), "--next")
    for page in everyone:
        _at_question(page, 3)
    after = _streams_opened(everyone)
    # the pages of the worker killed opened their stream again, the others' kept theirs
    # (counted from the kill: going offline earlier made some pages reconnect already)
    grew = [a > b for a, b in zip(after, before, strict=True)]
    assert any(grew) and not all(grew), f"streams opened a page: {before} -> {after}"


def _streams_opened(pages: list[Page]) -> list[int]:
    return [int(page.evaluate("() => window.__streamsOpened")) for page in pages]


# -- accessibility in every state -------------------------------------------------------------------


def _no_violations(page: Page, shots: Shots, state: str) -> None:
    shots.take(page, state)
    violations = axe_violations(page)
    assert not violations, f"the session page, {state}:\n{describe(violations)}"


def _save_screenshot(page: Page) -> None:
    """The README's picture of a running session (only when asked: GRANSKNING_SCREENSHOT)."""
    if not os.environ.get("GRANSKNING_SCREENSHOT"):
        return
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.screenshot(path=str(SCREENSHOT), full_page=True, caret="initial")


def test_no_axe_violations_in_any_state_of_the_session(
    room: Room, clock: FakeClock, shots: Shots
) -> None:
    keeper = room.open("timekeeper", bypass_csp=True)  # axe is injected
    keeper.locator("#shortcuts summary").click()  # the keyboard shortcuts in view too
    _no_violations(keeper, shots, "not-started")
    _press(keeper, "start")
    _state(keeper, "running")
    writer = room.open("secretary")
    _write(writer, NOTE)
    expect(keeper.locator("#notes")).to_contain_text(NOTE)
    clock.advance(minutes=28)  # the first block's 30 minutes nearly used: amber, with words
    keeper.reload()
    _followed(keeper)
    expect(keeper.locator("[data-clock=session]")).to_have_class(re.compile(r"level-ok"))
    expect(keeper.locator("[data-clock=block]")).to_have_class(re.compile(r"level-near"))
    _no_violations(keeper, shots, "running")
    _save_screenshot(keeper)
    clock.advance(minutes=70)  # past the session's 90 minutes
    keeper.reload()
    _followed(keeper)
    for name in ("session", "block"):
        expect(keeper.locator(f"[data-clock={name}]")).to_have_class(re.compile(r"level-over"))
    expect(keeper.locator("#warnings li").first).to_be_visible()
    _no_violations(keeper, shots, "overrun")
    _press(keeper, "pause")
    _state(keeper, "paused")
    _no_violations(keeper, shots, "paused")
    _press(keeper, "end")
    _state(keeper, "completed")
    _no_violations(keeper, shots, "completed")
