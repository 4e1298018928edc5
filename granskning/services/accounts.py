"""Accounts of the web application: who may log in, as whom, and their open sessions.

An account is an e-mail address linked to a person (whose roles in each review's team
decide what the account sees: :mod:`granskning.domain.access`). Passwords are kept only as
Argon2id hashes (argon2-cffi); they are never logged, exported or shown. Hashing is slow on
purpose, so it runs outside any transaction.

A login makes a new session (a random token; the database keeps its SHA-256), so an id a
stranger planted before the login is worth nothing after it. After five failed logins for
an address within fifteen minutes, further attempts are refused for the rest of that
window. Every login, failure and logout is written to the audit log with the address as
who acted.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from granskning.domain import events
from granskning.domain.errors import InputError, LoginError, NotFoundError, ThrottledError
from granskning.domain.i18n import _
from granskning.domain.text import ACTOR_LIMIT, check_email
from granskning.domain.timefmt import as_utc
from granskning.storage.model import (
    ApiToken,
    LoginAttempt,
    Person,
    UserAccount,
    WebSession,
    WebSetting,
)
from granskning.storage.store import Store
from granskning.storage.uow import Work, unit_of_work, writes

TOKEN_PREFIX = "gr_"  # a personal API token's start: recognisable where it leaks
TOKEN_NAME_MAX = 100
PASSWORD_MIN = 10
PASSWORD_MAX = 1000
FAILURES_ALLOWED = 5
FAILURE_WINDOW = timedelta(minutes=15)
# a session unused this long has ended (a browser left open over night on a shared laptop)
SESSION_IDLE = timedelta(hours=12)
# how stale a session's "last seen" may get before a request writes it again
_SEEN_EVERY = timedelta(minutes=5)

_hasher = PasswordHasher()  # Argon2id with the library's recommended parameters
# verified against when an address has no account, so that both take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Login:
    """What a successful login hands the browser: the session's token (for the cookie)."""

    token: str
    user_id: int


@dataclass(frozen=True)
class SessionUser:
    """The person behind a browser's session, as every request sees it."""

    user_id: int
    email: str
    person_id: int
    name: str
    coordinator: bool
    csrf_token: str
    session_id: str


def normal_email(value: str) -> str:
    """An account's address as stored and looked up: checked, lower-cased."""
    return check_email(value).lower()


def check_password(password: str) -> str:
    """A new password, or an InputError saying what is wrong with it."""
    if len(password) < PASSWORD_MIN:
        raise InputError(_("the password is shorter than {n} characters").format(n=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise InputError(_("the password is longer than {n} characters").format(n=PASSWORD_MAX))
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash of a checked new password (slow: call it outside a transaction)."""
    return _hasher.hash(check_password(password))


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(session: Session, email: str) -> UserAccount:
    row = session.exec(select(UserAccount).where(UserAccount.email == email)).first()
    if row is None:
        raise NotFoundError(_("account {email} does not exist").format(email=email))
    return row


def _person_uid(session: Session, person_id: int) -> str:
    person = session.get(Person, person_id)
    return person.uid if person else str(person_id)


# -- managing accounts (the CLI's ``user`` commands) -------------------------------------------


def add_user(
    store: Store, email: str, person_id: int, password: str, *, coordinator: bool = False
) -> UserAccount:
    """A new account for the person ``person_id``; the password is hashed before the
    transaction."""
    address = normal_email(email)
    return _add_user(store, address, person_id, hash_password(password), coordinator)


@writes
def _add_user(
    work: Work, email: str, person_id: int, password_hash: str, coordinator: bool
) -> UserAccount:
    person = work.get(Person, person_id)
    if person.forgotten_at is not None:
        raise InputError(_("person {id} has been forgotten").format(id=person_id))
    taken = work.session.exec(select(UserAccount.id).where(UserAccount.email == email)).first()
    if taken is not None:
        raise InputError(_("account {email} exists already").format(email=email))
    now = work.now()
    row = work.add(
        UserAccount(
            email=email,
            person_id=person_id,
            password_hash=password_hash,
            coordinator=coordinator,
            created_at=now,
            updated_at=now,
        )
    )
    work.emit(events.AccountAdded(person=person.uid, coordinator=coordinator))
    return row


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every account: address, person, coordinator or not, disabled or not (no hash)."""
    with store.read() as s:
        rows = s.exec(
            select(UserAccount, Person)
            .join(Person, col(Person.id) == UserAccount.person_id)
            .order_by(col(UserAccount.email))
        ).all()
    return [
        {
            "email": user.email,
            "person": person.id,
            "name": person.name,
            "coordinator": user.coordinator,
            "disabled": user.disabled_at is not None,
        }
        for user, person in rows
    ]


@writes
def disable_user(work: Work, email: str) -> UserAccount:
    """Disable the account: no more logins, and its open sessions end now."""
    user = _account(work.session, normal_email(email))
    if user.disabled_at is None:
        user.disabled_at = work.now()
        user.updated_at = work.now()
        work.session.add(user)
    _end_sessions(work.session, user)
    work.emit(events.AccountDisabled(person=_person_uid(work.session, user.person_id)))
    return user


def set_password(store: Store, email: str, password: str) -> UserAccount:
    """Give the account a new password (hashed before the transaction); its open sessions
    end, so a stolen session dies with the old password."""
    return _set_password(store, normal_email(email), hash_password(password))


@writes
def _set_password(work: Work, email: str, password_hash: str) -> UserAccount:
    user = _account(work.session, email)
    user.password_hash = password_hash
    user.updated_at = work.now()
    work.session.add(user)
    _end_sessions(work.session, user)
    work.emit(events.PasswordChanged(person=_person_uid(work.session, user.person_id)))
    return user


def _end_sessions(session: Session, user: UserAccount) -> None:
    session.execute(delete(WebSession).where(col(WebSession.user_id) == user.id))


# -- logging in and out --------------------------------------------------------------------------


def _actor(email: str) -> str:
    """An address as typed, fit to be the audit log's "who acted" (one line, bounded)."""
    shown = "".join(c if c.isprintable() else "?" for c in " ".join(email.split()))
    return shown[:ACTOR_LIMIT] or "?"


def _failures(session: Session, email: str, now: datetime) -> int:
    """Failed logins for ``email`` in the window, since its last successful one."""
    since = now - FAILURE_WINDOW
    last_ok = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, col(LoginAttempt.succeeded).is_(True)
        )
    ).one()
    if last_ok is not None and as_utc(last_ok) > since:
        since = as_utc(last_ok)
    return session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.email == email,
            col(LoginAttempt.succeeded).is_(False),
            col(LoginAttempt.at) > since,
        )
    ).one()


def log_in(store: Store, email: str, password: str, *, address: str | None = None) -> Login:
    """Check the address and password and open a new session, or raise LoginError (wrong
    address or password, disabled account) or ThrottledError (too many failures)."""
    typed = " ".join(email.split()).lower()
    with store.read() as s:
        if _failures(s, typed, store.now()) >= FAILURES_ALLOWED:
            hashed = None
            throttled = True
        else:
            throttled = False
            user = s.exec(select(UserAccount).where(UserAccount.email == typed)).first()
            hashed = user.password_hash if user is not None and user.disabled_at is None else None
    if throttled:
        _record_failure(store, typed, address, act="login_throttled")
        raise ThrottledError(
            _("too many failed logins for this address; try again in {n} minutes").format(
                n=int(FAILURE_WINDOW.total_seconds() // 60)
            )
        )
    if not _verified(hashed, password):
        _record_failure(store, typed, address, act="login_failed")
        raise LoginError(_("wrong e-mail address or password"))
    assert hashed is not None
    return _open_session(store, typed, address, _hasher.check_needs_rehash(hashed), password)


def _verified(hashed: str | None, password: str) -> bool:
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password[:PASSWORD_MAX]) and bool(hashed)
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(store: Store, email: str, address: str | None, *, act: str) -> None:
    with unit_of_work(store, actor=_actor(email)) as work:
        work.add(LoginAttempt(email=email[:320], address=address, succeeded=False, at=work.now()))
        work.emit(events.LoginFailed(act=act))


def _open_session(
    store: Store, email: str, address: str | None, rehash: bool, password: str
) -> Login:
    token = secrets.token_urlsafe(32)
    new_hash = _hasher.hash(password) if rehash else None

    def once() -> Login:
        with unit_of_work(store, actor=email) as work:
            user = _account(work.session, email)
            if new_hash is not None:
                user.password_hash = new_hash
                work.session.add(user)
            now = work.now()
            assert user.id is not None
            work.add(LoginAttempt(email=email, address=address, succeeded=True, at=now))
            work.add(
                WebSession(
                    id=_token_id(token),
                    user_id=user.id,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                    seen_at=now,
                )
            )
            work.emit(events.LoggedIn(person=_person_uid(work.session, user.person_id)))
            return Login(token=token, user_id=user.id)

    return store.retry(once)


def session_user(store: Store, token: str | None) -> SessionUser | None:
    """The user of a browser's session token, or None: unknown, ended, idle too long, or
    the account disabled since."""
    if not token:
        return None
    ident = _token_id(token)
    now = store.now()
    with store.read() as s:
        found = s.exec(
            select(WebSession, UserAccount, Person)
            .join(UserAccount, col(UserAccount.id) == WebSession.user_id)
            .join(Person, col(Person.id) == UserAccount.person_id)
            .where(WebSession.id == ident, col(UserAccount.disabled_at).is_(None))
        ).first()
    if found is None:
        return None
    web, user, person = found
    if now - as_utc(web.seen_at) > SESSION_IDLE:
        return None
    if now - as_utc(web.seen_at) > _SEEN_EVERY:
        _touch(store, ident, now)
    assert user.id is not None and person.id is not None
    return SessionUser(
        user_id=user.id,
        email=user.email,
        person_id=person.id,
        name=person.name,
        coordinator=user.coordinator,
        csrf_token=web.csrf_token,
        session_id=ident,
    )


def _touch(store: Store, ident: str, now: datetime) -> None:
    with store.atomic() as s:
        row = s.get(WebSession, ident)
        if row is not None:
            row.seen_at = now
            s.add(row)


def log_out(store: Store, user: SessionUser) -> None:
    """End the session (the audit log says who logged out)."""
    with unit_of_work(store, actor=user.email) as work:
        work.session.execute(delete(WebSession).where(col(WebSession.id) == user.session_id))
        work.emit(events.LoggedOut(person=_person_uid(work.session, user.person_id)))


# -- personal API tokens ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    """A token just made: its id, and the token itself (shown this once, never kept)."""

    id: int
    token: str


@writes
def add_token(work: Work, email: str, name: str) -> NewToken:
    """A new personal API token for the account, named ``name`` (what it is for)."""
    user = _account(work.session, normal_email(email))
    if user.disabled_at is not None:
        raise InputError(_("account {email} is disabled").format(email=user.email))
    label = " ".join(name.split())
    if not label or len(label) > TOKEN_NAME_MAX:
        raise InputError(_("the token's name: 1 to {n} characters").format(n=TOKEN_NAME_MAX))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    row = work.add(
        ApiToken(user_id=user.id, name=label, token_sha256=_token_id(token), created_at=work.now())
    )
    assert row.id is not None
    person = _person_uid(work.session, user.person_id)
    work.emit(events.TokenCreated(person=person, token=row.id, comment=label))
    return NewToken(id=row.id, token=token)


def list_tokens(store: Store) -> list[dict[str, Any]]:
    """Every personal API token: id, account, name, made and last used (never the token)."""
    with store.read() as s:
        rows = s.exec(
            select(ApiToken, UserAccount.email)
            .join(UserAccount, col(UserAccount.id) == ApiToken.user_id)
            .order_by(col(ApiToken.id))
        ).all()
    return [
        {
            "id": token.id,
            "email": email,
            "name": token.name,
            "created": as_utc(token.created_at).isoformat(),
            "used": as_utc(token.used_at).isoformat() if token.used_at else None,
        }
        for token, email in rows
    ]


@writes
def revoke_token(work: Work, token_id: int) -> None:
    """Revoke a personal API token: requests with it are refused from now on."""
    row = work.session.get(ApiToken, token_id)
    if row is None:
        raise NotFoundError(_("token {id} does not exist").format(id=token_id))
    user = work.get(UserAccount, row.user_id)
    work.session.delete(row)
    work.emit(events.TokenRevoked(person=_person_uid(work.session, user.person_id), token=token_id))


def token_user(store: Store, token: str | None) -> SessionUser | None:
    """The user a personal API token acts as, or None (unknown, revoked, or the account
    disabled). It has no CSRF token: a token is sent on purpose, never by a browser."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    with store.read() as s:
        found = s.exec(
            select(ApiToken, UserAccount, Person)
            .join(UserAccount, col(UserAccount.id) == ApiToken.user_id)
            .join(Person, col(Person.id) == UserAccount.person_id)
            .where(
                ApiToken.token_sha256 == _token_id(token), col(UserAccount.disabled_at).is_(None)
            )
        ).first()
    if found is None:
        return None
    row, user, person = found
    now = store.now()
    if row.used_at is None or now - as_utc(row.used_at) > _SEEN_EVERY:
        with store.atomic() as s:
            s.execute(update(ApiToken).where(col(ApiToken.id) == row.id).values(used_at=now))
    assert user.id is not None and person.id is not None
    return SessionUser(
        user_id=user.id,
        email=user.email,
        person_id=person.id,
        name=person.name,
        coordinator=user.coordinator,
        csrf_token="",
        session_id="",
    )


def secret_key(store: Store) -> str:
    """The key that signs the web's cookies: made once per database, shared by every worker
    (``GRANSKNING_SECRET_KEY`` overrides it)."""
    from_env = os.environ.get("GRANSKNING_SECRET_KEY")
    if from_env:
        return from_env

    def once() -> str:
        with store.atomic() as s:
            row = s.get(WebSetting, "secret_key")
            if row is None:
                row = WebSetting(key="secret_key", value=secrets.token_urlsafe(48))
                s.add(row)
            return row.value

    return store.retry(once)


__all__ = [
    "FAILURES_ALLOWED",
    "FAILURE_WINDOW",
    "Login",
    "NewToken",
    "PASSWORD_MIN",
    "SessionUser",
    "TOKEN_PREFIX",
    "add_token",
    "add_user",
    "check_password",
    "disable_user",
    "hash_password",
    "list_tokens",
    "list_users",
    "log_in",
    "log_out",
    "normal_email",
    "revoke_token",
    "secret_key",
    "session_user",
    "set_password",
    "token_user",
]
