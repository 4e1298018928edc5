"""The review export format: its records, and reading a file into them.

One JSON document per review (see :mod:`granskning.interchange`). Records are identified
by their ``uid``; municipalities travel by name, people by uid. :func:`load` checks what
the format itself says (JSON, format and version, storable text, the records' fields);
:mod:`granskning.interchange.validate` checks the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.domain.timefmt import as_utc, check_range
from granskning.storage.files import read_input
from granskning.storage.model import (
    FindingKind,
    FollowUpSource,
    FollowUpStatus,
    InterviewState,
    ReportSection,
    ReviewState,
    Role,
    SessionEventKind,
)

FORMAT = "granskning-review"
FORMAT_VERSION = 1
# at most this many problems of an invalid file are listed
MAX_PROBLEMS = 100


def _utc(value: datetime) -> datetime:
    try:
        check_range(value, _("the time"))
        return value.astimezone(UTC)
    except (InputError, OverflowError) as exc:
        raise ValueError(str(exc)) from None


def _day(value: date) -> date:
    try:
        check_range(value, _("the date"))
    except InputError as exc:
        raise ValueError(str(exc)) from None
    return value


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=30)]
Id50 = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Id100 = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Theme = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Opt = Annotated[str, StringConstraints(max_length=200)]
Place = Annotated[str, StringConstraints(max_length=300)]
Email = Annotated[str, StringConstraints(max_length=320)]
Lang = Annotated[str, StringConstraints(min_length=1, max_length=10)]
Uid = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,32}$")]
Sha = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Int = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
# any offset in the file; compared and stored in UTC
Time = Annotated[AwareDatetime, AfterValidator(_utc)]
Day = Annotated[date, AfterValidator(_day)]


class _Rec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateRec(_Rec):
    id: Id100
    version: Id50
    sha256: Sha
    content: str


class RoundRec(_Rec):
    year: Int
    theme: Theme
    template_name: Id100
    members: list[Name]


class ReviewRec(_Rec):
    uid: Uid
    host: Name
    reviewing: list[Name] = Field(min_length=1)
    round: RoundRec | None = None
    state: ReviewState
    version: Count
    template: TemplateRec
    handed_over_on: Day | None = None
    seminar_start: Time | None = None
    seminar_place: Place | None = None
    language: Literal["sv", "en"] = "sv"  # of its documents; files without it are Swedish
    notes_appendix: bool | None = None  # whether its report has the notes appendix
    created_at: Time
    updated_at: Time


class PersonRec(_Rec):
    uid: Uid
    name: Name
    municipality: Name
    title: Opt | None = None
    email: Email | None = None
    forgotten_at: Time | None = None
    created_at: Time


class AssignmentRec(_Rec):
    person: Uid
    role: Role
    created_at: Time


class IntervieweeRec(_Rec):
    person: Uid | None = None
    name: Name
    title: Opt | None = None
    organisation: Opt | None = None
    head_count: Count | None = None
    position: Int = 0


class EventRec(_Rec):
    kind: SessionEventKind
    at: Time
    question: Id100 | None = None


class InterviewRec(_Rec):
    uid: Uid
    group: Id100
    start: Time
    minutes: Count
    place: Place | None = None
    state: InterviewState
    moderator: Uid | None = None
    note_taker: Uid | None = None
    timekeeper: Uid | None = None
    cancel_reason: str | None = None
    sequence: Int = 0
    version: Int = 1
    created_at: Time
    updated_at: Time
    interviewees: list[IntervieweeRec] = Field(default_factory=list)
    events: list[EventRec] = Field(default_factory=list)


class NoteRec(_Rec):
    uid: Uid
    interview: Uid
    question: Id100 | None = None
    text: str
    rating: Int | None = None
    author: Opt | None = None
    created_at: Time
    edited_at: Time | None = None
    removed_at: Time | None = None
    quoted: bool = False  # chosen as a quote for the report; files without it: not


class FindingRec(_Rec):
    uid: Uid
    block: Id100
    kind: FindingKind
    text: str
    created_at: Time


class RecommendationRec(_Rec):
    uid: Uid
    block: Id100 | None = None
    number: Count | None = None  # R1, R2, ...; files made before numbering have none
    text: str
    created_at: Time


def _text_section(value: str) -> str:
    """A report text's section: summary, reflections, introduction, or "block:<block id>"."""
    block = value.removeprefix("block:")
    if value in ReportSection.__members__ or (block != value and 0 < len(block) <= 100):
        return value
    raise ValueError(
        _("a report text's section is summary, reflections, introduction or block:<block id>")
    )


Section = Annotated[str, AfterValidator(_text_section)]


class ReportTextRec(_Rec):
    section: Section
    text: str
    updated_at: Time


class ReportVersionRec(_Rec):
    number: Count
    sha256: Sha
    content: str | None = None  # base64; None once purged
    language: Lang = "sv"
    created_at: Time
    purged_at: Time | None = None


class FollowUpRec(_Rec):
    uid: Uid
    source: FollowUpSource
    source_uid: Uid | None = None
    block: Id100 | None = None
    text: str
    status: FollowUpStatus | None = None
    comment: str | None = None
    responsible: Opt | None = None
    deadline: Day | None = None
    merged_into: Uid | None = None
    created_at: Time
    updated_at: Time


class AuditRec(_Rec):
    # a link of the review's audit chain (see granskning.storage.audit)
    uid: Uid
    seq: Count
    prev_hash: Sha | None = None
    hash: Sha
    interview: Uid | None = None
    entity: Short
    action: Id50
    from_state: Short | None = None
    to_state: Short | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    detail_sha256: Sha
    actor: Opt
    text: str | None = None
    redacted_at: Time | None = None
    redacted_by: Uid | None = None
    at: Time


class ExportFile(_Rec):
    format: Literal["granskning-review"]
    format_version: Literal[1]
    exported_at: Time
    exported_by: str
    review: ReviewRec
    people: list[PersonRec] = Field(default_factory=list)
    assignments: list[AssignmentRec] = Field(default_factory=list)
    interviews: list[InterviewRec] = Field(default_factory=list)
    notes: list[NoteRec] = Field(default_factory=list)
    findings: list[FindingRec] = Field(default_factory=list)
    recommendations: list[RecommendationRec] = Field(default_factory=list)
    report_texts: list[ReportTextRec] = Field(default_factory=list)
    report_versions: list[ReportVersionRec] = Field(default_factory=list)
    follow_up_items: list[FollowUpRec] = Field(default_factory=list)
    audit: list[AuditRec] = Field(default_factory=list)


# -- where the records are stored ------------------------------------------------------------

# Each kind of record's fields, in the file's order, and the column of its table each is
# stored in: "field" (a column of that name), "field=column", or "field=" (made from other
# rows: a uid of another record, the interviewees of an interview, base64 content).
COLUMNS: dict[str, str] = {
    "people": "uid name municipality= title email forgotten_at created_at",
    "assignments": "person= role created_at",
    "interviews": "uid group=group_id start minutes place state moderator= note_taker= "
    "timekeeper= cancel_reason sequence version created_at updated_at interviewees= events=",
    "interviewees": "person= name title organisation head_count position",
    "events": "kind at question=question_id",
    "notes": "uid interview= question=question_id text rating author created_at edited_at "
    "removed_at quoted",
    "findings": "uid block=block_id kind text created_at",
    "recommendations": "uid block=block_id number text created_at",
    "report_texts": "section text updated_at",
    "report_versions": "number sha256 content= language created_at purged_at",
    "follow_up_items": "uid source source_uid block=block_id text status comment responsible "
    "deadline merged_into= created_at updated_at",
}

# the fields that hold a time (ISO 8601 in UTC in the file, see utc_text)
TIMES = frozenset(
    "at start created_at updated_at edited_at removed_at purged_at forgotten_at".split()
)
# the fields that hold a day (YYYY-MM-DD in the file)
DAYS = frozenset({"deadline"})


@cache
def fields(kind: str) -> tuple[tuple[str, str | None], ...]:
    """The fields of a kind of record and their columns (None: made from other rows)."""
    out: list[tuple[str, str | None]] = []
    for word in COLUMNS[kind].split():
        field, eq, column = word.partition("=")
        out.append((field, (column or None) if eq else field))
    return tuple(out)


def columns(rec: dict[str, Any], kind: str) -> dict[str, Any]:
    """The columns a record of ``kind`` is stored in, from its own fields, times parsed
    (the columns made from other rows aside)."""
    return {
        column: parse_time(rec[field])
        if field in TIMES
        else parse_day(rec[field])
        if field in DAYS
        else rec[field]
        for field, column in fields(kind)
        if column is not None
    }


# -- values in the file ---------------------------------------------------------------------


def utc_text(value: datetime | None) -> str | None:
    """A stored time as the file writes it: ISO 8601 in UTC (naive times are UTC)."""
    if value is None:
        return None
    return as_utc(value).isoformat()


def parse_time(value: str | None) -> Any:
    """A time of the file (as :func:`utc_text` writes it) for storing; None stays None."""
    return None if value is None else datetime.fromisoformat(value)


def parse_day(value: Any) -> Any:
    """A day of the file (YYYY-MM-DD) for storing; None stays None."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def short(value: Any) -> str:
    """A value for a message: on one line, at most 50 characters."""
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."


def plain(doc: ExportFile) -> dict[str, Any]:
    """A parsed document as plain JSON values, the form the merge compares."""
    return doc.model_dump(mode="json")


# -- reading a file -------------------------------------------------------------------------


def _bad_strings(value: Any, path: str = "") -> Iterable[str]:
    """JSON paths of strings a database cannot store (NUL, lone surrogates)."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "/"
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                yield path or "/"
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _bad_strings(k, f"{path}/{k}")
            yield from _bad_strings(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _bad_strings(v, f"{path}/{i}")


def read_bytes(path: Path) -> bytes:
    """The content of an export file; an InputError if it cannot be read."""
    return read_input(path)


def _json(raw: bytes | str, where: str) -> dict[str, Any]:
    """The document's JSON, if it says it is an export in the version this code reads."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(
            _("{path}: not a granskning review export ({error})").format(path=where, error=exc)
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(_("{path}: not a granskning review export").format(path=where))
    if data.get("format_version") != FORMAT_VERSION:
        raise InputError(
            _(
                "{path}: export format version {found}; this granskning reads version {known}"
            ).format(path=where, found=data.get("format_version"), known=FORMAT_VERSION)
        )
    return data


def load(raw: bytes | str, where: str = "<file>") -> ExportFile:
    """An export document (bytes or text) parsed into its records; an InputError names
    what the format does not allow (``where`` names the file in messages)."""
    data = _json(raw, where)
    bad = list(_bad_strings(data))
    if bad:
        raise InputError(
            _("{path}: text that cannot be stored (NUL or invalid characters) at {places}").format(
                path=where, places=", ".join(bad[:5])
            )
        )
    try:
        return ExportFile.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise invalid(where, problems) from None


def invalid(where: str, problems: list[str]) -> InputError:
    """The refusal of an invalid file, listing its problems (at most MAX_PROBLEMS of them)."""
    listed = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        listed.append(_("... and {n} more").format(n=len(problems) - MAX_PROBLEMS))
    return InputError(
        _("{path}: not a valid review export:").format(path=where)
        + "\n"
        + "\n".join(f"  {p}" for p in listed)
    )
