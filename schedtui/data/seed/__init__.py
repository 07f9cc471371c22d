"""A synthetic multi-site clinic for demos, the sandbox, tests and benchmarks.

Same seed and same "now", same clinic: every random choice flows from one
`random.Random(seed)` and Faker instances seeded with it.
"""

from __future__ import annotations

import random
import time
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text
from sqlmodel import Session

from schedtui.data import models as m
from schedtui.data.errors import StoreError
from schedtui.data.recurrence import windows
from schedtui.data.seed import worklists
from schedtui.data.seed.clinic import Clinic, template_epoch, write_clinic
from schedtui.data.seed.people import NamePools, PatientBatch, make_patients
from schedtui.data.seed.schedule import ScheduleReport, book_windows
from schedtui.data.store import Store

MAX_PATIENTS = 1_000_000
MAX_PROVIDERS = 200
PAST_DAYS = 182
FUTURE_DAYS = 56


@dataclass(frozen=True)
class SeedSummary:
    """What a seed run wrote."""

    patients: int
    providers: int
    sites: int
    appointments: int
    future_fill_rate: float
    seconds: float


def seed_store(
    store: Store, *, patients: int, seed: int, now: datetime, providers: int = 12
) -> SeedSummary:
    """Fill an empty store with a synthetic clinic anchored at `now`, in one transaction.

    Raises `StoreError` if the store already holds a clinic, `ValueError` for a bad count.
    """
    if not 1 <= patients <= MAX_PATIENTS:
        raise ValueError(f"the number of patients must be between 1 and {MAX_PATIENTS:,}")
    if not 1 <= providers <= MAX_PROVIDERS:
        raise ValueError(f"the number of providers must be between 1 and {MAX_PROVIDERS}")
    began = time.perf_counter()
    rng = random.Random(seed)
    pools = NamePools.draw(seed)
    with store.write() as session:
        _require_empty(session, store)
        clinic = write_clinic(session, rng, today=now.date(), now=now, providers=providers)
        kept = KeptOfPatients(patients)
        for batch in make_patients(
            rng,
            pools,
            patients,
            now=now,
            payer_ids=clinic.payer_ids,
            family_provider_ids=_family_providers(clinic),
        ):
            _insert_patients(session, batch)
            kept.keep(batch)
        report = _schedule(rng, clinic, kept, now=now)
        _insert_schedule(session, rng, clinic, kept, report, now=now)
        if not store.is_sqlite:
            _advance_sequences(session)
    return SeedSummary(
        patients,
        len(clinic.providers),
        len(clinic.sites),
        len(report.appointments),
        report.future_fill_rate,
        time.perf_counter() - began,
    )


class KeptOfPatients:
    """The little the schedule needs of each patient once their rows are written: who
    needs an interpreter (and in which language) and their primary payer."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.interpreter: dict[int, str] = {}
        self.primary_payer = array("i", bytes(4 * (count + 1)))  # 0: no primary coverage

    def keep(self, batch: PatientBatch) -> None:
        """Note what is needed of a batch just written."""
        for patient in batch.patients:
            if patient["interpreter_needed"]:
                self.interpreter[patient["id"]] = patient["language"]
        for coverage in batch.coverages:
            if coverage["rank"] == 1:
                self.primary_payer[coverage["patient_id"]] = coverage["payer_id"]

    def primary(self) -> PrimaryPayers:
        """Primary payer by patient (those with one)."""
        return PrimaryPayers(self.primary_payer)


class PrimaryPayers(Mapping[int, int]):
    """A patient's primary payer, read from the kept array (0: none)."""

    def __init__(self, payers: array[int]) -> None:
        self.payers = payers

    def __getitem__(self, patient_id: int) -> int:
        payer = self.payers[patient_id] if 0 < patient_id < len(self.payers) else 0
        if not payer:
            raise KeyError(patient_id)
        return payer

    def __iter__(self) -> Iterator[int]:
        return (pid for pid, payer in enumerate(self.payers) if payer)

    def __len__(self) -> int:
        return sum(1 for payer in self.payers if payer)


def _require_empty(session: Session, store: Store) -> None:
    for table in (m.Site, m.Patient, m.Appointment):
        if session.execute(select(func.count()).select_from(table)).scalar_one():
            raise StoreError(
                f"{store.describe()} already holds a clinic; seed a new, empty store instead."
            )


def _family_providers(clinic: Clinic) -> list[int]:
    return [p.id for spec, p in clinic.providers if spec.specialty == "FM" and p.id is not None]


def _bulk(session: Session, model: type[m.SQLModel], rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        table = model.__table__  # type: ignore[attr-defined]
        assert isinstance(table, Table)
        session.connection().execute(insert(table), list(rows))


def _insert_patients(session: Session, batch: PatientBatch) -> None:
    _bulk(session, m.Patient, batch.patients)
    _bulk(session, m.PatientPhone, batch.phones)
    _bulk(session, m.ContactConsent, batch.consents)
    _bulk(session, m.Coverage, batch.coverages)


def _schedule(
    rng: random.Random, clinic: Clinic, kept: KeptOfPatients, *, now: datetime
) -> ScheduleReport:
    zones = {site.id: ZoneInfo(site.timezone) for site in clinic.sites.values() if site.id}
    first = max(now.date() - timedelta(days=PAST_DAYS), template_epoch(now.date()))
    spans = windows(
        clinic.templates,
        clinic.blocks,
        clinic.closures,
        zones,
        first,
        now.date() + timedelta(days=FUTURE_DAYS),
    )
    report = book_windows(rng, clinic, spans, now=now, patient_count=kept.count)
    _mark_interpreters(clinic, kept, report)
    return report


def _mark_interpreters(clinic: Clinic, kept: KeptOfPatients, report: ScheduleReport) -> None:
    speaks = {provider.id: set(spec.languages) for spec, provider in clinic.providers}
    for row in report.appointments:
        language = kept.interpreter.get(row["patient_id"])
        if language is not None and language not in speaks[row["provider_id"]]:
            row["interpreter_language"] = language


def _insert_schedule(
    session: Session,
    rng: random.Random,
    clinic: Clinic,
    kept: KeptOfPatients,
    report: ScheduleReport,
    *,
    now: datetime,
) -> None:
    rows = report.appointments
    referrals = worklists.referrals_for(rng, clinic, rows, now=now)
    referrals += worklists.open_referrals(
        rng, clinic, len(referrals) + 1, kept.count, today=now.date()
    )
    primary = kept.primary()
    authorizations = worklists.authorizations_for(rng, clinic, rows, primary, now=now)
    _bulk(session, m.Referral, referrals)
    _bulk(session, m.PriorAuthorization, authorizations)
    for index, row in enumerate(rows, start=1):
        row["id"] = index
        row.setdefault("referral_id", None)
        row.setdefault("prior_authorization_id", None)
    _bulk(session, m.Appointment, rows)
    _bulk(session, m.WaitlistEntry, worklists.waitlist_for(rng, clinic, kept.count, now=now))


def _advance_sequences(session: Session) -> None:
    # Explicit ids do not move PostgreSQL's sequences; later inserts must not collide.
    for table in ("patient", "appointment", "referral", "prior_authorization"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
        )
