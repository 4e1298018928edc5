"""The full-screen session: keys drive the engine; killing it loses nothing.

The engine has its own tests (test_sessions.py). Here the screen is driven twice: in
process through Textual's pilot with a fake clock, and for real in tmux (send-keys,
capture-pane), killing the pane and starting again.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from granskning.services import interviews, registry, reviews, sessions
from granskning.storage.store import Store


def _setup(store: Store) -> int:
    """A confirmed review with one 90-minute interview of elected representatives."""
    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, name)
    lead = registry.add_person(store, "Anna Berg", "Uppsala")
    secretary = registry.add_person(store, "Bo Ek", "Örebro")
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    )
    rid: int = review.id  # type: ignore[assignment]
    reviews.assign(store, rid, lead.id, "lead")  # type: ignore[arg-type]
    reviews.assign(store, rid, secretary.id, "secretary")  # type: ignore[arg-type]
    row = interviews.add_interview(
        store,
        rid,
        group="fortroendevalda",
        start="2026-03-10 09:00",
        minutes=90,
        place="Stadshuset",
        moderator=lead.id,
        note_taker=secretary.id,
    )
    reviews.advance(store, rid, "confirm_schedule")
    return row.id  # type: ignore[return-value]


def _text(app: Any, selector: str) -> str:
    from textual.widgets import Static

    return str(app.query_one(selector, Static).content)


def test_countdown_format() -> None:
    from granskning.tui.session_screen import countdown

    assert countdown(90 * 60) == "90:00"
    assert countdown(59) == "00:59"
    assert countdown(-61) == "-01:01"


@pytest.mark.slow
def test_keys_drive_the_engine(store: Store, clock: Any) -> None:
    from granskning.tui.session_screen import SessionApp

    iv = _setup(store)

    async def scenario() -> None:
        app = SessionApp(store, iv, tick=3600)  # redraws come from the keys, not a timer
        async with app.run_test(size=(110, 36)) as pilot:
            assert "press space to start" in _text(app, "#head")
            await pilot.press("space")
            assert sessions.status(store, iv)["state"] == "running"
            assert "[styr-1]" in _text(app, "#question")
            assert "Kan du ge ett exempel" in _text(app, "#prompts")

            budget = sessions.status(store, iv)["block_budget_s"]
            clock.advance(seconds=budget - 120)  # two minutes left of the block: amber
            app.refresh_status()
            assert app.query_one("#block-clock").has_class("near")
            assert not app.query_one("#session-clock").has_class("near")
            clock.advance(minutes=3)  # past the block's budget: red
            app.refresh_status()
            assert app.query_one("#block-clock").has_class("over")

            await pilot.press("n")
            assert sessions.status(store, iv)["question"] == "styr-2"
            await pilot.press("a")
            await pilot.press(*"Rad ett", "enter", *"Rad tva")
            await pilot.press("ctrl+s")
            await pilot.pause()
            notes = sessions.list_notes(store, iv)
            assert [(n["question"], n["text"]) for n in notes] == [("styr-2", "Rad ett\nRad tva")]
            assert "Rad tva" in _text(app, "#notes-body")

            await pilot.press("a", *"bort", "escape")  # escape keeps nothing
            await pilot.pause()
            assert len(sessions.list_notes(store, iv)) == 1

            await pilot.press("3")  # not a rating question
            assert "not" in _text(app, "#message")
            await pilot.press("b")
            await pilot.press("3")  # third block: Framtid
            await pilot.pause()
            assert sessions.status(store, iv)["question"] == "framtid-1"
            await pilot.press("left")  # back to the last question of Inflytande: a rating
            assert sessions.status(store, iv)["question"] == "infl-6"
            assert "1-4" in _text(app, "#prompts")
            await pilot.press("3")
            await pilot.pause()
            assert sessions.list_notes(store, iv, "infl-6")[0]["rating"] == 3

            await pilot.press("space")
            assert sessions.status(store, iv)["state"] == "paused"
            assert "PAUSED" in _text(app, "#head")
            await pilot.press("space")
            await pilot.press("e", "n")  # asked, and declined
            await pilot.pause()
            assert sessions.status(store, iv)["state"] == "running"
            await pilot.press("e", "y")
            await pilot.pause()
            assert sessions.status(store, iv)["state"] == "completed"
            await pilot.press("a")  # no more notes
            assert "closed" in _text(app, "#message")
            await pilot.press("q")

    asyncio.run(scenario())


@pytest.mark.slow
def test_refused_keys_show_a_message(store: Store) -> None:
    from granskning.tui.session_screen import SessionApp

    iv = _setup(store)

    async def scenario() -> None:
        app = SessionApp(store, iv, tick=3600)
        async with app.run_test(size=(110, 36)) as pilot:
            await pilot.press("n")  # before the start
            assert "needs a running session" in _text(app, "#message")
            assert app.query_one("#message").has_class("error")
            await pilot.press("space", "p")
            assert "first question" in _text(app, "#message")
            await pilot.press("q")

    asyncio.run(scenario())


# -- for real, in tmux -------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket) running one command in a pane."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def __call__(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-u", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=True,
        )
        return out.stdout

    def start(self, command: list[str]) -> int:
        self("new-session", "-d", "-s", "run", "-x", "110", "-y", "36", *command)
        return int(self("display-message", "-p", "-t", "run", "#{pane_pid}").strip())

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "run")

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        # waiting on a real process: poll its screen until the text shows
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            try:
                screen = self.screen()
            except subprocess.CalledProcessError:
                screen = ""
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts} not on screen after {timeout}s:\n{screen}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self("send-keys", "-t", "run", *(["-l"] if literal else []), *keys)

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env
        )


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "GRANSKNING_DEBUG"))}
    env.update(
        {
            "TERM": "xterm-256color",
            "LC_ALL": "C.UTF-8",  # the notes are typed with å, ä, ö
            "GRANSKNING_LANG": "en",
            "TMUX_TMPDIR": str(tmp_path),
        }
    )
    server = Tmux(f"granskning-test-{os.getpid()}", env)
    try:
        yield server
    finally:
        server.kill()


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_session_run_survives_a_killed_terminal(tmux: Tmux, tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    store = Store(f"sqlite:///{db}", actor="tester")  # the real clock, like the process
    iv = _setup(store)
    command = [sys.executable, "-m", "granskning", "--db", str(db), "session", "run", str(iv)]

    pid = tmux.start(command)
    tmux.wait_for("press space to start", "[styr-1]")
    tmux.keys("Space")
    tmux.wait_for("· running")
    tmux.keys("n")
    tmux.wait_for("[styr-2]")
    tmux.keys("a")
    tmux.wait_for("ctrl+s saves the note")
    tmux.keys("Första anteckningen", literal=True)
    tmux.keys("C-s")
    tmux.wait_for("note 1 saved")
    tmux.keys("a")
    tmux.wait_for("ctrl+s saves the note")
    tmux.keys("Andra: rad ett", literal=True)
    tmux.keys("Enter")
    tmux.keys("rad två", literal=True)
    tmux.keys("C-s")
    tmux.wait_for("note 2 saved", "Notes on this question (2)")

    tmux("kill-pane", "-t", "run")  # the terminal goes away mid-session
    assert _gone(pid), "the session process outlived its terminal"

    notes = sessions.list_notes(store, iv)
    assert [(n["question"], n["text"]) for n in notes] == [
        ("styr-2", "Första anteckningen"),
        ("styr-2", "Andra: rad ett\nrad två"),
    ]
    status = sessions.status(store, iv)
    assert (status["state"], status["question"]) == ("running", "styr-2")

    pid = tmux.start(command)
    screen = tmux.wait_for(
        "· running",
        "[styr-2]",
        "Notes on this question (2)",
        "Första anteckningen",
        "Andra: rad ett",
        "rad två",
    )
    shown = re.search(r"Session: (\d+):(\d\d) of 90:00", screen)
    assert shown is not None, screen
    shown_s = int(shown[1]) * 60 + int(shown[2])
    truth = sessions.status(store, iv)["elapsed_s"]
    assert abs(truth - shown_s) <= 3, (truth, shown_s)  # the clock carried on, from the events
    tmux.keys("q")
    assert _gone(pid)
    store.dispose()
