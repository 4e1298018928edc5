"""The import of a review file into this database, inside the caller's transaction.

It is idempotent: what is already there is left alone, records the file has and the
database lacks are added (notes a team took offline), and a record on both sides with
different content (the same review changed in both places) is a conflict. Whose copy is
newer is told by the audit logs (:func:`~granskning.interchange.state.relation`): a file
that is ahead brings changed records forward. :func:`merge` does the work and leaves the
conflicts in the plan; :func:`refusal` turns them into the error that refuses the import.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlmodel import select

from granskning.domain.errors import ConflictError, GranskningError, InputError, RuleError
from granskning.domain.i18n import _
from granskning.domain.people import name_key
from granskning.interchange.export import review_document
from granskning.interchange.format import ExportFile, parse_time, plain
from granskning.interchange.history import check_guards, life_cycle
from granskning.interchange.people import merge_people
from granskning.interchange.records import merge_records
from granskning.interchange.state import ImportState, Plan, relation
from granskning.storage.model import Review, ReviewingMunicipality, ReviewState

# at most this many conflicts are listed; the count says how many there are in all
MAX_LISTED = 25

# the review's fields its life cycle changes; a file that is ahead of the database (see
# relation) brings them forward, one that is behind leaves them alone
_LIFE_CYCLE = (
    "state",
    "version",
    "handed_over_on",
    "seminar_start",
    "seminar_place",
    "language",
    "notes_appendix",
)


def merge(st: ImportState) -> dict[str, Any]:
    """Merge the file into this database: its people, its review (new, or compared with
    the one here), its records; then check its history. What cannot be merged is left in
    ``st.plan``.

    :returns: the review's id and uid, whether it is new, the people matched by name.
    """
    review = st.s.exec(select(Review).where(Review.uid == st.f["review"]["uid"])).first()
    merge_people(st)
    new = review is None
    current = None
    if review is None:
        review = _new_review(st)
        st.steps = life_cycle(st, ReviewState.planned, 1, st.f["audit"])
    else:
        current = _current(st, review)
        _follow(st, review, current)
        _compare_review(st, review, current)
    merge_records(st, review, current)
    st.s.flush()
    check_guards(st, review, current)
    return {"review": review.id, "uid": review.uid, "new": new, "matched": st.matched}


def _current(st: ImportState, review: Review) -> dict[str, Any]:
    """The review here in the export format, as the file is compared with it."""
    doc = review_document(st.s, review, st.now, exported_by="")  # the header is not compared
    try:
        return plain(ExportFile.model_validate(doc))
    except ValidationError as exc:
        raise InputError(
            _("review {id} in this database cannot be compared: {error}").format(
                id=review.id, error=exc.errors()[0]["msg"]
            )
        ) from None


def _follow(st: ImportState, review: Review, current: dict[str, Any]) -> None:
    """How the file's history relates to the one here; the transitions it adds if ahead."""
    st.relation = relation(
        {e["uid"] for e in current["audit"] if e["action"] != "import"},
        {e["uid"] for e in st.f["audit"] if e["action"] != "import"},
    )
    st.here_state = ReviewState(review.state)
    if st.relation == "ahead":
        seen = {e["uid"] for e in current["audit"]}
        added = [e for e in st.f["audit"] if e["uid"] not in seen]
        st.steps = life_cycle(st, st.here_state, review.version, added)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _new_review(st: ImportState) -> Review:
    r = st.f["review"]
    review = Review(
        uid=r["uid"],
        host_id=st.municipality(r["host"]),
        round_id=st.round_id(r["round"]),
        state=r["state"],
        version=r["version"],
        template_id=r["template"]["id"],
        template_version=r["template"]["version"],
        template_sha256=r["template"]["sha256"],
        template_content=r["template"]["content"],
        handed_over_on=_day(r["handed_over_on"]),
        seminar_start=parse_time(r["seminar_start"]),
        seminar_place=r["seminar_place"],
        language=r.get("language") or "sv",
        notes_appendix=r.get("notes_appendix"),
        created_at=parse_time(r["created_at"]),
        updated_at=parse_time(r["updated_at"]),
    )
    st.s.add(review)
    st.s.flush()
    for name in r["reviewing"]:
        mid = st.municipality(name)
        if mid == review.host_id:
            raise InputError(_("the file's review has its host among the reviewing municipalities"))
        st.s.add(ReviewingMunicipality(review_id=review.id, municipality_id=mid))  # type: ignore[arg-type]
    st.plan.add("reviews")
    return review


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """A review record with its municipalities by key and its round by year and theme."""
    out = dict(doc)
    out["reviewing"] = sorted(name_key(n) for n in out["reviewing"])
    out["host"] = name_key(out["host"])
    rnd = out["round"]
    out["round"] = None if rnd is None else [rnd["year"], rnd["theme"]]
    return out


def _compare_review(st: ImportState, review: Review, current: dict[str, Any]) -> None:
    """The review's own fields: those fixed when it was made must agree; those of its life
    cycle are brought forward when the file is ahead."""
    there = dict(st.f["review"])
    there.setdefault("language", "sv")
    there.setdefault("notes_appendix", None)
    here, there = _comparable(current["review"]), _comparable(there)
    key = here["uid"]
    st.plan.compare(_("review"), key, here, there, skip=(*_LIFE_CYCLE, "updated_at"))
    changed = [k for k in _LIFE_CYCLE if here[k] != there[k]]
    if not changed or st.relation == "behind":
        return
    if st.relation != "ahead":
        for k in changed:
            st.plan.conflict(_("review"), key, k, here[k], there[k])
        return
    review.state = there["state"]
    review.version = there["version"]
    review.handed_over_on = _day(there["handed_over_on"])
    review.seminar_start = parse_time(there["seminar_start"])
    review.seminar_place = there["seminar_place"]
    review.language = there["language"]
    review.notes_appendix = there["notes_appendix"]
    review.updated_at = parse_time(there["updated_at"])
    st.s.add(review)
    st.plan.add("reviews_updated")


def _listed(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LISTED:
        return lines
    return [*lines[:MAX_LISTED], _("... and {n} more").format(n=len(lines) - MAX_LISTED)]


def refusal(plan: Plan, review_id: Any) -> GranskningError | None:
    """The error that refuses an import whose plan has conflicts, or whose history breaks
    the life cycle; None if the import may go ahead."""
    if plan.history and not plan.conflicts:
        head = _(
            "the file's history of review {id} does not follow its life "
            "cycle; nothing was imported:"
        ).format(id=review_id)
        return RuleError("\n".join([head] + [f"  {c}" for c in _listed(plan.history)]))
    if plan.conflicts:
        head = _(
            "the file conflicts with review {id} in this database ({n} "
            "conflicts); nothing was imported:"
        ).format(id=review_id, n=len(plan.conflicts))
        return ConflictError("\n".join([head] + [f"  {c}" for c in _listed(plan.conflicts)]))
    return None
