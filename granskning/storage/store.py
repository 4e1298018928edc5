"""The database: engine and pragmas, schema migrations, ``atomic()`` and shared queries.

SQLite is the embedded default (one file, WAL, foreign keys on, a busy timeout, writes
take the lock up front with ``BEGIN IMMEDIATE``); any SQLAlchemy URL for PostgreSQL works
the same. The schema is created or upgraded on first use; a database written by a newer
granskning is refused, never altered (an SQLite file is first read read-only).

When others write at the same moment, a whole user action can be run again from scratch:
:meth:`Store.retry` (through the unit of work, :mod:`granskning.storage.uow`) retries on a locked database, a
serialization failure or deadlock, or a unique key lost to a concurrent insert; whatever
still fails becomes a plain :class:`BusyError` ("try again"), never a traceback.
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from sqlmodel import Session

from granskning.domain.errors import ConflictError, GranskningError, InputError, NotFoundError
from granskning.domain.i18n import _
from granskning.storage.checkpoint import Checkpointer

# The newest migration this program knows; tests check it against alembic's head.
SCHEMA_HEAD = "0012"
# Older revisions this program can upgrade from, oldest first.
SCHEMA_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
)

BUSY_TIMEOUT_MS = 30_000
# How often a whole transaction is tried when the database stays busy (see Store.run).
RETRY_ATTEMPTS = 8
# How often a transaction that lost a race on a unique key is tried again: the next attempt
# sees the winner's row and answers with the ordinary rule ("already exists").
RACE_ATTEMPTS = 3

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]
T = TypeVar("T")
P = ParamSpec("P")

# PostgreSQL SQLSTATEs that mean "run the transaction again": serialization failure,
# deadlock, lock not available.
_PG_BUSY = frozenset({"40001", "40P01", "55P03"})
_PG_UNIQUE = "23505"


class SchemaError(GranskningError):
    """The database cannot be used by this version of granskning."""

    exit_code = 2


class BusyError(ConflictError):
    """The database stayed locked by other writers; nothing was changed (exit 1)."""


@dataclass
class RetryStats:
    """What the retries of one Store did: for the concurrency figures."""

    transactions: int = 0
    retries: int = 0
    worst_wait_s: float = 0.0  # the longest a transaction spent waiting in retries


def transient_kind(exc: BaseException) -> str | None:
    """``"busy"`` for a locked database or a serialization failure, ``"race"`` for a
    unique key lost to a concurrent insert, None for anything else."""
    if isinstance(exc, BusyError):
        return "busy"
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.OperationalError):
        msg = str(orig).lower()
        if "database is locked" in msg or "database is busy" in msg or "table is locked" in msg:
            return "busy"
        return None
    code = getattr(orig, "sqlstate", None)
    if code in _PG_BUSY:
        return "busy"
    if code == _PG_UNIQUE:
        return "race"
    return None


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC: the form every table stores."""
    return datetime.now(UTC)


def default_db_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``GRANSKNING_DB`` is given."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("granskning", appauthor=False)) / "granskning.db"


def resolve_url(db: str | None, *, create: bool = True) -> str:
    """Turn ``--db``/``GRANSKNING_DB`` (a path or a URL) into an SQLAlchemy URL.

    :param db: a file path (SQLite), a ``sqlite://`` or ``postgresql+psycopg://`` URL, or None.
    :param create: make the default database's folder if it is missing.
    """
    value = db if db else os.environ.get("GRANSKNING_DB") or None
    if value is None:
        path = default_db_path()
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in value:
        path = Path(value).expanduser()
        try:
            path.stat()
        except FileNotFoundError:
            pass
        except OSError as exc:  # a name too long, a loop of links, a folder we may not enter
            raise InputError(
                _("--db {value}: cannot use that file ({error})").format(
                    value=value, error=exc.strerror
                )
            ) from None
        if path.is_dir():
            raise InputError(
                _("--db {value}: is a folder, not a database file").format(value=value)
            )
        if not path.parent.exists():
            raise InputError(
                _("--db {value}: the folder {folder} does not exist").format(
                    value=value, folder=path.parent
                )
            )
        return f"sqlite:///{path.resolve()}"
    try:
        url = make_url(value)
        url.port  # noqa: B018  (a port that is not a number is found here, not later)
    except (ArgumentError, ValueError, TypeError):
        raise InputError(_("--db {value}: not a valid database URL").format(value=value)) from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InputError(
            _(
                "--db {value}: unsupported database {backend} (use a file path or postgresql+psycopg://)"
            ).format(value=value, backend=backend)
        )
    if url.port is not None and not 0 < url.port < 65536:
        raise InputError(_("--db {value}: not a valid database URL").format(value=value))
    if backend == "postgresql" and url.get_driver_name() not in ("psycopg",):
        raise InputError(
            _("--db {value}: use the psycopg driver, postgresql+psycopg://...").format(value=value)
        )
    return value


def _sqlite_pragmas(
    dbapi_connection: Any, _record: Any, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start (BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable in WAL mode against process crashes; against power loss from the
    # next checkpoint, which the Store's Checkpointer runs moments after each commit.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


# The execution option that marks a session for reading only (Store.read).
_READ_ONLY = "granskning_read_only"


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at the start: a deferred transaction that upgrades to a writer
    # later can fail with "database is locked" without waiting for the busy timeout.
    # A read takes no lock (WAL: readers never wait for the writer nor for each other).
    read_only = conn.get_execution_options().get(_READ_ONLY)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Store:
    """A granskning database: ``Store(url)``, ``Store.memory()``; ``with store.atomic() as s:``.

    :param url: an SQLAlchemy URL (see :func:`resolve_url`).
    :param clock: returns the current time (aware, UTC); tests inject a fake one.
    :param actor: who acts, for the audit log (default: the OS user).
    :param migrate: create or upgrade the schema if needed.
    """

    def __init__(
        self,
        url: str,
        *,
        clock: Clock | None = None,
        actor: str | None = None,
        migrate: bool = True,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        sleep: Sleep | None = None,
    ) -> None:
        self.url = url
        self.clock: Clock = clock or utcnow
        from granskning.domain.text import check_actor

        self.actor = check_actor(actor or os.environ.get("GRANSKNING_USER") or _os_user())
        self.busy_timeout_ms = busy_timeout_ms
        # the pause between retries; tests inject one that does not wait
        self.sleep: Sleep = sleep or time.sleep
        self.stats = RetryStats()
        self.engine = self._make_engine(url, busy_timeout_ms)
        self._reader: tuple[Engine, Engine] | None = None  # the engine, and it for reading
        self.checkpointer: Checkpointer | None = None
        if self.sqlite_path is not None:
            from granskning.storage.output import protect

            protect(self.sqlite_path)  # no -o may overwrite it
            # the log reaches the disk beside the writers, not inside a commit
            self.checkpointer = Checkpointer(self.sqlite_path)
        if migrate:
            try:
                self.ensure_schema()
            except BaseException:
                self.engine.dispose()
                raise

    @classmethod
    def existing(cls, url: str, *, allow_older: bool = False, **kwargs: Any) -> Store:
        """Open a database that must already exist at this program's schema: for commands
        that only read, which never create or change a database (exit 2 otherwise).

        :param allow_older: also open an older schema as it is (``backup``, ``info``).
        :param kwargs: as for :class:`Store` (``migrate`` excepted).
        """
        path = _sqlite_url_path(url)
        if path is not None and not path.is_file():
            raise SchemaError(
                _("no database at {path}; `granskning init` creates one").format(path=path)
            )
        store = cls(url, migrate=False, **kwargs)
        try:
            store.require_schema(allow_older=allow_older)
        except BaseException:
            store.dispose()
            raise
        return store

    @classmethod
    def memory(cls, *, clock: Clock | None = None, actor: str | None = None) -> Store:
        """A fresh in-memory SQLite database (for tests and experiments)."""
        return cls("sqlite://", clock=clock, actor=actor)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file of an SQLite store (None in memory or on PostgreSQL)."""
        return _sqlite_url_path(self.url) if self.is_sqlite else None

    @staticmethod
    def _make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
        try:
            if url.startswith("sqlite"):
                kwargs: dict[str, Any] = {}
                if url in ("sqlite://", "sqlite:///:memory:"):
                    kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
                engine = create_engine(url, **kwargs)
                event.listen(
                    engine,
                    "connect",
                    functools.partial(_sqlite_pragmas, busy_timeout_ms=busy_timeout_ms),
                )
                event.listen(engine, "begin", _sqlite_begin)
            else:
                engine = create_engine(url, pool_pre_ping=False)
        except (ArgumentError, ImportError) as exc:
            raise InputError(
                _("cannot use database {url}: {error}").format(url=url, error=exc)
            ) from None
        return engine

    def now(self) -> datetime:
        """The injected clock's current time (aware, UTC)."""
        return self.clock()

    # -- schema ---------------------------------------------------------------------------

    def schema_revision(self) -> str | None:
        """The alembic revision the database is at, or None for an empty database."""
        try:
            with self.engine.connect() as conn:
                try:
                    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                except SQLAlchemyError:
                    conn.rollback()
                    if inspect(conn).get_table_names():
                        raise SchemaError(
                            _("{url}: this is not a granskning database").format(url=self.safe_url)
                        ) from None
                    return None
                if row is None:
                    raise _damaged(self.safe_url)
                return str(row[0])
        except DBAPIError as exc:  # cannot connect: refused, unknown database, bad options
            raise SchemaError(
                _("cannot open database {url}: {error}").format(
                    url=self.safe_url, error=_short_error(exc)
                )
            ) from None

    def ensure_schema(self) -> None:
        """Create or upgrade the schema; refuse a database newer than this program."""
        path = self.sqlite_path
        # An SQLite file is first looked at read-only: opening it through the engine would
        # already switch it to WAL, and a database we refuse must stay byte for byte as it was.
        current = _sqlite_file_revision(path, self.safe_url) if path else self.schema_revision()
        if current == SCHEMA_HEAD:
            return
        if current is not None and current not in SCHEMA_REVISIONS:
            raise SchemaError(
                _(
                    "{url}: the database has schema version {found}, newer than this "
                    "granskning knows ({head}); upgrade granskning"
                ).format(url=self.safe_url, found=current, head=SCHEMA_HEAD)
            )
        self.upgrade()

    def require_schema(self, *, allow_older: bool = False) -> None:
        """Raise a SchemaError unless the database is at this program's schema (or an older
        one, with ``allow_older``); changes nothing (reading commands neither create nor
        upgrade a schema)."""
        path = self.sqlite_path
        current = _sqlite_file_revision(path, self.safe_url) if path else self.schema_revision()
        if current == SCHEMA_HEAD:
            return
        if current is None:
            where = str(path) if path else self.safe_url
            raise SchemaError(
                _("no database at {path}; `granskning init` creates one").format(path=where)
            )
        if current in SCHEMA_REVISIONS:
            if allow_older:
                return
            raise SchemaError(
                _(
                    "{url}: the database has schema version {found}, older than this "
                    "granskning ({head}); `granskning init` upgrades it"
                ).format(url=self.safe_url, found=current, head=SCHEMA_HEAD)
            )
        raise SchemaError(
            _(
                "{url}: the database has schema version {found}, newer than this "
                "granskning knows ({head}); upgrade granskning"
            ).format(url=self.safe_url, found=current, head=SCHEMA_HEAD)
        )

    def upgrade(self, revision: str = "head") -> None:
        """Run the alembic migrations up to ``revision``."""
        from granskning.storage.migrations import run_upgrade

        run_upgrade(self.engine, revision)

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[Session]:
        """One transaction per user action: commit everything on success, nothing on error.

        A database that stays locked (or a PostgreSQL serialization failure) becomes a
        :class:`BusyError` with a plain message; :meth:`retry` tries the
        whole action again before it reaches anyone.
        """
        from sqlmodel import Session

        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
            if self.checkpointer is not None:
                self.checkpointer.poke()  # after the commit: the checkpoint copies it
        except BaseException as exc:
            session.rollback()
            if transient_kind(exc) == "busy" and not isinstance(exc, BusyError):
                raise BusyError(
                    _(
                        "the database is busy (others are writing to it); nothing was changed, "
                        "try again"
                    )
                ) from exc
            raise
        finally:
            session.close()

    def retry(self, fn: Callable[[], T]) -> T:
        """Call ``fn`` (one whole transaction) again while it fails for a transient reason:
        a locked database, a serialization failure or deadlock, a unique key lost to a
        concurrent insert. Waits grow exponentially with random jitter."""
        started = time.monotonic()
        attempt = 0
        self.stats.transactions += 1
        try:
            while True:
                attempt += 1
                try:
                    return fn()
                except (DBAPIError, BusyError) as exc:
                    kind = transient_kind(exc)
                    limit = RETRY_ATTEMPTS if kind == "busy" else RACE_ATTEMPTS
                    if kind is None or attempt >= limit:
                        raise
                    self.stats.retries += 1
                    # 10 ms, 20 ms, 40 ms ... at most 1 s, with jitter so racers spread out
                    pause = min(1.0, 0.01 * 2 ** (attempt - 1)) * (0.5 + random.random())
                    self.sleep(pause)
        finally:
            if attempt > 1:
                self.stats.worst_wait_s = max(self.stats.worst_wait_s, time.monotonic() - started)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (on SQLite it takes no lock)."""
        from sqlmodel import Session

        if self._reader is None or self._reader[0] is not self.engine:
            self._reader = (self.engine, self.engine.execution_options(**{_READ_ONLY: True}))
        session = Session(self._reader[1], expire_on_commit=False)
        try:
            yield session
        finally:
            # close, not rollback: rows read stay usable (detached) after the block
            session.close()

    @contextmanager
    def counting_statements(self) -> Iterator[list[int]]:
        """Count the SQL statements sent while the block runs: ``with st.counting_statements() as n:``
        (``n[0]`` afterwards). For tests and benchmarks that keep queries from growing with data."""
        counter = [0]

        def on_execute(*_args: Any) -> None:
            counter[0] += 1

        event.listen(self.engine, "before_cursor_execute", on_execute)
        try:
            yield counter
        finally:
            event.remove(self.engine, "before_cursor_execute", on_execute)

    def dispose(self) -> None:
        """Close every pooled connection (and stop the checkpoint thread)."""
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.engine.dispose()


def _sqlite_file_revision(path: Path, safe_url: str) -> str | None:
    """The schema revision of an SQLite file, read without changing a byte of it."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise SchemaError(
            _("cannot open database {url}: {error}").format(url=safe_url, error=exc)
        ) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            if tables:
                raise SchemaError(
                    _("{url}: this is not a granskning database").format(url=safe_url)
                )
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None:
            raise _damaged(safe_url)
        return str(row[0])
    except sqlite3.DatabaseError as exc:
        raise SchemaError(
            _("cannot open database {url}: {error}").format(url=safe_url, error=exc)
        ) from None
    finally:
        conn.close()


def _damaged(url: str) -> SchemaError:
    return SchemaError(
        _(
            "{url}: the database is damaged: its schema version (the table alembic_version) "
            "is empty"
        ).format(url=url)
    )


def _sqlite_url_path(url: str) -> Path | None:
    """The file of an SQLite URL (None in memory, or for another database)."""
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def get_or_404(session: Session, model: type[T], ident: int, what: str) -> T:
    """The row of ``model`` with id ``ident``, or a NotFoundError naming ``what``."""
    row = session.get(model, ident)
    if row is None:
        raise NotFoundError(_("{what} {id} does not exist").format(what=what, id=ident))
    return row


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _short_error(exc: BaseException) -> str:
    msg = str(getattr(exc, "orig", exc)).strip().splitlines()
    return msg[0] if msg else type(exc).__name__


def metadata() -> Any:
    """The SQLModel metadata with every table registered."""
    from sqlmodel import SQLModel

    import granskning.storage.model  # noqa: F401  (registers the tables)

    return SQLModel.metadata


# The review listing reads plain SQL through the engine: it runs for thousands of reviews
# and needs neither the ORM nor the table classes (``review list`` starts faster without).
_LIST_REVIEWS = """
SELECT r.id, r.state, r.template_id, r.template_version, r.round_id, m.name
FROM review r JOIN municipality m ON m.id = r.host_id
{where}
ORDER BY r.id DESC
"""
_LIST_REVIEWING = """
SELECT rm.review_id, m.name
FROM reviewing_municipality rm JOIN municipality m ON m.id = rm.municipality_id
"""


def list_reviews(store: Store, state: str | None = None) -> list[dict[str, Any]]:
    """Every review (optionally only those in ``state``), newest first, as plain dicts."""
    from granskning.domain.enums import review_state

    if state is not None:
        review_state(state)  # an unknown state is bad input, not an empty list
    where = "WHERE r.state = :state" if state is not None else ""
    with store.engine.connect() as conn:
        rows = conn.execute(text(_LIST_REVIEWS.format(where=where)), {"state": state}).all()
        names = conn.execute(text(_LIST_REVIEWING)).all()
    reviewing: dict[int, list[str]] = {}
    for rid, name in names:
        reviewing.setdefault(rid, []).append(name)
    for members in reviewing.values():
        members.sort()
    return [
        {
            "id": rid,
            "host": host,
            "reviewing": reviewing.get(rid, []),
            "state": state_,
            "template": template_id,
            "template_version": template_version,
            "round": round_id,
        }
        for rid, state_, template_id, template_version, round_id, host in rows
    ]
