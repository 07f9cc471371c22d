"""the lookup's index kept in the store (shared by every process), patient.updated_at indexed

Revision ID: 0008_patient_search_keys
Revises: 0007_unlock_pin
Create Date: 2026-11-30 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_patient_search_keys"
down_revision: str | None = "0007_unlock_pin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_patient_updated_at"), "patient", ["updated_at"])
    op.create_table(
        "patient_search_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.Column("sound", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "kind IN ('name', 'phone')", name=op.f("ck_patient_search_key_kind_code")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_patient_search_key_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_search_key")),
    )
    op.create_index(op.f("ix_patient_search_key_patient_id"), "patient_search_key", ["patient_id"])
    op.create_index("ix_patient_search_key_kind_token", "patient_search_key", ["kind", "token"])
    op.create_index("ix_patient_search_key_sound", "patient_search_key", ["sound"])
    op.create_table(
        "patient_search_stamp",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_patient_search_stamp_patient_id_patient"),
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_patient_search_stamp")),
    )
    op.create_index(
        op.f("ix_patient_search_stamp_updated_at"), "patient_search_stamp", ["updated_at"]
    )

    op.create_table(
        "patient_search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_search_state")),
    )


def downgrade() -> None:
    op.drop_table("patient_search_state")
    op.drop_table("patient_search_stamp")
    op.drop_table("patient_search_key")
    op.drop_index(op.f("ix_patient_updated_at"), table_name="patient")
