"""patient upkeep: the date of death, an emergency contact, the preferred way to be
contacted, a merged chart's survivor; why a patient did not come (no-show reasons)

Revision ID: 0018_patient_upkeep
Revises: 0017_message_wording
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_patient_upkeep"
down_revision: str | None = "0017_message_wording"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTACT = ("", "sms", "email", "voice")
NO_SHOW = ("", "forgot", "transport", "illness", "cost", "work", "weather", "other")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("patient") as batch:
        batch.add_column(sa.Column("deceased_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("emergency_contact_name", sa.String(length=120),
                                   nullable=False, server_default=""))  # fmt: skip
        batch.add_column(sa.Column("emergency_contact_phone", sa.String(length=20),
                                   nullable=False, server_default=""))  # fmt: skip
        batch.add_column(sa.Column("preferred_contact", sa.String(length=8), nullable=False,
                                   server_default=""))  # fmt: skip
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_check_constraint("preferred_contact_code", _in("preferred_contact", CONTACT))
        batch.create_foreign_key(
            batch.f("fk_patient_merged_into_id_patient"), "patient", ["merged_into_id"], ["id"]
        )
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("no_show_reason", sa.String(length=12), nullable=False,
                                   server_default=""))  # fmt: skip
        batch.create_check_constraint("no_show_reason_code", _in("no_show_reason", NO_SHOW))


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_constraint(op.f("ck_appointment_no_show_reason_code"), type_="check")
        batch.drop_column("no_show_reason")
    with op.batch_alter_table("patient") as batch:
        batch.drop_constraint(op.f("fk_patient_merged_into_id_patient"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_patient_preferred_contact_code"), type_="check")
        for column in (
            "merged_at",
            "merged_into_id",
            "preferred_contact",
            "emergency_contact_phone",
            "emergency_contact_name",
            "deceased_on",
        ):
            batch.drop_column(column)  # fmt: skip
