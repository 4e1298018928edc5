"""``granskning init`` and ``granskning info``."""

from __future__ import annotations

import click

from granskning.cli._base import command, store
from granskning.cli._output import ok, print_json
from granskning.cli.options import json_option
from granskning.domain.i18n import N_, _


@command(
    "init",
    help=N_(
        "Create the database, or upgrade its schema to this version of granskning.\n\n"
        "\b\nExample:\n  granskning --db granskning.db init"
    ),
)
def init() -> None:
    st = store()
    ok(_("database ready: {url}").format(url=st.safe_url))


@command(
    "info",
    help=N_(
        "Show the version, the database in use and what it holds.\n\n"
        "\b\nExample:\n  granskning info --json"
    ),
)
@json_option()
def info(as_json: bool) -> None:
    from granskning.services.admin import database_info

    data = database_info(store())
    if as_json:
        print_json(data)
        return
    for key, label in (
        ("version", N_("granskning version")),
        ("database", N_("database")),
        ("backend", N_("backend")),
        ("schema", N_("schema version")),
        ("language", N_("language")),
    ):
        click.echo(f"{_(label)}: {data[key]}")
    for table, count in data["counts"].items():
        click.echo(f"  {table}: {count}")
