"""referrals as a worklist: the visit type wanted, urgency and due date, the statuses
new, contacted, scheduled, completed, closed, expired (open becomes new), and the
contacts made about each

Revision ID: 0014_referral_worklist
Revises: 0013_video_links
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_referral_worklist"
down_revision: str | None = "0013_video_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES_BEFORE = ("open", "scheduled", "closed", "expired")
STATUSES = ("new", "contacted", "scheduled", "completed", "closed", "expired")
URGENCIES = ("urgent", "soon", "routine")
OUTCOMES = ("reached", "no-answer", "left-message", "wrong-number", "declined")
KINDS_BEFORE = (
    "confirmation", "reminder", "change", "cancellation", "must-move", "waitlist-offer", "recall",
)  # fmt: skip
KINDS = (*KINDS_BEFORE, "referral")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_constraint(op.f("ck_message_kind_code"), type_="check")
        batch.create_check_constraint("kind_code", _in("kind", kinds))


def upgrade() -> None:
    _kinds(KINDS)
    with op.batch_alter_table("referral") as batch:
        batch.drop_constraint(op.f("ck_referral_status_code"), type_="check")
    op.execute("UPDATE referral SET status = 'new' WHERE status = 'open'")
    with op.batch_alter_table("referral") as batch:
        batch.add_column(sa.Column("appointment_type_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("urgency", sa.String(length=8), nullable=False, server_default="routine")
        )
        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("close_reason", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint("status_code", _in("status", STATUSES))
        batch.create_check_constraint("urgency_code", _in("urgency", URGENCIES))
        batch.create_foreign_key(
            batch.f("fk_referral_appointment_type_id_appointment_type"),
            "appointment_type", ["appointment_type_id"], ["id"],
        )  # fmt: skip
        batch.create_index("ix_referral_status_due", ["status", "due_on"])
    op.create_table(
        "referral_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=14), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(_in("outcome", OUTCOMES), name=op.f("ck_referral_contact_outcome_code")),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"],
                                name=op.f("fk_referral_contact_referral_id_referral")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_referral_contact_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_contact")),
    )  # fmt: skip
    with op.batch_alter_table("referral_contact") as batch:
        batch.create_index(batch.f("ix_referral_contact_referral_id"), ["referral_id"])


def downgrade() -> None:
    op.execute("DELETE FROM message WHERE kind = 'referral'")
    _kinds(KINDS_BEFORE)
    op.drop_table("referral_contact")
    with op.batch_alter_table("referral") as batch:
        batch.drop_index("ix_referral_status_due")
        batch.drop_constraint(
            batch.f("fk_referral_appointment_type_id_appointment_type"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("ck_referral_urgency_code"), type_="check")
        batch.drop_constraint(op.f("ck_referral_status_code"), type_="check")
        for column in ("updated_at", "created_at", "close_reason", "due_on", "urgency"):
            batch.drop_column(column)
        batch.drop_column("appointment_type_id")
    op.execute("UPDATE referral SET status = 'open' WHERE status IN ('new', 'contacted')")
    op.execute("UPDATE referral SET status = 'closed' WHERE status = 'completed'")
    with op.batch_alter_table("referral") as batch:
        batch.create_check_constraint("status_code", _in("status", STATUSES_BEFORE))
