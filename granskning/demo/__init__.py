"""``granskning demo``: one review walked from creation to closed on a fresh database.

Everything goes through the same library calls the commands use, with a simulated clock so
that a whole round (planning, a two-day visit, handover, a seminar months later) runs in
seconds. Each step prints what it does, so the demo doubles as a guided tour. It writes
the report (draft and handed over), the seminar checklist (before and after), the round
compilation and the calendar file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from granskning.domain import labels
from granskning.domain.errors import GranskningError
from granskning.domain.i18n import _, get_language, ngettext
from granskning.domain.timefmt import parse_local
from granskning.services import registry, reviews
from granskning.storage.model import Person
from granskning.storage.store import Store

MEMBERS = ("Gävle", "Uppsala", "Örebro", "Trelleborg", "Östersund", "Borlänge")

# Two people from each member municipality: one who leads and one who writes.
STAFF = {
    "Uppsala": [("Anna Berg", "Utvecklingsledare"), ("Johan Sund", "Kvalitetsstrateg")],
    "Örebro": [("Bo Ek", "Utredare"), ("Eva Lind", "Barnrättsstrateg")],
    "Trelleborg": [("Sara Holm", "Folkhälsostrateg"), ("Nils Ahl", "Verksamhetsutvecklare")],
    "Östersund": [("Maria Falk", "Barnrättssamordnare"), ("Erik Lund", "Utredare")],
    "Borlänge": [("Lena Strand", "Enhetschef"), ("Ali Karimi", "Samordnare")],
    "Gävle": [("Dan Holm", "Barnrättssamordnare"), ("Karin Sjö", "Kommundirektör")],
}

# What was said, per question; each group's answer is noted under its question.
SAID = {
    "styr-1": "Barnkonventionen finns med i budgetdirektiven sedan 2024, men få nämnder följer upp den.",
    "styr-2": "Den röda tråden brister mellan nämnd och verksamhet; målen når inte alltid skolan.",
    "styr-3": "Arbetet hänger på några eldsjälar; när de slutar riskerar det att stanna av.",
    "styr-4": "När pengarna inte räcker prioriteras lagkrav före förebyggande arbete för barn.",
    "styr-5": "Uppföljningen mäter aktiviteter, inte vad barnen märker av besluten.",
    "styr-6": "Det behövs fler trygga platser att vara på efter skolan, och vuxna som lyssnar.",
    "infl-1": "Nästan alla beslut berör barn, men det syns sällan i underlagen.",
    "infl-2": "Ungdomsrådet tillfrågas om fritid och trafik, mer sällan om skola och socialtjänst.",
    "infl-3": "Barnens åsikter väger tungt i fritidsfrågor, mindre i budgetfrågor.",
    "infl-4": "Det är svårt att nå barn som inte redan är engagerade, till exempel nyanlända.",
    "infl-5": "Barn får sällan veta vad deras synpunkter ledde till.",
    "framtid-1": "… att barnkonsekvensanalyser görs före varje beslut som rör barn.",
    "framtid-2": "… att jag tar upp barnets bästa i varje ärende som går till nämnden.",
}
RATINGS = {"fortroendevalda": 3, "ledande": 2, "medarbetare": 2, "barn-och-unga": 1}


@dataclass
class DemoClock:
    """A clock the demo moves forward by hand: the round takes seconds, not months."""

    now: datetime = field(default_factory=lambda: parse_local("2026-01-12 09:00"))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set_local(self, when: str) -> None:
        self.now = parse_local(when)


@dataclass
class DemoResult:
    """What the demo made: the database, the review walked through, the files written."""

    db_path: Path
    review_id: int
    round_id: int
    state: str
    files: list[Path] = field(default_factory=list)


Say = Callable[[str], None]


def run_demo(out: Path, say: Say = print) -> DemoResult:
    """Walk one review from creation to closed, writing its documents into ``out``.

    :param out: the folder for the database and documents; it is created if needed and the
        database in it is started afresh.
    """
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    clock = DemoClock()
    store = Store(f"sqlite:///{db_path}", clock=clock, actor="demo")
    try:
        return _walk(store, clock, out, db_path, say)
    finally:
        store.dispose()


def _walk(store: Store, clock: DemoClock, out: Path, db_path: Path, say: Say) -> DemoResult:
    from granskning.documents import calendar, compilation, reports
    from granskning.services import findings, followup, rounds

    files: list[Path] = []
    say(_("Database: {path}").format(path=db_path))

    # -- the round: members, plan ----------------------------------------------------------
    people: dict[str, list[Person]] = {}
    for name in MEMBERS:
        registry.add_municipality(store, name)
        people[name] = [
            registry.add_person(
                store,
                person,
                name,
                title=title,
                email=f"{person.split()[0].lower()}@{name.lower().replace('ä', 'a').replace('ö', 'o').replace('å', 'a')}.example",
            )
            for person, title in STAFF[name]
        ]
    the_round = rounds.create_round(
        store,
        year=2026,
        theme="Barnets bästa i budget och beslut",
        template="kollegial-granskning-2013",
        members=list(MEMBERS),
    )
    assert the_round.id is not None
    plan = rounds.plan(store, the_round.id, 2)
    say(
        ngettext(
            "Round {id} planned: {n} review, each host reviewed by two members",
            "Round {id} planned: {n} reviews, each host reviewed by two members",
            len(plan.rows),
        ).format(id=the_round.id, n=len(plan.rows))
    )
    row = next(r for r in plan.rows if r["host"] == "Gävle")
    rid = int(row["id"])
    say(
        _("Review {id}: Gävle, reviewed by {reviewing}").format(
            id=rid, reviewing=labels.joined(row["reviewing"])
        )
    )

    # -- the team ------------------------------------------------------------------------------
    first, second = row["reviewing"][0], row["reviewing"][1]
    lead, reviewer = people[first]
    secretary, timekeeper = people[second]
    contact = people["Gävle"][0]
    for person, role in (
        (lead, "lead"),
        (secretary, "secretary"),
        (reviewer, "reviewer"),
        (timekeeper, "timekeeper"),
        (contact, "host_contact"),
    ):
        reviews.assign(store, rid, person.id, role)  # type: ignore[arg-type]
    say(
        _("Team: {members}").format(
            members=", ".join(
                f"{person.name} ({labels.role(role)})"
                for person, role in (
                    (lead, "lead"),
                    (secretary, "secretary"),
                    (reviewer, "reviewer"),
                    (timekeeper, "timekeeper"),
                    (contact, "host_contact"),
                )
            )
        )
    )

    # -- the visit's schedule -----------------------------------------------------------------
    from granskning.services import interviews, sessions

    plan_rows = [
        (
            "fortroendevalda",
            "2026-03-10 09:00",
            90,
            "Rådhuset, sammanträdesrum 1",
            [
                "Cia Dahl, Kommunalråd",
                "Per Ek, Oppositionsråd",
                "Mona Ström, Ordförande barn- och utbildningsnämnden",
            ],
            lead,
            secretary,
        ),
        (
            "ledande",
            "2026-03-10 13:00",
            90,
            "Rådhuset, sammanträdesrum 1",
            ["Karin Sjö, Kommundirektör", "Ulla Ny, Förvaltningschef socialtjänsten"],
            reviewer,
            secretary,
        ),
        (
            "medarbetare",
            "2026-03-11 09:00",
            60,
            "Stadsbiblioteket, studierummet",
            ["Lisa Berg, Lärare", "Omar Ali, Kurator", "Jenny Åberg, Fritidsledare"],
            lead,
            timekeeper,
        ),
        (
            "barn-och-unga",
            "2026-03-11 13:00",
            60,
            "Ungdomens hus",
            ["Ungdomsrådet, 6 ledamöter 14–18 år"],
            reviewer,
            secretary,
        ),
    ]
    booked = []
    for group, start, minutes, place, who, moderator, note_taker in plan_rows:
        iv = interviews.add_interview(
            store,
            rid,
            group=group,
            start=start,
            minutes=minutes,
            place=place,
            interviewees=who,
            moderator=moderator.id,
            note_taker=note_taker.id,
        )
        booked.append(iv)
    say(
        ngettext(
            "{n} interview scheduled on 10-11 March 2026",
            "{n} interviews scheduled on 10-11 March 2026",
            len(booked),
        ).format(n=len(booked))
    )
    try:
        interviews.add_interview(
            store,
            rid,
            group="ledande",
            start="2026-03-10 10:00",
            minutes=60,
            moderator=lead.id,
            note_taker=reviewer.id,
        )
    except GranskningError as exc:
        say(_("A clashing booking is refused: {reason}").format(reason=str(exc).splitlines()[0]))
    reviews.advance(store, rid, "confirm_schedule")
    say(_("Schedule confirmed"))

    # -- the question sessions ---------------------------------------------------------------
    template = reviews.show(store, rid)["template"]["id"]
    for iv in booked:
        assert iv.id is not None
        clock.now = iv.start
        sessions.start(store, iv.id)  # the first one also starts the visit
        pinned = _pinned(store, rid)
        asked = pinned.questions_for(iv.group_id)
        per_question = iv.minutes / max(len(asked), 1)
        for index, (_block, question) in enumerate(asked):
            if index:
                sessions.goto(store, iv.id, question.id)
            clock.advance(minutes=per_question * 0.7)
            if question.kind == "rating":
                sessions.add_note(
                    store, iv.id, question.id, None, rating=RATINGS.get(iv.group_id, 2)
                )
            else:
                said = SAID.get(
                    question.id, "Gruppen beskrev ett arbete som pågår men inte är samordnat."
                )
                sessions.add_note(store, iv.id, question.id, said)
            if index == 2:  # a short break in the middle of the session
                sessions.pause(store, iv.id)
                clock.advance(minutes=5)
                sessions.resume(store, iv.id)
            clock.advance(minutes=per_question * 0.15)
        sessions.add_note(store, iv.id, None, "Samtalet var öppet och självkritiskt.")
        status = sessions.status(store, iv.id)
        sessions.end(store, iv.id)
        say(
            _("Session {id} ({group}): {notes}, {elapsed} min, overruns: {over}").format(
                id=iv.id,
                group=pinned.group(iv.group_id).name(get_language()),
                notes=labels.counted("notes", len(asked) + 1),
                elapsed=round(status["elapsed_s"] / 60),
                over=labels.listed(
                    pinned.block(o["block"]).title if o["block"] else _("the session")
                    for o in status["overruns"]
                ),
            )
        )
    reviews.advance(store, rid, "finish_visit")
    say(_("Visit finished; the review is now being drafted (template {t})").format(t=template))

    # -- writing the report -------------------------------------------------------------------
    clock.set_local("2026-04-20 10:00")
    findings.set_text(
        store,
        rid,
        "summary",
        "Gävle kommun har kommit långt i arbetet med barnets rättigheter. Barnkonventionen "
        "finns i kommunens vision och i budgetdirektiven, och ungdomsrådet har en stark roll.\n\n"
        "Granskarna vill särskilt lyfta:\n- ungdomsrådets inflytande över fritidsfrågor\n"
        "- den tydliga politiska viljan\n\nUtvecklingsområdena gäller främst uppföljning och "
        "återkoppling till barn.",
    )
    findings.set_text(
        store,
        rid,
        "reflections",
        "Ett öppet och förtroendefullt besök. Vi som granskare har lärt oss mycket om hur en "
        "kommun kan ge unga verkligt inflytande, och tar med oss idéer hem.",
    )
    findings.set_text(
        store,
        rid,
        "introduction",
        "Granskningen genomfördes inom Partnerskapet för barnets rättigheter i praktiken, "
        "med kollegial granskning enligt partnerskapets gemensamma frågemall.",
    )
    findings.add_finding(
        store,
        rid,
        "styrprocesser",
        "strength",
        "Barnkonventionen är förankrad i kommunens vision och budgetdirektiv.",
    )
    findings.add_finding(
        store,
        rid,
        "styrprocesser",
        "development",
        "Koppla målen för barns rättigheter till uppföljningen i varje nämnd.",
    )
    findings.add_finding(
        store, rid, "inflytande", "strength", "Ungdomsrådet har en stark och respekterad roll."
    )
    findings.add_finding(
        store,
        rid,
        "inflytande",
        "development",
        "Barn får sällan veta vad deras synpunkter ledde till.",
    )
    findings.mark_no_findings(store, rid, "framtid")
    findings.add_recommendation(
        store, rid, "Inför barnkonsekvensanalyser i budgetprocessen.", block="styrprocesser"
    )
    findings.add_recommendation(
        store,
        rid,
        "Utveckla en rutin för återkoppling till barn och unga efter varje samråd.",
        block="inflytande",
    )
    say(_("Findings, recommendations and texts written"))
    draft = out / "granskningsrapport-utkast.docx"
    draft.write_bytes(reports.build(store, rid).content)
    files.append(draft)
    say(_("Draft report: {path}").format(path=draft))

    # -- handover -----------------------------------------------------------------------------
    clock.set_local("2026-05-05 14:00")
    reviews.advance(store, rid, "hand_over")
    final = reports.build(store, rid)
    report_path = out / "granskningsrapport.docx"
    report_path.write_bytes(final.content)
    files.append(report_path)
    say(
        _("Report handed over and frozen: {path} (version {version}, sha256 {sha})").format(
            path=report_path, version=final.version, sha=final.sha256[:12]
        )
    )
    if reports.libreoffice():
        try:
            files.append(reports.to_pdf(report_path))
        except GranskningError as exc:
            say(str(exc))
    try:
        findings.add_finding(store, rid, "inflytande", "strength", "En sen iakttagelse")
    except GranskningError as exc:
        say(_("Editing is refused now: {reason}").format(reason=exc))

    # -- the follow-up seminar ----------------------------------------------------------------
    suggested = followup.suggestion(store, rid)
    followup.schedule(store, rid, None, "Rådhuset, Gävle")
    say(
        _("Follow-up seminar scheduled at the suggested time: {when}").format(
            when=suggested.get("start") or suggested
        )
    )
    followup.add_item(store, rid, "Ett barnrättsnätverk för alla förvaltningar startas.", "framtid")
    before = out / "uppfoljningsseminarium-checklista.docx"
    followup.build_checklist(store, rid, before)
    files.append(before)
    info = followup.seminar_info(store, rid)
    if info.get("start"):
        clock.set_local(str(info["start"]))
    statuses = ["done", "in_progress", "not_started"]
    items = followup.items(store, rid)
    for index, item in enumerate(items):
        followup.record_status(
            store,
            rid,
            item["id"],
            statuses[index % 3],
            comment="Redovisat vid seminariet.",
            responsible="Kommundirektören",
        )
    reviews.advance(store, rid, "hold_seminar")
    after = out / "uppfoljningsseminarium.docx"
    followup.build_checklist(store, rid, after)
    files.append(after)
    say(
        ngettext(
            "Seminar held: {n} checklist item with a status",
            "Seminar held: {n} checklist items with a status",
            len(items),
        ).format(n=len(items))
    )
    reviews.advance(store, rid, "close")

    # -- the calendar and the round compilation -------------------------------------------------
    ics = out / "gavle.ics"
    events = calendar.write(store, rid, ics)
    files.append(ics)
    say(
        ngettext("Calendar: {path} ({n} event)", "Calendar: {path} ({n} events)", events).format(
            path=ics, n=events
        )
    )
    compiled = out / "sammanstallning.docx"
    compilation.build_report(store, the_round.id, compiled)
    files.append(compiled)
    say(_("Round compilation: {path}").format(path=compiled))

    # -- backup, the offline copy, the data subject's access request ---------------------------
    from granskning.services import exchange, privacy
    from granskning.storage import backup

    saved = out / "granskning-backup.db"
    saved.unlink(missing_ok=True)
    backup.backup(store, saved)
    files.append(saved)
    say(_("Backup: {path}").format(path=saved))
    exported = out / "granskning-gavle.json"
    exchange.export_review(store, rid, exported)
    files.append(exported)
    laptop_path = out / "laptop.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{laptop_path}{suffix}").unlink(missing_ok=True)
    laptop = Store(f"sqlite:///{laptop_path}", clock=clock, actor="demo")
    try:
        exchange.import_review(laptop, exported)
        second_import = exchange.import_review(laptop, exported)
    finally:
        laptop.dispose()
    files.append(laptop_path)
    say(
        _(
            "Review exported to {path} and imported into {laptop}; a second import changes nothing: {same}"
        ).format(
            path=exported,
            laptop=laptop_path,
            same=_("yes") if not second_import.get("changed", True) else _("no"),
        )
    )
    from granskning.storage.audit import verify_review

    checked = verify_review(store, rid)
    say(
        _("review verify {id}: {events} in an unbroken hash chain, {reports} checked: {ok}").format(
            id=rid,
            events=ngettext(
                "{n} audit event", "{n} audit events", checked["audit"]["events"]
            ).format(n=checked["audit"]["events"]),
            reports=ngettext(
                "{n} frozen report version", "{n} frozen report versions", len(checked["reports"])
            ).format(n=len(checked["reports"])),
            ok=_("yes") if checked["ok"] else _("no"),
        )
    )
    import json

    access = out / "person-export.json"
    assert contact.id is not None
    data = privacy.person_export(store, contact.id)
    access.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    files.append(access)
    say(_("Everything stored about {name}: {path}").format(name=contact.name, path=access))

    state = reviews.show(store, rid)["state"]
    say(_("The review is now: {state}").format(state=labels.state(state)))
    return DemoResult(
        db_path=db_path, review_id=rid, round_id=the_round.id, state=state, files=files
    )


def _pinned(store: Store, review_id: int):  # type: ignore[no-untyped-def]
    with store.read() as s:
        return reviews.pinned_template(reviews.get_review(s, review_id))
