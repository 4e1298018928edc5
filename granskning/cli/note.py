"""``granskning note ...``: notes taken in an interview, per question."""

from __future__ import annotations

import click

from granskning.cli._base import TCommand, group, ok, option, print_json, read_text_input, store
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


@note.command(
    "add",
    cls=TCommand,
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
@click.argument("interview_id", type=int, metavar="INTERVIEW")
@option("--question", metavar="QID", help=N_("The question's id (see session status)."))
@option("--text", metavar="TEXT", help=N_("The note."))
@option("--file", "path", metavar="PATH", help=N_("Read the note from a file (- for stdin)."))
@option("--rating", type=int, metavar="1-4", help=N_("The answer to a rating question."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def add(
    interview_id: int,
    question: str | None,
    text: str | None,
    path: str | None,
    rating: int | None,
    as_json: bool,
) -> None:
    from granskning.services import sessions

    body = "" if rating is not None and text is None and path is None else None
    if body is None:
        body = read_text_input(text, path)
    st = store()
    row = sessions.add_note(st, interview_id, question, body, rating)
    if as_json:
        print_json(sessions.note_dict(row, sessions.load_plan(st, interview_id)))
    else:
        ok(_("note {id} saved").format(id=row.id))


@note.command(
    "list",
    cls=TCommand,
    help=N_(
        "List an interview's notes in the order they were written.\n\n"
        "\b\nExample:\n  granskning note list 3 --json"
    ),
)
@click.argument("interview_id", type=int, metavar="INTERVIEW")
@option("--question", metavar="QID", help=N_("Only this question's notes."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
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
        click.secho(head, bold=True)
        if r["text"]:
            click.echo(r["text"])
        click.echo()


@note.command(
    "edit",
    cls=TCommand,
    help=N_(
        "Correct a note's text. The audit log keeps the text it had; refused once the "
        "review is handed over.\n\n"
        "\b\nExample:\n  granskning note edit 12 --text 'Budgeten styr det mesta'\n"
        "  granskning note edit 12 --file rättad.txt"
    ),
)
@click.argument("note_id", type=int, metavar="NOTE")
@option("--text", metavar="TEXT", help=N_("The corrected note."))
@option(
    "--file", "path", metavar="PATH", help=N_("Read the corrected note from a file (- for stdin).")
)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def edit(note_id: int, text: str | None, path: str | None, as_json: bool) -> None:
    from granskning.services import sessions

    body = read_text_input(text, path)
    st = store()
    row = sessions.edit_note(st, note_id, body)
    if as_json:
        print_json(sessions.note_dict(row, sessions.load_plan(st, row.interview_id)))
    else:
        ok(_("note {id} corrected").format(id=note_id))


@note.command(
    "remove",
    cls=TCommand,
    help=N_(
        "Remove a note, with a reason: it leaves note lists, the session screen and the "
        "reports. The audit log keeps its text and the reason; refused once the review is "
        "handed over.\n\n"
        "\b\nExample:\n  granskning note remove 12 --reason 'Skrevs på fel intervju'"
    ),
)
@click.argument("note_id", type=int, metavar="NOTE")
@option("--reason", required=True, metavar="TEXT", help=N_("Why the note is removed."))
def remove(note_id: int, reason: str) -> None:
    from granskning.services import sessions

    sessions.remove_note(store(), note_id, reason)
    ok(_("note {id} removed").format(id=note_id))
