"""``granskning backup`` and ``granskning restore``."""

from __future__ import annotations

import click

from granskning.cli._base import command, store
from granskning.cli._output import ok, print_json
from granskning.cli.options import json_option, output_option
from granskning.domain.i18n import N_, ngettext


@command(
    "backup",
    help=N_(
        "Write a consistent copy of the whole database, also while others are writing: "
        "an SQLite file, or for PostgreSQL a pg_dump file (custom format; pg_dump must be "
        "on the PATH).\n\n"
        "\b\nExample:\n  granskning backup -o granskning-2026-03-02.db"
    ),
)
@output_option(
    N_("The backup file to write (replaced if it exists)."),
    type=click.Path(dir_okay=False, path_type=str),
)
@json_option()
def backup(output: str, as_json: bool) -> None:
    from pathlib import Path

    from granskning.storage import backup as lib

    data = lib.backup(store(), Path(output))
    if as_json:
        print_json(data)
    else:
        ok(
            ngettext(
                "backup written: {file} ({size} byte)",
                "backup written: {file} ({size} bytes)",
                data["bytes"],
            ).format(file=output, size=data["bytes"])  # the path as the user gave it
        )


@command(
    "restore",
    help=N_(
        "Load a backup into an empty database (a new file, or a newly created PostgreSQL "
        "database). An SQLite backup can be restored into SQLite or PostgreSQL; a pg_dump "
        "file into PostgreSQL.\n\n"
        "\b\nExample:\n  granskning --db restored.db restore granskning-2026-03-02.db"
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@json_option()
def restore(file: str, as_json: bool) -> None:
    from pathlib import Path

    from granskning.storage import backup as lib

    st = store()
    data = lib.restore(st, Path(file))
    if as_json:
        print_json(data)
    else:
        rows = sum(data["rows"].values())
        ok(
            ngettext(
                "restored {file} into {db}: {rows} row",
                "restored {file} into {db}: {rows} rows",
                rows,
            ).format(file=file, db=st.safe_url, rows=rows)
        )
