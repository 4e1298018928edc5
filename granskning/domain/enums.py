"""The enums of the domain: states, roles, kinds. Plain Python, cheap to import.

:mod:`granskning.storage.model` re-exports them beside the tables that store them as strings.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from granskning.domain.errors import InputError
from granskning.domain.i18n import N_, _


class ReviewState(StrEnum):
    planned = "planned"
    scheduled = "scheduled"
    visiting = "visiting"
    drafting = "drafting"
    handed_over = "handed_over"
    follow_up_scheduled = "follow_up_scheduled"
    followed_up = "followed_up"
    closed = "closed"
    cancelled = "cancelled"


class InterviewState(StrEnum):
    scheduled = "scheduled"
    running = "running"
    paused = "paused"
    completed = "completed"
    cancelled = "cancelled"


class Role(StrEnum):
    lead = "lead"
    reviewer = "reviewer"
    secretary = "secretary"
    timekeeper = "timekeeper"
    host_contact = "host_contact"


class FindingKind(StrEnum):
    strength = "strength"
    development = "development"
    none = "none"  # an explicit "no findings" for a block


class ReportSection(StrEnum):
    summary = "summary"
    reflections = "reflections"
    introduction = "introduction"


class SessionEventKind(StrEnum):
    start = "start"
    pause = "pause"
    resume = "resume"
    end = "end"
    goto = "goto"  # the note-taker moved to another question


class FollowUpStatus(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"


class FollowUpSource(StrEnum):
    recommendation = "recommendation"
    development = "development"
    commitment = "commitment"
    manual = "manual"


_E = TypeVar("_E", bound=StrEnum)


def member(enum: type[_E], value: str, unknown: str, name: str) -> _E:
    """The member of ``enum`` called ``value``, or an InputError: ``unknown`` (a message id)
    with ``{name}`` for the value and ``{name}s`` for the members."""
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)
        raise InputError(_(unknown).format(**{name: value, f"{name}s": choices})) from None


def review_state(value: str) -> ReviewState:
    """The ReviewState called ``value``, or an InputError listing the states."""
    return member(ReviewState, value, N_("unknown state {state} (one of: {states})"), "state")
