"""The report's handover: the final report, rendered before the transaction, is stored as
the review's next frozen version when the review is handed over."""

from __future__ import annotations

from granskning.documents import reports
from granskning.domain import events
from granskning.domain.events import HandedOver
from granskning.domain.workflow import ActionParams
from granskning.storage.model import ReportVersion, Review
from granskning.storage.uow import Work


def store_final_report(work: Work, event: HandedOver) -> None:
    """On ``hand_over``: date the handover and store the final report (its bytes, SHA-256
    and language) as the review's next version."""
    review = work.get(Review, event.review_id)
    final = reports.final_report(work.session, review, event.params or ActionParams())
    work.session.add(review)
    work.session.add(
        ReportVersion(
            review_id=review.id,  # type: ignore[arg-type]
            number=final.number,
            sha256=final.sha256,
            content=final.data,
            language=final.language,
            created_at=final.at,
        )
    )
    work.emit(
        events.ReportVersionStored(
            review_id=review.id,
            version=final.number,
            sha256=final.sha256,
            bytes=len(final.data),
            language=final.language,
        )
    )


__all__ = ["store_final_report"]
