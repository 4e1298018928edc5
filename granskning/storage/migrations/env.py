"""Alembic environment: runs on the engine that granskning.storage.store hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from granskning.storage.store import metadata

config = context.config
target_metadata = metadata()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:  # inside the caller's transaction (restore)
        _run_on(given)
        return
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line: take the URL from alembic.ini
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as connection:
        _run_on(connection)


def _run_on(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Two programs opening a fresh database at once: one migrates, the other waits
        # and then finds the schema done (SQLite gets the same from BEGIN IMMEDIATE).
        connection.execute(text("SELECT pg_advisory_xact_lock(74657)"))
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("granskning migrations run online only")
run_migrations_online()
