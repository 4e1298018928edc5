"""Domain events: what happened, as typed records.

A service does its work and then says what happened by emitting an event on its unit of
work (:class:`granskning.storage.uow.Work`). The unit of work writes the event to the audit
log, with the acting person and the time, and runs the handlers the services table
(:mod:`granskning.services.handlers`) maps to the event's type, inside the same transaction.

An event's audit record comes from its fields: ``review_id``, ``interview_id``, the states
and ``comment`` (free text that may name someone, kept redactable) are the record's own
columns; every other field is an entry of the record's structured ``data``, under the field's
name and in the order the fields are declared.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Fields of every event that are columns of the audit record, not entries of its data.
_COLUMNS = frozenset(
    {"review_id", "interview_id", "from_state", "to_state", "comment", "extra", "act"}
)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened to the data, in one transaction.

    :param extra: further data entries that only some occurrences carry (kept after the
        declared fields).
    """

    entity: ClassVar[str]
    action: ClassVar[str]
    # an event about a review that is bookkeeping of this database alone (an import) is
    # linked into the database's own chain
    database_chain: ClassVar[bool] = False

    review_id: int | None = None
    interview_id: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    comment: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verb(self) -> str:
        """The audit record's action: the class's, or the ``act`` of events that name it."""
        return str(getattr(self, "act", None) or self.action)

    def data(self) -> dict[str, Any]:
        """The audit record's structured data: the event's own fields, then ``extra``."""
        out = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in _COLUMNS and f.metadata.get("data", True)
        }
        return out | self.extra


# -- reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReviewCreated(Event):
    entity = "review"
    action = "create"
    template: str
    version: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class ReviewLanguageSet(Event):
    entity = "review"
    action = "set_language"
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class Assigned(Event):
    entity = "review"
    action = "assign"
    person: str
    role: str


@dataclass(frozen=True, kw_only=True)
class Unassigned(Event):
    entity = "review"
    action = "unassign"
    person: str
    role: str


@dataclass(frozen=True, kw_only=True)
class ReviewAdvanced(Event):
    """A step of the review's life cycle (``act`` is the action taken).

    Handlers see the subclass of the action where one exists (:data:`LIFE_CYCLE`), and
    the action's parameters in ``params`` (not part of the audit data).
    """

    entity = "review"
    act: str
    params: Any = field(default=None, compare=False, metadata={"data": False})


@dataclass(frozen=True, kw_only=True)
class HandedOver(ReviewAdvanced):
    """The report was handed over: it is stored and its follow-up items are made."""


@dataclass(frozen=True, kw_only=True)
class SeminarScheduled(ReviewAdvanced):
    """The follow-up seminar got its date (and perhaps its start and place)."""


@dataclass(frozen=True, kw_only=True)
class ReviewCancelled(ReviewAdvanced):
    """The review was cancelled: its open interviews are cancelled with its reason."""


@dataclass(frozen=True, kw_only=True)
class VisitStarted(ReviewAdvanced):
    """The first interview session set the visit off."""


# The event type of each life-cycle action that has one of its own.
LIFE_CYCLE: dict[str, type[ReviewAdvanced]] = {
    "hand_over": HandedOver,
    "schedule_seminar": SeminarScheduled,
    "cancel": ReviewCancelled,
    "start_visit": VisitStarted,
}


def life_cycle_event(action: str, **fields: Any) -> ReviewAdvanced:
    """The event of taking the life-cycle ``action``."""
    return LIFE_CYCLE.get(action, ReviewAdvanced)(act=action, **fields)


@dataclass(frozen=True, kw_only=True)
class SeminarRescheduled(Event):
    entity = "review"
    action = "reschedule_seminar"
    before: str | None
    after: str


@dataclass(frozen=True, kw_only=True)
class Replanned(Event):
    entity = "review"
    action = "replan"
    round: int
    before: list[str]
    after: list[str]


@dataclass(frozen=True, kw_only=True)
class ReviewImported(Event):
    """A review file was loaded: bookkeeping of this database that another one does not
    share, so it is linked into the database's own chain."""

    entity = "review"
    action = "import"
    database_chain = True
    review: str
    sha256: str | None
    added: dict[str, int]


# -- rounds ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RoundCreated(Event):
    entity = "round"
    action = "create"
    round: int
    year: int
    members: int


@dataclass(frozen=True, kw_only=True)
class RoundLanguageSet(Event):
    entity = "round"
    action = "set_language"
    number: int
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class RoundPlanned(Event):
    entity = "round"
    action = "plan"
    round: int
    per_host: int
    created: int
    changed: int
    kept: int
    unmet: int


# -- interviews and sessions -----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InterviewAdded(Event):
    entity = "interview"
    action = "add"
    group: str
    start: str
    minutes: int


@dataclass(frozen=True, kw_only=True)
class InterviewEdited(Event):
    entity = "interview"
    action = "edit"
    fields: list[str]


@dataclass(frozen=True, kw_only=True)
class InterviewCancelled(Event):
    entity = "interview"
    action = "cancel"


@dataclass(frozen=True, kw_only=True)
class SessionStepped(Event):
    """A step of an interview's timed session (``act``: start, pause, resume, next, end)."""

    entity = "interview"
    act: str


@dataclass(frozen=True, kw_only=True)
class SessionStarted(SessionStepped):
    """An interview's session started: the first one of a scheduled review sets the visit
    off."""


def session_event(act: str, **fields: Any) -> SessionStepped:
    """The event of the session step ``act``."""
    return (SessionStarted if act == "start" else SessionStepped)(act=act, **fields)


@dataclass(frozen=True, kw_only=True)
class NoteEdited(Event):
    entity = "note"
    action = "edit"
    note: str


@dataclass(frozen=True, kw_only=True)
class NoteRemoved(Event):
    entity = "note"
    action = "remove"
    note: str


# -- findings, recommendations, report texts, report versions --------------------------------


@dataclass(frozen=True, kw_only=True)
class NoFindings(Event):
    entity = "finding"
    action = "none"
    finding: str
    block: str


@dataclass(frozen=True, kw_only=True)
class FindingChanged(Event):
    """A finding was added, edited or removed (``act``)."""

    entity = "finding"
    act: str
    finding: str
    block: str
    kind: str


@dataclass(frozen=True, kw_only=True)
class RecommendationChanged(Event):
    """A recommendation was added, edited or removed (``act``)."""

    entity = "recommendation"
    act: str
    recommendation: str


@dataclass(frozen=True, kw_only=True)
class ReportTextSet(Event):
    """A text of the report (summary, reflections, introduction) was set or cleared."""

    entity = "report"
    act: str
    section: str
    characters: int


@dataclass(frozen=True, kw_only=True)
class ReportVersionStored(Event):
    entity = "report"
    action = "store_version"
    version: int
    sha256: str
    bytes: int
    language: str


@dataclass(frozen=True, kw_only=True)
class ReportPurged(Event):
    entity = "report"
    action = "purge"
    version: int
    sha256: str


# -- follow-up -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ItemsCreated(Event):
    entity = "follow_up_item"
    action = "create_items"
    added: int
    refreshed: int
    removed: int


@dataclass(frozen=True, kw_only=True)
class ItemAdded(Event):
    entity = "follow_up_item"
    action = "add"
    item: str


@dataclass(frozen=True, kw_only=True)
class ItemEdited(Event):
    entity = "follow_up_item"
    action = "edit"
    item: str


@dataclass(frozen=True, kw_only=True)
class ItemMerged(Event):
    entity = "follow_up_item"
    action = "merge"
    item: str
    into: str


@dataclass(frozen=True, kw_only=True)
class StatusRecorded(Event):
    """An item's status at the seminar (``act``: record, or correct afterwards)."""

    entity = "follow_up_item"
    act: str
    item: str
    status: str


# -- registry and privacy --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MunicipalityAdded(Event):
    entity = "municipality"
    action = "add"
    name: str


@dataclass(frozen=True, kw_only=True)
class MunicipalityRenamed(Event):
    entity = "municipality"
    action = "rename"
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class PersonAdded(Event):
    entity = "person"
    action = "add"
    person: str


@dataclass(frozen=True, kw_only=True)
class PersonEdited(Event):
    entity = "person"
    action = "edit"
    person: str
    fields: list[str]


@dataclass(frozen=True, kw_only=True)
class PersonForgotten(Event):
    entity = "person"
    action = "forget"
    person: str


# -- the database ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DatabaseRestored(Event):
    """The database was restored from a backup (``comment``: the backup's file name)."""

    entity = "database"
    action = "restore"
    sha256: str
