"""``granskning serve`` for real: a server process answering over HTTP, one process on
SQLite, two workers on PostgreSQL (sessions live in the database, so either worker knows
a login)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from granskning.services import accounts, registry
from granskning.storage.store import Store
from tests.web.conftest import PASSWORD, csrf_of


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    """Wait for the server process to accept connections (it starts in a second or two)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server ended: {proc.stdout.read() if proc.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start within a minute")


@contextmanager
def serving(url: str, workers: int) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``granskning --db URL serve --workers N`` on a free port, listening: its port and
    process; stopped (SIGTERM) at the end."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "granskning", "--db", url, "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_listening(port, proc)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def served(empty_db: Callable[[str], str], backend: str) -> Iterator[str]:
    """A server over a fresh database holding one account; yields its base URL."""
    url = empty_db("serve")
    store = Store(url)
    registry.add_municipality(store, "Gävle")
    person = registry.add_person(store, "Dan Holm", "Gävle")
    assert person.id is not None
    accounts.add_user(store, "dan@gavle.example", person.id, PASSWORD, coordinator=True)
    store.dispose()
    with serving(url, workers=2 if backend == "postgresql" else 1) as (port, _proc):
        yield f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_the_server_logs_in_and_every_request_knows_the_session(served: str) -> None:
    with httpx.Client(base_url=served) as client:
        token = csrf_of(client.get("/login").text)
        r = client.post(
            "/login",
            data={"email": "dan@gavle.example", "password": PASSWORD, "csrf_token": token},
        )
        assert r.status_code == 303
        # many requests: with two workers both of them answer some, and both know the login
        for _ in range(20):
            page = client.get("/")
            assert page.status_code == 200
            assert re.search(r"<h1>[^<]+</h1>", page.text)
            assert "Dan Holm" in page.text
        assert client.get("/reviews/1").status_code == 404


def test_several_workers_on_sqlite_are_refused_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from granskning.cli import cli

    db = tmp_path / "one.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "serve", "--workers", "2"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--workers 2" in lines[0] and "PostgreSQL" in lines[0]
    assert result.stdout == ""
