"""Backup and restore of a whole database.

A backup is a consistent copy taken while others keep writing: SQLite's online backup API
copies one snapshot into a plain SQLite file; PostgreSQL is dumped with ``pg_dump`` (custom
format), which reads one snapshot too. ``restore`` loads a backup into an empty database:
an SQLite backup into SQLite or PostgreSQL (row by row, after upgrading a copy of an older
backup), a PostgreSQL dump into PostgreSQL with ``pg_restore``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, func, inspect, select, text, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError, StatementError

from granskning.domain import events
from granskning.domain.errors import InputError, RuleError
from granskning.domain.i18n import _
from granskning.storage.files import read_input
from granskning.storage.migrations import run_upgrade_on
from granskning.storage.output import write_output
from granskning.storage.store import SCHEMA_HEAD, SCHEMA_REVISIONS, SchemaError, Store, metadata
from granskning.storage.uow import unit_of_work

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# rows per INSERT batch when copying an SQLite backup into a database
BATCH = 1000


def backup(store: Store, out: Path) -> dict[str, Any]:
    """Write a consistent copy of the whole database to ``out``.

    :param out: the backup file; replaced atomically if it exists.
    :returns: the file, its size and SHA-256, the backend and the format.
    """
    if store.is_sqlite and store.sqlite_path is None:
        raise InputError(_("an in-memory database cannot be backed up"))
    # a backup holds personal data: 0600 whatever the umask
    writer = _backup_sqlite if store.is_sqlite else _backup_postgresql
    out = write_output(out, lambda tmp: writer(store, tmp), private=True)
    fmt = "sqlite" if store.is_sqlite else "pg_dump-custom"
    data = out.read_bytes()
    return {
        "file": str(out),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "backend": store.engine.dialect.name,
        "format": fmt,
    }


def _backup_sqlite(store: Store, tmp: Path) -> None:
    raw = store.engine.raw_connection()
    try:
        target = sqlite3.connect(tmp)
        try:
            # pages=-1: the whole database in one step, from one read snapshot; in WAL
            # mode writers carry on meanwhile and their later commits are not included.
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
            # a backup is one self-contained file, not a WAL database
            target.execute("PRAGMA journal_mode = DELETE")
            ok = target.execute("PRAGMA quick_check").fetchone()
        finally:
            target.close()
    finally:
        raw.close()
    if not ok or ok[0] != "ok":
        raise RuleError(_("the backup failed its check: {result}").format(result=ok))


def _libpq_url(store: Store) -> str:
    # without the password: a command line is visible to every local user (ps); the
    # password travels in the child's environment instead (see _run)
    url = make_url(store.url).set(drivername="postgresql")._replace(password=None)
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InputError(
            _(
                "{tool} is not on the PATH: install the PostgreSQL client programs (the same "
                "major version as the server) to back up or restore a PostgreSQL database"
            ).format(tool=name)
        )
    return path


def _run(args: list[str], store: Store | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    password = make_url(store.url).password if store is not None else None
    if password is not None:
        env = {**os.environ, "PGPASSWORD": str(password)}
    result = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise RuleError(
            _("{tool} failed: {error}").format(
                tool=Path(args[0]).name, error=lines[0] if lines else result.returncode
            )
        )
    return result


def _backup_postgresql(store: Store, tmp: Path) -> None:
    pg_dump = _tool("pg_dump")
    _run([pg_dump, "--format=custom", f"--file={tmp}", f"--dbname={_libpq_url(store)}"], store)


# -- restore -----------------------------------------------------------------------------------


def row_counts(store: Store) -> dict[str, int]:
    """The number of rows in every granskning table that holds any (tables an older
    schema lacks count as empty)."""
    counts = {}
    with store.engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        for table in metadata().sorted_tables:
            if table.name not in present:
                continue
            n = conn.execute(select(func.count()).select_from(table)).scalar_one()
            if n:
                counts[table.name] = int(n)
    return counts


def ensure_empty(store: Store) -> None:
    """Raise a RuleError unless the database holds no rows at all."""
    counts = row_counts(store)
    if counts:
        held = ", ".join(f"{name}: {n}" for name, n in counts.items())
        raise RuleError(
            _(
                "the database {url} is not empty ({held}); restore only into an empty "
                "database (a new file, or a newly created PostgreSQL database)"
            ).format(url=store.safe_url, held=held)
        )


def sniff(path: Path) -> str:
    """``"sqlite"`` or ``"pg_dump"``: the kind of backup file at ``path``."""
    head = read_input(path, 16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "pg_dump"
    raise InputError(
        _("{path}: not a granskning backup (neither an SQLite file nor a pg_dump file)").format(
            path=path
        )
    )


def restore(store: Store, source: Path) -> dict[str, Any]:
    """Load the backup ``source`` into the (empty) database of ``store``.

    The backup is checked before the target is touched; a target that does not exist yet
    (an SQLite file) or holds no schema yet (a newly created PostgreSQL database) is created
    only when the restore succeeds. ``store`` must be opened with ``migrate=False``.

    :returns: the rows restored per table.
    """
    source = Path(source)
    kind = sniff(source)
    if kind == "pg_dump":
        if store.is_sqlite:
            raise InputError(
                _(
                    "{path} is a PostgreSQL dump: it can only be restored into a PostgreSQL "
                    "database (--db postgresql+psycopg://...)"
                ).format(path=source)
            )
        version = _dump_revision(source)
        _check_revision(source, version)
        _prepare_target(store)
        _restore_postgresql(store, source)
    else:
        version = _backup_revision(source)
        _check_revision(source, version)
        target = store.sqlite_path
        new_file = target is not None and (not target.exists() or target.stat().st_size == 0)
        fresh = new_file or _prepare_target(store)
        with tempfile.TemporaryDirectory() as tmp:
            path = source
            if version != SCHEMA_HEAD:
                # upgrade a copy: the backup file itself is never changed
                path = Path(tmp) / "upgraded.db"
                shutil.copyfile(source, path)
                _upgrade_copy(path, source)
            if new_file:
                assert target is not None
                _restore_into_new_file(store, target, path, source)
            else:
                _copy_rows(store, path, source, create_schema=fresh)
    counts = row_counts(store)
    return {"file": str(source), "kind": kind, "schema": version, "rows": counts}


def _upgrade_copy(path: Path, source: Path) -> None:
    """Bring a copy of an older backup to this schema; a backup whose rows the upgrade
    cannot read (text that is not UTF-8, a broken page past the quick check) is damaged."""
    try:
        Store(f"sqlite:///{path}").dispose()
    except (SQLAlchemyError, sqlite3.Error, UnicodeDecodeError) as exc:
        problem = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise InputError(
            _("{path}: the backup file is damaged ({problem})").format(path=source, problem=problem)
        ) from None


def _prepare_target(store: Store) -> bool:
    """Check that the target database can take a restore; True if it holds no schema yet.
    A granskning database must be empty; an older one is then upgraded."""
    current = store.schema_revision()
    if current is None:
        return True
    if current not in SCHEMA_REVISIONS:
        store.ensure_schema()  # raises: newer than this granskning
    ensure_empty(store)
    if current != SCHEMA_HEAD:
        store.upgrade()
    return False


def _restore_into_new_file(store: Store, target: Path, path: Path, source: Path) -> None:
    """Restore into a new SQLite file: built beside ``target`` and moved there only once
    complete, so a failed restore leaves no file behind."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name[:200]}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        built = Store(f"sqlite:///{tmp}", clock=store.clock, actor=store.actor)
        try:
            _copy_rows(built, path, source)
        finally:
            built.dispose()  # the last connection checkpoints the WAL into the file
        store.dispose()
        if target.exists() and target.stat().st_size == 0:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if another program created it meanwhile
            except FileExistsError:
                raise RuleError(
                    _("{path}: created by another program during the restore").format(path=target)
                ) from None
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _check_revision(source: Path, version: str | None) -> None:
    if version is None:
        raise InputError(_("{path}: not a granskning backup").format(path=source))
    if version not in SCHEMA_REVISIONS:
        raise SchemaError(
            _(
                "{path}: the backup has schema version {found}, newer than this granskning "
                "knows ({head}); upgrade granskning"
            ).format(path=source, found=version, head=SCHEMA_HEAD)
        )


def _backup_revision(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            # a damaged file is refused before anything is copied from it
            check = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    except UnicodeDecodeError:
        check = [("text that is not UTF-8",)]
        row = None
    if check != [("ok",)]:
        raise InputError(
            _("{path}: the backup file is damaged ({problem})").format(
                path=path, problem=str(check[0][0]) if check else "?"
            )
        )
    return None if row is None else str(row[0])


def _dump_revision(path: Path) -> str | None:
    pg_restore = _tool("pg_restore")
    result = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)])
    lines = result.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            value = lines[i + 1].strip() if i + 1 < len(lines) else "\\."
            return None if value == "\\." else value
    return None


def _restore_postgresql(store: Store, source: Path) -> None:
    pg_restore = _tool("pg_restore")
    store.dispose()
    # The target holds granskning's empty tables: --clean replaces them with the dump's.
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_libpq_url(store)}",
            str(source),
        ],
        store,
    )
    store.ensure_schema()
    with unit_of_work(store) as work:
        work.emit(_restored(source))


def _restored(source: Path) -> events.DatabaseRestored:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return events.DatabaseRestored(sha256=digest, comment=source.name)


def _copy_rows(store: Store, path: Path, source: Path, *, create_schema: bool = False) -> None:
    try:
        with unit_of_work(store) as work:
            if create_schema:
                # in the same transaction: a failed restore leaves no tables behind
                run_upgrade_on(work.session.connection())
            copy_rows(path, work.session.connection(), store.is_sqlite)
            work.emit(_restored(source))
    except (DBAPIError, StatementError, ValueError) as exc:
        # rows this database cannot take (a hand-edited or damaged file): nothing was restored
        raise InputError(
            _("{path}: cannot be restored: {error}").format(
                path=source, error=str(getattr(exc, "orig", exc)).splitlines()[0]
            )
        ) from None


def copy_rows(path: Path, conn: Connection, is_sqlite: bool) -> None:
    """Copy every row of the SQLite database at ``path`` (at this program's schema) into the
    database behind ``conn``, in its transaction."""
    engine = create_engine(f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true")
    try:
        with engine.connect() as src:
            for table in metadata().sorted_tables:
                _copy_table(src, conn, table)
        if not is_sqlite:
            _reset_sequences(conn)
    finally:
        engine.dispose()


def _copy_table(src: Connection, dst: Connection, table: Table) -> None:
    # columns pointing into their own table (a follow-up item merged into another) are
    # filled in afterwards: the row they point to may come later
    self_refs = [
        c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)
    ]
    pk = [c.name for c in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    result = src.execute(table.select().order_by(*table.primary_key.columns))
    while True:
        chunk = result.mappings().fetchmany(BATCH)
        if not chunk:
            break
        rows = [dict(r) for r in chunk]
        later += _hold_back(rows, pk, self_refs)
        dst.execute(table.insert(), rows)
    for row in later:
        dst.execute(
            update(table)
            .where(*(table.c[k] == row[k] for k in pk))
            .values({c: row[c] for c in self_refs})
        )


def _hold_back(
    rows: list[dict[str, Any]], pk: list[str], self_refs: list[str]
) -> list[dict[str, Any]]:
    """Empty the columns of ``rows`` that point into their own table; returns, for each row
    that had one, its key and those columns, to fill in once every row is there."""
    later = []
    for row in rows:
        if any(row[c] is not None for c in self_refs):
            later.append({**{k: row[k] for k in pk}, **{c: row[c] for c in self_refs}})
            for c in self_refs:
                row[c] = None
    return later


def _reset_sequences(conn: Connection) -> None:
    for table in metadata().sorted_tables:
        # an integer id from a sequence (not a text key such as web_session's)
        if table.autoincrement_column is not None and table.autoincrement_column.name == "id":
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table.name}"'
                )
            )
