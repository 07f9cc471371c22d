"""Shared pieces of every table: naming convention, timestamps, check helpers."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict
from sqlalchemy import CheckConstraint
from sqlmodel import Field
from sqlmodel import SQLModel as _SQLModel

from schedtui.data.codes import sql_in


class SQLModel(_SQLModel):
    """Every table's base: its pydantic schema is built when first needed, not at import
    (the tables are read and written through SQLAlchemy; building 40 schemas up front
    cost a third of a second of every start)."""

    # SQLModel types its config as its own TypedDict; this key is a plain pydantic one.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


# Stable constraint names let Alembic's batch mode on SQLite find and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(
    column: str, values: tuple[str, ...] | dict[str, str], name: str | None = None
) -> CheckConstraint:
    """CHECK that `column` holds one of the codes in `values`."""
    return CheckConstraint(sql_in(column, values), name=name or f"{column}_code")


def not_negative(*columns: str) -> tuple[CheckConstraint, ...]:
    """CHECK that each amount or count column is >= 0 (or empty)."""
    return tuple(
        CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_not_negative")
        for column in columns
    )


def ends_after_start(start: str = "start", end: str = "end") -> CheckConstraint:
    """CHECK that an interval ends after it starts."""
    return CheckConstraint(f'"{end}" > "{start}"', name=f"{end}_after_{start}")


__all__ = ["Field", "SQLModel", "datetime", "ends_after_start", "not_negative", "one_of"]
