"""The ``granskning`` command: a root group whose subcommands are imported on demand."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from granskning import __version__
from granskning.cli._base import App, TGroup, TOption, option
from granskning.domain.i18n import N_, _, set_language

# command name -> "module:attribute"; modules are imported only when the command runs
COMMANDS: dict[str, str] = {
    "backup": "granskning.cli.backup:backup",
    "restore": "granskning.cli.backup:restore",
    "calendar": "granskning.cli.calendar:calendar",
    "init": "granskning.cli.admin:init",
    "info": "granskning.cli.admin:info",
    "demo": "granskning.cli.demo:demo",
    "finding": "granskning.cli.finding:finding",
    "interview": "granskning.cli.interview:interview",
    "municipality": "granskning.cli.registry:municipality",
    "note": "granskning.cli.note:note",
    "person": "granskning.cli.registry:person",
    "recommendation": "granskning.cli.recommendation:recommendation",
    "report": "granskning.cli.report:report",
    "review": "granskning.cli.review:review",
    "round": "granskning.cli.round:round_",
    "search": "granskning.cli.search:search",
    "seminar": "granskning.cli.seminar:seminar",
    "serve": "granskning.cli.web:serve",
    "session": "granskning.cli.session:session",
    "settings": "granskning.cli.settings:settings",
    "template": "granskning.cli.template:template",
    "user": "granskning.cli.web:user",
}


class LazyGroup(TGroup):
    """The root group: lists every command, imports one only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _sep, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:
            _check_utf8(arg, _("an argument"))
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        return _invoke_guarded(ctx, super().invoke)


def _check_utf8(value: str, what: str) -> None:
    # the operating system hands over bytes that are not UTF-8 as lone surrogates
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise UserError(
            _("{what} is not UTF-8 text: {value}").format(what=what, value=shown), 2
        ) from None


def _lang_callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        set_language(value)
    return value


@click.group(
    cls=LazyGroup,
    help=N_(
        "granskning: drive a kollegial granskning (collegial peer review) from planning "
        "to follow-up.\n\n"
        "\b\nExample:\n  granskning demo --out demo\n  granskning --lang en review list"
    ),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@option(
    "--db",
    metavar="PATH_OR_URL",
    envvar="GRANSKNING_DB",
    help=N_(
        "Database: a SQLite file or a postgresql+psycopg:// URL (default: a file in the user data folder)."
    ),
)
@option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    is_eager=True,
    expose_value=True,
    callback=_lang_callback,
    help=N_("Output language (default: Swedish, English with an English LANG)."),
)
@option(
    "--as",
    "actor",
    metavar="NAME",
    envvar="GRANSKNING_USER",
    callback=lambda _ctx, _param, value: _checked_actor(value),
    help=N_("Who is acting, for the audit log (default: the logged-in user)."),
)
@click.version_option(
    __version__,
    "--version",
    message="granskning %(version)s",
    cls=TOption,  # its help in the reader's language too
    help=N_("Show the version and exit."),
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, lang: str | None, actor: str | None) -> None:
    obj = ctx.ensure_object(App)
    if db is not None:
        _check_utf8(db, "--db")
    if db is not None and obj.db is None:
        obj.db = db
    if actor is not None and obj.actor is None:
        obj.actor = actor
    if obj.clock is None:
        from granskning.domain.clock import clock_from_env

        obj.clock = clock_from_env()  # a bad GRANSKNING_NOW stops every command, exit 2


def _checked_actor(value: str | None) -> str | None:
    from granskning.domain.errors import InputError
    from granskning.domain.text import check_actor

    try:
        return None if value is None else check_actor(value)
    except InputError as exc:
        raise UserError(str(exc), exc.exit_code) from None


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class UserError(click.ClickException):
    """A library error shown as plain lines on stderr, with the exit code cli.md gives it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        from granskning.domain.text import visible

        for line in self.format_message().splitlines() or [""]:
            # what the user typed is echoed: never an escape sequence or override as such
            click.secho(_("error: {message}").format(message=visible(line)), err=True, fg="red")


def _invoke_guarded(ctx: click.Context, invoke: Any) -> Any:
    from granskning.domain.errors import GranskningError

    try:
        return invoke(ctx)
    except GranskningError as exc:
        raise UserError(str(exc), exc.exit_code) from None
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except BrokenPipeError:  # the reader went away (| head): end quietly
        _quiet_stdout()
        raise click.exceptions.Exit(0) from None
    except KeyboardInterrupt:
        raise UserError(_("interrupted; everything entered so far is saved"), 130) from None
    except Exception as exc:  # the last line of defence: no traceback for users
        if _is_bad_xml(exc):
            # a user's file (a Word template) with broken or hostile XML (nested entities)
            raise UserError(
                _("not a valid Word document: {error}").format(error=_first_line(exc)), 2
            ) from None
        if os.environ.get("GRANSKNING_DEBUG"):
            raise
        raise UserError(
            _("unexpected {kind}: {message} (GRANSKNING_DEBUG=1 shows details)").format(
                kind=type(exc).__name__, message=_first_line(exc)
            ),
            3,
        ) from None


def _is_bad_xml(exc: BaseException) -> bool:
    try:
        from lxml.etree import XMLSyntaxError  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover  (python-docx brings lxml)
        return False
    return isinstance(exc, XMLSyntaxError)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else ""


def main(argv: list[str] | None = None) -> None:
    """Run the command line; library errors become one line on stderr and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(args)
    set_language(lang if lang in ("sv", "en") else None)
    try:
        cli.main(args=args, prog_name="granskning")
    except BrokenPipeError:  # output piped into head & co.
        _quiet_stdout()
        sys.exit(0)


def _quiet_stdout() -> None:
    """Send what is still buffered for a closed pipe nowhere, so that Python's flush at
    exit does not complain about it on stderr."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (tests capture it)
        pass
