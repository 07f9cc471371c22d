"""`schedtui sites|providers|types|specialties list` (reference data, no PHI), and
their setup commands (schedtui.commands.clinic_setup)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, print_json, rows_read, say
from schedtui.core.schedule import directory

if TYPE_CHECKING:
    from sqlmodel import Session

sites_app = typer.Typer(help="Sites.", add_completion=False)
providers_app = typer.Typer(help="Providers.", add_completion=False)
types_app = typer.Typer(help="Appointment types.", add_completion=False)
specialties_app = typer.Typer(help="Specialties.", add_completion=False)


@sites_app.command("list")
def sites(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the sites with their timezones."""
    rows = rows_read(ctx, db, directory.sites)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        say(f"{row.id:>3}  {row.code:<5} {row.name:<32} {row.timezone}")


@providers_app.command("list")
def providers(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Site code (BOS) or id.")] = None,
    specialty: Annotated[str | None, typer.Option(help="Specialty code, e.g. CARD.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List providers, optionally at a site or in a specialty."""

    def listed(session: Session) -> list[directory.ProviderRow]:
        site_id = directory.site_id_for(session, site) if site is not None else None
        return directory.providers(session, site_id=site_id, specialty=specialty)

    rows = rows_read(ctx, db, listed)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        extra = ", ".join(row.languages)
        say(
            f"{row.id:>3}  {row.name:<24} {'/'.join(row.specialties):<6} "
            f"sites {','.join(map(str, row.sites)):<6} speaks {extra}"
        )


@types_app.command("list")
def types(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List appointment types with their lengths."""
    rows = rows_read(ctx, db, directory.appointment_types)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        say(f"{row.code:<7} {row.duration_minutes:>3} min  {row.category:<10} {row.name}")


@specialties_app.command("list")
def specialties(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the specialties by code."""
    rows = rows_read(ctx, db, directory.specialties)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        say(f"{row.code:<8} {row.name}")


def _add_setup_commands() -> None:
    from schedtui.commands import clinic_setup, screening

    clinic_setup.add_site_commands(sites_app)
    clinic_setup.add_provider_commands(providers_app)
    clinic_setup.add_type_commands(types_app)
    screening.add_question_commands(types_app)
    clinic_setup.add_specialty_commands(specialties_app)


_add_setup_commands()
