"""`schedtui patients search|find QUERY`, `patients show MRN` and `patients add`: the lookup,
the panel and registration, for scripts and the phone system's screen pop."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    say,
    settings,
)
from schedtui.commands.patients_edit import edit
from schedtui.commands.patients_merge import duplicates, merge
from schedtui.core.insurance.money import dollars
from schedtui.core.messages.consent import set_consent
from schedtui.core.patients.lookup.service import find_in_store
from schedtui.core.patients.lookup.trail import record_patient_search
from schedtui.core.patients.registration import (
    Duplicate,
    Registration,
    RegistrationInvalid,
    register_patient,
)
from schedtui.core.schedule.directory import patient_id_for
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.support.formats import day_text
from schedtui.core.support.text import printable
from schedtui.core.views.patient_panel import patient_panel
from schedtui.core.views.today import clinic_today

app = typer.Typer(help="Patients.", add_completion=False)
app.command("edit")(edit)
app.command("merge")(merge)
app.command("duplicates")(duplicates)


@app.command("search")
@app.command("find")
def find(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Name fragments, DOB, phone digits or MRN.")],
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find patients the way a caller identifies themselves (the search is audited)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="patient")
    current = settings()
    matches = find_in_store(  # from the keys in the store: no full index to build
        desk.store,
        query,
        now=now,
        today=clinic_today(desk.clock, current.zone),
        region=current.region,
        limit=limit,
    )
    record_patient_search(
        desk.store, desk.actor, now=now, query=query, shown=[m.mrn for m in matches]
    )
    if as_json:
        print_json([match.to_json() for match in matches])
        return
    if not matches:
        say("No patient matches.")
    for match in matches:
        upcoming = f"next {match.next_appointment:%Y-%m-%d}" if match.next_appointment else ""
        say(
            printable(
                f"{match.mrn:<10} {match.name:<32} {day_text(match.dob)} "
                f"({match.age:>3})  {match.phone:<15} {upcoming:<16} "
                f"{', '.join(match.alerts)}"
            )
        )


@app.command("show")
def show(
    ctx: typer.Context,
    mrn: Annotated[str, typer.Argument(help="Patient MRN.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The patient panel: details, coverage, visits, reliability (an audited view)."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        patient_id = patient_id_for(session, mrn)
    panel = patient_panel(desk.store, desk.actor, patient_id, now=desk.clock.now())
    if as_json:
        print_json(asdict(panel))
        return
    lines = [
        f"{panel.name}  {panel.mrn}  born {day_text(panel.dob)} (age {panel.age})",
        f"phones: {', '.join(panel.phones) or 'none'}  e-mail: {panel.email or 'none'}",
        f"language: {panel.language}{', needs an interpreter' if panel.interpreter_needed else ''}",
        f"contact: {panel.contact_text()}",
        f"coverage: {len(panel.coverages)} on file; balance {dollars(panel.balance_cents)}",
        f"reliability: {panel.reliability_text()}",
        *(
            f"upcoming: {v.local_start:%Y-%m-%d %H:%M %Z} {v.type_code} {v.provider}"
            for v in panel.upcoming
        ),
    ]
    for line in lines:
        say(printable(line))


#: The form's field names as this command's options, so a message names what to fix.
OPTION_FOR_FIELD = {
    "first_name": "--first",
    "last_name": "--last",
    "dob": "--dob",
    "phone": "--phone",
    "sex": "--sex",
    "email": "--email",
    "language": "--language",
    "address_line": "--address",
    "city": "--city",
    "state": "--state",
    "postal_code": "--zip",
}


@app.command("add")
def add(
    ctx: typer.Context,
    first: Annotated[str, typer.Option("--first", help="First name.")],
    last: Annotated[str, typer.Option("--last", help="Last name.")],
    dob: Annotated[str, typer.Option("--dob", help="Date of birth, as the caller says it.")],
    phone: Annotated[str, typer.Option(help="Phone number (the clinic's region).")] = "",
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    sex: Annotated[str, typer.Option(help="female, male, other or unknown.")] = "unknown",
    language: Annotated[str, typer.Option(help="Preferred language code, e.g. es.")] = "en",
    interpreter: Annotated[
        bool, typer.Option("--interpreter", help="Needs an interpreter.")
    ] = False,
    sms_ok: Annotated[bool, typer.Option("--sms-ok/--no-sms", help="May text.")] = False,
    email_ok: Annotated[bool, typer.Option("--email-ok/--no-email", help="May e-mail.")] = False,
    voice_ok: Annotated[bool, typer.Option("--voice-ok/--no-voice", help="May call.")] = True,
    address: Annotated[str, typer.Option(help="Street address.")] = "",
    city: Annotated[str, typer.Option(help="City.")] = "",
    state: Annotated[str, typer.Option(help="State.")] = "",
    postal_code: Annotated[str, typer.Option("--zip", help="ZIP code.")] = "",
    force: Annotated[
        bool, typer.Option("--force", help="Add even though a likely duplicate exists.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register a new patient (the same checks and duplicate warning as the Ctrl+N form)."""
    desk = command_desk(ctx, db)
    current = settings()
    entry = Registration(
        first, last, dob, phone, sex, email, language, interpreter, sms_ok, email_ok, voice_ok,
        address, city, state, postal_code,
    )  # fmt: skip
    try:
        registered = register_patient(
            desk.store,
            desk.actor,
            entry,
            now=desk.clock.now(),
            region=current.region,
            today=clinic_today(desk.clock, current.zone),
            not_a_duplicate=force,
        )
    except RegistrationInvalid as invalid:
        raise BadInput(
            "; ".join(f"{OPTION_FOR_FIELD.get(k, k)}: {v}" for k, v in invalid.errors.items())
        ) from None
    if registered.mrn is None:
        _refuse_duplicates(registered.duplicates, as_json)
    if as_json:
        print_json({"mrn": registered.mrn, "patient_id": registered.patient_id})
    else:
        say(f"Registered {registered.mrn}.")


def _refuse_duplicates(duplicates: tuple[Duplicate, ...], as_json: bool) -> None:
    """Name the likely duplicates and stop (exit 3) without adding anyone."""
    if as_json:
        print_json({"mrn": None, "duplicates": [asdict(d) for d in duplicates]})
    else:
        say("Not added: this may be a patient already registered.", err=True)
        for d in duplicates:
            say(printable(f"  {d.mrn}  {d.name}  {day_text(d.dob)}  ({d.reason})"), err=True)
        say("Open the existing record, or add again with --force.", err=True)
    raise typer.Exit(3)


OnOff = Annotated[str | None, typer.Option(help="on or off.", metavar="on|off")]


def _on_off(value: str | None, option: str) -> bool | None:
    if value is None:
        return None
    word = value.strip().lower()
    if word not in ("on", "off", "yes", "no", "true", "false"):
        raise BadInput(f"{option} takes on or off, not '{value}'.")
    return word in ("on", "yes", "true")


@app.command("consent")
def consent(
    ctx: typer.Context,
    mrn: Annotated[str, typer.Argument(help="The patient's MRN.")],
    sms: OnOff = None,
    email: OnOff = None,
    voice: OnOff = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record whether the patient agrees to text messages, e-mail or calls (audited);
    messages already waiting on a channel turned off are withdrawn when their time comes."""
    said = {"sms": _on_off(sms, "--sms"), "email": _on_off(email, "--email")}
    said["voice"] = _on_off(voice, "--voice")
    changes = {channel: value for channel, value in said.items() if value is not None}
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    answers = set_consent(desk.store, desk.actor, mrn, changes, now=now)
    if as_json:
        print_json({"mrn": mrn.strip(), **answers})
        return
    say(", ".join(f"{channel} {'on' if on else 'off'}" for channel, on in answers.items()))
