"""``granskning demo``: one review walked through its life cycle on a fresh database.

Everything goes through the same library calls the commands use, with a simulated clock so
that a whole visit (interviews of 60-90 minutes) runs in seconds. Each step prints what it
does, so the demo doubles as a guided tour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from granskning import registry, reviews
from granskning.i18n import _
from granskning.store import Store


@dataclass
class DemoClock:
    """A clock the demo moves forward by hand: the visit takes seconds, not days."""

    now: datetime = field(default_factory=lambda: datetime(2026, 2, 2, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class DemoResult:
    """What the demo made: the database and the files written."""

    db_path: Path
    review_id: int
    state: str
    files: list[Path] = field(default_factory=list)


Say = Callable[[str], None]


def run_demo(out: Path, say: Say = print) -> DemoResult:
    """Walk a review from creation as far as the engine goes, writing files into ``out``.

    :param out: the folder for the database and documents; it is created if needed and the
        database in it is started afresh.
    """
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    clock = DemoClock()
    store = Store(f"sqlite:///{db_path}", clock=clock, actor="demo")
    try:
        say(_("Database: {path}").format(path=db_path))
        for name in ("Gävle", "Uppsala", "Örebro", "Trelleborg"):
            registry.add_municipality(store, name)
        say(_("Municipalities: Gävle (host), Uppsala and Örebro (reviewing), Trelleborg"))
        lead = registry.add_person(
            store,
            "Anna Berg",
            "Uppsala",
            title="Utvecklingsledare",
            email="anna.berg@uppsala.example",
        )
        secretary = registry.add_person(
            store, "Bo Ek", "Örebro", title="Utredare", email="bo.ek@orebro.example"
        )
        reviewer = registry.add_person(
            store, "Eva Lind", "Örebro", title="Barnrättsstrateg", email="eva.lind@orebro.example"
        )
        contact = registry.add_person(
            store, "Dan Holm", "Gävle", title="Barnrättssamordnare", email="dan.holm@gavle.example"
        )
        review = reviews.create_review(
            store,
            host="Gävle",
            reviewing=["Uppsala", "Örebro"],
            template="kollegial-granskning-2013",
        )
        rid = review.id
        assert rid is not None
        shown = reviews.show(store, rid)
        say(
            _("Review {id} created: template {template} {version}, sha256 {sha}").format(
                id=rid,
                template=shown["template"]["id"],
                version=shown["template"]["version"],
                sha=shown["template"]["sha256"][:12],
            )
        )
        for person, role in (
            (lead, "lead"),
            (secretary, "secretary"),
            (reviewer, "reviewer"),
            (contact, "host_contact"),
        ):
            reviews.assign(store, rid, person.id, role)  # type: ignore[arg-type]
        say(_("Team assigned: lead, secretary, reviewer and the host contact"))
        blocked = [a for a in reviews.actions(store, rid) if a["action"] == "confirm_schedule"][0]
        say(_("confirm_schedule is blocked: {reason}").format(reason=blocked["reason"]))
        state = reviews.show(store, rid)["state"]
        say(_("The review is now: {state}").format(state=state))
        return DemoResult(db_path=db_path, review_id=rid, state=state)
    finally:
        store.dispose()
