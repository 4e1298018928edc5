"""The edges: outputs that cannot destroy data, no exit 3 for bad input, reading commands that
never create a database, restore that creates its target only when it succeeds, the pg_dump
password kept off the command line, one set of length limits, and no spoofing characters."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _world import World, populated
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from granskning.storage.model import EMAIL_MAX, NAME_MAX, PLACE_MAX
from granskning.storage.store import Store
from tests.conftest import Cli

DATA = Path(__file__).resolve().parents[1] / "data"


def run(*args: Any, env: dict[str, str] | None = None) -> Result:
    """``granskning --lang en ARGS`` as a user runs it: the database from ``--db``."""
    from granskning.cli import cli

    return CliRunner().invoke(
        cli, ["--lang", "en", *(str(a) for a in args)], env=env, catch_exceptions=False
    )


def tables(url: str) -> list[str]:
    if url.startswith("sqlite"):
        path = make_url(url).database
        if not path or not Path(path).exists():
            return []
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        engine.dispose()


# -- 11.1, 10.12: every output ----------------------------------------------------------------

OUTPUTS: dict[str, Callable[[World, Path], list[Any]]] = {
    "report build": lambda w, o: ["report", "build", w.review, "-o", o],
    "seminar checklist": lambda w, o: ["seminar", "checklist", w.review, "-o", o],
    "round report": lambda w, o: ["round", "report", 1, "-o", o],
    "calendar": lambda w, o: ["calendar", w.review, "-o", o],
    "backup": lambda w, o: ["backup", "-o", o],
    "review export": lambda w, o: ["review", "export", w.review, "-o", o],
    "person export": lambda w, o: ["person", "export", w.contact, "-o", o],
}
# personal data: 0600 whatever the umask
PRIVATE = {"backup", "review export", "person export"}


@pytest.fixture
def world(store: Store) -> World:
    return populated(store)


@pytest.fixture
def umask_022() -> Any:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_an_output_refuses_the_database_in_use(
    store: Store, cli: Cli, world: World, snapshot: Any, tmp_path: Path, command: str
) -> None:
    db = store.sqlite_path
    if db is None:
        pytest.skip("a PostgreSQL database is not a file")
    before = snapshot()
    inode = db.stat().st_ino
    symlink = tmp_path / "link.docx"
    symlink.symlink_to(db)
    hardlink = tmp_path / "hard.docx"
    os.link(db, hardlink)
    folder = tmp_path / "folder"
    folder.mkdir()
    side = Path(f"{db}-wal")
    sub = tmp_path / "sub"
    sub.mkdir()
    for target in (symlink, hardlink, Path(os.path.relpath(db)), side, sub / ".." / db.name):
        if command in ("seminar checklist", "round report") and target.suffix != ".docx":
            continue  # those write .docx only, and say so first
        result = cli(*OUTPUTS[command](world, target))
        assert result.exit_code == 2, (target, result.stderr)
        assert "the database in use" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert symlink.is_symlink() and os.readlink(symlink) == str(db)
    assert db.stat().st_ino == inode == hardlink.stat().st_ino
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert snapshot() == before


@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_an_output_refuses_what_is_not_a_regular_file(
    store: Store, cli: Cli, world: World, snapshot: Any, tmp_path: Path, command: str
) -> None:
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    before = snapshot()
    result = cli(*OUTPUTS[command](world, fifo))
    assert result.exit_code == 2, result.stderr
    assert "not a regular file" in result.stderr and str(fifo) in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert snapshot() == before
    if command not in ("seminar checklist", "round report"):
        result = cli(*OUTPUTS[command](world, "/dev/null"))
        assert result.exit_code == 2 and "not a regular file" in result.stderr
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_an_output_keeps_modes_and_personal_data_is_0600(
    store: Store, cli: Cli, world: World, tmp_path: Path, umask_022: Any, command: str
) -> None:
    new = tmp_path / "new.docx"
    cli.ok(*OUTPUTS[command](world, new))
    mode = stat.S_IMODE(new.stat().st_mode)
    assert mode == (0o600 if command in PRIVATE else 0o644), oct(mode)
    old = tmp_path / "old.docx"
    old.write_bytes(b"old")
    old.chmod(0o640)
    cli.ok(*OUTPUTS[command](world, old))
    assert old.read_bytes() != b"old"
    assert stat.S_IMODE(old.stat().st_mode) == (0o600 if command in PRIVATE else 0o640)
    # atomic: nothing but the two outputs is left in the folder (no temporary files)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".docx") == [
        "new.docx",
        "old.docx",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(OUTPUTS))
def test_an_unwritable_output_is_bad_input(
    store: Store,
    cli: Cli,
    world: World,
    snapshot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    before = snapshot()
    for target, message in (
        ("", "-o: give a file name"),
        ("/proc/x.docx", "/proc/x.docx: cannot write"),
        (tmp_path / "no" / "such" / "x.docx", "does not exist"),
    ):
        result = cli(*OUTPUTS[command](world, target))
        assert result.exit_code == 2, (target, result.stderr)
        assert message in result.stderr, result.stderr
    # a read-only file system: every file created in that folder fails with EROFS
    readonly = tmp_path / "ro"
    readonly.mkdir()
    real_open = os.open

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(readonly)) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    result = cli(*OUTPUTS[command](world, readonly / "x.docx"))
    monkeypatch.undo()
    assert result.exit_code == 2, result.stderr
    assert "cannot write" in result.stderr and str(readonly / "x.docx") in result.stderr
    assert os.listdir(readonly) == []
    assert snapshot() == before


# -- 10.4, 11.10: no exit 3 for bad input -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://x@localhost:notaport/db",
        "postgresql+psycopg://x@localhost:99999999/db",
        "postgresql+psycopg://x@[::1/db",
    ],
)
def test_a_bad_database_url_is_bad_input(url: str, tmp_path: Path) -> None:
    result = run("--db", url, "review", "list")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: --db {url}: not a valid database URL")


@pytest.mark.slow
def test_ids_wider_than_the_database_are_bad_input(cli: Cli, world: World, tmp_path: Path) -> None:
    for args in (
        ["review", "show", 2**63],
        ["review", "show", 2**31],  # PostgreSQL's INTEGER is 32 bits wide
        ["note", "list", 2**64 + 1],
        ["calendar", 2**63, "-o", tmp_path / "c.ics"],
        ["review", "assign", world.review, "--person", -(2**63) - 1, "--role", "lead"],
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "too large a number" in result.stderr
    result = cli("review", "show", 2**31 - 1)  # the widest id: it does not exist
    assert result.exit_code == 2 and "does not exist" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("start", ["0001-01-01 00:00", "9999-12-31 23:30", "1899-12-31 23:59"])
def test_a_time_at_the_ends_of_the_calendar_is_bad_input(
    cli: Cli, world: World, snapshot: Any, start: str
) -> None:
    before = snapshot()
    result = cli(
        "interview", "add", world.review, "--group", "ledande", "--start", start, "--minutes", 60
    )
    assert result.exit_code == 2, result.stderr
    assert "is outside the years" in result.stderr
    result = cli("seminar", "schedule", world.review, "--start", start)
    assert result.exit_code == 2, result.stderr
    assert snapshot() == before


def test_an_argument_that_is_not_utf8_is_bad_input(db_url: str) -> None:
    # the operating system gives bytes that are not UTF-8 to Python as lone surrogates
    bad = b"G\xe4vle".decode("utf-8", "surrogateescape")
    result = run("--db", db_url, "municipality", "add", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: an argument is not UTF-8 text")
    result = run("--db", db_url, "municipality", "list", "--json")
    assert result.stdout.strip() == "[]"


def test_an_empty_alembic_version_is_a_damaged_database(db_url: str, tmp_path: Path) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("DELETE FROM alembic_version"))
    try:
        for args in (["review", "list"], ["municipality", "add", "Gävle"], ["init"]):
            result = run("--db", db_url, *args)
            assert result.exit_code == 2, (args, result.stderr)
            assert "the database is damaged" in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})
        engine.dispose()


@pytest.mark.slow
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    from _harness import make_note_target, write_note

    path = tmp_path / "g.db"
    st = Store(f"sqlite:///{path}", actor="tester")
    interview = make_note_target(st)
    for i in range(300):
        write_note(st, interview, f"note {i} " + "x" * 200)
    st.dispose()
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written (| head -0)
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "granskning",
                "--lang",
                "en",
                "--db",
                str(path),
                "note",
                "list",
                str(interview),
            ],  # fmt: skip
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "GRANSKNING_DEBUG": ""},
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_hostile_xml_in_a_word_template_is_bad_input(tmp_path: Path) -> None:
    import zipfile

    from granskning.resources import reports_dir

    evil = tmp_path / "evil.docx"
    entities = '<!ENTITY a0 "lollollol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    with (
        zipfile.ZipFile(reports_dir() / "granskningsrapport.docx") as zin,
        zipfile.ZipFile(evil, "w") as zout,
    ):
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                doc = data.decode()
                at = doc.index("?>") + 2
                doc = doc[:at] + f"<!DOCTYPE w:document [{entities}]>" + doc[at:]
                doc = doc.replace("<w:body>", "<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p>", 1)
                data = doc.encode()
            zout.writestr(item, data)
    result = run("report", "check-template", evil, env={"GRANSKNING_DEBUG": ""})
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ")


# -- 10.5, 11.12: reading never creates, restore creates only on success -------------------------

READ_ARGS: dict[str, list[str]] = {
    "backup": ["backup", "-o", "b.db"],
    "calendar": ["calendar", "1", "-o", "c.ics"],
    "finding list": ["finding", "list", "1"],
    "info": ["info"],
    "interview list": ["interview", "list", "1"],
    "interview show": ["interview", "show", "1"],
    "municipality history": ["municipality", "history", "Gävle"],
    "municipality list": ["municipality", "list"],
    "note list": ["note", "list", "1"],
    "person export": ["person", "export", "1", "-o", "p.json"],
    "person list": ["person", "list"],
    "recommendation list": ["recommendation", "list", "1"],
    "report build": ["report", "build", "1", "-o", "r.docx"],
    "report verify": ["report", "verify", "1"],
    "report versions": ["report", "versions", "1"],
    "review actions": ["review", "actions", "1"],
    "review export": ["review", "export", "1", "-o", "e.json"],
    "review history": ["review", "history", "1"],
    "review list": ["review", "list"],
    "review show": ["review", "show", "1"],
    "round list": ["round", "list"],
    "round report": ["round", "report", "1", "-o", "r.docx"],
    "round show": ["round", "show", "1"],
    "search": ["search", "barn"],
    "seminar checklist": ["seminar", "checklist", "1", "-o", "s.docx"],
    "seminar items": ["seminar", "items", "1"],
    "session status": ["session", "status", "1"],
    "settings show": ["settings", "show"],
}


def test_every_reading_command_is_tested() -> None:
    from granskning.cli._base import READING

    assert set(READ_ARGS) == READING


@pytest.mark.parametrize("command", sorted(READ_ARGS))
def test_a_reading_command_never_creates_a_database(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--db", "typo.db", *READ_ARGS[command])
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (
        f"error: no database at {tmp_path / 'typo.db'}; `granskning init` creates one\n"
    )
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_reading_an_empty_database_creates_no_schema(empty_db: Any) -> None:
    url = empty_db("bare")
    for args in (["review", "list"], ["info"], ["review", "show", "1"]):
        result = run("--db", url, *args)
        assert result.exit_code == 2, result.stderr
        assert "`granskning init` creates one" in result.stderr
    assert tables(url) == []
    run("--db", url, "municipality", "add", "Gävle")  # a writing command creates it
    assert "municipality" in tables(url)


def test_reading_never_upgrades_an_older_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(DATA / "schema_0001.db", path)
    before = path.read_bytes()
    result = run("--db", path, "review", "list")
    assert result.exit_code == 2
    assert "older than this granskning" in result.stderr and "granskning init" in result.stderr
    assert path.read_bytes() == before
    # a backup before upgrading works, and leaves the old database as it was
    result = run("--db", path, "backup", "-o", tmp_path / "before-upgrade.db")
    assert result.exit_code == 0, result.stderr
    assert run("--db", path, "info").exit_code == 0
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    conn.close()
    assert run("--db", path, "init").exit_code == 0
    assert run("--db", path, "review", "list", "--json").exit_code == 0


@pytest.mark.slow
def test_a_refused_restore_leaves_no_database(empty_db: Any, tmp_path: Path) -> None:
    url = empty_db("target")
    garbage = tmp_path / "x.db"
    garbage.write_bytes(b"not a backup at all\n" * 10)
    result = run("--db", url, "restore", garbage)
    assert result.exit_code == 2
    # a backup whose rows no database can take: a person in a municipality that is not there
    source = tmp_path / "source.db"
    st = Store(f"sqlite:///{source}", actor="tester")
    from granskning.services import registry

    registry.add_municipality(st, "Gävle")
    registry.add_person(st, "Anna Berg", "Gävle")
    st.dispose()
    conn = sqlite3.connect(source)
    conn.execute("UPDATE person SET municipality_id = 99")
    conn.commit()
    conn.close()
    result = run("--db", url, "restore", source)
    assert result.exit_code == 2, result.stderr
    assert "cannot be restored" in result.stderr
    assert tables(url) == []
    if url.startswith("sqlite"):
        assert not Path(make_url(url).database or "").exists()
        assert not [n for n in os.listdir(tmp_path) if n.startswith((".target", "target"))]
    # the same file, repaired, restores; only then the target exists
    conn = sqlite3.connect(source)
    conn.execute("UPDATE person SET municipality_id = 1")
    conn.commit()
    conn.close()
    result = run("--db", url, "restore", source)
    assert result.exit_code == 0, result.stderr
    assert "municipality" in tables(url)


# -- 11.7: the PostgreSQL password stays off the command line ------------------------------------


@pytest.mark.slow
def test_pg_dump_and_pg_restore_get_the_password_from_the_environment(
    backend: str, empty_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no password")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    password = "s3cret-Pw0rd"

    def with_password(url: str) -> str:
        return make_url(url).set(password=password).render_as_string(hide_password=False)

    calls: list[tuple[list[str], dict[str, str] | None]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> Any:
        calls.append(([str(a) for a in args], kwargs.get("env")))
        return real_run(args, **kwargs)

    source = Store(with_password(empty_db("pw_source")), clock=clock, actor="tester")
    target = Store(with_password(empty_db("pw_target")), clock=clock, actor="tester")
    try:
        Cli(source).ok("municipality", "add", "Gävle")
        monkeypatch.setattr(subprocess, "run", spy)
        out = tmp_path / "b.dump"
        Cli(source).ok("backup", "-o", out)
        Cli(target).ok("restore", out)
    finally:
        source.dispose()
        target.dispose()
    tools = {Path(args[0]).name for args, _env in calls}
    assert {"pg_dump", "pg_restore"} <= tools
    for args, env in calls:
        assert password not in " ".join(args)
        if any(a.startswith("--dbname=") for a in args):
            assert env is not None and env["PGPASSWORD"] == password


# -- 11.11: one set of length limits -------------------------------------------------------------


@pytest.mark.slow
def test_a_database_filled_to_every_limit_restores_on_either_backend(
    tmp_path: Path, empty_db: Any, clock: Any
) -> None:
    actor = "å" * NAME_MAX
    source = Store(f"sqlite:///{tmp_path / 'full.db'}", clock=clock, actor=actor)
    target = Store(empty_db("limits"), clock=clock, actor="tester")
    try:
        world = populated(source)
        c = Cli(source)
        long_name = "Ö" * NAME_MAX
        c.ok("municipality", "add", long_name)
        email = "e" * (EMAIL_MAX - len("@x.se")) + "@x.se"
        person = c.json(
            "person", "add", "P" * NAME_MAX, "--municipality", long_name,
            "--title", "T" * NAME_MAX, "--email", email,
        )["id"]  # fmt: skip
        review = c.json(
            "review", "create", "--host", long_name, "--reviewing", "Uppsala",
            "--template", "kollegial-granskning-2013",
        )["id"]  # fmt: skip
        c.ok("review", "assign", review, "--person", world.lead, "--role", "lead")
        c.ok(
            "interview", "add", review, "--group", "ledande", "--start", "2026-04-01 10:00",
            "--minutes", 60, "--place", "p" * PLACE_MAX,
            "--interviewee", "N" * NAME_MAX + ", " + "T" * NAME_MAX, "--moderator", world.lead,
        )  # fmt: skip
        c.ok(
            "round", "create", "--year", 2027, "--theme", "t" * PLACE_MAX,
            "--template", "kollegial-granskning-2013", "--member", long_name,
            "--member", "Uppsala", "--member", "Örebro",
        )  # fmt: skip
        item = c.json("seminar", "items", world.review)[0]["id"]
        c.ok(
            "seminar", "record", world.review, "--item", item, "--status", "done",
            "--responsible", "r" * NAME_MAX,
        )  # fmt: skip
        out = tmp_path / "full-backup.db"
        c.ok("backup", "-o", out)
        Cli(target).ok("restore", out)
        shown = Cli(target).json("person", "list")
        assert any(p["id"] == person and p["email"] == email for p in shown)
        with target.engine.connect() as conn:
            actors = set(conn.execute(text("SELECT actor FROM audit_detail")).scalars())
        assert actor in actors
    finally:
        source.dispose()
        target.dispose()


def test_one_character_more_than_a_limit_is_refused(
    cli: Cli, world: World, snapshot: Any, db_url: str
) -> None:
    before = snapshot()
    over = NAME_MAX + 1
    for args in (
        ["municipality", "add", "M" * over],
        ["person", "add", "P" * over, "--municipality", "Gävle"],
        ["person", "add", "Anna", "--municipality", "Gävle", "--title", "T" * over],
        ["person", "add", "Anna", "--municipality", "Gävle", "--email", "e" * EMAIL_MAX + "@x"],
        ["round", "create", "--year", 2027, "--theme", "t" * (PLACE_MAX + 1),
         "--template", "kollegial-granskning-2013", "--member", "Gävle", "--member", "Uppsala",
         "--member", "Örebro"],
    ):  # fmt: skip
        result = cli(*args)
        assert result.exit_code == 2, (args[:2], result.stderr)
    result = run("--db", db_url, "--as", "a" * over, "municipality", "add", "Luleå")
    assert result.exit_code == 2
    assert result.stderr == f"error: --as is longer than {NAME_MAX} characters\n"
    assert snapshot() == before


# -- 11.13: spoofing and terminal injection ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["municipality", "add", "Gävle\u202eelväG"],
        ["municipality", "add", "Luleå\x1b]0;owned\x07"],
        ["person", "add", "Anna\u2066 Berg", "--municipality", "Gävle"],
        ["person", "add", "Anna Berg", "--municipality", "Gävle", "--title", "\x1b[2JChef"],
        ["person", "add", "Anna Berg", "--municipality", "Gävle", "--email", "a\u202e@x.se"],
    ],
)
def test_direction_overrides_and_escapes_in_names_are_refused(
    cli: Cli, world: World, snapshot: Any, args: list[str]
) -> None:
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert snapshot() == before


@pytest.mark.parametrize("actor", ["\x1b[31mAnna", "Anna\u202eanna", "Anna\nBerg", "  "])
def test_escapes_in_the_acting_user_are_refused(db_url: str, actor: str) -> None:
    result = run("--db", db_url, "--as", actor, "municipality", "add", "Gävle")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: --as")
    assert "\x1b" not in result.stderr
    env_result = run("--db", db_url, "municipality", "add", "Gävle", env={"GRANSKNING_USER": actor})
    assert env_result.exit_code == 2
    assert run("--db", db_url, "municipality", "list", "--json").stdout.strip() == "[]"
