"""``granskning municipality ...`` and ``granskning person ...``."""

from __future__ import annotations

import click

from granskning.cli._base import TCommand, group, ok, option, print_json, print_table, store
from granskning.i18n import N_, _


@group(
    "municipality",
    help=N_(
        "Municipalities taking part in reviews.\n\n\b\nExample:\n  granskning municipality add Gävle"
    ),
)
def municipality() -> None:
    pass


@municipality.command(
    "add",
    cls=TCommand,
    help=N_("Register a municipality.\n\n\b\nExample:\n  granskning municipality add Gävle --json"),
)
@click.argument("name")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def municipality_add(name: str, as_json: bool) -> None:
    from granskning import registry

    row = registry.add_municipality(store(), name)
    if as_json:
        print_json({"id": row.id, "name": row.name})
    else:
        ok(_("municipality {id} added: {name}").format(id=row.id, name=row.name))


@municipality.command(
    "list",
    cls=TCommand,
    help=N_("List the municipalities.\n\n\b\nExample:\n  granskning municipality list --json"),
)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def municipality_list(as_json: bool) -> None:
    from granskning import registry

    rows = registry.list_municipalities(store())
    if as_json:
        print_json([{"id": r.id, "name": r.name} for r in rows])
    else:
        print_table([N_("id"), N_("name")], [(r.id, r.name) for r in rows])


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
    cls=TCommand,
    help=N_(
        "Register a person working for a municipality.\n\n"
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
@option("--title", metavar="TEXT", help=N_("Job title."))
@option("--email", metavar="ADDR", help=N_("E-mail address (for calendar invitations)."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def person_add(
    name: str, municipality: str, title: str | None, email: str | None, as_json: bool
) -> None:
    from granskning import registry

    row = registry.add_person(store(), name, municipality, title=title, email=email)
    if as_json:
        print_json({"id": row.id, "name": row.name, "title": row.title, "email": row.email})
    else:
        ok(_("person {id} added: {name}").format(id=row.id, name=row.name))


@person.command(
    "list",
    cls=TCommand,
    help=N_("List the people.\n\n\b\nExample:\n  granskning person list --json"),
)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def person_list(as_json: bool) -> None:
    from granskning import registry

    rows = registry.list_people(store())
    if as_json:
        print_json(rows)
    else:
        print_table(
            [N_("id"), N_("name"), N_("municipality"), N_("title"), N_("e-mail")],
            [(r["id"], r["name"], r["municipality"], r["title"], r["email"]) for r in rows],
        )
