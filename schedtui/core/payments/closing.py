"""A user's close of a day at a site: what the payments and reversals say came in by
method, what was counted, the difference (a reason when it is not zero); closed, that
day takes no more of the user's payments. And the day's payments, listed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from schedtui.core.insurance.money import dollars
from schedtui.core.payments.reversing import REASON_LIMIT
from schedtui.core.payments.taking import amount_cents, refuse_if_closed
from schedtui.core.schedule.directory import site_id_for
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.security.sheets import Cell, Sheet, money
from schedtui.core.support.errors import BadInput
from schedtui.core.support.rows import JsonRow
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.store import Store


@dataclass(frozen=True)
class DayClose(JsonRow):
    """A close: expected, counted and the difference, in cents."""

    id: int
    site: str
    user: str
    day: date
    expected_cash_cents: int
    expected_check_cents: int
    expected_card_cents: int
    counted_cash_cents: int
    counted_checks_cents: int
    difference_cents: int
    reason: str


def expected(session: Session, site_id: int, user_id: int | None, day: date) -> dict[str, int]:
    """What the user's payments less their reversals that day at the site come to, by
    method (cash, check, card)."""
    totals: dict[str, int] = defaultdict(int)
    paid = session.exec(
        select(m.Payment.method, m.Payment.amount_cents)
        .where(col(m.Payment.site_id) == site_id)
        .where(col(m.Payment.received_by_id) == user_id)
        .where(col(m.Payment.day) == day)
    )
    for method, cents in paid:
        totals[method] += cents
    back = session.exec(
        select(m.Payment.method, m.PaymentReversal.amount_cents)
        .join(m.Payment, col(m.Payment.id) == col(m.PaymentReversal.payment_id))
        .where(col(m.PaymentReversal.site_id) == site_id)
        .where(col(m.PaymentReversal.reversed_by_id) == user_id)
        .where(col(m.PaymentReversal.day) == day)
    )
    for method, cents in back:
        totals[method] -= cents
    return {method: totals[method] for method in ("cash", "check", "card")}


def close_day(
    store: Store,
    actor: Actor,
    *,
    day: date,
    site: str,
    counted_cash: str,
    counted_checks: str,
    reason: str = "",
    now: datetime,
) -> DayClose:
    """Close the actor's day at a site with what they counted; audited."""
    cash = amount_cents(counted_cash, "The counted cash", zero_ok=True)
    checks = amount_cents(counted_checks, "The counted checks", zero_ok=True)
    why = reason.strip()
    problem = text_problem(why, REASON_LIMIT)
    if problem:
        raise BadInput(f"The reason: {problem}.")
    if day > now.date() + timedelta(days=1):
        raise BadInput(f"{day:%m/%d/%Y} has not come yet: close a day that has.")

    def work(session: Session) -> DayClose:
        place = session.get(m.Site, site_id_for(session, site))
        assert place is not None and place.id is not None
        refuse_if_closed(session, actor, place, day)
        want = expected(session, place.id, actor.user_id, day)
        difference = (cash + checks) - (want["cash"] + want["check"])
        if difference and not why:
            raise BadInput(
                f"The count is {_signed(difference)} against the payments: say why (--reason)."
            )
        row = m.DrawerClose(
            site_id=place.id, user_id=actor.user_id, username=actor.username, day=day,
            expected_cash_cents=want["cash"], expected_check_cents=want["check"],
            expected_card_cents=want["card"], counted_cash_cents=cash,
            counted_check_cents=checks, difference_cents=difference, reason=why, closed_at=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
        closed = _row(row, place.code)
        audit.record(
            session, actor=actor, action="create", now=now, entity="drawer_close",
            entity_id=row.id, detail={"after": closed.to_json()},
        )  # fmt: skip
        return closed

    return guarded_write(store, actor, Permission.TAKE_PAYMENTS, work, now=now, what="close")


def closes(session: Session, day: date) -> list[DayClose]:
    """Every close of a day (a supervisor's view)."""
    rows = session.exec(
        select(m.DrawerClose, m.Site.code)
        .join(m.Site, col(m.Site.id) == col(m.DrawerClose.site_id))
        .where(col(m.DrawerClose.day) == day)
        .order_by(col(m.Site.code), col(m.DrawerClose.username))
    )
    return [_row(row, code) for row, code in rows]


#: The close sheet's columns (money in dollars and cents).
SHEET_COLUMNS = (
    "day", "site", "user", "expected_cash", "expected_checks", "expected_cards",
    "counted_cash", "counted_checks", "difference", "reason",
)  # fmt: skip


def closes_sheet(day: date, rows: list[DayClose]) -> Sheet:
    """The day's closes as a table for a spreadsheet, with a total line."""
    lines: list[tuple[Cell, ...]] = [
        (row.day, row.site, row.user, *map(money, _amounts(row)), row.reason) for row in rows
    ]
    totals = [sum(column) for column in zip(*map(_amounts, rows), strict=True)] or [0] * 6
    lines.append((day, "", "Total", *map(money, totals), ""))
    return Sheet(f"Closes {day.isoformat()}", SHEET_COLUMNS, lines)


def _amounts(row: DayClose) -> tuple[int, ...]:
    return (
        row.expected_cash_cents, row.expected_check_cents, row.expected_card_cents,
        row.counted_cash_cents, row.counted_checks_cents, row.difference_cents,
    )  # fmt: skip


def _row(row: m.DrawerClose, site_code: str) -> DayClose:
    assert row.id is not None
    return DayClose(
        row.id, site_code, row.username, row.day, row.expected_cash_cents,
        row.expected_check_cents, row.expected_card_cents, row.counted_cash_cents,
        row.counted_check_cents, row.difference_cents, row.reason,
    )  # fmt: skip


def _signed(cents: int) -> str:
    return f"{dollars(abs(cents))} {'over' if cents > 0 else 'short'}"
