"""Rounds (omgångar): members, the plan of who reviews whom, and the round's compilation.

A round has a year, a theme, a question template and member municipalities. Planning
assigns each host its reviewing municipalities (see :mod:`granskning.domain.planning` for the
rules) and creates the round's reviews, all in one transaction. The compilation
(sammanställning) sums up the round's reviews: interviews, participants and hours per
interviewee group, findings per block, rating questions, follow-up status.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from granskning.domain import events, planning, templates
from granskning.domain.errors import InputError, RuleError
from granskning.domain.i18n import _
from granskning.domain.text import clean_text
from granskning.services.registry import municipality_by_name
from granskning.services.reviews import check_language, new_review
from granskning.storage.model import (
    PLACE_MAX,
    Municipality,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Round,
    RoundMember,
)
from granskning.storage.queries import get
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

MIN_MEMBERS = 3
DEFAULT_REVIEWERS_PER_HOST = 2
YEARS = (1990, 2200)


def get_round(session: Session, round_id: int) -> Round:
    """The round with ``round_id``, or a NotFoundError."""
    return get(session, Round, round_id)


def _check_year(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise InputError(
            _("--year {year} is not a year between {low} and {high}").format(
                year=year, low=YEARS[0], high=YEARS[1]
            )
        )


def _member_rows(session: Session, members: list[str]) -> list[Municipality]:
    """The municipalities named, each once, at least :data:`MIN_MEMBERS` of them."""
    rows: list[Municipality] = []
    for name in members:
        m = municipality_by_name(session, name)
        if any(r.id == m.id for r in rows):
            raise InputError(_("{name} is named twice in --member").format(name=m.name))
        rows.append(m)
    if len(rows) < MIN_MEMBERS:
        raise InputError(
            _("a round needs at least {n} member municipalities (--member)").format(n=MIN_MEMBERS)
        )
    return rows


@writes
def create_round(
    work: Work,
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
    chosen = check_language(language) if language is not None else "sv"
    _check_year(year)
    clean_theme = clean_text(theme, "--theme", PLACE_MAX)
    source = templates.find(template)
    rows = _member_rows(work.session, members)
    the_round = work.add(
        Round(
            year=year,
            theme=clean_theme,
            template_name=source.template.id,
            language=chosen,
            created_at=work.now(),
        )
    )
    for m in rows:
        work.session.add(RoundMember(round_id=the_round.id, municipality_id=m.id))  # type: ignore[arg-type]
    work.emit(
        events.RoundCreated(round=the_round.id, year=year, members=len(rows), comment=clean_theme)  # type: ignore[arg-type]
    )
    return the_round


@writes
def set_language(work: Work, round_id: int, language: str) -> Round:
    """Change the language of the round's compilation (its reviews keep their own)."""
    chosen = check_language(language)
    the_round = work.get(Round, round_id)
    if the_round.language != chosen:
        before = the_round.language
        the_round.language = chosen
        work.session.add(the_round)
        work.emit(events.RoundLanguageSet(number=round_id, before=before, after=chosen))
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

    def count(self, step: str, review_id: int | None, host: str, wanted: list[str]) -> None:
        """Count a host's ``step`` (create, change, keep) and add its row."""
        setattr(self, _COUNTED[step], getattr(self, _COUNTED[step]) + 1)
        self.rows.append({"id": review_id, "host": host, "reviewing": list(wanted)})


# What the plan does with each host's review, and the PlanResult field that counts it.
_COUNTED = {"create": "created", "change": "changed", "keep": "kept"}


@dataclass
class _Draft:
    """A plan worked out and not yet carried out: each member's reviewing municipalities,
    its live review if it has one and who reviews in it now."""

    members: list[Municipality]
    wanted: dict[str, list[str]]
    by_host: dict[int, Review]
    current: dict[int, list[str]]
    source: templates.TemplateSource
    out: PlanResult

    def steps(self) -> Iterator[tuple[str, Municipality, Review | None, list[str]]]:
        """(create, change or keep; the host; its review; the reviewing wanted), by host."""
        for m in self.members:
            wanted = self.wanted[m.name]
            review = self.by_host.get(m.id)  # type: ignore[arg-type]
            if review is None:
                yield "create", m, None, wanted
            elif self.current.get(review.id, []) != sorted(wanted):  # type: ignore[arg-type]
                yield "change", m, review, wanted
            else:
                yield "keep", m, review, wanted


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
    if not dry_run:
        return write_plan(store, round_id, per_host)
    with store.read() as s:
        draft = _draft(s, round_id, per_host, dry_run=True)
    if isinstance(draft, PlanResult):
        return draft
    for step, m, review, wanted in draft.steps():
        draft.out.count(step, review.id if review is not None else None, m.name, wanted)
    return draft.out


@writes
def write_plan(work: Work, round_id: int, per_host: int | None = None) -> PlanResult:
    """Plan the round and carry the plan out: create the reviews it lacks, re-plan those
    whose reviewing municipalities change (see :func:`plan`)."""
    draft = _draft(work.session, round_id, per_host, dry_run=False)
    if isinstance(draft, PlanResult):
        return draft
    out = draft.out
    by_name = {m.name: m for m in draft.members}
    for step, m, review, wanted in draft.steps():
        if review is None:
            review = new_review(
                work,
                host=m,
                reviewers=[by_name[name] for name in wanted],
                source=draft.source,
                round_id=round_id,
            )
        elif step == "change":
            before = draft.current.get(review.id, [])  # type: ignore[arg-type]
            _replan(work, round_id, review, [by_name[name] for name in wanted], before)
        out.count(step, review.id, m.name, wanted)
    counts = {name: getattr(out, name) for name in ("per_host", *_COUNTED.values())}
    work.emit(events.RoundPlanned(round=round_id, unmet=len(out.problems), **counts))
    return out


def _replan(
    work: Work, round_id: int, review: Review, reviewing: list[Municipality], before: list[str]
) -> None:
    """Give ``review`` the reviewing municipalities of the new plan (``before``: the names
    of those it had)."""
    work.session.execute(
        delete(ReviewingMunicipality).where(col(ReviewingMunicipality.review_id) == review.id)
    )
    for m in reviewing:
        work.session.add(ReviewingMunicipality(review_id=review.id, municipality_id=m.id))  # type: ignore[arg-type]
    work.emit(
        events.Replanned(
            review_id=review.id,
            round=round_id,
            before=before,
            after=[m.name for m in reviewing],
        )
    )


def _draft(
    session: Session, round_id: int, per_host: int | None, *, dry_run: bool
) -> _Draft | PlanResult:
    """The plan to carry out, or the stored plan of a round under way (see :func:`plan`)."""
    the_round = get_round(session, round_id)
    members = _members(session, round_id)
    k = _per_host(round_id, len(members), per_host)
    existing = _live_reviews(session, round_id)
    stored = _under_way(session, round_id, per_host, members, existing)
    if stored is not None:
        stored.dry_run = dry_run
        return stored
    by_host = _one_per_host(round_id, existing)
    prev = previous_round(session, the_round)
    prev_pairs = _pairs(session, prev.id) if prev is not None and prev.id is not None else []
    result = planning.assign([m.name for m in members], k, prev_pairs, salt=str(the_round.year))
    out = PlanResult(
        round_id=round_id,
        per_host=k,
        rows=[],
        problems=_explain(result, prev),
        previous_round=prev.id if prev is not None else None,
        dry_run=dry_run,
    )
    return _Draft(
        members=members,
        wanted=result.reviewers,
        by_host=by_host,
        current={h: sorted(rs) for h, rs in _reviewers_by_host(session, round_id).items()},
        source=templates.find(the_round.template_name),
        out=out,
    )


def _per_host(round_id: int, n: int, per_host: int | None) -> int:
    """The reviewing municipalities per host asked for (default 2), if a round of ``n``
    members can be planned with it."""
    if n < MIN_MEMBERS:
        raise RuleError(
            _("round {id} has {count} members; planning needs at least {n}").format(
                id=round_id, count=n, n=MIN_MEMBERS
            )
        )
    k = DEFAULT_REVIEWERS_PER_HOST if per_host is None else per_host
    if not 1 <= k <= n - 1:
        raise InputError(
            _("--reviewers-per-host must be between 1 and {max} for {n} members").format(
                max=n - 1, n=n
            )
        )
    return k


def _under_way(
    session: Session,
    round_id: int,
    per_host: int | None,
    members: list[Municipality],
    existing: list[Review],
) -> PlanResult | None:
    """The stored plan if a review of the round is past planned (None while all are
    planned); another number per host is refused then."""
    started = [r for r in existing if r.state != ReviewState.planned.value]
    if not started:
        return None
    stored = _stored_plan(session, round_id, members, existing)
    if per_host is not None and per_host != stored.per_host:
        raise RuleError(
            _("round {id} cannot be planned again: reviews {ids} are past planned").format(
                id=round_id, ids=", ".join(str(r.id) for r in started)
            )
        )
    stored.started = [r.id for r in started]  # type: ignore[misc]
    return stored


def _one_per_host(round_id: int, existing: list[Review]) -> dict[int, Review]:
    """The live reviews by host, refusing a host reviewed twice in the round."""
    by_host: dict[int, Review] = {}
    for r in existing:
        if r.host_id in by_host:
            raise RuleError(
                _(
                    "round {id} has two live reviews of the same host ({a} and {b}); cancel one first"
                ).format(id=round_id, a=by_host[r.host_id].id, b=r.id)
            )
        by_host[r.host_id] = r
    return by_host


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
    "write_plan",
]
