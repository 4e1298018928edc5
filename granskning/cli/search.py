"""``granskning search``: full-text search across reviews and rounds."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import command, option, store
from granskning.cli._output import ok, print_json, warn
from granskning.cli.options import block_option, json_option
from granskning.domain.i18n import N_, _

KINDS = ("note", "finding", "recommendation", "text", "item")
# the marks around a matched word in a snippet, on a terminal and in JSON
MARKS = ("[", "]")


@command(
    "search",
    help=N_(
        "Search the notes, findings, recommendations, report texts and checklist items of "
        "every review, best hits first. QUERY: words; a prefix ends in * (barnkonsekvens*); "
        'a phrase is in double quotes ("barnets bästa"); AND (also between words), OR, '
        "NOT (a NOT b: a without b) and parentheses. Matches are marked [like this].\n\n"
        "\b\nExample:\n  granskning search 'barnkonsekvens* AND budget' --round 3 --kind note"
    ),
)
@click.argument("query", required=False)
@option("--round", "round_id", type=int, metavar="ID", help=N_("Only this round's reviews."))
@option("--municipality", metavar="NAME", help=N_("Only the reviews this municipality hosted."))
@option("--group", metavar="GROUP", help=N_("Only notes of interviews with this group."))
@block_option(N_("Only what is about this block of the template."))
@option("--kind", type=click.Choice(KINDS), help=N_("Only this kind of text."))
@option("--limit", type=int, default=20, show_default=True, help=N_("How many hits at most."))
@option("--reindex", is_flag=True, help=N_("Build the search index again first."))
@json_option()
def search(
    query: str | None,
    round_id: int | None,
    municipality: str | None,
    group: str | None,
    block: str | None,
    kind: str | None,
    limit: int,
    reindex: bool,
    as_json: bool,
) -> None:
    from granskning.services import search as lib

    if query is None and not reindex:
        raise click.UsageError(_("give a QUERY (or --reindex)"))
    if reindex:
        rows = lib.reindex(store())
        if query is None:
            if as_json:
                print_json({"id": None, "reindexed": rows})
            else:
                ok(_("search index rebuilt: {n} texts").format(n=sum(rows.values())))
            return
    assert query is not None
    scope = lib.Scope(
        round_id=round_id, municipality=municipality, group=group, block=block, kind=kind
    )
    hits = lib.search(store(), query, scope, limit=limit)
    for hit in hits:
        hit["snippet"] = lib.marked(hit["snippet"], *MARKS)
    if as_json:
        print_json(hits)
    elif not hits:
        warn(_("no hits"))
    else:
        for n, hit in enumerate(hits, 1):
            click.echo(f"{n}. {_place(hit)}")
            click.echo("   " + " ".join(hit["snippet"].split()))


def _place(hit: dict[str, Any]) -> str:
    """Where a hit belongs, on one line."""
    what = {
        "note": _("note {id}"),
        "finding": _("finding {id}"),
        "recommendation": _("recommendation {id}"),
        "item": _("checklist item {id}"),
        "text": _("report text {id}"),
    }[hit["kind"]].format(id=hit["id"] if hit["kind"] != "text" else hit["section"])
    parts = [what, _("review {id}").format(id=hit["review"]), hit["municipality"]]
    if hit["round"] is not None:
        parts.append(_("round {id} ({year})").format(id=hit["round"], year=hit["year"]))
    parts += [hit[key] for key in ("group", "question", "block") if hit[key]]
    return " · ".join(str(p) for p in parts)
