"""``granskning note ...``: notes taken in an interview, per question."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import group, lazy, option, read_text_input, store
from granskning.cli._commands import edit_command, remove_command
from granskning.cli._output import print_json, print_result
from granskning.cli.options import interview_argument, json_option, question_option, text_options
from granskning.domain.i18n import N_, _


@group(
    "note",
    help=N_(
        "Notes of an interview: per question, or free observations.\n\n"
        "\b\nExample:\n  granskning note add 3 --question styr-1 --text 'Budgeten styr'"
    ),
)
def note() -> None:
    pass


def _note_dict(row: Any) -> Any:
    """A note as JSON, its question's text taken from the interview's plan."""
    from granskning.services import sessions

    return sessions.note_dict(row, sessions.load_plan(store(), row.interview_id))


@note.command(
    "add",
    help=N_(
        "Write a note on a question of the interview (without --question: a free "
        "observation). Rating questions take --rating 1-4, with or without text. The note "
        "is saved at once. Notes are taken once the session has started, and can be typed "
        "up after it ends until the review is handed over.\n\n"
        "\b\nExample:\n  granskning note add 3 --question styr-1 --text 'Styrdokumenten nämner barnkonventionen'\n"
        "  granskning note add 3 --question infl-6 --rating 3\n"
        "  granskning note add 3 --question infl-2 --file anteckning.txt --json"
    ),
)
@interview_argument
@question_option(N_("The question's id (see session status)."))
@text_options(N_("The note."), N_("Read the note from a file (- for stdin)."))
@option("--rating", type=int, metavar="1-4", help=N_("The answer to a rating question."))
@option(
    "--uuid",
    "uid",
    metavar="UUID",
    help=N_(
        "The note's own id (32 hex digits or the dashed form): given again, the note "
        "already saved with it is shown and nothing is written twice."
    ),
)
@json_option()
def add(
    interview_id: int,
    question: str | None,
    text: str | None,
    path: str | None,
    rating: int | None,
    uid: str | None,
    as_json: bool,
) -> None:
    from granskning.services import sessions

    only_rating = rating is not None and text is None and path is None
    body = "" if only_rating else read_text_input(text, path)
    taken = sessions.take_note(store(), interview_id, question, body, rating, uid=uid)
    print_result(
        as_json,
        lambda: sessions.note_dict(taken.note, taken.plan),
        _("note {id} saved").format(id=taken.note.id),
    )


@note.command(
    "list",
    help=N_(
        "List an interview's notes in the order they were written.\n\n"
        "\b\nExample:\n  granskning note list 3 --json"
    ),
)
@interview_argument
@question_option(N_("Only this question's notes."))
@json_option()
def list_(interview_id: int, question: str | None, as_json: bool) -> None:
    from granskning.services import sessions

    rows = sessions.list_notes(store(), interview_id, question)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        head = f"[{r['id']}] {r['created']} {r['question'] or _('free observation')}"
        if r["rating"] is not None:
            head += " " + _("rating {value}").format(value=r["rating"])
        if r["quoted"]:
            head += " " + _("(quoted in the report)")
        click.secho(head, bold=True)
        if r["text"]:
            click.echo(r["text"])
        click.echo()


edit = edit_command(
    note,
    N_(
        "Correct a note's text. The audit log keeps the text it had; refused once the "
        "review is handed over.\n\n"
        "\b\nExample:\n  granskning note edit 12 --text 'Budgeten styr det mesta'\n"
        "  granskning note edit 12 --file rättad.txt"
    ),
    edit=lazy("granskning.services.sessions:edit_note"),
    as_dict=_note_dict,
    changed=N_("note {id} corrected"),
    metavar="NOTE",
    text_help=N_("The corrected note."),
    file_help=N_("Read the corrected note from a file (- for stdin)."),
)
remove = remove_command(
    note,
    N_(
        "Remove a note, with a reason: it leaves note lists, the session screen and the "
        "reports. The audit log keeps its text and the reason; refused once the review is "
        "handed over.\n\n"
        "\b\nExample:\n  granskning note remove 12 --reason 'Skrevs på fel intervju'"
    ),
    remove=lazy("granskning.services.sessions:remove_note"),
    removed=N_("note {id} removed"),
    metavar="NOTE",
    reason_help=N_("Why the note is removed."),
)


@note.command(
    "quote",
    help=N_(
        "Choose a note as a quote for the report's body, shown in its block's chapter with "
        "the group's name, never a person's. --off takes the choice back. Refused for a "
        "removed note and once the review is handed over.\n\n"
        "\b\nExample:\n  granskning note quote 12\n  granskning note quote 12 --off"
    ),
)
@click.argument("note_id", type=int, metavar="NOTE")
@option("--off", is_flag=True, help=N_("No longer a quote."))
@json_option()
def quote(note_id: int, off: bool, as_json: bool) -> None:
    from granskning.services import sessions

    row = sessions.quote_note(store(), note_id, not off)
    message = (
        _("note {id} is no longer quoted in the report")
        if off
        else _("note {id} is quoted in the report")
    )
    print_result(as_json, lambda: _note_dict(row), message.format(id=note_id))
