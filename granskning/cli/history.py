"""``granskning municipality history``: a municipality's reviews across rounds."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import TCommand, option, store
from granskning.cli._output import ok, print_json, shorten
from granskning.cli._pdf import pdf_beside, pdf_option
from granskning.cli.options import json_option, language_option, output_option
from granskning.domain.i18n import N_, _


@click.command(
    "history",
    cls=TCommand,
    help=N_(
        "A municipality's history: every review it hosted and did as a reviewing member, "
        "round by round; the rating questions per group side by side across rounds (no mean "
        "over fewer than three answers), the findings, and each recommendation with its "
        "follow-up status and what the next review found in its block. --docx -o FILE "
        "writes it as a Word document.\n\n"
        "\b\nExample:\n  granskning municipality history Gävle --json\n"
        "  granskning municipality history Gävle --docx -o gavle-historik.docx --pdf"
    ),
)
@click.argument("name")
@option("--docx", "as_docx", is_flag=True, help=N_("Write a Word document (with -o FILE)."))
@output_option(N_("The Word document to write."), dest="out", metavar="FILE", required=False)
@language_option(N_("The Word document's language (default: the messages' language)."))
@pdf_option()
@json_option()
def municipality_history(
    name: str, as_docx: bool, out: str | None, language: str | None, pdf: bool, as_json: bool
) -> None:
    from pathlib import Path

    from granskning.domain.errors import InputError
    from granskning.services import history

    if (as_docx or pdf) and out is None:
        raise InputError(_("--docx needs -o FILE.docx"))
    if out is not None:
        with pdf_beside(Path(out), pdf):
            data = history.build_docx(store(), name, Path(out), language)
            ok(_("history written: {path}").format(path=out))
    else:
        data = history.history(store(), name)
    if as_json:
        print_json(data)
    elif out is None:
        _print_history(data)


def _print_history(data: dict[str, Any]) -> None:
    """The history for people: round by round, one line per review and recommendation."""
    click.echo(data["municipality"])
    if not data["rounds"]:
        click.echo(_("  no reviews"))
    for r in data["rounds"]:
        click.echo(f"\n{r['year']}" + (f" – {r['theme']}" if r["theme"] else ""))
        for h in r["hosted"]:
            click.echo(
                "  "
                + _("hosted review {id} ({state}), reviewed by {who}").format(
                    id=h["review"], state=h["state_label"], who=", ".join(h["reviewing"]) or "-"
                )
            )
            for rec in h["recommendations"]:
                click.echo(f"    R{rec['number']} [{_status(rec)}] {shorten(rec['text'], 60)}")
        for v in r["reviewed"]:
            click.echo(
                "  "
                + _("reviewed {host} (review {id}, {state})").format(
                    host=v["host"], id=v["review"], state=v["state_label"]
                )
            )


def _status(rec: dict[str, Any]) -> str:
    follow = rec["follow_up"]
    if follow is None:
        return _("no checklist item")
    return str(follow["status_label"] or _("no status"))
