"""What every command module shares: translated help, the app context, output helpers.

Help texts are written in English, marked with ``N_`` for the catalog, and translated when
shown, so ``--lang`` works for help too. Only click and the standard library are imported
here: ``granskning --help`` must stay fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from granskning.i18n import _

if TYPE_CHECKING:
    from datetime import datetime

    from granskning.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def _translated(text: str | None) -> str | None:
    return _(text) if text else text


class TOption(click.Option):
    """An option whose help is translated when shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        original = self.help
        self.help = _translated(original)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


class TCommand(click.Command):
    """A command whose help and short help are translated when shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = _translated(original)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def get_short_help_str(self, limit: int = 45) -> str:
        original = self.help
        self.help = _translated(original)
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = original


class TGroup(TCommand, click.Group):
    """A group of commands with translated help."""

    command_class = TCommand
    group_class = type


def option(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` with translated help."""
    attrs.setdefault("cls", TOption)
    return click.option(*param_decls, **attrs)


def group(name: str, help: str) -> Callable[[F], TGroup]:
    """A command group with translated help."""
    return click.group(name, cls=TGroup, help=help)


@dataclass
class App:
    """The state shared by commands: the database and output language."""

    db: str | None = None
    actor: str | None = None
    clock: Callable[[], datetime] | None = None  # GRANSKNING_NOW; None: the real time
    _store: Store | None = field(default=None, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            from granskning.store import Store, resolve_url

            self._store = Store(resolve_url(self.db), actor=self.actor, clock=self.clock)
        return self._store


def app() -> App:
    """The App of the running command."""
    ctx = click.get_current_context()
    obj = ctx.find_object(App)
    if obj is None:
        obj = ctx.ensure_object(App)
    return obj


def store() -> Store:
    """The database of the running command (created or upgraded on first use)."""
    return app().store


def print_json(data: Any) -> None:
    """Print exactly one JSON document on stdout (indented for a terminal, compact for pipes)."""
    indent = 2 if sys.stdout.isatty() else None
    click.echo(json.dumps(data, ensure_ascii=False, indent=indent, default=str))


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
) -> None:
    """Print rows as a table for people (rich), headers translated."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for h in headers:
        table.add_column(_(h))
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console(soft_wrap=False).print(table)


def ok(message: str) -> None:
    """Report a successful change on stderr, leaving stdout to data."""
    click.secho(message, err=True, fg="green")


def read_text_input(text: str | None, path: str | None) -> str:
    """The text of ``--text`` or ``--file`` (exactly one), checked for size and encoding."""
    from granskning.errors import InputError

    if (text is None) == (path is None):
        raise InputError(_("give exactly one of --text and --file"))
    if text is not None:
        return text
    assert path is not None
    try:
        if path == "-":
            data = sys.stdin.buffer.read(2_000_001)
        else:
            with open(path, "rb") as fh:
                data = fh.read(2_000_001)
    except OSError as exc:
        raise InputError(
            _("{path}: cannot read ({error})").format(path=path, error=exc.strerror)
        ) from None
    if len(data) > 2_000_000:
        raise InputError(_("{path}: larger than 2 MB").format(path=path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(_("{path}:{line}: not UTF-8 text").format(path=path, line=line)) from None
    if "\x00" in text:  # no database text column takes it (PostgreSQL refuses it outright)
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(
            _("{path}:{line}: a NUL character; not a text file").format(path=path, line=line)
        )
    return text
