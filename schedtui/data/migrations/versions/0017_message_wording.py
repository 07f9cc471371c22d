"""a supervisor's own words for a kind of message, per channel and language

Revision ID: 0017_message_wording
Revises: 0016_voice_calls
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_message_wording"
down_revision: str | None = "0016_voice_calls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_wording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=2000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("channel IN ('email', 'sms', 'voice')",
                           name=op.f("ck_message_wording_channel_code")),
        sa.CheckConstraint("language IN ('en', 'es')",
                           name=op.f("ck_message_wording_language_code")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["app_user.id"],
                                name=op.f("fk_message_wording_updated_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_wording")),
        sa.UniqueConstraint("kind", "channel", "language", name="uq_message_wording_kind"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("message_wording")
