"""what came of a reminder or notice that is a phone call (the call list)

Revision ID: 0016_voice_calls
Revises: 0015_call_backs
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_voice_calls"
down_revision: str | None = "0015_call_backs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES = ("", "reached", "no-answer", "left-message", "wrong-number", "declined")


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(
            sa.Column("call_outcome", sa.String(length=12), nullable=False, server_default="")
        )
        batch.create_check_constraint(
            "call_outcome_code", f"call_outcome IN ({', '.join(repr(o) for o in OUTCOMES)})"
        )


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_constraint(op.f("ck_message_call_outcome_code"), type_="check")
        batch.drop_column("call_outcome")
