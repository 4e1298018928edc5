"""The tables and enums of granskning: data only, no behaviour.

Times are timezone-aware UTC in Python and in the database, and are turned into
Europe/Stockholm at the edges (input and output). Enum columns are stored as plain strings so that the
same schema works on SQLite and PostgreSQL without native enum types. Every record that
travels between databases (review export/import) carries a ``uid``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false as sa_false,
)
from sqlmodel import Field, SQLModel

# the enums belong to the model's vocabulary: re-exported for ``from granskning.storage.model import ...``
from granskning.domain.enums import (
    FindingKind as FindingKind,
    FollowUpSource as FollowUpSource,
    FollowUpStatus as FollowUpStatus,
    InterviewState as InterviewState,
    ReportSection as ReportSection,
    ReviewState as ReviewState,
    Role as Role,
    SessionEventKind as SessionEventKind,
)

# One set of length limits, in characters: the columns below are exactly this wide and the
# input checks use the same numbers, so whatever SQLite (which does not enforce a width)
# accepts also fits PostgreSQL, and a backup restores on either.
NAME_MAX = 200  # names of municipalities and people, titles, organisations, responsible, --as
EMAIL_MAX = 320
PLACE_MAX = 300  # places of interviews and seminars, round themes
TEMPLATE_ID_MAX = 100  # ids of templates, groups, blocks and questions
TEMPLATE_VERSION_MAX = 50


def new_uid() -> str:
    """A fresh globally unique id for a record."""
    return uuid.uuid4().hex


def _uid() -> str:
    return new_uid()


def _uid_field() -> Any:
    """A record's uid column: fresh for every new row, unique."""
    return Field(default_factory=_uid, sa_column=Column(String(32), unique=True, nullable=False))


def _language_field() -> Any:
    """A document language column (sv or en), Swedish unless set."""
    return Field(default="sv", max_length=10, sa_column_kwargs={"server_default": "sv"})


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(NAME_MAX), nullable=False))
    # casefolded name: unique, and how names are looked up ("örebro" finds Örebro)
    key: str = Field(sa_column=Column(String(NAME_MAX), unique=True, nullable=False))
    created_at: datetime


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    name: str = Field(max_length=NAME_MAX)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    title: str | None = Field(default=None, max_length=NAME_MAX)
    email: str | None = Field(default=None, max_length=EMAIL_MAX)
    forgotten_at: datetime | None = None
    created_at: datetime


class Round(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    year: int
    theme: str = Field(max_length=PLACE_MAX)
    template_name: str = Field(max_length=TEMPLATE_ID_MAX)
    # the language of the round's documents (the compilation): sv or en
    language: str = _language_field()
    created_at: datetime


class RoundMember(SQLModel, table=True):
    __tablename__ = "round_member"
    round_id: int = Field(foreign_key="round.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    host_id: int = Field(foreign_key="municipality.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    state: str = Field(default=ReviewState.planned.value, max_length=30, index=True)
    # optimistic locking: every state change raises it and checks the old value
    version: int = 1
    template_id: str = Field(max_length=TEMPLATE_ID_MAX)
    template_version: str = Field(max_length=TEMPLATE_VERSION_MAX)
    template_sha256: str = Field(max_length=64)
    template_content: str = Field(sa_column=Column(Text, nullable=False))
    handed_over_on: date | None = None
    seminar_start: datetime | None = None
    seminar_place: str | None = Field(default=None, max_length=PLACE_MAX)
    # the language of the review's documents (report, checklist), whoever runs the command
    language: str = _language_field()
    # whether the report carries the notes appendix; None: not chosen (it does)
    notes_appendix: bool | None = None
    # how many recommendations were numbered (R1, R2, ...): a number is never given twice
    recommendations_issued: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # the seminar record (minnesanteckningar): next steps and the next follow-up
    seminar_next_steps: str | None = Field(default=None, sa_column=Column(Text))
    next_follow_up: date | None = None
    created_at: datetime
    updated_at: datetime


class ReviewingMunicipality(SQLModel, table=True):
    __tablename__ = "reviewing_municipality"
    review_id: int = Field(foreign_key="review.id", primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)


class Assignment(SQLModel, table=True):
    """A person's role on a review team."""

    __table_args__ = (UniqueConstraint("review_id", "person_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=30)
    created_at: datetime


class Interview(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    review_id: int = Field(foreign_key="review.id", index=True)
    group_id: str = Field(max_length=TEMPLATE_ID_MAX)
    start: datetime  # aware UTC
    minutes: int
    place: str | None = Field(default=None, max_length=PLACE_MAX)
    state: str = Field(default=InterviewState.scheduled.value, max_length=30)
    moderator_id: int | None = Field(default=None, foreign_key="person.id")
    note_taker_id: int | None = Field(default=None, foreign_key="person.id")
    timekeeper_id: int | None = Field(default=None, foreign_key="person.id")
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text))
    # the calendar SEQUENCE: raised each time the interview is moved or changed
    sequence: int = 0
    version: int = 1
    created_at: datetime
    updated_at: datetime


class Interviewee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    name: str = Field(max_length=NAME_MAX)
    title: str | None = Field(default=None, max_length=NAME_MAX)
    organisation: str | None = Field(default=None, max_length=NAME_MAX)
    # a group heard together (a youth council of six): how many people; None is one person
    head_count: int | None = None
    position: int = 0


class SessionEvent(SQLModel, table=True):
    """Start, pause, resume, end and moves of a question session: the clock is computed from these."""

    __tablename__ = "session_event"
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="interview.id", index=True)
    kind: str = Field(max_length=20)
    at: datetime
    question_id: str | None = Field(default=None, max_length=TEMPLATE_ID_MAX)


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    interview_id: int = Field(foreign_key="interview.id", index=True)
    # None: a free observation, not tied to a question
    question_id: str | None = Field(default=None, max_length=TEMPLATE_ID_MAX)
    text: str = Field(sa_column=Column(Text, nullable=False))
    rating: int | None = None
    author: str | None = Field(default=None, max_length=NAME_MAX)
    created_at: datetime
    # corrected after it was written (the earlier text is in the audit log)
    edited_at: datetime | None = None
    # removed with a reason: kept as a row (exports, the audit), gone from lists and reports
    removed_at: datetime | None = None
    # chosen by the team as a quote for the report's body (shown with its group, never a name)
    quoted: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class Finding(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    review_id: int = Field(foreign_key="review.id", index=True)
    block_id: str = Field(max_length=TEMPLATE_ID_MAX)
    kind: str = Field(max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime


class Recommendation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    review_id: int = Field(foreign_key="review.id", index=True)
    block_id: str | None = Field(default=None, max_length=TEMPLATE_ID_MAX)
    # R1, R2, ... within the review, given at creation and never reused
    number: int | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime


class ReportText(SQLModel, table=True):
    __tablename__ = "report_text"
    review_id: int = Field(foreign_key="review.id", primary_key=True)
    # summary, reflections, introduction, or "block:<block id>" (the team's analysis of a block)
    section: str = Field(max_length=110, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime


class ReportVersion(SQLModel, table=True):
    """A handed-over report: the frozen bytes and their SHA-256."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("review_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    number: int
    sha256: str = Field(max_length=64)
    # None once purged (a person was forgotten and the frozen copy had to go)
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    language: str = Field(default="sv", max_length=10)
    created_at: datetime
    purged_at: datetime | None = None


class FollowUpItem(SQLModel, table=True):
    __tablename__ = "follow_up_item"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    review_id: int = Field(foreign_key="review.id", index=True)
    source: str = Field(max_length=30)
    source_uid: str | None = Field(default=None, max_length=32)
    block_id: str | None = Field(default=None, max_length=TEMPLATE_ID_MAX)
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(default=None, sa_column=Column(Text))
    responsible: str | None = Field(default=None, max_length=NAME_MAX)
    deadline: date | None = None  # "klart senast"
    merged_into_id: int | None = Field(default=None, foreign_key="follow_up_item.id")
    created_at: datetime
    updated_at: datetime


class SeminarParticipant(SQLModel, table=True):
    """Someone who took part in the follow-up seminar (for its record)."""

    __tablename__ = "seminar_participant"
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    name: str = Field(max_length=NAME_MAX)
    municipality: str | None = Field(default=None, max_length=NAME_MAX)
    position: int


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained log: who did what, when, from which state to which.

    Each event is the ``seq``-th link of a chain (its review's uid, or ``""`` for the
    database's own events) and carries the SHA-256 of the previous link and of its own
    content. What it says is structured (``data``: ids, uids, numbers, states, rendered in
    the reader's language); the actor and any free text live beside the chain in
    :class:`AuditDetail`, where forgetting a person can redact them, and the chain covers
    their SHA-256 (``detail_sha256``).
    """

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = _uid_field()
    review_id: int | None = Field(default=None, foreign_key="review.id", index=True)
    interview_id: int | None = Field(default=None, foreign_key="interview.id")
    entity: str = Field(max_length=30)
    action: str = Field(max_length=50)
    from_state: str | None = Field(default=None, max_length=30)
    to_state: str | None = Field(default=None, max_length=30)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    detail_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    at: datetime
    chain: str = Field(sa_column=Column(String(32), nullable=False))
    seq: int
    prev_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AuditDetail(SQLModel, table=True):
    """The redactable part of an audit event: who acted, and free text that may name someone."""

    __tablename__ = "audit_detail"
    event_uid: str = Field(
        sa_column=Column(String(32), ForeignKey("audit_event.uid"), primary_key=True)
    )
    actor: str = Field(max_length=200)
    text: str | None = Field(default=None, sa_column=Column(Text))
    # set when ``person forget`` replaced a name here; ``redacted_by`` is that event's uid
    redacted_at: datetime | None = None
    redacted_by: str | None = Field(default=None, max_length=32)


class AuditChain(SQLModel, table=True):
    """The head of each audit chain: its length and last hash (a removed tail shows)."""

    __tablename__ = "audit_chain"
    chain: str = Field(sa_column=Column(String(32), primary_key=True))
    seq: int
    head: str = Field(max_length=64)


# -- the web application's accounts ------------------------------------------------------------


class UserAccount(SQLModel, table=True):
    """A login of the web application: an e-mail address linked to a person.

    The password is kept only as an Argon2id hash; coordinators see and do everything.
    A disabled account cannot log in, and its open sessions stop working.
    """

    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    # lower-cased: unique, and how an address is looked up
    email: str = Field(sa_column=Column(String(EMAIL_MAX), unique=True, nullable=False))
    person_id: int = Field(foreign_key="person.id", index=True)
    password_hash: str = Field(sa_column=Column(String(200), nullable=False))
    coordinator: bool = False
    disabled_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebSession(SQLModel, table=True):
    """A logged-in browser. The cookie carries a random token; only its SHA-256 is kept, so
    a copy of the database opens no session. A new one is made at every login."""

    __tablename__ = "web_session"
    id: str = Field(sa_column=Column(String(64), primary_key=True))
    user_id: int = Field(foreign_key="user_account.id", index=True)
    csrf_token: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime
    seen_at: datetime


class ApiToken(SQLModel, table=True):
    """A personal token for the JSON API (``Authorization: Bearer ...``), acting as its
    account. Only the token's SHA-256 is kept; it is shown once, when made."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(max_length=100)
    token_sha256: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime
    used_at: datetime | None = None


class LoginAttempt(SQLModel, table=True):
    """A login attempt for an address, kept to refuse guessing (5 failures in 15 minutes)."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(EMAIL_MAX), nullable=False, index=True))
    address: str | None = Field(default=None, max_length=64)
    succeeded: bool
    at: datetime


class WebSetting(SQLModel, table=True):
    """Settings of the web application that every worker shares (the cookie signing key)."""

    __tablename__ = "web_setting"
    key: str = Field(sa_column=Column(String(50), primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
