"""Shared fixtures: a database on each backend, a fake clock, the CLI, a sample review.

Every test that takes ``store`` runs on SQLite and on PostgreSQL. PostgreSQL is reached at
``GRANSKNING_TEST_PG`` (default: the local server's socket, a database named after this
checkout so that parallel checkouts do not meet). Where no server answers, the PostgreSQL
runs are skipped, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

os.environ.setdefault("GRANSKNING_DEBUG", "1")  # unexpected exceptions fail tests loudly
os.environ.pop("GRANSKNING_DB", None)
os.environ.pop("GRANSKNING_LANG", None)
os.environ["GRANSKNING_CACHE_DIR"] = ""  # no parsed-template cache outside the tests' folders

ROOT = Path(__file__).resolve().parent.parent
_checkout = hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]
PG_URL = os.environ.get(
    "GRANSKNING_TEST_PG",
    f"postgresql+psycopg://root@/granskning_test_{_checkout}?host=/var/run/postgresql",
)


@dataclass
class FakeClock:
    """A clock tests move by hand: no test sleeps."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 0, minutes: float = 0) -> None:
        self.now += timedelta(seconds=seconds, minutes=minutes)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        choices=["sqlite", "postgresql"],
        help="run database tests only on these backends (default: both)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--backend") or ["sqlite", "postgresql"]
        metafunc.parametrize("backend", chosen, scope="session")


_pg_state: dict[str, Any] = {}


def _pg_ready() -> str | None:
    """Create the PostgreSQL test database once; None if it works, else why not."""
    if "error" in _pg_state:
        return _pg_state["error"]  # type: ignore[no-any-return]
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
            ).first()
            if exists:
                conn.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        _pg_state["error"] = None
    except Exception as exc:  # noqa: BLE001
        _pg_state["error"] = f"PostgreSQL not reachable at {PG_URL}: {str(exc).splitlines()[0]}"
    return _pg_state["error"]  # type: ignore[no-any-return]


def _truncate_pg(url: str) -> None:
    """Empty every table and restart every id sequence. TRUNCATE, not DELETE: DELETE is
    faster on a few rows, but the space it frees is reused, so rows read back without an
    ORDER BY would no longer come in the order they were written."""
    from sqlalchemy import create_engine, text

    from granskning.storage.store import metadata

    if "engine" not in _pg_state:
        _pg_state["engine"] = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata().sorted_tables)
    with _pg_state["engine"].begin() as conn:
        # the audit tables refuse TRUNCATE (migration 0003); only this cleanup, as a
        # superuser, switches triggers off, for its own transaction
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite file, copied for each test (migrating each time is slow)."""
    from granskning.storage.store import Store

    path = tmp_path_factory.mktemp("schema") / "empty.db"
    # closing the last connection checkpoints the WAL into the main file
    Store(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def db_url(backend: str, tmp_path: Path, _sqlite_template: Path) -> str:
    """A URL of an empty, migrated database on ``backend``."""
    if backend == "sqlite":
        target = tmp_path / "granskning.db"
        shutil.copyfile(_sqlite_template, target)
        return f"sqlite:///{target}"
    error = _pg_ready()
    if error:
        if os.environ.get("CI"):
            pytest.fail(error)
        pytest.skip(error)
    if not _pg_state.get("migrated"):
        from granskning.storage.store import Store

        Store(PG_URL).dispose()
        _pg_state["migrated"] = True
    _truncate_pg(PG_URL)
    return PG_URL


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(db_url: str, clock: FakeClock) -> Iterator[Any]:
    from granskning.storage.store import Store

    st = Store(db_url, clock=clock, actor="tester")
    yield st
    st.dispose()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Tests read English messages unless they switch to Swedish themselves."""
    from granskning.domain.i18n import set_language

    set_language("en")
    yield
    set_language("en")


class Cli:
    """Runs ``granskning ARGS`` in-process on the test's database and clock."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def __call__(self, *args: Any, input: str | None = None) -> Result:
        from granskning.cli import cli
        from granskning.cli._base import App

        return CliRunner().invoke(
            cli,
            [str(a) for a in args],
            obj=App(_store=self.store),
            input=input,
            catch_exceptions=False,
        )

    def ok(self, *args: Any, input: str | None = None) -> Result:
        """Run and assert exit 0."""
        result = self(*args, input=input)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        return result

    def json(self, *args: Any) -> Any:
        """Run with --json and parse stdout."""
        import json

        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def cli(store: Any) -> Cli:
    return Cli(store)


@dataclass
class Sample:
    """A small world: a host, two reviewing municipalities, a team and a review."""

    review: int
    host: int
    lead: int
    secretary: int
    reviewer: int
    host_person: int
    host_contact: int


@pytest.fixture
def sample(store: Any) -> Sample:
    from granskning.services import registry, reviews

    gavle = registry.add_municipality(store, "Gävle")
    registry.add_municipality(store, "Uppsala")
    registry.add_municipality(store, "Örebro")
    lead = registry.add_person(store, "Anna Berg", "Uppsala", title="Utvecklingsledare")
    secretary = registry.add_person(store, "Bo Ek", "Örebro", title="Sekreterare")
    reviewer = registry.add_person(store, "Eva Lind", "Örebro", title="Barnrättsstrateg")
    host_person = registry.add_person(store, "Cia Dahl", "Gävle", title="Kommunalråd")
    contact = registry.add_person(store, "Dan Holm", "Gävle", title="Barnrättssamordnare")
    review = reviews.create_review(
        store, host="Gävle", reviewing=["Uppsala", "Örebro"], template="kollegial-granskning-2013"
    )
    return Sample(
        review=review.id,
        host=gavle.id,
        lead=lead.id,
        secretary=secretary.id,  # type: ignore[arg-type]
        reviewer=reviewer.id,
        host_person=host_person.id,
        host_contact=contact.id,  # type: ignore[arg-type]
    )


def confirmed_interview(store: Any, sample: Sample, **extra: Any) -> int:
    """The sample review with its lead and secretary, one interview of the elected
    representatives on 10 March 09:00 (90 minutes, moderated by the lead, the secretary
    taking notes; ``extra`` for add_interview), and the schedule confirmed."""
    from granskning.services import interviews, reviews

    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    row = interviews.add_interview(
        store,
        sample.review,
        group="fortroendevalda",
        start="2026-03-10 09:00",
        minutes=90,
        moderator=sample.lead,
        note_taker=sample.secretary,
        **extra,
    )
    reviews.advance(store, sample.review, "confirm_schedule")
    assert row.id is not None
    return row.id


# -- extra databases (reliability tests: restore, import, migrations) -------------------------


@pytest.fixture
def empty_db(backend: str, tmp_path: Path) -> Iterator[Any]:
    """A factory of further databases on ``backend``, empty (no schema): ``empty_db("b")``."""
    made: list[str] = []

    def make(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        error = _pg_ready()
        if error:
            pytest.skip(error)
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(PG_URL)
        database = f"{url.database}_{name}"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        made.append(database)
        return url.set(database=database).render_as_string(hide_password=False)

    yield make
    if made:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(
            make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            for database in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def snapshot(store: Any) -> Any:
    """``snapshot()``: every row of every table, to prove a failed command changed nothing."""
    from granskning.storage.store import metadata

    def take() -> dict[str, list[tuple[Any, ...]]]:
        out = {}
        with store.engine.connect() as conn:
            for table in metadata().sorted_tables:
                rows = conn.execute(table.select()).all()
                out[table.name] = sorted((tuple(r) for r in rows), key=repr)
        return out

    return take
