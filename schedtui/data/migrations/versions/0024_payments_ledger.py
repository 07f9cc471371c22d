"""payments at the desk: where and on which local day each was taken, a card's last four
digits, receipt numbers per site; reversals (voids, refunds) and each user's daily close

Revision ID: 0024_payments_ledger
Revises: 0023_occupancy_indexes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_payments_ledger"
down_revision: str | None = "0023_occupancy_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("card_last4", sa.String(length=4), nullable=False,
                                   server_default=""))  # fmt: skip
        batch.add_column(sa.Column("receipt_number", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_payment_site_id_site"), "site", ["site_id"], ["id"])
        batch.create_index(op.f("ix_payment_day"), ["day"])
    op.create_table(
        "payment_reversal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payment_reversal_amount_positive")),
        sa.CheckConstraint("kind IN ('void', 'refund')", name=op.f("ck_payment_reversal_kind_code")),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"],
                                name=op.f("fk_payment_reversal_payment_id_payment")),
        sa.ForeignKeyConstraint(["reversed_by_id"], ["app_user.id"],
                                name=op.f("fk_payment_reversal_reversed_by_id_app_user")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"],
                                name=op.f("fk_payment_reversal_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reversal")),
    )  # fmt: skip
    op.create_index(op.f("ix_payment_reversal_payment_id"), "payment_reversal", ["payment_id"])
    op.create_index(op.f("ix_payment_reversal_day"), "payment_reversal", ["day"])
    op.create_table(
        "drawer_close",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("expected_cash_cents", sa.Integer(), nullable=False),
        sa.Column("expected_check_cents", sa.Integer(), nullable=False),
        sa.Column("expected_card_cents", sa.Integer(), nullable=False),
        sa.Column("counted_cash_cents", sa.Integer(), nullable=False),
        sa.Column("counted_check_cents", sa.Integer(), nullable=False),
        sa.Column("difference_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_drawer_close_site_id_site")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_drawer_close_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drawer_close")),
        sa.UniqueConstraint("site_id", "username", "day", name=op.f("uq_drawer_close_site_id")),
    )  # fmt: skip
    op.create_table(
        "receipt_counter",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"],
                                name=op.f("fk_receipt_counter_site_id_site")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_receipt_counter")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("receipt_counter")
    op.drop_table("drawer_close")
    op.drop_index(op.f("ix_payment_reversal_day"), table_name="payment_reversal")
    op.drop_index(op.f("ix_payment_reversal_payment_id"), table_name="payment_reversal")
    op.drop_table("payment_reversal")
    with op.batch_alter_table("payment") as batch:
        batch.drop_index(op.f("ix_payment_day"))
        batch.drop_constraint(op.f("fk_payment_site_id_site"), type_="foreignkey")
        for column in ("receipt_number", "card_last4", "day", "site_id"):
            batch.drop_column(column)
