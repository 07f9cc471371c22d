"""`sites|providers|types add|edit|deactivate|activate`: setting the clinic up
(supervisors and admins; core.schedule.clinic_setup and provider_setup do the work)."""

from __future__ import annotations

from typing import Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, command_desk, print_json, say, settings
from schedtui.core.schedule import clinic_setup as sites
from schedtui.core.schedule import provider_setup as setup

Text = Annotated[str | None, typer.Option()]
#: What activate and deactivate say of themselves, by noun.
_SWITCH_HELP = {
    "site": {
        False: "Stop offering a site's times; its visits stay (supervisors).",
        True: "Bring a site back (supervisors).",
    },
    "provider": {
        False: "Never offer a provider again; their booked visits stay, to move (supervisors).",
        True: "Bring a provider back (supervisors).",
    },
    "type": {
        False: "Never offer a visit type again; its booked visits stay (supervisors).",
        True: "Bring a visit type back (supervisors).",
    },
}


def _said(changed: list[str], what: str, as_json: bool) -> None:
    if as_json:
        print_json({"changed": changed})
    elif changed:
        say(f"{what}: changed {', '.join(changed)}.")
    else:
        say(f"{what}: nothing to change (each option given already says so).")


def _ahead(count: int, what: str, active: bool, as_json: bool) -> None:
    if as_json:
        print_json({"active": active, "visits_ahead": count})
        return
    say(f"{what} is {'active' if active else 'inactive: never offered again'}.")
    if count and not active:
        say(f"{count} booked visits ahead stay on the schedule: move or cancel them.")


def add_site_commands(app: typer.Typer) -> None:
    @app.command("add")
    def site_add(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Site code, e.g. BOS.")],
        name: Annotated[str, typer.Option(help="The site's name.")],
        timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. America/New_York.")],
        address: Text = None,
        city: Text = None,
        state: Text = None,
        postal_code: Text = None,
        phone: Text = None,
        hours: Annotated[
            str | None, typer.Option(help="Opening hours: 'mon-fri 8:00-17:00; sat 9-12'.")
        ] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Add a site (supervisors)."""
        desk = command_desk(ctx, db)
        fields = sites.SiteFields(name, timezone, address, city, state, postal_code, phone, hours)
        site_id = sites.add_site(
            desk.store, desk.actor, code, fields, now=desk.clock.now(), region=settings().region
        )
        if as_json:
            print_json({"id": site_id})
        else:
            say(f"Site {code.upper()} added: id {site_id}.")

    @app.command("edit")
    def site_edit(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Site code or id.")],
        name: Text = None,
        timezone: Text = None,
        address: Text = None,
        city: Text = None,
        state: Text = None,
        postal_code: Text = None,
        phone: Text = None,
        hours: Annotated[
            str | None, typer.Option(help="Opening hours: 'mon-fri 8:00-17:00; sat 9-12'.")
        ] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Change what is given of a site (supervisors)."""
        desk = command_desk(ctx, db)
        fields = sites.SiteFields(name, timezone, address, city, state, postal_code, phone, hours)
        changed = sites.edit_site(
            desk.store, desk.actor, code, fields, now=desk.clock.now(), region=settings().region
        )
        _said(changed, f"Site {code.upper()}", as_json)

    for active in (False, True):
        _site_switch(app, active)


def _site_switch(app: typer.Typer, active: bool, what: str = "site") -> None:
    words = _SWITCH_HELP[what][active]

    @app.command("activate" if active else "deactivate", help=words)
    def switch(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Site code or id.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        desk = command_desk(ctx, db)
        sites.set_site_active(desk.store, desk.actor, code, active, now=desk.clock.now())
        _ahead(0, f"Site {code.upper()}", active, as_json)


def add_provider_commands(app: typer.Typer) -> None:
    @app.command("add")
    def provider_add(
        ctx: typer.Context,
        npi: Annotated[str, typer.Option(help="The ten-digit NPI.")],
        first: Annotated[str, typer.Option(help="First name.")],
        last: Annotated[str, typer.Option(help="Last name.")],
        specialties: Annotated[str, typer.Option(help="Specialty codes, e.g. FM,CARD.")],
        sites: Annotated[str, typer.Option(help="Site codes, e.g. BOS,CAM.")],
        languages: Annotated[str, typer.Option(help="ISO 639-1 codes, e.g. en,es.")] = "en",
        credentials: Text = None,
        new_patients: Annotated[bool, typer.Option(help="Accepts new patients.")] = True,
        telehealth: Annotated[bool, typer.Option(help="Sees video visits.")] = False,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Add a provider (supervisors); their hours come from a template ('templates add')."""
        desk = command_desk(ctx, db)
        fields = setup.ProviderFields(
            first, last, credentials, specialties, languages, sites, new_patients, telehealth
        )
        new_id = setup.add_provider(desk.store, desk.actor, npi, fields, now=desk.clock.now())
        if as_json:
            print_json({"id": new_id})
        else:
            say(f"Provider added: id {new_id}.")

    @app.command("edit")
    def provider_edit(
        ctx: typer.Context,
        provider: Annotated[int, typer.Argument(help="Provider id.")],
        first: Text = None,
        last: Text = None,
        credentials: Text = None,
        specialties: Annotated[str | None, typer.Option(help="Replaces the list.")] = None,
        sites: Annotated[str | None, typer.Option(help="Replaces the list.")] = None,
        languages: Annotated[str | None, typer.Option(help="Replaces the list.")] = None,
        new_patients: Annotated[
            bool | None, typer.Option("--new-patients/--no-new-patients")
        ] = None,
        telehealth: Annotated[bool | None, typer.Option("--telehealth/--no-telehealth")] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Change what is given of a provider (supervisors)."""
        desk = command_desk(ctx, db)
        fields = setup.ProviderFields(
            first, last, credentials, specialties, languages, sites, new_patients, telehealth
        )
        now = desk.clock.now()
        changed = setup.edit_provider(desk.store, desk.actor, provider, fields, now=now)
        _said(changed, f"Provider {provider}", as_json)

    for active in (False, True):
        _provider_switch(app, active)


def _provider_switch(app: typer.Typer, active: bool, what: str = "provider") -> None:
    words = _SWITCH_HELP[what][active]

    @app.command("activate" if active else "deactivate", help=words)
    def switch(
        ctx: typer.Context,
        provider: Annotated[int, typer.Argument(help="Provider id.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        desk = command_desk(ctx, db)
        ahead = setup.set_provider_active(
            desk.store, desk.actor, provider, active, now=desk.clock.now()
        )
        _ahead(ahead, f"Provider {provider}", active, as_json)


def add_type_commands(app: typer.Typer) -> None:
    @app.command("add")
    def type_add(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Visit type code, e.g. FMNEW.")],
        name: Annotated[str, typer.Option(help="The visit type's name.")],
        category: Annotated[str, typer.Option(help="new, follow-up or procedure.")],
        minutes: Annotated[int, typer.Option(help="Length, in steps of 5 minutes.")],
        specialty: Text = None,
        cpt: Annotated[str | None, typer.Option(help="CPT codes, e.g. 99203,99204.")] = None,
        prep: Annotated[str | None, typer.Option(help="Preparation the patient is told.")] = None,
        arrive_early: Annotated[int | None, typer.Option(help="Minutes early to come.")] = None,
        telehealth: Annotated[bool, typer.Option(help="May be a video visit.")] = False,
        prior_auth: Annotated[bool, typer.Option(help="Needs a prior authorization.")] = False,
        referral: Annotated[bool, typer.Option(help="Needs a referral.")] = False,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Add a visit type (supervisors); templates then say who offers it."""
        desk = command_desk(ctx, db)
        fields = setup.TypeFields(
            name, category, minutes, specialty, cpt, prep, arrive_early,
            telehealth, prior_auth, referral,
        )  # fmt: skip
        new_id = setup.add_type(desk.store, desk.actor, code, fields, now=desk.clock.now())
        if as_json:
            print_json({"id": new_id})
        else:
            say(f"Visit type {code.upper()} added.")

    @app.command("edit")
    def type_edit(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Visit type code.")],
        name: Text = None,
        category: Text = None,
        minutes: Annotated[int | None, typer.Option()] = None,
        specialty: Annotated[str | None, typer.Option(help="A code ('' for none).")] = None,
        cpt: Text = None,
        prep: Text = None,
        arrive_early: Annotated[int | None, typer.Option()] = None,
        telehealth: Annotated[bool | None, typer.Option("--telehealth/--no-telehealth")] = None,
        prior_auth: Annotated[bool | None, typer.Option("--prior-auth/--no-prior-auth")] = None,
        referral: Annotated[bool | None, typer.Option("--referral/--no-referral")] = None,
        resource_kind: Annotated[
            str | None, typer.Option(help="room, equipment or interpreter it needs ('' none).")
        ] = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Change what is given of a visit type; booked visits keep their times (supervisors)."""
        desk = command_desk(ctx, db)
        fields = setup.TypeFields(
            name, category, minutes, specialty, cpt, prep, arrive_early,
            telehealth, prior_auth, referral, resource_kind,
        )  # fmt: skip
        changed = setup.edit_type(desk.store, desk.actor, code, fields, now=desk.clock.now())
        _said(changed, f"Visit type {code.upper()}", as_json)

    for active in (False, True):
        _type_switch(app, active)


def _type_switch(app: typer.Typer, active: bool, what: str = "type") -> None:
    words = _SWITCH_HELP[what][active]

    @app.command("activate" if active else "deactivate", help=words)
    def switch(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Visit type code.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        desk = command_desk(ctx, db)
        ahead = setup.set_type_active(desk.store, desk.actor, code, active, now=desk.clock.now())
        _ahead(ahead, f"Visit type {code.upper()}", active, as_json)


def add_specialty_commands(app: typer.Typer) -> None:
    @app.command("add")
    def specialty_add(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help="Specialty code, e.g. CARD.")],
        name: Annotated[str, typer.Option(help="The specialty's name.")],
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Add a specialty (supervisors)."""
        desk = command_desk(ctx, db)
        new_id = sites.add_specialty(desk.store, desk.actor, code, name, now=desk.clock.now())
        if as_json:
            print_json({"id": new_id})
        else:
            say(f"Specialty {code.upper()} added.")
