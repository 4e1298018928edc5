"""``granskning interview ...``: schedule, change, cancel and list interviews."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from granskning.cli._base import F, group, lazy, option, store
from granskning.cli._commands import rows_command, show_command
from granskning.cli._output import ok, print_result
from granskning.cli.options import (
    id_argument,
    json_option,
    place_option,
    reason_option,
    review_argument,
    stacked,
    staff_options,
)
from granskning.domain import labels
from granskning.domain.i18n import N_, _


@group(
    "interview",
    help=N_(
        "Interviews: timed question sessions with one group of interviewees.\n\n"
        "\b\nExample:\n  granskning interview add 1 --group fortroendevalda "
        '--start "2026-03-10 09:00" --minutes 90 --moderator 1 --note-taker 2'
    ),
)
def interview() -> None:
    pass


def _slot_options(required: bool) -> Callable[[F], F]:
    """``--group``, ``--start``, ``--minutes``: which group is heard, when, how long."""
    return stacked(
        option(
            "--group",
            "group_id",
            required=required,
            metavar="GROUP",
            help=N_("The interviewee group."),
        ),
        option(
            "--start",
            required=required,
            metavar='"YYYY-MM-DD HH:MM"',
            help=N_("When it starts (Europe/Stockholm)."),
        ),
        option(
            "--minutes", type=int, required=required, metavar="N", help=N_("How long, in minutes.")
        ),
    )


def _interviewee_options(people_help: str, groups_help: str) -> Callable[[F], F]:
    """``--interviewee`` and ``--group-interviewee``, each repeated."""
    return stacked(
        option(
            "--interviewee",
            multiple=True,
            metavar='"Name, Title, Organisation"',
            help=people_help,
        ),
        option(
            "--group-interviewee",
            multiple=True,
            metavar='"Group, N, Organisation"',
            help=groups_help,
        ),
    )


def _who(ref: dict[str, Any] | None) -> str:
    return ref["name"] if ref else ""


def _describe(data: dict[str, Any]) -> None:
    """An interview as lines for people."""
    click.echo(
        _("Interview {id} ({state}): {group}").format(
            id=data["id"],
            state=labels.interview_state(data["state"]),
            group=data["group_name"] or data["group"],
        )
    )
    click.echo(
        _("When: {start}–{end} ({minutes} min)").format(
            start=data["start"], end=data["end"].split(" ", 1)[1], minutes=data["minutes"]
        )
    )
    if data["place"]:
        click.echo(_("Place: {place}").format(place=data["place"]))
    for label, key in (
        (N_("Moderator"), "moderator"),
        (N_("Note-taker"), "note_taker"),
        (N_("Timekeeper"), "timekeeper"),
    ):
        if data[key]:
            click.echo(f"{_(label)}: {data[key]['name']}")
    for person in data["interviewees"]:
        click.echo(_interviewee_line(person))
    if data["interviewees"]:
        click.echo(_("People heard: {n}").format(n=data["participants"]))
    if data["cancel_reason"]:
        click.echo(_("Cancelled: {reason}").format(reason=data["cancel_reason"]))


def _interviewee_line(person: dict[str, Any]) -> str:
    """One interviewee, or a group heard together with its head count."""
    name = ", ".join([person["name"], *(x for x in (person["title"], person["organisation"]) if x)])
    if person["head_count"] is not None:
        return _("Group: {name} ({n} people)").format(name=name, n=person["head_count"])
    return _("Interviewee: {name}").format(name=name)


def _people(named: tuple[str, ...], groups: tuple[str, ...]) -> list[Any]:
    """The interviewees as given: the named people first, then the groups."""
    from granskning.services.interviews import parse_group_interviewee, parse_interviewee

    return [parse_interviewee(x) for x in named] + [parse_group_interviewee(x) for x in groups]


@interview.command(
    "add",
    help=N_(
        "Schedule an interview on a review. The group comes from the review's pinned "
        "template; moderator, note-taker and timekeeper are person ids from the review "
        "team. A team member or place booked twice at the same time is refused (exit 1). "
        'Interviewees are "Name, Title, Organisation"; a group heard together is '
        '--group-interviewee "Group, N, Organisation" and counts as N people.\n\n'
        "\b\nExample:\n  granskning interview add 1 --group fortroendevalda "
        '--start "2026-03-10 09:00" --minutes 90 --place "Stadshuset, rum 3" '
        '--interviewee "Cia Dahl, Kommunalråd, Kommunstyrelsen" --moderator 1 --note-taker 2 --json\n'
        "  granskning interview add 1 --group barn-och-unga "
        '--start "2026-03-10 13:00" --minutes 60 '
        '--group-interviewee "Ungdomsrådet, 6, Gävle kommun" --moderator 1 --note-taker 2'
    ),
)
@review_argument
@_slot_options(required=True)
@place_option(N_("Where."))
@_interviewee_options(
    N_("An interviewee; title and organisation are optional (repeat for each)."),
    N_(
        "A group heard together, with how many people it is (a youth council of 6); the "
        "organisation is optional (repeat for each)."
    ),
)
@staff_options()
@json_option()
def add(
    review_id: int,
    group_id: str,
    start: str,
    minutes: int,
    place: str | None,
    interviewee: tuple[str, ...],
    group_interviewee: tuple[str, ...],
    moderator: int | None,
    note_taker: int | None,
    timekeeper: int | None,
    as_json: bool,
) -> None:
    from granskning.services import interviews

    people = _people(interviewee, group_interviewee)
    st = store()
    row = interviews.add_interview(
        st,
        review_id,
        group=group_id,
        start=start,
        minutes=minutes,
        place=place,
        interviewees=people,
        moderator=moderator,
        note_taker=note_taker,
        timekeeper=timekeeper,
    )
    data = interviews.show_interview(st, row.id)  # type: ignore[arg-type]
    print_result(
        as_json,
        lambda: data,
        _("interview {id} scheduled: {group}, {start}–{end}").format(
            id=data["id"],
            group=data["group_name"] or data["group"],
            start=data["start"],
            end=data["end"].split(" ", 1)[1],
        ),
    )


@interview.command(
    "edit",
    help=N_(
        "Change a scheduled interview: only the options given change. The same conflict "
        "checks as interview add apply; calendars see the change (a higher SEQUENCE). Who "
        "was interviewed (--interviewee, --group-interviewee) can be corrected after the "
        "session too, until the review is handed over.\n\n"
        '\b\nExample:\n  granskning interview edit 3 --start "2026-03-10 13:00" --place Stadshuset\n'
        '  granskning interview edit 3 --interviewee "Cia Dahl, Kommunalråd, Kommunstyrelsen" '
        '--group-interviewee "Ungdomsrådet, 6"'
    ),
)
@id_argument("interview_id")
@_slot_options(required=False)
@place_option(N_("Where (an empty text clears it)."))
@_interviewee_options(
    N_("An interviewee (repeat for each; with --group-interviewee, replaces the list)."),
    N_("A group heard together, with how many people it is (replaces the list too)."),
)
@staff_options()
@option("--no-timekeeper", is_flag=True, help=N_("Remove the timekeeper."))
@json_option()
def edit(interview_id: int, as_json: bool, **given: Any) -> None:
    from granskning.services import interviews

    changes = _changes(**given)
    st = store()
    row = interviews.edit_interview(st, interview_id, **changes)
    print_result(
        as_json,
        lambda: interviews.show_interview(st, interview_id),
        _("interview {id} updated (calendar sequence {sequence})").format(
            id=interview_id, sequence=row.sequence
        ),
    )


def _changes(
    group_id: str | None,
    interviewee: tuple[str, ...],
    group_interviewee: tuple[str, ...],
    no_timekeeper: bool,
    **fields: Any,
) -> dict[str, Any]:
    """What interview edit changes: the options given (start, minutes, place, the staff)."""
    from granskning.domain.errors import InputError

    if no_timekeeper and fields["timekeeper"] is not None:
        raise InputError(_("give --timekeeper or --no-timekeeper, not both"))
    changes = {
        name: value for name, value in {"group": group_id, **fields}.items() if value is not None
    }
    if interviewee or group_interviewee:
        changes["interviewees"] = _people(interviewee, group_interviewee)
    if no_timekeeper:
        changes["timekeeper"] = None
    return changes


list_ = rows_command(
    interview,
    "list",
    N_(
        "List a review's interviews by start time.\n\n\b\nExample:\n  granskning interview list 1 --json"
    ),
    rows=lazy("granskning.services.interviews:list_interviews"),
    headers=[
        N_("id"),
        N_("group"),
        N_("start"),
        N_("minutes"),
        N_("place"),
        N_("state"),
        N_("moderator"),
        N_("note-taker"),
        N_("notes"),
    ],
    cells=lambda r: (
        r["id"],
        r["group"],
        r["start"],
        r["minutes"],
        r["place"],
        labels.interview_state(r["state"]),
        _who(r["moderator"]),
        _who(r["note_taker"]),
        r["notes"],
    ),
)


show = show_command(
    interview,
    "show",
    N_(
        "Show one interview: time, place, roles, interviewees.\n\n\b\nExample:\n  granskning interview show 3 --json"
    ),
    show=lazy("granskning.services.interviews:show_interview"),
    describe=_describe,
)


@interview.command(
    "cancel",
    help=N_(
        "Cancel an interview, with a reason. Calendars show it as cancelled.\n\n"
        "\b\nExample:\n  granskning interview cancel 3 --reason 'Kommunalrådet är sjukt'"
    ),
)
@id_argument("interview_id")
@reason_option(N_("Why it is cancelled."), required=True)
def cancel(interview_id: int, reason: str) -> None:
    from granskning.services import interviews

    interviews.cancel_interview(store(), interview_id, reason)
    ok(_("interview {id} cancelled").format(id=interview_id))
