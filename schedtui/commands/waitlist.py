"""`schedtui waitlist add|list|offers|remove|update|expire`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_day,
    parse_moment,
    print_json,
    record_view,
    say,
    settings,
)
from schedtui.core.schedule import directory
from schedtui.core.schedule.waitlist import (
    OpenTime,
    WaitlistRequest,
    active_entries,
    add_to_waitlist,
    offers_for,
)
from schedtui.core.schedule.waitlist_upkeep import (
    WaitlistChange,
    change_waitlist,
    expire_lapsed,
    remove_from_waitlist,
)
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.support.errors import BadInput
from schedtui.core.views.today import clinic_today

app = typer.Typer(
    help="The waitlist: patients wanting an earlier or any time.", add_completion=False
)


@app.command("add")
def add(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    type_code: Annotated[str, typer.Option("--type", help="Appointment type code.")],
    provider: Annotated[int | None, typer.Option("--provider", help="Provider id.")] = None,
    specialty: Annotated[str | None, typer.Option(help="Specialty code.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Site code (BOS) or id.")] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="Earliest day (default today).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Latest day.")] = None,
    days: Annotated[str, typer.Option(help="Weekdays 0=Mon..6=Sun.")] = "01234",
    part: Annotated[str, typer.Option(help="any, morning, afternoon, evening.")] = "any",
    priority: Annotated[int, typer.Option(min=0, max=9, help="Urgency: higher first.")] = 0,
    expires: Annotated[str | None, typer.Option(help="The entry lapses after this day.")] = None,
    note: Annotated[str, typer.Option(help="Free text.")] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put a patient on the waitlist; print the entry id."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    with desk.store.read() as session:
        patient_id = directory.patient_id_for(session, patient)
        site_id = directory.site_id_for(session, site) if site is not None else None
    request = WaitlistRequest(
        patient_id,
        type_code,
        parse_day(first, "--from") or now.date(),
        parse_day(last, "--to"),
        provider,
        site_id,
        specialty,
        days,
        part,
        priority,
        parse_day(expires, "--expires"),
        note,
    )
    entry_id = add_to_waitlist(desk.store, desk.actor, request, now=now)
    if as_json:
        print_json({"id": entry_id, "patient_mrn": patient})
        return
    say(entry_id)


@app.command("list")
def list_(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Active entries, most urgent and longest waiting first (an audited view)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="waitlist")
    with desk.store.read() as session:
        found = active_entries(session)
    record_view(
        desk,
        now,
        "waitlist",
        as_json=as_json,
        patients=[row.patient_mrn for row in found],
    )
    if as_json:
        print_json([row.to_json() for row in found])
        return
    for row in found:
        say(
            f"{row.id:>5}  {row.patient_mrn:<10} {row.type_code:<7} "
            f"priority {row.priority}  {row.earliest}..{row.latest or ''}"
        )


@app.command("offers")
def offers(
    ctx: typer.Context,
    slot: Annotated[str, typer.Argument(help="PROVIDER@START, e.g. 3@2026-03-09T09:00.")],
    minutes: Annotated[int, typer.Option(min=5, max=480, help="How long the time is.")] = 60,
    site: Annotated[str | None, typer.Option("--site", help="Site code (BOS) or id.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who on the waitlist could take this opened time, best first (an audited view)."""
    provider_text, _, start_text = slot.partition("@")
    if not provider_text.isdigit() or not start_text:
        raise BadInput(f"'{slot}' is not PROVIDER@START, e.g. 3@2026-03-09T09:00.")
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.VIEW_PATIENTS, now=now, what="waitlist")
    with desk.store.read() as session:
        provider = int(provider_text)
        named_site = directory.site_id_for(session, site) if site is not None else None
        zone = directory.zone_for(session, provider, named_site)
        start = parse_moment(start_text, "SLOT", zone)
        site_id = named_site or directory.home_site(session, provider)
        found = offers_for(
            session, OpenTime(provider, site_id, start, start + timedelta(minutes=minutes)), now=now
        )
    record_view(
        desk,
        now,
        "waitlist-offers",
        as_json=as_json,
        patients=[o.patient_id for o in found],
        slot=slot,
    )
    if as_json:
        print_json(
            [
                {
                    "entry_id": o.entry_id,
                    "patient_id": o.patient_id,
                    "type_code": o.type_code,
                    "priority": o.priority,
                    "waited_days": o.waited_days,
                    "why": list(o.why),
                }
                for o in found
            ]
        )
        return
    if not found:
        say("Nobody on the waitlist fits this time.")
    for o in found:
        say(
            f"entry {o.entry_id:>5}  {o.type_code:<7} priority {o.priority}  waited "
            f"{o.waited_days} days  {'; '.join(o.why)}"
        )


EntryArg = Annotated[int, typer.Argument(help="The entry's id (waitlist list shows it).")]


@app.command("remove")
def remove(
    ctx: typer.Context,
    entry_id: EntryArg,
    reason: Annotated[str, typer.Option(help="Why it comes off the waitlist.")] = "",
    db: DbOption = None,
) -> None:
    """Take an entry off the waitlist, saying why (audited)."""
    desk = command_desk(ctx, db)
    remove_from_waitlist(desk.store, desk.actor, entry_id, reason, now=desk.clock.now())
    say(f"Waitlist entry {entry_id} removed.")


@app.command("update")
def update(
    ctx: typer.Context,
    entry_id: EntryArg,
    first: Annotated[str | None, typer.Option("--from", help="Earliest day.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Latest day.")] = None,
    days: Annotated[str | None, typer.Option(help="Weekdays 0=Mon..6=Sun.")] = None,
    part: Annotated[str | None, typer.Option(help="any, morning, afternoon, evening.")] = None,
    priority: Annotated[
        int | None, typer.Option(min=0, max=9, help="Urgency: higher first.")
    ] = None,
    expires: Annotated[str | None, typer.Option(help="The entry lapses after this day.")] = None,
    note: Annotated[str | None, typer.Option(help="Free text (replaces the note).")] = None,
    db: DbOption = None,
) -> None:
    """Change what the patient is waiting for (audited, before and after)."""
    desk = command_desk(ctx, db)
    change = WaitlistChange(
        parse_day(first, "--from"), parse_day(last, "--to"), days, part, priority,
        parse_day(expires, "--expires"), note,
    )  # fmt: skip
    change_waitlist(desk.store, desk.actor, entry_id, change, now=desk.clock.now())
    say(f"Waitlist entry {entry_id} updated.")


@app.command("expire")
def expire(ctx: typer.Context, db: DbOption = None) -> None:
    """Expire the entries whose window has passed (daily, from cron)."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    require(desk.store, desk.actor, Permission.BOOK, now=now, what="waitlist")
    count = expire_lapsed(desk.store, today=clinic_today(desk.clock, settings().zone), now=now)
    say(f"Expired {count} waitlist {'entry' if count == 1 else 'entries'} past their window.")
