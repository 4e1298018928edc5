"""Facts about the installation and the database, for ``granskning info``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from granskning import __version__
from granskning.domain.i18n import get_language
from granskning.storage.model import Interview, Municipality, Note, Person, Review, Round
from granskning.storage.store import Store


def database_info(store: Store) -> dict[str, Any]:
    """Version, database, schema revision and row counts."""
    counts = {}
    with store.engine.connect() as conn:
        for name, model in (
            ("municipalities", Municipality),
            ("people", Person),
            ("rounds", Round),
            ("reviews", Review),
            ("interviews", Interview),
            ("notes", Note),
        ):
            counts[name] = conn.execute(select(func.count()).select_from(model)).scalar_one()
    return {
        "version": __version__,
        "database": store.safe_url,
        "backend": store.engine.dialect.name,
        "schema": store.schema_revision(),
        "language": get_language(),
        "counts": counts,
    }
