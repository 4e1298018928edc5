"""CLI wiring: help everywhere, exit codes, JSON, bad input changing nothing, fast start."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import click
import pytest
from click.testing import CliRunner

from granskning.cli import COMMANDS, cli as root


def all_commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(root)
    out: list[tuple[str, click.Command]] = []

    def walk(prefix: str, cmd: click.Command) -> None:
        out.append((prefix, cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None, f"{prefix} {name} is listed but cannot be loaded"
                walk(f"{prefix} {name}", sub)

    for name in sorted(COMMANDS):
        command = root.get_command(ctx, name)
        assert command is not None, name
        walk(name, command)
    return out


@pytest.mark.parametrize(
    ("path", "command"), all_commands(), ids=lambda v: v if isinstance(v, str) else ""
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_command_has_help_with_an_example(
    path: str, command: click.Command, lang: str
) -> None:
    result = CliRunner().invoke(root, ["--lang", lang, *path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert command.help, path
    assert "\b\nExample:\n  granskning" in command.help, (
        f"{path}: help must end with an Example block"
    )
    assert ("Exempel:" if lang == "sv" else "Example:") in result.output
    # the help is shown in the chosen language
    assert ("Användning:" if lang == "sv" else "Usage:") in result.output


def test_root_help_lists_every_command() -> None:
    result = CliRunner().invoke(root, ["--lang", "en", "--help"])
    for name in COMMANDS:
        assert name in result.output


def test_help_does_not_import_the_database_layer() -> None:
    code = (
        "import sys\n"
        "from granskning.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlmodel', 'sqlalchemy', 'docxtpl', 'docx', 'alembic', 'transitions') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_version() -> None:
    from granskning import __version__

    result = CliRunner().invoke(root, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


# -- exit codes and errors -------------------------------------------------------------------


def db_dump(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: to prove a failed command changed nothing."""
    from sqlalchemy import text

    from granskning.storage.store import metadata

    out = {}
    with store.engine.connect() as conn:
        for table in metadata().sorted_tables:
            out[table.name] = sorted(
                (
                    tuple(str(v) for v in row)
                    for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))
                ),
            )
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["review", "show", "99"], 2, "review 99 does not exist"),
        (["review", "show", "abc"], 2, "is not a valid integer"),
        (
            [
                "review",
                "create",
                "--host",
                "Luleå",
                "--reviewing",
                "Gävle",
                "--template",
                "kollegial-granskning-2013",
            ],
            2,
            "municipality Luleå does not exist",
        ),
        (
            [
                "review",
                "create",
                "--host",
                "Gävle",
                "--reviewing",
                "Gävle",
                "--template",
                "kollegial-granskning-2013",
            ],
            1,
            "cannot review itself",
        ),
        (
            ["review", "assign", "{review}", "--person", "{host_person}", "--role", "reviewer"],
            1,
            "municipality under review",
        ),
        (
            ["review", "assign", "{review}", "--person", "999", "--role", "reviewer"],
            2,
            "person 999 does not exist",
        ),
        (
            ["review", "assign", "{review}", "--person", "{lead}", "--role", "boss"],
            2,
            "Invalid value for '--role'",
        ),
        (
            ["review", "advance", "{review}", "hand_over"],
            1,
            "not possible while the review is planned",
        ),
        (
            ["review", "advance", "{review}", "confirm_schedule"],
            1,
            "no lead (granskningsledare) is assigned",
        ),
        (["review", "advance", "{review}", "cancel"], 1, "a reason is required"),
        (["review", "advance", "{review}", "fly"], 2, "unknown action fly"),
        (
            ["review", "advance", "{review}", "schedule_seminar", "--date", "2026-13-40"],
            2,
            "is not a date of the form YYYY-MM-DD",
        ),
        (["review", "list", "--state", "sleeping"], 2, "unknown state sleeping"),
        (
            ["person", "add", "X", "--municipality", "Nowhere"],
            2,
            "municipality Nowhere does not exist",
        ),
        (
            ["person", "add", "X", "--municipality", "Gävle", "--email", "not-an-address"],
            2,
            "not an e-mail address",
        ),
        (["municipality", "add", "  "], 2, "must not be empty"),
        (["municipality", "add", "gävle"], 1, "already exists"),
        (["review", "nonsense"], 2, "No such command"),
    ],
)
def test_bad_input_one_line_exit_code_nothing_changed(
    cli: Any, sample: Any, args: list[str], code: int, message: str
) -> None:
    before = db_dump(cli.store)
    args = [a.format(**vars(sample)) for a in args]
    result = cli(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) <= 2 or code == 2
    assert db_dump(cli.store) == before


@pytest.mark.parametrize(
    "db",
    [
        "mysql://user@host/db",
        "postgresql+asyncpg://x@y/z",
        "/no/such/dir/g.db",
        "postgresql+psycopg://nobody@/nodb?host=/nonexistent",
    ],
)
def test_malformed_db_is_one_line_exit_2(db: str) -> None:
    result = CliRunner().invoke(root, ["--lang", "en", "--db", db, "review", "list"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in result.output


def test_swedish_is_the_default(cli: Any, sample: Any) -> None:
    from granskning.domain.i18n import set_language

    set_language(None)
    result = cli("review", "show", "99")
    assert "granskning 99 finns inte" in result.stderr.lower() or "finns inte" in result.stderr


# -- JSON shapes --------------------------------------------------------------------------------


def test_json_shapes(cli: Any, sample: Any) -> None:
    shown = cli.json("review", "show", sample.review)
    assert {"id", "state", "actions", "team", "interviews"} <= shown.keys()
    listed = cli.json("review", "list")
    assert isinstance(listed, list) and listed[0]["id"] == sample.review
    acts = cli.json("review", "actions", sample.review)
    assert {a["action"] for a in acts} >= {"confirm_schedule", "cancel"}
    assert all(set(a) == {"action", "allowed", "reason"} for a in acts)
    created = cli.json("municipality", "add", "Borlänge")
    assert created["name"] == "Borlänge" and isinstance(created["id"], int)
    people = cli.json("person", "list")
    assert all("id" in p for p in people)
    cli.ok("review", "advance", sample.review, "cancel", "--reason", "Omorganisation")
    history = cli.json("review", "history", sample.review)
    assert history[-1]["action"] == "cancel" and history[-1]["comment"] == "Omorganisation"
    assert json.loads(cli.ok("info", "--json").stdout)["counts"]["reviews"] == 1


def test_diagram_command(cli: Any) -> None:
    assert "stateDiagram" in cli.ok("review", "diagram").stdout
    assert cli.ok("review", "diagram", "--format", "dot").stdout.startswith("digraph")
