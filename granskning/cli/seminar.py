"""``granskning seminar ...``: the follow-up seminar and its checklist."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import group, lazy, option, store
from granskning.cli._commands import rows_command
from granskning.cli._output import ok, print_json, print_result
from granskning.cli._pdf import pdf_beside, pdf_needs_output, pdf_option
from granskning.cli.options import (
    STATUSES,
    block_option,
    item_option,
    json_option,
    output_option,
    place_option,
    reason_option,
    review_argument,
    text_options,
    word_template_option,
)
from granskning.domain import labels
from granskning.domain.i18n import N_, _


@group(
    "seminar",
    help=N_(
        "The follow-up seminar (uppföljningsseminarium): schedule it, keep the checklist, "
        "record each item's status.\n\n"
        "\b\nExample:\n  granskning seminar schedule 1 --start '2026-09-15 13:00' --place Stadshuset\n"
        "  granskning seminar items 1"
    ),
)
def seminar() -> None:
    pass


@seminar.command(
    "schedule",
    help=N_(
        "Schedule the follow-up seminar, 4-6 months after the handover, or move it. Without "
        "--start it is scheduled at the suggested time; --suggest only shows the suggestion.\n\n"
        "\b\nExample:\n  granskning seminar schedule 1 --start '2026-09-15 13:00' --place 'Stadshuset, sal 2'\n"
        "  granskning seminar schedule 1 --suggest"
    ),
)
@review_argument
@option("--start", metavar="'YYYY-MM-DD HH:MM'", help=N_("When the seminar starts (local time)."))
@place_option(N_("Where the seminar is held."))
@option("--suggest", is_flag=True, help=N_("Only show the suggested time; change nothing."))
@json_option()
def schedule(
    review_id: int, start: str | None, place: str | None, suggest: bool, as_json: bool
) -> None:
    from granskning.domain.timefmt import parse_local
    from granskning.services import followup

    st = store()
    if suggest:
        _suggest(followup.suggestion(st, review_id), as_json)
        return
    when = parse_local(start, "--start") if start else None
    if when is None:
        data = followup.suggestion(st, review_id)
        click.echo(
            _("No --start given: using the suggested {start}").format(start=data["start"]), err=True
        )
    info = followup.schedule(st, review_id, when, place)
    if as_json:
        print_json(info)
    else:
        _say_scheduled(review_id, info)


def _suggest(data: dict[str, Any], as_json: bool) -> None:
    """The suggested time of the seminar (--suggest)."""
    if as_json:
        print_json(data)
        return
    click.echo(
        _("Suggested: {start} (handed over {handed}; 4-6 months: {earliest} to {latest})").format(
            start=data["start"],
            handed=data["handed_over"],
            earliest=data["earliest"],
            latest=data["latest"],
        )
    )


def _say_scheduled(review_id: int, info: dict[str, Any]) -> None:
    """When and where the seminar is, and a note when that is outside the usual months."""
    ok(
        _("review {id}: seminar {start}{place}").format(
            id=review_id,
            start=info["start"],
            place=f", {info['place']}" if info["place"] else "",
        )
    )
    window = info["window"]
    if window and not window["earliest"] <= (info["start"] or "")[:10] <= window["latest"]:
        click.echo(
            _("note: outside the usual 4-6 months after handover ({earliest} to {latest})").format(
                earliest=window["earliest"], latest=window["latest"]
            ),
            err=True,
        )


def _row(r: dict[str, Any]) -> tuple[Any, ...]:
    if r["merged_into"] is not None:
        status = _("merged into {id}").format(id=r["merged_into"])
    elif r["status"]:
        status = f"{r['status_label']} ({r['colour_label']})"
    else:
        status = "–"
    return (
        r["id"],
        r["code"],
        r["block_title"] or r["block"] or "",
        r["source_label"],
        r["text"],
        status,
        r["comment"],
        r["responsible"],
        r["deadline"],
    )


items = rows_command(
    seminar,
    "items",
    N_(
        "The follow-up checklist: each item with its id, block, source, text and status.\n\n"
        "\b\nExample:\n  granskning seminar items 1 --json"
    ),
    rows=lazy("granskning.services.followup:items"),
    headers=[
        N_("id"),
        N_("number"),
        N_("block"),
        N_("source"),
        N_("text"),
        N_("status"),
        N_("comment"),
        N_("responsible"),
        N_("done by"),
    ],
    cells=_row,
)


def _item(review_id: int, item_id: int) -> dict[str, Any]:
    """One item of the review's checklist, as ``seminar items --json`` shows it."""
    from granskning.services import followup

    return next(r for r in followup.items(store(), review_id) if r["id"] == item_id)


@seminar.command(
    "add-item",
    help=N_(
        "Add a checklist item of your own before the seminar.\n\n"
        "\b\nExample:\n  granskning seminar add-item 1 --text 'Barnbokslut tas fram' --block styrprocesser"
    ),
)
@review_argument
@option("--text", required=True, metavar="TEXT", help=N_("What is to be followed up."))
@block_option(N_("The template block it belongs to."))
@json_option()
def add_item(review_id: int, text: str, block: str | None, as_json: bool) -> None:
    from granskning.services import followup

    item = followup.add_item(store(), review_id, text, block)
    done = _("checklist item {item} added to review {id}").format(item=item.id, id=review_id)
    print_result(as_json, lambda: _item(review_id, item.id), done)  # type: ignore[arg-type]


@seminar.command(
    "edit-item",
    help=N_(
        "Reword a checklist item, or move it to another block, before the seminar; the "
        "audit log keeps the earlier text. An empty --block makes it a general item.\n\n"
        "\b\nExample:\n  granskning seminar edit-item 1 --item 3 --text 'Barnbokslut tas fram årligen'\n"
        "  granskning seminar edit-item 1 --item 3 --block inflytande"
    ),
)
@review_argument
@item_option()
@option("--text", metavar="TEXT", help=N_("The item's new wording."))
@block_option(N_("The template block it belongs to."))
@json_option()
def edit_item(
    review_id: int, item_id: int, text: str | None, block: str | None, as_json: bool
) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import followup

    if text is None and block is None:
        raise InputError(_("give --text, --block or both"))
    followup.edit_item(store(), review_id, item_id, text=text, block=block)
    done = _("checklist item {item} of review {id} updated").format(item=item_id, id=review_id)
    print_result(as_json, lambda: _item(review_id, item_id), done)


@seminar.command(
    "merge",
    help=N_(
        "Merge one checklist item into another before the seminar (one status then covers both).\n\n"
        "\b\nExample:\n  granskning seminar merge 1 --item 4 --into 2"
    ),
)
@review_argument
@item_option(N_("The item to merge."))
@item_option(N_("The item it joins."), option_name="--into", dest="into_id")
def merge(review_id: int, item_id: int, into_id: int) -> None:
    from granskning.services import followup

    followup.merge(store(), review_id, item_id, into_id)
    ok(_("item {item} merged into item {into}").format(item=item_id, into=into_id))


@seminar.command(
    "record",
    help=N_(
        "Record an item's status at the seminar: not_started (red), in_progress (amber) or "
        "done (green), with a comment, who is responsible and when it is to be done by "
        "(--deadline). After the seminar, a status "
        "recorded wrongly is corrected with --reason (audited, with the status it had).\n\n"
        "\b\nExample:\n  granskning seminar record 1 --item 2 --status in_progress "
        "--comment 'Plan antagen, genomförs hösten' --responsible 'Barn- och utbildningschef' "
        "--deadline 2026-12-31\n"
        "  granskning seminar record 1 --item 2 --status done "
        "--reason 'Fel status antecknades på seminariet'"
    ),
)
@review_argument
@item_option()
@option("--status", type=click.Choice(STATUSES), required=True, help=N_("The item's status."))
@option("--comment", metavar="TEXT", help=N_("What was said about the item."))
@option("--responsible", metavar="TEXT", help=N_("Who is responsible for it."))
@option(
    "--deadline",
    metavar="YYYY-MM-DD",
    help=N_("When it is to be done by (klart senast); an empty value clears it."),
)
@json_option(N_("Print the item as JSON."))
@reason_option(N_("Why a status recorded at a seminar already held is corrected."))
def record(
    review_id: int,
    item_id: int,
    status: str,
    comment: str | None,
    responsible: str | None,
    deadline: str | None,
    as_json: bool,
    reason: str | None,
) -> None:
    from granskning.services import followup

    followup.record_status(
        store(),
        review_id,
        item_id,
        status,
        comment=comment,
        responsible=responsible,
        reason=reason,
        deadline=deadline,
    )
    print_result(
        as_json,
        lambda: _item(review_id, item_id),
        _("item {item}: {status} ({colour})").format(
            item=item_id, status=labels.status(status), colour=labels.colour(status)
        ),
    )


@seminar.command(
    "checklist",
    help=N_(
        "Write the follow-up checklist as a Word document: room for status, comment and "
        "responsible before the seminar, what was recorded after it.\n\n"
        "\b\nExample:\n  granskning seminar checklist 1 -o uppfoljning.docx --pdf"
    ),
)
@review_argument
@output_option(dest="out", metavar="FILE.docx")
@word_template_option(N_("A restyled copy of the checklist's Word template."))
@pdf_option()
def checklist(review_id: int, out: str, template: str | None, pdf: bool) -> None:
    from pathlib import Path

    from granskning.services import followup

    target = Path(out)
    with pdf_beside(target, pdf):
        path = followup.build_checklist(
            store(), review_id, target, Path(template) if template else None
        )
        ok(_("checklist written: {path}").format(path=path))


# -- the seminar record (minnesanteckningar) --------------------------------------------------


@seminar.command(
    "participants",
    help=N_(
        "The seminar's participants, for its record and the checklist's list to sign. "
        "--participant (repeated) replaces the list; --clear empties it; without either the "
        "list is shown.\n\n"
        "\b\nExample:\n  granskning seminar participants 1 --participant 'Anna Berg, Gävle' "
        "--participant 'Bo Ek, Uppsala'\n  granskning seminar participants 1 --json"
    ),
)
@review_argument
@option(
    "--participant",
    "people",
    multiple=True,
    metavar='"NAME, MUNICIPALITY"',
    help=N_("Someone who took part (repeat it; the list replaces the one stored)."),
)
@option("--clear", is_flag=True, help=N_("Empty the list."))
@json_option(N_("Print the list as JSON."))
def participants(review_id: int, people: tuple[str, ...], clear: bool, as_json: bool) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import seminar_record

    st = store()
    if people and clear:
        raise InputError(_("give --participant or --clear, not both"))
    if people or clear:
        rows = seminar_record.set_participants(st, review_id, list(people))
        if not as_json:
            ok(_("{n} participants noted for review {id}").format(n=len(rows), id=review_id))
            return
    else:
        rows = seminar_record.participants(st, review_id)
    if as_json:
        print_json(rows)
        return
    for p in rows:
        click.echo(f"{p['name']}, {p['municipality']}" if p["municipality"] else p["name"])


@seminar.command(
    "next-steps",
    help=N_(
        "The next steps agreed at the seminar, for its record (an empty text clears them).\n\n"
        "\b\nExample:\n  granskning seminar next-steps 1 --text '- Barnbokslut i bokslutet 2027'"
    ),
)
@review_argument
@text_options(N_("The next steps."), N_("Read them from a UTF-8 file (- for stdin)."))
def next_steps(review_id: int, text: str | None, path: str | None) -> None:
    from granskning.cli._base import read_text_input
    from granskning.services import seminar_record

    body = read_text_input(text, path)
    seminar_record.set_next_steps(store(), review_id, body)
    ok(_("next steps of review {id} saved").format(id=review_id))


@seminar.command(
    "next-follow-up",
    help=N_(
        "The date of the next follow-up, after the seminar (an empty --date clears it).\n\n"
        "\b\nExample:\n  granskning seminar next-follow-up 1 --date 2027-03-15"
    ),
)
@review_argument
@option("--date", "day", required=True, metavar="YYYY-MM-DD", help=N_("The day."))
def next_follow_up(review_id: int, day: str) -> None:
    from granskning.services import seminar_record

    when = seminar_record.set_next_follow_up(store(), review_id, day)
    ok(
        _("next follow-up of review {id}: {day}").format(
            id=review_id, day=when.isoformat() if when else "–"
        )
    )


@seminar.command(
    "minutes",
    help=N_(
        "The seminar record (minnesanteckningar): date, place, participants, each item's "
        "status before and after the seminar with comment, responsible and deadline, next "
        "steps and the next follow-up. -o writes it as a Word document; --json prints it.\n\n"
        "\b\nExample:\n  granskning seminar minutes 1 -o minnesanteckningar.docx --pdf\n"
        "  granskning seminar minutes 1 --json"
    ),
)
@review_argument
@output_option(dest="out", metavar="FILE.docx", required=False)
@word_template_option(N_("A restyled copy of the record's Word template."))
@pdf_option()
@json_option(N_("Print the record as JSON."))
def minutes(
    review_id: int, out: str | None, template: str | None, pdf: bool, as_json: bool
) -> None:
    from pathlib import Path

    from granskning.domain.errors import InputError
    from granskning.services import seminar_record

    if out is None and not as_json:
        raise InputError(_("give -o FILE.docx, --json or both"))
    pdf_needs_output(out, pdf)
    st = store()
    if out is not None:
        target = Path(out)
        with pdf_beside(target, pdf):
            path = seminar_record.build_minutes(
                st, review_id, target, Path(template) if template else None
            )
            if not as_json:
                ok(_("seminar record written: {path}").format(path=path))
    if as_json:
        print_json(seminar_record.record(st, review_id))
