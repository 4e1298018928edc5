"""The rules of the question session and its notes, as functions from facts to reasons.

Like the team and schedule rules (:mod:`granskning.domain.rules`), each rule takes plain
facts and returns why they break it (an empty list when they do not), in the reader's
language; the services gather the facts and refuse with the reasons. Which session step
an interview may take in which state is the life cycle's (:mod:`granskning.domain.workflow`).
The checks of a note's own text refuse bad input instead (InputError), for the commands
and an imported file alike. Nothing here touches storage.
"""

from __future__ import annotations

from datetime import datetime

from granskning.domain import labels
from granskning.domain.enums import InterviewState, SessionEventKind
from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.domain.text import check_text, line_breaks
from granskning.domain.timefmt import format_local

IS = InterviewState
# The longest note, in characters.
TEXT_LIMIT = 100_000
# The states in which the session's clock runs or waits: the note-taker can move around.
LIVE_STATES = frozenset({IS.running, IS.paused})


# -- the session -----------------------------------------------------------------------------


def move_reasons(interview: int, state: InterviewState) -> list[str]:
    """Why the session of ``interview`` cannot move between questions: it is not running."""
    if state in LIVE_STATES:
        return []
    return [
        _("interview {id} is {state}: moving between questions needs a running session").format(
            id=interview, state=labels.interview_state(state)
        )
    ]


def paper_time_reasons(at: datetime, now: datetime, last: tuple[str, datetime] | None) -> list[str]:
    """Why a session step held on paper at ``at`` cannot be recorded: it is in the future,
    or not after the session's last recorded step.

    :param last: the kind and time of the session's last recorded step, if any.
    """
    if at > now:
        return [
            _("--at {at} is in the future (now it is {now})").format(
                at=format_local(at), now=format_local(now)
            )
        ]
    if last is None or at > last[1]:
        return []
    kind, when = last
    if kind == SessionEventKind.start:
        return [
            _("--at {at} is not after the session started ({start})").format(
                at=format_local(at), start=format_local(when)
            )
        ]
    return [
        _("--at {at} is not after the session's last recorded step ({last})").format(
            at=format_local(at), last=format_local(when)
        )
    ]


# -- notes -----------------------------------------------------------------------------------


def notes_closed_reasons(interview: int, state: InterviewState) -> list[str]:
    """Why notes cannot be taken in ``interview``: notes are taken once the session has
    started, and typed up after it until handover, but not in a cancelled interview."""
    if state == IS.scheduled:
        return [
            _(
                "interview {id} has not started: start its session first (session start {id}; "
                'for a session held on paper, session start {id} --at "YYYY-MM-DD HH:MM")'
            ).format(id=interview)
        ]
    if state == IS.cancelled:
        return [
            _("interview {id} is {state}: its notes are closed").format(
                id=interview, state=labels.interview_state(state)
            )
        ]
    return []


def removed_note_reasons(note: int, removed_at: datetime | None) -> list[str]:
    """Why a note cannot be changed any more: it was removed."""
    if removed_at is None:
        return []
    return [_("note {id} was removed on {date}").format(id=note, date=format_local(removed_at))]


def check_note_text(text: str | None, rating: int | None) -> str:
    """The note's text as it is stored (line breaks as line feeds, stripped), or an
    InputError: too long, control characters (at the ends too: never dropped silently), a
    rating other than 1-4, empty without a rating."""
    body = check_text(line_breaks(text or ""), _("the note")).strip()
    if len(body) > TEXT_LIMIT:
        raise InputError(_("the note is longer than {n} characters").format(n=TEXT_LIMIT))
    if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4)):
        raise InputError(_("a rating is 1, 2, 3 or 4 (got {value})").format(value=rating))
    if not body and rating is None:
        raise InputError(_("the note is empty"))
    return body


def check_reason(reason: str | None) -> str:
    """The reason for removing a note, spaces folded; an InputError if there is none."""
    why = " ".join((reason or "").split())
    if not why:
        raise InputError(_("a reason is required (--reason)"))
    return why


__all__ = [
    "LIVE_STATES",
    "TEXT_LIMIT",
    "check_note_text",
    "check_reason",
    "move_reasons",
    "notes_closed_reasons",
    "paper_time_reasons",
    "removed_note_reasons",
]
