"""Keeping a patient's chart true: names, date of birth, sex, phones, e-mail, address,
language and interpreter need, the preferred way to be reached, the emergency contact.
Every field is checked as at registration and named when wrong; nothing is written
unless all are right; the audit row keeps each changed field before and after; the
lookup sees the change at once (`updated_at`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from schedtui.core.patients.contact_consent import consents, record_answer
from schedtui.core.patients.registration import (
    EMAIL,
    Checked,
    RegistrationInvalid,
    check_dob,
    check_phone,
    check_text,
)
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write
from schedtui.core.support.charts import chart_for
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.codes import PHONE_KINDS, PREFERRED_CONTACTS, SEXES
from schedtui.data.store import Store

#: The form's and edit's names for the patient's answers, by channel.
CONSENT_FIELDS = {"sms_ok": "sms", "email_ok": "email", "voice_ok": "voice"}
#: The chart's own columns an edit may change (phones live in their own table).
CHART_FIELDS = (
    "first_name", "last_name", "dob", "sex", "email", "language", "interpreter_needed",
    "address_line", "city", "state", "postal_code", "preferred_contact",
    "emergency_contact_name", "emergency_contact_phone",
)  # fmt: skip


@dataclass(frozen=True)
class ChartEdit:
    """What to change, as typed; None leaves a field as it is ("" empties a field that
    may be empty)."""

    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = None
    sex: str | None = None
    email: str | None = None
    language: str | None = None
    interpreter_needed: bool | None = None
    address_line: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    preferred_contact: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    #: A number to add (or make) the patient's primary, of `phone_kind`.
    phone: str | None = None
    phone_kind: str = "mobile"
    #: A number to take off the chart.
    remove_phone: str | None = None
    #: The patient's answers: may we text, e-mail, call them (None: as they were).
    sms_ok: bool | None = None
    email_ok: bool | None = None
    voice_ok: bool | None = None

    def given(self) -> dict[str, Any]:
        """The fields asked to change."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "phone_kind" and getattr(self, f.name) is not None
        }


def check_edit(edit: ChartEdit, *, today: date, region: str) -> Checked:
    """Each field given, checked as at registration (nothing touches the store)."""
    checked = Checked()
    given = edit.given()
    if not given:
        raise BadInput("Say what to change (--phone, --email, --language...; --help lists them).")
    for name in ("first_name", "last_name"):
        if name in given:
            check_text(checked, name, given[name], required=True, limit=80)
    for name in ("address_line", "city", "state", "postal_code"):
        if name in given:
            check_text(checked, name, given[name], required=False, limit=200)
    if "emergency_contact_name" in given:
        check_text(checked, "emergency_contact_name", given["emergency_contact_name"],
                   required=False, limit=120)  # fmt: skip
    if "dob" in given:
        check_dob(checked, given["dob"], today)
    _choices(checked, given, edit.phone_kind)
    _phones(checked, given, region)
    for name in ("interpreter_needed", *CONSENT_FIELDS):
        if name in given:
            checked.values[name] = bool(given[name])
    return checked


def _choices(checked: Checked, given: dict[str, Any], phone_kind: str) -> None:
    email = given.get("email")
    if email is not None:
        if email.strip() and not EMAIL.match(email.strip()):
            checked.errors["email"] = f"'{email}' is not an e-mail address"
        else:
            checked.values["email"] = email.strip()
    if "sex" in given:
        if given["sex"] not in SEXES:
            checked.errors["sex"] = f"one of {', '.join(SEXES)}"
        else:
            checked.values["sex"] = given["sex"]
    if "language" in given:
        language = given["language"].strip().lower()
        if not language.isascii() or not language.isalpha() or not 2 <= len(language) <= 3:
            checked.errors["language"] = "a language code like en, es, vi"
        else:
            checked.values["language"] = language
    if "preferred_contact" in given:
        wanted = given["preferred_contact"].strip().lower()
        if wanted not in PREFERRED_CONTACTS:
            checked.errors["preferred_contact"] = "sms, email, voice, or '' (not said)"
        else:
            checked.values["preferred_contact"] = wanted
    if phone_kind not in PHONE_KINDS:
        checked.errors["phone_kind"] = f"one of {', '.join(PHONE_KINDS)}"


def _phones(checked: Checked, given: dict[str, Any], region: str) -> None:
    for name in ("phone", "remove_phone"):
        if name in given:
            check_phone(checked, given[name], region, name=name)
    if "emergency_contact_phone" in given:
        if given["emergency_contact_phone"].strip():
            check_phone(checked, given["emergency_contact_phone"], region,
                        name="emergency_contact_phone")  # fmt: skip
        else:
            checked.values["emergency_contact_phone"] = ""


@dataclass(frozen=True)
class Edited:
    """What changed: each field's value before and after (phones as lists)."""

    mrn: str
    before: dict[str, Any]
    after: dict[str, Any]


def edit_patient(
    store: Store,
    actor: Actor,
    mrn: str,
    edit: ChartEdit,
    *,
    now: datetime,
    region: str,
    today: date,
) -> Edited:
    """Change the chart; `RegistrationInvalid` names every field that is wrong and
    nothing is written. Audited, before and after."""
    checked = check_edit(edit, today=today, region=region)
    if checked.errors:
        raise RegistrationInvalid(checked.errors)

    def work(session: Session) -> Edited:
        patient = chart_for(session, mrn)
        changed = apply_edit(session, patient, checked, edit.phone_kind, now)
        audit.record(
            session, actor=actor, action="update", now=now, entity="patient",
            entity_id=patient.mrn, patient_id=patient.id,
            detail={"before": changed.before, "after": changed.after},
        )  # fmt: skip
        return changed

    return guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="patient")


def apply_edit(
    session: Session, patient: m.Patient, checked: Checked, phone_kind: str, now: datetime
) -> Edited:
    """Write the checked values (in the caller's transaction); what changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in CHART_FIELDS:
        if name in checked.values and getattr(patient, name) != checked.values[name]:
            before[name] = _shown(getattr(patient, name))
            setattr(patient, name, checked.values[name])
            after[name] = _shown(checked.values[name])
    _change_consent(session, patient, checked, now, before, after)
    numbers_before = _numbers(session, patient)
    _change_phones(session, patient, checked, phone_kind)
    numbers_after = _numbers(session, patient)
    if numbers_after != numbers_before:
        before["phones"], after["phones"] = numbers_before, numbers_after
    if before or after:
        patient.updated_at, patient.version = now, patient.version + 1
        session.add(patient)
    session.flush()
    return Edited(patient.mrn, before, after)


def _change_consent(
    session: Session,
    patient: m.Patient,
    checked: Checked,
    now: datetime,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """The patient's answers per channel, kept with the chart's change."""
    answers = consents(session, patient.id or 0)
    for name, channel in CONSENT_FIELDS.items():
        wanted = checked.values.get(name)
        if wanted is not None and answers[channel] != wanted:
            before.setdefault("consent", {})[channel] = answers[channel]
            after.setdefault("consent", {})[channel] = wanted
            record_answer(session, patient.id or 0, channel, bool(wanted), now)


def _shown(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _numbers(session: Session, patient: m.Patient) -> list[str]:
    """The patient's numbers, the primary first, each with its kind."""
    return [
        f"{phone.number} ({phone.kind}{', primary' if phone.is_primary else ''})"
        for phone in _phone_rows(session, patient)
    ]


def _phone_rows(session: Session, patient: m.Patient) -> list[m.PatientPhone]:
    return list(
        session.exec(
            select(m.PatientPhone)
            .where(col(m.PatientPhone.patient_id) == patient.id)
            .order_by(col(m.PatientPhone.is_primary).desc(), col(m.PatientPhone.id))
        )
    )


def _change_phones(session: Session, patient: m.Patient, checked: Checked, phone_kind: str) -> None:
    rows = _phone_rows(session, patient)
    gone = checked.values.get("remove_phone")
    if gone is not None:
        doomed = [row for row in rows if row.number == gone]
        if not doomed:
            raise BadInput(f"--remove-phone: {gone} is not one of the patient's numbers.")
        if len(rows) == 1 and "phone" not in checked.values:
            raise BadInput("--remove-phone: it is the patient's only number; add another first.")
        session.delete(doomed[0])
        session.flush()
        rows = [row for row in rows if row.number != gone]
    new = checked.values.get("phone")
    if new is None:
        if rows and not any(row.is_primary for row in rows):
            rows[0].is_primary = True  # the primary was removed: the next one is
            session.add(rows[0])
        return
    for row in rows:
        row.is_primary = row.number == new
        if row.is_primary:
            row.kind = phone_kind
        session.add(row)
    if not any(row.number == new for row in rows):
        session.add(m.PatientPhone(patient_id=patient.id or 0, number=str(new),
                                   kind=phone_kind, is_primary=True))  # fmt: skip


#: The chart form's fields (the panel's edit key), in the order they are asked.
FORM_FIELDS = (
    ("first_name", "First name"), ("last_name", "Last name"), ("dob", "Date of birth"),
    ("sex", "Sex (female, male, other, unknown)"), ("phone", "Primary phone"),
    ("email", "E-mail"), ("language", "Language (en, es, vi...)"),
    ("interpreter", "Needs an interpreter (yes or no)"), ("address_line", "Street address"),
    ("city", "City"), ("state", "State"), ("postal_code", "ZIP code"),
    ("preferred_contact", "Prefers to be reached by (sms, email, voice, or empty)"),
    ("emergency_contact_name", "Emergency contact"),
    ("emergency_contact_phone", "Emergency contact's phone"),
    ("sms_ok", "May we text them? (yes or no)"), ("email_ok", "May we e-mail them? (yes or no)"),
    ("voice_ok", "May we call them? (yes or no)"),
)  # fmt: skip


def chart_form_values(
    store: Store, actor: Actor, patient_id: int, *, now: datetime
) -> dict[str, str]:
    """What the chart form shows, as text (an audited view of the chart)."""

    def work(session: Session) -> dict[str, str]:
        patient = session.get(m.Patient, patient_id)
        if patient is None:
            raise BadInput(f"There is no patient with id {patient_id}.")
        phones = _phone_rows(session, patient)
        values = {name: str(getattr(patient, name)) for name in CHART_FIELDS}
        values["mrn"] = patient.mrn
        values["dob"] = f"{patient.dob:%m/%d/%Y}"
        values["interpreter"] = "yes" if patient.interpreter_needed else "no"
        values["phone"] = phones[0].number if phones else ""
        answers = consents(session, patient_id)
        for name, channel in CONSENT_FIELDS.items():
            values[name] = "yes" if answers[channel] else "no"
        audit.record(
            session, actor=actor, action="view", now=now, entity="patient",
            entity_id=patient.mrn, patient_id=patient.id, detail={"for": "edit"},
        )  # fmt: skip
        return values

    return guarded_write(store, actor, Permission.EDIT_PATIENTS, work, now=now, what="patient")


def edit_from_form(
    shown: dict[str, str], typed: dict[str, str], *, today: date, region: str
) -> ChartEdit:
    """The fields the user changed in the form, checked (`RegistrationInvalid` names each
    wrong one); an edit of nothing when nothing changed."""
    changed = {
        name: value.strip()
        for name, value in typed.items()
        if value.strip() != shown.get(name, "").strip()
    }
    answers: dict[str, bool | None] = {}
    wrong: dict[str, str] = {}
    for name in ("interpreter", *CONSENT_FIELDS):
        said = changed.pop(name, None)
        if said is not None and said.lower() not in ("yes", "no", "y", "n"):
            wrong[name] = "yes or no"
        answers[name] = None if said is None else said.lower().startswith("y")
    if wrong:
        raise RegistrationInvalid(wrong)
    edit = ChartEdit(
        interpreter_needed=answers["interpreter"], sms_ok=answers["sms_ok"],
        email_ok=answers["email_ok"], voice_ok=answers["voice_ok"], **changed,
    )  # fmt: skip
    if edit.given():
        checked = check_edit(edit, today=today, region=region)
        if checked.errors:
            raise RegistrationInvalid(checked.errors)
    return edit
