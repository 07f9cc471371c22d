"""a prior-authorization request as started at the desk: diagnosis codes, units asked
for, the clinical contact

Revision ID: 0021_authorization_requests
Revises: 0020_cases
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_authorization_requests"
down_revision: str | None = "0020_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prior_authorization") as batch:
        batch.add_column(sa.Column("icd10_codes", sa.String(length=120), nullable=False,
                                   server_default=""))  # fmt: skip
        batch.add_column(sa.Column("requested_units", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("clinical_contact", sa.String(length=120), nullable=False,
                                   server_default=""))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("prior_authorization") as batch:
        for column in ("clinical_contact", "requested_units", "icd10_codes"):
            batch.drop_column(column)
