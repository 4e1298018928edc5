"""``granskning municipality ...`` and ``granskning person ...``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from granskning.cli._base import F, group, option, store
from granskning.cli._output import ok, print_json, print_result, print_rows
from granskning.cli.history import municipality_history
from granskning.cli.options import id_argument, json_option, output_option, stacked
from granskning.domain import labels
from granskning.domain.i18n import N_, _, ngettext


@group(
    "municipality",
    help=N_(
        "Municipalities taking part in reviews.\n\n\b\nExample:\n  granskning municipality add Gävle"
    ),
)
def municipality() -> None:
    pass


municipality.add_command(municipality_history)


person_argument = id_argument("person_id")


def _details_options(title_help: str, email_help: str, duplicate_help: str) -> Callable[[F], F]:
    """``--title``, ``--email`` and ``--allow-duplicate``: a person's details."""
    return stacked(
        option("--title", metavar="TEXT", help=title_help),
        option("--email", metavar="ADDR", help=email_help),
        option("--allow-duplicate", is_flag=True, help=duplicate_help),
    )


def _municipality_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name}


def _person_dict(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "title": row.title, "email": row.email}


@municipality.command(
    "add",
    help=N_("Register a municipality.\n\n\b\nExample:\n  granskning municipality add Gävle --json"),
)
@click.argument("name")
@json_option()
def municipality_add(name: str, as_json: bool) -> None:
    from granskning.services import registry

    row = registry.add_municipality(store(), name)
    done = _("municipality {id} added: {name}").format(id=row.id, name=row.name)
    print_result(as_json, lambda: _municipality_dict(row), done)


@municipality.command(
    "list",
    help=N_("List the municipalities.\n\n\b\nExample:\n  granskning municipality list --json"),
)
@json_option()
def municipality_list(as_json: bool) -> None:
    from granskning.services import registry

    rows = [_municipality_dict(r) for r in registry.list_municipalities(store())]
    print_rows(as_json, rows, [N_("id"), N_("name")], lambda r: (r["id"], r["name"]))


@municipality.command(
    "rename",
    help=N_(
        "Rename a municipality (a misspelling, a merger). Reviews, people and rounds follow "
        "the new name; handed-over reports keep the name they were frozen with.\n\n"
        "\b\nExample:\n  granskning municipality rename Gavle --to Gävle"
    ),
)
@click.argument("name")
@option("--to", "to", required=True, metavar="NAME", help=N_("The new name."))
@json_option()
def municipality_rename(name: str, to: str, as_json: bool) -> None:
    from granskning.services import registry

    row = registry.rename_municipality(store(), name, to)
    done = _("municipality {id} is now called {name}").format(id=row.id, name=row.name)
    print_result(as_json, lambda: _municipality_dict(row), done)


@group(
    "person",
    help=N_(
        "People: reviewers, secretaries, host contacts and interviewees.\n\n"
        "\b\nExample:\n  granskning person add 'Anna Berg' --municipality Gävle --title Utvecklingsledare"
    ),
)
def person() -> None:
    pass


@person.command(
    "add",
    help=N_(
        "Register a person working for a municipality. The same name twice in one "
        "municipality is refused (usually the same person entered twice) unless "
        "--allow-duplicate says it is someone else.\n\n"
        "\b\nExample:\n  granskning person add 'Anna Berg' --municipality Gävle "
        "--title Utvecklingsledare --email anna.berg@example.se"
    ),
)
@click.argument("name")
@option(
    "--municipality",
    required=True,
    metavar="NAME",
    help=N_("The municipality the person works for."),
)
@_details_options(
    N_("Job title."),
    N_("E-mail address (for calendar invitations)."),
    N_("Register a second person of the same name in the municipality."),
)
@json_option()
def person_add(
    name: str,
    municipality: str,
    title: str | None,
    email: str | None,
    allow_duplicate: bool,
    as_json: bool,
) -> None:
    from granskning.services import registry

    row = registry.add_person(
        store(), name, municipality, title=title, email=email, allow_duplicate=allow_duplicate
    )
    done = _("person {id} added: {name}").format(id=row.id, name=row.name)
    print_result(as_json, lambda: _person_dict(row), done)


@person.command(
    "list",
    help=N_("List the people.\n\n\b\nExample:\n  granskning person list --json"),
)
@json_option()
def person_list(as_json: bool) -> None:
    from granskning.services import registry

    print_rows(
        as_json,
        registry.list_people(store()),
        [N_("id"), N_("name"), N_("municipality"), N_("title"), N_("e-mail")],
        lambda r: (r["id"], r["name"], r["municipality"], r["title"], r["email"]),
    )


@person.command(
    "edit",
    help=N_(
        "Correct a person's name, title or e-mail address; only the options given change, "
        "an empty --title or --email clears it. Interviews of reviews not yet handed over "
        "follow the new name and title.\n\n"
        "\b\nExample:\n  granskning person edit 4 --name 'Anna Bergström' --title Strateg\n"
        "  granskning person edit 4 --email ''"
    ),
)
@person_argument
@option("--name", metavar="NAME", help=N_("The corrected name."))
@_details_options(
    N_("Job title (empty: none)."),
    N_("E-mail address (empty: none)."),
    N_("Allow a name that someone else in the municipality has."),
)
@json_option()
def person_edit(
    person_id: int,
    name: str | None,
    title: str | None,
    email: str | None,
    allow_duplicate: bool,
    as_json: bool,
) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import registry

    if name is None and title is None and email is None:
        raise InputError(_("give at least one of --name, --title and --email"))
    row = registry.edit_person(
        store(), person_id, name=name, title=title, email=email, allow_duplicate=allow_duplicate
    )
    done = _("person {id} updated: {name}").format(id=row.id, name=row.name)
    print_result(as_json, lambda: _person_dict(row), done)


# -- personal data (privacy) ------------------------------------------------------------------


@person.command(
    "export",
    help=N_(
        "Everything stored about a person, as JSON: the answer to their access request. "
        "Lists roles, interviews, notes they wrote, texts and reports that mention them, "
        "and audit events naming them.\n\n"
        "\b\nExample:\n  granskning person export 4 -o anna-berg.json"
    ),
)
@person_argument
@output_option(N_("Write to FILE instead of printing."), required=False)
@json_option(N_("Print JSON (the default here)."))
def person_export(person_id: int, output: str | None, as_json: bool) -> None:
    import json

    from granskning.services import privacy

    data = privacy.person_export(store(), person_id)
    if output is None:
        print_json(data)
        return
    from granskning.storage.output import write_output

    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_output(output, text.encode("utf-8"), private=True)  # personal data: 0600
    ok(_("everything stored about person {id} written to {file}").format(id=person_id, file=output))


@person.command(
    "forget",
    help=N_(
        "Erase a person's identity: their name, title and e-mail address are replaced by a "
        "pseudonym everywhere (interviewees, note authors, names in texts); notes and "
        "statistics stay. Frozen report versions that still hold the name are listed; "
        "--purge-reports drops their content (the SHA-256 stays).\n\n"
        "\b\nExample:\n  granskning person forget 4 --purge-reports"
    ),
)
@person_argument
@option(
    "--purge-reports",
    is_flag=True,
    help=N_("Also purge the frozen report versions that hold the name."),
)
@json_option()
def person_forget(person_id: int, purge_reports: bool, as_json: bool) -> None:
    from granskning.services import privacy

    data = privacy.forget(store(), person_id, purge_reports=purge_reports)
    if as_json:
        print_json(data)
        return
    if data["already_forgotten"]:
        ok(
            _("person {id} was already forgotten on {date} ({pseudonym})").format(
                id=person_id, date=data["already_forgotten"], pseudonym=data["pseudonym"]
            )
        )
        return
    ok(
        _("person {id} is forgotten: now {pseudonym} ({changes})").format(
            id=person_id,
            pseudonym=data["pseudonym"],
            changes=labels.counts(data["changed"]),
        )
    )
    _say_report_versions(data["report_versions"])
    if data["audit_events_naming"]:
        click.echo(
            ngettext(
                "{n} audit event names the person as the one who acted; the audit log is "
                "append-only and keeps it",
                "{n} audit events name the person as the one who acted; the audit log is "
                "append-only and keeps them",
                data["audit_events_naming"],
            ).format(n=data["audit_events_naming"]),
            err=True,
        )


def _say_report_versions(versions: list[dict[str, Any]]) -> None:
    """The frozen report versions that named a forgotten person: purged, or how to purge."""
    kept = [v for v in versions if not v["purged"]]
    for v in versions:
        if v["purged"]:
            ok(
                _("purged report version {n} of review {review}").format(
                    n=v["version"], review=v["review"]
                )
            )
    if not kept:
        return
    click.secho(
        ngettext(
            "{n} frozen report version still holds the name; purge it with:",
            "{n} frozen report versions still hold the name; purge them with:",
            len(kept),
        ).format(n=len(kept)),
        err=True,
        fg="yellow",
    )
    for v in kept:
        click.echo(
            f"  granskning review purge-report {v['review']} --version {v['version']}",
            err=True,
        )
