"""Notes survive a killed server: ``granskning serve`` is killed with SIGKILL ten times
while a client POSTs notes to a live session, each with a UUID it made. The client keeps
every note whose POST was not answered and sends it again, with the same UUID, once the
server is back on the same database: every answered note is stored, every note the client
held is stored after the restart, and each exactly once."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import httpx
import pytest
from sqlmodel import select

from granskning.services import accounts, interviews, registry, reviews, sessions
from granskning.storage.model import Note
from granskning.storage.store import Store
from tests.web.conftest import PASSWORD, csrf_of
from tests.web.test_serve import _free_port, _wait_until_listening

pytestmark = pytest.mark.slow  # eleven server processes

KILLS = 10
NEW_PER_ROUND = 6  # notes the client writes between two kills
EMAIL = "bo.ek@example.se"
ROOT = Path(__file__).resolve().parents[2]


def _world(url: str) -> int:
    """A review with one started session, and an account for its note-taker; the
    interview's id."""
    store = Store(url, actor="tester")
    for name in ("Gävle", "Uppsala", "Örebro"):
        registry.add_municipality(store, name)
    lead = registry.add_person(store, "Anna Berg", "Uppsala")
    secretary = registry.add_person(store, "Bo Ek", "Örebro")
    assert lead.id is not None and secretary.id is not None
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    )
    assert review.id is not None
    reviews.assign(store, review.id, lead.id, "lead")
    reviews.assign(store, review.id, secretary.id, "secretary")
    iv = interviews.add_interview(
        store,
        review.id,
        group="fortroendevalda",
        start=datetime.now(UTC) + timedelta(days=1),
        minutes=90,
        moderator=lead.id,
        note_taker=secretary.id,
    )
    assert iv.id is not None
    reviews.advance(store, review.id, "confirm_schedule")
    sessions.start(store, iv.id)
    accounts.add_user(store, EMAIL, secretary.id, PASSWORD)
    store.dispose()
    return iv.id


def _stored(url: str, interview_id: int) -> Counter[str]:
    """How many times each uid is stored among the interview's notes."""
    store = Store(url)
    with store.read() as s:
        uids = s.exec(select(Note.uid).where(Note.interview_id == interview_id)).all()
    store.dispose()
    return Counter(uids)


class _Server:
    """``granskning serve`` on one database, started again after each kill, on a new port
    (its own process group: with two workers, the kill reaches them all)."""

    def __init__(self, url: str, workers: int, log: IO[bytes]) -> None:
        self.url, self.workers, self.log = url, workers, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        port = _free_port()
        command = [sys.executable, "-m", "granskning", "--db", self.url, "serve"]
        command += ["--port", str(port), "--workers", str(self.workers)]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "GRANSKNING_LANG": "en"}
        self.proc = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        _wait_until_listening(port, self.proc)
        return f"http://127.0.0.1:{port}"

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=30)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)


@dataclass
class _NoteTaker:
    """The client: a logged-in session, and every note it wrote that no answer confirmed."""

    interview: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    held: dict[str, str] = field(default_factory=dict)  # uid -> text
    answered: dict[str, int] = field(default_factory=dict)  # uid -> status of its answer
    written: list[str] = field(default_factory=list)

    def write(self, count: int) -> None:
        for _ in range(count):
            uid = uuid.uuid4().hex
            self.held[uid] = f"Anteckning {len(self.written) + 1}"
            self.written.append(uid)

    def log_in(self, base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            token = csrf_of(client.get("/login").text)
            form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
            assert client.post("/login", data=form).status_code == 303
            self.csrf = csrf_of(client.get("/").text)
            self.cookies = dict(client.cookies.items())

    async def _post(self, client: httpx.AsyncClient, uid: str) -> tuple[str, int | None]:
        form = {"question": "styr-1", "text": self.held[uid], "uuid": uid}
        try:
            answer = await client.post(f"/interviews/{self.interview}/notes", data=form)
        except httpx.TransportError:  # the server died before it answered: keep the note
            return uid, None
        return uid, answer.status_code

    def _took(self, uid: str, status: int | None) -> int:
        """Note an answer (1) or its absence (0)."""
        if status is None:
            return 0
        assert status in (200, 201), status
        self.answered[uid] = status
        del self.held[uid]
        return 1

    async def send(self, base: str, kill: Callable[[], None] | None, after: int) -> None:
        """POST every held note at once; with ``kill``, kill the server once ``after`` of
        them are answered, while the others are on their way."""
        headers = {"accept": "application/json", "x-csrf-token": self.csrf}
        async with httpx.AsyncClient(
            base_url=base, cookies=self.cookies, headers=headers, timeout=60
        ) as client:
            pending = {asyncio.create_task(self._post(client, uid)) for uid in list(self.held)}
            answers = 0
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                answers += sum(self._took(*task.result()) for task in done)
                if kill is not None and answers >= after:
                    kill()
                    kill = None


@pytest.fixture
def served_db(empty_db: Callable[[str], str], tmp_path: Path) -> Iterator[tuple[str, int]]:
    url = empty_db("kill")
    yield url, _world(url)


def test_every_note_survives_ten_kills_of_the_server_exactly_once(
    served_db: tuple[str, int], backend: str, tmp_path: Path
) -> None:
    url, iv = served_db
    rnd = random.Random(20260302)
    taker = _NoteTaker(iv)
    with open(tmp_path / "server.log", "wb") as log:
        server = _Server(url, 2 if backend == "postgresql" else 1, log)
        base = server.start()
        taker.log_in(base)  # the session is stored: it outlives the processes
        for kill in range(KILLS):
            if kill:
                base = server.start()  # on the same database
            stored = _stored(url, iv)
            assert set(taker.answered) <= set(stored)  # nothing answered was lost
            taker.write(NEW_PER_ROUND)
            asyncio.run(taker.send(base, server.kill, rnd.randint(1, NEW_PER_ROUND - 1)))
            assert server.proc is not None and server.proc.returncode == -signal.SIGKILL
        base = server.start()
        asyncio.run(taker.send(base, None, 0))  # what the client still held
        server.signal(signal.SIGTERM)
    assert taker.held == {}
    stored = _stored(url, iv)
    assert stored == Counter(taker.written), "each note stored exactly once"
    assert len(taker.written) == KILLS * NEW_PER_ROUND
    store = Store(url)
    with store.read() as s:
        texts = [n.text for n in s.exec(select(Note).where(Note.interview_id == iv))]
    store.dispose()
    assert sorted(texts) == sorted(f"Anteckning {n}" for n in range(1, KILLS * NEW_PER_ROUND + 1))
