"""What kind of store this is: the real clinic or the trainees' sandbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint

from schedtui.data.models.base import Field, SQLModel, one_of
from schedtui.data.types import UTCDateTime

STORE_KINDS = ("clinic", "sandbox")


class StoreInfo(SQLModel, table=True):
    """The one row that says what this store is; the sandbox never opens a clinic store."""

    __tablename__ = "store_info"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        one_of("kind", STORE_KINDS),
    )
    id: int = Field(default=1, primary_key=True)
    kind: str = Field(max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ReferenceVersion(SQLModel, table=True):
    """A number that changes whenever the clinic's reference facts change (sites,
    providers, visit types, resources, templates, blocks, closures, limits, networks):
    the store's own triggers set it to a new random number, whoever writes, so a process
    may keep a copy of those facts while it stands still. Random, so neither a change
    rolled back nor a new store at an old path passes for another."""

    __tablename__ = "reference_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
    id: int = Field(default=1, primary_key=True)
    version: int = Field(sa_type=BigInteger)
