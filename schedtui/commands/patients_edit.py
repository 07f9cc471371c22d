"""`schedtui patients edit MRN`: keep a patient's chart true (each option changes one
field; the rest stay as they are), and record a death (or take one back)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import (
    CommandDesk,
    DbOption,
    JsonOption,
    command_desk,
    print_json,
    say,
    settings,
)
from schedtui.core.patients.chart_edit import ChartEdit, edit_patient
from schedtui.core.patients.registration import RegistrationInvalid
from schedtui.core.schedule.deceased import record_death, take_back_death
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable
from schedtui.core.views.today import clinic_today

#: The chart's field names as this command's options, so a message names what to fix.
OPTION_FOR_FIELD = {
    "first_name": "--first", "last_name": "--last", "dob": "--dob", "sex": "--sex",
    "email": "--email", "language": "--language", "address_line": "--address",
    "city": "--city", "state": "--state", "postal_code": "--zip", "phone": "--phone",
    "phone_kind": "--phone-kind", "remove_phone": "--remove-phone",
    "preferred_contact": "--prefers", "emergency_contact_name": "--emergency-name",
    "emergency_contact_phone": "--emergency-phone",
}  # fmt: skip
Text = Annotated[str | None, typer.Option()]


def edit(
    ctx: typer.Context,
    mrn: Annotated[str, typer.Argument(help="The patient's MRN.")],
    first: Annotated[str | None, typer.Option("--first", help="First name.")] = None,
    last: Annotated[str | None, typer.Option("--last", help="Last name.")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth.")] = None,
    sex: Annotated[str | None, typer.Option(help="female, male, other or unknown.")] = None,
    phone: Annotated[
        str | None, typer.Option(help="Add this number as the primary (or make it so).")
    ] = None,
    phone_kind: Annotated[str, typer.Option(help="mobile, home or work.")] = "mobile",
    remove_phone: Annotated[
        str | None, typer.Option(help="Take this number off the chart.")
    ] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address ('' clears it).")] = None,
    language: Annotated[str | None, typer.Option(help="Preferred language code.")] = None,
    interpreter: Annotated[
        bool | None, typer.Option("--interpreter/--no-interpreter", help="Needs an interpreter.")
    ] = None,
    address: Annotated[str | None, typer.Option(help="Street address.")] = None,
    city: Annotated[str | None, typer.Option(help="City.")] = None,
    state: Annotated[str | None, typer.Option(help="State.")] = None,
    postal_code: Annotated[str | None, typer.Option("--zip", help="ZIP code.")] = None,
    prefers: Annotated[
        str | None, typer.Option(help="How they prefer to be reached: sms, email, voice.")
    ] = None,
    emergency_name: Annotated[str | None, typer.Option(help="Emergency contact's name.")] = None,
    emergency_phone: Annotated[str | None, typer.Option(help="Emergency contact's number.")] = None,
    deceased: Annotated[
        str | None,
        typer.Option(help="The day the patient died: coming visits are cancelled."),
    ] = None,
    not_deceased: Annotated[
        bool, typer.Option("--not-deceased", help="A death recorded in error: take it back.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Change a patient's details (the registration form's checks; audited, before and
    after). Consent per channel: `patients consent`."""
    current = settings()
    change = ChartEdit(
        first, last, dob, sex, email, language, interpreter, address, city, state, postal_code,
        prefers, emergency_name, emergency_phone, phone, phone_kind, remove_phone,
    )  # fmt: skip
    if (deceased is not None or not_deceased) and change.given():
        raise BadInput("Record a death (or take one back) on its own, not with other changes.")
    desk = command_desk(ctx, db)
    now, today = desk.clock.now(), clinic_today(desk.clock, current.zone)
    if deceased is not None or not_deceased:
        _death(desk, mrn.strip(), deceased, as_json=as_json)
        return
    try:
        edited = edit_patient(desk.store, desk.actor, mrn, change, now=now,
                              region=current.region, today=today)  # fmt: skip
    except RegistrationInvalid as invalid:
        raise BadInput(
            "; ".join(f"{OPTION_FOR_FIELD.get(k, k)}: {v}" for k, v in invalid.errors.items())
        ) from None
    if as_json:
        print_json({"mrn": edited.mrn, "before": edited.before, "after": edited.after})
        return
    if not edited.after and not edited.before:
        say(f"{edited.mrn}: nothing changed (it already said that).")
    for name, value in edited.after.items():
        say(printable(f"{edited.mrn}: {name} {edited.before.get(name)!r} -> {value!r}"))


def _death(desk: CommandDesk, mrn: str, day: str | None, *, as_json: bool) -> None:
    """Record the death (`day`), or take one back (None)."""
    current = settings()
    now, today = desk.clock.now(), clinic_today(desk.clock, current.zone)
    if day is None:
        take_back_death(desk.store, desk.actor, mrn, now=now)
        document: dict[str, object] = {"mrn": mrn, "deceased": False}
        text = f"{mrn}: no longer recorded as deceased (cancelled visits stay cancelled)."
    else:
        cancelled = record_death(
            desk.store, desk.actor, mrn, day, now=now, today=today, settings=current
        )
        document = {"mrn": mrn, "deceased": True, "visits_cancelled": cancelled}
        text = f"{mrn}: recorded as deceased; {cancelled} coming visit(s) cancelled."
    if as_json:
        print_json(document)
    else:
        say(text)
