"""`schedtui users add|list|disable|enable|passwd|role|unlock` (admins; the first admin once)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    Invocation,
    JsonOption,
    command_actor,
    command_desk,
    opened_store,
    print_json,
    read_password,
    say,
)
from schedtui.core.security import users
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.stores import OpenedStore

app = typer.Typer(help="Users and roles (admins only).", add_completion=False)
NameArg = Annotated[str, typer.Argument(help="The schedtui user name.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from one line of stdin.")
]


def _context(ctx: typer.Context, db: str | None) -> tuple[Invocation, OpenedStore]:
    invocation: Invocation = ctx.obj
    return invocation, opened_store(invocation, db)


@app.command("add")
def add(
    ctx: typer.Context,
    username: NameArg,
    role: Annotated[str, typer.Option(help="admin, supervisor, scheduler or trainee.")],
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Ava Jensen'.")] = "",
    os_account: Annotated[
        str | None, typer.Option(help="OS (SSH) login that signs in as this user, no password.")
    ] = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="OS-account sign-in only.")
    ] = False,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a user. On a store without an admin, this creates the first admin."""
    invocation, opened = _context(ctx, db)
    users.check_new_user(username, role, name, os_account)  # before asking for a password
    password = None if no_password else read_password(password_stdin)
    now = invocation.clock.now()
    with opened.store.read() as session:
        first = users.needs_first_admin(session)
    if first and role == "admin":
        users.create_first_admin(
            opened.store,
            username=username,
            display_name=name,
            password=password,
            os_account=os_account,
            now=now,
        )
        said = f"Created '{username}', the first admin of {opened.store.describe()}."
        _added(as_json, said, username, role, first_admin=True)
        return
    if first:
        raise BadInput("This store has no admin yet: add the first one with --role admin.")
    actor = command_actor(opened, invocation)
    users.add_user(
        opened.store,
        actor,
        username=username,
        role=role,
        display_name=name,
        password=password,
        os_account=os_account,
        now=now,
    )
    _added(as_json, f"Added {role} '{username}'.", username, role, first_admin=False)


def _added(as_json: bool, said: str, username: str, role: str, *, first_admin: bool) -> None:
    if as_json:
        print_json({"username": username, "role": role, "first_admin": first_admin})
    else:
        say(said)


@app.command("list")
def list_(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the users (never their passwords)."""
    desk = command_desk(ctx, db)
    found = users.list_users(desk.store, desk.actor, now=desk.clock.now())
    if as_json:
        print_json(
            [
                {
                    "username": u.username,
                    "name": u.display_name,
                    "role": u.role,
                    "active": u.active,
                    "os_account": u.os_account,
                    "has_password": u.has_password,
                    "locked_until": u.locked_until.isoformat() if u.locked_until else None,
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                }
                for u in found
            ]
        )
        return
    for u in found:
        state = "active" if u.active else "disabled"
        if u.locked_until and u.locked_until > desk.clock.now():
            state = f"locked until {u.locked_until:%H:%M} UTC"
        login = f"os:{u.os_account}" if u.os_account else "-"
        say(f"{u.username:<20} {u.role:<11} {state:<24} {login:<16} {u.display_name}")


@app.command("disable")
def disable(ctx: typer.Context, username: NameArg, db: DbOption = None) -> None:
    """Disable an account (it can no longer sign in)."""
    desk = command_desk(ctx, db)
    users.set_active(
        desk.store,
        desk.actor,
        username,
        active=False,
        now=desk.clock.now(),
    )
    say(f"Disabled '{username}'.")


@app.command("enable")
def enable(ctx: typer.Context, username: NameArg, db: DbOption = None) -> None:
    """Enable a disabled account again."""
    desk = command_desk(ctx, db)
    users.set_active(
        desk.store,
        desk.actor,
        username,
        active=True,
        now=desk.clock.now(),
    )
    say(f"Enabled '{username}'.")


@app.command("passwd")
def passwd(
    ctx: typer.Context,
    username: NameArg,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Set a password (your own, or anyone's as an admin); also lifts a lockout."""
    desk = command_desk(ctx, db)
    users.set_password(
        desk.store, desk.actor, username, read_password(password_stdin), now=desk.clock.now()
    )
    say(f"Password of '{username}' changed.")


@app.command("pin")
def pin(
    ctx: typer.Context,
    pin_stdin: Annotated[
        bool, typer.Option("--pin-stdin", help="Read the PIN from one line of stdin.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Set your own unlock PIN (6-12 digits): what the idle lock asks for when you signed
    in as your OS account (trust_os_accounts), so a passer-by cannot open it."""
    desk = command_desk(ctx, db)
    secret = read_password(pin_stdin, prompt="Unlock PIN").strip()
    users.set_unlock_pin(desk.store, desk.actor, secret, now=desk.clock.now())
    say(f"Unlock PIN of '{desk.actor.username}' set.")


@app.command("role")
def role(
    ctx: typer.Context,
    username: NameArg,
    new_role: Annotated[str, typer.Argument(help="admin, supervisor, scheduler or trainee.")],
    db: DbOption = None,
) -> None:
    """Give a user another role."""
    desk = command_desk(ctx, db)
    users.set_role(
        desk.store,
        desk.actor,
        username,
        new_role,
        now=desk.clock.now(),
    )
    say(f"'{username}' is now a {new_role}.")


@app.command("unlock")
def unlock(ctx: typer.Context, username: NameArg, db: DbOption = None) -> None:
    """Lift a lockout after failed sign-ins before it expires."""
    desk = command_desk(ctx, db)
    users.unlock(desk.store, desk.actor, username, now=desk.clock.now())
    say(f"Unlocked '{username}'.")
