"""a video visit's link to join

Revision ID: 0013_video_links
Revises: 0012_waitlist_offers
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_video_links"
down_revision: str | None = "0012_waitlist_offers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(
            sa.Column("video_link", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("video_link")
