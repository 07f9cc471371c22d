"""Registering a new patient: every field checked with a message that names it, likely
duplicates shown before anything is saved, nothing saved until all is valid."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers
from dateutil.parser import parse as parse_date
from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from schedtui.core.patients.lookup.normalize import fold
from schedtui.core.patients.lookup.query import parse_query
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.errors import FieldErrors
from schedtui.core.support.formats import listed_name
from schedtui.core.support.text import text_problem
from schedtui.data import models as m
from schedtui.data.codes import SEXES
from schedtui.data.store import Store

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OLDEST_YEARS = 120


@dataclass(frozen=True)
class Registration:
    """What the scheduler typed, as typed."""

    first_name: str
    last_name: str
    dob: str
    phone: str
    sex: str = "unknown"
    email: str = ""
    language: str = "en"
    interpreter_needed: bool = False
    consent_sms: bool = False
    consent_email: bool = False
    consent_voice: bool = True
    address_line: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


@dataclass
class Checked:
    """Cleaned values, or what is wrong with which field."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class RegistrationInvalid(FieldErrors):
    """Some fields are wrong; `errors` maps each to its message."""


def check_text(checked: Checked, name: str, value: str, *, required: bool, limit: int) -> None:
    """A line of text, trimmed: required or not, at most `limit` characters, printable."""
    value = value.strip()
    problem = "required" if required and not value else text_problem(value, limit)
    if problem:
        checked.errors[name] = problem
    else:
        checked.values[name] = value


def check_dob(checked: Checked, text: str, today: date) -> None:
    """A date of birth as people write it: one date, not in the future, not too old."""
    dates = parse_query(text, today).birth_dates
    if not text.strip():
        checked.errors["dob"] = "required"
    elif not dates:
        checked.errors["dob"] = _why_not_a_birth_date(text, today)
    elif len(dates) > 1:
        checked.errors["dob"] = f"'{text}' could be several dates; write it as 03/04/1961"
    else:
        born = next(iter(dates))
        if born > today:
            checked.errors["dob"] = "is in the future"
        elif today.year - born.year > OLDEST_YEARS:
            checked.errors["dob"] = f"is over {OLDEST_YEARS} years ago"
        else:
            checked.values["dob"] = born


def _why_not_a_birth_date(text: str, today: date) -> str:
    try:
        meant = parse_date(text).date()
    except (ValueError, OverflowError):
        return f"'{text}' is not a date of birth (e.g. 3/4/1961)"
    if meant > today:
        return "is in the future"
    if today.year - meant.year > OLDEST_YEARS:
        return f"is over {OLDEST_YEARS} years ago"
    return f"'{text}' is not a date of birth (e.g. 3/4/1961)"


def check_phone(checked: Checked, text: str, region: str, *, name: str = "phone") -> None:
    """A phone number valid in `region` (or with its country code), kept in E.164."""
    if not text.strip():
        checked.errors[name] = "required (how we reach the patient)"
        return
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        checked.errors[name] = f"'{text}' is not a phone number"
        return
    if not phonenumbers.is_valid_number(number):
        checked.errors[name] = f"'{text}' is not a valid number in {region}"
        return
    checked.values[name] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check(entry: Registration, *, today: date, region: str) -> Checked:
    """Every field checked; nothing touches the store."""
    checked = Checked()
    check_text(checked, "first_name", entry.first_name, required=True, limit=80)
    check_text(checked, "last_name", entry.last_name, required=True, limit=80)
    check_dob(checked, entry.dob, today)
    check_phone(checked, entry.phone, region)
    if entry.email.strip() and not EMAIL.match(entry.email.strip()):
        checked.errors["email"] = f"'{entry.email}' is not an e-mail address"
    if entry.sex not in SEXES:
        checked.errors["sex"] = f"one of {', '.join(SEXES)}"
    if not re.fullmatch(r"[a-z]{2,3}", entry.language.strip().lower()):
        checked.errors["language"] = "a language code like en, es, vi"
    for name in ("address_line", "city", "state", "postal_code"):
        check_text(checked, name, getattr(entry, name), required=False, limit=200)
    return checked


@dataclass(frozen=True)
class Duplicate:
    """An existing patient the new one may be."""

    patient_id: int
    mrn: str
    name: str
    dob: date
    reason: str


def likely_duplicates(session: Session, checked: Checked) -> list[Duplicate]:
    """Patients with the same birth date and a similar name, or the same phone number."""
    found: dict[int, Duplicate] = {}
    name = fold(f"{checked.values.get('first_name', '')} {checked.values.get('last_name', '')}")
    dob = checked.values.get("dob")
    if isinstance(dob, date):
        for patient in session.exec(select(m.Patient).where(col(m.Patient.dob) == dob)):
            score = fuzz.token_sort_ratio(name, fold(f"{patient.first_name} {patient.last_name}"))
            if score >= 80 and patient.id is not None:
                found[patient.id] = Duplicate(
                    patient.id,
                    patient.mrn,
                    listed_name(patient),
                    patient.dob,
                    "same date of birth, similar name",
                )
    phone = checked.values.get("phone")
    if phone:
        rows = session.exec(
            select(m.Patient)
            .join(m.PatientPhone, col(m.PatientPhone.patient_id) == col(m.Patient.id))
            .where(col(m.PatientPhone.number) == phone)
        ).all()
        for patient in rows:
            if patient.id is not None and patient.id not in found:
                found[patient.id] = Duplicate(
                    patient.id,
                    patient.mrn,
                    listed_name(patient),
                    patient.dob,
                    "same phone number",
                )
    return list(found.values())


@dataclass(frozen=True)
class Registered:
    """The new patient, or the possible duplicates that stopped the registration."""

    patient_id: int | None
    mrn: str | None
    duplicates: tuple[Duplicate, ...] = ()


def register_patient(
    store: Store,
    actor: Actor,
    entry: Registration,
    *,
    now: datetime,
    region: str,
    today: date,
    not_a_duplicate: bool = False,
) -> Registered:
    """Register the patient unless a field is wrong (`RegistrationInvalid`) or likely
    duplicates exist and the scheduler has not said it is someone else."""

    def work(session: Session) -> Registered:
        checked = check(entry, today=today, region=region)
        if checked.errors:
            raise RegistrationInvalid(checked.errors)
        duplicates = likely_duplicates(session, checked)
        if duplicates and not not_a_duplicate:
            return Registered(None, None, tuple(duplicates))
        patient = _insert(session, entry, checked, now)
        audit.record(
            session,
            actor=actor,
            action="create",
            now=now,
            entity="patient",
            entity_id=patient.mrn,
            patient_id=patient.id,
            detail={"duplicates_overridden": [d.mrn for d in duplicates]},
        )
        return Registered(patient.id, patient.mrn)

    return guarded_write(store, actor, Permission.REGISTER_PATIENTS, work, now=now, what="patient")


def _insert(session: Session, entry: Registration, checked: Checked, now: datetime) -> m.Patient:
    values = checked.values
    patient = m.Patient(
        mrn=f"NEW-{now.timestamp()}",
        first_name=str(values["first_name"]),
        last_name=str(values["last_name"]),
        dob=values["dob"],  # type: ignore[arg-type]
        sex=entry.sex,
        email=entry.email.strip(),
        language=entry.language.strip().lower(),
        interpreter_needed=entry.interpreter_needed,
        address_line=str(values.get("address_line", "")),
        city=str(values.get("city", "")),
        state=str(values.get("state", "")),
        postal_code=str(values.get("postal_code", "")),
        created_at=now,
        updated_at=now,
    )
    session.add(patient)
    session.flush()
    assert patient.id is not None
    patient.mrn = _new_mrn(session, patient.id)
    session.add(
        m.PatientPhone(
            patient_id=patient.id, number=str(values["phone"]), kind="mobile", is_primary=True
        )
    )
    for channel, granted in (
        ("sms", entry.consent_sms),
        ("email", entry.consent_email),
        ("voice", entry.consent_voice),
    ):
        session.add(
            m.ContactConsent(
                patient_id=patient.id, channel=channel, granted=granted, recorded_at=now
            )
        )
    session.flush()
    return patient


def mrn_in_series(patient_id: int) -> int:
    """The clinic's MRN for a new patient id (the next free one after it, if taken)."""
    return 10_000_000 + patient_id * 7 + patient_id % 7


def _new_mrn(session: Session, patient_id: int) -> str:
    candidate = mrn_in_series(patient_id)
    while session.exec(select(m.Patient.id).where(col(m.Patient.mrn) == str(candidate))).first():
        candidate += 1
    return str(candidate)
