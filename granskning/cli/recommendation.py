"""``granskning recommendation ...``: recommendations to the municipality under review."""

from __future__ import annotations

import click

from granskning.cli._base import (
    TCommand,
    group,
    ok,
    option,
    print_json,
    print_table,
    read_text_input,
    store,
)
from granskning.domain.i18n import N_, _


def _short(text: str, n: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


@group(
    "recommendation",
    help=N_(
        "Recommendations to the municipality under review.\n\n"
        "\b\nExample:\n  granskning recommendation add 1 --block styrprocesser "
        "--text 'Inför barnkonsekvensanalyser i budgetprocessen'"
    ),
)
def recommendation() -> None:
    pass


@recommendation.command(
    "add",
    cls=TCommand,
    help=N_(
        "Add a recommendation, optionally about one block of the template.\n\n"
        "\b\nExample:\n  granskning recommendation add 1 --text 'Utbilda alla chefer i "
        "barnrättslagen' --json"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--text", metavar="TEXT", help=N_("The recommendation."))
@option(
    "--file",
    "path",
    metavar="PATH",
    help=N_("Read the recommendation from a UTF-8 file (- for stdin)."),
)
@option("--block", metavar="BLOCK", help=N_("The block it is about (optional)."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def rec_add(
    review_id: int, text: str | None, path: str | None, block: str | None, as_json: bool
) -> None:
    from granskning.services import findings

    row = findings.add_recommendation(store(), review_id, read_text_input(text, path), block)
    if as_json:
        print_json(findings.recommendation_dict(row))
    else:
        ok(_("recommendation {id} added").format(id=row.id))


@recommendation.command(
    "list",
    cls=TCommand,
    help=N_(
        "List a review's recommendations.\n\n\b\nExample:\n  granskning recommendation list 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def rec_list(review_id: int, as_json: bool) -> None:
    from granskning.services import findings

    rows = findings.list_recommendations(store(), review_id)
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("id"), N_("block"), N_("text")],
        [(r["id"], r["block"] or "", _short(r["text"])) for r in rows],
    )


@recommendation.command(
    "edit",
    cls=TCommand,
    help=N_(
        "Replace the text of a recommendation.\n\n\b\nExample:\n  granskning recommendation edit 2 --file rek.txt"
    ),
)
@click.argument("rec_id", type=int, metavar="ID")
@option("--text", metavar="TEXT", help=N_("The new text."))
@option("--file", "path", metavar="PATH", help=N_("Read the text from a UTF-8 file (- for stdin)."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def rec_edit(rec_id: int, text: str | None, path: str | None, as_json: bool) -> None:
    from granskning.services import findings

    row = findings.edit_recommendation(store(), rec_id, read_text_input(text, path))
    if as_json:
        print_json(findings.recommendation_dict(row))
    else:
        ok(_("recommendation {id} changed").format(id=row.id))


@recommendation.command(
    "remove",
    cls=TCommand,
    help=N_("Delete a recommendation.\n\n\b\nExample:\n  granskning recommendation remove 2"),
)
@click.argument("rec_id", type=int, metavar="ID")
def rec_remove(rec_id: int) -> None:
    from granskning.services import findings

    row = findings.remove_recommendation(store(), rec_id)
    ok(_("recommendation {id} removed").format(id=row.id))
