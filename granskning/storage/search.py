"""The full-text index (migration 0009) queried, and rebuilt: SQL only, no rules.

SQLite keeps one FTS5 table per kind of text (``search_note`` ...), PostgreSQL a generated
``search`` column (a ``tsvector``) on each table. A query runs in two steps: the best
``limit`` hits of every kind together, ranked (bm25 on SQLite, ts_rank on PostgreSQL; higher
is better here on both), then the snippets of just those hits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

KINDS = ("note", "finding", "recommendation", "text", "item")

# the marks around a matched word in a snippet: control characters no text holds (the
# front ends turn them into brackets or <mark>)
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 16
# how many of the newest matches of each kind that pass the filters are ranked: ranking
# costs a few microseconds a text on SQLite (bm25), a page read from the table each on
# PostgreSQL (ts_rank), where the newest are also costlier to find (see _pg_newest)
RANKED = {"sqlite": 2_000, "postgresql": 100}
# PostgreSQL: a walk back over the newest SAMPLE x RANKED notes measures a match's density
SAMPLE = 20
# PostgreSQL: reading a page for one match costs about as much as walking this many notes
PAGE_COST = 12


# typed NULLs: PostgreSQL matches the branches of a UNION by type
_NO_ID, _NO_TEXT = "CAST(NULL AS INTEGER)", "CAST(NULL AS VARCHAR)"

# A report text's section when it is the team's analysis of a block: "block:<id>" (as
# services.findings stores it); its block is the rest of the key.
BLOCK_SECTION = "block:"
_TEXT_BLOCK = (
    f"CASE WHEN substr(x.section, 1, {len(BLOCK_SECTION)}) = '{BLOCK_SECTION}' "
    f"THEN substr(x.section, {len(BLOCK_SECTION) + 1}) ELSE {_NO_TEXT} END"
)


@dataclass(frozen=True)
class _Kind:
    """Where a kind of text lives and how its hits name their place."""

    table: str
    fts: str  # the SQLite FTS5 table
    body: str  # the searched text (PostgreSQL headlines)
    review: str = "x.review_id"
    join: str = ""
    interview: str = _NO_ID
    group: str = _NO_TEXT
    question: str = _NO_TEXT
    block: str = "x.block_id"
    section: str = _NO_TEXT


_NOTE = _Kind(
    "note",
    "search_note",
    "x.text",
    review="iv.review_id",
    join="JOIN interview iv ON iv.id = x.interview_id JOIN review r ON r.id = iv.review_id",
    interview="iv.id",
    group="iv.group_id",
    question="x.question_id",
    block=_NO_TEXT,
)
SPECS: dict[str, _Kind] = {
    "note": _NOTE,
    "finding": _Kind("finding", "search_finding", "x.text"),
    "recommendation": _Kind("recommendation", "search_recommendation", "x.text"),
    "item": _Kind("follow_up_item", "search_item", "x.text || ' ' || coalesce(x.comment, '')"),
    "text": _Kind("report_text", "search_text", "x.text", block=_TEXT_BLOCK, section="x.section"),
}


@dataclass
class Filters:
    """What narrows a search. A list of review ids restricts; None does not."""

    kinds: Sequence[str] = KINDS
    round_id: int | None = None
    host_id: int | None = None
    group: str | None = None
    block: str | None = None
    # for notes under a block filter: template SHA-256 -> the block's question ids
    block_questions: dict[str, list[str]] = field(default_factory=dict)
    # reviews whose notes (and everything else) may be seen; None: all
    full: list[int] | None = None
    # reviews whose handed-over material (no notes) may be seen besides ``full``
    handed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    """One ranked hit: its kind, its row (``ref``), where it belongs, and a snippet."""

    kind: str
    ref: int | None
    review_id: int
    interview_id: int | None
    group: str | None
    question: str | None
    block: str | None
    section: str | None
    score: float
    snippet: str = ""


def _where(kind: str, f: Filters, params: dict[str, Any]) -> list[str] | None:
    """The conditions of one kind's branch (None: the kind cannot match)."""
    spec = SPECS[kind]
    out = []
    if f.group is not None:
        if kind != "note":
            return None
        out.append("iv.group_id = :group")
        params["group"] = f.group
    if f.block is not None:
        if kind == "text":  # the team's analysis of the block
            out.append("x.section = :block_text")
            params["block_text"] = BLOCK_SECTION + f.block
        elif kind == "note":
            pairs = []
            for n, (sha, questions) in enumerate(sorted(f.block_questions.items())):
                pairs.append(f"(r.template_sha256 = :sha{n} AND x.question_id IN :qs{n})")
                params[f"sha{n}"], params[f"qs{n}"] = sha, questions
            if not pairs:
                return None
            out.append("(" + " OR ".join(pairs) + ")")
        else:
            out.append("x.block_id = :block")
            params["block"] = f.block
    if f.round_id is not None:
        out.append(f"{spec.review} IN (SELECT id FROM review WHERE round_id = :round)")
        params["round"] = f.round_id
    if f.host_id is not None:
        out.append(f"{spec.review} IN (SELECT id FROM review WHERE host_id = :host)")
        params["host"] = f.host_id
    if f.full is not None:
        seen = f.full if kind == "note" else [*f.full, *f.handed]
        if not seen:
            return None
        out.append(f"{spec.review} IN :seen_{kind}")
        params[f"seen_{kind}"] = seen
    return out


def _columns(kind: str, ref: str) -> str:
    spec = SPECS[kind]
    return (
        f"'{kind}' AS kind, {ref} AS ref, {spec.review} AS review_id, "
        f"{spec.interview} AS interview_id, {spec.group} AS grp, {spec.question} AS question, "
        f"{spec.block} AS block, {spec.section} AS section"
    )


def _candidates(kind: str, conditions: list[str], sqlite: bool, newest: bool = False) -> str:
    """The newest ``:ranked`` matches of one kind that pass the filters (SQLite: their
    rowids; PostgreSQL: their rows).

    FTS5 reads a word's matches newest first and stops at ``:ranked``. On PostgreSQL the
    notes found by :func:`_pg_newest` are taken as they are (``newest``); otherwise the
    planner chooses between the GIN index and walking the rows back by id."""
    spec = SPECS[kind]
    where = "".join(f" AND {c}" for c in conditions)
    if not sqlite:
        order = "x.review_id DESC, x.section" if kind == "text" else "x.id DESC"
        if kind == "note" and newest:  # found already
            return "SELECT x.* FROM note x WHERE x.id IN :newest"
        return (
            f"SELECT x.* FROM {spec.table} x {spec.join if conditions else ''} "
            f"WHERE x.search @@ to_tsquery('swedish', :q){where} ORDER BY {order} LIMIT :ranked"
        )
    if kind == "text":  # report texts are kept in their FTS5 table itself
        source = f"{spec.fts} x"
    elif kind == "note" and conditions and not any("x." in c for c in conditions):
        # the interviews that pass, found once; each match is then one look-up of its note
        # (CROSS JOIN keeps the FTS5 table the outer loop: SQLite's planner may reorder)
        source = f"{spec.fts} f CROSS JOIN note x ON x.id = f.rowid"
        where = (
            " AND x.interview_id IN (SELECT iv.id FROM interview iv JOIN review r "
            f"ON r.id = iv.review_id WHERE 1 = 1{where})"
        )
    elif conditions:
        joins = spec.join.replace("JOIN", "CROSS JOIN")
        source = f"{spec.fts} f CROSS JOIN {spec.table} x ON x.id = f.rowid {joins}"
    else:
        source = f"{spec.fts} f"
    alias = "x" if kind == "text" else "f"
    return (
        f"SELECT {alias}.rowid FROM {source} WHERE {alias}.{spec.fts} MATCH :q{where} "
        f"ORDER BY {alias}.rowid DESC LIMIT :ranked"
    )


def _sqlite_kind(kind: str, conditions: list[str]) -> str:
    """One kind's best ``:limit`` hits: bm25 over its candidates only (a few microseconds
    each), then the winners joined to where they belong. The FTS5 table reads only the
    matches from the oldest candidate on; ``+rowid``: the candidates are looked up as those
    go by, not each by a query of the FTS5 table of its own."""
    spec = SPECS[kind]
    if conditions:  # the candidates found beforehand (see :func:`_sqlite_candidates`)
        among = f"rowid >= :low_{kind} AND +rowid IN :ids_{kind}"
    else:  # the matches from the oldest candidate on are the candidates
        candidates = _candidates(kind, conditions, True)
        among = f"rowid >= (SELECT coalesce(min(rowid), 0) FROM ({candidates}))"
    best = (
        f"SELECT rowid AS ref, -bm25({spec.fts}) AS score FROM {spec.fts} "
        f"WHERE {spec.fts} MATCH :q AND {among} ORDER BY score DESC, rowid LIMIT :limit"
    )
    source = "search_text x ON x.rowid" if kind == "text" else f"{spec.table} x ON x.id"
    return (
        f"SELECT {_columns(kind, 'h.ref')}, h.score FROM ({best}) h JOIN {source} = h.ref "
        f"{spec.join if kind != 'text' else ''}"
    )


def _sqlite_candidates(
    session: Session, wanted: dict[str, list[str]], params: dict[str, Any]
) -> dict[str, list[str]]:
    """The kinds still wanted once the candidates of those with filters are found, each
    list once (in ``params``: ``ids_<kind>``, and ``low_<kind>`` the oldest of them)."""
    out = {}
    for kind, conditions in wanted.items():
        if conditions:
            found = session.execute(_text(_candidates(kind, conditions, True), params), params)
            ids = [int(i) for i in found.scalars()]
            if not ids:
                continue
            params[f"ids_{kind}"], params[f"low_{kind}"] = ids, min(ids)
        out[kind] = conditions
    return out


def _pg_branch(kind: str, conditions: list[str], newest: bool) -> str:
    """One kind's candidates, each with its ts_rank (the rows were read anyway)."""
    spec = SPECS[kind]
    ref = _NO_ID if kind == "text" else "x.id"
    # the filters' tables are joined again for the columns, for the candidates only
    return (
        f"SELECT {_columns(kind, ref)}, ts_rank(x.search, to_tsquery('swedish', :q)) AS score, "
        f"{spec.body} AS body FROM ({_candidates(kind, conditions, False, newest)}) x {spec.join}"
    )


_WALK = (
    "SELECT x.id FROM (SELECT id, search FROM note WHERE id >= :low AND id < :high "
    "ORDER BY id DESC OFFSET 0) x WHERE x.search @@ to_tsquery('swedish', :q) LIMIT :need"
)


def _pg_newest(session: Session, params: dict[str, Any]) -> list[int] | None:
    """The newest ``:ranked`` notes that match, found by walking the notes back from the
    newest when that is cheaper than the GIN index; else None.

    The GIN index finds every match but in no order, and each match read from the table
    costs a page: for a word in one note of ten, walking back reads a few hundred pages,
    the index ten thousand. PostgreSQL's planner chooses between the two by statistics
    that take a phrase's words as independent (so its matches as far fewer than they
    are): here a walk over the newest ``SAMPLE`` x ``:ranked`` notes measures how common
    the match is, and a second walk goes on where it costs less than the index would."""
    ranked = int(params["ranked"])
    top = int(session.execute(text("SELECT coalesce(max(id), 0) FROM note")).scalar_one()) + 1
    low = max(0, top - SAMPLE * ranked)
    newest = _walk(session, params, low, top, ranked)
    if len(newest) >= ranked:
        return newest
    if not newest or low == 0:
        return None
    density = len(newest) / (top - low)
    rows = math.ceil((ranked - len(newest)) / density)  # the notes expected to hold the rest
    if rows > PAGE_COST * density * top:  # the index would read fewer pages
        return None
    newest += _walk(session, params, max(0, low - 2 * rows), low, ranked - len(newest))
    return newest if len(newest) >= ranked else None


def _walk(session: Session, params: dict[str, Any], low: int, high: int, need: int) -> list[int]:
    """The newest ``need`` matching notes with ids from ``low`` to below ``high``, read
    newest first from the table (the fence keeps the planner off the GIN index)."""
    found = session.execute(
        text(
            "SELECT x.id FROM (SELECT id, search FROM note WHERE id >= :low AND id < :high "
            "ORDER BY id DESC OFFSET 0) x WHERE x.search @@ to_tsquery('swedish', :q) "
            "LIMIT :need"
        ),
        {"q": params["q"], "low": low, "high": high, "need": need},
    )
    return [int(i) for i in found.scalars()]


def _text(sql: str, params: dict[str, Any]) -> Any:
    """``sql`` with its list parameters expanded (``x IN :ids``)."""
    statement = text(sql)
    for name, value in params.items():
        if isinstance(value, list) and re.search(rf":{name}\b", sql):
            statement = statement.bindparams(bindparam(name, expanding=True))
    return statement


def _best(branches: list[str]) -> str:
    """Every kind's hits ranked together, the best ``:limit``."""
    inner = " UNION ALL ".join(f"SELECT * FROM ({b}) b{n}" for n, b in enumerate(branches))
    return f"SELECT * FROM ({inner}) hits ORDER BY score DESC, kind, ref LIMIT :limit"


def search(session: Session, match: str, filters: Filters, limit: int) -> list[Hit]:
    """The best ``limit`` hits of ``match`` (FTS5 MATCH text on SQLite, ``to_tsquery``
    text on PostgreSQL), best first, among the newest :data:`RANKED` matches of each kind
    that pass the filters (the newest ``limit`` when that is more)."""
    backend = session.get_bind().dialect.name
    sqlite = backend == "sqlite"
    params: dict[str, Any] = {"q": match, "limit": limit, "ranked": max(RANKED[backend], limit)}
    wanted = {}
    for kind in KINDS:
        if kind in filters.kinds:
            conditions = _where(kind, filters, params)
            if conditions is not None:
                wanted[kind] = conditions
    if not wanted:
        return []
    if sqlite:
        wanted = _sqlite_candidates(session, wanted, params)
        if not wanted:
            return []
        best = _best([_sqlite_kind(k, c) for k, c in wanted.items()])
        found = session.execute(_text(best, params), params).mappings().all()
        return _with_snippets(session, match, [_hit(r) for r in found])
    params["options"] = (
        f'StartSel="{START}", StopSel="{STOP}", MaxWords={SNIPPET_WORDS + 4}, '
        'MinWords=6, MaxFragments=2, FragmentDelimiter=" … "'
    )
    newest = _pg_newest(session, params) if wanted.get("note") == [] else None
    if newest:
        params["newest"] = newest
    best = _best([_pg_branch(k, c, bool(newest)) for k, c in wanted.items()])
    # the headlines of the best only: ts_headline reads and parses the whole text
    statement = _text(
        "SELECT h.*, ts_headline('swedish', h.body, to_tsquery('swedish', :q), :options) "
        f"AS snippet FROM ({best}) h ORDER BY h.score DESC, h.kind, h.ref",
        params,
    )
    return [_hit(r) for r in session.execute(statement, params).mappings().all()]


def _hit(r: Any) -> Hit:
    return Hit(
        kind=r["kind"],
        ref=r["ref"],
        review_id=int(r["review_id"]),
        interview_id=r["interview_id"],
        group=r["grp"],
        question=r["question"],
        block=r["block"],
        section=r["section"],
        score=float(r["score"]),
        snippet=r.get("snippet") or "",
    )


def _with_snippets(session: Session, match: str, hits: list[Hit]) -> list[Hit]:
    """The SQLite hits with their snippets, made for these rows only."""
    found: dict[tuple[str, int], str] = {}
    for kind in KINDS:
        refs = [h.ref for h in hits if h.kind == kind and h.ref is not None]
        if not refs:
            continue
        fts = SPECS[kind].fts
        statement = text(
            f"SELECT rowid, snippet({fts}, -1, :a, :b, '…', {SNIPPET_WORDS}) FROM {fts} "
            # the matches from the oldest hit on, each looked up as they go by (a plain
            # ``rowid IN`` runs the match once for every hit)
            f"WHERE {fts} MATCH :q AND rowid >= :low AND +rowid IN :refs"
        ).bindparams(bindparam("refs", expanding=True))
        params = {"a": START, "b": STOP, "q": match, "low": min(refs), "refs": refs}
        for rowid, snippet in session.execute(statement, params).all():
            found[(kind, int(rowid))] = snippet or ""
    return [Hit(**{**h.__dict__, "snippet": found.get((h.kind, h.ref or 0), "")}) for h in hits]


@dataclass(frozen=True)
class IndexSize:
    """How much room the index takes, in bytes, and how many rows it holds."""

    bytes: int
    rows: dict[str, int]


def index_size(session: Session) -> IndexSize:
    """The size of the search index (SQLite: its FTS5 tables; PostgreSQL: the ``search``
    columns' values and their GIN indexes)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    rows = {}
    for kind, spec in SPECS.items():
        # an FTS5 table counts its content's rows; its _docsize table, the rows indexed
        source = f"{spec.fts}_docsize" if sqlite else f"{spec.table} WHERE search IS NOT NULL"
        rows[kind] = int(session.execute(text(f"SELECT count(*) FROM {source}")).scalar_one())
    if sqlite:
        size = session.execute(
            text(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'"
            )
        ).scalar_one()
    else:
        size = 0
        for spec in SPECS.values():
            size += session.execute(
                text(f"SELECT coalesce(sum(pg_column_size(search)), 0) FROM {spec.table}")
            ).scalar_one()
            size += session.execute(
                text(f"SELECT pg_relation_size('ix_{spec.table}_search')")
            ).scalar_one()
    return IndexSize(bytes=int(size), rows=rows)


def rebuild(session: Session) -> dict[str, int]:
    """Build the index again from the tables, in the session's transaction; returns the rows
    indexed per kind."""
    if session.get_bind().dialect.name == "sqlite":
        for kind, spec in SPECS.items():
            if kind == "text":
                session.execute(text("DELETE FROM search_text"))
                session.execute(
                    text(
                        "INSERT INTO search_text(text, review_id, section) "
                        "SELECT text, review_id, section FROM report_text"
                    )
                )
                continue
            cols = "text, comment" if kind == "item" else "text"
            live = " WHERE removed_at IS NULL" if kind == "note" else ""
            session.execute(text(f"INSERT INTO {spec.fts}({spec.fts}) VALUES ('delete-all')"))
            session.execute(
                text(
                    f"INSERT INTO {spec.fts}(rowid, {cols}) "
                    f"SELECT id, {cols} FROM {spec.table}{live}"
                )
            )
    else:
        for spec in SPECS.values():
            # the column is computed by the database at every write; its index is rebuilt
            session.execute(text(f"REINDEX INDEX ix_{spec.table}_search"))
    return index_size(session).rows


__all__ = [
    "KINDS",
    "START",
    "STOP",
    "Filters",
    "Hit",
    "IndexSize",
    "index_size",
    "rebuild",
    "search",
]
