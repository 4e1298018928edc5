"""``granskning finding ...``: strengths and development areas per block of the template."""

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


@finding.command(
    "add",
    cls=TCommand,
    help=N_(
        "Add a strength or a development area to a block.\n\n"
        "Blank lines in the text separate paragraphs; lines starting with '- ' or '1. ' are "
        "list items.\n\n"
        "\b\nExample:\n  granskning finding add 1 --block inflytande --kind development "
        "--text 'Återkopplingen till barn är otydlig' --json"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option(
    "--block", required=True, metavar="BLOCK", help=N_("The block id in the review's template.")
)
@option(
    "--kind",
    type=click.Choice(["strength", "development"]),
    required=True,
    help=N_("strength (styrka) or development (utvecklingsområde)."),
)
@option("--text", metavar="TEXT", help=N_("The finding."))
@option(
    "--file", "path", metavar="PATH", help=N_("Read the finding from a UTF-8 file (- for stdin).")
)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def add(
    review_id: int, block: str, kind: str, text: str | None, path: str | None, as_json: bool
) -> None:
    from granskning.services import findings

    body = read_text_input(text, path)
    row = findings.add_finding(store(), review_id, block, kind, body)
    if as_json:
        print_json(findings.finding_dict(row))
    else:
        ok(_("finding {id} added to {block}").format(id=row.id, block=row.block_id))


@finding.command(
    "none",
    cls=TCommand,
    help=N_(
        "Mark a block as having no findings (the handover needs a finding or this mark for "
        "every block).\n\n\b\nExample:\n  granskning finding none 1 --block framtid"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option(
    "--block", required=True, metavar="BLOCK", help=N_("The block id in the review's template.")
)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def none(review_id: int, block: str, as_json: bool) -> None:
    from granskning.services import findings

    row = findings.mark_no_findings(store(), review_id, block)
    if as_json:
        print_json(findings.finding_dict(row))
    else:
        ok(
            _('block {block} marked "no findings" (finding {id})').format(
                block=row.block_id, id=row.id
            )
        )


@finding.command(
    "list",
    cls=TCommand,
    help=N_(
        "List a review's findings in the order of the template's blocks.\n\n"
        "\b\nExample:\n  granskning finding list 1 --json"
    ),
)
@click.argument("review_id", type=int, metavar="REVIEW")
@option("--block", metavar="BLOCK", help=N_("Only this block."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def list_(review_id: int, block: str | None, as_json: bool) -> None:
    from granskning.services import findings

    rows = findings.list_findings(store(), review_id, block)
    if as_json:
        print_json(rows)
        return
    print_table(
        [N_("id"), N_("block"), N_("kind"), N_("text")],
        [(r["id"], r["block"], _(_kind_label(r["kind"])), _short(r["text"])) for r in rows],
    )


def _kind_label(kind: str) -> str:
    from granskning.services.findings import KIND_LABELS
    from granskning.storage.model import FindingKind

    return KIND_LABELS[FindingKind(kind)]


@finding.command(
    "edit",
    cls=TCommand,
    help=N_(
        "Replace the text of a finding.\n\n\b\nExample:\n  granskning finding edit 4 --text 'Ny formulering'"
    ),
)
@click.argument("finding_id", type=int, metavar="ID")
@option("--text", metavar="TEXT", help=N_("The new text."))
@option("--file", "path", metavar="PATH", help=N_("Read the text from a UTF-8 file (- for stdin)."))
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def edit(finding_id: int, text: str | None, path: str | None, as_json: bool) -> None:
    from granskning.services import findings

    row = findings.edit_finding(store(), finding_id, read_text_input(text, path))
    if as_json:
        print_json(findings.finding_dict(row))
    else:
        ok(_("finding {id} changed").format(id=row.id))


@finding.command(
    "remove",
    cls=TCommand,
    help=N_("Delete a finding.\n\n\b\nExample:\n  granskning finding remove 4"),
)
@click.argument("finding_id", type=int, metavar="ID")
def remove(finding_id: int) -> None:
    from granskning.services import findings

    row = findings.remove_finding(store(), finding_id)
    ok(_("finding {id} removed").format(id=row.id))
