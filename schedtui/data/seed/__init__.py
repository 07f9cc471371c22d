"""A synthetic multi-site clinic for demos, the sandbox, tests and benchmarks.

Same seed and same "now", same clinic: every random choice flows from one
`random.Random(seed)` and Faker instances seeded with it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
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
        batch = make_patients(
            rng,
            pools,
            patients,
            now=now,
            payer_ids=clinic.payer_ids,
            family_provider_ids=_family_providers(clinic),
        )
        _insert_patients(session, batch)
        report = _schedule(rng, clinic, batch, now=now)
        _insert_schedule(session, rng, clinic, batch, report, now=now)
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
    rng: random.Random, clinic: Clinic, batch: PatientBatch, *, now: datetime
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
    report = book_windows(rng, clinic, spans, now=now, patient_count=len(batch.patients))
    _mark_interpreters(clinic, batch, report)
    return report


def _mark_interpreters(clinic: Clinic, batch: PatientBatch, report: ScheduleReport) -> None:
    speaks = {provider.id: set(spec.languages) for spec, provider in clinic.providers}
    for row in report.appointments:
        patient = batch.patients[row["patient_id"] - 1]
        if patient["interpreter_needed"] and patient["language"] not in speaks[row["provider_id"]]:
            row["interpreter_language"] = patient["language"]


def _insert_schedule(
    session: Session,
    rng: random.Random,
    clinic: Clinic,
    batch: PatientBatch,
    report: ScheduleReport,
    *,
    now: datetime,
) -> None:
    rows = report.appointments
    referrals = worklists.referrals_for(rng, clinic, rows, now=now)
    referrals += worklists.open_referrals(
        rng, clinic, len(referrals) + 1, len(batch.patients), today=now.date()
    )
    primary = {c["patient_id"]: c["payer_id"] for c in batch.coverages if c["rank"] == 1}
    authorizations = worklists.authorizations_for(rng, clinic, rows, primary, now=now)
    _bulk(session, m.Referral, referrals)
    _bulk(session, m.PriorAuthorization, authorizations)
    for index, row in enumerate(rows, start=1):
        row["id"] = index
        row.setdefault("referral_id", None)
        row.setdefault("prior_authorization_id", None)
    _bulk(session, m.Appointment, rows)
    _bulk(
        session, m.WaitlistEntry, worklists.waitlist_for(rng, clinic, len(batch.patients), now=now)
    )


def _advance_sequences(session: Session) -> None:
    # Explicit ids do not move PostgreSQL's sequences; later inserts must not collide.
    for table in ("patient", "appointment", "referral", "prior_authorization"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
        )
