"""A tiny, hand-made clinic for tests whose expectations must not depend on Faker's pools."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from schedtui.core.schedule.booking import BookingRequest, book
from schedtui.core.security import users
from schedtui.core.security.access import Actor
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings, load_settings

NOW = datetime(2026, 3, 9, 15, 30, tzinfo=UTC)  # Monday; 11:30 in Boston (EDT), 10:30 Chicago
DAY = date(2026, 3, 9)


@dataclass
class TinyClinic:
    """Ids of the tiny clinic's rows."""

    boston: int
    chicago: int
    okafor: int
    reyes: int
    follow_up: int
    patients: dict[str, int]


def local(day: date, hour: int, minute: int, zone: str) -> datetime:
    """A site-local wall time as a UTC moment."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def build_tiny_clinic(store: Store) -> TinyClinic:
    """Two sites in two timezones, two providers, five patients, a day of appointments."""
    with store.write() as session:
        boston = m.Site(code="BOS", name="Boston Clinic", timezone="America/New_York")
        chicago = m.Site(code="CHI", name="Chicago Clinic", timezone="America/Chicago")
        okafor = m.Provider(npi="1234567893", first_name="Amara", last_name="Okafor")
        reyes = m.Provider(npi="1245319599", first_name="Sofia", last_name="Reyes")
        follow_up = m.AppointmentType(
            code="FU", name="Follow-up", category="follow-up", duration_minutes=20
        )
        session.add_all([boston, chicago, okafor, reyes, follow_up])
        session.flush()
        names = {
            "ann": ("[b]Ann", "Smith"),
            "jose": ("José", "García"),
            "mary": ("Mary-Kate", "O'Neil [/]"),
            "li": ("Wei", "Li"),
            "zoe": ("Zoë", "Ängström"),
        }
        patients = {}
        for index, (key, (first, last)) in enumerate(names.items(), start=1):
            patient = m.Patient(
                mrn=f"MRN{index:04d}",
                first_name=first,
                last_name=last,
                dob=date(1960 + index, index, index),
                created_at=NOW,
                updated_at=NOW,
                interpreter_needed=key == "jose",
                language="es" if key == "jose" else "en",
            )
            session.add(patient)
            session.flush()
            assert patient.id is not None
            patients[key] = patient.id
        session.add(
            m.PatientPhone(patient_id=patients["ann"], number="+16175550123", is_primary=True)
        )
        session.get(m.Patient, patients["ann"]).email = "ann.smith@example.com"  # type: ignore[union-attr]
        clinic = TinyClinic(
            _id(boston), _id(chicago), _id(okafor), _id(reyes), _id(follow_up), patients
        )
        plan = [
            ("ann", clinic.okafor, clinic.boston, (9, 0), "fulfilled", None),
            ("jose", clinic.okafor, clinic.boston, (11, 20), "arrived", "es"),
            ("mary", clinic.okafor, clinic.boston, (13, 0), "booked", None),
            ("li", clinic.reyes, clinic.chicago, (9, 0), "noshow", None),
            ("zoe", clinic.reyes, clinic.chicago, (10, 0), "cancelled", None),
            ("ann", clinic.reyes, clinic.chicago, (14, 0), "entered-in-error", None),
        ]
        for key, provider, site, (hour, minute), status, interpreter in plan:
            zone = "America/New_York" if site == clinic.boston else "America/Chicago"
            start = local(DAY, hour, minute, zone)
            session.add(
                m.Appointment(
                    patient_id=patients[key],
                    provider_id=provider,
                    site_id=site,
                    appointment_type_id=clinic.follow_up,
                    start=start,
                    end=start + timedelta(minutes=20),
                    status=status,
                    cancellation_reason="pat-fb" if status == "cancelled" else None,
                    interpreter_language=interpreter,
                    booked_at=NOW - timedelta(days=3),
                    updated_at=NOW - timedelta(days=3),
                )
            )
        session.add(
            m.Appointment(
                patient_id=patients["li"],
                provider_id=clinic.okafor,
                site_id=clinic.boston,
                appointment_type_id=clinic.follow_up,
                start=local(DAY + timedelta(days=1), 8, 0, "America/New_York"),
                end=local(DAY + timedelta(days=1), 8, 20, "America/New_York"),
                status="booked",
                overbooked=True,
                overbook_reason="Urgent add-on",
                booked_at=NOW,
                updated_at=NOW,
            )
        )
    return clinic


def _id(row: m.SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int)
    return value


@dataclass
class Staff:
    """Signed-in actors of each role, with real user rows (the audit trail links to them)."""

    admin: Actor
    supervisor: Actor
    scheduler: Actor


STAFF_PASSWORD = "harbor-lights-42"


def add_staff(store: Store) -> Staff:
    """An admin, a supervisor and a scheduler; every password is STAFF_PASSWORD."""
    admin = users.create_first_admin(
        store,
        username="alex.admin",
        display_name="Alex Admin",
        password=STAFF_PASSWORD,
        os_account="alex_os",
        now=NOW,
    )
    for name, role in (("sue.super", "supervisor"), ("ava.jensen", "scheduler")):
        users.add_user(
            store,
            admin,
            username=name,
            role=role,
            display_name=name.title(),
            password=STAFF_PASSWORD,
            os_account=f"{name.split('.')[0]}_os",
            now=NOW,
        )
    with store.read() as session:
        found = {u.username: users.actor_of(u) for u in session.exec(select(m.User)).all()}
    return Staff(admin, found["sue.super"], found["ava.jensen"])


#: Why a test about the schedule books a patient with open insurance items anyway.
SELF_PAY = "self-pay (test of the schedule)"


def book_self_pay(
    store: Store,
    actor: Actor,
    request: BookingRequest,
    *,
    now: datetime,
    settings: Settings | None = None,
) -> int:
    """Book through the one door for a test about the schedule, not insurance: the
    tiny clinic's patients have no coverage on file, so the booking says why it goes
    ahead anyway, as a scheduler must."""
    reason = request.override_reason or SELF_PAY
    return book(
        store,
        actor,
        replace(request, override_reason=reason),
        now=now,
        settings=settings or load_settings(),
    )
