"""`schedtui slots find`, `book` and `access tna`."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from schedtui.commands.common import (
    CommandDesk,
    DbOption,
    Invocation,
    JsonOption,
    command_desk,
    opened_store,
    parse_day,
    parse_moment,
    print_json,
    record_view,
    say,
    settings,
)
from schedtui.commands.screening import answer_pair
from schedtui.core.schedule import directory
from schedtui.core.schedule.access_kpis import third_next_available
from schedtui.core.schedule.booking import BookingRequest, book
from schedtui.core.schedule.booking_checks import OpenItemsNeedReason, open_insurance_items
from schedtui.core.schedule.booking_choices import post_discharge_window
from schedtui.core.schedule.slots import SlotRequest, find_open_slots
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.stores import OpenedStore
from schedtui.core.views.today import clinic_today
from schedtui.data.codes import DAY_PARTS, VISIT_MODES

slots_app = typer.Typer(help="Open slots.", add_completion=False)
access_app = typer.Typer(help="Access measures.", add_completion=False)
TypeOption = Annotated[str, typer.Option("--type", help="Appointment type code, e.g. FMFU.")]
PatientOption = Annotated[str | None, typer.Option("--patient", help="Patient MRN.")]


def _weekdays(text: str | None) -> frozenset[int] | None:
    if text is None:
        return None
    if not text or any(ch not in "0123456" for ch in text):
        raise BadInput("--days takes digits 0 (Monday) to 6 (Sunday), e.g. 024.")
    return frozenset(int(ch) for ch in text)


def _open_for_search(
    ctx: typer.Context, db: str | None, patient: str | None
) -> tuple[OpenedStore, CommandDesk | None]:
    """The store for a slot search; signed in (with the right to see patients) when the
    search reads a patient's record."""
    if not patient:
        return opened_store(ctx.obj, db), None
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="patient")
    return desk.opened, desk


@slots_app.command("find")
def find(
    ctx: typer.Context,
    type_code: TypeOption,
    specialty: Annotated[str | None, typer.Option(help="Specialty code.")] = None,
    provider: Annotated[list[int] | None, typer.Option("--provider", help="Provider id.")] = None,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="Site code (BOS) or id (repeat).")
    ] = None,
    after: Annotated[str | None, typer.Option(help="Earliest date, YYYY-MM-DD.")] = None,
    before: Annotated[str | None, typer.Option(help="Latest date, YYYY-MM-DD.")] = None,
    mode: Annotated[str | None, typer.Option(help="telehealth or in-person.")] = None,
    language: Annotated[str | None, typer.Option(help="Language the visit needs, e.g. es.")] = None,
    patient: PatientOption = None,
    days: Annotated[str | None, typer.Option(help="Weekdays, 0=Mon..6=Sun, e.g. 024.")] = None,
    part: Annotated[str, typer.Option(help="any, morning, afternoon or evening.")] = "any",
    rank: Annotated[str, typer.Option(help="earliest, own-provider or spread.")] = "earliest",
    limit: Annotated[int, typer.Option(min=1, max=200)] = 10,
    discharged: Annotated[
        str | None,
        typer.Option(help="A post-discharge follow-up: the day of discharge (the soonest "
                     "times within 7 days of it)."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """The best open slots for a visit, each with why it fits. With --patient the search
    reads the patient's record (language, visits): the user must be signed in, and it is
    an audited view."""
    if mode is not None and mode not in VISIT_MODES:
        raise BadInput("--mode is telehealth or in-person.")
    if part not in DAY_PARTS:
        raise BadInput("--part is any, morning, afternoon or evening.")
    invocation: Invocation = ctx.obj
    if discharged is not None:
        if after is not None or before is not None:
            raise BadInput("--discharged sets the days itself: leave out --after and --before.")
        day = parse_day(discharged, "--discharged")
        assert day is not None
        window = post_discharge_window(day, clinic_today(invocation.clock, settings().zone))
        after, before, rank = window[0].isoformat(), window[1].isoformat(), "earliest"
    opened, desk = _open_for_search(ctx, db, patient)
    store = opened.store
    with store.read() as session:
        patient_id = directory.patient_id_for(session, patient) if patient else None
        request = SlotRequest(
            type_code,
            tuple(provider or ()),
            specialty,
            tuple(directory.site_id_for(session, said) for said in site or ()),
            parse_day(after, "--after"),
            parse_day(before, "--before"),
            _weekdays(days),
            part,
            mode,
            language,
            patient_id,
            limit,
            rank,
        )
        slots = find_open_slots(session, request, now=invocation.clock.now())
        zones = {row.id: row.timezone for row in directory.sites(session)}
    if desk is not None:
        record_view(
            desk,
            invocation.clock.now(),
            "slot-search",
            as_json=as_json,
            patients=[patient or ""],
            patient_id=patient_id,
            type_code=type_code,
        )
    if as_json:
        print_json(
            [
                {
                    "provider_id": s.provider_id,
                    "site_id": s.site_id,
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "type_code": s.type_code,
                    "visit_mode": s.visit_mode,
                    "interpreter_language": s.interpreter_language,
                    "why": list(s.why),
                }
                for s in slots
            ]
        )
        return
    if not slots:
        say("No open slots match.")
    for s in slots:
        local = s.start.astimezone(ZoneInfo(zones[s.site_id]))
        say(
            f"{local:%a %Y-%m-%d %H:%M %Z}  provider {s.provider_id:>3} site {s.site_id}  "
            f"{s.type_code}  {'; '.join(s.why)}"
        )


def book_command(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    provider: Annotated[int, typer.Option("--provider", help="Provider id.")],
    start: Annotated[str, typer.Option(help="Start, ISO 8601 (zone: the site's if left out).")],
    type_code: TypeOption,
    site: Annotated[str | None, typer.Option("--site", help="Site code (BOS) or id.")] = None,
    mode: Annotated[str | None, typer.Option(help="telehealth or in-person.")] = None,
    note: Annotated[str, typer.Option(help="Reason for the visit.")] = "",
    overbook: Annotated[bool, typer.Option("--overbook", help="Book over a taken slot.")] = False,
    reason: Annotated[str, typer.Option(help="Why the overbooking (required with it).")] = "",
    override_reason: Annotated[
        str,
        typer.Option(
            help="Why book despite open insurance items (required when there are any; "
            "kept in the audit), e.g. 'self-pay'."
        ),
    ] = "",
    answer: Annotated[
        list[str] | None,
        typer.Option(help="A screening answer, QUESTION_ID=ANSWER (again for each)."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Book an appointment (through the same checks as every booking); print its id.
    Open insurance items (no coverage, no authorization...) need --override-reason, as
    they need a reason on the booking screen. Screening answers (see 'types questions
    CODE') are kept with the visit."""
    answers = tuple(answer_pair(text) for text in answer or [])
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        patient_id = directory.patient_id_for(session, patient)
        site_id = directory.site_id_for(session, site) if site is not None else None
        zone = directory.zone_for(session, provider, site_id)
    moment = parse_moment(start, "--start", zone)
    now = desk.clock.now()
    request = BookingRequest(
        patient_id, provider, type_code, moment, site_id, mode, note, overbook, reason,
        override_reason=override_reason, screening=answers,
    )  # fmt: skip
    current = settings()
    warnings = open_insurance_items(desk.store, request, now=now, settings=current)
    try:
        appointment_id = book(desk.store, desk.actor, request, now=now, settings=current)
    except OpenItemsNeedReason as wrong:
        raise BadInput(f"{wrong}. Book anyway with --override-reason TEXT.") from None
    for warning in warnings:
        say(f"Booked despite: {warning}", err=True)
    if as_json:
        print_json({"id": appointment_id, "warnings": warnings})
    else:
        say(appointment_id)


@access_app.command("tna")
def tna(
    ctx: typer.Context,
    type_code: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    horizon: Annotated[int, typer.Option(min=1, max=365, help="Days to look ahead.")] = 90,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Third next available (days to the third open slot) per provider and type."""
    invocation: Invocation = ctx.obj
    now = invocation.clock.now()
    store = opened_store(invocation, db).store
    with store.read() as session:
        rows = third_next_available(
            session, now=now, today=now.date(), type_code=type_code, horizon_days=horizon
        )
    if as_json:
        print_json(
            [{"provider_id": r.provider_id, "type_code": r.type_code, "days": r.days} for r in rows]
        )
        return
    for r in rows:
        days = "none within the horizon" if r.days is None else f"{r.days} days"
        say(f"provider {r.provider_id:>3}  {r.type_code:<7} {days}")


def register(app: typer.Typer) -> None:
    """Add these commands to the main app."""
    app.add_typer(slots_app, name="slots")
    app.add_typer(access_app, name="access")
    app.command("book")(book_command)
