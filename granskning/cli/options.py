"""The options and arguments several commands share, each declared once as a decorator.

Only click, the domain's enums and its catalog are imported here: ``granskning --help``
loads every command module and must stay fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from granskning.cli._base import F, option
from granskning.domain.enums import FollowUpStatus, ReportSection, Role
from granskning.domain.i18n import N_

# the languages of documents (and of messages)
LANGUAGES = ["sv", "en"]
# the documents' languages, named in the messages' language
LANGUAGE_NAMES = {"sv": N_("Swedish"), "en": N_("English")}
ROLES = [r.value for r in Role]
STATUSES = [s.value for s in FollowUpStatus]
SECTIONS = [*(s.value for s in ReportSection), "block"]

AT_HELP = N_("When it happened, for a session held on paper (Europe/Stockholm; not in the future).")


def stacked(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several decorators as one, listed in the order their options are shown."""

    def decorate(f: F) -> F:
        for d in reversed(decorators):
            f = d(f)
        return f

    return decorate


def id_argument(name: str, metavar: str = "ID") -> Callable[[F], F]:
    """A positional id (an integer)."""
    return click.argument(name, type=int, metavar=metavar)


review_argument = id_argument("review_id", "REVIEW")
interview_argument = id_argument("interview_id", "INTERVIEW")
round_argument = id_argument("round_id", "ROUND")


def json_option(help: str = N_("Print JSON.")) -> Callable[[F], F]:
    """``--json``: print JSON instead of text for people."""
    return option("--json", "as_json", is_flag=True, help=help)


def text_options(
    text_help: str = N_("The new text."),
    file_help: str = N_("Read the text from a UTF-8 file (- for stdin)."),
) -> Callable[[F], F]:
    """``--text TEXT`` or ``--file PATH``: a text given inline or read from a file
    (``path`` to the command; see read_text_input)."""
    return stacked(
        option("--text", metavar="TEXT", help=text_help),
        option("--file", "path", metavar="PATH", help=file_help),
    )


def reason_option(help: str, required: bool = False) -> Callable[[F], F]:
    """``--reason TEXT``: why, for the audit log."""
    return option("--reason", required=required, metavar="TEXT", help=help)


def output_option(
    help: str = N_("The file to write."),
    dest: str = "output",
    metavar: str = "FILE",
    required: bool = True,
    **attrs: Any,
) -> Callable[[F], F]:
    """``-o/--output FILE``: the file a command writes (an empty name is refused)."""
    return option("-o", "--output", dest, required=required, metavar=metavar, help=help, **attrs)


def at_option() -> Callable[[F], F]:
    """``--at``: when a session step happened, for a session held on paper."""
    return option("--at", metavar='"YYYY-MM-DD HH:MM"', help=AT_HELP)


def place_option(help: str) -> Callable[[F], F]:
    """``--place TEXT``: where an interview or a seminar is held."""
    return option("--place", metavar="TEXT", help=help)


def report_version_option(
    help: str, dest: str = "version", required: bool = False
) -> Callable[[F], F]:
    """``--version N``: a handed-over (frozen) version of a review's report."""
    return option("--version", dest, type=int, required=required, metavar="N", help=help)


def block_option(help: str, required: bool = False) -> Callable[[F], F]:
    """``--block BLOCK``: a block of the review's question template."""
    return option("--block", required=required, metavar="BLOCK", help=help)


def question_option(help: str) -> Callable[[F], F]:
    """``--question QID``: a question of the review's question template."""
    return option("--question", metavar="QID", help=help)


def question_template_option() -> Callable[[F], F]:
    """``--template NAME``: the question template a review or round pins."""
    return option(
        "--template",
        required=True,
        metavar="NAME",
        help=N_("The question template (see template list)."),
    )


def word_template_option(help: str) -> Callable[[F], F]:
    """``--template PATH``: a restyled copy of a document's Word template."""
    return option("--template", metavar="PATH", help=help)


def language_option(help: str) -> Callable[[F], F]:
    """``--language``: the language of the documents."""
    return option("--language", type=click.Choice(LANGUAGES), help=help)


def language_argument() -> Callable[[F], F]:
    """LANGUAGE: the language of the documents."""
    return click.argument("language", type=click.Choice(LANGUAGES), metavar="LANGUAGE")


def team_member_options() -> Callable[[F], F]:
    """``--person ID --role ROLE``: a place on a review team."""
    return stacked(
        option(
            "--person",
            "person_id",
            type=int,
            required=True,
            metavar="ID",
            help=N_("The person's id."),
        ),
        option("--role", type=click.Choice(ROLES), required=True, help=N_("The role.")),
    )


def staff_options() -> Callable[[F], F]:
    """``--moderator``, ``--note-taker``, ``--timekeeper``: who runs an interview."""
    return stacked(
        option("--moderator", type=int, metavar="PERSON", help=N_("The moderator's person id.")),
        option("--note-taker", type=int, metavar="PERSON", help=N_("The note-taker's person id.")),
        option("--timekeeper", type=int, metavar="PERSON", help=N_("The timekeeper's person id.")),
    )


def item_option(
    help: str = N_("The item's id."), option_name: str = "--item", dest: str = "item_id"
) -> Callable[[F], F]:
    """``--item ID``: an item of a review's follow-up checklist."""
    return option(option_name, dest, type=int, required=True, metavar="ID", help=help)
