"""saved lists of providers

Revision ID: 0006_provider_lists
Revises: 0005_fee_schedule
Create Date: 2026-11-27 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_provider_lists"
down_revision: str | None = "0005_fee_schedule"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_provider_list_created_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_list")),
        sa.UniqueConstraint("name", name=op.f("uq_provider_list_name")),
    )
    op.create_table(
        "provider_list_member",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["provider_list.id"],
            name=op.f("fk_provider_list_member_list_id_provider_list"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["provider.id"],
            name=op.f("fk_provider_list_member_provider_id_provider"),
        ),
        sa.PrimaryKeyConstraint("list_id", "provider_id", name=op.f("pk_provider_list_member")),
    )


def downgrade() -> None:
    op.drop_table("provider_list_member")
    op.drop_table("provider_list")
