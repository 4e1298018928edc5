"""``--pdf`` on the document commands: one way to check for it and write it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from granskning.cli._base import option
from granskning.cli._output import ok
from granskning.domain.i18n import N_, _

F = TypeVar("F", bound=Callable[..., object])


def pdf_option() -> Callable[[F], F]:
    """``--pdf``: also write a tagged, PDF/UA-flagged PDF next to the Word document."""
    return option(
        "--pdf", is_flag=True, help=N_("Also write a PDF next to it (needs LibreOffice).")
    )


def check_pdf(target: Path) -> None:
    """Before anything is built: LibreOffice is there and the PDF may be written."""
    from granskning.documents import reports
    from granskning.storage.output import check_output

    reports.require_libreoffice()
    check_output(target.with_suffix(".pdf"), option="--pdf")


def write_pdf(target: Path) -> None:
    """The PDF of the Word document ``target``, next to it."""
    from granskning.documents import reports

    ok(_("PDF written to {path}").format(path=reports.to_pdf(target)))
