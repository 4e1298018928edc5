"""The words people read for the ids the program stores: one place for every label.

States, actions, roles, interview states and follow-up statuses are stored and typed as ids
(``handed_over``, ``confirm_schedule``, ``host_contact``); ``--json`` keeps them. Every
line written for a person shows these labels instead, in the reader's language. The
tables hold English msgids marked with ``N_``; the functions translate when called, so
``--lang`` chosen after import still applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from granskning.domain.enums import FollowUpStatus, InterviewState, ReviewState, Role
from granskning.domain.i18n import N_, _, ngettext

S = ReviewState
IS = InterviewState

STATE_LABELS = {
    S.planned: N_("planned"),
    S.scheduled: N_("scheduled"),
    S.visiting: N_("visiting"),
    S.drafting: N_("drafting"),
    S.handed_over: N_("handed over"),
    S.follow_up_scheduled: N_("follow-up scheduled"),
    S.followed_up: N_("followed up"),
    S.closed: N_("closed"),
    S.cancelled: N_("cancelled"),
}

# What each action means, for tables, help texts and diagrams.
ACTION_LABELS = {
    "confirm_schedule": N_("confirm the schedule"),
    "start_visit": N_("start the visit"),
    "finish_visit": N_("finish the visit"),
    "hand_over": N_("hand over the report"),
    "schedule_seminar": N_("schedule the follow-up seminar"),
    "hold_seminar": N_("hold the follow-up seminar"),
    "close": N_("close the review"),
    "reopen": N_("reopen for drafting"),
    "cancel": N_("cancel the review"),
}

# What was done, for the line that reports an action taken.
ACTION_DONE_LABELS = {
    "confirm_schedule": N_("schedule confirmed"),
    "start_visit": N_("visit started"),
    "finish_visit": N_("visit finished"),
    "hand_over": N_("report handed over"),
    "schedule_seminar": N_("follow-up seminar scheduled"),
    "hold_seminar": N_("follow-up seminar held"),
    "close": N_("review closed"),
    "reopen": N_("review reopened for drafting"),
    "cancel": N_("review cancelled"),
}

INTERVIEW_STATE_LABELS = {
    IS.scheduled: N_("scheduled"),
    IS.running: N_("running"),
    IS.paused: N_("paused"),
    IS.completed: N_("completed"),
    IS.cancelled: N_("cancelled"),
}

SESSION_DONE_LABELS = {
    "start": N_("session started"),
    "pause": N_("session paused"),
    "resume": N_("session resumed"),
    "end": N_("session ended"),
    "cancel": N_("interview cancelled"),
}

# Roles as a noun in a sentence ("... cannot be review lead").
ROLE_LABELS = {
    Role.lead: N_("review lead"),
    Role.reviewer: N_("reviewer"),
    Role.secretary: N_("secretary"),
    Role.timekeeper: N_("timekeeper"),
    Role.host_contact: N_("host contact"),
}

STATUS_LABELS = {
    FollowUpStatus.not_started: N_("not started"),
    FollowUpStatus.in_progress: N_("in progress"),
    FollowUpStatus.done: N_("done"),
}
COLOUR_LABELS = {
    FollowUpStatus.not_started: N_("red"),
    FollowUpStatus.in_progress: N_("amber"),
    FollowUpStatus.done: N_("green"),
}


# What each kind of audit event records, for the history's "action" column (the review's own
# actions use ACTION_DONE_LABELS).
EVENT_LABELS = {
    "review.create": N_("review created"),
    "review.assign": N_("role assigned"),
    "review.unassign": N_("role removed"),
    "review.import": N_("imported"),
    "review.replan": N_("reviewing municipalities changed"),
    "review.reschedule_seminar": N_("seminar moved"),
    "review.set_participants": N_("seminar participants noted"),
    "review.set_next_steps": N_("next steps written"),
    "review.set_next_follow_up": N_("next follow-up dated"),
    "review.set_language": N_("document language changed"),
    "interview.add": N_("interview scheduled"),
    "interview.edit": N_("interview changed"),
    "interview.cancel": N_("interview cancelled"),
    "interview.start": N_("session started"),
    "interview.pause": N_("session paused"),
    "interview.resume": N_("session resumed"),
    "interview.end": N_("session ended"),
    "note.edit": N_("note corrected"),
    "note.remove": N_("note removed"),
    "finding.add": N_("finding added"),
    "finding.edit": N_("finding changed"),
    "finding.remove": N_("finding removed"),
    "finding.none": N_("no findings noted"),
    "recommendation.add": N_("recommendation added"),
    "recommendation.edit": N_("recommendation changed"),
    "recommendation.remove": N_("recommendation removed"),
    "report.text_add": N_("report text written"),
    "report.text_replace": N_("report text rewritten"),
    "report.store_version": N_("report version stored"),
    "report.purge": N_("report version purged"),
    "follow_up_item.create_items": N_("checklist made"),
    "follow_up_item.add": N_("checklist item added"),
    "follow_up_item.edit": N_("checklist item reworded"),
    "follow_up_item.merge": N_("checklist items merged"),
    "follow_up_item.record": N_("status recorded"),
    "follow_up_item.correct": N_("status corrected"),
    "round.create": N_("round created"),
    "round.plan": N_("round planned"),
    "round.set_language": N_("document language changed"),
    "municipality.add": N_("municipality added"),
    "municipality.rename": N_("municipality renamed"),
    "setting.set": N_("setting changed"),
    "person.add": N_("person added"),
    "person.edit": N_("person corrected"),
    "person.forget": N_("person forgotten"),
    "database.restore": N_("database restored"),
    "account.add": N_("web account added"),
    "account.disable": N_("web account disabled"),
    "account.password": N_("new password set"),
    "account.login": N_("logged in"),
    "account.login_failed": N_("login failed"),
    "account.login_throttled": N_("login refused: too many failures"),
    "account.logout": N_("logged out"),
    "account.token_add": N_("API token made"),
    "account.token_revoke": N_("API token revoked"),
}


def _look_up(table: dict[str, str], value: str | None) -> str:
    # An id the table does not know (a newer database) is shown as it is, never a crash.
    if value is None:
        return "-"
    msgid = table.get(str(value))
    return _(msgid) if msgid else str(value)


def state(value: str | None) -> str:
    """A review state in the reader's language."""
    return _look_up(STATE_LABELS, value)  # type: ignore[arg-type]


def action(value: str | None) -> str:
    """A review action in the reader's language ("confirm the schedule")."""
    return _look_up(ACTION_LABELS, value)


def action_done(value: str | None) -> str:
    """What a review action did, in the reader's language ("schedule confirmed")."""
    return _look_up(ACTION_DONE_LABELS, value)


def interview_state(value: str | None) -> str:
    """An interview state in the reader's language."""
    return _look_up(INTERVIEW_STATE_LABELS, value)  # type: ignore[arg-type]


def session_done(value: str | None) -> str:
    """What a session action did, in the reader's language ("session started")."""
    return _look_up(SESSION_DONE_LABELS, value)


def role(value: str | None) -> str:
    """A team role in the reader's language."""
    return _look_up(ROLE_LABELS, value)  # type: ignore[arg-type]


def status(value: str | None) -> str:
    """A follow-up status in the reader's language."""
    return _look_up(STATUS_LABELS, value)  # type: ignore[arg-type]


def colour(value: str | None) -> str:
    """The colour of a follow-up status in the reader's language."""
    return _look_up(COLOUR_LABELS, value)  # type: ignore[arg-type]


def event(entity: str, action: str) -> str:
    """What an audit event records, in words: a review's action or another kind of event."""
    if entity == "review" and action in ACTION_DONE_LABELS:
        return action_done(action)
    return _look_up(EVENT_LABELS, f"{entity}.{action}")


def joined(items: Iterable[str]) -> str:
    """``A, B and C`` in the reader's language."""
    names = [str(i) for i in items]
    if len(names) <= 1:
        return "".join(names)
    return _("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


def listed(labels: Iterable[str]) -> str:
    """Labels separated by commas, or a dash for none."""
    return ", ".join(labels) or "-"


# words for counted things, per kind; ngettext needs the literal pair at its call for the
# catalog, so each kind has its own small function
_COUNTED: dict[str, Callable[[int], str]] = {
    "municipalities": lambda n: ngettext("{n} municipality", "{n} municipalities", n),
    "rounds": lambda n: ngettext("{n} round", "{n} rounds", n),
    "people": lambda n: ngettext("{n} person", "{n} people", n),
    "reviews": lambda n: ngettext("{n} review", "{n} reviews", n),
    "assignments": lambda n: ngettext("{n} role on the team", "{n} roles on the team", n),
    "interviews": lambda n: ngettext("{n} interview", "{n} interviews", n),
    "interviewees": lambda n: ngettext("{n} interviewee", "{n} interviewees", n),
    "session_events": lambda n: ngettext("{n} session event", "{n} session events", n),
    "notes": lambda n: ngettext("{n} note", "{n} notes", n),
    "findings": lambda n: ngettext("{n} finding", "{n} findings", n),
    "recommendations": lambda n: ngettext("{n} recommendation", "{n} recommendations", n),
    "report_texts": lambda n: ngettext("{n} report text", "{n} report texts", n),
    "report_versions": lambda n: ngettext("{n} report version", "{n} report versions", n),
    "follow_up_items": lambda n: ngettext("{n} checklist item", "{n} checklist items", n),
    "audit": lambda n: ngettext("{n} audit event", "{n} audit events", n),
}


def _counted_phrase(kind: str, n: int) -> str | None:
    phrase = _COUNTED.get(kind)
    return phrase(n) if phrase else None


def counted(kind: str, n: int) -> str:
    """``n`` things of ``kind`` (a table-like key: ``notes``, ``notes_updated``) for people."""
    for suffix, form in (
        ("_updated", N_("{things} updated")),
        ("_purged", N_("{things} purged")),
    ):
        if kind.endswith(suffix):
            return _(form).format(things=counted(kind.removesuffix(suffix), n))
    phrase = _counted_phrase(kind, n)
    # a kind without words of its own (added later) still reads, if plainly
    return phrase.format(n=n) if phrase else f"{kind.replace('_', ' ')} {n}"


def counts(by_kind: dict[str, int]) -> str:
    """Counts per kind as one phrase: ``5 notes, 1 review updated``."""
    return ", ".join(counted(k, v) for k, v in by_kind.items())


# Every id that has a label: a test scans human output for ids that leaked through.
RAW_IDS = frozenset(
    [s.value for s in ReviewState]
    + list(ACTION_LABELS)
    + [s.value for s in InterviewState]
    + [r.value for r in Role]
    + [s.value for s in FollowUpStatus]
)
