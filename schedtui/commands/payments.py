"""`schedtui payments take|void|refund|list|receipt|close|closes`: money at the desk, in
integer cents (core.payments)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_day,
    print_json,
    record_view,
    say,
    settings,
    sheet_file,
)
from schedtui.core.insurance.money import dollars
from schedtui.core.payments import closing, ledger
from schedtui.core.payments.emailed_receipts import email_receipt
from schedtui.core.payments.reversing import reverse_payment
from schedtui.core.payments.taking import PaymentRequest, take_payment
from schedtui.core.security.access import Permission
from schedtui.core.security.guard import require
from schedtui.core.security.sheets import write_sheets

app = typer.Typer(help="Payments: take, void, refund, list, close the day.", add_completion=False)

DayOption = Annotated[str, typer.Option("--date", help="The day (2026-12-04, 'today', 'dec 4').")]


@app.command("take")
def take(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option(help="The patient's MRN.")],
    amount: Annotated[str, typer.Option(help="Dollars and cents, e.g. 25.00.")],
    method: Annotated[str, typer.Option(help="cash, check or card.")],
    kind: Annotated[str, typer.Option(help="copay, balance or prepayment.")] = "copay",
    reference: Annotated[
        str, typer.Option(help="The check number, or the card processor's reference.")
    ] = "",
    last4: Annotated[str, typer.Option(help="A card's last four digits (never more).")] = "",
    appointment: Annotated[int | None, typer.Option(help="The visit it pays for.")] = None,
    site: Annotated[str | None, typer.Option(help="Site code or id (else the visit's).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Take a payment; prints its id and receipt number."""
    request = PaymentRequest(patient, amount, method, kind, reference, last4, appointment, site)
    desk = command_desk(ctx, db)
    taken = take_payment(desk.store, desk.actor, request, now=desk.clock.now())
    if as_json:
        print_json({"id": taken.payment_id, "amount_cents": taken.amount_cents,
                    "receipt_number": taken.receipt_number, "day": taken.day})  # fmt: skip
        return
    say(
        f"Payment {taken.payment_id}: {dollars(taken.amount_cents)} taken, "
        f"receipt {taken.receipt_label} ({taken.day:%m/%d/%Y})."
    )


def _reverse(
    ctx: typer.Context, db: str | None, payment: int, kind: str, reason: str,
    amount: str | None, as_json: bool,
) -> None:  # fmt: skip
    desk = command_desk(ctx, db)
    done = reverse_payment(
        desk.store, desk.actor, payment, kind, reason, now=desk.clock.now(), amount=amount
    )
    if as_json:
        print_json({"id": done.reversal_id, "payment_id": payment, "kind": kind,
                    "amount_cents": done.amount_cents, "left_cents": done.left_cents})  # fmt: skip
        return
    say(
        f"Payment {payment}: {dollars(done.amount_cents)} "
        f"{'voided' if kind == 'void' else 'refunded'}; {dollars(done.left_cents)} left of it."
    )


ReasonOption = Annotated[str, typer.Option(help="Why the money goes back (required).")]
PaymentArgument = Annotated[int, typer.Argument(help="Payment id (see 'payments list').")]


@app.command("void")
def void(
    ctx: typer.Context, payment: PaymentArgument, reason: ReasonOption = "",
    db: DbOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Void a payment (all of it): its taker the same day, or a supervisor."""
    _reverse(ctx, db, payment, "void", reason, None, as_json)


@app.command("refund")
def refund(
    ctx: typer.Context, payment: PaymentArgument, reason: ReasonOption = "",
    amount: Annotated[str | None, typer.Option(help="How much (else all that is left).")] = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Refund some or all of a payment (supervisors)."""
    _reverse(ctx, db, payment, "refund", reason, amount, as_json)


@app.command("list")
def payment_list(
    ctx: typer.Context,
    when: DayOption = "today",
    site: Annotated[str | None, typer.Option(help="Site code or id (else every site).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """The payments of a day (audited: it names patients)."""
    day = parse_day(when, "--date")
    assert day is not None
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        rows = ledger.payments_on(session, day, site)
    record_view(desk, desk.clock.now(), "payment", as_json=as_json,
                patients=sorted({row.mrn for row in rows}), day=str(day))  # fmt: skip
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        back = f" (-{dollars(row.reversed_cents)})" if row.reversed_cents else ""
        say(
            f"{row.id:>5}  {row.site:<5} MRN {row.mrn:<10} {dollars(row.amount_cents):>10}{back}"
            f"  {row.method:<5} {row.kind:<10} receipt {row.receipt_number or '-'}  {row.taken_by}"
        )
    if not rows:
        say(f"No payments on {day:%m/%d/%Y}.")


@app.command("receipt")
def receipt(
    ctx: typer.Context, payment: PaymentArgument, db: DbOption = None,
    email: Annotated[bool, typer.Option("--email", help="E-mail it to the patient "
                                        "(through the outbox; their consent).")] = False,
) -> None:  # fmt: skip
    """Print a payment's receipt (plain text; audited), or e-mail it with --email."""
    desk = command_desk(ctx, db)
    if email:
        sent = email_receipt(desk.store, desk.actor, payment, now=desk.clock.now(),
                             settings=settings())  # fmt: skip
        say(f"The receipt of payment {payment} is in the outbox (message {sent}).")
        return
    with desk.store.read() as session:
        text = ledger.receipt(session, payment, settings().clinic_name)
    record_view(desk, desk.clock.now(), "payment", as_json=False, payment_id=payment)
    typer.echo(text, nl=False)


@app.command("close")
def close(
    ctx: typer.Context,
    site: Annotated[str, typer.Option(help="Site code or id.")],
    counted_cash: Annotated[str, typer.Option(help="The cash counted, e.g. 120.00.")],
    counted_checks: Annotated[str, typer.Option(help="The checks counted, e.g. 50.00.")],
    when: DayOption = "today",
    reason: Annotated[str, typer.Option(help="Why the count differs (when it does).")] = "",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close your day at a site: expected against counted, in cents."""
    day = parse_day(when, "--date")
    assert day is not None
    desk = command_desk(ctx, db)
    done = closing.close_day(
        desk.store, desk.actor, day=day, site=site, counted_cash=counted_cash,
        counted_checks=counted_checks, reason=reason, now=desk.clock.now(),
    )  # fmt: skip
    if as_json:
        print_json(done.to_json())
        return
    say(
        f"{done.day:%m/%d/%Y} at {done.site} closed for {done.user}: expected cash "
        f"{dollars(done.expected_cash_cents)}, checks {dollars(done.expected_check_cents)}, "
        f"cards {dollars(done.expected_card_cents)}; counted cash "
        f"{dollars(done.counted_cash_cents)}, checks {dollars(done.counted_checks_cents)}; "
        f"difference {dollars(done.difference_cents)}."
    )


FileOption = Annotated[Path | None, typer.Option(help="Write the table to this file.")]


@app.command("closes")
def closes(
    ctx: typer.Context, when: DayOption = "today", db: DbOption = None,
    as_json: JsonOption = False, csv: FileOption = None, xlsx: FileOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file.")] = False,
) -> None:  # fmt: skip
    """Every user's close of a day (supervisors); to a spreadsheet with --csv or --xlsx
    (formula-safe, a total line, money in dollars and cents)."""
    day = parse_day(when, "--date")
    assert day is not None
    out = sheet_file(csv, xlsx, force=force)  # refused before anything is read
    desk = command_desk(ctx, db)
    require(desk.store, desk.actor, Permission.MANAGE_PAYMENTS, now=desk.clock.now(),
            what="close")  # fmt: skip
    with desk.store.read() as session:
        rows = closing.closes(session, day)
    if out is not None:
        written = write_sheets(out, [closing.closes_sheet(day, rows)], replace=force)
        record_view(desk, desk.clock.now(), "drawer_close", as_json=True, day=str(day),
                    file=str(written))  # fmt: skip
        say(f"Wrote {len(rows)} closes of {day:%m/%d/%Y} to {written}.")
        return
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    for row in rows:
        difference = dollars(row.difference_cents)
        say(f"{row.site:<5} {row.user:<12} difference {difference:>10}  {row.reason}")
    if not rows:
        say(f"Nobody has closed {day:%m/%d/%Y} yet.")
