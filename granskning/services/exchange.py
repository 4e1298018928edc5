"""Review export and import: one self-contained file per review, for teams working offline.

``review export`` writes everything a review holds (its pinned template, team, interviews
with interviewees and session events, notes, findings, recommendations, report texts, the
frozen report versions, follow-up items and its audit log) as one JSON document with a
versioned format (:mod:`granskning.interchange`).

``review import`` loads such a file into another database in one transaction: what is new
is added, a conflict refuses the import, listing every conflict, and nothing changes. The
file is checked by the commands' own rules, which this module hands to the interchange
(:data:`RULES`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from granskning import __version__
from granskning.domain import events
from granskning.interchange import validate
from granskning.interchange.export import encode, review_document
from granskning.interchange.format import ExportFile, plain, read_bytes
from granskning.interchange.merge import merge, refusal
from granskning.interchange.rules import Rules
from granskning.interchange.state import ImportState
from granskning.services import findings, followup, interviews, privacy, registry, reviews, sessions
from granskning.storage.output import write_output
from granskning.storage.queries import get_review
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

RULES = Rules(
    clean_name=registry._clean,
    check_place=interviews.check_place,
    team_roles=reviews.TEAM_ROLES,
    check_role=reviews.check_role,
    check_assignment=reviews.check_assignment,
    check_minutes=interviews.check_minutes,
    staff_reasons=interviews.staff_reasons,
    session_plan=sessions._plan,
    check_step=sessions._step_or_error,
    check_note_text=sessions.check_note_text,
    check_note_question=sessions.check_note_question,
    note_limit=sessions.TEXT_LIMIT,
    clean_text=findings.clean_text,
    finding_limit=findings.FINDING_LIMIT,
    report_text_limit=findings.TEXT_LIMIT,
    clean_item_text=followup._clean_text,
    item_limit=followup.TEXT_LIMIT,
    check_merge=followup.check_merge,
    review_facts=reviews.gather_facts,
    same_name=privacy.same_name,
    replace_name=privacy.replace_name,
    redact_records=privacy.redact_records,
)
"""The commands' rules an import checks and merges by."""


def export_review(store: Store, review_id: int, out: Path | None = None) -> dict[str, Any]:
    """The export document of a review; written to ``out`` (atomically) when given.

    :returns: the document.
    """
    with store.read() as s:
        review = get_review(s, review_id)
        doc = review_document(s, review, store.now(), f"granskning {__version__}")
    if out is not None:
        write_output(out, encode(doc), private=True)  # personal data: 0600
    return doc


def parse_document(raw: bytes | str, where: str = "<file>") -> ExportFile:
    """Check an export document (bytes or text) and return it parsed."""
    return validate.parse_document(raw, where, RULES)


def read_file(path: Path) -> ExportFile:
    """Read and check an export file; an InputError says what is wrong with it."""
    return validate.read_file(path, RULES)


def check_rules(doc: ExportFile) -> list[str]:
    """Every value of the file checked by the rules the commands apply (``PATH: message``)."""
    return validate.check_rules(doc, RULES)


def import_review(store: Store, path: Path) -> dict[str, Any]:
    """Load an export file into the database: add what is new, refuse conflicts.

    :returns: the review's id, whether it was new, and the number of records added per kind.
    """
    raw = read_bytes(path)
    doc = validate.parse_document(raw, str(path), RULES)
    digest = hashlib.sha256(raw).hexdigest()
    return import_document(store, doc, source=Path(path).name, sha256=digest)


@writes
def import_document(
    work: Work, doc: ExportFile, source: str = "", sha256: str | None = None
) -> dict[str, Any]:
    """Load a parsed export document (see :func:`import_review`)."""
    st = ImportState(work, plain(doc), RULES)
    result = merge(st)
    error = refusal(st.plan, result["review"])
    if error is not None:
        raise error
    added = dict(sorted(st.plan.added.items()))
    # a file made before recommendations were numbered: numbered here, in creation order
    findings.number_unnumbered(work.session, result["review"])
    if added:
        work.emit(
            events.ReviewImported(
                review_id=result["review"],
                review=result["uid"],
                sha256=sha256,
                added=added,
                comment=source or None,
            )
        )
    return {**result, "added": added, "changed": bool(added)}
