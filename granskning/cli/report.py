"""``granskning report ...``: the report's texts, building it, its handed-over versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from granskning.cli._base import group, option, read_text_input, store
from granskning.cli._output import ok, print_json, print_rows, warn
from granskning.cli._pdf import pdf_beside, pdf_option
from granskning.cli.options import (
    LANGUAGES,
    SECTIONS,
    json_option,
    output_option,
    report_version_option,
    review_argument,
    text_options,
)
from granskning.domain.i18n import N_, _

if TYPE_CHECKING:
    from pathlib import Path

# the kinds of granskning.documents.schemas.KINDS, kept here so that --help stays fast
KINDS = [
    "granskningsrapport",
    "uppfoljningsseminarium",
    "minnesanteckningar",
    "sammanstallning",
    "kommunhistorik",
]


@group(
    "report",
    help=N_(
        "The granskningsrapport: its texts, building it as a Word document, its handed-over "
        "versions.\n\n"
        "\b\nExample:\n  granskning report text 1 --section summary --edit\n"
        "  granskning report build 1 -o rapport.docx --pdf"
    ),
)
def report() -> None:
    pass


@report.command(
    "text",
    help=N_(
        "Write one of the report's texts: the summary, the reviewers' reflections, the "
        "introduction, or the team's analysis of a block (--section block --block BLOCK), "
        "which leads that block's chapter. Without --text, --file or --edit, print the "
        "current text.\n\n"
        "Blank lines separate paragraphs; lines starting with '- ' or '1. ' are list items.\n\n"
        "\b\nExample:\n  granskning report text 1 --section summary --file sammanfattning.txt\n"
        "  granskning report text 1 --section block --block styrning --edit"
    ),
)
@review_argument
@option("--section", type=click.Choice(SECTIONS), required=True, help=N_("Which text."))
@option(
    "--block",
    metavar="BLOCK",
    help=N_("The block whose analysis this is (with --section block)."),
)
@text_options(N_("The text."))
@option("--edit", is_flag=True, help=N_("Open the current text in your editor ($EDITOR)."))
@json_option()
def text(
    review_id: int,
    section: str,
    block: str | None,
    text: str | None,
    path: str | None,
    edit: bool,
    as_json: bool,
) -> None:
    from granskning.domain.errors import InputError
    from granskning.services import findings

    st = store()
    given = sum(x is not None for x in (text, path)) + int(edit)
    if given > 1:
        raise InputError(_("give only one of --text, --file and --edit"))
    key = findings.text_key(section, block)
    if given == 0:
        current = findings.get_text(st, review_id, section, block)
        if as_json:
            print_json(_text_json(review_id, key, current))
        else:
            click.echo(current)
        return
    if edit:
        with st.read() as s:  # fail before opening an editor on a frozen review
            from granskning.services.reviews import ensure_editable, get_review

            ensure_editable(get_review(s, review_id))
        current = findings.get_text(st, review_id, section, block)
        edited = click.edit(current, extension=".txt", require_save=True)
        if edited is None or edited.strip() == current.strip():
            if as_json:
                print_json(_text_json(review_id, key, current))
            else:
                ok(_("nothing changed"))
            return
        body = edited
    else:
        body = read_text_input(text, path)
    row = findings.set_text(st, review_id, section, body, block)
    if as_json:
        print_json(_text_json(review_id, key, row.text))
        return
    label = findings.text_label(key)
    ok(_("{section} of review {id} saved").format(section=label, id=review_id))


def _text_json(review_id: int, key: str, body: str) -> dict[str, Any]:
    section, _sep, block = key.partition(":")
    return {
        "id": review_id,
        "review": review_id,
        "section": section,
        "block": block or None,
        "text": body,
    }


@report.command(
    "options",
    help=N_(
        "Choose what the report carries; without an option, print the current choices. "
        "--notes-appendix: the appendix of all notes, by question and group (included "
        "unless set to no; the block chapters show the team's analysis and chosen quotes "
        "either way).\n\n"
        "\b\nExample:\n  granskning report options 1\n"
        "  granskning report options 1 --notes-appendix no"
    ),
)
@review_argument
@option(
    "--notes-appendix",
    type=click.Choice(["yes", "no"]),
    help=N_("Include the appendix of all notes."),
)
@json_option()
def options(review_id: int, notes_appendix: str | None, as_json: bool) -> None:
    from granskning.services import findings

    st = store()
    if notes_appendix is None:
        data = findings.report_options(st, review_id)
    else:
        data = findings.set_report_options(st, review_id, notes_appendix=notes_appendix == "yes")
        if not as_json:
            ok(_("report options of review {id} saved").format(id=review_id))
    if as_json:
        print_json(data)
    elif notes_appendix is None:
        shown = _("yes") if data["notes_appendix"] else _("no")
        if not data["notes_appendix_chosen"]:
            shown += " " + _("(default)")
        click.echo(_("notes-appendix: {value}").format(value=shown))


@report.command(
    "build",
    help=N_(
        "Build the report as a Word document (and a PDF with --pdf).\n\n"
        "A handed-over review gives the stored, handed-over document byte for byte; "
        "--version N gives an older one. --template uses your own Word template (see "
        "report check-template).\n\n"
        "\b\nExample:\n  granskning report build 1 -o rapport.docx\n"
        "  granskning report build 1 -o rapport-anonym.docx --anonymous --pdf"
    ),
)
@review_argument
@output_option(
    N_("Where to write the document."),
    metavar="FILE.docx",
    type=click.Path(dir_okay=False, writable=True),
)
@option(
    "--template",
    type=click.Path(exists=True, dir_okay=False),
    metavar="PATH",
    help=N_("A Word template (.docx with Jinja tags) instead of the shipped one."),
)
@pdf_option()
@option("--anonymous", is_flag=True, help=N_("Leave interviewees' names out entirely."))
@option(
    "--lang",
    "doc_lang",
    type=click.Choice(LANGUAGES),
    help=N_("The report's language (default: the review's language, see review show)."),
)
@report_version_option(N_("A stored, handed-over version."))
def build(
    review_id: int,
    output: str,
    template: str | None,
    pdf: bool,
    anonymous: bool,
    doc_lang: str | None,
    version: int | None,
) -> None:
    from pathlib import Path

    from granskning.documents import reports
    from granskning.domain.errors import InputError
    from granskning.storage.output import check_output, write_output

    if version is not None and (template or anonymous or doc_lang):
        raise InputError(
            _(
                "--version returns a stored document as it is; leave out --template, --anonymous and --lang"
            )
        )
    # every file this writes is checked before anything is built or written
    target = Path(output)
    check_output(target)
    with pdf_beside(target, pdf):
        built = reports.build(
            store(),
            review_id,
            template=Path(template) if template else None,
            lang=doc_lang,
            anonymous=anonymous,
            version=version,
        )
        write_output(target, built.content)
        _say_built(built, target)


def _say_built(built: Any, target: Path) -> None:
    """Which report was written: a handed-over version, one rebuilt from the handed-over
    content, or a draft."""
    if built.version is not None:
        ok(
            _("handed-over report, version {n}, written to {path} (sha256 {sha})").format(
                n=built.version, path=target, sha=built.sha256
            )
        )
    elif built.from_frozen:
        ok(
            _(
                "report built from the handed-over content (not the stored document) and written to {path}"
            ).format(path=target)
        )
    else:
        ok(_("draft report written to {path}").format(path=target))


@report.command(
    "versions",
    help=N_(
        "List the handed-over versions of a review's report.\n\n"
        "\b\nExample:\n  granskning report versions 1 --json"
    ),
)
@review_argument
@json_option()
def versions(review_id: int, as_json: bool) -> None:
    from granskning.documents import reports

    print_rows(
        as_json,
        reports.versions(store(), review_id),
        [N_("version"), N_("handed over"), N_("language"), N_("bytes"), N_("sha256")],
        lambda r: (
            r["number"],
            r["created"],
            r["language"],
            r["bytes"] if r["bytes"] is not None else _("purged"),
            r["sha256"],
        ),
    )


@report.command(
    "verify",
    help=N_(
        "Rebuild a handed-over version from the stored content and compare its SHA-256 with "
        "the stored one (exit 1 if they differ).\n\n"
        "\b\nExample:\n  granskning report verify 1 --version 1"
    ),
)
@review_argument
@report_version_option(N_("The version (default: the latest)."))
@json_option()
def verify(review_id: int, version: int | None, as_json: bool) -> None:
    from granskning.documents import reports

    result = reports.verify(store(), review_id, version)
    if as_json:
        print_json(result)
    elif result["purged"]:
        warn(
            _(
                "version {n} was purged on {date}: its content is gone and only its sha256 "
                "{sha} is kept, so there is nothing to rebuild and compare"
            ).format(n=result["version"], date=result["purged"], sha=result["stored"])
        )
    elif result["matches"]:
        ok(
            _("version {n}: a rebuild gives the same document (sha256 {sha})").format(
                n=result["version"], sha=result["stored"]
            )
        )
    else:
        warn(
            _(
                "version {n}: a rebuild differs (stored sha256 {stored}, rebuilt {rebuilt}); the "
                "content or the template changed since the handover"
            ).format(n=result["version"], stored=result["stored"], rebuilt=result["rebuilt"])
        )
    if not result["matches"]:
        raise click.exceptions.Exit(1)


@report.command(
    "check-template",
    help=N_(
        "Check a Word report template: syntax errors, unknown variables, constructs that are "
        "not allowed and images without alt text, each with where it is (exit 2 if any).\n\n"
        "\b\nExample:\n  granskning report check-template min-rapportmall.docx"
    ),
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False), metavar="PATH")
@option(
    "--kind",
    type=click.Choice(KINDS),
    default="granskningsrapport",
    show_default=True,
    help=N_("What the template is for."),
)
@json_option()
def check_template(path: str, kind: str, as_json: bool) -> None:
    from pathlib import Path

    from granskning.documents import reports

    problems = reports.check_template(Path(path), kind)
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        print_json(
            [{"where": p.where, "message": p.message, "severity": p.severity} for p in problems]
        )
    else:
        for p in problems:
            label = _("error") if p.severity == "error" else _("warning")
            click.secho(
                f"{label}: {path}: {p}", err=True, fg="red" if p.severity == "error" else "yellow"
            )
        if not errors:
            ok(_("{path}: no errors").format(path=path))
    if errors:
        raise click.exceptions.Exit(2)
