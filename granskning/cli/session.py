"""``granskning session ...``: run an interview's timed question session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from granskning.cli._base import group, lazy, option, store
from granskning.cli._commands import show_command
from granskning.cli._output import print_result, warn
from granskning.cli.options import (
    at_option,
    block_option,
    interview_argument,
    json_option,
    question_option,
    stacked,
)
from granskning.domain import labels
from granskning.domain.i18n import N_, _

if TYPE_CHECKING:
    from datetime import datetime


@group(
    "session",
    help=N_(
        "The timed question session of an interview: run it full screen, or step it from "
        "scripts. The clock lives in the database: stop and start again at any time.\n\n"
        "\b\nExample:\n  granskning session run 3\n  granskning session status 3 --json"
    ),
)
def session() -> None:
    pass


def _print_status(data: dict[str, Any]) -> None:
    from granskning.services.sessions import clock_text

    click.echo(
        _("Interview {id}: {state}").format(
            id=data["id"], state=labels.interview_state(data["state"])
        )
    )
    if data["question"]:
        click.echo(
            _("Question {n}/{count} ({id}): {text}").format(
                n=data["question_number"],
                count=data["question_count"],
                id=data["question"],
                text=data["question_text"],
            )
        )
        click.echo(
            _("Block {n}/{count} {title}: {elapsed} of {budget}, {left} left").format(
                n=data["block_number"],
                count=data["block_count"],
                title=data["block_title"],
                elapsed=clock_text(data["block_elapsed_s"]),
                budget=clock_text(data["block_budget_s"]),
                left=clock_text(data["block_remaining_s"]),
            )
        )
    click.echo(
        _("Session: {elapsed} of {budget}, {left} left").format(
            elapsed=clock_text(data["elapsed_s"]),
            budget=clock_text(data["budget_s"]),
            left=clock_text(data["remaining_s"]),
        )
    )
    for w in data["warnings"]:
        click.secho(w["message"], fg="red" if w["level"] == "over" else "yellow")
    for o in data["overruns"]:
        click.echo(
            _("Overrun: {what} +{over}").format(
                what=o["block"] or _("session"), over=clock_text(o["over_s"])
            )
        )


status_json = json_option(N_("Print the status as JSON."))


def _done(interview_id: int, name: str, data: dict[str, Any], as_json: bool) -> None:
    """After a session step: the status as JSON, or what the step did."""
    print_result(
        as_json,
        lambda: data,
        _("interview {id}: {done}; now {state}").format(
            id=interview_id,
            done=labels.session_done(name),
            state=labels.interview_state(data["state"]),
        ),
    )


def _when(at: str | None) -> datetime | None:
    """The time given with --at, if any."""
    from granskning.domain.timefmt import parse_local

    return parse_local(at, "--at") if at is not None else None


def _step(name: str, help: str, *, on_paper: bool = False) -> click.Command:
    """``session NAME INTERVIEW``: a step of the session clock, its status after it; with
    ``on_paper``, ``--at`` enters the step of a session held on paper."""

    def command(interview_id: int, as_json: bool, at: str | None = None) -> None:
        from granskning.services import sessions

        when = (_when(at),) if on_paper else ()  # a bad --at stops before the database opens
        data = getattr(sessions, name)(store(), interview_id, *when)
        if name == "start" and data["far_from_schedule"]:
            _warn_far_from_schedule(interview_id, at, data)
        _done(interview_id, name, data, as_json)

    at = [at_option()] if on_paper else []
    return session.command(name, help=help)(stacked(interview_argument, *at, status_json)(command))


def _warn_far_from_schedule(interview_id: int, at: str | None, data: dict[str, Any]) -> None:
    if at is None:
        message = _(
            "warning: interview {id} was scheduled for {scheduled}, more than a day from "
            "now ({started}); the report's visit dates follow this start. For a session "
            'held on paper, give its real start: --at "YYYY-MM-DD HH:MM"'
        )
    else:
        message = _(
            "warning: interview {id} was scheduled for {scheduled}; --at {started} is "
            "more than a day from it, and the report's visit dates follow --at"
        )
    warn(message.format(id=interview_id, scheduled=data["scheduled"], started=data["started"]))


start = _step(
    "start",
    N_(
        "Start the session at its first question (the first session of a scheduled review "
        "starts the visit). A session held on paper is entered with its real start: --at. "
        "A start more than a day from the scheduled one is warned about.\n\n"
        "\b\nExample:\n  granskning session start 3\n"
        '  granskning session start 3 --at "2026-03-10 09:05"'
    ),
    on_paper=True,
)
pause = _step("pause", N_("Pause the session clock.\n\n\b\nExample:\n  granskning session pause 3"))
resume = _step(
    "resume", N_("Resume the session clock.\n\n\b\nExample:\n  granskning session resume 3")
)
end = _step(
    "end",
    N_(
        "End the session; overruns are recorded in the audit log. A session held on paper "
        "is entered with its real end: --at, after its start. Notes can still be added "
        "until the review is handed over.\n\n\b\nExample:\n"
        "  granskning session end 3 --json\n"
        '  granskning session end 3 --at "2026-03-10 10:30"'
    ),
    on_paper=True,
)


status = show_command(
    session,
    "status",
    N_(
        "Where the session is: elapsed and remaining time of the session and the current "
        "block, the current question, warnings and overruns. Remaining times go negative "
        "past the budget.\n\n\b\nExample:\n  granskning session status 3 --json"
    ),
    show=lazy("granskning.services.sessions:status"),
    describe=_print_status,
    metavar="INTERVIEW",
)


@session.command(
    "goto",
    help=N_(
        "Move a running session to a question, a block's first question, or the next or "
        "previous question.\n\n\b\nExample:\n  granskning session goto 3 --question infl-2\n"
        "  granskning session goto 3 --next"
    ),
)
@interview_argument
@question_option(N_("The question's id."))
@block_option(N_("The block's id: go to its first question."))
@option("--next", "forward", is_flag=True, help=N_("The next question."))
@option("--previous", "back", is_flag=True, help=N_("The previous question."))
@status_json
def goto(
    interview_id: int,
    question: str | None,
    block: str | None,
    forward: bool,
    back: bool,
    as_json: bool,
) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import sessions

    chosen = [x for x in (question, block, forward or None, back or None) if x]
    if len(chosen) != 1:
        raise InputError(_("give exactly one of --question, --block, --next and --previous"))
    st = store()
    if question:
        data = sessions.goto(st, interview_id, question)
    elif block:
        data = sessions.goto_block(st, interview_id, block)
    elif forward:
        data = sessions.next_question(st, interview_id)
    else:
        data = sessions.previous_question(st, interview_id)
    print_result(
        as_json,
        lambda: data,
        _("interview {id}: now at question {question}").format(
            id=interview_id, question=data["question"]
        ),
    )


@session.command(
    "run",
    help=N_(
        "Run the session full screen, for the note-taker: the block, the question and its "
        "follow-ups, countdowns for the session and the block (amber near the budget, red "
        "past it). Keys: space start/pause/resume, n/p or arrows next/previous question, "
        "b jump to a block, a write a note (ctrl+s saves), 1-4 rate, e end, q quit. Every "
        "note is saved at once; run it again after a crash to carry on where you were.\n\n"
        "\b\nExample:\n  granskning session run 3"
    ),
)
@interview_argument
def run(interview_id: int) -> None:
    from granskning.tui.session_screen import run_session

    run_session(store(), interview_id)
