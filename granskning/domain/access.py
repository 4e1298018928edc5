"""Who may do what to a review: the one answer every page, form, download and API route of
the web application asks (and a hidden button is never the check).

A person's rights in a review come from their roles in its team; a coordinator may do
everything everywhere. Someone with no role in a review may do nothing to it, and is told
it does not exist (404), the same as a review that does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from granskning.domain.enums import Role


class Do(StrEnum):
    """What someone may do to a review."""

    see = "see"  # the review: state, actions, team, schedule
    see_history = "see_history"  # its audit history
    see_notes = "see_notes"  # notes, findings, recommendations, texts, drafts
    see_report = "see_report"  # the handed-over report's versions
    see_checklist = "see_checklist"  # the follow-up checklist and seminar
    advance = "advance"  # every review action (confirm the schedule, hand over, close...)
    team = "team"  # assign and unassign
    schedule = "schedule"  # add, edit, cancel interviews
    notes = "notes"  # write notes in a session
    clock = "clock"  # run the session clock
    findings = "findings"  # findings, recommendations, the report's texts, the draft
    checklist = "checklist"  # record checklist statuses, comments, responsible
    edit_checklist = "edit_checklist"  # add, reword and merge checklist items


_TEAM_READS = frozenset({Do.see, Do.see_history, Do.see_notes, Do.see_report, Do.see_checklist})

RIGHTS: dict[Role, frozenset[Do]] = {
    Role.lead: frozenset(Do),
    Role.reviewer: _TEAM_READS | {Do.notes, Do.findings},
    Role.secretary: _TEAM_READS | {Do.notes, Do.findings},
    Role.timekeeper: _TEAM_READS | {Do.notes, Do.clock},
    # the host sees the review, its schedule and the handed-over report, never the team's
    # notes and drafts; records the checklist's statuses before and at the seminar
    Role.host_contact: frozenset({Do.see, Do.see_report, Do.see_checklist, Do.checklist}),
}


@dataclass(frozen=True)
class Viewer:
    """Who asks: their person, and whether they are a coordinator."""

    person_id: int
    coordinator: bool = False


def may(viewer: Viewer, roles: Iterable[Role | str], what: Do) -> bool:
    """Whether ``viewer``, with ``roles`` in a review's team, may do ``what`` to it."""
    if viewer.coordinator:
        return True
    return any(what in RIGHTS[Role(role)] for role in roles)


def rights(viewer: Viewer, roles: Iterable[Role | str]) -> frozenset[Do]:
    """Everything ``viewer`` may do to the review (empty: it does not exist for them)."""
    if viewer.coordinator:
        return frozenset(Do)
    out: frozenset[Do] = frozenset()
    for role in roles:
        out |= RIGHTS[Role(role)]
    return out


__all__ = ["Do", "RIGHTS", "Viewer", "may", "rights"]
