"""Money going back and the day's count: reversals of payments (never an edit of one),
each user's close of a day at a site, and the receipt numbers of each site."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint

from schedtui.data.models.base import Field, SQLModel, one_of
from schedtui.data.types import UTCDateTime

REVERSAL_KINDS = ("void", "refund")


class PaymentReversal(SQLModel, table=True):
    """A payment voided (all of it) or refunded (some or all), with why; the payment row
    itself is never changed."""

    __tablename__ = "payment_reversal"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        one_of("kind", REVERSAL_KINDS),
    )
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    kind: str = Field(max_length=8)
    amount_cents: int
    reason: str = Field(max_length=500)
    reversed_at: datetime = Field(sa_type=UTCDateTime)
    reversed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    site_id: int | None = Field(default=None, foreign_key="site.id")
    day: date = Field(index=True)


class DrawerClose(SQLModel, table=True):
    """One user's close of one day at one site: what the payments say, what was counted,
    the difference and why; after it that day takes no more of their payments."""

    __tablename__ = "drawer_close"
    __table_args__ = (UniqueConstraint("site_id", "username", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    username: str = Field(max_length=80)
    day: date
    expected_cash_cents: int
    expected_check_cents: int
    expected_card_cents: int
    counted_cash_cents: int
    counted_check_cents: int
    difference_cents: int
    reason: str = Field(default="", max_length=500)
    closed_at: datetime = Field(sa_type=UTCDateTime)


class ReceiptCounter(SQLModel, table=True):
    """The last receipt number given at a site."""

    __tablename__ = "receipt_counter"
    site_id: int = Field(foreign_key="site.id", primary_key=True)
    last_number: int = 0
