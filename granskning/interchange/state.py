"""What one import knows while it runs: the file, the plan it makes, the ids it found.

:class:`ImportState` is shared by the parts of the merge (people, history, records); it
holds the session of the caller's transaction and the lookups every part needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import col, select

from granskning.domain import events
from granskning.domain.i18n import _
from granskning.domain.people import name_key
from granskning.interchange.format import short
from granskning.interchange.rules import Rules
from granskning.storage.model import Municipality, ReviewState, Round, RoundMember
from granskning.storage.uow import Work


class Plan:
    """What an import would do: the conflicts, or the records to add."""

    def __init__(self) -> None:
        self.conflicts: list[str] = []
        # transitions the life cycle does not allow, or whose guards block
        self.history: list[str] = []
        self.added: dict[str, int] = {}

    def conflict(self, what: str, key: Any, field: str, here: Any, there: Any) -> None:
        self.conflicts.append(
            _("{what} {key}: {field} is {here} here, {there} in the file").format(
                what=what, key=key, field=field, here=short(here), there=short(there)
            )
        )

    def add(self, kind: str, n: int = 1) -> None:
        self.added[kind] = self.added.get(kind, 0) + n

    def compare(
        self,
        what: str,
        key: Any,
        here: dict[str, Any],
        there: dict[str, Any],
        skip: Iterable[str] = (),
    ) -> None:
        """A conflict for each field of ``there`` (but ``skip``) that ``here`` holds otherwise."""
        for field in there:
            if field in skip:
                continue
            if here.get(field) != there[field]:
                self.conflict(what, key, field, here.get(field), there[field])


def relation(here: set[str], there: set[str]) -> str:
    """How the file's history relates to the database's, by their audit events (the log is
    append-only and every transition writes one): ``same``, ``ahead`` (the file has seen
    everything here and more), ``behind``, or ``diverged`` (changed on both sides)."""
    if here == there:
        return "same"
    if here <= there:
        return "ahead"
    if there <= here:
        return "behind"
    return "diverged"


class ImportState:
    """One import, inside the caller's transaction."""

    def __init__(self, work: Work, fdoc: dict[str, Any], rules: Rules) -> None:
        self.work = work
        self.s = work.session
        self.store = work.store
        self.f = fdoc
        self.rules = rules
        self.plan = Plan()
        self.now = work.now()
        self.person_ids: dict[str, int] = {}
        self.interview_ids: dict[str, int] = {}
        self.relation = "same"
        # the review's state here before the import (None: a new review), and the
        # transitions the file takes it through (audit events of review actions)
        self.here_state: ReviewState | None = None
        self.steps: list[dict[str, Any]] = []
        # people of the file found here by name, municipality and e-mail (not by uid)
        self.matched: list[dict[str, Any]] = []

    def municipality(self, name: str) -> int:
        """The id of the municipality called ``name``, added if this database lacks it."""
        clean = " ".join(name.split())
        row = self.s.exec(select(Municipality).where(Municipality.key == name_key(clean))).first()
        if row is None:
            row = Municipality(name=clean, key=name_key(clean), created_at=self.now)
            self.s.add(row)
            self.s.flush()
            self.work.emit(events.MunicipalityAdded(name=clean))
            self.plan.add("municipalities")
        assert row.id is not None
        return row.id

    def round_id(self, doc: dict[str, Any] | None) -> int | None:
        """The id of the file's round (by year and theme), added if this database lacks it."""
        if doc is None:
            return None
        row = self.s.exec(
            select(Round).where(Round.year == doc["year"], Round.theme == doc["theme"])
        ).first()
        if row is None:
            row = Round(
                year=doc["year"],
                theme=doc["theme"],
                template_name=doc["template_name"],
                created_at=self.now,
            )
            self.s.add(row)
            self.s.flush()
            for name in dict.fromkeys(doc["members"]):
                mid = self.municipality(name)
                if self.s.get(RoundMember, (row.id, mid)) is None:
                    self.s.add(RoundMember(round_id=row.id, municipality_id=mid))  # type: ignore[arg-type]
            self.plan.add("rounds")
        return row.id

    def taken(self, model: Any, uids: list[str]) -> set[str]:
        """Which of ``uids`` this database already holds (in a few queries, not one each)."""
        found: set[str] = set()
        with self.s.no_autoflush:
            for i in range(0, len(uids), 500):
                chunk = uids[i : i + 500]
                found.update(self.s.exec(select(model.uid).where(col(model.uid).in_(chunk))).all())
        return found

    def take_missing(self, what: str, key: Any) -> bool:
        """Whether to add a record the file has and this database lacks. Such records are
        written with an audit event, and so is their removal: if this database has seen all
        the file has seen (it is ``behind``), it removed the record; if both changed
        (``diverged``), added there and removed here cannot be told apart."""
        if self.relation == "behind":
            return False
        if self.relation == "diverged":
            self.plan.conflicts.append(
                _("{what} {key} is in the file but not here (added there or removed here)").format(
                    what=what, key=key
                )
            )
            return False
        return True
