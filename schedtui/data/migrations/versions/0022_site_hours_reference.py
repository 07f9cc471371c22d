"""a site's opening hours are reference facts: changing them moves the reference version

Revision ID: 0022_site_hours_reference
Revises: 0021_authorization_requests
Create Date: 2026-12-02

The search and the booking now honour a site's opening hours (`site_hours`), so every
process's kept copy of the reference facts must be renewed when they change: the same
triggers as 0009's tables.
"""

from collections.abc import Sequence
from importlib import import_module

from alembic import op

revision: str = "0022_site_hours_reference"
down_revision: str | None = "0021_authorization_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables this migration adds to 0009's REFERENCE_TABLES.
REFERENCE_TABLES = ("site_hours",)
_0009 = import_module("schedtui.data.migrations.versions.0009_reference_version")


def upgrade() -> None:
    for table in REFERENCE_TABLES:
        if op.get_bind().dialect.name == "sqlite":
            for statement in _0009._sqlite_triggers(table):
                op.execute(statement)
        else:
            op.execute(
                f"CREATE TRIGGER {table}_reference_changed "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION schedtui_reference_changed()"
            )


def downgrade() -> None:
    for table in REFERENCE_TABLES:
        if op.get_bind().dialect.name == "sqlite":
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_reference_{event}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_reference_changed ON {table}")
