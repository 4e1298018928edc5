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
from dataclasses import MISSING, Field, field
from typing import Any, ClassVar, dataclass_transform

# Fields of every event that are columns of the audit record, not entries of its data.
_COLUMNS = frozenset(
    {"review_id", "interview_id", "from_state", "to_state", "comment", "extra", "act"}
)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class _Record:
    """A frozen record with keyword fields, typed like a dataclass.

    Every command that writes loads these classes, so they are made without the code
    generation of ``@dataclass`` (which took 40 ms for the events): one ``__init__`` reads
    the fields each class declares, in order, after those of its bases.
    """

    _fields: ClassVar[dict[str, Field[Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls._fields)
        for name, kind in cls.__dict__.get("__annotations__", {}).items():
            if str(kind).startswith("ClassVar"):
                continue
            value = cls.__dict__.get(name, MISSING)
            fields[name] = value if isinstance(value, Field) else field(default=value)
            fields[name].name = name
        cls._fields = fields

    def __init__(self, **values: Any) -> None:
        for name, spec in self._fields.items():
            if name in values:
                value = values.pop(name)
            elif spec.default is not MISSING:
                value = spec.default
            elif spec.default_factory is not MISSING:
                value = spec.default_factory()
            else:
                raise TypeError(f"{type(self).__name__}: missing {name}")
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__}: unknown {', '.join(values)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, n) == getattr(other, n)
            for n, spec in self._fields.items()
            if spec.compare
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n, f in self._fields.items() if f.repr)
        return f"{type(self).__name__}({shown})"


class Event(_Record):
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
            name: getattr(self, name)
            for name, spec in self._fields.items()
            if name not in _COLUMNS and spec.metadata.get("data", True)
        }
        return out | self.extra


# -- reviews ---------------------------------------------------------------------------------


class ReviewCreated(Event):
    entity = "review"
    action = "create"
    template: str
    version: str
    sha256: str


class ReviewLanguageSet(Event):
    entity = "review"
    action = "set_language"
    before: str
    after: str


class Assigned(Event):
    entity = "review"
    action = "assign"
    person: str
    role: str


class Unassigned(Event):
    entity = "review"
    action = "unassign"
    person: str
    role: str


class ReviewAdvanced(Event):
    """A step of the review's life cycle (``act`` is the action taken).

    Handlers see the subclass of the action where one exists (:data:`LIFE_CYCLE`), and
    the action's parameters in ``params`` (not part of the audit data).
    """

    entity = "review"
    act: str
    params: Any = field(default=None, compare=False, metadata={"data": False})


class HandedOver(ReviewAdvanced):
    """The report was handed over: it is stored and its follow-up items are made."""


class SeminarScheduled(ReviewAdvanced):
    """The follow-up seminar got its date (and perhaps its start and place)."""


class ReviewCancelled(ReviewAdvanced):
    """The review was cancelled: its open interviews are cancelled with its reason."""


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


class SeminarRescheduled(Event):
    entity = "review"
    action = "reschedule_seminar"
    before: str | None
    after: str


class Replanned(Event):
    entity = "review"
    action = "replan"
    round: int
    before: list[str]
    after: list[str]


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


class RoundCreated(Event):
    entity = "round"
    action = "create"
    round: int
    year: int
    members: int


class RoundLanguageSet(Event):
    entity = "round"
    action = "set_language"
    number: int
    before: str
    after: str


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


class InterviewAdded(Event):
    entity = "interview"
    action = "add"
    group: str
    start: str
    minutes: int


class InterviewEdited(Event):
    entity = "interview"
    action = "edit"
    fields: list[str]


class InterviewCancelled(Event):
    entity = "interview"
    action = "cancel"


class SessionStepped(Event):
    """A step of an interview's timed session (``act``: start, pause, resume, next, end)."""

    entity = "interview"
    act: str


class SessionStarted(SessionStepped):
    """An interview's session started: the first one of a scheduled review sets the visit
    off."""


def session_event(act: str, **fields: Any) -> SessionStepped:
    """The event of the session step ``act``."""
    return (SessionStarted if act == "start" else SessionStepped)(act=act, **fields)


class NoteEdited(Event):
    entity = "note"
    action = "edit"
    note: str


class NoteRemoved(Event):
    entity = "note"
    action = "remove"
    note: str


class NoteQuoted(Event):
    """A note was chosen as a quote for the report's body (``act`` quote) or no longer is
    (unquote)."""

    entity = "note"
    act: str
    note: str


# -- findings, recommendations, report texts, report versions --------------------------------


class NoFindings(Event):
    entity = "finding"
    action = "none"
    finding: str
    block: str


class FindingChanged(Event):
    """A finding was added, edited or removed (``act``)."""

    entity = "finding"
    act: str
    finding: str
    block: str
    kind: str


class RecommendationChanged(Event):
    """A recommendation was added, edited or removed (``act``)."""

    entity = "recommendation"
    act: str
    recommendation: str


class ReportTextSet(Event):
    """A text of the report (summary, reflections, introduction) was set or cleared."""

    entity = "report"
    act: str
    section: str
    characters: int


class ReportOptionsSet(Event):
    """What the review's report carries was chosen (the notes appendix)."""

    entity = "report"
    action = "set_options"
    notes_appendix: bool | None
    before: bool | None


class ReportVersionStored(Event):
    entity = "report"
    action = "store_version"
    version: int
    sha256: str
    bytes: int
    language: str


class ReportPurged(Event):
    entity = "report"
    action = "purge"
    version: int
    sha256: str


# -- follow-up -------------------------------------------------------------------------------


class ItemsCreated(Event):
    entity = "follow_up_item"
    action = "create_items"
    added: int
    refreshed: int
    removed: int


class ItemAdded(Event):
    entity = "follow_up_item"
    action = "add"
    item: str


class ItemEdited(Event):
    entity = "follow_up_item"
    action = "edit"
    item: str


class ItemMerged(Event):
    entity = "follow_up_item"
    action = "merge"
    item: str
    into: str


class StatusRecorded(Event):
    """An item's status at the seminar (``act``: record, or correct afterwards)."""

    entity = "follow_up_item"
    act: str
    item: str
    status: str


class SeminarRecordSet(Event):
    """Part of the seminar record was written (``act``: set_participants, set_next_steps,
    set_next_follow_up); names and texts are not kept in the chain."""

    entity = "review"
    act: str
    count: int | None = None
    day: str | None = None


# -- registry and privacy --------------------------------------------------------------------


class MunicipalityAdded(Event):
    entity = "municipality"
    action = "add"
    name: str


class MunicipalityRenamed(Event):
    entity = "municipality"
    action = "rename"
    before: str
    after: str


class SettingChanged(Event):
    entity = "setting"
    action = "set"
    key: str
    before: str | None
    after: str


class PersonAdded(Event):
    entity = "person"
    action = "add"
    person: str


class PersonEdited(Event):
    entity = "person"
    action = "edit"
    person: str
    fields: list[str]


class PersonForgotten(Event):
    entity = "person"
    action = "forget"
    person: str


# -- the database ----------------------------------------------------------------------------


class DatabaseRestored(Event):
    """The database was restored from a backup (``comment``: the backup's file name)."""

    entity = "database"
    action = "restore"
    sha256: str


# -- the web application's accounts (the database's own chain; the e-mail is the actor) -----


class AccountAdded(Event):
    entity = "account"
    action = "add"
    person: str
    coordinator: bool


class AccountDisabled(Event):
    entity = "account"
    action = "disable"
    person: str


class PasswordChanged(Event):
    entity = "account"
    action = "password"
    person: str


class TokenCreated(Event):
    """A personal API token made (its name, free text, is the comment)."""

    entity = "account"
    action = "token_add"
    person: str
    token: int


class TokenRevoked(Event):
    entity = "account"
    action = "token_revoke"
    person: str
    token: int


class LoggedIn(Event):
    entity = "account"
    action = "login"
    person: str


class LoginFailed(Event):
    """A login refused (``act``: ``login_failed`` for a wrong address or password,
    ``login_throttled`` while the address is refused after too many failures)."""

    entity = "account"
    action = "login_failed"
    act: str = "login_failed"


class LoggedOut(Event):
    entity = "account"
    action = "logout"
    person: str
