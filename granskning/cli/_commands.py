"""Commands several groups have, made by one factory each: a listing of a review's rows,
showing one thing, setting a document language, editing and removing a text item (findings,
recommendations, notes). They differ only in their help, the library functions they call
and what they say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from granskning.cli._base import TGroup, read_text_input, store
from granskning.cli._output import ok, print_json, print_result, print_rows
from granskning.cli.options import (
    LANGUAGE_NAMES,
    id_argument,
    json_option,
    language_argument,
    reason_option,
    text_options,
)
from granskning.domain.i18n import N_, _


def rows_command(
    group: TGroup,
    name: str,
    help: str,
    *,
    rows: Callable[[Any, int], Any],
    headers: list[str],
    cells: Callable[[Any], Any],
    metavar: str = "REVIEW",
) -> click.Command:
    """``GROUP NAME REVIEW [--json]``: ``rows(store, review)`` as JSON, or as a table of
    ``cells(row)`` under ``headers``."""

    @group.command(name, help=help)
    @id_argument("review_id", metavar)
    @json_option()
    def command(review_id: int, as_json: bool) -> None:
        print_rows(as_json, rows(store(), review_id), headers, cells)

    return command


def show_command(
    group: TGroup,
    name: str,
    help: str,
    *,
    show: Callable[[Any, int], Any],
    describe: Callable[[Any], None],
    metavar: str = "ID",
    json_help: str = N_("Print JSON."),
) -> click.Command:
    """``GROUP NAME ID [--json]``: ``show(store, id)`` as JSON, or ``describe``d for people."""

    @group.command(name, help=help)
    @id_argument("item_id", metavar)
    @json_option(json_help)
    def command(item_id: int, as_json: bool) -> None:
        data = show(store(), item_id)
        if as_json:
            print_json(data)
        else:
            describe(data)

    return command


def set_language_command(
    group: TGroup,
    help: str,
    *,
    metavar: str,
    set_language: Callable[[Any, int, str], Any],
    done: str,
) -> click.Command:
    """``GROUP set-language ID LANGUAGE``: ``set_language(store, id, language)``, then
    ``done`` (a message with ``{id}`` and ``{language}``)."""

    @group.command("set-language", help=help)
    @id_argument("item_id", metavar)
    @language_argument()
    def command(item_id: int, language: str) -> None:
        set_language(store(), item_id, language)
        ok(_(done).format(id=item_id, language=_(LANGUAGE_NAMES[language])))

    return command


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
