"""``granskning demo``."""

from __future__ import annotations

from pathlib import Path

import click

from granskning.cli._base import command, option
from granskning.domain.i18n import N_, _


@command(
    "demo",
    help=N_(
        "Walk one review through its life cycle on a fresh SQLite database, writing the "
        "documents into a folder. Start here to see what granskning does.\n\n"
        "\b\nExample:\n  granskning demo --out demo"
    ),
)
@option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("granskning-demo"),
    show_default=True,
    help=N_("Folder for the demo database and documents."),
)
def demo(out: Path) -> None:
    from granskning.demo import run_demo

    result = run_demo(out, say=click.echo)
    click.echo(_("Done. Files in {folder}:").format(folder=out))
    for path in [result.db_path, *result.files]:
        click.echo(f"  {path}")
