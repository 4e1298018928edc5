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
        "The partnership's settings shown on every document (its name and logo).\n\n"
        "\b\nExample:\n  granskning settings show"
    ),
)
def settings() -> None:
    pass


@settings.command(
    "set",
    help=N_(
        "Set a setting: partnership-name is the name on every document's cover and its "
        "author (default: Partnerskapet för barnets rättigheter i praktiken); logo is a PNG "
        "or JPEG file (at most 1 MB) shown on the covers, '' to remove it; logo-alt is the "
        "logo's alt text, what a screen reader says for it (default: the partnership's "
        "name).\n\n"
        '\b\nExample:\n  granskning settings set partnership-name "Partnerskapet i Norr"\n'
        "  granskning settings set logo logotyp.png\n"
        '  granskning settings set logo-alt "Partnerskapet i Norr"'
    ),
)
@click.argument("name", type=click.Choice(["partnership-name", "logo", "logo-alt"]), metavar="NAME")
@click.argument("value", metavar="VALUE")
@json_option()
def settings_set(name: str, value: str, as_json: bool) -> None:
    from pathlib import Path

    from granskning.services import settings as lib

    st = store()
    if name == "logo":
        data = lib.read_logo_file(Path(value)) if value else b""
        lib.set_logo(st, data)
        message = _("logo set: {path}").format(path=value) if value else _("logo removed")
    elif name == "logo-alt":
        message = _("logo alt text set: {text}").format(text=lib.set_logo_alt(st, value))
    else:
        message = _("partnership name set: {name}").format(name=lib.set_partnership_name(st, value))
    if as_json:
        print_json(lib.show(st))
    else:
        ok(message)


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
    logo = data["logo"]
    if logo is None:
        click.echo(_("logo: none"))
    else:
        click.echo(
            _("logo: {width}×{height} px, {size} KB").format(
                width=logo["width"], height=logo["height"], size=(logo["bytes"] + 1023) // 1024
            )
        )
        click.echo(_("logo-alt: {value}").format(value=data["logo_alt"]))
