"""Start-up and listing: ``granskning --help`` and ``review list --json`` over 10,000 reviews."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks._util import PYTHON, row, time_process

REVIEWS = 10_000


def make_database(path: Path, n: int = REVIEWS) -> None:
    """A database with ``n`` reviews spread over 290 municipalities (bulk-inserted)."""
    from sqlalchemy import insert

    from granskning.domain import templates
    from granskning.storage.model import Municipality, Review, ReviewingMunicipality
    from granskning.storage.store import Store

    store = Store(f"sqlite:///{path}")
    src = templates.find("kollegial-granskning-2013")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    states = ["planned", "scheduled", "visiting", "drafting", "handed_over", "closed"]
    with store.atomic() as s:
        s.execute(
            insert(Municipality),
            [{"name": f"Kommun {i}", "key": f"kommun {i}", "created_at": now} for i in range(290)],
        )
        s.execute(
            insert(Review),
            [
                {
                    "uid": f"{i:032x}",
                    "host_id": i % 290 + 1,
                    "state": states[i % len(states)],
                    "version": 1,
                    "template_id": src.template.id,
                    "template_version": src.template.version,
                    "template_sha256": src.sha256,
                    "template_content": src.text,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n)
            ],
        )
        s.execute(
            insert(ReviewingMunicipality),
            [
                {"review_id": i + 1, "municipality_id": (i + k) % 290 + 1}
                for i in range(n)
                for k in (1, 2)
            ],
        )
    store.dispose()


def run() -> list[dict[str, Any]]:
    results = []
    click_baseline = time_process([PYTHON, "-c", "import click"])
    help_time = time_process([PYTHON, "-m", "granskning", "--help"])
    results.append(
        row("granskning --help", help_time, "python -c 'import click'", click_baseline, 3.0)
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        make_database(db)
        sqlmodel_baseline = time_process([PYTHON, "-c", "import sqlmodel"])
        list_time = time_process(
            [PYTHON, "-m", "granskning", "--db", str(db), "review", "list", "--json"]
        )
        results.append(
            row(
                f"review list --json ({REVIEWS:,} reviews)",
                list_time,
                "python -c 'import sqlmodel'",
                sqlmodel_baseline,
                1.5,
            )
        )
    return results
