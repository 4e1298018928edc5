"""``granskning seminar ...``: the follow-up seminar and its checklist."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import TCommand, group, ok, option, print_json, print_table, store
from granskning.domain.i18n import N_, _

STATUSES = ["not_started", "in_progress", "done"]


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
    cls=TCommand,
    help=N_(
        "Schedule the follow-up seminar, 4-6 months after the handover, or move it. Without "
        "--start it is scheduled at the suggested time; --suggest only shows the suggestion.\n\n"
        "\b\nExample:\n  granskning seminar schedule 1 --start '2026-09-15 13:00' --place 'Stadshuset, sal 2'\n"
        "  granskning seminar schedule 1 --suggest"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--start", metavar="'YYYY-MM-DD HH:MM'", help=N_("When the seminar starts (local time)."))
@option("--place", metavar="TEXT", help=N_("Where the seminar is held."))
@option("--suggest", is_flag=True, help=N_("Only show the suggested time; change nothing."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def schedule(
    review_id: int, start: str | None, place: str | None, suggest: bool, as_json: bool
) -> None:
    from granskning.domain.timefmt import parse_local
    from granskning.services import followup

    st = store()
    if suggest:
        data = followup.suggestion(st, review_id)
        if as_json:
            print_json(data)
        else:
            click.echo(
                _(
                    "Suggested: {start} (handed over {handed}; 4-6 months: {earliest} to {latest})"
                ).format(
                    start=data["start"],
                    handed=data["handed_over"],
                    earliest=data["earliest"],
                    latest=data["latest"],
                )
            )
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
        return
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


@seminar.command(
    "items",
    cls=TCommand,
    help=N_(
        "The follow-up checklist: each item with its id, block, source, text and status.\n\n"
        "\b\nExample:\n  granskning seminar items 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def items(review_id: int, as_json: bool) -> None:
    from granskning.services import followup

    rows = followup.items(store(), review_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        [
            N_("id"),
            N_("block"),
            N_("source"),
            N_("text"),
            N_("status"),
            N_("comment"),
            N_("responsible"),
        ],
        [_row(r) for r in rows],
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
        r["block_title"] or r["block"] or "",
        r["source_label"],
        r["text"],
        status,
        r["comment"],
        r["responsible"],
    )


@seminar.command(
    "add-item",
    cls=TCommand,
    help=N_(
        "Add a checklist item of your own before the seminar.\n\n"
        "\b\nExample:\n  granskning seminar add-item 1 --text 'Barnbokslut tas fram' --block styrprocesser"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--text", required=True, metavar="TEXT", help=N_("What is to be followed up."))
@option("--block", metavar="BLOCK", help=N_("The template block it belongs to."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def add_item(review_id: int, text: str, block: str | None, as_json: bool) -> None:
    from granskning.services import followup

    st = store()
    item = followup.add_item(st, review_id, text, block)
    if as_json:
        print_json(next(r for r in followup.items(st, review_id) if r["id"] == item.id))
    else:
        ok(_("checklist item {item} added to review {id}").format(item=item.id, id=review_id))


@seminar.command(
    "edit-item",
    cls=TCommand,
    help=N_(
        "Reword a checklist item, or move it to another block, before the seminar; the "
        "audit log keeps the earlier text. An empty --block makes it a general item.\n\n"
        "\b\nExample:\n  granskning seminar edit-item 1 --item 3 --text 'Barnbokslut tas fram årligen'\n"
        "  granskning seminar edit-item 1 --item 3 --block inflytande"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--item", "item_id", type=int, required=True, metavar="ID", help=N_("The item's id."))
@option("--text", metavar="TEXT", help=N_("The item's new wording."))
@option("--block", metavar="BLOCK", help=N_("The template block it belongs to."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def edit_item(
    review_id: int, item_id: int, text: str | None, block: str | None, as_json: bool
) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import followup

    if text is None and block is None:
        raise InputError(_("give --text, --block or both"))
    st = store()
    followup.edit_item(st, review_id, item_id, text=text, block=block)
    if as_json:
        print_json(next(r for r in followup.items(st, review_id) if r["id"] == item_id))
    else:
        ok(_("checklist item {item} of review {id} updated").format(item=item_id, id=review_id))


@seminar.command(
    "merge",
    cls=TCommand,
    help=N_(
        "Merge one checklist item into another before the seminar (one status then covers both).\n\n"
        "\b\nExample:\n  granskning seminar merge 1 --item 4 --into 2"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--item", "item_id", type=int, required=True, metavar="ID", help=N_("The item to merge."))
@option("--into", "into_id", type=int, required=True, metavar="ID", help=N_("The item it joins."))
def merge(review_id: int, item_id: int, into_id: int) -> None:
    from granskning.services import followup

    followup.merge(store(), review_id, item_id, into_id)
    ok(_("item {item} merged into item {into}").format(item=item_id, into=into_id))


@seminar.command(
    "record",
    cls=TCommand,
    help=N_(
        "Record an item's status at the seminar: not_started (red), in_progress (amber) or "
        "done (green), with a comment and who is responsible. After the seminar, a status "
        "recorded wrongly is corrected with --reason (audited, with the status it had).\n\n"
        "\b\nExample:\n  granskning seminar record 1 --item 2 --status in_progress "
        "--comment 'Plan antagen, genomförs hösten' --responsible 'Barn- och utbildningschef'\n"
        "  granskning seminar record 1 --item 2 --status done "
        "--reason 'Fel status antecknades på seminariet'"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--item", "item_id", type=int, required=True, metavar="ID", help=N_("The item's id."))
@option("--status", type=click.Choice(STATUSES), required=True, help=N_("The item's status."))
@option("--comment", metavar="TEXT", help=N_("What was said about the item."))
@option("--responsible", metavar="TEXT", help=N_("Who is responsible for it."))
@option("--json", "as_json", is_flag=True, help=N_("Print the item as JSON."))
@option(
    "--reason",
    metavar="TEXT",
    help=N_("Why a status recorded at a seminar already held is corrected."),
)
def record(
    review_id: int,
    item_id: int,
    status: str,
    comment: str | None,
    responsible: str | None,
    as_json: bool,
    reason: str | None,
) -> None:
    from granskning.services import followup
    from granskning.storage.model import FollowUpStatus

    st = store()
    followup.record_status(
        st,
        review_id,
        item_id,
        status,
        comment=comment,
        responsible=responsible,
        reason=reason,
    )
    if as_json:
        print_json(next(i for i in followup.items(st, review_id) if i["id"] == item_id))
        return
    s = FollowUpStatus(status)
    ok(
        _("item {item}: {status} ({colour})").format(
            item=item_id,
            status=_(followup.STATUS_LABELS[s]),
            colour=_(followup.COLOUR_LABELS[s]),
        )
    )


@seminar.command(
    "checklist",
    cls=TCommand,
    help=N_(
        "Write the follow-up checklist as a Word document: room for status, comment and "
        "responsible before the seminar, what was recorded after it.\n\n"
        "\b\nExample:\n  granskning seminar checklist 1 -o uppfoljning.docx"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("-o", "--output", "out", required=True, metavar="FILE.docx", help=N_("The file to write."))
@option(
    "--template",
    metavar="PATH",
    help=N_("A restyled copy of the checklist's Word template."),
)
def checklist(review_id: int, out: str, template: str | None) -> None:
    from pathlib import Path

    from granskning.services import followup

    path = followup.build_checklist(
        store(), review_id, Path(out), Path(template) if template else None
    )
    ok(_("checklist written: {path}").format(path=path))
