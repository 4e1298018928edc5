"""``granskning interview ...``: schedule, change, cancel and list interviews."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import TCommand, group, ok, option, print_json, print_table, store
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


def _who(ref: dict[str, Any] | None) -> str:
    return ref["name"] if ref else ""


def _describe(data: dict[str, Any]) -> None:
    click.echo(
        _("Interview {id} ({state}): {group}").format(
            id=data["id"], state=_state(data["state"]), group=data["group_name"] or data["group"]
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
        extra = [x for x in (person["title"], person["organisation"]) if x]
        if person["head_count"] is not None:
            line = _("Group: {name} ({n} people)").format(
                name=", ".join([person["name"], *extra]), n=person["head_count"]
            )
        else:
            line = _("Interviewee: {name}").format(name=", ".join([person["name"], *extra]))
        click.echo(line)
    if data["interviewees"]:
        click.echo(_("People heard: {n}").format(n=data["participants"]))
    if data["cancel_reason"]:
        click.echo(_("Cancelled: {reason}").format(reason=data["cancel_reason"]))


def _people(named: tuple[str, ...], groups: tuple[str, ...]) -> list[Any]:
    """The interviewees as given: the named people first, then the groups."""
    from granskning.services.interviews import parse_group_interviewee, parse_interviewee

    return [parse_interviewee(x) for x in named] + [parse_group_interviewee(x) for x in groups]


def _state(value: str) -> str:
    from granskning.domain.workflow import INTERVIEW_STATE_LABELS
    from granskning.storage.model import InterviewState

    return _(INTERVIEW_STATE_LABELS[InterviewState(value)])


@interview.command(
    "add",
    cls=TCommand,
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
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--group", "group_id", required=True, metavar="GROUP", help=N_("The interviewee group."))
@option(
    "--start",
    required=True,
    metavar='"YYYY-MM-DD HH:MM"',
    help=N_("When it starts (Europe/Stockholm)."),
)
@option("--minutes", type=int, required=True, metavar="N", help=N_("How long, in minutes."))
@option("--place", metavar="TEXT", help=N_("Where."))
@option(
    "--interviewee",
    multiple=True,
    metavar='"Name, Title, Organisation"',
    help=N_("An interviewee; title and organisation are optional (repeat for each)."),
)
@option(
    "--group-interviewee",
    multiple=True,
    metavar='"Group, N, Organisation"',
    help=N_(
        "A group heard together, with how many people it is (a youth council of 6); the "
        "organisation is optional (repeat for each)."
    ),
)
@option("--moderator", type=int, metavar="PERSON", help=N_("The moderator's person id."))
@option("--note-taker", type=int, metavar="PERSON", help=N_("The note-taker's person id."))
@option("--timekeeper", type=int, metavar="PERSON", help=N_("The timekeeper's person id."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
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
    if as_json:
        print_json(data)
    else:
        ok(
            _("interview {id} scheduled: {group}, {start}–{end}").format(
                id=data["id"],
                group=data["group_name"] or data["group"],
                start=data["start"],
                end=data["end"].split(" ", 1)[1],
            )
        )


@interview.command(
    "edit",
    cls=TCommand,
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
@click.argument("interview_id", type=int, metavar="ID")
@option("--group", "group_id", metavar="GROUP", help=N_("The interviewee group."))
@option("--start", metavar='"YYYY-MM-DD HH:MM"', help=N_("When it starts (Europe/Stockholm)."))
@option("--minutes", type=int, metavar="N", help=N_("How long, in minutes."))
@option("--place", metavar="TEXT", help=N_("Where (an empty text clears it)."))
@option(
    "--interviewee",
    multiple=True,
    metavar='"Name, Title, Organisation"',
    help=N_("An interviewee (repeat for each; with --group-interviewee, replaces the list)."),
)
@option(
    "--group-interviewee",
    multiple=True,
    metavar='"Group, N, Organisation"',
    help=N_("A group heard together, with how many people it is (replaces the list too)."),
)
@option("--moderator", type=int, metavar="PERSON", help=N_("The moderator's person id."))
@option("--note-taker", type=int, metavar="PERSON", help=N_("The note-taker's person id."))
@option("--timekeeper", type=int, metavar="PERSON", help=N_("The timekeeper's person id."))
@option("--no-timekeeper", is_flag=True, help=N_("Remove the timekeeper."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def edit(
    interview_id: int,
    group_id: str | None,
    start: str | None,
    minutes: int | None,
    place: str | None,
    interviewee: tuple[str, ...],
    group_interviewee: tuple[str, ...],
    moderator: int | None,
    note_taker: int | None,
    timekeeper: int | None,
    no_timekeeper: bool,
    as_json: bool,
) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import interviews

    if no_timekeeper and timekeeper is not None:
        raise InputError(_("give --timekeeper or --no-timekeeper, not both"))
    changes: dict[str, Any] = {}
    for name, value in (
        ("group", group_id),
        ("start", start),
        ("minutes", minutes),
        ("place", place),
        ("moderator", moderator),
        ("note_taker", note_taker),
        ("timekeeper", timekeeper),
    ):
        if value is not None:
            changes[name] = value
    if interviewee or group_interviewee:
        changes["interviewees"] = _people(interviewee, group_interviewee)
    if no_timekeeper:
        changes["timekeeper"] = None
    st = store()
    row = interviews.edit_interview(st, interview_id, **changes)
    if as_json:
        print_json(interviews.show_interview(st, interview_id))
    else:
        ok(
            _("interview {id} updated (calendar sequence {sequence})").format(
                id=interview_id, sequence=row.sequence
            )
        )


@interview.command(
    "list",
    cls=TCommand,
    help=N_(
        "List a review's interviews by start time.\n\n\b\nExample:\n  granskning interview list 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def list_(review_id: int, as_json: bool) -> None:
    from granskning.services import interviews

    rows = interviews.list_interviews(store(), review_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
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
        [
            (
                r["id"],
                r["group"],
                r["start"],
                r["minutes"],
                r["place"],
                _state(r["state"]),
                _who(r["moderator"]),
                _who(r["note_taker"]),
                r["notes"],
            )
            for r in rows
        ],
    )


@interview.command(
    "show",
    cls=TCommand,
    help=N_(
        "Show one interview: time, place, roles, interviewees.\n\n\b\nExample:\n  granskning interview show 3 --json"
    ),
)
@click.argument("interview_id", type=int, metavar="ID")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def show(interview_id: int, as_json: bool) -> None:
    from granskning.services import interviews

    data = interviews.show_interview(store(), interview_id)
    if as_json:
        print_json(data)
    else:
        _describe(data)


@interview.command(
    "cancel",
    cls=TCommand,
    help=N_(
        "Cancel an interview, with a reason. Calendars show it as cancelled.\n\n"
        "\b\nExample:\n  granskning interview cancel 3 --reason 'Kommunalrådet är sjukt'"
    ),
)
@click.argument("interview_id", type=int, metavar="ID")
@option("--reason", required=True, metavar="TEXT", help=N_("Why it is cancelled."))
def cancel(interview_id: int, reason: str) -> None:
    from granskning.services import interviews

    interviews.cancel_interview(store(), interview_id, reason)
    ok(_("interview {id} cancelled").format(id=interview_id))
