"""The edit and remove commands of a kind of text item (findings, recommendations, notes).

They differ only in their help, the library functions they call and what they say, so one
factory makes each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from granskning.cli._base import TGroup, ok, print_result, read_text_input, store
from granskning.cli.options import id_argument, json_option, reason_option, text_options
from granskning.domain.i18n import N_, _


def edit_command(
    group: TGroup,
    help: str,
    *,
    edit: Callable[[Any, int, str], Any],
    as_dict: Callable[[Any], Any],
    changed: str,
    metavar: str = "ID",
    text_help: str = N_("The new text."),
    file_help: str = N_("Read the text from a UTF-8 file (- for stdin)."),
) -> click.Command:
    """``GROUP edit ID --text/--file [--json]``: ``edit(store, id, text)`` gives the changed
    row, printed as ``as_dict(row)`` with --json, else ``changed`` (a message with ``{id}``)."""

    @group.command("edit", help=help)
    @id_argument("item_id", metavar)
    @text_options(text_help, file_help)
    @json_option()
    def command(item_id: int, text: str | None, path: str | None, as_json: bool) -> None:
        body = read_text_input(text, path)
        row = edit(store(), item_id, body)
        print_result(as_json, lambda: as_dict(row), _(changed).format(id=item_id))

    return command


def remove_command(
    group: TGroup,
    help: str,
    *,
    remove: Callable[..., Any],
    removed: str,
    metavar: str = "ID",
    reason_help: str | None = None,
) -> click.Command:
    """``GROUP remove ID [--reason TEXT]``: ``remove(store, id[, reason])``, then ``removed``
    (a message with ``{id}``). With ``reason_help``, a reason is required."""

    def run(item_id: int, **reason: str) -> None:
        remove(store(), item_id, *reason.values())
        ok(_(removed).format(id=item_id))

    if reason_help is not None:
        run = reason_option(reason_help, required=True)(run)
    return group.command("remove", help=help)(id_argument("item_id", metavar)(run))
