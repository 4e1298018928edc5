"""Accounts of the web application: adding, listing, disabling, new passwords, logging in
(with throttling) and sessions, through the services and the ``user`` commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from granskning.domain.errors import InputError, LoginError, NotFoundError, ThrottledError
from granskning.services import accounts, privacy, registry
from granskning.storage.model import AuditDetail, AuditEvent, UserAccount
from granskning.storage.store import Store

PASSWORD = "ett-långt-lösenord"


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def person(store: Store) -> Iterator[int]:
    registry.add_municipality(store, "Gävle")
    row = registry.add_person(store, "Dan Holm", "Gävle")
    assert row.id is not None
    yield row.id


def _events(store: Store, action: str) -> list[tuple[AuditEvent, AuditDetail]]:
    with store.read() as s:
        return list(
            s.exec(
                select(AuditEvent, AuditDetail)
                .join(AuditDetail, AuditDetail.event_uid == AuditEvent.uid)  # type: ignore[arg-type]
                .where(AuditEvent.entity == "account", AuditEvent.action == action)
            ).all()
        )


def test_an_account_is_stored_with_an_argon2id_hash_and_a_lower_case_address(
    store: Store, person: int
) -> None:
    accounts.add_user(store, " Dan.Holm@Gavle.Example ", person, PASSWORD)
    with store.read() as s:
        row = s.exec(select(UserAccount)).one()
    assert row.email == "dan.holm@gavle.example"
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert len(_events(store, "add")) == 1


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", PASSWORD, "not an e-mail address"),
        ("a@b.se", "short", "shorter than 10"),
    ],
)
def test_bad_input_adds_nothing(
    store: Store, person: int, email: str, password: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        accounts.add_user(store, email, person, password)
    assert accounts.list_users(store) == []


def test_an_address_is_taken_once_and_the_person_must_exist(store: Store, person: int) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    with pytest.raises(InputError, match="exists already"):
        accounts.add_user(store, "A@B.se", person, PASSWORD)
    with pytest.raises(NotFoundError, match="person 99"):
        accounts.add_user(store, "c@b.se", 99, PASSWORD)


def test_logging_in_opens_a_new_session_each_time(store: Store, person: int) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    first = accounts.log_in(store, "A@b.se", PASSWORD, address="10.0.0.1")
    second = accounts.log_in(store, "a@b.se", PASSWORD)
    assert first.token != second.token
    user = accounts.session_user(store, first.token)
    assert user is not None and user.email == "a@b.se" and user.person_id == person
    login_events = _events(store, "login")
    assert [d.actor for _e, d in login_events] == ["a@b.se", "a@b.se"]


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    store: Store, person: int
) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    with pytest.raises(LoginError) as wrong:
        accounts.log_in(store, "a@b.se", "wrong-password")
    with pytest.raises(LoginError) as unknown:
        accounts.log_in(store, "nobody@b.se", PASSWORD)
    assert str(wrong.value) == str(unknown.value)
    assert len(_events(store, "login_failed")) == 2


def test_five_failures_in_fifteen_minutes_refuse_the_sixth_until_the_window_passes(
    store: Store, person: int, clock: Any
) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    for _ in range(5):
        with pytest.raises(LoginError):
            accounts.log_in(store, "a@b.se", "wrong-password")
        clock.advance(seconds=30)
    with pytest.raises(ThrottledError):
        accounts.log_in(store, "a@b.se", PASSWORD)
    # another address is not refused
    with pytest.raises(LoginError):
        accounts.log_in(store, "c@b.se", PASSWORD)
    clock.advance(minutes=16)
    assert accounts.log_in(store, "a@b.se", PASSWORD).token
    assert len(_events(store, "login_throttled")) == 1


def test_disabling_ends_sessions_and_refuses_logins(store: Store, person: int) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    login = accounts.log_in(store, "a@b.se", PASSWORD)
    accounts.disable_user(store, "a@b.se")
    assert accounts.session_user(store, login.token) is None
    with pytest.raises(LoginError):
        accounts.log_in(store, "a@b.se", PASSWORD)
    assert accounts.list_users(store)[0]["disabled"] is True


def test_a_new_password_ends_sessions_and_the_old_one_stops_working(
    store: Store, person: int
) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    login = accounts.log_in(store, "a@b.se", PASSWORD)
    accounts.set_password(store, "a@b.se", "ett-annat-lösenord")
    assert accounts.session_user(store, login.token) is None
    with pytest.raises(LoginError):
        accounts.log_in(store, "a@b.se", PASSWORD)
    assert accounts.log_in(store, "a@b.se", "ett-annat-lösenord").token


def test_a_session_idle_too_long_has_ended(store: Store, person: int, clock: Any) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    login = accounts.log_in(store, "a@b.se", PASSWORD)
    clock.advance(minutes=11 * 60)
    assert accounts.session_user(store, login.token) is not None  # seen now: renewed
    clock.advance(minutes=13 * 60)
    assert accounts.session_user(store, login.token) is None


def test_logging_out_ends_the_session(store: Store, person: int) -> None:
    accounts.add_user(store, "a@b.se", person, PASSWORD)
    login = accounts.log_in(store, "a@b.se", PASSWORD)
    user = accounts.session_user(store, login.token)
    assert user is not None
    accounts.log_out(store, user)
    assert accounts.session_user(store, login.token) is None
    assert [d.actor for _e, d in _events(store, "logout")] == ["a@b.se"]


def test_the_user_commands(cli: Any, store: Store, person: int, tmp_path: Path) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    added = cli.ok("user", "add", "a@b.se", "--person", str(person), "--password-file", str(pw))
    assert "a@b.se" in added.output
    rows = cli.json("user", "list")
    assert rows == [
        {"email": "a@b.se", "person": person, "name": "Dan Holm", "coordinator": False,
         "disabled": False}
    ]  # fmt: skip
    out = json.dumps(rows)
    assert "argon2" not in out and PASSWORD not in out
    cli.ok("user", "password", "a@b.se", "--password-file", str(pw))
    cli.ok("user", "disable", "a@b.se")
    assert cli.json("user", "list")[0]["disabled"] is True


def test_the_user_commands_refuse_bad_input_in_one_line(
    cli: Any, person: int, tmp_path: Path
) -> None:
    short = tmp_path / "short.txt"
    short.write_text("kort\n", encoding="utf-8")
    for args in (
        ("user", "add", "a@b.se", "--person", str(person), "--password-file", str(short)),
        ("user", "add", "a@b.se", "--person", str(person), "--password-file", "missing.txt"),
        ("user", "disable", "nobody@b.se"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert cli.json("user", "list") == []


def test_the_password_is_asked_twice_when_no_file_is_given(cli: Any, person: int) -> None:
    result = cli(
        "user", "add", "a@b.se", "--person", str(person), input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_forgetting_a_person_closes_their_account(store: Store, person: int) -> None:
    accounts.add_user(store, "dan@gavle.example", person, PASSWORD)
    login = accounts.log_in(store, "dan@gavle.example", PASSWORD)
    assert privacy.person_export(store, person)["web_accounts"][0]["email"] == "dan@gavle.example"
    privacy.forget(store, person)
    assert accounts.session_user(store, login.token) is None
    with pytest.raises(LoginError):
        accounts.log_in(store, "dan@gavle.example", PASSWORD)
    (row,) = accounts.list_users(store)
    assert row["disabled"] is True and "dan" not in row["email"]
