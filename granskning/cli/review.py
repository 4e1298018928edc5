"""``granskning review ...``: create, assign, ask, advance, audit."""

from __future__ import annotations

import click

from granskning.cli._base import TCommand, group, ok, option, print_json, print_table, store
from granskning.domain import labels
from granskning.domain.i18n import N_, _, ngettext

ROLES = ["lead", "reviewer", "secretary", "timekeeper", "host_contact"]
LANGUAGES = ["sv", "en"]
# the documents' languages, named in the messages' language
LANGUAGE_NAMES = {"sv": N_("Swedish"), "en": N_("English")}


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
@option(
    "--language",
    type=click.Choice(LANGUAGES),
    help=N_(
        "The language of the review's documents: the report and the checklist "
        "(default: the round's, else sv). --lang changes only the messages."
    ),
)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
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
    if as_json:
        print_json(reviews.show(st, row.id))  # type: ignore[arg-type]
    else:
        ok(_("review {id} created ({state})").format(id=row.id, state=labels.state(row.state)))


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
    from granskning.storage.store import list_reviews

    rows = list_reviews(store(), state)
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("id"), N_("host"), N_("reviewing"), N_("state"), N_("template")],
        [
            (r["id"], r["host"], ", ".join(r["reviewing"]), labels.state(r["state"]), r["template"])
            for r in rows
        ],
    )


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
    from granskning.services import reviews

    data = reviews.show(store(), review_id)
    if as_json:
        print_json(data)
        return
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
            [
                (
                    i["id"],
                    i["group"],
                    i["start"],
                    i["minutes"],
                    i["place"],
                    labels.interview_state(i["state"]),
                )
                for i in data["interviews"]
            ],
            title=_("Interviews"),
        )


@review.command(
    "set-language",
    cls=TCommand,
    help=N_(
        "Set the language of the review's documents: the report (drafts and the handover) "
        "and the follow-up checklist. Not once the report is handed over: the frozen report "
        "keeps its language. --lang changes only the messages.\n\n"
        "\b\nExample:\n  granskning review set-language 1 en"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@click.argument("language", type=click.Choice(LANGUAGES), metavar="LANGUAGE")
def set_language(review_id: int, language: str) -> None:
    from granskning.services import reviews

    reviews.set_language(store(), review_id, language)
    ok(
        _("review {id}: documents in {language}").format(
            id=review_id, language=_(LANGUAGE_NAMES[language])
        )
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
@option("--json", "as_json", is_flag=True, help=N_("Print the assignment as JSON."))
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
    cls=TCommand,
    help=N_(
        "Take a role on the review team away from a person.\n\n\b\nExample:\n  granskning review unassign 1 --person 3 --role reviewer"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--person", "person_id", type=int, required=True, metavar="ID", help=N_("The person's id."))
@option("--role", type=click.Choice(ROLES), required=True, help=N_("The role."))
def unassign(review_id: int, person_id: int, role: str) -> None:
    from granskning.services import reviews

    reviews.unassign(store(), review_id, person_id, role)
    ok(
        _("person {person} is no longer {role} on review {id}").format(
            person=person_id, role=labels.role(role), id=review_id
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
    from granskning.services import reviews

    rows = reviews.actions(store(), review_id)
    if as_json:
        print_json(rows)
        return
    # the id is what `review advance` takes; the label says what it means
    print_table(
        [N_("id"), N_("action"), N_("allowed"), N_("reason")],
        [
            (
                r["action"],
                labels.action(r["action"]),
                _("yes") if r["allowed"] else _("no"),
                r["reason"],
            )
            for r in rows
        ],
    )


@review.command(
    "advance",
    cls=TCommand,
    help=N_(
        "Take an action of the life cycle (see review actions). cancel and reopen need "
        "--reason; schedule_seminar takes the seminar's day as --date; other actions take "
        "--date for the day they took place.\n\n"
        "\b\nExample:\n  granskning review advance 1 confirm_schedule\n"
        "  granskning review advance 1 reopen --reason 'Fel i sammanfattningen'"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@click.argument("action")
@option("--reason", metavar="TEXT", help=N_("Why (required by cancel and reopen)."))
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
    cls=TCommand,
    help=N_(
        "The audit log of a review: who did what, when.\n\n\b\nExample:\n  granskning review history 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def history(review_id: int, as_json: bool) -> None:
    from granskning.services import reviews
    from granskning.storage import audit

    st = store()
    with st.read() as s:
        reviews.get_review(s, review_id)
    rows = audit.history_rows(st, review_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("when"), N_("who"), N_("action"), N_("from"), N_("to"), N_("comment")],
        [
            (
                r["at"],
                r["actor"],
                labels.event(r["entity"], r["action"]),
                labels.state(r["from"]) if r["from"] else None,
                labels.state(r["to"]) if r["to"] else None,
                r["comment"],
            )
            for r in rows
        ],
    )


@review.command(
    "verify",
    cls=TCommand,
    help=N_(
        "Check the review's audit log (every link of its hash chain, its redactions and its "
        "end) and its frozen report versions (their bytes against their SHA-256 and the "
        "SHA-256 the log recorded); exit 1 naming the first event or report that does not "
        "verify.\n\n\b\nExample:\n  granskning review verify 1"
    ),
)
@click.argument("review_id", type=int, metavar="ID")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def verify(review_id: int, as_json: bool) -> None:
    from granskning.storage import audit

    result = audit.verify_review(store(), review_id)
    if as_json:
        print_json(result)
    else:
        for key, label in (("audit", N_("audit log")), ("database_audit", N_("database log"))):
            chain = result[key]
            if chain["ok"]:
                ok(
                    ngettext(
                        "{what}: {n} event verified, {redacted} redacted (head {head})",
                        "{what}: {n} events verified, {redacted} redacted (head {head})",
                        chain["events"],
                    ).format(
                        what=_(label),
                        n=chain["events"],
                        redacted=chain["redacted"],
                        head=(chain["head"] or "-")[:16],
                    )
                )
            else:
                click.secho(
                    _("{what}: {problem}").format(
                        what=_(label), problem=chain["first_bad"]["problem"]
                    ),
                    err=True,
                    fg="red",
                )
        for r in result["reports"]:
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
    if not result["ok"]:
        raise click.exceptions.Exit(1)


@review.command(
    "diagram",
    cls=TCommand,
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
    from granskning.services import privacy

    privacy.purge_report_version(store(), review_id, number)
    ok(_("report version {n} of review {id} purged").format(n=number, id=review_id))
