"""What every command module shares: translated help, the app context, text input.

Help texts are written in English, marked with ``N_`` for the catalog, and translated when
shown, so ``--lang`` works for help too. Only click, the standard library, the domain's
errors and catalog and the storage's small file reader are imported here: ``granskning
--help`` must stay fast.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.storage.files import read_input

if TYPE_CHECKING:
    from datetime import datetime

    from granskning.storage.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def _translated(text: str | None) -> str | None:
    return _(text) if text else text


@contextlib.contextmanager
def _help_translated(item: click.Option | click.Command) -> Iterator[None]:
    """``item.help`` in the current language for the time of the block."""
    original = item.help
    item.help = _translated(original)
    try:
        yield
    finally:
        item.help = original


class TOption(click.Option):
    """An option whose help is translated when shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        with _help_translated(self):
            return super().get_help_record(ctx)


# Integers (ids, years, minutes) go into INTEGER columns, 32 bits wide on PostgreSQL:
# anything wider is bad input, not an overflow.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _check_integer(param: click.Parameter, value: Any) -> None:
    """An integer (or each of several) fits the database's INTEGER columns."""
    if not isinstance(param.type, click.types.IntParamType):
        return
    label = param.opts[-1] if isinstance(param, click.Option) else param.human_readable_name
    for v in value if isinstance(value, tuple | list) else (value,):
        if isinstance(v, int) and not INT_MIN <= v <= INT_MAX:
            raise InputError(_("{what}: {value} is too large a number").format(what=label, value=v))


def _check_output(param: click.Parameter, value: Any) -> None:
    """``-o`` names a file."""
    if isinstance(param, click.Option) and "-o" in param.opts and value == "":
        raise InputError(_("{option}: give a file name").format(option="-o"))


# what is checked of every parameter given, in order
PARAMETER_CHECKS = (_check_integer, _check_output)


def _check_parsed(command: click.Command, ctx: click.Context) -> None:
    """Bad input click lets through: integers wider than the database's, an empty -o."""
    for param in command.params:
        value = ctx.params.get(param.name or "")
        if value is not None:
            for check in PARAMETER_CHECKS:
                check(param, value)


class TCommand(click.Command):
    """A command whose help and short help are translated when shown, and whose integer
    and output arguments are checked."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        _check_parsed(self, ctx)
        return rest

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _help_translated(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _help_translated(self):
            return super().get_short_help_str(limit)


class TGroup(TCommand, click.Group):
    """A group of commands with translated help."""

    command_class = TCommand
    group_class = type


def option(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` with translated help."""
    attrs.setdefault("cls", TOption)
    return click.option(*param_decls, **attrs)


def group(name: str, help: str) -> Callable[[F], TGroup]:
    """A command group with translated help; its commands are TCommands (its command_class)."""
    return click.group(name, cls=TGroup, help=help)


def command(name: str, help: str) -> Callable[[F], TCommand]:
    """A command of its own, outside any group (``granskning backup``)."""
    return click.command(name, cls=TCommand, help=help)


# Commands that only read the database: they never create a database nor create or upgrade
# its schema (a missing one is exit 2, "granskning init creates one"). Every other command
# that opens the database creates it or upgrades its schema on first use, except those in
# OPENS_ITSELF (restore creates its target only when it succeeds).
READING = frozenset(
    {
        "backup",
        "calendar",
        "finding list",
        "info",
        "interview list",
        "interview show",
        "municipality history",
        "municipality list",
        "note list",
        "person export",
        "person list",
        "recommendation list",
        "report build",
        "report verify",
        "report versions",
        "review actions",
        "review export",
        "review history",
        "review list",
        "review show",
        "round list",
        "round report",
        "round show",
        "search",
        "seminar checklist",
        "seminar items",
        "session status",
        "settings show",
    }
)
# ... of which these also work on an older schema, as it is
ANY_SCHEMA = frozenset({"backup", "info"})
OPENS_ITSELF = frozenset({"restore"})


def command_name(ctx: click.Context) -> str:
    """The running command as typed after ``granskning``, e.g. ``"review list"``."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


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
            from granskning.storage.store import Store, resolve_url

            ctx = click.get_current_context(silent=True)
            name = command_name(ctx) if ctx is not None else ""
            if name in READING:
                url = resolve_url(self.db, create=False)
                self._store = Store.existing(
                    url, actor=self.actor, clock=self.clock, allow_older=name in ANY_SCHEMA
                )
            elif name in OPENS_ITSELF:
                self._store = Store(
                    resolve_url(self.db), actor=self.actor, clock=self.clock, migrate=False
                )
            else:
                self._store = Store(resolve_url(self.db), actor=self.actor, clock=self.clock)
            if ctx is not None:  # close its connections when the command ends
                ctx.find_root().call_on_close(self._store.dispose)
        return self._store


def app() -> App:
    """The App of the running command."""
    ctx = click.get_current_context()
    obj = ctx.find_object(App)
    if obj is None:
        obj = ctx.ensure_object(App)
    return obj


def store() -> Store:
    """The database of the running command: created or upgraded on first use, unless the
    command only reads (see READING)."""
    return app().store


def lazy(target: str) -> Callable[..., Any]:
    """The function ``"module:attribute"``, imported when first called: command modules
    name library functions this way so that ``granskning --help`` stays fast."""
    module, _sep, attr = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)

    return call


def read_text_input(text: str | None, path: str | None) -> str:
    """The text of ``--text`` or ``--file`` (exactly one), checked for size and encoding."""
    if (text is None) == (path is None):
        raise InputError(_("give exactly one of --text and --file"))
    if text is not None:
        return text
    assert path is not None
    if path == "-":
        data = sys.stdin.buffer.read(2_000_001)
    else:
        data = read_input(path, 2_000_001)
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
