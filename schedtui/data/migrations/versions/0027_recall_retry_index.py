"""a campaign's open recall entries in the order they come due (the work queue reads the
first of them without sorting the whole campaign)

Revision ID: 0027_recall_retry_index
Revises: 0026_screening_questions
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027_recall_retry_index"
down_revision: str | None = "0026_screening_questions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_recall_entry_status", table_name="recall_entry")
    op.create_index("ix_recall_entry_status", "recall_entry",
                    ["campaign_id", "status", "retry_on"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_recall_entry_status", table_name="recall_entry")
    op.create_index("ix_recall_entry_status", "recall_entry", ["campaign_id", "status"])
