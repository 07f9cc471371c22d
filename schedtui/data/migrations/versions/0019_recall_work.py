"""recall campaigns worked contact by contact: tries, the last outcome, when to try again

Revision ID: 0019_recall_work
Revises: 0018_patient_upkeep
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_recall_work"
down_revision: str | None = "0018_patient_upkeep"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recall_entry") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_outcome", sa.String(length=16), nullable=False,
                                   server_default=""))  # fmt: skip
        batch.add_column(sa.Column("retry_on", sa.Date(), nullable=True))
        batch.create_index("ix_recall_entry_status", ["campaign_id", "status"])
        batch.create_index("ix_recall_entry_patient_id", ["patient_id"])  # each booking looks


def downgrade() -> None:
    with op.batch_alter_table("recall_entry") as batch:
        batch.drop_index("ix_recall_entry_patient_id")
        batch.drop_index("ix_recall_entry_status")
        for column in ("retry_on", "last_outcome", "attempts"):
            batch.drop_column(column)
