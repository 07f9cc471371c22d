"""escalations to a team with a time to answer by; complaints about a visit, escalated
to management

Revision ID: 0020_cases
Revises: 0019_recall_work
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_cases"
down_revision: str | None = "0019_recall_work"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("escalation") as batch:
        batch.add_column(sa.Column("team", sa.String(length=40), nullable=False,
                                   server_default="nursing"))  # fmt: skip
        batch.add_column(sa.Column("answer_by", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_escalation_status_answer_by", ["status", "answer_by"])
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(batch.f("fk_complaint_appointment_id_appointment"),
                                 "appointment", ["appointment_id"], ["id"])  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_constraint(op.f("fk_complaint_appointment_id_appointment"), type_="foreignkey")
        batch.drop_column("escalated_at")
        batch.drop_column("appointment_id")
    with op.batch_alter_table("escalation") as batch:
        batch.drop_index("ix_escalation_status_answer_by")
        batch.drop_column("answer_by")
        batch.drop_column("team")
