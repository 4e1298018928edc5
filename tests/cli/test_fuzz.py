"""Fuzzing every command that takes free text or a file: whatever comes in, no traceback
(the test CLI re-raises any unexpected exception), an exit code of 0, 1 or 2, plain
"error:" lines, and a failed command leaves every table exactly as it was."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from _forge import rechain
from _world import populate
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from granskning.domain.text import clean_text
from granskning.services import exchange as transfer
from granskning.storage.store import Store, metadata
from tests.conftest import Cli

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DATA = Path(__file__).resolve().parents[1] / "data"

# command-line text: anything a shell can pass (no NUL, no lone surrogates)
arg_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=300,
)
# and some that hit the edges: long, case-expanding, whitespace, markup, escapes
edge_text = st.one_of(
    arg_text,
    st.sampled_from(
        [
            "",
            " ",
            "\t\n",
            "ß" * 150,
            "İ" * 150,
            "x" * 201,
            "x" * 200,
            "a@b",
            "Robert'); DROP TABLE review;--",
            "{name}",
            "%s %d",
            "\u202e\u200b",
            "-x",
            "--json",
        ]
    ),
)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in metadata().sorted_tables
        }


def run(cli: Cli, store: Store, *args: Any) -> Any:
    """Run a command; if it fails, nothing may have changed."""
    before = snapshot(store)
    result = cli(*args)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code != 0:
        assert result.stderr.strip(), args
        assert snapshot(store) == before, args
    return result


@pytest.fixture
def world(store: Store, cli: Cli) -> dict[str, int]:
    cli.ok("municipality", "add", "Gävle")
    cli.ok("municipality", "add", "Uppsala")
    person = cli.json("person", "add", "Anna Berg", "--municipality", "Uppsala")["id"]
    review = cli.json(
        "review", "create", "--host", "Gävle", "--reviewing", "Uppsala",
        "--template", "kollegial-granskning-2013",
    )["id"]  # fmt: skip
    return {"person": person, "review": review}


@pytest.mark.slow
@FUZZ
@given(name=edge_text)
def test_municipality_add(store: Store, cli: Cli, name: str) -> None:
    result = run(cli, store, "municipality", "add", name)
    if result.exit_code == 0:
        names = [m["name"] for m in cli.json("municipality", "list")]
        assert clean_text(name, "x", 10**6) in names


@pytest.mark.slow
@FUZZ
@given(name=edge_text, title=st.none() | edge_text, email=st.none() | edge_text)
def test_person_add(
    store: Store, cli: Cli, world: dict[str, int], name: str, title: str | None, email: str | None
) -> None:
    args = ["person", "add", name, "--municipality", "Uppsala"]
    if title is not None:
        args += ["--title", title]
    if email is not None:
        args += ["--email", email]
    run(cli, store, *args)


@pytest.mark.slow
@FUZZ
@given(municipality=edge_text)
def test_person_add_with_any_municipality(store: Store, cli: Cli, municipality: str) -> None:
    run(cli, store, "person", "add", "Anna Berg", "--municipality", municipality)


@pytest.mark.slow
@settings(FUZZ, max_examples=20)
@given(host=edge_text, reviewing=st.lists(edge_text, max_size=3))
def test_review_create_with_any_names(
    store: Store, cli: Cli, world: dict[str, int], host: str, reviewing: list[str]
) -> None:
    args = ["review", "create", "--host", host, "--template", "kollegial-granskning-2013"]
    for name in reviewing:
        args += ["--reviewing", name]
    run(cli, store, *args)


@pytest.mark.slow
@FUZZ
@given(reason=edge_text, action=st.sampled_from(["cancel", "reopen", "confirm_schedule"]))
def test_review_advance_reason(
    store: Store, cli: Cli, world: dict[str, int], reason: str, action: str
) -> None:
    run(cli, store, "review", "advance", world["review"], action, "--reason", reason)


@pytest.mark.slow
@FUZZ
@given(theme=edge_text, members=st.lists(edge_text, max_size=3), year=st.integers(-5, 99999))
def test_round_create(
    store: Store, cli: Cli, world: dict[str, int], theme: str, members: list[str], year: int
) -> None:
    args = ["round", "create", "--year", year, "--theme", theme,
            "--template", "kollegial-granskning-2013"]  # fmt: skip
    for m in members:
        args += ["--member", m]
    run(cli, store, *args)


@pytest.fixture
def seminar_review(store: Store, cli: Cli) -> int:
    from _world import populated

    world = populated(store)
    return world.review


@pytest.mark.slow
@FUZZ
@given(
    text=edge_text,
    comment=st.none() | edge_text,
    responsible=st.none() | edge_text,
    place=st.none() | edge_text,
)
def test_seminar_texts(
    store: Store,
    cli: Cli,
    seminar_review: int,
    text: str,
    comment: str | None,
    responsible: str | None,
    place: str | None,
) -> None:
    run(cli, store, "seminar", "add-item", seminar_review, "--text", text)
    items = cli.json("seminar", "items", seminar_review)
    args = ["seminar", "record", seminar_review, "--item", items[0]["id"], "--status", "done"]
    if comment is not None:
        args += ["--comment", comment]
    if responsible is not None:
        args += ["--responsible", responsible]
    run(cli, store, *args)
    if place is not None:
        run(cli, store, "seminar", "schedule", seminar_review, "--start", "2026-10-01 10:00",
            "--place", place)  # fmt: skip


# -- files ------------------------------------------------------------------------------------


def _validate(path: Path) -> Any:
    """``template validate`` needs no database: run it once, not per backend."""
    from click.testing import CliRunner

    from granskning.cli import cli

    return CliRunner().invoke(cli, ["--lang", "en", "template", "validate", str(path)])


@FUZZ
@given(content=st.binary(max_size=2000) | arg_text.map(lambda t: t.encode("utf-8")))
def test_template_validate_any_file(tmp_path_factory: Any, content: bytes) -> None:
    path = tmp_path_factory.mktemp("t") / "mall.yaml"
    path.write_bytes(content)
    result = _validate(path)
    assert result.exit_code in (0, 2)
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_template_validate_mutated_shipped_template(tmp_path_factory: Any, data: Any) -> None:
    from granskning.resources import question_templates_dir

    text = (question_templates_dir() / "kollegial-granskning-2013.yaml").read_text("utf-8")
    lines = text.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    lines[i] = data.draw(st.sampled_from(["", "  - x", ":", lines[i][::-1], lines[i] + " ]"]))
    path = tmp_path_factory.mktemp("t") / "mall.yaml"
    path.write_text("\n".join(lines), "utf-8")
    result = _validate(path)
    assert result.exit_code in (0, 2)
    assert "Traceback" not in result.output + result.stderr


@pytest.fixture(scope="module")
def export_doc() -> dict[str, Any]:
    from tests.conftest import FakeClock

    st_ = Store.memory(clock=FakeClock())
    world = populate(st_, until="handed_over")
    doc = transfer.export_review(st_, world.review)
    st_.dispose()
    return doc


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))] or [path]
    return [path]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_review_import_of_mutated_exports(
    store: Store, cli: Cli, export_doc: dict[str, Any], tmp_path_factory: Any, data: Any
) -> None:
    doc = json.loads(json.dumps(export_doc))
    leaves = _leaves(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(leaves))
        if not path:
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            try:
                parent[path[-1]] = data.draw(json_values)
            except (IndexError, KeyError, TypeError):
                pass
    out = tmp_path_factory.mktemp("imp") / "r.json"
    out.write_text(json.dumps(doc), "utf-8")
    run(cli, store, "review", "import", out)


# values that break the commands' rules, and the life cycle's names
rule_breakers = st.sampled_from(
    [
        99,
        0,
        -1,
        2**31 - 1,
        "",
        "nope-1",
        "styrprocesser",
        "ledande",
        "\x1b[2J",
        "a@x.se\r\nATTENDEE:mailto:evil@x.se",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59+00:00",
        "2026-03-02T09:00:00+01:00",
        "x" * 100_001,
        "lead",
        "host_contact",
        "closed",
        "drafting",
        "handed_over",
        "hand_over",
        "reopen",
    ]
)


def _forge(doc: dict[str, Any], data: Any) -> None:
    """Edit an export the way a forger would: states, versions, appended audit events and
    report versions, values from ``rule_breakers`` at random places."""
    import base64
    import hashlib

    from granskning.domain.workflow import REVIEW_ACTIONS, REVIEW_TRANSITIONS
    from granskning.storage.model import ReviewState

    states = st.sampled_from([s.value for s in ReviewState])
    dests = {t["trigger"]: t["dest"].value for t in REVIEW_TRANSITIONS}
    for i in range(data.draw(st.integers(0, 3))):
        # a plausible step: from the file's state, to where the action leads
        action = data.draw(st.sampled_from(REVIEW_ACTIONS))
        doc["audit"].append(
            {
                **doc["audit"][-1],
                "uid": f"{data.draw(st.integers(0, 10**6)):06d}s{i}".ljust(32, "0"),
                "interview": None,
                "entity": "review",
                "action": action,
                "from_state": doc["review"]["state"],
                "to_state": dests[action],
                "text": "skäl",
            }
        )
        doc["review"]["state"] = dests[action]
        doc["review"]["version"] += 1
    if data.draw(st.booleans()):
        doc["review"]["state"] = data.draw(states)
        doc["review"]["version"] += data.draw(st.integers(0, 3))
    for i in range(data.draw(st.integers(0, 3))):
        doc["audit"].append(
            {
                **doc["audit"][-1],
                "uid": f"{data.draw(st.integers(0, 10**6)):06d}f{i}".ljust(32, "0"),
                "interview": None,
                "entity": "review",
                "action": data.draw(st.sampled_from(REVIEW_ACTIONS)),
                "from_state": data.draw(states),
                "to_state": data.draw(states),
                "text": data.draw(st.none() | st.just("skäl")),
            }
        )
    if data.draw(st.booleans()):
        content = data.draw(st.binary(max_size=20))
        doc["report_versions"].append(
            {
                **doc["report_versions"][0],
                "number": data.draw(st.integers(1, 3)),
                "sha256": hashlib.sha256(content).hexdigest(),
                "content": base64.b64encode(content).decode(),
            }
        )
    leaves = _leaves(doc)
    for _ in range(data.draw(st.integers(0, 3))):
        path, value = data.draw(st.sampled_from(leaves)), data.draw(rule_breakers)
        parent = doc
        for key in path[:-1]:
            parent = parent[key] if isinstance(parent, dict | list) else None
        if path and isinstance(parent, dict | list):
            parent[path[-1]] = value
    if data.draw(st.booleans()):
        # a forger who computes the chain again: only the import's rules stand in the way
        try:
            rechain(doc)
        except (TypeError, ValueError, KeyError, AttributeError):
            pass  # a value the forgery broke: the file is refused as it is


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_review_import_of_forged_exports(
    store: Store, cli: Cli, export_doc: dict[str, Any], tmp_path_factory: Any, data: Any
) -> None:
    """Forged states, histories, report versions and values that break a rule, into a
    database that has the review and into one that lacks it: no exit 3, nothing half
    imported, and whatever is accepted is a review every command can read and whose export
    passes the same checks."""
    _empty(store)  # each example on its own: a failure replays the same way
    folder = tmp_path_factory.mktemp("forged")
    if data.draw(st.booleans()):
        base = folder / "base.json"
        base.write_text(json.dumps(export_doc), "utf-8")
        run(cli, store, "review", "import", base)
    doc = json.loads(json.dumps(export_doc))
    _forge(doc, data)
    out = folder / "r.json"
    out.write_text(json.dumps(doc), "utf-8")
    result = run(cli, store, "review", "import", out)
    if result.exit_code != 0:
        return
    rid = json.loads(cli.ok("review", "import", out, "--json").stdout)["id"]
    for iv in cli.json("interview", "list", rid):
        cli.ok("note", "list", iv["id"])
        cli.ok("session", "status", iv["id"])
    cli.ok("calendar", rid, "-o", folder / "r.ics")
    again = transfer.export_review(store, rid)
    transfer.parse_document(json.dumps(again))
    _follows_the_life_cycle(again)


def _follows_the_life_cycle(doc: dict[str, Any]) -> None:
    """The review's audit events of state changes are steps of the machine, from planned to
    its state, and it has one report version per handover."""
    from granskning.domain.workflow import REVIEW_TRANSITIONS

    state, handovers = "planned", 0
    for e in doc["audit"]:
        steps = [t for t in REVIEW_TRANSITIONS if t["trigger"] == e["action"]]
        if e["entity"] != "review" or not steps:
            continue
        sources = (
            steps[0]["source"] if isinstance(steps[0]["source"], list) else [steps[0]["source"]]
        )
        assert e["from_state"] == state and state in sources, e
        state = steps[0]["dest"].value
        handovers += e["action"] == "hand_over"
    assert state == doc["review"]["state"]
    assert len(doc["report_versions"]) == handovers


@pytest.mark.slow
@FUZZ
@given(content=st.binary(max_size=3000))
def test_review_import_of_any_bytes(
    store: Store, cli: Cli, tmp_path_factory: Any, content: bytes
) -> None:
    out = tmp_path_factory.mktemp("imp") / "r.json"
    out.write_bytes(content)
    result = run(cli, store, "review", "import", out)
    assert result.exit_code == 2


@pytest.mark.slow
@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_restore_of_a_damaged_backup(
    store: Store, cli: Cli, tmp_path_factory: Any, flips: list[tuple[int, int]]
) -> None:
    folder = tmp_path_factory.mktemp("rst")
    path = folder / "b.db"
    shutil.copyfile(DATA / "schema_0001.db", path)
    data = bytearray(path.read_bytes())
    for where, value in flips:
        data[where % len(data)] = value
    path.write_bytes(bytes(data))
    result = run(cli, store, "restore", path)
    if result.exit_code == 0:
        # the damage fell where it did no harm: then the database is whole
        if store.sqlite_path is not None:
            import sqlite3

            conn = sqlite3.connect(store.sqlite_path)
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            conn.close()
        assert snapshot(store)["review"]
        _empty(store)


def _empty(store: Store) -> None:
    """Empty every table again (the next example restores into it)."""
    from sqlalchemy import text

    with store.engine.begin() as conn:
        if store.is_sqlite:
            # the audit log's refusals are lifted for this cleanup only, then put back
            triggers = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            for name, _sql in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            for t in reversed(metadata().sorted_tables):
                conn.execute(t.delete())
            for _name, sql in triggers:
                conn.execute(text(sql))
        else:
            names = ", ".join(f'"{t.name}"' for t in metadata().sorted_tables)
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@FUZZ
@given(content=st.binary(max_size=500))
def test_text_files_for_every_file_option(tmp_path_factory: Any, content: bytes) -> None:
    """``--file`` of note add, report text and the like: UTF-8 text without NUL, or a plain
    error; never a string a database would refuse."""
    from granskning.cli._base import read_text_input
    from granskning.domain.errors import InputError

    path = tmp_path_factory.mktemp("f") / "note.txt"
    path.write_bytes(content)
    try:
        text = read_text_input(None, str(path))
    except InputError as exc:
        assert str(path) in str(exc)
        return
    assert "\x00" not in text
    text.encode("utf-8")


@pytest.fixture
def drafting_review(store: Store, cli: Cli) -> int:
    from _world import populated

    world = populated(store, until="visiting")
    cli.ok("review", "advance", world.review, "finish_visit")
    return world.review


@pytest.mark.slow
@FUZZ
@given(
    text=edge_text,
    block=st.sampled_from(["styrprocesser", "framtid", "nope", ""]) | edge_text,
    kind=st.sampled_from(["strength", "development"]),
)
def test_finding_and_recommendation_add(
    store: Store, cli: Cli, drafting_review: int, text: str, block: str, kind: str
) -> None:
    run(cli, store, "finding", "add", drafting_review, "--block", block, "--kind", kind,
        "--text", text)  # fmt: skip
    run(cli, store, "recommendation", "add", drafting_review, "--text", text, "--block", block)
    run(cli, store, "recommendation", "add", drafting_review, "--text", text)


@pytest.mark.slow
@FUZZ
@given(
    text=edge_text,
    content=st.binary(max_size=400) | arg_text.map(lambda t: t.encode("utf-8")),
    section=st.sampled_from(["summary", "reflections", "introduction"]),
)
def test_report_text(
    store: Store,
    cli: Cli,
    drafting_review: int,
    tmp_path_factory: Any,
    text: str,
    content: bytes,
    section: str,
) -> None:
    run(cli, store, "report", "text", drafting_review, "--section", section, "--text", text)
    path = tmp_path_factory.mktemp("txt") / "text.txt"
    path.write_bytes(content)
    run(cli, store, "report", "text", drafting_review, "--section", section, "--file", path)


@pytest.fixture
def running_interview(store: Store) -> int:
    from _harness import make_note_target

    return make_note_target(store)


@pytest.mark.slow
@FUZZ
@given(
    text=edge_text,
    content=st.binary(max_size=400) | arg_text.map(lambda t: t.encode("utf-8")),
    question=st.sampled_from(["q1", "nope", ""]) | edge_text,
)
def test_note_add(
    store: Store,
    cli: Cli,
    running_interview: int,
    tmp_path_factory: Any,
    text: str,
    content: bytes,
    question: str,
) -> None:
    result = run(cli, store, "note", "add", running_interview, "--question", "q1", "--text", text)
    if result.exit_code == 0:
        notes = cli.json("note", "list", running_interview)
        assert notes[-1]["text"] == clean_text(text, "x", 10**6, lines=True)
    run(cli, store, "note", "add", running_interview, "--question", question, "--text", "x")
    path = tmp_path_factory.mktemp("note") / "note.txt"
    path.write_bytes(content)
    run(cli, store, "note", "add", running_interview, "--question", "q1", "--file", path)


@pytest.mark.slow
@FUZZ
@given(interviewees=st.lists(edge_text, max_size=3), place=st.none() | edge_text)
def test_interview_add_with_any_names(
    store: Store, cli: Cli, world: dict[str, int], interviewees: list[str], place: str | None
) -> None:
    args = ["interview", "add", world["review"], "--group", "ledande", "--start",
            "2026-04-01 10:00", "--minutes", 60]  # fmt: skip
    for name in interviewees:
        args += ["--interviewee", name]
    if place is not None:
        args += ["--place", place]
    run(cli, store, *args)


# -- the edges: no input reaches exit 3 ----------------------------------------------------------


def _plain(*args: Any, env: dict[str, str] | None = None) -> Any:
    """``granskning --lang en ARGS`` with the database named by ``--db`` (not the test's)."""
    from click.testing import CliRunner

    from granskning.cli import cli as root

    result = CliRunner().invoke(
        root, ["--lang", "en", *(str(a) for a in args)], env=env, catch_exceptions=False
    )
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code:
        assert result.stderr.startswith("error: ") or "Error:" in result.stderr, result.stderr
    return result


db_values = st.one_of(
    edge_text,
    st.sampled_from(["postgresql+psycopg://?=:", "postgresql+psycopg://x@localhost:notaport/db"]),
    st.builds(
        "{}://{}@{}{}/{}".format,
        st.sampled_from(["postgresql+psycopg", "postgresql", "sqlite", "mysql", "x", ""]),
        st.sampled_from(["", "x", "a:b", "@"]),
        st.sampled_from(["", "localhost", "[::1", "127.0.0.1", "/nonexistent"]),
        st.sampled_from(["", ":", ":notaport", ":99999999", ":0", ":-1", ":65535"]),
        st.text(alphabet="abc/?=&%:", max_size=12),
    ),
)


@FUZZ
@given(db=db_values)
def test_any_database_value(tmp_path_factory: Any, db: str) -> None:
    """Whatever --db holds, a reading command ends with 0, 1 or 2 and creates nothing."""
    import contextlib
    import os

    folder = tmp_path_factory.mktemp("db")
    with contextlib.chdir(folder):
        _plain("--db", db, "review", "list")
    assert os.listdir(folder) == []


_names = itertools.count(1)


@pytest.mark.slow
@FUZZ
@given(actor=edge_text | st.text(min_size=190, max_size=320))
def test_any_acting_user(db_url: str, actor: str) -> None:
    """--as on both backends: what SQLite takes also fits PostgreSQL's column."""
    _plain("--db", db_url, "--as", actor, "municipality", "add", f"Kommun {next(_names)}")


huge_ids = st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from(
    [2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**31) - 1, 0, -1]
)


@pytest.mark.slow
@FUZZ
@given(
    n=huge_ids,
    command=st.sampled_from(
        ["review show", "note list", "interview list", "calendar", "assign", "round", "export"]
    ),
)
def test_any_integer(
    store: Store, cli: Cli, world: dict[str, int], tmp_path_factory: Any, n: int, command: str
) -> None:
    out = tmp_path_factory.mktemp("int") / "out.ics"
    args: dict[str, list[Any]] = {
        "review show": ["review", "show", n],
        "note list": ["note", "list", n],
        "interview list": ["interview", "list", n],
        "calendar": ["calendar", n, "-o", out],
        "assign": ["review", "assign", world["review"], "--person", n, "--role", "lead"],
        "round": [
            "round",
            "create",
            "--year",
            n,
            "--theme",
            "Tema",
            "--template",
            "kollegial-granskning-2013",
            "--member",
            "Gävle",
            "--member",
            "Uppsala",
        ],  # fmt: skip
        "export": ["person", "export", n, "-o", out.with_suffix(".json")],
    }
    run(cli, store, *args[command])


# relative names only (one path component): the fuzzer must not write outside its folder
output_paths = st.one_of(
    st.sampled_from(
        ["", ".", "..", "/", "/proc/x.ics", "/dev/null", "/dev/full", "no/such/x.ics", "x" * 300]
    ),
    arg_text.map(lambda t: t.replace("/", "_").lstrip("~") or "_"),
)


@pytest.mark.slow
@FUZZ
@given(out=output_paths)
def test_any_output_path(
    store: Store, cli: Cli, world: dict[str, int], tmp_path_factory: Any, out: str
) -> None:
    import contextlib

    folder = tmp_path_factory.mktemp("out")
    with contextlib.chdir(folder):
        run(cli, store, "calendar", world["review"], "-o", out)
        run(cli, store, "review", "export", world["review"], "-o", out)
        run(cli, store, "person", "export", world["person"], "-o", out)
    if store.sqlite_path is not None:
        result = run(cli, store, "backup", "-o", store.sqlite_path)
        assert result.exit_code == 2


@pytest.mark.slow
@FUZZ
@given(
    when=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
)
def test_any_time(store: Store, cli: Cli, world: dict[str, int], when: datetime) -> None:
    start = f"{when.year:04d}-{when.month:02d}-{when.day:02d} {when.hour:02d}:{when.minute:02d}"
    run(cli, store, "interview", "add", world["review"], "--group", "ledande", "--start", start,
        "--minutes", 60)  # fmt: skip
    run(cli, store, "seminar", "schedule", world["review"], "--start", start)
    run(cli, store, "review", "advance", world["review"], "hold_seminar", "--date", start[:10])


@pytest.mark.slow
@FUZZ
@given(raw=st.binary(min_size=1, max_size=24).filter(lambda b: b"\x00" not in b))
def test_any_bytes_as_an_argument(
    store: Store, cli: Cli, world: dict[str, int], raw: bytes
) -> None:
    # how Python hands over command-line bytes that are not UTF-8: lone surrogates
    arg = raw.decode("utf-8", "surrogateescape")
    run(cli, store, "municipality", "add", arg)
    run(cli, store, "person", "add", arg, "--municipality", "Gävle", "--title", arg)
