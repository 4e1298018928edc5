"""``granskning review ...``: create, assign, ask, advance, audit."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import group, lazy, option, store
from granskning.cli._commands import rows_command, set_language_command, show_command
from granskning.cli._output import ok, print_json, print_result, print_rows, print_table
from granskning.cli.options import (
    LANGUAGE_NAMES,
    id_argument,
    json_option,
    language_option,
    output_option,
    question_template_option,
    reason_option,
    report_version_option,
    team_member_options,
)
from granskning.domain import labels
from granskning.domain.i18n import N_, _, ngettext

review_id_argument = id_argument("review_id")


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
@question_template_option()
@option("--round", "round_id", type=int, metavar="ID", help=N_("The round the review belongs to."))
@language_option(
    N_(
        "The language of the review's documents: the report and the checklist "
        "(default: the round's, else sv). --lang changes only the messages."
    )
)
@json_option()
def create(
    host: str,
    reviewing: tuple[str, ...],
    template: str,
    round_id: int | None,
    language: str | None,
    as_json: bool,
) -> None:
    from granskning.services import reviews

    st = store()
    row = reviews.create_review(
        st,
        host=host,
        reviewing=list(reviewing),
        template=template,
        round_id=round_id,
        language=language,
    )
    done = _("review {id} created ({state})").format(id=row.id, state=labels.state(row.state))
    print_result(as_json, lambda: reviews.show(st, row.id), done)  # type: ignore[arg-type]


@review.command(
    "list",
    help=N_(
        "List reviews, newest first.\n\n\b\nExample:\n  granskning review list --state drafting --json"
    ),
)
@option("--state", metavar="STATE", help=N_("Only reviews in this state."))
@json_option()
def list_(state: str | None, as_json: bool) -> None:
    # the listing stays off the ORM (fast for thousands of reviews): the store's query only
    from granskning.storage.store import list_reviews

    print_rows(
        as_json,
        list_reviews(store(), state),
        [N_("id"), N_("host"), N_("reviewing"), N_("state"), N_("template")],
        lambda r: (
            r["id"],
            r["host"],
            ", ".join(r["reviewing"]),
            labels.state(r["state"]),
            r["template"],
        ),
    )


def _describe(data: dict[str, Any]) -> None:
    """A review for people: its state and template, then its team and interviews."""
    click.echo(_("Review {id}: {host}").format(id=data["id"], host=data["host"]))
    click.echo(_("Reviewing: {names}").format(names=", ".join(data["reviewing"])))
    click.echo(_("State: {state}").format(state=labels.state(data["state"])))
    t = data["template"]
    click.echo(
        _("Template: {id} version {version} (sha256 {sha})").format(
            id=t["id"], version=t["version"], sha=t["sha256"][:12]
        )
    )
    click.echo(_("Documents in: {language}").format(language=_(LANGUAGE_NAMES[data["language"]])))
    click.echo(
        _("Allowed now: {actions}").format(
            actions=labels.listed(labels.action(a) for a in data["actions"])
        )
    )
    if data["team"]:
        print_table(
            [N_("person"), N_("name"), N_("municipality"), N_("role")],
            [
                (m["person"], m["name"], m["municipality"], labels.role(m["role"]))
                for m in data["team"]
            ],
            title=_("Team"),
        )
    if data["interviews"]:
        print_table(
            [N_("id"), N_("group"), N_("start"), N_("minutes"), N_("place"), N_("state")],
            [_interview_cells(i) for i in data["interviews"]],
            title=_("Interviews"),
        )


show = show_command(
    review,
    "show",
    N_(
        "Show a review: state, allowed actions, team, interviews.\n\n\b\nExample:\n  granskning review show 1 --json"
    ),
    show=lazy("granskning.services.reviews:show"),
    describe=_describe,
)


def _interview_cells(i: dict[str, Any]) -> tuple[Any, ...]:
    return (
        i["id"],
        i["group"],
        i["start"],
        i["minutes"],
        i["place"],
        labels.interview_state(i["state"]),
    )


set_language = set_language_command(
    review,
    N_(
        "Set the language of the review's documents: the report (drafts and the handover) "
        "and the follow-up checklist. Not once the report is handed over: the frozen report "
        "keeps its language. --lang changes only the messages.\n\n"
        "\b\nExample:\n  granskning review set-language 1 en"
    ),
    metavar="ID",
    set_language=lazy("granskning.services.reviews:set_language"),
    done=N_("review {id}: documents in {language}"),
)


@review.command(
    "assign",
    help=N_(
        "Give a person a role on the review team.\n\n"
        "Roles: lead, reviewer, secretary, timekeeper (from other municipalities than the host) "
        "and host_contact (from the host).\n\n"
        "\b\nExample:\n  granskning review assign 1 --person 3 --role lead"
    ),
)
@review_id_argument
@team_member_options()
@json_option(N_("Print the assignment as JSON."))
def assign(review_id: int, person_id: int, role: str, as_json: bool) -> None:
    from granskning.services import reviews

    st = store()
    row = reviews.assign(st, review_id, person_id, role)
    if as_json:
        team = reviews.show(st, review_id)["team"]
        member = next(m for m in team if m["person"] == person_id and m["role"] == role)
        print_json({"id": row.id, "review": review_id, **member})
        return
    ok(
        _("person {person} is {role} on review {id}").format(
            person=person_id, role=labels.role(role), id=review_id
        )
    )


@review.command(
    "unassign",
    help=N_(
        "Take a role on the review team away from a person.\n\n\b\nExample:\n  granskning review unassign 1 --person 3 --role reviewer"
    ),
)
@review_id_argument
@team_member_options()
def unassign(review_id: int, person_id: int, role: str) -> None:
    from granskning.services import reviews

    reviews.unassign(store(), review_id, person_id, role)
    ok(
        _("person {person} is no longer {role} on review {id}").format(
            person=person_id, role=labels.role(role), id=review_id
        )
    )


# the id is what `review advance` takes; the label says what it means
actions = rows_command(
    review,
    "actions",
    N_(
        "Every action of the life cycle: allowed now, or the reason it is blocked.\n\n"
        "\b\nExample:\n  granskning review actions 1 --json"
    ),
    rows=lazy("granskning.services.reviews:actions"),
    metavar="ID",
    headers=[N_("id"), N_("action"), N_("allowed"), N_("reason")],
    cells=lambda r: (
        r["action"],
        labels.action(r["action"]),
        _("yes") if r["allowed"] else _("no"),
        r["reason"],
    ),
)


@review.command(
    "advance",
    help=N_(
        "Take an action of the life cycle (see review actions). cancel and reopen need "
        "--reason; schedule_seminar takes the seminar's day as --date; other actions take "
        "--date for the day they took place.\n\n"
        "\b\nExample:\n  granskning review advance 1 confirm_schedule\n"
        "  granskning review advance 1 reopen --reason 'Fel i sammanfattningen'"
    ),
)
@review_id_argument
@click.argument("action")
@reason_option(N_("Why (required by cancel and reopen)."))
@option(
    "--date",
    "on",
    metavar="YYYY-MM-DD",
    help=N_(
        "The day the action took place, when entered afterwards (never after today); "
        "for schedule_seminar, the seminar's day."
    ),
)
def advance(review_id: int, action: str, reason: str | None, on: str | None) -> None:
    from granskning.domain.timefmt import parse_date
    from granskning.services import reviews

    day = parse_date(on) if on else None
    row = reviews.advance(store(), review_id, action, reason=reason, on=day)
    ok(
        _("review {id}: {done}; now {state}").format(
            id=review_id, done=labels.action_done(action), state=labels.state(row.state)
        )
    )


@review.command(
    "history",
    help=N_(
        "The audit log of a review: who did what, when.\n\n\b\nExample:\n  granskning review history 1 --json"
    ),
)
@review_id_argument
@json_option()
def history(review_id: int, as_json: bool) -> None:
    from granskning.services import reviews
    from granskning.storage import audit

    st = store()
    with st.read() as s:
        reviews.get_review(s, review_id)
    print_rows(
        as_json,
        audit.history_rows(st, review_id),
        [N_("when"), N_("who"), N_("action"), N_("from"), N_("to"), N_("comment")],
        lambda r: (
            r["at"],
            r["actor"],
            labels.event(r["entity"], r["action"]),
            labels.state(r["from"]) if r["from"] else None,
            labels.state(r["to"]) if r["to"] else None,
            r["comment"],
        ),
    )


@review.command(
    "verify",
    help=N_(
        "Check the review's audit log (every link of its hash chain, its redactions and its "
        "end) and its frozen report versions (their bytes against their SHA-256 and the "
        "SHA-256 the log recorded); exit 1 naming the first event or report that does not "
        "verify.\n\n\b\nExample:\n  granskning review verify 1"
    ),
)
@review_id_argument
@json_option()
def verify(review_id: int, as_json: bool) -> None:
    from granskning.storage import audit

    result = audit.verify_review(store(), review_id)
    if as_json:
        print_json(result)
    else:
        for key, label in (("audit", N_("audit log")), ("database_audit", N_("database log"))):
            _say_chain(_(label), result[key])
        for r in result["reports"]:
            _say_report(r)
    if not result["ok"]:
        raise click.exceptions.Exit(1)


def _say_chain(what: str, chain: dict[str, Any]) -> None:
    """One line on an audit chain: how much verified, or its first problem."""
    if not chain["ok"]:
        click.secho(
            _("{what}: {problem}").format(what=what, problem=chain["first_bad"]["problem"]),
            err=True,
            fg="red",
        )
        return
    ok(
        ngettext(
            "{what}: {n} event verified, {redacted} redacted (head {head})",
            "{what}: {n} events verified, {redacted} redacted (head {head})",
            chain["events"],
        ).format(
            what=what,
            n=chain["events"],
            redacted=chain["redacted"],
            head=(chain["head"] or "-")[:16],
        )
    )


def _say_report(r: dict[str, Any]) -> None:
    """One line on a frozen report version: its problem, or why it verifies."""
    if r["problem"]:
        click.secho(r["problem"], err=True, fg="red")
    elif r["status"] == "purged":
        ok(
            _("report version {n}: purged on {date}; its SHA-256 {sha} is kept").format(
                n=r["version"], date=r["purged"], sha=r["sha256"][:16]
            )
        )
    else:
        ok(
            _("report version {n}: the frozen document matches its SHA-256 {sha}").format(
                n=r["version"], sha=r["sha256"][:16]
            )
        )


@review.command(
    "diagram",
    help=N_(
        "Print the review life cycle as a Mermaid or Graphviz diagram; with --review, the "
        "review's current state is marked.\n\n\b\nExample:\n  granskning review diagram --format mermaid\n"
        "  granskning review diagram --format dot --review 1"
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
@option("--review", "review_id", type=int, metavar="ID", help=N_("Mark where this review stands."))
def diagram(fmt: str, review_id: int | None) -> None:
    from granskning.domain.workflow import diagram as make

    current = None
    if review_id is not None:
        from granskning.services import reviews
        from granskning.storage.model import ReviewState

        with store().read() as s:
            current = ReviewState(reviews.get_review(s, review_id).state)
    click.echo(make(fmt, current))


# -- moving a review between databases; purging a frozen report --------------------------------


@review.command(
    "export",
    help=N_(
        "Write one self-contained file with everything the review holds (template, team, "
        "interviews, notes, findings, texts, report versions, follow-up, audit log), for a "
        "team working offline or to move the review to another database.\n\n"
        "\b\nExample:\n  granskning review export 1 -o gavle.granskning.json"
    ),
)
@review_id_argument
@output_option()
def export(review_id: int, output: str) -> None:
    from pathlib import Path

    from granskning.services import exchange

    doc = exchange.export_review(store(), review_id, Path(output))
    ok(
        _("review {id} exported to {file}: {notes}, {audit}").format(
            id=review_id,
            file=output,
            notes=labels.counted("notes", len(doc["notes"])),
            audit=labels.counted("audit", len(doc["audit"])),
        )
    )


@review.command(
    "import",
    help=N_(
        "Load a review export into this database. Importing the same file again changes "
        "nothing; what the file adds (notes taken offline) is added; a file that conflicts "
        "with the database (the same review changed in both places) is refused with the "
        "conflicts listed.\n\n"
        "\b\nExample:\n  granskning --db postgresql+psycopg://host/partnerskap review import gavle.granskning.json"
    ),
)
@click.argument("file", metavar="FILE")
@json_option()
def import_(file: str, as_json: bool) -> None:
    from pathlib import Path

    from granskning.services import exchange

    data = exchange.import_review(store(), Path(file))
    if as_json:
        print_json({"id": data["review"], **data})
        return
    if data["new"]:
        message = _("review {id} imported as a new review")
    elif data["changed"]:
        message = _("review {id} brought up to date")
    else:
        message = _("review {id} is already up to date; nothing to import")
    details = labels.counts(data["added"])
    ok(message.format(id=data["review"]) + (f" ({details})" if details else ""))
    for m in data["matched"]:
        ok(
            _(
                "  {name} in the file is person {id} here (same name, municipality and e-mail)"
            ).format(name=m["name"], id=m["person"])
        )


@review.command(
    "purge-report",
    help=N_(
        "Drop the content of a frozen report version (for instance one that names a "
        "forgotten person); its number and SHA-256 stay as a record.\n\n"
        "\b\nExample:\n  granskning review purge-report 1 --version 1"
    ),
)
@review_id_argument
@report_version_option(N_("The version."), dest="number", required=True)
def purge_report(review_id: int, number: int) -> None:
    from granskning.services import privacy

    privacy.purge_report_version(store(), review_id, number)
    ok(_("report version {n} of review {id} purged").format(n=number, id=review_id))
