"""``report text --section block``, ``note quote``, ``report options`` and ``settings set
logo``: good input does what it says (with --json), bad input is one line with the
contract's exit code and changes nothing."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from helpers_followup import write_report
from report_content_world import Drafted, drafted

from granskning.services import findings, reviews, sessions, settings

LOGO = (resources.files("granskning.demo") / "logo.png").read_bytes()


@pytest.fixture
def world(store: Any, sample: Any) -> Drafted:
    return drafted(store, sample)


def _one_line_error(result: Any, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    # click's usage errors come after the usage line and a hint; the message is one line
    usage = ("Usage:", "Användning:", "Try ", "Kör ")
    lines = [x for x in result.stderr.strip().splitlines() if x and not x.startswith(usage)]
    assert len(lines) == 1, lines
    assert "Traceback" not in result.stderr
    return lines[0]


def test_the_analysis_of_a_block_is_written_read_and_shown_as_json(
    cli: Any, store: Any, world: Drafted
) -> None:
    rid = world.review
    cli.ok("report", "text", rid, "--section", "block", "--block", "styrprocesser", "--text", "A")
    got = cli.ok("report", "text", rid, "--section", "block", "--block", "styrprocesser")
    assert got.stdout.strip() == "A"
    shown = cli.json("report", "text", rid, "--section", "block", "--block", "styrprocesser")
    assert shown == {
        "id": rid,
        "review": rid,
        "section": "block",
        "block": "styrprocesser",
        "text": "A",
    }
    written = cli.json(
        "report", "text", rid, "--section", "block", "--block", "inflytande", "--text", "B"
    )
    assert written["text"] == "B" and written["block"] == "inflytande"
    summary = cli.json("report", "text", rid, "--section", "summary")
    assert summary["block"] is None and summary["section"] == "summary"


@pytest.mark.parametrize(
    "args",
    [
        ("--section", "block", "--text", "x"),  # no --block
        ("--section", "summary", "--block", "styrprocesser", "--text", "x"),
        ("--section", "block", "--block", "nope", "--text", "x"),
        ("--section", "block", "--block", "styrprocesser", "--text", "x", "--file", "f.txt"),
    ],
)
def test_bad_block_text_input_is_one_line_exit_2_and_changes_nothing(
    cli: Any, store: Any, world: Drafted, args: tuple[str, ...]
) -> None:
    _one_line_error(cli("report", "text", world.review, *args), 2)
    assert findings.block_texts(store, world.review) == {}


def test_a_note_is_quoted_idempotently_and_unquoted(cli: Any, store: Any, world: Drafted) -> None:
    nid = world.notes["youth"]
    shown = cli.json("note", "quote", nid)
    assert shown["id"] == nid and shown["quoted"] is True
    assert cli.json("note", "quote", nid)["quoted"] is True
    done = cli.ok("note", "quote", nid, "--off")
    assert str(nid) in done.stderr
    assert cli.json("note", "list", shown["interview"])[1]["quoted"] is False


def test_quoting_a_removed_unknown_or_frozen_note_is_refused(
    cli: Any, store: Any, world: Drafted
) -> None:
    nid = world.notes["youth"]
    _one_line_error(cli("note", "quote", 99999), 2)
    _one_line_error(cli("note", "quote", "x"), 2)
    sessions.remove_note(store, world.notes["staff"], "Fel intervju")
    _one_line_error(cli("note", "quote", world.notes["staff"]), 1)
    write_report(store, world.review, none_blocks=["styrprocesser", "inflytande", "framtid"])
    reviews.advance(store, world.review, "hand_over")
    _one_line_error(cli("note", "quote", nid), 1)
    assert not any(n["quoted"] for n in sessions.review_notes(store, world.review))


def test_report_options_are_shown_set_and_refused(cli: Any, store: Any, world: Drafted) -> None:
    rid = world.review
    assert "yes" in cli.ok("--lang", "en", "report", "options", rid).stdout
    assert cli.json("report", "options", rid)["notes_appendix"] is True
    shown = cli.json("report", "options", rid, "--notes-appendix", "no")
    assert shown == {
        "id": rid,
        "review": rid,
        "notes_appendix": False,
        "notes_appendix_chosen": True,
    }
    _one_line_error(cli("report", "options", rid, "--notes-appendix", "maybe"), 2)
    _one_line_error(cli("report", "options", 999, "--notes-appendix", "yes"), 2)
    assert findings.report_options(store, rid)["notes_appendix"] is False


def test_the_logo_and_its_alt_text_are_settings(cli: Any, store: Any, tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(LOGO)
    shown = cli.json("settings", "set", "logo", path)
    assert shown["logo"] == {"bytes": len(LOGO), "width": 160, "height": 160}
    assert shown["logo_alt"] == shown["partnership_name"]  # the default alt text
    cli.ok("settings", "set", "logo-alt", "Partnerskapets logotyp")
    assert cli.json("settings", "show")["logo_alt"] == "Partnerskapets logotyp"
    assert "160×160" in cli.ok("settings", "show").stdout
    cli.ok("settings", "set", "logo", "")
    assert cli.json("settings", "show")["logo"] is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"not a picture"),
        ("broken.png", LOGO[:60]),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024)),
        ("missing.png", None),
    ],
)
def test_a_bad_logo_file_is_one_line_exit_2_and_changes_nothing(
    cli: Any, store: Any, tmp_path: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    _one_line_error(cli("settings", "set", "logo", path), 2)
    assert settings.show(store)["logo"] is None
    _one_line_error(cli("settings", "set", "logo-alt", " "), 2)
