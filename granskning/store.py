"""The database: engine and pragmas, schema migrations, ``atomic()`` and shared queries.

SQLite is the embedded default (one file, WAL, foreign keys on, a busy timeout, writes
take the lock up front with ``BEGIN IMMEDIATE``); any SQLAlchemy URL for PostgreSQL works
the same. The schema is created or upgraded on first use; a database written by a newer
granskning is refused, never altered.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel

from granskning.errors import GranskningError, InputError, NotFoundError
from granskning.i18n import _

# The newest migration this program knows; tests check it against alembic's head.
SCHEMA_HEAD = "0001"
# Older revisions this program can upgrade from, oldest first.
SCHEMA_REVISIONS = ("0001",)

BUSY_TIMEOUT_MS = 30_000

Clock = Callable[[], datetime]
T = TypeVar("T")


class SchemaError(GranskningError):
    """The database cannot be used by this version of granskning."""

    exit_code = 2


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC: the form every table stores."""
    return datetime.now(UTC)


def default_db_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``GRANSKNING_DB`` is given."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("granskning", appauthor=False)) / "granskning.db"


def resolve_url(db: str | None) -> str:
    """Turn ``--db``/``GRANSKNING_DB`` (a path or a URL) into an SQLAlchemy URL.

    :param db: a file path (SQLite), a ``sqlite://`` or ``postgresql+psycopg://`` URL, or None.
    """
    value = db if db else os.environ.get("GRANSKNING_DB") or None
    if value is None:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in value:
        path = Path(value).expanduser()
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
    except ArgumentError:
        raise InputError(_("--db {value}: not a valid database URL").format(value=value)) from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InputError(
            _(
                "--db {value}: unsupported database {backend} (use a file path or postgresql+psycopg://)"
            ).format(value=value, backend=backend)
        )
    if backend == "postgresql" and url.get_driver_name() not in ("psycopg",):
        raise InputError(
            _("--db {value}: use the psycopg driver, postgresql+psycopg://...").format(value=value)
        )
    return value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event decide how transactions start (BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable in WAL mode against process crashes; FULL also against power loss.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at the start: a deferred transaction that upgrades to a writer
    # later can fail with "database is locked" without waiting for the busy timeout.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


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
    ) -> None:
        self.url = url
        self.clock: Clock = clock or utcnow
        self.actor = actor or os.environ.get("GRANSKNING_USER") or _os_user()
        self.engine = self._make_engine(url)
        if migrate:
            self.ensure_schema()

    @classmethod
    def memory(cls, *, clock: Clock | None = None, actor: str | None = None) -> Store:
        """A fresh in-memory SQLite database (for tests and experiments)."""
        return cls("sqlite://", clock=clock, actor=actor)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @staticmethod
    def _make_engine(url: str) -> Engine:
        try:
            if url.startswith("sqlite"):
                kwargs: dict[str, Any] = {}
                if url in ("sqlite://", "sqlite:///:memory:"):
                    kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
                engine = create_engine(url, **kwargs)
                event.listen(engine, "connect", _sqlite_pragmas)
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
                return None if row is None else str(row[0])
        except OperationalError as exc:
            raise SchemaError(
                _("cannot open database {url}: {error}").format(
                    url=self.safe_url, error=_short_error(exc)
                )
            ) from None

    def ensure_schema(self) -> None:
        """Create or upgrade the schema; refuse a database newer than this program."""
        current = self.schema_revision()
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

    def upgrade(self, revision: str = "head") -> None:
        """Run the alembic migrations up to ``revision``."""
        from granskning.migrations import run_upgrade

        run_upgrade(self.engine, revision)

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    # -- sessions ---------------------------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[Session]:
        """One transaction per user action: commit everything on success, nothing on error."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
        finally:
            # close, not rollback: rows read stay usable (detached) after the block
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


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
    import granskning.model  # noqa: F401  (registers the tables)

    return SQLModel.metadata
