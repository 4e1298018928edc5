"""``granskning finding ...``: strengths and development areas per block of the template."""

from __future__ import annotations

import click

from granskning.cli._base import group, lazy, option, read_text_input, store
from granskning.cli._commands import edit_command, remove_command
from granskning.cli._output import print_result, print_rows, shorten
from granskning.cli.options import block_option, json_option, review_argument, text_options
from granskning.domain.enums import FindingKind
from granskning.domain.i18n import N_, _

# a block's "no findings" mark is not a kind one adds
KINDS = [k.value for k in FindingKind if k is not FindingKind.none]
# the library's functions, imported when a command runs
finding_dict = lazy("granskning.services.findings:finding_dict")


@group(
    "finding",
    help=N_(
        "Findings per block of the question template: strengths, development areas, or an "
        'explicit "no findings".\n\n'
        "\b\nExample:\n  granskning finding add 1 --block styrprocesser --kind strength "
        "--text 'Tydliga politiska mål'"
    ),
)
def finding() -> None:
    pass


block_in_template = block_option(N_("The block id in the review's template."), required=True)


@finding.command(
    "add",
    help=N_(
        "Add a strength or a development area to a block.\n\n"
        "Blank lines in the text separate paragraphs; lines starting with '- ' or '1. ' are "
        "list items.\n\n"
        "\b\nExample:\n  granskning finding add 1 --block inflytande --kind development "
        "--text 'Återkopplingen till barn är otydlig' --json"
    ),
)
@review_argument
@block_in_template
@option(
    "--kind",
    type=click.Choice(KINDS),
    required=True,
    help=N_("strength (styrka) or development (utvecklingsområde)."),
)
@text_options(N_("The finding."), N_("Read the finding from a UTF-8 file (- for stdin)."))
@json_option()
def add(
    review_id: int, block: str, kind: str, text: str | None, path: str | None, as_json: bool
) -> None:
    from granskning.services import findings

    body = read_text_input(text, path)
    row = findings.add_finding(store(), review_id, block, kind, body)
    done = _("finding {id} added to {block}").format(id=row.id, block=row.block_id)
    print_result(as_json, lambda: finding_dict(row), done)


@finding.command(
    "none",
    help=N_(
        "Mark a block as having no findings (the handover needs a finding or this mark for "
        "every block).\n\n\b\nExample:\n  granskning finding none 1 --block framtid"
    ),
)
@review_argument
@block_in_template
@json_option()
def none(review_id: int, block: str, as_json: bool) -> None:
    from granskning.services import findings

    row = findings.mark_no_findings(store(), review_id, block)
    print_result(
        as_json,
        lambda: finding_dict(row),
        _('block {block} marked "no findings" (finding {id})').format(
            block=row.block_id, id=row.id
        ),
    )


@finding.command(
    "list",
    help=N_(
        "List a review's findings in the order of the template's blocks.\n\n"
        "\b\nExample:\n  granskning finding list 1 --json"
    ),
)
@review_argument
@block_option(N_("Only this block."))
@json_option()
def list_(review_id: int, block: str | None, as_json: bool) -> None:
    from granskning.services import findings

    print_rows(
        as_json,
        findings.list_findings(store(), review_id, block),
        [N_("id"), N_("block"), N_("kind"), N_("text")],
        lambda r: (r["id"], r["block"], _(_kind_label(r["kind"])), shorten(r["text"])),
    )


def _kind_label(kind: str) -> str:
    from granskning.services.findings import KIND_LABELS

    return KIND_LABELS[FindingKind(kind)]


edit = edit_command(
    finding,
    N_(
        "Replace the text of a finding.\n\n\b\nExample:\n  granskning finding edit 4 --text 'Ny formulering'"
    ),
    edit=lazy("granskning.services.findings:edit_finding"),
    as_dict=finding_dict,
    changed=N_("finding {id} changed"),
)
remove = remove_command(
    finding,
    N_("Delete a finding.\n\n\b\nExample:\n  granskning finding remove 4"),
    remove=lazy("granskning.services.findings:remove_finding"),
    removed=N_("finding {id} removed"),
)
