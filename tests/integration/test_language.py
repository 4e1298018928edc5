"""Every human line in the reader's language: labels instead of ids, plurals, the demo's words.

Ids (``handed_over``, ``confirm_schedule``, ``host_contact``) stay in ``--json`` and in the
commands a message suggests; everything else a person reads shows labels.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from granskning.domain import labels

# A command a message tells the reader to type keeps its ids: "review advance 2 reopen".
_COMMAND_HINT = re.compile(r"(granskning [^\n]*|review advance \d+ \w+)")


def raw_ids(text: str, extra: frozenset[str] = frozenset()) -> set[str]:
    """The state, action, role (and ``extra``) ids a human text shows as such."""
    words = set(re.findall(r"[\w-]+", _COMMAND_HINT.sub("", text)))
    return words & (labels.RAW_IDS | extra)


def _template_ids() -> frozenset[str]:
    from granskning.domain import templates

    t = templates.find("kollegial-granskning-2013").template
    return frozenset([g.id for g in t.groups] + [b.id for b in t.blocks])


def _swedish_words() -> set[str]:
    """The Swedish of every label, as the English output must never show it."""
    from granskning.domain.i18n import _, set_language

    set_language("sv")
    try:
        found = set()
        for table in (
            labels.STATE_LABELS,
            labels.ACTION_LABELS,
            labels.ACTION_DONE_LABELS,
            labels.INTERVIEW_STATE_LABELS,
            labels.ROLE_LABELS,
            labels.STATUS_LABELS,
        ):
            found |= {_(msgid) for msgid in table.values()}
        found.add(_("{items} and {last}").format(items="", last="").strip())  # "och"
        return found
    finally:
        set_language("en")


def _demo(tmp_path: Path, lang: str) -> str:
    from granskning.cli import cli

    result = CliRunner().invoke(cli, ["--lang", lang, "demo", "--out", str(tmp_path / lang)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
def test_demo_in_swedish_shows_no_raw_ids_and_in_english_no_swedish(tmp_path: Path) -> None:
    swedish = _demo(tmp_path, "sv")
    assert raw_ids(swedish, _template_ids()) == set(), swedish
    assert "Granskningsgrupp: Anna Berg (granskningsledare)" in swedish
    assert "Frågestund 1 (Förtroendevalda)" in swedish

    english = _demo(tmp_path, "en")
    shown = english
    for title in ("Styrprocesser", "Inflytande och delaktighet", "Framtid"):
        shown = shown.replace(title, "")  # the pinned template's own (Swedish) content
    leaked = {w for w in _swedish_words() if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", shown)}
    assert leaked == set(), english
    assert "reviewed by Uppsala and Örebro" in english
    assert "Session 1 (Elected representatives)" in english


@pytest.mark.slow
def test_review_commands_show_labels_in_swedish(cli: Any, sample: Any) -> None:
    from granskning.services import interviews

    sv = ("--lang", "sv")
    r = sample.review
    lines = [
        cli.ok(*sv, "review", "assign", r, "--person", person, "--role", role).output
        for person, role in (
            (sample.lead, "lead"),
            (sample.secretary, "secretary"),
            (sample.host_contact, "host_contact"),
        )
    ]
    refused = cli(*sv, "review", "assign", r, "--person", sample.host_person, "--role", "lead")
    assert refused.exit_code == 1
    assert "kan inte ha rollen granskningsledare" in refused.output
    interviews.add_interview(
        cli.store,
        r,
        group="fortroendevalda",
        start="2026-03-10 09:00",
        minutes=60,
        moderator=sample.lead,
        note_taker=sample.secretary,
    )
    created = cli.ok(*sv, "review", "create", "--host", "Uppsala", "--reviewing", "Gävle",
                     "--template", "kollegial-granskning-2013")  # fmt: skip
    show = cli.ok(*sv, "review", "show", r)
    actions = cli.ok(*sv, "review", "actions", r)
    advanced = cli.ok(*sv, "review", "advance", r, "confirm_schedule")
    listed = cli.ok(*sv, "review", "list")
    started = cli.ok(*sv, "session", "start", 1)
    text = "\n".join(
        [*lines] + [x.output for x in (refused, created, show, actions, advanced, listed, started)]
    )
    assert "person 1 har rollen granskningsledare i granskning 1" in text
    assert "skapad (planerad)" in created.output
    assert "Tillåtet nu: bekräfta schemat, ställ in granskningen" in show.output
    assert "kommunrepresentant" in show.output
    assert "schemat bekräftat; nu schemalagd" in advanced.output
    assert "frågestunden startad; nu pågår" in started.output
    # the table names each action and keeps the id review advance takes
    assert "bekräfta schemat" in actions.output and "confirm_schedule" in actions.output
    without_id_column = "\n".join(line.split("│", 2)[-1] for line in actions.output.splitlines())
    assert raw_ids(without_id_column) == set(), actions.output
    assert raw_ids(text.replace(actions.output, "")) == set(), text
    # --json keeps the ids
    data = cli.json("review", "show", r)
    assert data["state"] == "visiting" and data["team"][0]["role"] in labels.RAW_IDS


@pytest.mark.slow
def test_round_show_labels_the_states(cli: Any) -> None:
    for name in ("Gävle", "Uppsala", "Örebro"):
        cli.ok("municipality", "add", name)
    cli.ok("round", "create", "--year", "2026", "--theme", "T", "--template",
           "kollegial-granskning-2013", "--member", "Gävle", "--member", "Uppsala",
           "--member", "Örebro")  # fmt: skip
    cli.ok("round", "plan", "1", "--reviewers-per-host", "1")
    shown = cli.ok("--lang", "sv", "round", "show", "1").output
    assert "planerad" in shown and raw_ids(shown) == set(), shown


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "1 event written to"), ("sv", "1 händelse skriven till")],
)
def test_one_is_singular(cli: Any, sample: Any, tmp_path: Path, lang: str, expected: str) -> None:
    from granskning.services import interviews, reviews

    reviews.assign(cli.store, sample.review, sample.lead, "lead")
    reviews.assign(cli.store, sample.review, sample.secretary, "secretary")
    interviews.add_interview(
        cli.store,
        sample.review,
        group="fortroendevalda",
        start="2026-03-10 09:00",
        minutes=60,
        moderator=sample.lead,
        note_taker=sample.secretary,
    )
    out = tmp_path / "one.ics"
    result = cli.ok("--lang", lang, "calendar", sample.review, "-o", out)
    assert expected in result.output


def test_counts_read_as_words() -> None:
    from granskning.domain.i18n import set_language

    set_language("sv")
    assert labels.counts({"notes": 1, "audit": 2, "notes_updated": 3}) == (
        "1 anteckning, 2 händelser i loggen, 3 anteckningar har uppdaterats"
    )
    assert labels.joined(["Uppsala", "Örebro", "Gävle"]) == "Uppsala, Örebro och Gävle"
    set_language("en")
    assert labels.counts({"people": 1, "mystery_rows": 2}) == "1 person, mystery rows 2"
    assert labels.joined(["Uppsala"]) == "Uppsala"
    assert labels.state("no_such_state") == "no_such_state"  # a newer database: shown as is


def test_version_help_is_translated() -> None:
    from granskning.cli import cli

    result = CliRunner().invoke(cli, ["--lang", "sv", "--help"])
    assert "Visa versionen och avsluta." in result.output
    assert "Show the version and exit." not in result.output


# -- GRANSKNING_NOW ------------------------------------------------------------------------


def _run(db_url: str, *args: str, now: str | None) -> Any:
    from granskning.cli import cli
    from granskning.cli._base import App

    app = App()
    env = {"GRANSKNING_NOW": now} if now is not None else {}
    try:
        return CliRunner().invoke(cli, ["--db", db_url, *args], obj=app, env=env)
    finally:
        if app._store is not None:
            app._store.dispose()


@pytest.mark.slow
def test_granskning_now_fixes_the_clock_of_every_command(db_url: str) -> None:
    now = "2026-03-02 09:00"
    for name in ("Gävle", "Uppsala"):
        assert _run(db_url, "municipality", "add", name, now=now).exit_code == 0
    created = _run(
        db_url, "review", "create", "--host", "Gävle", "--reviewing", "Uppsala",
        "--template", "kollegial-granskning-2013", "--json", now=now,
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    later = _run(
        db_url, "review", "advance", "1", "cancel", "--reason", "r", now="2026-03-03 10:15"
    )
    assert later.exit_code == 0, later.output
    history = json.loads(_run(db_url, "review", "history", "1", "--json", now=None).stdout)
    times = [e["at"] for e in history]
    assert times[0].startswith("2026-03-02 09:00") and times[-1].startswith("2026-03-03 10:15")


@pytest.mark.parametrize("value", ["tomorrow", "2026-02-30 10:00", "2026-03-29 02:30"])
def test_a_bad_granskning_now_is_one_line_exit_2_and_changes_nothing(
    db_url: str, value: str
) -> None:
    result = _run(db_url, "municipality", "add", "Gävle", now=value)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "GRANSKNING_NOW" in result.stderr
    assert "Traceback" not in result.output
    listed = _run(db_url, "municipality", "list", "--json", now=None)
    assert json.loads(listed.stdout) == []


def test_clock_from_env() -> None:
    from datetime import UTC, datetime

    from granskning.domain.clock import clock_from_env

    assert clock_from_env({}) is None and clock_from_env({"GRANSKNING_NOW": " "}) is None
    clock = clock_from_env({"GRANSKNING_NOW": "2026-07-01 12:00"})
    assert clock is not None and clock() == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
