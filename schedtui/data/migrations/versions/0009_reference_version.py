"""a number that moves whenever the clinic's reference facts change

Revision ID: 0009_reference_version
Revises: 0008_patient_search_keys
Create Date: 2026-12-01

Booking read every site, provider, template, block, closure... afresh inside its write
transaction (two thirds of its time, all of it holding the lock). Now each process keeps
a copy and, inside the transaction, reads only `reference_version`, which triggers on
every reference table set to a new random number on any insert, update or delete, by
whatever writer. Random, not counted up: a change rolled back (a template preview) must
never leave a copy in some process that a later change's number would seem to vouch for.

Note for later migrations: a batch (copy-and-move) of one of these tables on SQLite drops
its triggers; recreate them (`tests/test_reference_version.py` fails when one is missing).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_reference_version"
down_revision: str | None = "0008_patient_search_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every table `load_reference` reads.
REFERENCE_TABLES = (
    "site",
    "provider",
    "provider_language",
    "provider_specialty",
    "provider_site",
    "provider_payer",
    "appointment_type",
    "resource",
    "appointment_type_resource",
    "schedule_template",
    "template_appointment_type",
    "schedule_block",
    "closure",
    "booking_limit",
    "specialty",
)
SQLITE_RANDOM = "abs(random() / 2)"
POSTGRES_RANDOM = "floor(random() * 4611686018427387904)::bigint"
BUMP = "UPDATE reference_version SET version = {random} WHERE id = 1"
POSTGRES_FUNCTION = (
    "CREATE FUNCTION schedtui_reference_changed() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN {BUMP.format(random=POSTGRES_RANDOM)}; RETURN NULL; END $$"
)


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_reference_{event.lower()} AFTER {event} ON {table} "
        f"BEGIN {BUMP.format(random=SQLITE_RANDOM)}; END"
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "reference_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_reference_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_version")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO reference_version (id, version) VALUES (1, {SQLITE_RANDOM})")
        for table in REFERENCE_TABLES:
            for statement in _sqlite_triggers(table):
                op.execute(statement)
        return
    op.execute(f"INSERT INTO reference_version (id, version) VALUES (1, {POSTGRES_RANDOM})")
    op.execute(POSTGRES_FUNCTION)
    for table in REFERENCE_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_reference_changed "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION schedtui_reference_changed()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in REFERENCE_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_reference_{event}")
    else:
        for table in REFERENCE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_reference_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS schedtui_reference_changed()")
    op.drop_table("reference_version")
