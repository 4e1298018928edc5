"""Alembic migrations, run programmatically from :mod:`granskning.storage.store`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection, Engine

# alembic is imported inside the functions: it takes about a second to import, and only a
# database that is new or older than the program needs it

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine | None = None, connection: Connection | None = None) -> object:
    """An alembic Config pointing at this folder (and at ``engine`` or ``connection``)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if engine is not None:
        cfg.attributes["engine"] = engine
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def run_upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)  # type: ignore[arg-type]


def run_upgrade_on(connection: Connection, revision: str = "head") -> None:
    """Upgrade the database inside the transaction already open on ``connection``."""
    from alembic import command

    command.upgrade(alembic_config(connection=connection), revision)  # type: ignore[arg-type]


def script_head() -> str | None:
    """The newest revision among the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()  # type: ignore[arg-type]
