"""patients' texts back: the inbound messages (and the call-back list), Twilio's
delivery reports on the messages sent, a visit the patient confirmed

Revision ID: 0011_replies
Revises: 0010_outbox
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_replies"
down_revision: str | None = "0010_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = ("opt-out", "opt-in", "help", "confirm", "call-back", "other")
DELIVERY = ("", "accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("provider_ref", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("delivery", sa.String(length=12), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("delivery_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint("delivery_code", _in("delivery", DELIVERY))
        batch.create_index("ix_message_provider_ref", ["provider_ref"], unique=False)
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "inbound_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_ref", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_address", sa.String(length=32), nullable=False),
        sa.Column("to_address", sa.String(length=32), nullable=False),
        sa.Column("body", sa.String(length=1600), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("reply", sa.String(length=500), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_in("action", ACTIONS), name=op.f("ck_inbound_message_action_code")),
        sa.ForeignKeyConstraint(
            ["appointment_id"], ["appointment.id"],
            name=op.f("fk_inbound_message_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["handled_by_id"], ["app_user.id"],
            name=op.f("fk_inbound_message_handled_by_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_inbound_message_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_message")),
        sa.UniqueConstraint("provider_ref", name=op.f("uq_inbound_message_provider_ref")),
    )  # fmt: skip
    with op.batch_alter_table("inbound_message") as batch:
        batch.create_index("ix_inbound_message_action_handled", ["action", "handled_at"])
        batch.create_index(batch.f("ix_inbound_message_patient_id"), ["patient_id"])


def downgrade() -> None:
    op.drop_table("inbound_message")
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("confirmed_at")
    with op.batch_alter_table("message") as batch:
        batch.drop_index("ix_message_provider_ref")
        batch.drop_constraint(op.f("ck_message_delivery_code"), type_="check")
        batch.drop_column("delivery_at")
        batch.drop_column("delivery")
        batch.drop_column("provider_ref")
