"""a payment's receipt may be e-mailed through the outbox: the message kind "receipt"

Revision ID: 0025_receipt_messages
Revises: 0024_payments_ledger
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025_receipt_messages"
down_revision: str | None = "0024_payments_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = (
    "confirmation", "reminder", "change", "cancellation", "must-move", "waitlist-offer", "recall",
    "referral",
)  # fmt: skip
KINDS = (*KINDS_BEFORE, "receipt")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_constraint(op.f("ck_message_kind_code"), type_="check")
        batch.create_check_constraint("kind_code", _in("kind", kinds))


def upgrade() -> None:
    _kinds(KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM message WHERE kind = 'receipt'")
    _kinds(KINDS_BEFORE)
