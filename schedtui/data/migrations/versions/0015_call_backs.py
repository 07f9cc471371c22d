"""call-backs: "call this patient back at or after T about X", from a call or a text;
a visit found by its referral (an index)

Revision ID: 0015_call_backs
Revises: 0014_referral_worklist
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_call_backs"
down_revision: str | None = "0014_referral_worklist"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_back",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("about", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"],
                                name=op.f("fk_call_back_created_by_id_app_user")),
        sa.ForeignKeyConstraint(["done_by_id"], ["app_user.id"],
                                name=op.f("fk_call_back_done_by_id_app_user")),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"],
                                name=op.f("fk_call_back_patient_id_patient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_back")),
    )  # fmt: skip
    with op.batch_alter_table("call_back") as batch:
        batch.create_index("ix_call_back_open_due", ["done_at", "due_at"])
        batch.create_index(batch.f("ix_call_back_patient_id"), ["patient_id"])
    with op.batch_alter_table("appointment") as batch:
        batch.create_index("ix_appointment_referral_id", ["referral_id"])


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_index("ix_appointment_referral_id")
    op.drop_table("call_back")
