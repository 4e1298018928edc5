"""``granskning calendar``: a review's interviews, handover and seminar as an .ics file."""

from __future__ import annotations

import click

from granskning.cli._base import command, store
from granskning.cli._output import ok
from granskning.cli.options import output_option
from granskning.domain.i18n import N_, ngettext


@command(
    "calendar",
    help=N_(
        "Write a review's calendar: every interview (cancelled ones marked cancelled), the "
        "handover and the follow-up seminar, in Europe/Stockholm time, with the team as "
        "attendees where their e-mail is known. Import it again after changes: the events "
        "update in place.\n\n"
        "\b\nExample:\n  granskning calendar 1 -o granskning-gavle.ics"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@output_option(N_("Where to write it (- for stdout)."), metavar="FILE.ics")
def calendar(review_id: int, output: str) -> None:
    from granskning.documents import calendar as cal

    count = cal.write(store(), review_id, output)
    if output != "-":
        ok(
            ngettext(
                "{count} event written to {path}", "{count} events written to {path}", count
            ).format(count=count, path=output)
        )
