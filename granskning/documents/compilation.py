"""The round's compilation (sammanställning): figures across its reviews, and the Word report.

Per municipality and in total: interviews, participants (interviewees) and hours per
interviewee group; findings per block; rating questions per group (a table and a chart);
follow-up status. Cancelled reviews and cancelled interviews do not count; hours are the
interviews' booked minutes.

Everything is read with a handful of queries over the whole round, so a round of all 290
Swedish municipalities compiles in seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select as sa_select
from sqlmodel import Session

from granskning.domain.i18n import N_, _, get_language
from granskning.domain.templates import Block, Group, Question, Template, from_pinned
from granskning.domain.timefmt import format_local
from granskning.storage.model import (
    Finding,
    FindingKind,
    FollowUpItem,
    FollowUpStatus,
    Interview,
    Interviewee,
    InterviewState,
    Municipality,
    Note,
    Review,
    ReviewingMunicipality,
    ReviewState,
    Round,
    RoundMember,
)
from granskning.storage.store import Store

DEFAULT_SCALE = [1, 2, 3, 4]
STATUS_KEYS = [s.value for s in FollowUpStatus] + ["none"]


def _t(model: Any) -> Any:
    return model.__table__


class _Catalog:
    """The groups, blocks and rating questions of every template pinned in the round."""

    def __init__(self, templates: list[Template]) -> None:
        self.groups: dict[str, Group] = {}
        self.blocks: dict[str, Block] = {}
        self.ratings: dict[str, tuple[Block, Question]] = {}
        for t in templates:
            for g in t.groups:
                self.groups.setdefault(g.id, g)
            for b in t.blocks:
                self.blocks.setdefault(b.id, b)
                for q in b.questions:
                    if q.kind == "rating":
                        self.ratings.setdefault(q.id, (b, q))


def report_data(store: Store, round_id: int) -> dict[str, Any]:
    """Every figure of the compilation, as ``round report --json`` prints it; names (of
    groups, states) in the round's language, like the document."""
    from granskning.domain.i18n import speaking
    from granskning.services.rounds import get_round

    with store.read() as s:
        the_round = get_round(s, round_id)
        raw = _read(s, round_id)
    with speaking(the_round.language):
        return _figures(the_round, raw)


def _figures(the_round: Round, raw: dict[str, Any]) -> dict[str, Any]:
    catalog = _Catalog(raw["templates"])
    groups = list(catalog.groups.values())

    reviews = raw["reviews"]
    review_of_host = {r["host_id"]: r for r in reviews}
    # per review and group: [interviews, participants, minutes]
    per: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for rid, group, minutes, participants in raw["interviews"]:
        cell = per[rid][group]
        cell[0] += 1
        cell[1] += participants
        cell[2] += minutes
    extra_groups = sorted({g for r in per.values() for g in r} - set(catalog.groups))

    def group_rows(cells: dict[str, list[int]]) -> list[dict[str, Any]]:
        rows = []
        for g in groups:
            c = cells.get(g.id, [0, 0, 0])
            rows.append(_group_row(g.id, g.name(), c))
        for gid in extra_groups:
            rows.append(_group_row(gid, gid, cells.get(gid, [0, 0, 0])))
        return rows

    follow: dict[int, Counter[str]] = defaultdict(Counter)
    for rid, status in raw["items"]:
        follow[rid][status or "none"] += 1

    findings_count: dict[int, Counter[str]] = defaultdict(Counter)
    for rid, _block, kind, _text in raw["findings"]:
        findings_count[rid][kind] += 1

    municipalities = []
    total_cells: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    total_follow: Counter[str] = Counter()
    for m_id, m_name in raw["members"]:
        r = review_of_host.get(m_id)
        cells = per.get(r["id"], {}) if r else {}
        for gid, c in cells.items():
            t = total_cells[gid]
            for i in range(3):
                t[i] += c[i]
        f = follow.get(r["id"], Counter()) if r else Counter()
        total_follow.update(f)
        municipalities.append(
            {
                "host": m_name,
                "review": r["id"] if r else None,
                "state": r["state"] if r else None,
                "reviewing": r["reviewing"] if r else [],
                "seminar": r["seminar"] if r else None,
                **_sums(cells),
                "groups": group_rows(cells),
                "findings": {
                    "strengths": findings_count[r["id"]][FindingKind.strength.value] if r else 0,
                    "development": findings_count[r["id"]][FindingKind.development.value]
                    if r
                    else 0,
                },
                "follow_up": _follow_dict(f),
            }
        )
    # reviews of hosts that are not (or no longer) members still belong to the round
    member_ids = {m_id for m_id, _n in raw["members"]}
    for r in reviews:
        if r["host_id"] not in member_ids:
            cells = per.get(r["id"], {})
            for gid, c in cells.items():
                t = total_cells[gid]
                for i in range(3):
                    t[i] += c[i]
            f = follow.get(r["id"], Counter())
            total_follow.update(f)
            municipalities.append(
                {
                    "host": r["host"],
                    "review": r["id"],
                    "state": r["state"],
                    "reviewing": r["reviewing"],
                    "seminar": r["seminar"],
                    **_sums(cells),
                    "groups": group_rows(cells),
                    "findings": {
                        "strengths": findings_count[r["id"]][FindingKind.strength.value],
                        "development": findings_count[r["id"]][FindingKind.development.value],
                    },
                    "follow_up": _follow_dict(f),
                }
            )

    host_of_review = {r["id"]: r["host"] for r in reviews}
    order = {name: i for i, (_id, name) in enumerate(raw["members"])}
    by_block: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for rid, block, kind, text in raw["findings"]:
        host = host_of_review[rid]
        entry = by_block[block].setdefault(
            host, {"host": host, "strengths": [], "development": [], "none": False}
        )
        if kind == FindingKind.strength.value:
            entry["strengths"].append(text)
        elif kind == FindingKind.development.value:
            entry["development"].append(text)
        else:
            entry["none"] = True
    findings = []
    for block_id in [*catalog.blocks, *sorted(set(by_block) - set(catalog.blocks))]:
        entries = sorted(
            by_block.get(block_id, {}).values(), key=lambda e: order.get(e["host"], len(order))
        )
        block = catalog.blocks.get(block_id)
        findings.append(
            {
                "block": block_id,
                "title": block.title if block else block_id,
                "strengths": sum(len(e["strengths"]) for e in entries),
                "development": sum(len(e["development"]) for e in entries),
                "no_findings": sum(1 for e in entries if e["none"]),
                "municipalities": entries,
            }
        )

    ratings = []
    answers: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for _rid, group, qid, rating in raw["ratings"]:
        answers[qid][group][rating] += 1
    for qid, (block, q) in catalog.ratings.items():
        scale = [s.value for s in q.scale] if q.scale else DEFAULT_SCALE
        labels = {s.value: s.label for s in q.scale} if q.scale else {}
        by_group = answers.get(qid, {})
        rows = []
        everyone: Counter[int] = Counter()
        for g in groups:
            if g.id not in q.groups and g.id not in by_group:
                continue
            counts = by_group.get(g.id, Counter())
            everyone.update(counts)
            rows.append({"group": g.id, "name": g.name(), **_rating_stats(counts, scale)})
        ratings.append(
            {
                "question": qid,
                "text": q.text,
                "block": block.id,
                "block_title": block.title,
                "scale": [{"value": v, "label": labels.get(v, str(v))} for v in scale],
                "groups": rows,
                "total": _rating_stats(everyone, scale),
            }
        )

    total_groups = group_rows(total_cells)
    return {
        "id": the_round.id,
        "year": the_round.year,
        "theme": the_round.theme,
        "template": the_round.template_name,
        "members": len(raw["members"]),
        "reviews": len(reviews),
        "totals": {
            **_sums(total_cells),
            "groups": total_groups,
            "findings": {
                "strengths": sum(f["strengths"] for f in findings),
                "development": sum(f["development"] for f in findings),
            },
            "follow_up": _follow_dict(total_follow),
        },
        "municipalities": municipalities,
        "findings": findings,
        "ratings": ratings,
    }


def _group_row(gid: str, name: str, c: list[int]) -> dict[str, Any]:
    return {
        "group": gid,
        "name": name,
        "interviews": c[0],
        "participants": c[1],
        "hours": round(c[2] / 60, 2),
    }


def _sums(cells: dict[str, list[int]]) -> dict[str, Any]:
    return {
        "interviews": sum(c[0] for c in cells.values()),
        "participants": sum(c[1] for c in cells.values()),
        "hours": round(sum(c[2] for c in cells.values()) / 60, 2),
    }


def _follow_dict(counts: Counter[str]) -> dict[str, int]:
    out = {k: counts.get(k, 0) for k in STATUS_KEYS}
    out["total"] = sum(out.values())
    return out


def _rating_stats(counts: Counter[int], scale: list[int]) -> dict[str, Any]:
    n = sum(counts.get(v, 0) for v in scale)
    mean = sum(v * counts.get(v, 0) for v in scale) / n if n else None
    return {
        "n": n,
        "mean": round(mean, 2) if mean is not None else None,
        "counts": [counts.get(v, 0) for v in scale],
    }


def _read(s: Session, round_id: int) -> dict[str, Any]:
    """The round's rows, read in a few whole-round queries."""
    rv, mu = _t(Review), _t(Municipality)
    live = (rv.c.round_id == round_id) & (rv.c.state != ReviewState.cancelled.value)
    members = [
        (int(i), str(n))
        for i, n in s.execute(
            sa_select(mu.c.id, mu.c.name)
            .join(_t(RoundMember), _t(RoundMember).c.municipality_id == mu.c.id)
            .where(_t(RoundMember).c.round_id == round_id)
            .order_by(mu.c.key)
        ).all()
    ]
    review_rows = s.execute(
        sa_select(
            rv.c.id, rv.c.host_id, rv.c.state, rv.c.template_sha256, rv.c.seminar_start, mu.c.name
        )
        .join(mu, mu.c.id == rv.c.host_id)
        .where(live)
        .order_by(mu.c.key, rv.c.id)
    ).all()
    rm = _t(ReviewingMunicipality)
    reviewing: dict[int, list[str]] = defaultdict(list)
    for rid, name in s.execute(
        sa_select(rm.c.review_id, mu.c.name)
        .join(mu, mu.c.id == rm.c.municipality_id)
        .join(rv, rv.c.id == rm.c.review_id)
        .where(live)
        .order_by(mu.c.key)
    ).all():
        reviewing[rid].append(name)
    # one parse per distinct pinned template
    shas = {row.template_sha256 for row in review_rows}
    templates: list[Template] = []
    for sha in sorted(shas):
        content = s.execute(
            sa_select(rv.c.template_content).where(live, rv.c.template_sha256 == sha).limit(1)
        ).scalar_one()
        templates.append(from_pinned(content))
    if not templates:
        from granskning.domain import templates as tpl
        from granskning.services.rounds import get_round

        try:
            templates.append(tpl.find(get_round(s, round_id).template_name).template)
        except Exception:  # noqa: BLE001  (a round whose template is gone still compiles)
            pass
    iv, ie = _t(Interview), _t(Interviewee)
    counts = (
        # people heard, not rows: a group (a youth council of six) counts its head count
        sa_select(ie.c.interview_id, func.sum(func.coalesce(ie.c.head_count, 1)).label("n"))
        .group_by(ie.c.interview_id)
        .subquery()
    )
    interviews = [
        (int(rid), str(group), int(minutes), int(n or 0))
        for rid, group, minutes, n in s.execute(
            sa_select(iv.c.review_id, iv.c.group_id, iv.c.minutes, counts.c.n)
            .join(rv, rv.c.id == iv.c.review_id)
            .outerjoin(counts, counts.c.interview_id == iv.c.id)
            .where(live, iv.c.state != InterviewState.cancelled.value)
        ).all()
    ]
    fi = _t(Finding)
    findings = [
        (int(rid), str(block), str(kind), str(text))
        for rid, block, kind, text in s.execute(
            sa_select(fi.c.review_id, fi.c.block_id, fi.c.kind, fi.c.text)
            .join(rv, rv.c.id == fi.c.review_id)
            .where(live)
            .order_by(fi.c.id)
        ).all()
    ]
    no = _t(Note)
    ratings = [
        (int(rid), str(group), str(qid), int(rating))
        for rid, group, qid, rating in s.execute(
            sa_select(iv.c.review_id, iv.c.group_id, no.c.question_id, no.c.rating)
            .join(iv, iv.c.id == no.c.interview_id)
            .join(rv, rv.c.id == iv.c.review_id)
            .where(
                live,
                iv.c.state != InterviewState.cancelled.value,
                no.c.rating.is_not(None),
                no.c.question_id.is_not(None),
                no.c.removed_at.is_(None),
            )
        ).all()
    ]
    fu = _t(FollowUpItem)
    items = [
        (int(rid), status)
        for rid, status in s.execute(
            sa_select(fu.c.review_id, fu.c.status)
            .join(rv, rv.c.id == fu.c.review_id)
            .where(live, fu.c.merged_into_id.is_(None))
        ).all()
    ]
    return {
        "members": members,
        "reviews": [
            {
                "id": int(r.id),
                "host_id": int(r.host_id),
                "host": str(r.name),
                "state": str(r.state),
                "seminar": format_local(r.seminar_start),
                "reviewing": reviewing.get(r.id, []),
            }
            for r in review_rows
        ],
        "templates": templates,
        "interviews": interviews,
        "findings": findings,
        "ratings": ratings,
        "items": items,
    }


# -- the Word document -------------------------------------------------------------------------


# The compilation's fixed texts (``t`` in its Word template), in the round's language.
COMPILATION_LABELS = {
    "document": N_("Compilation – peer review"),
    "compilation": N_("Compilation"),
    "peer_review": N_("peer review"),
    "Peer_review": N_("Peer review"),
    "reviews": N_("Reviews"),
    "interviews": N_("Interviews"),
    "participants": N_("Participants"),
    "hours": N_("Hours"),
    "done_in_follow_up": N_("Done in the follow-up"),
    "overview": N_("Overview per municipality"),
    "host": N_("Municipality under review"),
    "reviewed_by": N_("Reviewed by"),
    "status": N_("Status"),
    "strengths": N_("Strengths"),
    "development": N_("Development areas"),
    "total": N_("Total"),
    "per_group": N_("Interviews, participants and hours per group"),
    "whole_round": N_("The whole round"),
    "group": N_("Interviewee group"),
    "per_municipality": N_("Per municipality"),
    "findings": N_("Findings per block"),
    "findings_intro": N_(
        "The reviewers' strengths and development areas in each block of the question "
        "template, municipality by municipality."
    ),
    "no_findings": N_("No findings"),
    "no_findings_in_block": N_("No findings were recorded in the block."),
    "ratings": N_("Rating questions"),
    "no_ratings": N_("The question template has no rating questions."),
    "answers": N_("Answers"),
    "mean": N_("Mean"),
    "all_groups": N_("All groups"),
    "columns": N_("Columns 1–4 give the number of answers with each value of the scale."),
    "no_answers": N_("No ratings were recorded for the question."),
    "follow_up": N_("Follow-up per municipality"),
    "follow_up_intro": N_(
        "The checklist's items (recommendations, development areas and commitments) by the "
        "status they got at the follow-up seminar: red = not started, amber = in progress, "
        "green = done."
    ),
    "seminar": N_("Seminar"),
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "without_status": N_("Without status"),
    "share_done": N_("Share done"),
}


def _sentences(context: dict[str, Any], data: dict[str, Any]) -> None:
    """The compilation's sentences with figures in them, in the current language."""
    context["intro"] = _(
        "The compilation covers the round's {reviews} reviews of {members} member "
        "municipalities, with the question template {template}. It shows interviews, "
        "participants and hours per interviewee group, the reviewers' findings per block, the "
        "rating questions and how far the follow-up has come in each municipality."
    ).format(reviews=context["reviews"], members=context["members"], template=data["template"])
    context["counted"] = _(
        "Cancelled reviews and interviews are not counted. Hours are the interviews' booked "
        "time; participants are the people interviewed. Compiled {generated}."
    ).format(generated=context["generated"])
    for b in context["findings"]:
        b["counts"] = _(
            "Strengths: {strengths} · Development areas: {development} · Municipalities "
            "without findings in the block: {none}"
        ).format(strengths=b["strengths"], development=b["development"], none=b["no_findings"])
    for q in context["ratings"]:
        q["scale_line"] = _("Block: {block}. Scale: {scale}.").format(
            block=q["block_title"], scale=q["scale_text"]
        )
        q["caption"] = _("Figure {n}. The answers' spread per interviewee group: {text}").format(
            n=q["number"], text=q["text"]
        )


def compilation_template() -> Path:
    """The shipped Word template of the round compilation."""
    from granskning.resources import reports_dir

    return reports_dir() / "sammanstallning.docx"


def _num(value: float | int | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    from babel.numbers import format_decimal

    locale = "en_GB" if get_language() == "en" else "sv_SE"
    if isinstance(value, int):
        return str(format_decimal(value, format="#,##0", locale=locale))
    return str(format_decimal(value, format="#,##0." + "0" * decimals, locale=locale))


_FILLS = {
    "not_started": "F4CCCC",
    "in_progress": "FFE599",
    "done": "C9E4B8",
    "none": "E7E6E6",
}
_WHITE = "FFFFFF"
_ZEBRA = ("FFFFFF", "F3F6FA")


def _pad(values: list[str], width: int = 4) -> list[str]:
    return (values + [""] * width)[:width]


def _state_label(state: str | None) -> str:
    if state is None:
        return _("not planned")
    from granskning.domain.workflow import STATE_LABELS

    return _(STATE_LABELS[ReviewState(state)])


def docx_context(data: dict[str, Any], tpl: Any, store: Store) -> dict[str, Any]:
    """The compilation figures as the Word template reads them: numbers formatted, charts made."""
    from granskning.documents.docxwrite import inline_image

    def group_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "name": g["name"],
                "interviews": _num(g["interviews"]),
                "participants": _num(g["participants"]),
                "hours": _num(g["hours"]),
            }
            for g in rows
        ]

    municipalities = []
    for index, m in enumerate(data["municipalities"]):
        f = m["follow_up"]
        groups = [g for g in group_rows(m["groups"]) if g["interviews"] != "0"]
        done_share = f["done"] / f["total"] if f["total"] else None
        municipalities.append(
            {
                "host": m["host"],
                "review": m["review"] or "–",
                "state": _state_label(m["state"]),
                "reviewing": ", ".join(m["reviewing"]) or "–",
                "seminar": m["seminar"] or "–",
                "interviews": _num(m["interviews"]),
                "participants": _num(m["participants"]),
                "hours": _num(m["hours"]),
                "groups": groups,
                # the per-group table needs a row even where nothing was held
                "group_rows": groups
                or [{"name": "–", "interviews": "0", "participants": "0", "hours": _num(0.0)}],
                "zebra": _ZEBRA[index % 2],
                "strengths": _num(m["findings"]["strengths"]),
                "development": _num(m["findings"]["development"]),
                "follow_up": {k: _num(f[k]) for k in [*STATUS_KEYS, "total"]},
                "fill": {k: (_FILLS[k] if f[k] else _WHITE) for k in STATUS_KEYS},
                "done_share": _num(100 * done_share, 0) + " %" if done_share is not None else "–",
            }
        )
    findings = []
    for b in data["findings"]:
        findings.append(
            {
                "title": b["title"],
                "strengths": _num(b["strengths"]),
                "development": _num(b["development"]),
                "no_findings": _num(b["no_findings"]),
                "municipalities": [
                    {
                        "host": e["host"],
                        "strengths": e["strengths"],
                        "development": e["development"],
                        "none": e["none"],
                    }
                    for e in b["municipalities"]
                ],
            }
        )
    ratings = []
    for number, q in enumerate(data["ratings"], start=1):
        png, alt = rating_chart(q)
        ratings.append(
            {
                "number": number,
                "text": q["text"],
                "block_title": q["block_title"],
                "scale": q["scale"],
                "scale_text": "; ".join(f"{s['value']} = {s['label']}" for s in q["scale"]),
                # the template has four count columns: a shorter scale leaves some empty
                "heads": _pad([str(s["value"]) for s in q["scale"]]),
                "groups": [
                    {
                        "name": g["name"],
                        "n": _num(g["n"]),
                        "mean": _num(g["mean"]),
                        "counts": _pad([_num(c) for c in g["counts"]]),
                    }
                    for g in q["groups"]
                ],
                "total": {
                    "n": _num(q["total"]["n"]),
                    "mean": _num(q["total"]["mean"]),
                    "counts": _pad([_num(c) for c in q["total"]["counts"]]),
                },
                "answered": q["total"]["n"] > 0,
                "chart": inline_image(tpl, png, width_mm=160, alt=alt) if png else "",
                "alt": alt,
            }
        )
    t = data["totals"]
    return {
        "round": {
            "id": data["id"],
            "year": data["year"],
            "theme": data["theme"],
            "template": data["template"],
        },
        "members": _num(data["members"]),
        "reviews": _num(data["reviews"]),
        "totals": {
            "interviews": _num(t["interviews"]),
            "participants": _num(t["participants"]),
            "hours": _num(t["hours"]),
            "groups": group_rows(t["groups"]),
            "strengths": _num(t["findings"]["strengths"]),
            "development": _num(t["findings"]["development"]),
            "follow_up": {k: _num(t["follow_up"][k]) for k in [*STATUS_KEYS, "total"]},
            "fill": {k: (_FILLS[k] if t["follow_up"][k] else _WHITE) for k in STATUS_KEYS},
            "done_share": _num(100 * t["follow_up"]["done"] / t["follow_up"]["total"], 0) + " %"
            if t["follow_up"]["total"]
            else "–",
        },
        "municipalities": municipalities,
        "findings": findings,
        "ratings": ratings,
        "generated": format_local(store.now()),
    }


# a sequential palette (ColorBrewer Blues): ordered, and readable without colour vision
_PALETTE = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
_TEXT_ON = ["#000000", "#000000", "#ffffff", "#ffffff"]


def rating_chart(q: dict[str, Any]) -> tuple[bytes | None, str]:
    """A horizontal 100 % bar per group showing the answers' spread, and its alt text."""
    rows = [g for g in q["groups"] if g["n"]]
    description = _('Chart: how the groups answered "{question}".').format(question=q["text"])
    if not rows:
        return None, description + " " + _("No answers were recorded.")
    parts = [
        _("{group}: {n} answers, mean {mean}").format(
            group=g["name"], n=g["n"], mean=_num(g["mean"])
        )
        + " ("
        + ", ".join(f"{s['value']}: {c}" for s, c in zip(q["scale"], g["counts"], strict=True))
        + ")"
        for g in rows
    ]
    alt = description + " " + "; ".join(parts) + "."

    import io

    # the Agg canvas directly: no pyplot, no global backend switch, no display needed
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [
        f"{g['name']}\n" + _("n = {n}, mean {mean}").format(n=g["n"], mean=_num(g["mean"]))
        for g in rows
    ]
    fig = Figure(figsize=(6.3, 0.62 * len(rows) + 1.5), dpi=200)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    left = [0.0] * len(rows)
    y = list(range(len(rows)))[::-1]
    for i, step in enumerate(q["scale"]):
        shares = [100 * g["counts"][i] / g["n"] for g in rows]
        colour = _PALETTE[i % len(_PALETTE)]
        bars = ax.barh(
            y,
            shares,
            left=left,
            color=colour,
            edgecolor="white",
            height=0.62,
            label=f"{step['value']} {step['label']}",
        )
        for bar, share in zip(bars, shares, strict=True):
            if share >= 7:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{share:.0f} %",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=_TEXT_ON[i % len(_TEXT_ON)],
                )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_yticks(y, labels, fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"], fontsize=7)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2,
        fontsize=6.5,
        frameon=False,
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue(), alt


def build_report(
    store: Store, round_id: int, out: Path, template: Path | None = None
) -> dict[str, Any]:
    """Write the compilation as a Word document; returns the figures it shows.

    :param template: a restyled copy of ``reports/sammanstallning.docx``.
    """
    from granskning.documents.docxwrite import check_output_path, render
    from granskning.domain.i18n import speaking
    from granskning.services.followup import declare_language
    from granskning.services.rounds import get_round

    check_output_path(out)
    with store.read() as s:
        lang = get_round(s, round_id).language
    # the round's language, never the caller's --lang: the document is wholly in it
    data = report_data(store, round_id)
    with speaking(lang):
        t = {key: _(text) for key, text in COMPILATION_LABELS.items()}

    def context(tpl: Any) -> dict[str, Any]:
        with speaking(lang):
            values = docx_context(data, tpl, store)
            _sentences(values, data)
        return {**values, "t": t}

    render(
        template or compilation_template(),
        context,
        out,
        after=lambda tpl: declare_language(tpl.docx, lang, t["document"]),
    )
    return data
