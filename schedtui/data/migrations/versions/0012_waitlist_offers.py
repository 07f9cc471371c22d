"""freed times offered by text to the waitlist (the first YES books it)

Revision ID: 0012_waitlist_offers
Revises: 0011_replies
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_waitlist_offers"
down_revision: str | None = "0011_replies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS_BEFORE = ("opt-out", "opt-in", "help", "confirm", "call-back", "other")
ACTIONS = ("opt-out", "opt-in", "help", "confirm", "call-back", "offer", "other")
STATUSES = ("open", "taken", "lost", "expired")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _actions(actions: tuple[str, ...]) -> None:
    with op.batch_alter_table("inbound_message") as batch:
        batch.drop_constraint(op.f("ck_inbound_message_action_code"), type_="check")
        batch.create_check_constraint("action_code", _in("action", actions))


def upgrade() -> None:
    op.create_table(
        "waitlist_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_address", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_waitlist_offer_status_code")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointment.id"],
                                name=op.f("fk_waitlist_offer_appointment_id_appointment")),
        sa.ForeignKeyConstraint(["entry_id"], ["waitlist_entry.id"],
                                name=op.f("fk_waitlist_offer_entry_id_waitlist_entry")),
        sa.ForeignKeyConstraint(["event_id"], ["domain_event.id"],
                                name=op.f("fk_waitlist_offer_event_id_domain_event")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"],
                                name=op.f("fk_waitlist_offer_patient_id_patient")),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"],
                                name=op.f("fk_waitlist_offer_provider_id_provider")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"],
                                name=op.f("fk_waitlist_offer_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_offer")),
        sa.UniqueConstraint("entry_id", "event_id", name="uq_waitlist_offer_entry_event"),
    )  # fmt: skip
    with op.batch_alter_table("waitlist_offer") as batch:
        batch.create_index("ix_waitlist_offer_to_status", ["to_address", "status"])
        batch.create_index(batch.f("ix_waitlist_offer_patient_id"), ["patient_id"])
    _actions(ACTIONS)


def downgrade() -> None:
    op.execute("UPDATE inbound_message SET action = 'other' WHERE action = 'offer'")
    _actions(ACTIONS_BEFORE)
    op.drop_table("waitlist_offer")
