"""``--pdf`` on the document commands: one way to check for it and write it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from granskning.cli._base import option
from granskning.cli._output import ok
from granskning.domain.errors import InputError
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


def pdf_needs_output(out: str | None, pdf: bool) -> None:
    """``--pdf`` without ``-o``: there is no Word document to convert."""
    if out is None and pdf:
        raise InputError(_("--pdf needs -o FILE.docx"))


@contextmanager
def pdf_beside(target: Path, pdf: bool) -> Iterator[None]:
    """Around writing the Word document ``target``: with ``pdf``, LibreOffice and the PDF's
    path are checked before anything is built, and the PDF is written after the block."""
    if pdf:
        check_pdf(target)
    yield
    if pdf:
        write_pdf(target)
