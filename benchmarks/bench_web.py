"""Benchmarks of the web application: pages served by a real server, asked for over HTTP.

    python -m benchmarks web        (or: python benchmarks/bench_web.py)

``granskning serve`` runs as its own process on a free port over a SQLite file, and an
httpx client with a logged-in session asks for each page in turn (keep-alive, one request
at a time); p50 and p95 of the response times are compared with a bare Starlette "hello"
route served by uvicorn the same way in the same run (requests interleaved, so that a busy
moment of a shared machine hits both):

* the review page ``/reviews/{id}`` of a review with 30 interviews and 1,200 notes, as its
  lead: p95 target < 50 ms;
* the home page ``/`` over 10,000 reviews, as a coordinator (every review: the first page)
  and as the large review's lead, on 6 teams: p95 target < 100 ms.
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from benchmarks._util import show

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_reports import make_review  # noqa: E402

REQUESTS = 200
WARM_UP = 20
REVIEWS = 10_000
MUNICIPALITIES = 290
PEOPLE = 1_000
LEAD_ON = 5  # teams the lead account's person is on, besides the large review's
PASSWORD = "bänkens-lösenord-2026"
STATES = ["planned", "scheduled", "visiting", "drafting", "handed_over", "closed"]
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _hello(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


# the baseline: what any page served this way costs at the least
hello = Starlette(routes=[Route("/", _hello)])


# -- the data -------------------------------------------------------------------------------------


def _world(db: Path) -> dict[str, Any]:
    """The large review, 10,000 more reviews as rows, and accounts for a coordinator and the
    large review's lead (who is also on a few other teams)."""
    from sqlalchemy import select

    from granskning.services import accounts, registry
    from granskning.storage.model import Assignment, Review
    from granskning.storage.store import Store

    store = Store(f"sqlite:///{db}", actor="bench")
    big = make_review(store, interviews=30, notes_per_interview=40)
    with store.read() as s:
        lead = s.exec(
            select(Assignment.person_id).where(
                Assignment.review_id == big, Assignment.role == "lead"
            )
        ).one()[0]
        template = s.get(Review, big)
        assert template is not None
        pinned = {
            k: getattr(template, k)
            for k in ("template_id", "template_version", "template_sha256", "template_content")
        }
    for i in range(MUNICIPALITIES):
        registry.add_municipality(store, f"Kommun {i:03d}")
    with store.engine.begin() as conn:
        _bulk_reviews(conn, lead, pinned)
    coordinator = registry.add_person(store, "Kim Samordnare", "Gävle").id
    assert coordinator is not None
    accounts.add_user(store, "lead@example.se", lead, PASSWORD)
    accounts.add_user(store, "coordinator@example.se", coordinator, PASSWORD, coordinator=True)
    store.dispose()
    return {"review": big}


def _bulk_reviews(conn: Any, lead: int, pinned: dict[str, Any]) -> None:
    """People, rounds and REVIEWS reviews with three reviewing municipalities and a team of
    four each, as rows; ``lead`` is put on LEAD_ON of their teams, no more."""
    from sqlalchemy import insert, select

    from granskning.storage.model import Assignment, Municipality, Person, Review, Round, new_uid

    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    t = lambda m: m.__table__  # noqa: E731
    rnd = random.Random(13)
    kommun = select(t(Municipality).c.id).where(t(Municipality).c.name.like("Kommun %"))
    towns = [r for (r,) in conn.execute(kommun)]
    conn.execute(
        insert(t(Person)),
        [
            {"uid": new_uid(), "name": f"Person {i}", "municipality_id": rnd.choice(towns),
             "created_at": now}
            for i in range(PEOPLE)
        ],
    )  # fmt: skip
    people = [r for (r,) in conn.execute(select(t(Person).c.id).where(t(Person).c.id != lead))]
    conn.execute(
        insert(t(Round)),
        [
            {"year": 1990 + k, "theme": f"Tema {k}", "template_name": "bench", "language": "sv",
             "created_at": now}
            for k in range(REVIEWS // MUNICIPALITIES + 1)
        ],
    )  # fmt: skip
    round_ids = [r for (r,) in conn.execute(select(t(Round).c.id))]
    last = conn.execute(select(t(Review).c.id).order_by(t(Review).c.id.desc())).first()
    ids = range(last[0] + 1, last[0] + 1 + REVIEWS)
    conn.execute(
        insert(t(Review)),
        [
            {"uid": new_uid(), "host_id": towns[i % MUNICIPALITIES],
             "round_id": round_ids[i // MUNICIPALITIES], "state": rnd.choice(STATES),
             "language": "sv", "created_at": now, "updated_at": now, **pinned}
            for i in range(REVIEWS)
        ],
    )  # fmt: skip
    conn.execute(
        insert(t(Review).metadata.tables["reviewing_municipality"]),
        [
            {"review_id": rid, "municipality_id": towns[(rid + k) % MUNICIPALITIES]}
            for rid in ids
            for k in (7, 61, 150)
        ],
    )
    team = [
        {"review_id": rid, "person_id": rnd.choice(people), "role": role, "created_at": now}
        for rid in ids
        for role in ("lead", "secretary", "reviewer", "host_contact")
    ]
    team += [
        {"review_id": rid, "person_id": lead, "role": "reviewer", "created_at": now}
        for rid in rnd.sample(list(ids), LEAD_ON)
    ]
    conn.execute(insert(t(Assignment)), team)


# -- serving and asking ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def _serving(command: list[str]) -> Iterator[str]:
    """A server process started with ``command`` + a port; its address once it answers."""
    import httpx

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRANSKNING_LANG": "sv"}
    log = tempfile.TemporaryFile()  # what the server says (a file: a pipe could fill up)
    proc = subprocess.Popen(
        [*command, str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/login" if "granskning" in command else url, timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    said = log.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"the server did not start: {command}\n{said}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _logged_in(url: str, email: str) -> Any:
    """An httpx client with a session of ``email``."""
    import httpx

    client = httpx.Client(base_url=url, timeout=30)
    found = _TOKEN.search(client.get("/login").text)
    assert found, "no CSRF token on the login page"
    answer = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": found.group(1)}
    )
    assert answer.status_code == 303, answer.text[:300]
    return client


def _timed(client: Any, path: str) -> float:
    start = time.perf_counter()
    answer = client.get(path)
    elapsed = time.perf_counter() - start
    assert answer.status_code == 200, (path, answer.status_code)
    return elapsed


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def _compare(
    name: str, ours: tuple[Any, str], base: tuple[Any, str], target_ms: float
) -> list[dict[str, Any]]:
    """p50 and p95 of ``ours`` (client, path) against the baseline, asked alternately."""
    for _ in range(WARM_UP):
        _timed(*ours)
        _timed(*base)
    mine, bare = [], []
    for _ in range(REQUESTS):
        mine.append(_timed(*ours))
        bare.append(_timed(*base))
    rows = []
    for label, p, target in (("p50", 0.50, None), ("p95", 0.95, target_ms)):
        value, baseline = _percentile(mine, p), _percentile(bare, p)
        row: dict[str, Any] = {
            "name": f"{name}, {label} of {REQUESTS}",
            "value": round(value, 2),
            "unit": "ms",
            "baseline": round(baseline, 2),
            "baseline_name": f'bare Starlette "hello" route, {label}',
            "ratio": round(value / baseline, 2),
            "target": target,
            "target_kind": "value",
        }
        row["ok"] = None if target is None else value < target
        rows.append(row)
    return rows


def run() -> list[dict[str, Any]]:
    """Every figure of this topic."""
    with tempfile.TemporaryDirectory(prefix="granskning-bench-") as tmp:
        db = Path(tmp) / "web.db"
        world = _world(db)
        ours = [sys.executable, "-m", "granskning", "--db", str(db), "serve", "--port"]
        bare = [sys.executable, "-m", "uvicorn", "benchmarks.bench_web:hello"]
        bare += ["--log-level", "warning", "--no-access-log", "--port"]
        with _serving(ours) as site, _serving(bare) as baseline:
            lead = _logged_in(site, "lead@example.se")
            coordinator = _logged_in(site, "coordinator@example.se")
            import httpx

            hello_client = httpx.Client(base_url=baseline, timeout=30)
            rows = _compare(
                "review page, 30 interviews and 1,200 notes, as its lead",
                (lead, f"/reviews/{world['review']}"), (hello_client, "/"), 50,
            )  # fmt: skip
            rows += _compare(
                f"home page over {REVIEWS:,} reviews, as a coordinator (first page)",
                (coordinator, "/"), (hello_client, "/"), 100,
            )  # fmt: skip
            rows += _compare(
                f"home page over {REVIEWS:,} reviews, as a member of {LEAD_ON + 1} teams",
                (lead, "/"), (hello_client, "/"), 100,
            )  # fmt: skip
            for client in (lead, coordinator, hello_client):
                client.close()
        return rows


if __name__ == "__main__":
    show(run())
