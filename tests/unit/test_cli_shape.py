"""The CLI's shared pieces, without a database: command classes, shared options, factories."""

from __future__ import annotations

import json
from typing import Any

import click
import pytest
from click.testing import CliRunner

from granskning.cli import COMMANDS, cli as root
from granskning.cli._base import App, TCommand, TGroup, lazy
from granskning.cli._commands import edit_command, remove_command, rows_command
from granskning.cli._output import shorten
from granskning.cli.options import ROLES, json_option, text_options
from granskning.domain.enums import Role
from granskning.domain.i18n import N_


def _walk(prefix: str, command: click.Command, ctx: click.Context) -> list[tuple[str, Any]]:
    out = [(prefix, command)]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            out += _walk(f"{prefix} {name}", command.get_command(ctx, name), ctx)  # type: ignore[arg-type]
    return out


def test_every_command_is_a_tcommand_from_its_group() -> None:
    ctx = click.Context(root)
    found = [
        pair for name in sorted(COMMANDS) for pair in _walk(name, root.get_command(ctx, name), ctx)
    ]  # type: ignore[arg-type]
    assert len(found) > 60
    for path, command in found:
        assert isinstance(command, TCommand), path
        if isinstance(command, click.Group):
            assert isinstance(command, TGroup), path


def test_roles_come_from_the_enum() -> None:
    assert ROLES == [r.value for r in Role]
    assign = root.get_command(click.Context(root), "review").get_command(  # type: ignore[union-attr]
        click.Context(root), "assign"
    )
    role = next(p for p in assign.params if p.name == "role")
    assert list(role.type.choices) == ROLES  # type: ignore[attr-defined]


def test_text_options_are_text_then_file() -> None:
    @click.command()
    @text_options()
    @json_option()
    def command(text: str | None, path: str | None, as_json: bool) -> None:
        pass

    assert [(p.name, p.opts) for p in command.params] == [
        ("text", ["--text"]),
        ("path", ["--file"]),
        ("as_json", ["--json"]),
    ]


def test_lazy_imports_when_called() -> None:
    dumps = lazy("json:dumps")
    assert dumps([1]) == "[1]"


def test_shorten() -> None:
    assert shorten("a\n  b") == "a b"
    assert shorten("x" * 80, 10) == "x" * 9 + "…"


@pytest.fixture
def items() -> tuple[TGroup, list[tuple[Any, ...]]]:
    """A group with the factories' commands over a list instead of a database."""
    calls: list[tuple[Any, ...]] = []

    @click.group(cls=TGroup)
    def group() -> None:
        pass

    def edit(st: Any, item_id: int, body: str) -> dict[str, Any]:
        calls.append(("edit", st, item_id, body))
        return {"id": item_id, "text": body}

    def remove(st: Any, item_id: int, *reason: str) -> None:
        calls.append(("remove", st, item_id, *reason))

    edit_command(group, "Edit.", edit=edit, as_dict=dict, changed=N_("finding {id} changed"))
    remove_command(
        group, "Remove.", remove=remove, removed=N_("note {id} removed"), reason_help="Why."
    )
    rows_command(
        group,
        "list",
        "List.",
        rows=lambda st, review: [{"id": review, "text": "t"}],
        headers=[N_("id"), N_("text")],
        cells=lambda r: (r["id"], r["text"]),
    )
    return group, calls


def _run(group: TGroup, *args: str) -> Any:
    return CliRunner().invoke(group, list(args), obj=App(_store="the store"))


def test_edit_command(items: tuple[TGroup, list[tuple[Any, ...]]]) -> None:
    group, calls = items
    result = _run(group, "edit", "4", "--text", "new")
    assert result.exit_code == 0
    assert "finding 4 changed" in result.stderr
    assert calls == [("edit", "the store", 4, "new")]
    result = _run(group, "edit", "4", "--text", "new", "--json")
    assert json.loads(result.stdout) == {"id": 4, "text": "new"}


def test_remove_command_with_a_reason(items: tuple[TGroup, list[tuple[Any, ...]]]) -> None:
    group, calls = items
    assert _run(group, "remove", "7").exit_code == 2  # --reason is required
    result = _run(group, "remove", "7", "--reason", "wrong")
    assert result.exit_code == 0 and "note 7 removed" in result.stderr
    assert calls == [("remove", "the store", 7, "wrong")]


def test_rows_command(items: tuple[TGroup, list[tuple[Any, ...]]]) -> None:
    group, _calls = items
    assert json.loads(_run(group, "list", "3", "--json").stdout) == [{"id": 3, "text": "t"}]
    assert "REVIEW" in _run(group, "list", "--help").output
