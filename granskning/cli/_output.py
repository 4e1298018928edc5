"""How commands print: JSON or tables on stdout, messages on stderr.

Only click and the standard library are imported here (rich when a table is printed):
``granskning --help`` must stay fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from granskning.domain.i18n import _


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


def print_rows(
    as_json: bool,
    rows: Sequence[Any],
    headers: Sequence[str],
    cells: Callable[[Any], Sequence[Any]],
) -> None:
    """Print rows as JSON with --json, else as a table of ``cells(row)`` under ``headers``."""
    if as_json:
        print_json(rows)
    else:
        print_table(headers, [cells(r) for r in rows])


def print_result(as_json: bool, data: Callable[[], Any], message: str) -> None:
    """After a change: ``data()`` as JSON with --json, else ``message`` on stderr."""
    if as_json:
        print_json(data())
    else:
        ok(message)


def shorten(text: str, n: int = 70) -> str:
    """A text on one line, cut to ``n`` characters for a table cell."""
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


def ok(message: str) -> None:
    """Report a successful change on stderr, leaving stdout to data."""
    click.secho(message, err=True, fg="green")


def warn(message: str) -> None:
    """Say something the user should heed on stderr (in yellow), leaving stdout to data."""
    click.secho(message, err=True, fg="yellow")
