"""What every command shares: options, the store it opens, and who is running it."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer

from schedtui.core.security import audit, os_identity
from schedtui.core.security.access import Actor
from schedtui.core.security.audit_anchor import Anchoring, anchor
from schedtui.core.security.signin import sign_in_as_os_account
from schedtui.core.support.clock import Clock, SystemClock
from schedtui.core.support.errors import BadInput
from schedtui.core.support.spoken_dates import spoken_day, within_reach
from schedtui.core.support.text import printable
from schedtui.core.upkeep.stores import (
    OpenedStore,
    open_sandbox,
    open_store,
    prepare_keychain,
    store_target,
)
from schedtui.core.views.today import clinic_today
from schedtui.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from schedtui.data.store import Store

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store: SQLite file path or postgresql:// URL (env SCHEDTUI_DB)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@dataclass
class Invocation:
    """What the top-level options said, handed to every subcommand."""

    db: str | None
    sandbox: bool
    clock: Clock


def settings() -> Settings:
    """The effective settings."""
    return load_settings()


def opened_store(
    invocation: Invocation,
    db: str | None = None,
    *,
    encrypt: bool = False,
    create: bool = False,
    announce: Callable[[str], None] | None = None,
) -> OpenedStore:
    """Open (and upgrade) the store the options name. Only `create` (init, and the TUI on
    the default store) makes a new one: a mistyped --db is refused, not a new empty
    clinic. `encrypt` creates it encrypted. What there is to say on the way (an upgrade,
    the sandbox's first seeding) goes to `announce` (standard error by default)."""
    tell = announce or _say_on_stderr
    current = settings()
    prepare_keychain(current)
    db = db or invocation.db
    if invocation.sandbox:
        store_target(current, db=db, sandbox=True)  # refuses --db with --sandbox
        return open_sandbox(current, invocation.clock, on_seed=lambda: tell(SANDBOX_SEEDING))
    target = store_target(current, db=db, sandbox=False)
    opened = open_store(target, now=invocation.clock.now(), encrypt=encrypt, create=create)
    upgrade = _upgrade_report(opened)
    if upgrade:
        tell(upgrade)
    anchor(opened.store, anchoring_for(current))
    return opened


def anchoring_for(current: Settings) -> Anchoring:
    """Where and how often the clinic store's audit chain is checkpointed."""
    return Anchoring(
        current.audit_checkpoint_path(),
        current.audit_checkpoint_every,
        current.audit_checkpoint_syslog,
    )


#: Said before the sandbox is first filled with synthetic patients (it takes a while).
SANDBOX_SEEDING = "Creating the sandbox clinic (synthetic patients), first use only..."


def _say_on_stderr(text: str) -> None:
    say(text, err=True)


def _upgrade_report(opened: OpenedStore) -> str:
    """What an upgrade of the store on opening did ("" when there was none)."""
    result = opened.upgrade
    if not (result.changed and result.from_revision is not None):
        return ""
    copy = f"; the old store was copied to {result.backup_path}" if result.backup_path else ""
    return f"Upgraded the store from schema {result.from_revision} to {result.to_revision}{copy}."


def command_actor(opened: OpenedStore, invocation: Invocation) -> Actor:
    """The schedtui user linked to the OS account running the command (audited sign-in)."""
    return sign_in_as_os_account(
        opened.store,
        os_identity.current_os_login(),
        now=invocation.clock.now(),
        method="os-account (command line)",
        sandbox=invocation.sandbox,
    )


@dataclass(frozen=True)
class CommandDesk:
    """The desk a command works at, set up once per invocation: who runs it (the user
    linked to the OS account, signed in and audited), on which store (opened and
    upgraded), by which clock."""

    invocation: Invocation
    opened: OpenedStore
    actor: Actor

    @property
    def store(self) -> Store:
        """The store the command works on."""
        return self.opened.store

    @property
    def clock(self) -> Clock:
        """The command's clock (the system's, or a frozen one in tests)."""
        return self.invocation.clock

    @property
    def sandbox(self) -> bool:
        """Whether this is the trainees' sandbox."""
        return self.invocation.sandbox


def command_desk(ctx: typer.Context, db: str | None) -> CommandDesk:
    """What every command that acts for a user starts with: the store the options name,
    opened (and upgraded), and the user linked to the OS account running the command."""
    invocation: Invocation = ctx.obj
    opened = opened_store(invocation, db)
    return CommandDesk(invocation, opened, command_actor(opened, invocation))


def record_view(
    desk: CommandDesk,
    now: datetime,
    entity: str,
    *,
    as_json: bool,
    patients: Iterable[str | int] = (),
    patient_id: int | None = None,
    **detail: object,
) -> None:
    """Audit what a command is about to show of patients: a view, or an export with --json
    (output a script keeps). `patients` names whom (MRNs or ids)."""
    audit.append(
        desk.store,
        actor=desk.actor,
        action="export" if as_json else "view",
        now=now,
        entity=entity,
        patient_id=patient_id,
        detail={**detail, "patients": list(patients)},
    )


#: The clock of the command being run (set as it starts): what "today" means to a day
#: given in words ("next tue", "dec 4").
_CLOCK: list[Clock] = []


def use_clock(clock: Clock) -> None:
    """Days given in words are read against this clock (the clinic's today)."""
    _CLOCK[:] = [clock]


def _today() -> date:
    clock = _CLOCK[0] if _CLOCK else SystemClock()
    return clinic_today(clock, settings().zone)


def parse_day(text: str | None, option: str) -> date | None:
    """A day from an option: ISO (2026-12-04) or as people say it ("dec 4", "next tue",
    "+2w"), the latter echoed on stderr as read; a clear `BadInput` otherwise."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = _spoken(text, option)
        say(f"Note: {option} '{text}' read as {day:%a %Y-%m-%d}.", err=True)
    return within_reach(day, f"{option} {text}")


def _spoken(text: str, option: str) -> date:
    try:
        return spoken_day(text, _today())
    except BadInput as wrong:
        raise BadInput(f"{option}: {wrong}") from None


#: A time of day at the end of a spoken start: "9am", "9:30 am", "14:30".
_TIME_OF_DAY = re.compile(r"^(.*?)\s*(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def read_password(from_stdin: bool, *, confirm: bool = True, prompt: str = "Password") -> str:
    """A password (or PIN) from one line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise BadInput("--password-stdin was given but stdin was empty.")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise BadInput("No terminal to ask for a password: use --password-stdin.")
    password: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    return password


def print_json(value: Any) -> None:
    """One JSON document on stdout (every character past ASCII escaped, so no stored
    control character reaches the terminal as itself)."""
    typer.echo(json.dumps(value, default=str, ensure_ascii=True))


def say(text: object = "", *, err: bool = False) -> None:
    """Print a line (or lines) for a person: control characters from the store or the
    command line are shown as symbols, never sent to the terminal."""
    typer.echo("\n".join(printable(line) for line in str(text).split("\n")), err=err)


def _spoken_moment(text: str, option: str) -> datetime:
    """A day and a time of day in words (no zone)."""
    found = _TIME_OF_DAY.match(" ".join(text.lower().split()))
    if found is None or not found.group(1):
        raise BadInput(
            f"{option} '{text}' is not a time like 2026-03-09T09:00-05:00 or 'next tue 9am' "
            "(a start needs both a day and a time)."
        )
    day_said, hour, minute, half = found.groups()
    hour_of_day, minutes = int(hour), int(minute or 0)
    if half:
        if not 1 <= hour_of_day <= 12:
            raise BadInput(f"{option} '{text}': {hour}{half} is not a time of day.")
        hour_of_day = hour_of_day % 12 + (12 if half.startswith("p") else 0)
    if hour_of_day > 23 or minutes > 59:
        raise BadInput(f"{option} '{text}': {hour}:{minute or '00'} is not a time of day.")
    return datetime.combine(_spoken(day_said, option), time(hour_of_day, minutes))


def parse_moment(text: str, option: str, zone: str) -> datetime:
    """An ISO time, or a day and time as people say them ("next tue 9am", "dec 4
    14:30"); one without a zone is read in `zone` (the site's), and we say so."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = _spoken_moment(text, option)
        local = moment.replace(tzinfo=ZoneInfo(zone))
        say(f"Note: {option} '{text}' read as {local:%a %Y-%m-%d %I:%M %p %Z}.", err=True)
        return local
    within_reach(moment.date(), f"{option} {text}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
        say(f"Note: {option} {text} has no timezone; read as {zone} time.", err=True)
    return moment


Row = TypeVar("Row")


def rows_read(
    ctx: typer.Context, db: str | None, read: Callable[[Session], list[Row]]
) -> list[Row]:
    """Rows read by `read` in one read transaction on the store the options name."""
    invocation: Invocation = ctx.obj
    with opened_store(invocation, db).store.read() as session:
        return read(session)


def sheet_file(csv: Path | None, xlsx: Path | None, *, force: bool) -> Path | None:
    """The file a table is written to (`--csv` or `--xlsx`, not both), checked before
    anything is read: the name says which kind, the folder exists, a file there is
    replaced only with --force. None when neither was given."""
    from schedtui.core.security.sheets import check_sheet_target

    if csv is not None and xlsx is not None:
        raise BadInput("Give --csv or --xlsx, not both.")
    for path, suffix in ((csv, ".csv"), (xlsx, ".xlsx")):
        if path is not None:
            if path.suffix.lower() != suffix:
                raise BadInput(f"--{suffix[1:]} {path}: name a {suffix} file.")
            return check_sheet_target(path, replace=force)
    return None
