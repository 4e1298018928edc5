"""``granskning recommendation ...``: recommendations to the municipality under review."""

from __future__ import annotations

from granskning.cli._base import group, lazy, read_text_input, store
from granskning.cli._commands import edit_command, remove_command, rows_command
from granskning.cli._output import print_result, shorten
from granskning.cli.options import block_option, json_option, review_argument, text_options
from granskning.domain.i18n import N_, _

# the library's function, imported when a command runs
recommendation_dict = lazy("granskning.services.findings:recommendation_dict")


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
    help=N_(
        "Add a recommendation, optionally about one block of the template.\n\n"
        "\b\nExample:\n  granskning recommendation add 1 --text 'Utbilda alla chefer i "
        "barnrättslagen' --json"
    ),
)
@review_argument
@text_options(
    N_("The recommendation."), N_("Read the recommendation from a UTF-8 file (- for stdin).")
)
@block_option(N_("The block it is about (optional)."))
@json_option()
def rec_add(
    review_id: int, text: str | None, path: str | None, block: str | None, as_json: bool
) -> None:
    from granskning.services import findings

    body = read_text_input(text, path)
    row = findings.add_recommendation(store(), review_id, body, block)
    done = _("recommendation {id} added ({code})").format(id=row.id, code=f"R{row.number}")
    print_result(as_json, lambda: recommendation_dict(row), done)


rec_list = rows_command(
    recommendation,
    "list",
    N_(
        "List a review's recommendations.\n\n\b\nExample:\n  granskning recommendation list 1 --json"
    ),
    rows=lazy("granskning.services.findings:list_recommendations"),
    headers=[N_("id"), N_("number"), N_("block"), N_("text")],
    cells=lambda r: (r["id"], r["code"], r["block"] or "", shorten(r["text"])),
)
rec_edit = edit_command(
    recommendation,
    N_(
        "Replace the text of a recommendation.\n\n\b\nExample:\n  granskning recommendation edit 2 --file rek.txt"
    ),
    edit=lazy("granskning.services.findings:edit_recommendation"),
    as_dict=recommendation_dict,
    changed=N_("recommendation {id} changed"),
)
rec_remove = remove_command(
    recommendation,
    N_("Delete a recommendation.\n\n\b\nExample:\n  granskning recommendation remove 2"),
    remove=lazy("granskning.services.findings:remove_recommendation"),
    removed=N_("recommendation {id} removed"),
)
