"""``granskning review ...``: create, assign, ask, advance, audit."""

from __future__ import annotations

import click

from granskning.cli._base import TCommand, group, ok, option, print_json, print_table, store
from granskning.i18n import N_, _

ROLES = ["lead", "reviewer", "secretary", "timekeeper", "host_contact"]


@group(
    "review",
    help=N_(
        "Reviews and their life cycle, from planned to closed.\n\n"
        "\b\nExample:\n  granskning review create --host Gävle --reviewing Uppsala "
        "--reviewing Örebro --template kollegial-granskning-2013"
    ),
)
def review() -> None:
    pass


@review.command(
    "create",
    cls=TCommand,
    help=N_(
        "Create a review of a host municipality, pinning the question template.\n\n"
        "\b\nExample:\n  granskning review create --host Gävle --reviewing Uppsala "
        "--reviewing Örebro --template kollegial-granskning-2013 --json"
    ),
)
@option("--host", required=True, metavar="NAME", help=N_("The municipality under review."))
@option(
    "--reviewing",
    required=True,
    multiple=True,
    metavar="NAME",
    help=N_("A reviewing municipality (repeat for each)."),
)
@option(
    "--template",
    required=True,
    metavar="NAME",
    help=N_("The question template (see template list)."),
)
@option("--round", "round_id", type=int, metavar="ID", help=N_("The round the review belongs to."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def create(
    host: str, reviewing: tuple[str, ...], template: str, round_id: int | None, as_json: bool
) -> None:
    from granskning import reviews

    st = store()
    row = reviews.create_review(
        st, host=host, reviewing=list(reviewing), template=template, round_id=round_id
    )
    if as_json:
        print_json(reviews.show(st, row.id))  # type: ignore[arg-type]
    else:
        ok(_("review {id} created ({state})").format(id=row.id, state=row.state))


@review.command(
    "list",
    cls=TCommand,
    help=N_(
        "List reviews, newest first.\n\n\b\nExample:\n  granskning review list --state drafting --json"
    ),
)
@option("--state", metavar="STATE", help=N_("Only reviews in this state."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def list_(state: str | None, as_json: bool) -> None:
    # the listing stays off the ORM (fast for thousands of reviews): the store's query only
    from granskning.store import list_reviews

    rows = list_reviews(store(), state)
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("id"), N_("host"), N_("reviewing"), N_("state"), N_("template")],
        [
            (r["id"], r["host"], ", ".join(r["reviewing"]), _state(r["state"]), r["template"])
            for r in rows
        ],
    )


def _state(value: str) -> str:
    from granskning.model import ReviewState
    from granskning.workflow import STATE_LABELS

    return _(STATE_LABELS[ReviewState(value)])


@review.command(
    "show",
    cls=TCommand,
    help=N_(
        "Show a review: state, allowed actions, team, interviews.\n\n\b\nExample:\n  granskning review show 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def show(review_id: int, as_json: bool) -> None:
    from granskning import reviews

    data = reviews.show(store(), review_id)
    if as_json:
        print_json(data)
        return
    click.echo(_("Review {id}: {host}").format(id=data["id"], host=data["host"]))
    click.echo(_("Reviewing: {names}").format(names=", ".join(data["reviewing"])))
    click.echo(_("State: {state}").format(state=_state(data["state"])))
    t = data["template"]
    click.echo(
        _("Template: {id} version {version} (sha256 {sha})").format(
            id=t["id"], version=t["version"], sha=t["sha256"][:12]
        )
    )
    click.echo(_("Allowed now: {actions}").format(actions=", ".join(data["actions"]) or "-"))
    if data["team"]:
        print_table(
            [N_("person"), N_("name"), N_("municipality"), N_("role")],
            [(m["person"], m["name"], m["municipality"], m["role"]) for m in data["team"]],
            title=_("Team"),
        )
    if data["interviews"]:
        print_table(
            [N_("id"), N_("group"), N_("start"), N_("minutes"), N_("place"), N_("state")],
            [
                (i["id"], i["group"], i["start"], i["minutes"], i["place"], i["state"])
                for i in data["interviews"]
            ],
            title=_("Interviews"),
        )


@review.command(
    "assign",
    cls=TCommand,
    help=N_(
        "Give a person a role on the review team.\n\n"
        "Roles: lead, reviewer, secretary, timekeeper (from other municipalities than the host) "
        "and host_contact (from the host).\n\n"
        "\b\nExample:\n  granskning review assign 1 --person 3 --role lead"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--person", "person_id", type=int, required=True, metavar="ID", help=N_("The person's id."))
@option("--role", type=click.Choice(ROLES), required=True, help=N_("The role."))
def assign(review_id: int, person_id: int, role: str) -> None:
    from granskning import reviews

    reviews.assign(store(), review_id, person_id, role)
    ok(
        _("person {person} is {role} on review {id}").format(
            person=person_id, role=role, id=review_id
        )
    )


@review.command(
    "unassign",
    cls=TCommand,
    help=N_(
        "Take a role on the review team away from a person.\n\n\b\nExample:\n  granskning review unassign 1 --person 3 --role reviewer"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--person", "person_id", type=int, required=True, metavar="ID", help=N_("The person's id."))
@option("--role", type=click.Choice(ROLES), required=True, help=N_("The role."))
def unassign(review_id: int, person_id: int, role: str) -> None:
    from granskning import reviews

    reviews.unassign(store(), review_id, person_id, role)
    ok(
        _("person {person} is no longer {role} on review {id}").format(
            person=person_id, role=role, id=review_id
        )
    )


@review.command(
    "actions",
    cls=TCommand,
    help=N_(
        "Every action of the life cycle: allowed now, or the reason it is blocked.\n\n"
        "\b\nExample:\n  granskning review actions 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def actions(review_id: int, as_json: bool) -> None:
    from granskning import reviews

    rows = reviews.actions(store(), review_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("action"), N_("allowed"), N_("reason")],
        [(r["action"], _("yes") if r["allowed"] else _("no"), r["reason"]) for r in rows],
    )


@review.command(
    "advance",
    cls=TCommand,
    help=N_(
        "Take an action of the life cycle (see review actions). cancel and reopen need "
        "--reason; schedule_seminar takes --date.\n\n"
        "\b\nExample:\n  granskning review advance 1 confirm_schedule\n"
        "  granskning review advance 1 reopen --reason 'Fel i sammanfattningen'"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@click.argument("action")
@option("--reason", metavar="TEXT", help=N_("Why (required by cancel and reopen)."))
@option("--date", "on", metavar="YYYY-MM-DD", help=N_("The date, for schedule_seminar."))
def advance(review_id: int, action: str, reason: str | None, on: str | None) -> None:
    from granskning import reviews
    from granskning.timefmt import parse_date

    day = parse_date(on) if on else None
    row = reviews.advance(store(), review_id, action, reason=reason, on=day)
    ok(
        _("review {id}: {action} done, now {state}").format(
            id=review_id, action=action, state=_state(row.state)
        )
    )


@review.command(
    "history",
    cls=TCommand,
    help=N_(
        "The audit log of a review: who did what, when.\n\n\b\nExample:\n  granskning review history 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def history(review_id: int, as_json: bool) -> None:
    from granskning import audit, reviews

    st = store()
    with st.read() as s:
        reviews.get_review(s, review_id)
    rows = [audit.event_dict(e) for e in audit.history(st, review_id)]
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("when"), N_("who"), N_("action"), N_("from"), N_("to"), N_("comment")],
        [(r["at"], r["actor"], r["action"], r["from"], r["to"], r["comment"]) for r in rows],
    )


@review.command(
    "diagram",
    cls=TCommand,
    help=N_(
        "Print the review life cycle as a Mermaid or Graphviz diagram.\n\n\b\nExample:\n  granskning review diagram --format mermaid"
    ),
)
@option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help=N_("Diagram language."),
)
def diagram(fmt: str) -> None:
    from granskning.workflow import diagram as make

    click.echo(make(fmt))


# -- moving a review between databases; purging a frozen report --------------------------------


@review.command(
    "export",
    cls=TCommand,
    help=N_(
        "Write one self-contained file with everything the review holds (template, team, "
        "interviews, notes, findings, texts, report versions, follow-up, audit log), for a "
        "team working offline or to move the review to another database.\n\n"
        "\b\nExample:\n  granskning review export 1 -o gavle.granskning.json"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("-o", "--output", required=True, metavar="FILE", help=N_("The file to write."))
def export(review_id: int, output: str) -> None:
    from pathlib import Path

    from granskning import transfer

    doc = transfer.export_review(store(), review_id, Path(output))
    ok(
        _("review {id} exported to {file}: {notes} notes, {audit} audit events").format(
            id=review_id, file=output, notes=len(doc["notes"]), audit=len(doc["audit"])
        )
    )


@review.command(
    "import",
    cls=TCommand,
    help=N_(
        "Load a review export into this database. Importing the same file again changes "
        "nothing; what the file adds (notes taken offline) is added; a file that conflicts "
        "with the database (the same review changed in both places) is refused with the "
        "conflicts listed.\n\n"
        "\b\nExample:\n  granskning --db postgresql+psycopg://host/partnerskap review import gavle.granskning.json"
    ),
)
@click.argument("file", metavar="FILE")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def import_(file: str, as_json: bool) -> None:
    from pathlib import Path

    from granskning import transfer

    data = transfer.import_review(store(), Path(file))
    if as_json:
        print_json({"id": data["review"], **data})
        return
    if data["new"]:
        message = _("review {id} imported as a new review")
    elif data["changed"]:
        message = _("review {id} brought up to date")
    else:
        message = _("review {id} is already up to date; nothing to import")
    details = ", ".join(f"{k} {v}" for k, v in data["added"].items())
    ok(message.format(id=data["review"]) + (f" ({details})" if details else ""))
    for m in data["matched"]:
        ok(
            _(
                "  {name} in the file is person {id} here (same name, municipality and e-mail)"
            ).format(name=m["name"], id=m["person"])
        )


@review.command(
    "purge-report",
    cls=TCommand,
    help=N_(
        "Drop the content of a frozen report version (for instance one that names a "
        "forgotten person); its number and SHA-256 stay as a record.\n\n"
        "\b\nExample:\n  granskning review purge-report 1 --version 1"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--version", "number", type=int, required=True, metavar="N", help=N_("The version."))
def purge_report(review_id: int, number: int) -> None:
    from granskning import privacy

    privacy.purge_report_version(store(), review_id, number)
    ok(_("report version {n} of review {id} purged").format(n=number, id=review_id))
