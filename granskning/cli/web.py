"""``granskning serve`` and ``granskning user``: the web application and its accounts."""

from __future__ import annotations

import os

import click

from granskning.cli._base import command, group, option, store
from granskning.cli._output import ok, print_json, print_rows
from granskning.cli.options import json_option
from granskning.domain.errors import InputError
from granskning.domain.i18n import N_, _
from granskning.storage.files import read_input

# Seconds a stopping server gives open requests (live sessions' event streams) to end.
SHUTDOWN_WAIT_S = 3


@command(
    "serve",
    help=N_(
        "Serve the web application on this database. Several workers need PostgreSQL. "
        "Behind a reverse proxy (TLS at the proxy) give --proxy-headers and "
        "--forwarded-allow-ips; cookies are then Secure.\n\n"
        "\b\nExample:\n  granskning --db granskning-demo/demo.db serve --port 8000"
    ),
)
@option("--host", default="127.0.0.1", show_default=True, help=N_("The address to listen on."))
@option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help=N_("The port to listen on."),
)
@option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help=N_("Worker processes (more than one needs PostgreSQL)."),
)
@option(
    "--proxy-headers",
    is_flag=True,
    help=N_("Trust X-Forwarded-Proto and X-Forwarded-For from the proxy."),
)
@option(
    "--forwarded-allow-ips",
    metavar="IPS",
    default=None,
    help=N_("The proxy addresses to trust, comma-separated (default 127.0.0.1)."),
)
def serve(
    host: str, port: int, workers: int, proxy_headers: bool, forwarded_allow_ips: str | None
) -> None:
    import uvicorn

    st = store()
    if workers > 1 and st.is_sqlite:
        raise InputError(
            _("--workers {n}: several workers need PostgreSQL; this database is SQLite").format(
                n=workers
            )
        )
    os.environ["GRANSKNING_DB"] = st.url
    click.echo(
        _("serving {url} on http://{host}:{port}/ (Ctrl+C stops)").format(
            url=st.safe_url, host=host, port=port
        )
    )
    st.dispose()
    uvicorn.run(
        "granskning.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        log_level="warning",
        # a live session page's event stream never ends by itself: stopping waits this long
        timeout_graceful_shutdown=SHUTDOWN_WAIT_S,
    )


@group(
    "user",
    help=N_(
        "Accounts of the web application: an e-mail address linked to a person.\n\n"
        "\b\nExample:\n  granskning user add anna@example.se --person 3"
    ),
)
def user() -> None:
    pass


def _password(path: str | None) -> str:
    """The password from ``--password-file`` (its first line), or asked twice."""
    if path is not None:
        raw = read_input(path, 4096)
        try:
            lines = raw.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            raise InputError(
                _("--password-file {path}: not UTF-8 text").format(path=path)
            ) from None
        if not lines or not lines[0]:
            raise InputError(_("--password-file {path}: the first line is empty").format(path=path))
        return lines[0]
    return str(
        click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Repeat the password"))
    )


@user.command(
    "add",
    help=N_(
        "Add an account for a person. The password is read from --password-file or asked for "
        "twice; it is kept only as an Argon2id hash.\n\n"
        "\b\nExample:\n  granskning user add anna@example.se --person 3 --password-file pw.txt"
    ),
)
@click.argument("email")
@option(
    "--person",
    "person_id",
    required=True,
    type=int,
    metavar="ID",
    help=N_("The person the account belongs to."),
)
@option("--coordinator", is_flag=True, help=N_("A coordinator sees and does everything."))
@option(
    "--password-file", metavar="FILE", help=N_("Read the password from the first line of FILE.")
)
def add(email: str, person_id: int, coordinator: bool, password_file: str | None) -> None:
    from granskning.services import accounts

    st = store()
    row = accounts.add_user(st, email, person_id, _password(password_file), coordinator=coordinator)
    ok(_("account {email} added for person {person}").format(email=row.email, person=person_id))


@user.command(
    "list",
    help=N_(
        "List the accounts (never a password or its hash).\n\n\b\nExample:\n  granskning user list --json"
    ),
)
@json_option()
def list_(as_json: bool) -> None:
    from granskning.services import accounts

    print_rows(
        as_json,
        accounts.list_users(store()),
        [N_("e-mail"), N_("person"), N_("name"), N_("coordinator"), N_("disabled")],
        lambda r: (
            r["email"],
            r["person"],
            r["name"],
            _("yes") if r["coordinator"] else _("no"),
            _("yes") if r["disabled"] else _("no"),
        ),
    )


@user.command(
    "disable",
    help=N_(
        "Disable an account: it can no longer log in, and its open sessions end now.\n\n"
        "\b\nExample:\n  granskning user disable anna@example.se"
    ),
)
@click.argument("email")
def disable(email: str) -> None:
    from granskning.services import accounts

    row = accounts.disable_user(store(), email)
    ok(_("account {email} disabled").format(email=row.email))


@user.command(
    "password",
    help=N_(
        "Set a new password for an account; its open sessions end.\n\n"
        "\b\nExample:\n  granskning user password anna@example.se --password-file pw.txt"
    ),
)
@click.argument("email")
@option(
    "--password-file", metavar="FILE", help=N_("Read the password from the first line of FILE.")
)
def password(email: str, password_file: str | None) -> None:
    from granskning.services import accounts

    row = accounts.set_password(store(), email, _password(password_file))
    ok(_("new password set for {email}").format(email=row.email))


@user.command(
    "token",
    help=N_(
        "Make a personal token for the JSON API (/api/...), sent as 'Authorization: Bearer "
        "TOKEN' instead of a login; it acts as the account. The token is printed this once "
        "and only its SHA-256 is kept.\n\n"
        "\b\nExample:\n  granskning user token anna@example.se --name 'Uppföljningsskript'"
    ),
)
@click.argument("email")
@option("--name", required=True, metavar="TEXT", help=N_("What the token is for."))
@json_option()
def token(email: str, name: str, as_json: bool) -> None:
    from granskning.services import accounts

    made = accounts.add_token(store(), email, name)
    if as_json:
        print_json({"id": made.id, "token": made.token})
        return
    click.echo(made.token)
    ok(_("token {id} made for {email}; it is shown only now").format(id=made.id, email=email))


@user.command(
    "tokens",
    help=N_(
        "List the personal API tokens (never the tokens themselves).\n\n"
        "\b\nExample:\n  granskning user tokens --json"
    ),
)
@json_option()
def tokens(as_json: bool) -> None:
    from granskning.services import accounts

    print_rows(
        as_json,
        accounts.list_tokens(store()),
        [N_("id"), N_("e-mail"), N_("name"), N_("created"), N_("last used")],
        lambda r: (r["id"], r["email"], r["name"], r["created"], r["used"] or "–"),
    )


@user.command(
    "revoke-token",
    help=N_(
        "Revoke a personal API token: requests with it are refused from now on.\n\n"
        "\b\nExample:\n  granskning user revoke-token 3"
    ),
)
@click.argument("token_id", type=int, metavar="ID")
def revoke_token(token_id: int) -> None:
    from granskning.services import accounts

    accounts.revoke_token(store(), token_id)
    ok(_("token {id} revoked").format(id=token_id))
