"""``/reviews/{id}/interviews``: the review's interview schedule, for everyone who may see
the review; and for those who plan it (the lead, coordinators) the forms that add, change
and cancel an interview, calling the same services as ``granskning interview
add/edit/cancel``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.responses import Response

from granskning.domain.access import Do
from granskning.domain.enums import InterviewState as IS, ReviewState
from granskning.domain.errors import InputError
from granskning.domain.i18n import N_, _
from granskning.domain.labels import role
from granskning.domain.rules import TEAM_ROLES
from granskning.domain.timefmt import format_local
from granskning.domain.workflow import FROZEN_STATES
from granskning.services import interviews, reviews
from granskning.services.interviews import (
    MAX_MINUTES,
    PLACE_LIMIT,
    SCHEDULING_STATES,
    IntervieweeInput,
)
from granskning.storage.queries import get_review, pinned_template
from granskning.web.http import Ctx, Routes

routes = Routes()

# the jobs of an interview's staff: (form field, label)
JOBS = (
    ("moderator", N_("Moderator")),
    ("note_taker", N_("Note-taker")),
    ("timekeeper", N_("Timekeeper")),
)
# an interview in these states takes only corrected interviewees (until the handover)
CORRECTING_ONLY = frozenset({IS.running, IS.paused, IS.completed})
CANCELLABLE = frozenset({IS.scheduled, IS.running, IS.paused})
# review states whose content no longer changes
FROZEN = FROZEN_STATES | {ReviewState.cancelled}


@dataclass
class _Entered:
    """An interview's fields as the form gave them, each already checked for its form."""

    group: str = ""
    start: datetime | None = None
    minutes: int | None = None
    place: str | None = None
    staff: dict[str, int | None] = field(default_factory=dict)


# -- what the forms offer --------------------------------------------------------------------


@dataclass(frozen=True)
class _Choices:
    """What the selects of the forms offer, as (value, text) pairs."""

    groups: list[tuple[str, str]]
    staff: list[tuple[str, str]]


def _choices(ctx: Ctx, review: dict[str, Any], interview: dict[str, Any] | None = None) -> _Choices:
    """The groups of the review's pinned template; its team (not the host contact), with
    "nobody" first and anyone an interview has who is no longer on the team."""
    with ctx.store.read() as s:
        template = pinned_template(get_review(s, review["id"]))
    names: dict[int, str] = {}
    roles: dict[int, list[str]] = {}
    for m in review["team"]:
        if m["role"] in TEAM_ROLES:
            names[m["person"]] = m["name"]
            roles.setdefault(m["person"], []).append(role(m["role"]))
    staff = [("", _("– nobody –"))] + [
        (str(pid), "{name} ({roles})".format(name=name, roles=", ".join(roles[pid])))
        for pid, name in names.items()
    ]
    booked = [interview[job] for job, _label in JOBS if interview and interview[job]]
    for ref in booked:
        if ref["id"] not in names:
            names[ref["id"]] = ref["name"]
            staff.append((str(ref["id"]), _("{name} (not on the team)").format(name=ref["name"])))
    return _Choices([(g.id, g.name(ctx.lang)) for g in template.groups], staff)


def _person_line(person: dict[str, Any]) -> str:
    """An interviewee as the form takes it back: "Name, Title, Organisation" (an empty
    title kept as ", ," before an organisation), or "Group, N, Organisation"."""
    organisation = person["organisation"]
    if person["head_count"] is not None:
        parts = [person["name"], str(person["head_count"])]
    else:
        parts = [person["name"]]
        if person["title"] or organisation:
            parts.append(person["title"] or "")
    if organisation:
        parts.append(organisation)
    return ", ".join(parts)


def _people_text(data: dict[str, Any], groups: bool) -> str:
    """The interview's named interviewees (or its groups), one a line."""
    return "\n".join(
        _person_line(p) for p in data["interviewees"] if (p["head_count"] is not None) == groups
    )


def _shown(ctx: Ctx, review_id: int, interview: dict[str, Any] | None = None) -> dict[str, Any]:
    """What both pages show: the review, the choices of the forms, the user's rights."""
    review = reviews.show(ctx.store, review_id)
    choices = _choices(ctx, review, interview)
    return {
        "review": review,
        "review_id": review_id,
        "rights": ctx.granted,
        "Do": Do,
        "jobs": JOBS,
        "group_options": choices.groups,
        "staff_options": choices.staff,
    }


# -- the pages ---------------------------------------------------------------------------------


def changeable(interview_state: str, review_state: str) -> bool:
    """Whether an interview can still be changed at all: a scheduled one while the review
    is being scheduled, a held one (its interviewees) until the handover."""
    if interview_state == IS.scheduled:
        return review_state in SCHEDULING_STATES
    return interview_state in CORRECTING_ONLY and review_state not in FROZEN


@routes.get("/reviews/{review_id:int}/interviews", needs=Do.see)
def schedule_page(ctx: Ctx, review_id: int) -> Response:
    shown = _shown(ctx, review_id)
    shown["interviews"] = interviews.list_interviews(ctx.store, review_id)
    state = shown["review"]["state"]
    may_plan = Do.schedule in ctx.granted
    shown["may_add"] = may_plan and state in SCHEDULING_STATES
    shown["changeable"] = {
        i["id"] for i in shown["interviews"] if may_plan and changeable(i["state"], state)
    }
    return ctx.page("interviews.html", **shown)


@routes.get("/interviews/{interview_id:int}/edit", needs=Do.schedule)
def edit_page(ctx: Ctx, interview_id: int) -> Response:
    data = interviews.show_interview(ctx.store, interview_id)
    shown = _shown(ctx, data["review"], data) | {
        "interview": data,
        "correcting_only": data["state"] in CORRECTING_ONLY,
        "people_text": _people_text(data, groups=False),
        "groups_text": _people_text(data, groups=True),
    }
    shown["open"] = changeable(data["state"], shown["review"]["state"])
    shown["cancellable"] = shown["open"] and data["state"] in CANCELLABLE
    return ctx.page("interviews_edit.html", **shown)


# -- reading the form ----------------------------------------------------------------------------


def _read_slot(ctx: Ctx, choices: _Choices) -> _Entered:
    """The group, start, length, place and staff of the form (errors kept per field)."""
    entered = _Entered(
        group=_chosen(ctx, "group", _("Group"), choices.groups) or "",
        start=ctx.when("start", label=_("Start")),
        minutes=ctx.number("minutes", label=_("Minutes")),
    )
    if entered.minutes is not None:
        try:
            interviews.check_minutes(entered.minutes)
        except InputError:
            ctx.errors["minutes"] = _("Minutes: a whole number from 1 to {max}").format(
                max=MAX_MINUTES
            )
    try:
        entered.place = interviews.check_place(ctx.text("place", required=False))
    except InputError:
        ctx.errors["place"] = _("Place: one line of at most {n} characters").format(n=PLACE_LIMIT)
    for job, label in JOBS:
        chosen = _chosen(ctx, job, _(label), choices.staff)
        entered.staff[job] = int(chosen) if chosen else None
    return entered


def _chosen(ctx: Ctx, name: str, label: str, options: list[tuple[str, str]]) -> str | None:
    """The value of a select, if it is one of its ``options`` (else an error at it)."""
    value = ctx.text(name, required=False, label=label)
    if (value or "") not in {v for v, _text in options}:
        ctx.errors[name] = _("{field}: choose one of the list").format(field=label)
        return None
    return value


def _read_people(ctx: Ctx) -> list[IntervieweeInput]:
    """The interviewees of the form: the named ones, then the groups (errors per field)."""
    out: list[IntervieweeInput] = []
    for name, parse in (
        ("interviewees", interviews.parse_interviewee),
        ("groups", interviews.parse_group_interviewee),
    ):
        problems = []
        lines = _lines(ctx, name)
        for n, line in enumerate(lines, start=1):
            try:
                out.append(parse(line))
            except InputError as exc:
                problems.append(_("line {n}: {problem}").format(n=n, problem=exc))
        if problems:
            ctx.errors[name] = "; ".join(problems)
    return out


def _lines(ctx: Ctx, name: str) -> list[str]:
    """The non-empty lines of a text area, each stripped."""
    text = str(ctx.form.get(name) or "") if ctx.form is not None else ""
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- the forms -----------------------------------------------------------------------------------


@routes.post("/reviews/{review_id:int}/interviews", needs=Do.schedule, again=schedule_page)
def add(ctx: Ctx, review_id: int) -> Response:
    entered = _read_slot(ctx, _choices(ctx, reviews.show(ctx.store, review_id)))
    people = _read_people(ctx)
    ctx.checked()
    assert entered.start is not None and entered.minutes is not None
    row = interviews.add_interview(
        ctx.store,
        review_id,
        group=entered.group,
        start=entered.start,
        minutes=entered.minutes,
        place=entered.place,
        interviewees=people,
        moderator=entered.staff["moderator"],
        note_taker=entered.staff["note_taker"],
        timekeeper=entered.staff["timekeeper"],
    )
    return ctx.done(
        f"/reviews/{review_id}/interviews",
        _("Interview {id} scheduled: {start}").format(id=row.id, start=format_local(row.start)),
    )


@routes.post("/interviews/{interview_id:int}/edit", needs=Do.schedule, again=edit_page)
def edit(ctx: Ctx, interview_id: int) -> Response:
    data = interviews.show_interview(ctx.store, interview_id)
    changes: dict[str, Any] = {}
    if data["state"] not in CORRECTING_ONLY:
        choices = _choices(ctx, reviews.show(ctx.store, data["review"]), data)
        changes = _slot_changes(_read_slot(ctx, choices), data)
    people = _read_people(ctx)
    ctx.checked()
    if not _people_as_shown(ctx, data):
        changes["interviewees"] = people
    back = f"/reviews/{data['review']}/interviews"
    if not changes and data["state"] in CORRECTING_ONLY:
        return ctx.done(back, _("Nothing was changed"))
    # even with nothing changed, the service says whether the interview may change at all
    interviews.edit_interview(ctx.store, interview_id, **changes)
    if not changes:
        return ctx.done(back, _("Nothing was changed"))
    return ctx.done(back, _("Interview {id} updated").format(id=interview_id))


def _people_as_shown(ctx: Ctx, data: dict[str, Any]) -> bool:
    """Whether the form's interviewees are those the page showed (then they are left as
    they are: a linked person or a group's head count is not read back from text)."""
    return all(
        _lines(ctx, name) == _people_text(data, groups).splitlines()
        for name, groups in (("interviewees", False), ("groups", True))
    )


def _slot_changes(entered: _Entered, data: dict[str, Any]) -> dict[str, Any]:
    """The fields the form changes (those it shows as they are stay unchanged, so that a
    time stored to the second is not rounded to the form's minute)."""
    before: dict[str, Any] = {
        "group": data["group"],
        "start": data["start"],
        "minutes": data["minutes"],
        "place": data["place"],
    }
    after: dict[str, Any] = {
        "group": entered.group,
        "start": format_local(entered.start) if entered.start else None,
        "minutes": entered.minutes,
        "place": entered.place,
    }
    for job, _label in JOBS:
        before[job] = data[job]["id"] if data[job] else None
        after[job] = entered.staff.get(job)
    changes = {name: value for name, value in after.items() if value != before[name]}
    if "start" in changes:
        changes["start"] = entered.start
    return changes


@routes.post("/interviews/{interview_id:int}/cancel", needs=Do.schedule, again=edit_page)
def cancel(ctx: Ctx, interview_id: int) -> Response:
    reason = ctx.text("reason", label=_("Reason"))
    ctx.checked()
    assert reason is not None
    row = interviews.cancel_interview(ctx.store, interview_id, reason)
    return ctx.done(
        f"/reviews/{row.review_id}/interviews",
        _("Interview {id} cancelled").format(id=interview_id),
    )
