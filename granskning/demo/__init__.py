"""``granskning demo``: one review walked from creation to closed on a fresh database.

Everything goes through the same library calls the commands use, with a simulated clock so
that a whole round (planning, a two-day visit, handover, a seminar months later) runs in
seconds. Each step prints what it does, so the demo doubles as a guided tour. It writes
the report (draft and handed over), the seminar checklist (before and after), the round
compilation and the calendar file.

The walk is the table :data:`STEPS`: small functions over one :class:`_Walk`, run in order.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from granskning.documents import calendar, compilation, reports
from granskning.domain import labels
from granskning.domain.errors import GranskningError
from granskning.domain.i18n import _, get_language, ngettext
from granskning.domain.seminar import add_months
from granskning.domain.templates import Question, Template
from granskning.domain.timefmt import parse_local, to_local
from granskning.services import (
    accounts,
    exchange,
    findings,
    followup,
    history,
    interviews,
    privacy,
    registry,
    reviews,
    rounds,
    seminar_record,
    sessions,
    settings,
)
from granskning.storage import backup
from granskning.storage.audit import verify_review
from granskning.storage.model import Interview, Person
from granskning.storage.queries import get_review, pinned_template
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
# What a group said in its own words where the groups differ (question, group): text; the
# other groups said what SAID has. Elected representatives and senior managers answered
# infl-5 in the same words, which the report shows once with both groups named.
SAID_BY_GROUP = {
    (
        "styr-1",
        "medarbetare",
    ): "I vardagen märks barnkonventionen mest i skolans likabehandlingsplan.",
    ("styr-2", "fortroendevalda"): "Nämnderna får målen, men vi vet för lite om hur de når skolan.",
    ("styr-2", "medarbetare"): "Vi hör om målen på APT en gång om året; sedan styr schemat.",
    ("styr-3", "ledande"): (
        "Vi har tre barnrättsombud, men inget av dem har tid avsatt i sin tjänst. Slutar "
        "någon av dem står arbetet still."
    ),
    ("styr-4", "fortroendevalda"): (
        "Vi säger att barnen går först, men i budgetarbetet vinner det som syns på kort sikt."
    ),
    ("styr-5", "medarbetare"): "Vi rapporterar antal aktiviteter, aldrig vad barnen själva tyckte.",
    ("infl-2", "barn-och-unga"): (
        "Vi får tycka till om skateparken, men när skolan skulle läggas ner frågade ingen oss."
    ),
    ("infl-2", "medarbetare"): "Elevråden finns, men de får sällan frågor som spelar roll.",
    ("infl-3", "barn-och-unga"): "Vi vet inte om det vi säger gör någon skillnad.",
    ("infl-4", "medarbetare"): "Vi når dem som redan kommer till fritidsgården, inte de andra.",
    ("infl-5", "medarbetare"): "Vi har ingen rutin för att återkoppla till barnen.",
    ("infl-5", "barn-och-unga"): (
        "Vi sa vad vi tyckte om busstiderna för ett år sedan och har inte hört något sedan dess."
    ),
}
# The notes the team chose as quotes for the report's body: (question, group).
QUOTED = (
    ("styr-3", "ledande"),
    ("styr-4", "fortroendevalda"),
    ("infl-2", "barn-och-unga"),
    ("infl-5", "fortroendevalda"),  # said in the same words by the senior managers too
    ("infl-5", "barn-och-unga"),
)
# The team's analysis of each block, which leads the block's chapter.
ANALYSES = {
    "styrprocesser": (
        "Barnkonventionen har en tydlig plats i Gävles styrdokument: den finns i visionen och "
        "har sedan 2024 en egen rad i budgetdirektiven. Den politiska viljan är stark, och "
        "de förtroendevalda beskriver barnets rättigheter som en fråga för hela kommunen.\n\n"
        "Granskarna ser däremot att den röda tråden tunnas ut på vägen från nämnd till "
        "verksamhet. Medarbetarna känner till målen men möter dem sällan i sitt arbete, och "
        "uppföljningen räknar aktiviteter snarare än vad barnen märker. Arbetet bärs i dag av "
        "några engagerade personer utan avsatt tid, vilket gör det sårbart."
    ),
    "inflytande": (
        "Ungdomsrådet är en förebild: det tillfrågas regelbundet och har fått igenom "
        "förändringar i fritidsutbudet. Barn och unga vi mötte beskrev ett råd som tas på "
        "allvar i de frågor det får.\n\n"
        "Inflytandet är dock begränsat till fritid och trafik. I frågor om skola och "
        "socialtjänst hörs barnen sällan, och de barn som inte redan är engagerade nås inte. "
        "Alla grupper pekade på samma brist: barnen får inte veta vad deras synpunkter ledde "
        "till, och utan återkoppling riskerar engagemanget att ta slut."
    ),
    "framtid": (
        "Deltagarnas egna åtaganden visar en vilja att ta upp barnets bästa i det dagliga "
        "arbetet. Åtagandena följs upp vid uppföljningsseminariet."
    ),
}
# The demo partnership's logo (tools/make_demo_logo.py makes it) and its alt text.
LOGO_ALT = "Partnerskapet för barnets rättigheter i praktiken, logotyp"
RATINGS = {"fortroendevalda": 3, "ledande": 2, "medarbetare": 2, "barn-och-unga": 1}

# The review team, in the order it is assigned and shown.
TEAM_ROLES = ("lead", "secretary", "reviewer", "timekeeper", "host_contact")

# The visit's interviews: group, start, minutes, place, interviewees, and the team roles of
# the moderator and the note-taker.
VISIT = (
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
        "lead",
        "secretary",
    ),
    (
        "ledande",
        "2026-03-10 13:00",
        90,
        "Rådhuset, sammanträdesrum 1",
        ["Karin Sjö, Kommundirektör", "Ulla Ny, Förvaltningschef socialtjänsten"],
        "reviewer",
        "secretary",
    ),
    (
        "medarbetare",
        "2026-03-11 09:00",
        60,
        "Stadsbiblioteket, studierummet",
        ["Lisa Berg, Lärare", "Omar Ali, Kurator", "Jenny Åberg, Fritidsledare"],
        "lead",
        "timekeeper",
    ),
    (
        "barn-och-unga",
        "2026-03-11 13:00",
        60,
        "Ungdomens hus",
        # a youth council of six heard together: six voices, not one
        [interviews.parse_group_interviewee("Ungdomsrådet, 6")],
        "reviewer",
        "secretary",
    ),
)
UNSAID = "Gruppen beskrev ett arbete som pågår men inte är samordnat."

# The report's texts, per section.
TEXTS = (
    (
        "summary",
        "Gävle kommun har kommit långt i arbetet med barnets rättigheter. Barnkonventionen "
        "finns i kommunens vision och i budgetdirektiven, och ungdomsrådet har en stark roll.\n\n"
        "Granskarna vill särskilt lyfta:\n- ungdomsrådets inflytande över fritidsfrågor\n"
        "- den tydliga politiska viljan\n\nUtvecklingsområdena gäller främst uppföljning och "
        "återkoppling till barn.",
    ),
    (
        "reflections",
        "Ett öppet och förtroendefullt besök. Vi som granskare har lärt oss mycket om hur en "
        "kommun kan ge unga verkligt inflytande, och tar med oss idéer hem.",
    ),
    (
        "introduction",
        "Granskningen genomfördes inom Partnerskapet för barnets rättigheter i praktiken, "
        "med kollegial granskning enligt partnerskapets gemensamma frågemall.",
    ),
)
# The findings: block, kind, text.
FINDINGS = (
    (
        "styrprocesser",
        "strength",
        "Barnkonventionen är förankrad i kommunens vision och budgetdirektiv.",
    ),
    (
        "styrprocesser",
        "development",
        "Koppla målen för barns rättigheter till uppföljningen i varje nämnd.",
    ),
    ("inflytande", "strength", "Ungdomsrådet har en stark och respekterad roll."),
    ("inflytande", "development", "Barn får sällan veta vad deras synpunkter ledde till."),
)
NO_FINDINGS = ("framtid",)
# The recommendations: block, text.
RECOMMENDATIONS = (
    ("styrprocesser", "Inför barnkonsekvensanalyser i budgetprocessen."),
    ("inflytande", "Utveckla en rutin för återkoppling till barn och unga efter varje samråd."),
)
# The demo accounts' password (printed by the demo: these accounts are for trying it out).
DEMO_PASSWORD = "granska-2026"
# The statuses the seminar records, in turn over the checklist's items.
STATUSES = ("done", "in_progress", "not_started")
RESPONSIBLE = ("Kommundirektören", "Barn- och utbildningschefen", "Socialchefen")
SEMINAR_PARTICIPANTS = (
    "Maria Lind, Gävle",
    "Per Holm, Gävle",
    "Anna Berg, Uppsala",
    "Karin Nyström, Örebro",
)
NEXT_STEPS = (
    "- Barnbokslutet redovisas för kommunstyrelsen i bokslutet.\n"
    "- Förvaltningarna rapporterar återkopplingen till barn och unga varje kvartal.\n"
    "- Partnerskapets nätverk bjuds in till nästa uppföljning."
)


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
    _unlink_database(db_path)
    clock = DemoClock()
    store = Store(f"sqlite:///{db_path}", clock=clock, actor="demo")
    try:
        walk = _Walk(store, clock, out, db_path, say)
        for step in STEPS:
            step(walk)
        return DemoResult(
            db_path=db_path,
            review_id=walk.rid,
            round_id=walk.round_id,
            state=walk.state,
            files=walk.files,
        )
    finally:
        store.dispose()


def _unlink_database(path: Path) -> None:
    """Remove a SQLite database and its journal files, to start afresh."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass
class _Walk:
    """What the steps share: where they write, and what the earlier steps made."""

    store: Store
    clock: DemoClock
    out: Path
    db_path: Path
    say: Say
    files: list[Path] = field(default_factory=list)
    people: dict[str, list[Person]] = field(default_factory=dict)
    round_id: int = 0
    rid: int = 0
    reviewing: list[str] = field(default_factory=list)
    team: dict[str, Person] = field(default_factory=dict)
    booked: list[Interview] = field(default_factory=list)
    template: str = ""
    state: str = ""

    def write(self, name: str) -> Path:
        """The path of a file the demo writes, listed among its files."""
        path = self.out / name
        self.files.append(path)
        return path


# -- the round: members, plan ------------------------------------------------------------------


def _open_database(w: _Walk) -> None:
    """Say which database the demo writes."""
    w.say(_("Database: {path}").format(path=w.db_path))


def _email(person: str, municipality: str) -> str:
    """A made-up address: first name at the municipality, without Swedish letters."""
    domain = municipality.lower().replace("ä", "a").replace("ö", "o").replace("å", "a")
    return f"{person.split()[0].lower()}@{domain}.example"


def _register_members(w: _Walk) -> None:
    """The member municipalities and two people from each."""
    for name in MEMBERS:
        registry.add_municipality(w.store, name)
        w.people[name] = [
            registry.add_person(w.store, person, name, title=title, email=_email(person, name))
            for person, title in STAFF[name]
        ]


def _plan_round(w: _Walk) -> None:
    """A round of all members, planned with two reviewing members per host; Gävle's review
    is the one walked through."""
    the_round = rounds.create_round(
        w.store,
        year=2026,
        theme="Barnets bästa i budget och beslut",
        template="kollegial-granskning-2013",
        members=list(MEMBERS),
    )
    assert the_round.id is not None
    w.round_id = the_round.id
    plan = rounds.plan(w.store, the_round.id, 2)
    w.say(
        ngettext(
            "Round {id} planned: {n} review, each host reviewed by two members",
            "Round {id} planned: {n} reviews, each host reviewed by two members",
            len(plan.rows),
        ).format(id=the_round.id, n=len(plan.rows))
    )
    row = next(r for r in plan.rows if r["host"] == "Gävle")
    w.rid = int(row["id"])
    w.reviewing = list(row["reviewing"])
    w.say(
        _("Review {id}: Gävle, reviewed by {reviewing}").format(
            id=w.rid, reviewing=labels.joined(row["reviewing"])
        )
    )


# -- the team and the visit's schedule -----------------------------------------------------------


def _assign_team(w: _Walk) -> None:
    """The review team: lead and reviewer from the first reviewing member, secretary and
    timekeeper from the second, and a contact person at the host."""
    lead, reviewer = w.people[w.reviewing[0]]
    secretary, timekeeper = w.people[w.reviewing[1]]
    contact = w.people["Gävle"][0]
    w.team = dict(zip(TEAM_ROLES, (lead, secretary, reviewer, timekeeper, contact), strict=True))
    for role, person in w.team.items():
        reviews.assign(w.store, w.rid, person.id, role)  # type: ignore[arg-type]
    w.say(
        _("Team: {members}").format(
            members=", ".join(
                f"{person.name} ({labels.role(role)})" for role, person in w.team.items()
            )
        )
    )


def _schedule_visit(w: _Walk) -> None:
    """The visit's interviews, one per group over two days."""
    for group, start, minutes, place, who, moderator, note_taker in VISIT:
        iv = interviews.add_interview(
            w.store,
            w.rid,
            group=group,
            start=start,
            minutes=minutes,
            place=place,
            interviewees=who,
            moderator=w.team[moderator].id,
            note_taker=w.team[note_taker].id,
        )
        w.booked.append(iv)
    w.say(
        ngettext(
            "{n} interview scheduled on 10-11 March 2026",
            "{n} interviews scheduled on 10-11 March 2026",
            len(w.booked),
        ).format(n=len(w.booked))
    )


def _refuse_clash(w: _Walk) -> None:
    """A booking that clashes with the lead's first interview is refused."""
    try:
        interviews.add_interview(
            w.store,
            w.rid,
            group="ledande",
            start="2026-03-10 10:00",
            minutes=60,
            moderator=w.team["lead"].id,
            note_taker=w.team["reviewer"].id,
        )
    except GranskningError as exc:
        w.say(_("A clashing booking is refused: {reason}").format(reason=str(exc).splitlines()[0]))


def _confirm_schedule(w: _Walk) -> None:
    """The schedule is confirmed."""
    reviews.advance(w.store, w.rid, "confirm_schedule")
    w.say(_("Schedule confirmed"))


# -- the question sessions -------------------------------------------------------------------


def _hold_sessions(w: _Walk) -> None:
    """Each interview's session, question by question, at the interview's time."""
    w.template = reviews.show(w.store, w.rid)["template"]["id"]
    for iv in w.booked:
        _hold_session(w, iv)


def _hold_session(w: _Walk, iv: Interview) -> None:
    """One session: a note for each question, a short break, a closing note."""
    assert iv.id is not None
    w.clock.now = iv.start
    sessions.start(w.store, iv.id)  # the first one also starts the visit
    pinned = _pinned(w.store, w.rid)
    asked = pinned.questions_for(iv.group_id)
    per_question = iv.minutes / max(len(asked), 1)
    for index, (_block, question) in enumerate(asked):
        if index:
            sessions.goto(w.store, iv.id, question.id)
        w.clock.advance(minutes=per_question * 0.7)
        _note_answer(w, iv, question)
        if index == 2:  # a short break in the middle of the session
            sessions.pause(w.store, iv.id)
            w.clock.advance(minutes=5)
            sessions.resume(w.store, iv.id)
        w.clock.advance(minutes=per_question * 0.15)
    sessions.add_note(w.store, iv.id, None, "Samtalet var öppet och självkritiskt.")
    status = sessions.status(w.store, iv.id)
    sessions.end(w.store, iv.id)
    w.say(
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


def _note_answer(w: _Walk, iv: Interview, question: Question) -> None:
    """What the group answered: a rating, or what was said."""
    assert iv.id is not None
    if question.kind == "rating":
        sessions.add_note(w.store, iv.id, question.id, None, rating=RATINGS.get(iv.group_id, 2))
    else:
        said = SAID_BY_GROUP.get((question.id, iv.group_id), SAID.get(question.id, UNSAID))
        sessions.add_note(w.store, iv.id, question.id, said)


def _finish_visit(w: _Walk) -> None:
    """The visit is finished; drafting begins."""
    reviews.advance(w.store, w.rid, "finish_visit")
    w.say(_("Visit finished; the review is now being drafted (template {t})").format(t=w.template))


# -- writing the report and handing it over --------------------------------------------------------


def _write_report(w: _Walk) -> None:
    """The report's texts, findings and recommendations."""
    w.clock.set_local("2026-04-20 10:00")
    for section, text in TEXTS:
        findings.set_text(w.store, w.rid, section, text)
    for block, kind, text in FINDINGS:
        findings.add_finding(w.store, w.rid, block, kind, text)
    for block in NO_FINDINGS:
        findings.mark_no_findings(w.store, w.rid, block)
    for block, text in RECOMMENDATIONS:
        findings.add_recommendation(w.store, w.rid, text, block=block)
    for block, text in ANALYSES.items():
        findings.set_text(w.store, w.rid, findings.BLOCK_SECTION, text, block)
    _quote_notes(w)
    w.say(_("Findings, recommendations, texts and the analysis of each block written"))


def _quote_notes(w: _Walk) -> None:
    """The notes the team chose as quotes for the report's body."""
    by_group = {iv.group_id: iv.id for iv in w.booked}
    for question, group in QUOTED:
        notes = sessions.list_notes(w.store, by_group[group], question)  # type: ignore[arg-type]
        sessions.quote_note(w.store, notes[0]["id"])
    w.say(
        ngettext(
            "{n} note quoted in the report", "{n} notes quoted in the report", len(QUOTED)
        ).format(n=len(QUOTED))
    )


def _set_logo(w: _Walk) -> None:
    """The partnership's logo, shown with its alt text on the covers."""
    data = (resources.files("granskning.demo") / "logo.png").read_bytes()
    settings.set_logo(w.store, data, LOGO_ALT)
    w.say(_("Logo set, with its alt text: {alt}").format(alt=LOGO_ALT))


def _draft_report(w: _Walk) -> None:
    """The draft report, before the handover."""
    draft = w.write("granskningsrapport-utkast.docx")
    draft.write_bytes(reports.build(w.store, w.rid).content)
    w.say(_("Draft report: {path}").format(path=draft))


def _hand_over(w: _Walk) -> None:
    """The handover freezes the report (and makes a PDF when LibreOffice is there); the team
    hands it over without the appendix of all notes, which the draft had."""
    w.clock.set_local("2026-05-05 14:00")
    findings.set_report_options(w.store, w.rid, notes_appendix=False)
    w.say(_("The handed-over report leaves out the appendix of all notes"))
    reviews.advance(w.store, w.rid, "hand_over")
    final = reports.build(w.store, w.rid)
    report_path = w.write("granskningsrapport.docx")
    report_path.write_bytes(final.content)
    w.say(
        _("Report handed over and frozen: {path} (version {version}, sha256 {sha})").format(
            path=report_path, version=final.version, sha=final.sha256[:12]
        )
    )
    if reports.libreoffice():
        try:
            w.files.append(reports.to_pdf(report_path))
        except GranskningError as exc:
            w.say(str(exc))


def _refuse_late_edit(w: _Walk) -> None:
    """A finding added after the handover is refused."""
    try:
        findings.add_finding(w.store, w.rid, "inflytande", "strength", "En sen iakttagelse")
    except GranskningError as exc:
        w.say(_("Editing is refused now: {reason}").format(reason=exc))


# -- the follow-up seminar -------------------------------------------------------------------


def _schedule_seminar(w: _Walk) -> None:
    """The follow-up seminar at the suggested time, and its checklist before it."""
    suggested = followup.suggestion(w.store, w.rid)
    followup.schedule(w.store, w.rid, None, "Rådhuset, Gävle")
    w.say(
        _("Follow-up seminar scheduled at the suggested time: {when}").format(
            when=suggested.get("start") or suggested
        )
    )
    followup.add_item(
        w.store, w.rid, "Ett barnrättsnätverk för alla förvaltningar startas.", "framtid"
    )
    seminar_record.set_participants(w.store, w.rid, list(SEMINAR_PARTICIPANTS))
    # the host's own view of two items, a month after the handover (the "before" column)
    w.clock.set_local("2026-06-02 09:00")
    for item in followup.items(w.store, w.rid)[:2]:
        followup.record_status(w.store, w.rid, item["id"], "not_started")
    followup.build_checklist(w.store, w.rid, w.write("uppfoljningsseminarium-checklista.docx"))


def _hold_seminar(w: _Walk) -> None:
    """The seminar records a status, a responsible and a deadline for every item; its
    checklist and its record after it."""
    info = followup.seminar_info(w.store, w.rid)
    if info.get("start"):
        w.clock.set_local(str(info["start"]))
    day = to_local(w.clock.now).date()
    items = [i for i in followup.items(w.store, w.rid) if i["merged_into"] is None]
    for index, item in enumerate(items):
        status = STATUSES[index % 3]
        followup.record_status(
            w.store,
            w.rid,
            item["id"],
            status,
            comment="Redovisat vid seminariet.",
            responsible=RESPONSIBLE[index % len(RESPONSIBLE)],
            deadline="" if status == "done" else add_months(day, 3 + index % 4).isoformat(),
        )
    seminar_record.set_next_steps(w.store, w.rid, NEXT_STEPS)
    seminar_record.set_next_follow_up(w.store, w.rid, add_months(day, 6).isoformat())
    reviews.advance(w.store, w.rid, "hold_seminar")
    followup.build_checklist(w.store, w.rid, w.write("uppfoljningsseminarium.docx"))
    record_path = w.write("minnesanteckningar.docx")
    seminar_record.build_minutes(w.store, w.rid, record_path)
    w.say(_("Seminar record: {path}").format(path=record_path))
    w.say(
        ngettext(
            "Seminar held: {n} checklist item with a status",
            "Seminar held: {n} checklist items with a status",
            len(items),
        ).format(n=len(items))
    )


def _close(w: _Walk) -> None:
    """The review is closed."""
    reviews.advance(w.store, w.rid, "close")


# -- the calendar and the round compilation ---------------------------------------------------------


def _write_calendar(w: _Walk) -> None:
    """The review's calendar file."""
    ics = w.write("gavle.ics")
    events = calendar.write(w.store, w.rid, ics)
    w.say(
        ngettext("Calendar: {path} ({n} event)", "Calendar: {path} ({n} events)", events).format(
            path=ics, n=events
        )
    )


def _compile_round(w: _Walk) -> None:
    """The round's compilation."""
    compiled = w.write("sammanstallning.docx")
    compilation.build_report(w.store, w.round_id, compiled)
    w.say(_("Round compilation: {path}").format(path=compiled))


def _write_history(w: _Walk) -> None:
    """Gävle's history across rounds (one round here)."""
    path = w.write("kommunhistorik-gavle.docx")
    history.build_docx(w.store, "Gävle", path)
    w.say(_("The municipality's history: {path}").format(path=path))


# -- backup, the offline copy, the data subject's access request -----------------------------------


def _back_up(w: _Walk) -> None:
    """A backup of the database."""
    saved = w.out / "granskning-backup.db"
    saved.unlink(missing_ok=True)
    backup.backup(w.store, saved)
    w.files.append(saved)
    w.say(_("Backup: {path}").format(path=saved))


def _carry_offline(w: _Walk) -> None:
    """The review exported and imported twice into another database (a laptop's)."""
    store, rid, out = w.store, w.rid, w.out
    exported = w.write("granskning-gavle.json")
    exchange.export_review(store, rid, exported)
    laptop_path = out / "laptop.db"
    _unlink_database(laptop_path)
    laptop = Store(f"sqlite:///{laptop_path}", clock=w.clock, actor="demo")
    try:
        exchange.import_review(laptop, exported)
        second_import = exchange.import_review(laptop, exported)
    finally:
        laptop.dispose()
    w.files.append(laptop_path)
    w.say(
        _(
            "Review exported to {path} and imported into {laptop}; a second import changes nothing: {same}"
        ).format(
            path=exported,
            laptop=laptop_path,
            same=_("yes") if not second_import.get("changed", True) else _("no"),
        )
    )


def _verify(w: _Walk) -> None:
    """``review verify``: the audit chain and the frozen report."""
    checked = verify_review(w.store, w.rid)
    events = checked["audit"]["events"]
    versions = len(checked["reports"])
    w.say(
        _("review verify {id}: {events} in an unbroken hash chain, {reports} checked: {ok}").format(
            id=w.rid,
            events=ngettext("{n} audit event", "{n} audit events", events).format(n=events),
            reports=ngettext(
                "{n} frozen report version", "{n} frozen report versions", versions
            ).format(n=versions),
            ok=_("yes") if checked["ok"] else _("no"),
        )
    )


def _export_person(w: _Walk) -> None:
    """Everything stored about the host's contact person (a data subject's access request)."""
    contact = w.team["host_contact"]
    assert contact.id is not None
    data = privacy.person_export(w.store, contact.id)
    access = w.write("person-export.json")
    access.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    w.say(_("Everything stored about {name}: {path}").format(name=contact.name, path=access))


def _create_accounts(w: _Walk) -> None:
    """Web accounts, one per role of the team and a coordinator, so that ``granskning serve``
    on the demo's database opens a populated site at once."""
    coordinator = w.people["Borlänge"][1]  # the partnership's coordinator
    holders = [("coordinator", coordinator), *w.team.items()]
    for role, person in holders:
        assert person.id is not None and person.email is not None
        accounts.add_user(
            w.store, person.email, person.id, DEMO_PASSWORD, coordinator=role == "coordinator"
        )
    w.say(
        _("Web accounts (password {password} for all): granskning --db {db} serve").format(
            password=DEMO_PASSWORD, db=w.db_path
        )
    )
    for role, person in holders:
        what = _("coordinator") if role == "coordinator" else labels.role(role)
        w.say(f"  {person.email:<32} {person.name} ({what})")


def _final_state(w: _Walk) -> None:
    """Say where the review ended."""
    w.state = reviews.show(w.store, w.rid)["state"]
    w.say(_("The review is now: {state}").format(state=labels.state(w.state)))


def _pinned(store: Store, review_id: int) -> Template:
    with store.read() as s:
        return pinned_template(get_review(s, review_id))


# The walk, in order.
STEPS: tuple[Callable[[_Walk], None], ...] = (
    _open_database,
    _set_logo,
    _register_members,
    _plan_round,
    _assign_team,
    _schedule_visit,
    _refuse_clash,
    _confirm_schedule,
    _hold_sessions,
    _finish_visit,
    _write_report,
    _draft_report,
    _hand_over,
    _refuse_late_edit,
    _schedule_seminar,
    _hold_seminar,
    _close,
    _write_calendar,
    _compile_round,
    _write_history,
    _back_up,
    _carry_offline,
    _verify,
    _export_person,
    _create_accounts,
    _final_state,
)
