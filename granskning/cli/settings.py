"""``granskning settings ...``: the partnership's settings the documents show."""

from __future__ import annotations

import click

from granskning.cli._base import group, store
from granskning.cli._output import ok, print_json
from granskning.cli.options import json_option
from granskning.domain.i18n import N_, _


@group(
    "settings",
    help=N_(
        "The partnership's settings shown on every document (its name).\n\n"
        "\b\nExample:\n  granskning settings show"
    ),
)
def settings() -> None:
    pass


@settings.command(
    "set",
    help=N_(
        "Set a setting: partnership-name is the name on every document's cover and its "
        "author (default: Partnerskapet för barnets rättigheter i praktiken).\n\n"
        '\b\nExample:\n  granskning settings set partnership-name "Partnerskapet i Norr"'
    ),
)
@click.argument("name", type=click.Choice(["partnership-name"]), metavar="NAME")
@click.argument("value", metavar="TEXT")
@json_option()
def settings_set(name: str, value: str, as_json: bool) -> None:
    from granskning.services import settings as lib

    del name  # one setting so far: the choice validates it
    stored = lib.set_partnership_name(store(), value)
    if as_json:
        print_json(lib.show(store()))
    else:
        ok(_("partnership name set: {name}").format(name=stored))


@settings.command(
    "show",
    help=N_("Show the settings.\n\n\b\nExample:\n  granskning settings show --json"),
)
@json_option()
def settings_show(as_json: bool) -> None:
    from granskning.services import settings as lib

    data = lib.show(store())
    if as_json:
        print_json(data)
        return
    shown = data["partnership_name"]
    if data["partnership_name_is_default"]:
        shown += " " + _("(default)")
    click.echo(_("partnership-name: {value}").format(value=shown))
