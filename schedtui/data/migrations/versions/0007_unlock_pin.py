"""a PIN that unlocks the idle lock of an OS-account session

Revision ID: 0007_unlock_pin
Revises: 0006_provider_lists
Create Date: 2026-11-30 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_unlock_pin"
down_revision: str | None = "0006_provider_lists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("unlock_pin_hash", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("unlock_pin_hash")
