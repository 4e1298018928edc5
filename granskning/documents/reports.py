"""The granskningsrapport: build it from the pinned template, the notes and what the team wrote.

A report is a Word document rendered from a docxtpl template (``reports/`` in the source
tree, shipped in the package) with a context from :mod:`granskning.documents.report_context`.
Handing a review over stores the final document's bytes and SHA-256 as a new
:class:`ReportVersion`; from then on ``build`` returns those bytes unchanged until the
review is reopened.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from granskning.documents import docxrender
from granskning.documents.docxrender import Problem
from granskning.documents.labels import LABELS
from granskning.documents.report_context import build_context, text_paragraphs
from granskning.documents.schemas import KINDS, REPORT, REPORT_SCHEMA, SCHEMAS
from granskning.documents.style import LANGUAGE_TAGS, document_language, translated
from granskning.domain.errors import (
    ConflictError,
    GranskningError,
    InputError,
    NotFoundError,
    RuleError,
)
from granskning.domain.i18n import _
from granskning.domain.timefmt import format_local, to_local
from granskning.domain.workflow import FROZEN_STATES
from granskning.resources import reports_dir
from granskning.storage.model import ReportVersion, Review, ReviewState
from granskning.storage.output import write_output
from granskning.storage.queries import get_review
from granskning.storage.store import Store

# A restyled template to use for handed-over reports instead of the shipped one.
TEMPLATE_ENV = "GRANSKNING_REPORT_TEMPLATE"


class ToolMissing(RuleError):
    """A program granskning needs for this (LibreOffice) is not installed (exit 1)."""


@dataclass(frozen=True)
class Built:
    """A report document: its bytes, their SHA-256, and which stored version it is (if any)."""

    content: bytes
    sha256: str
    language: str
    version: int | None = None  # the stored version returned as is; None: built now
    from_frozen: bool = False  # built now from a handed-over review's frozen content


# -- resources and languages -----------------------------------------------------------------


def shipped_template(kind: str = REPORT) -> Path:
    """A Word template shipped with granskning: ``granskningsrapport``,
    ``uppfoljningsseminarium``, ``sammanstallning`` or ``kommunhistorik``."""
    if kind not in KINDS:
        raise InputError(
            _("unknown kind of template {kind} (one of: {kinds})").format(
                kind=kind, kinds=", ".join(KINDS)
            )
        )
    return reports_dir() / f"{kind}.docx"


def handover_template() -> Path:
    """The template handed-over reports are built from: ``$GRANSKNING_REPORT_TEMPLATE`` or the shipped one."""
    configured = os.environ.get(TEMPLATE_ENV, "").strip()
    return Path(configured).expanduser() if configured else shipped_template(REPORT)


def labels(lang: str) -> dict[str, str]:
    """The report's fixed texts (``t``) in ``lang``."""
    return translated(LABELS, lang)


# -- rendering -------------------------------------------------------------------------------


def _properties(context: dict[str, Any]) -> docxrender.Properties:
    doc = context["doc"]
    return docxrender.Properties(
        title=doc["title"],
        subject=doc["subject"],
        author=doc["author"],
        language=doc["lang"],
        keywords=", ".join(
            x for x in ("kollegial granskning", "barnkonventionen", context["review"]["host"]) if x
        ),
        short_tables=True,
    )


def render_report(context: dict[str, Any], *, template: Path | None = None, at: datetime) -> bytes:
    """The report document for ``context`` (from :func:`build_context`)."""
    path = template or shipped_template(REPORT)
    return docxrender.render(
        docxrender.read_template(path),
        context,
        schema=REPORT_SCHEMA,
        properties=_properties(context),
        at=at,
        name=path.name if template is None else str(path),
        trusted=template is None,
    )


def _versions(session: Session, review_id: int) -> list[ReportVersion]:
    return list(
        session.exec(
            select(ReportVersion)
            .where(ReportVersion.review_id == review_id)
            .order_by(col(ReportVersion.number))
        ).all()
    )


def _stored(row: ReportVersion) -> Built:
    if row.content is None:
        raise RuleError(
            _(
                "report version {n} was purged on {date} (personal data was erased); it cannot be returned"
            ).format(n=row.number, date=format_local(row.purged_at) or "?")
        )
    return Built(row.content, row.sha256, row.language, version=row.number)


def build(
    store: Store,
    review_id: int,
    *,
    template: Path | None = None,
    lang: str | None = None,
    anonymous: bool = False,
    version: int | None = None,
) -> Built:
    """The review's report.

    For a handed-over review this is the stored document, byte for byte, unless a
    template, another language or an anonymous report is asked for (then it is built from
    the frozen content). Otherwise a draft is built from the current content.

    :param template: a user's Word template instead of the shipped one.
    :param lang: the report's language, ``sv`` or ``en`` (default: the review's language).
    :param anonymous: leave out interviewees' names altogether.
    :param version: return stored version ``version`` (see :func:`versions`).
    """
    with store.read() as s:
        review = get_review(s, review_id)
        if version is not None:
            for row in _versions(s, review_id):
                if row.number == version:
                    return _stored(row)
            raise NotFoundError(
                _("review {id} has no report version {n}").format(id=review_id, n=version)
            )
        frozen = ReviewState(review.state) in FROZEN_STATES
        latest = _versions(s, review_id)[-1:] if frozen else []
        if latest:
            stored = latest[0]
            if template is None and not anonymous and (lang is None or lang == stored.language):
                return _stored(stored)
        # a rendering of frozen content keeps the handed-over language unless told otherwise;
        # a draft is in the review's language, whoever builds it
        chosen = document_language(lang or (latest[0].language if latest else review.language))
        at = store.now()
        context = build_context(
            s,
            review,
            lang=chosen,
            at=at,
            anonymous=anonymous,
            final=frozen,
            report_version=latest[0].number if latest else None,
        )
    data = render_report(context, template=template, at=at)
    return Built(data, docxrender.sha256(data), chosen, from_frozen=frozen)


@dataclass(frozen=True)
class _Prepared:
    """A final report rendered before the handover's transaction, and what it was made of;
    or why it could not be rendered."""

    review_id: int
    number: int = 0
    lang: str = ""
    at: datetime | None = None
    context: dict[str, Any] | None = None
    data: bytes = b""
    error: GranskningError | None = None


_PREPARED: ContextVar[_Prepared | None] = ContextVar("granskning_prepared_report", default=None)


@contextmanager
def prepared_hand_over(store: Store, review_id: int, params: Any) -> Iterator[None]:
    """Render the final report before the ``hand_over`` transaction, for :func:`final_report`.

    Rendering may take long (a large review, a restyled template at its limits), and the
    transaction holds the database's write lock: so the document is made first, with no
    transaction open, and the transaction only stores it (see :func:`final_report`). Whether
    the review may be handed over is the action's guards' to say, in the transaction: a
    rendering that fails is reported by :func:`final_report` only once they let it through.
    """
    try:
        prepared = _prepare(store, review_id, params)
    except GranskningError as exc:
        prepared = _Prepared(review_id, error=exc)
    token = _PREPARED.set(prepared)
    try:
        yield
    finally:
        _PREPARED.reset(token)


def _prepare(store: Store, review_id: int, params: Any) -> _Prepared:
    at = store.now().replace(microsecond=0)
    with store.read() as s:
        review = get_review(s, review_id)
        number = _next_number(s, review_id)
        lang = document_language(review.language)  # the review's, never the caller's --lang
        s.expunge(review)  # dated below as the handover will date it, never written from here
        review.handed_over_on = handover_day(params, at)
        context = build_context(s, review, lang=lang, at=at, final=True, report_version=number)
    data = render_report(context, template=_handover_template_or_none(), at=at)
    return _Prepared(review_id, number, lang, at, context, data)


def _next_number(session: Session, review_id: int) -> int:
    return (
        session.exec(
            select(func.max(ReportVersion.number)).where(ReportVersion.review_id == review_id)
        ).one()
        or 0
    ) + 1


@dataclass(frozen=True)
class FinalReport:
    """The final report of a handover, ready to be stored as the review's next version."""

    number: int
    data: bytes
    sha256: str
    language: str
    at: datetime


def final_report(session: Session, review: Review, params: Any) -> FinalReport:
    """The final report rendered before the ``hand_over`` transaction
    (:func:`prepared_hand_over`), checked inside it: its context is read again and the
    review dated as handed over; if anything in the context changed meanwhile, a
    ConflictError (the action fails and nothing changes)."""
    assert review.id is not None
    prepared = _PREPARED.get()
    changed = ConflictError(
        _("review {id} changed while its report was being built; try again").format(id=review.id)
    )
    if prepared is None or prepared.review_id != review.id:
        raise changed
    if prepared.error is not None:
        raise prepared.error
    at = prepared.at
    assert at is not None
    review.handed_over_on = handover_day(params, at)
    number = _next_number(session, review.id)
    context = build_context(
        session, review, lang=prepared.lang, at=at, final=True, report_version=number
    )
    if number != prepared.number or context != prepared.context:
        raise changed
    return FinalReport(number, prepared.data, docxrender.sha256(prepared.data), prepared.lang, at)


def handover_day(params: Any, at: datetime) -> date:
    """The handover's day: ``--date`` when entered afterwards (never after today: a guard
    sees to it), else today."""
    day: date | None = getattr(params, "date", None)
    return day or to_local(at).date()


def _handover_template_or_none() -> Path | None:
    path = handover_template()
    return None if path == shipped_template(REPORT) else path


def versions(store: Store, review_id: int) -> list[dict[str, Any]]:
    """The stored (handed-over) versions of the review's report, oldest first."""
    with store.read() as s:
        get_review(s, review_id)
        rows = _versions(s, review_id)
    return [
        {
            "id": r.id,
            "number": r.number,
            "sha256": r.sha256,
            "created": format_local(r.created_at),
            "language": r.language,
            "bytes": len(r.content) if r.content is not None else None,
            "purged": format_local(r.purged_at),
        }
        for r in rows
    ]


def verify(store: Store, review_id: int, version: int | None = None) -> dict[str, Any]:
    """Rebuild a stored version from the current content and compare the SHA-256.

    While a review stays handed over its content cannot change, so its latest version
    must rebuild to the same bytes.
    """
    with store.read() as s:
        review = get_review(s, review_id)
        rows = _versions(s, review_id)
        if not rows:
            raise RuleError(_("review {id} has no handed-over report").format(id=review_id))
        wanted = (
            rows[-1] if version is None else next((r for r in rows if r.number == version), None)
        )
        if wanted is None:
            raise NotFoundError(
                _("review {id} has no report version {n}").format(id=review_id, n=version)
            )
        if wanted.purged_at is not None:
            # purged because a person was forgotten: the content a rebuild would need to
            # match changed with it, so there is nothing to compare
            return {
                "version": wanted.number,
                "stored": wanted.sha256,
                "rebuilt": None,
                "matches": False,
                "purged": format_local(wanted.purged_at),
            }
        context = build_context(
            s,
            review,
            lang=wanted.language,
            at=wanted.created_at,
            final=True,
            report_version=wanted.number,
        )
    data = render_report(context, template=_handover_template_or_none(), at=wanted.created_at)
    rebuilt = docxrender.sha256(data)
    return {
        "version": wanted.number,
        "stored": wanted.sha256,
        "rebuilt": rebuilt,
        "matches": rebuilt == wanted.sha256,
        "purged": None,
    }


def check_template(path: Path, kind: str = REPORT) -> list[Problem]:
    """Every problem of a user's template: syntax errors, unknown variables, unsafe constructs.

    :param kind: what the template is for: ``granskningsrapport``, ``uppfoljningsseminarium``
        or ``sammanstallning``.
    """
    shipped_template(kind)  # validates kind
    return docxrender.check(docxrender.read_template(path), SCHEMAS[kind], str(path))


# -- PDF -------------------------------------------------------------------------------------


def libreoffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_libreoffice() -> str:
    """The LibreOffice program, or a ToolMissing error saying how to install it."""
    exe = libreoffice()
    if exe is None:
        raise ToolMissing(
            _(
                "--pdf needs LibreOffice, which is not installed. Install it and run the command "
                "again: Debian/Ubuntu: sudo apt install libreoffice-writer; Fedora: sudo dnf "
                "install libreoffice-writer; macOS: brew install --cask libreoffice; Windows: "
                "https://www.libreoffice.org/download/"
            )
        )
    return exe


# LibreOffice Basic that to_pdf runs: open the document hidden, update its indexes (the
# table of contents gets its page numbers, which a plain conversion leaves out), export a
# tagged PDF flagged PDF/UA. An error ends it quietly, without a dialog for nobody to close:
# then there is no PDF, and to_pdf says so.
_EXPORT_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub ExportPdf(source As String, target As String)
    Dim doc As Object
    On Error GoTo Failed
    Dim load(0) As New com.sun.star.beans.PropertyValue
    load(0).Name = "Hidden"
    load(0).Value = True
    doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, load())
    indexes = doc.getDocumentIndexes()
    For i = 0 To indexes.getCount() - 1
        indexes.getByIndex(i).update()
    Next i
    Dim filter(1) As New com.sun.star.beans.PropertyValue
    filter(0).Name = "UseTaggedPDF"
    filter(0).Value = True
    filter(1).Name = "PDFUACompliance"
    filter(1).Value = True
    Dim store(1) As New com.sun.star.beans.PropertyValue
    store(0).Name = "FilterName"
    store(0).Value = "writer_pdf_Export"
    store(1).Name = "FilterData"
    store(1).Value = filter()
    doc.storeToURL(ConvertToURL(target), store())
    doc.close(True)
    Exit Sub
Failed:
    On Error Resume Next
    If Not IsNull(doc) Then doc.close(True)
End Sub
</script:module>
"""

# the same export as a plain conversion, where the macro cannot be installed
_PDF_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)


def to_pdf(docx: Path, timeout: int = 300) -> Path:
    """Convert a .docx into a tagged, PDF/UA-flagged (accessible) PDF next to it with
    LibreOffice, its table of contents brought up to date (with page numbers)."""
    exe = require_libreoffice()
    target = docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as work:
        office = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless"]
        source, produced = Path(work) / "document.docx", Path(work) / "document.pdf"
        shutil.copyfile(docx, source)
        # a fresh profile, made at the office's first start; then the macro goes into the
        # Standard library's Module1, which that start writes (and would write over)
        _office([*office, "--terminate_after_init"], docx, timeout)
        module = Path(profile) / "user" / "basic" / "Standard" / "Module1.xba"
        if module.is_file():
            module.write_text(_EXPORT_MACRO, encoding="utf-8")
            call = f"ExportPdf({_basic_string(source)},{_basic_string(produced)})"
            done = _office(
                [*office, "--invisible", f"macro:///Standard.Module1.{call}"], docx, timeout
            )
        else:  # an office that keeps its Basic elsewhere: the contents without page numbers
            convert = ["--convert-to", _PDF_FILTER, "--outdir", work, str(source)]
            done = _office([*office, *convert], docx, timeout)
        if done.returncode != 0 or not produced.exists():
            detail = (done.stderr or done.stdout or "").strip().splitlines()
            raise RuleError(
                _("LibreOffice could not convert {path}: {error}").format(
                    path=docx, error=detail[-1] if detail else done.returncode
                )
            )
        write_output(target, produced.read_bytes(), option="--pdf")
    return target


def _basic_string(path: Path) -> str:
    """``path`` as a LibreOffice Basic string literal."""
    return '"' + str(path).replace('"', '""') + '"'


def _office(command: list[str], docx: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run LibreOffice; a RuleError if it does not finish within ``timeout`` seconds."""
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuleError(
            _("LibreOffice did not finish converting {path} within {n} seconds").format(
                path=docx, n=timeout
            )
        ) from None


__all__ = [
    "LABELS",
    "REPORT",
    "REPORT_SCHEMA",
    "LANGUAGE_TAGS",
    "Built",
    "ToolMissing",
    "build",
    "build_context",
    "check_template",
    "final_report",
    "FinalReport",
    "handover_day",
    "prepared_hand_over",
    "labels",
    "render_report",
    "shipped_template",
    "text_paragraphs",
    "to_pdf",
    "verify",
    "versions",
]
