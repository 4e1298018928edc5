"""Rounds (omgångar): members, the plan of who reviews whom, and the round's compilation.

A round has a year, a theme, a question template and member municipalities. Planning
assigns each host its reviewing municipalities (see :mod:`granskning.domain.planning` for the
rules) and creates the round's reviews, all in one transaction. The compilation
(sammanställning) sums up the round's reviews: interviews, participants and hours per
interviewee group, findings per block, rating questions, follow-up status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, delete, select

from granskning.domain.errors import InputError, NotFoundError, RuleError
from granskning.domain.i18n import _
from granskning.domain.text import clean_text
from granskning.services.reviews import new_review
from granskning.storage.audit import record
from granskning.storage.model import (
    PLACE_MAX,
    Municipality,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Round,
    RoundMember,
)
from granskning.storage.store import Store
from granskning.storage.uow import Work, run

MIN_MEMBERS = 3
DEFAULT_REVIEWERS_PER_HOST = 2
YEARS = (1990, 2200)


def get_round(session: Session, round_id: int) -> Round:
    """The round with ``round_id``, or a NotFoundError."""
    row = session.get(Round, round_id)
    if row is None:
        raise NotFoundError(_("round {id} does not exist").format(id=round_id))
    return row


def create_round(
    store: Store,
    *,
    year: int,
    theme: str,
    template: str,
    members: list[str],
    language: str | None = None,
) -> Round:
    """Create a round with its member municipalities (at least three).

    :param template: a question template id or file name (see ``template list``).
    :param members: municipality names, each registered already.
    :param language: the language of its compilation and, by default, of the reviews its
        plan creates: ``sv`` (the default) or ``en``.
    """
    from granskning.domain import templates
    from granskning.services.registry import municipality_by_name
    from granskning.services.reviews import check_language

    chosen = check_language(language) if language is not None else "sv"

    if not YEARS[0] <= year <= YEARS[1]:
        raise InputError(
            _("--year {year} is not a year between {low} and {high}").format(
                year=year, low=YEARS[0], high=YEARS[1]
            )
        )
    clean_theme = clean_text(theme, "--theme", PLACE_MAX)
    source = templates.find(template)
    with store.atomic() as s:
        rows: list[Municipality] = []
        for name in members:
            m = municipality_by_name(s, name)
            if any(r.id == m.id for r in rows):
                raise InputError(_("{name} is named twice in --member").format(name=m.name))
            rows.append(m)
        if len(rows) < MIN_MEMBERS:
            raise InputError(
                _("a round needs at least {n} member municipalities (--member)").format(
                    n=MIN_MEMBERS
                )
            )
        the_round = Round(
            year=year,
            theme=clean_theme,
            template_name=source.template.id,
            language=chosen,
            created_at=store.now(),
        )
        s.add(the_round)
        s.flush()
        for m in rows:
            s.add(RoundMember(round_id=the_round.id, municipality_id=m.id))  # type: ignore[arg-type]
        record(
            s,
            store,
            entity="round",
            action="create",
            data={"round": the_round.id, "year": year, "members": len(rows)},
            comment=clean_theme,
        )
        return the_round


def set_language(store: Store, round_id: int, language: str) -> Round:
    """Change the language of the round's compilation (its reviews keep their own)."""
    from granskning.services.reviews import check_language

    chosen = check_language(language)
    with store.atomic() as s:
        the_round = get_round(s, round_id)
        if the_round.language != chosen:
            before = the_round.language
            the_round.language = chosen
            s.add(the_round)
            record(
                s,
                store,
                entity="round",
                action="set_language",
                data={"number": round_id, "before": before, "after": chosen},
            )
        return the_round


def _members(session: Session, round_id: int) -> list[Municipality]:
    return list(
        session.exec(
            select(Municipality)
            .join(RoundMember, RoundMember.municipality_id == Municipality.id)  # type: ignore[arg-type]
            .where(RoundMember.round_id == round_id)
            .order_by(Municipality.key)
        ).all()
    )


def _live_reviews(session: Session, round_id: int) -> list[Review]:
    return list(
        session.exec(
            select(Review)
            .where(Review.round_id == round_id, Review.state != ReviewState.cancelled.value)
            .order_by(col(Review.id))
        ).all()
    )


def _pairs(session: Session, round_id: int) -> list[tuple[str, str]]:
    """(reviewer, host) names of the round's live reviews."""
    reviewer = Municipality.__table__.alias("reviewer")  # type: ignore[attr-defined]
    host = Municipality.__table__.alias("host")  # type: ignore[attr-defined]
    rv = Review.__table__  # type: ignore[attr-defined]
    rm = ReviewingMunicipality.__table__  # type: ignore[attr-defined]
    from sqlalchemy import select as sa_select

    rows = session.execute(
        sa_select(reviewer.c.name, host.c.name)
        .select_from(rv)
        .join(rm, rm.c.review_id == rv.c.id)
        .join(reviewer, reviewer.c.id == rm.c.municipality_id)
        .join(host, host.c.id == rv.c.host_id)
        .where(rv.c.round_id == round_id, rv.c.state != ReviewState.cancelled.value)
    ).all()
    return sorted((str(r), str(h)) for r, h in rows)


def previous_round(session: Session, the_round: Round) -> Round | None:
    """The round with the highest year below this one's that shares a member with it."""
    member_ids = select(RoundMember.municipality_id).where(RoundMember.round_id == the_round.id)
    return session.exec(
        select(Round)
        .join(RoundMember, RoundMember.round_id == Round.id)  # type: ignore[arg-type]
        .where(Round.year < the_round.year, col(RoundMember.municipality_id).in_(member_ids))
        .order_by(col(Round.year).desc(), col(Round.id).desc())
    ).first()


@dataclass
class PlanResult:
    """A round's plan: who reviews whom, the reviews made, and what could not be met."""

    round_id: int
    per_host: int
    rows: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)
    previous_round: int | None = None
    created: int = 0
    changed: int = 0
    kept: int = 0
    # nothing was written: a --dry-run, or the stored plan of a round under way
    dry_run: bool = False
    stored: bool = False
    started: list[int] = field(default_factory=list)


def plan(
    store: Store, round_id: int, per_host: int | None = None, *, dry_run: bool = False
) -> PlanResult:
    """Plan the round and create its reviews (or re-plan while they are all still planned).

    Once a review of the round is past planned, the plan is what is stored: it is returned
    as it is (nothing written), and asking for another number per host is refused.

    :param per_host: reviewing municipalities per host (default 2).
    :param dry_run: work the plan out and return it without writing anything (the rows of
        reviews still to be created have no id).
    """
    if dry_run:
        with store.read() as s:
            return _plan(Work(store, s), round_id, per_host, dry_run=True)
    return run(store, lambda work: _plan(work, round_id, per_host, dry_run=False))


def _plan(work: Work, round_id: int, per_host: int | None, *, dry_run: bool) -> PlanResult:
    from granskning.domain import planning, templates

    store = work.store
    k = DEFAULT_REVIEWERS_PER_HOST if per_host is None else per_host
    if True:
        s = work.session
        the_round = get_round(s, round_id)
        members = _members(s, round_id)
        names = [m.name for m in members]
        n = len(names)
        if n < MIN_MEMBERS:
            raise RuleError(
                _("round {id} has {count} members; planning needs at least {n}").format(
                    id=round_id, count=n, n=MIN_MEMBERS
                )
            )
        if not 1 <= k <= n - 1:
            raise InputError(
                _("--reviewers-per-host must be between 1 and {max} for {n} members").format(
                    max=n - 1, n=n
                )
            )
        existing = _live_reviews(s, round_id)
        started = [r for r in existing if r.state != ReviewState.planned.value]
        stored = _stored_plan(s, round_id, members, existing)
        if started and (per_host is None or per_host == stored.per_host):
            stored.dry_run = dry_run
            stored.started = [r.id for r in started]  # type: ignore[misc]
            return stored
        if started:
            raise RuleError(
                _("round {id} cannot be planned again: reviews {ids} are past planned").format(
                    id=round_id, ids=", ".join(str(r.id) for r in started)
                )
            )
        by_host: dict[int, Review] = {}
        for r in existing:
            if r.host_id in by_host:
                raise RuleError(
                    _(
                        "round {id} has two live reviews of the same host ({a} and {b}); cancel one first"
                    ).format(id=round_id, a=by_host[r.host_id].id, b=r.id)
                )
            by_host[r.host_id] = r
        prev = previous_round(s, the_round)
        prev_pairs = _pairs(s, prev.id) if prev is not None and prev.id is not None else []
        result = planning.assign(names, k, prev_pairs, salt=str(the_round.year))
        problems = _explain(result, prev)
        out = PlanResult(
            round_id=round_id,
            per_host=k,
            rows=[],
            problems=problems,
            previous_round=prev.id if prev is not None else None,
            dry_run=dry_run,
        )
        source = templates.find(the_round.template_name)
        by_name = {m.name: m for m in members}
        current = {h: sorted(rs) for h, rs in _reviewers_by_host(s, round_id).items()}
        for m in members:
            wanted = result.reviewers[m.name]
            review = by_host.get(m.id)  # type: ignore[arg-type]
            if review is None and dry_run:
                out.created += 1
                out.rows.append({"id": None, "host": m.name, "reviewing": list(wanted)})
                continue
            if review is None:
                review = new_review(
                    work,
                    host=m,
                    reviewers=[by_name[name] for name in wanted],
                    source=source,
                    round_id=round_id,
                )
                out.created += 1
            elif current.get(review.id, []) != sorted(wanted) and dry_run:  # type: ignore[arg-type]
                out.changed += 1
            elif current.get(review.id, []) != sorted(wanted):  # type: ignore[arg-type]
                s.execute(
                    delete(ReviewingMunicipality).where(
                        col(ReviewingMunicipality.review_id) == review.id
                    )
                )
                for name in wanted:
                    s.add(
                        ReviewingMunicipality(
                            review_id=review.id,  # type: ignore[arg-type]
                            municipality_id=by_name[name].id,  # type: ignore[arg-type]
                        )
                    )
                record(
                    s,
                    store,
                    entity="review",
                    action="replan",
                    review_id=review.id,
                    data={
                        "round": round_id,
                        "before": current.get(review.id, []),  # type: ignore[arg-type]
                        "after": list(wanted),
                    },
                )
                out.changed += 1
            else:
                out.kept += 1
            out.rows.append({"id": review.id, "host": m.name, "reviewing": list(wanted)})
        if dry_run:
            return out
        record(
            s,
            store,
            entity="round",
            action="plan",
            data={
                "round": round_id,
                "per_host": k,
                "created": out.created,
                "changed": out.changed,
                "kept": out.kept,
                "unmet": len(problems),
            },
        )
    return out


def _stored_plan(
    session: Session, round_id: int, members: list[Municipality], live: list[Review]
) -> PlanResult:
    """The plan the round's live reviews hold, member by member (as ``plan`` shows it)."""
    reviewing = _reviewers_by_host(session, round_id)
    by_host = {r.host_id: r for r in live}
    rows: list[dict[str, Any]] = []
    counts = []
    for m in members:
        review = by_host.get(m.id)  # type: ignore[arg-type]
        if review is not None:
            names = sorted(reviewing.get(review.id, []))  # type: ignore[arg-type]
            rows.append({"id": review.id, "host": m.name, "reviewing": names})
            counts.append(len(names))
    return PlanResult(
        round_id=round_id,
        per_host=max(counts, default=0),
        rows=rows,
        kept=len(rows),
        stored=True,
    )


def _reviewers_by_host(session: Session, round_id: int) -> dict[int, list[str]]:
    rows = session.exec(
        select(ReviewingMunicipality.review_id, Municipality.name)
        .join(Municipality, Municipality.id == ReviewingMunicipality.municipality_id)  # type: ignore[arg-type]
        .join(Review, Review.id == ReviewingMunicipality.review_id)  # type: ignore[arg-type]
        .where(Review.round_id == round_id)
    ).all()
    out: dict[int, list[str]] = {}
    for rid, name in rows:
        out.setdefault(rid, []).append(name)
    return out


def _explain(result: Any, prev: Round | None) -> list[str]:
    """Sentences for every rule the plan could not meet."""
    problems = []
    n, k = len(result.members), result.per_host
    if result.mutual:
        problems.append(
            _(
                "with {n} members and {k} reviewing municipalities per host, {count} pairs have "
                "to review each other (avoidable only with at most {max} per host): {pairs}"
            ).format(
                n=n,
                k=k,
                count=len(result.mutual),
                max=result.max_without_mutual,
                pairs=_pair_list([f"{a} – {b}" for a, b in result.mutual]),
            )
        )
    if result.repeated:
        problems.append(
            _(
                "{count} pairs from the previous round ({year}) could not be avoided: {pairs}"
            ).format(
                count=len(result.repeated),
                year=prev.year if prev else "?",
                pairs=_pair_list(
                    [_("{a} reviews {b}").format(a=r, b=h) for r, h in result.repeated]
                ),
            )
        )
    return problems


def _pair_list(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += " " + _("and {n} more").format(n=len(items) - limit)
    return shown


def list_rounds(store: Store) -> list[dict[str, Any]]:
    """Every round, newest year first, with member and review counts."""
    with store.read() as s:
        rounds = s.exec(select(Round).order_by(col(Round.year).desc(), col(Round.id).desc())).all()
        out = []
        for r in rounds:
            members = _members(s, r.id)  # type: ignore[arg-type]
            reviews = _live_reviews(s, r.id)  # type: ignore[arg-type]
            out.append(
                {
                    "id": r.id,
                    "year": r.year,
                    "theme": r.theme,
                    "template": r.template_name,
                    "members": [m.name for m in members],
                    "reviews": len(reviews),
                }
            )
        return out


def show(store: Store, round_id: int) -> dict[str, Any]:
    """A round with its members and its reviews (host, reviewing, state)."""
    with store.read() as s:
        r = get_round(s, round_id)
        members = _members(s, round_id)
        reviews = _live_reviews(s, round_id)
        names = {m.id: m.name for m in s.exec(select(Municipality)).all()}
        reviewing = _reviewers_by_host(s, round_id)
        prev = previous_round(s, r)
    return {
        "id": r.id,
        "year": r.year,
        "theme": r.theme,
        "template": r.template_name,
        "language": r.language,
        "members": [m.name for m in members],
        "previous_round": prev.id if prev else None,
        "reviews": [
            {
                "id": rv.id,
                "host": names.get(rv.host_id),
                "reviewing": sorted(reviewing.get(rv.id, [])),  # type: ignore[arg-type]
                "state": rv.state,
            }
            for rv in reviews
        ],
    }


__all__ = [
    "PlanResult",
    "create_round",
    "get_round",
    "list_rounds",
    "plan",
    "previous_round",
    "set_language",
    "show",
]
