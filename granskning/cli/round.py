"""``granskning round ...``: rounds, their plan and their compilation."""

from __future__ import annotations

from typing import Any

import click

from granskning.cli._base import group, lazy, option, store
from granskning.cli._commands import set_language_command, show_command
from granskning.cli._output import ok, print_json, print_result, print_rows, print_table
from granskning.cli._pdf import pdf_beside, pdf_needs_output, pdf_option
from granskning.cli.options import (
    json_option,
    language_option,
    output_option,
    question_template_option,
    round_argument,
    word_template_option,
)
from granskning.domain import labels
from granskning.domain.i18n import N_, _


@group(
    "round",
    help=N_(
        "Rounds (omgångar): member municipalities, who reviews whom, and the round's "
        "compilation.\n\n"
        "\b\nExample:\n  granskning round create --year 2026 --theme 'Barnets bästa' "
        "--template kollegial-granskning-2013 --member Gävle --member Uppsala --member Örebro"
    ),
)
def round_() -> None:
    pass


@round_.command(
    "create",
    help=N_(
        "Create a round with at least three member municipalities.\n\n"
        "\b\nExample:\n  granskning round create --year 2026 --theme 'Barnets bästa' "
        "--template kollegial-granskning-2013 --member Gävle --member Uppsala --member Örebro --json"
    ),
)
@option("--year", type=int, required=True, metavar="YYYY", help=N_("The round's year."))
@option("--theme", required=True, metavar="TEXT", help=N_("The round's theme."))
@question_template_option()
@option(
    "--member",
    "members",
    required=True,
    multiple=True,
    metavar="NAME",
    help=N_("A member municipality (repeat for each; at least three)."),
)
@language_option(
    N_(
        "The language of the round's compilation and of the reviews its plan creates "
        "(default: sv). --lang changes only the messages."
    )
)
@json_option()
def create(
    year: int,
    theme: str,
    template: str,
    members: tuple[str, ...],
    language: str | None,
    as_json: bool,
) -> None:
    from granskning.services import rounds

    st = store()
    row = rounds.create_round(
        st, year=year, theme=theme, template=template, members=list(members), language=language
    )
    done = _("round {id} created: {year} {theme}").format(id=row.id, year=year, theme=row.theme)
    print_result(as_json, lambda: rounds.show(st, row.id), done)  # type: ignore[arg-type]


@round_.command(
    "list",
    help=N_("List the rounds, newest first.\n\n\b\nExample:\n  granskning round list --json"),
)
@json_option()
def list_(as_json: bool) -> None:
    from granskning.services import rounds

    print_rows(
        as_json,
        rounds.list_rounds(store()),
        [N_("id"), N_("year"), N_("theme"), N_("template"), N_("members"), N_("reviews")],
        lambda r: (r["id"], r["year"], r["theme"], r["template"], len(r["members"]), r["reviews"]),
    )


def _describe(data: dict[str, Any]) -> None:
    """A round for people: its theme, template and members, then its reviews."""
    click.echo(
        _("Round {id}: {year} {theme}").format(
            id=data["id"], year=data["year"], theme=data["theme"]
        )
    )
    click.echo(_("Template: {template}").format(template=data["template"]))
    click.echo(_("Members: {names}").format(names=", ".join(data["members"])))
    if data["reviews"]:
        print_table(
            [N_("id"), N_("host"), N_("reviewing"), N_("state")],
            [
                (r["id"], r["host"], ", ".join(r["reviewing"]), labels.state(r["state"]))
                for r in data["reviews"]
            ],
            title=_("Reviews"),
        )


show = show_command(
    round_,
    "show",
    N_(
        "Show a round: its members and its reviews.\n\n\b\nExample:\n  granskning round show 1 --json"
    ),
    show=lazy("granskning.services.rounds:show"),
    describe=_describe,
    metavar="ROUND",
)


set_language = set_language_command(
    round_,
    N_(
        "Set the language of the round's compilation (round report). Its reviews keep their "
        "own language (review set-language).\n\n"
        "\b\nExample:\n  granskning round set-language 1 en"
    ),
    metavar="ROUND",
    set_language=lazy("granskning.services.rounds:set_language"),
    done=N_("round {id}: compilation in {language}"),
)


@round_.command(
    "plan",
    help=N_(
        "Plan who reviews whom and create the round's reviews. Nobody reviews itself, no pair "
        "reviews each other, everyone reviews as many as it is reviewed, and pairs from the "
        "previous round are avoided where possible; a rule that cannot be met is explained. "
        "The same round plans the same way every time; a round can be planned again while all "
        "its reviews are still planned. --dry-run shows the plan and writes nothing; once a "
        "review is under way, the stored plan is shown.\n\n"
        "\b\nExample:\n  granskning round plan 1 --reviewers-per-host 2 --dry-run\n"
        "  granskning round plan 1 --reviewers-per-host 2 --json"
    ),
)
@round_argument
@option(
    "--reviewers-per-host",
    "per_host",
    type=int,
    metavar="N",
    help=N_("Reviewing municipalities per host (default 2)."),
)
@option(
    "--dry-run", is_flag=True, help=N_("Show the plan without creating or changing any review.")
)
@json_option()
def plan(round_id: int, per_host: int | None, dry_run: bool, as_json: bool) -> None:
    from granskning.services import rounds

    result = rounds.plan(store(), round_id, per_host, dry_run=dry_run)
    _warn_plan(round_id, result)
    if as_json:
        print_json(result.rows)
        return
    print_table(
        [N_("review"), N_("host"), N_("reviewing")],
        [(r["id"] or "-", r["host"], ", ".join(r["reviewing"])) for r in result.rows],
    )
    if not result.stored:
        _say_planned(round_id, result, dry_run)


def _warn_plan(round_id: int, result: Any) -> None:
    """The plan's notes on stderr: rules it could not meet, a round already under way."""
    for problem in result.problems:
        click.secho(_("note: {problem}").format(problem=problem), err=True, fg="yellow")
    if result.stored:
        click.secho(
            _(
                "note: round {id} is under way (reviews past planned: {ids}); this is its "
                "stored plan"
            ).format(id=round_id, ids=", ".join(str(i) for i in result.started)),
            err=True,
            fg="yellow",
        )


def _say_planned(round_id: int, result: Any, dry_run: bool) -> None:
    """What planning did to the round's reviews, or would do (--dry-run)."""
    if dry_run:
        message = _(
            "round {id} not planned (--dry-run): {created} reviews would be created, "
            "{changed} changed, {kept} kept"
        )
    else:
        message = _(
            "round {id} planned; reviews created: {created}, changed: {changed}, kept: {kept}"
        )
    ok(
        message.format(
            id=round_id, created=result.created, changed=result.changed, kept=result.kept
        )
    )


@round_.command(
    "report",
    help=N_(
        "Write the round's compilation (sammanställning) as a Word document: interviews, "
        "participants and hours per group, findings per block, rating questions with a chart, "
        "follow-up status per municipality. --json prints the same figures.\n\n"
        "\b\nExample:\n  granskning round report 1 -o sammanstallning.docx --pdf\n"
        "  granskning round report 1 --json"
    ),
)
@round_argument
@output_option(dest="out", metavar="FILE.docx", required=False)
@word_template_option(N_("A restyled copy of the compilation's Word template."))
@pdf_option()
@json_option(N_("Print the figures as JSON."))
def report(round_id: int, out: str | None, template: str | None, pdf: bool, as_json: bool) -> None:
    from pathlib import Path

    from granskning.documents import compilation
    from granskning.domain.errors import InputError

    st = store()
    if out is None and not as_json:
        raise InputError(_("give -o FILE.docx (or --json for the figures)"))
    pdf_needs_output(out, pdf)
    if out is not None:
        with pdf_beside(Path(out), pdf):
            data = compilation.build_report(
                st, round_id, Path(out), Path(template) if template else None
            )
            ok(_("compilation written: {path}").format(path=out))
    else:
        data = compilation.report_data(st, round_id)
    if as_json:
        print_json(data)
