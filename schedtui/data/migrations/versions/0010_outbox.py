"""the outbox: messages made once per change, the change feed's reader, the runner's lease

Revision ID: 0010_outbox
Revises: 0009_reference_version
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_outbox"
down_revision: str | None = "0009_reference_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("confirmation", "reminder", "waitlist-offer", "recall", "cancellation")
KINDS = (
    "confirmation", "reminder", "change", "cancellation", "must-move", "waitlist-offer", "recall",
)  # fmt: skip
STATUSES_BEFORE = ("queued", "sent", "failed", "cancelled")
STATUSES = ("queued", "sending", "sent", "failed", "dead", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _codes(kinds: tuple[str, ...], statuses: tuple[str, ...]) -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_constraint(op.f("ck_message_kind_code"), type_="check")
        batch.drop_constraint(op.f("ck_message_status_code"), type_="check")
        batch.create_check_constraint("kind_code", _in("kind", kinds))
        batch.create_check_constraint("status_code", _in("status", statuses))


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("sending_since", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint(batch.f("uq_message_dedupe_key"), ["dedupe_key"])
        batch.create_foreign_key(
            batch.f("fk_message_event_id_domain_event"), "domain_event", ["event_id"], ["id"]
        )
        batch.create_index("ix_message_appointment_id", ["appointment_id"], unique=False)
    _codes(KINDS, STATUSES)
    op.create_table(
        "outbox_cursor",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_cursor")),
    )
    # The outbox begins with the changes made from now on: it never messages the history.
    op.execute(
        "INSERT INTO outbox_cursor (name, last_event_id, updated_at) "
        "SELECT 'outbox', COALESCE(MAX(id), 0), CURRENT_TIMESTAMP FROM domain_event"
    )
    op.create_table(
        "runner_lease",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_runner_lease")),
    )


def downgrade() -> None:
    op.drop_table("runner_lease")
    op.drop_table("outbox_cursor")
    op.execute(f"DELETE FROM message WHERE NOT ({_in('kind', KINDS_BEFORE)})")
    op.execute("UPDATE message SET status = 'queued' WHERE status = 'sending'")
    op.execute("UPDATE message SET status = 'failed' WHERE status = 'dead'")
    _codes(KINDS_BEFORE, STATUSES_BEFORE)
    with op.batch_alter_table("message") as batch:
        batch.drop_index("ix_message_appointment_id")
        batch.drop_constraint(batch.f("fk_message_event_id_domain_event"), type_="foreignkey")
        batch.drop_constraint(batch.f("uq_message_dedupe_key"), type_="unique")
        for column in ("sending_since", "attempts", "sequence", "event_id", "dedupe_key"):
            batch.drop_column(column)
