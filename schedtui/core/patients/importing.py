"""Importing the old system's patients: each row checked by the registration form's rules
(core.patients.registration), likely duplicates found against the store and within the
file (the same date of birth and a similar name, the same phone, the same MRN), a dry run
that says what would be added, skipped and rejected and why, and, asked to apply, every
row that passed added in one transaction (all or nothing), audited."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as select_columns
from sqlmodel import Session, select

from schedtui.core.patients.import_file import ReadFile, read_patient_file
from schedtui.core.patients.lookup.normalize import fold
from schedtui.core.patients.registration import Checked, Registration, check, mrn_in_series
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import guarded_write, require
from schedtui.data import models as m
from schedtui.data.store import Store

#: An MRN the old system gave: what the store keeps as one.
MRN = re.compile(r"^[A-Za-z0-9-]{1,20}$")
#: How alike two names with the same birth date must be to be the same person (0-100).
SAME_NAME = 80
#: How old systems write sex, and how the store does.
_SEXES = {
    **dict.fromkeys(("m", "male"), "male"),
    **dict.fromkeys(("f", "female"), "female"),
    **dict.fromkeys(("o", "x", "other"), "other"),
    **dict.fromkeys(("u", "unknown", ""), "unknown"),
}
#: Languages written out, as ISO 639-1 codes.
_LANGUAGES = {
    "english": "en",
    "spanish": "es",
    "espanol": "es",
    "español": "es",
    "vietnamese": "vi",
    "chinese": "zh",
    "french": "fr",
    "portuguese": "pt",
}
#: How a row of the file is named when another row is the same person.
_IN_FILE = " of this file"
#: The audit trail's name for an import.
ENTITY = "patient-import"
#: Rows written per batch when applying.
BATCH = 2000


@dataclass(frozen=True)
class RowOutcome:
    """A row not added, and why (its number is its line in the file, the header line 1)."""

    line: int
    reason: str
    cells: tuple[str, ...]


@dataclass
class _Accepted:
    line: int
    entry: Registration
    checked: Checked
    mrn: str


@dataclass
class ImportReport:
    """What an import added (or, in a dry run, would add), skipped and rejected."""

    rows: int
    header: list[str]
    added: int = 0
    skipped: list[RowOutcome] = field(default_factory=list)
    rejected: list[RowOutcome] = field(default_factory=list)
    applied: bool = False


@dataclass
class _Known:
    """Who is already there (the store's patients, then the file's rows accepted)."""

    #: Who holds each MRN ('MRN 123' in the store, 'line 4' in this file).
    mrns: dict[str, str] = field(default_factory=dict)
    by_dob: dict[date, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    phones: dict[str, str] = field(default_factory=dict)

    def same_person(self, checked: Checked, mrn: str) -> str | None:
        """Why this row is someone already known (in the store or earlier in the file)."""
        if mrn and mrn in self.mrns:
            return f"MRN {mrn} is already there ({self.mrns[mrn]})"
        name = fold(f"{checked.values['first_name']} {checked.values['last_name']}")
        dob = checked.values["dob"]
        assert isinstance(dob, date)
        for other_mrn, other_name in self.by_dob.get(dob, ()):
            if fuzz.token_sort_ratio(name, other_name) >= SAME_NAME:
                return f"likely the same person as {other_mrn} (same date of birth, similar name)"
        phone = str(checked.values["phone"])
        if phone in self.phones:
            return f"likely the same person as {self.phones[phone]} (same phone number)"
        return None

    def add(self, checked: Checked, mrn: str, label: str) -> None:
        if mrn:
            self.mrns[mrn] = label
        dob = checked.values["dob"]
        assert isinstance(dob, date)
        name = fold(f"{checked.values['first_name']} {checked.values['last_name']}")
        self.by_dob[dob].append((label, name))
        self.phones.setdefault(str(checked.values["phone"]), label)


def _known(session: Session) -> _Known:
    known = _Known()
    table = m.Patient.__table__  # type: ignore[attr-defined]
    patients = session.execute(
        select_columns(table.c.id, table.c.mrn, table.c.first_name, table.c.last_name, table.c.dob)
    ).all()
    mrn_of: dict[int, str] = {}
    for patient_id, mrn, first, last, dob in patients:
        known.mrns[mrn] = "in the store"
        known.by_dob[dob].append((f"MRN {mrn}", fold(f"{first} {last}")))
        mrn_of[patient_id] = mrn
    for patient_id, number in session.exec(
        select(m.PatientPhone.patient_id, m.PatientPhone.number)
    ):
        known.phones.setdefault(number, f"MRN {mrn_of.get(patient_id, '?')}")
    return known


def _entry(read: ReadFile, row: list[str]) -> tuple[Registration, str]:
    def cell(name: str) -> str:
        index = read.columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    sex = cell("sex").lower()
    language = cell("language").lower() or "en"
    entry = Registration(
        first_name=cell("first_name"),
        last_name=cell("last_name"),
        dob=cell("dob"),
        phone=cell("phone"),
        sex=_SEXES.get(sex, sex),
        email=cell("email"),
        language=_LANGUAGES.get(language, language),
        address_line=cell("address_line"),
        city=cell("city"),
        state=cell("state"),
        postal_code=cell("postal_code"),
    )
    return entry, cell("mrn")


def plan(
    session: Session, read: ReadFile, *, today: date, region: str
) -> tuple[ImportReport, list[_Accepted]]:
    """Every row checked; what would be added, skipped (already there) and rejected."""
    report = ImportReport(len(read.rows), read.header)
    known = _known(session)
    accepted: list[_Accepted] = []
    for number, row in enumerate(read.rows, start=2):
        entry, mrn = _entry(read, row)
        cells = tuple(row)
        checked = check(entry, today=today, region=region)
        if mrn and not MRN.match(mrn):
            checked.errors["mrn"] = f"'{mrn}' is not an MRN (letters, digits, dashes; 20 at most)"
        if checked.errors:
            reason = "; ".join(f"{name}: {why}" for name, why in checked.errors.items())
            report.rejected.append(RowOutcome(number, reason, cells))
            continue
        same = known.same_person(checked, mrn)
        if same is not None:
            in_file = _IN_FILE in same  # two rows of one file: which is right is not ours
            outcome = RowOutcome(number, same, cells)
            (report.rejected if in_file else report.skipped).append(outcome)
            continue
        known.add(checked, mrn, f"line {number}{_IN_FILE}")
        accepted.append(_Accepted(number, entry, checked, mrn))
    report.added = len(accepted)
    return report, accepted


def import_patients(
    store: Store,
    actor: Actor,
    path: Path,
    mapping: dict[str, str],
    *,
    apply: bool,
    now: datetime,
    today: date,
    region: str,
) -> ImportReport:
    """Check a file of patients against the store; with `apply`, add every row that
    passed, all in one transaction (supervisors and admins)."""
    read = read_patient_file(path, mapping)
    digest = read.digest

    def work(session: Session) -> ImportReport:
        report, accepted = plan(session, read, today=today, region=region)
        if not apply:
            return report
        _write(session, accepted, now)
        report.applied = True
        audit.record(session, actor=actor, action="create", now=now, entity=ENTITY,
                     entity_id=path.name[:60], detail=_trail(report))  # fmt: skip
        return report

    def _trail(report: ImportReport) -> dict[str, Any]:
        """What the audit keeps: the file, the counts, the charts matched (named by the
        report as already there)."""
        matched = sorted(
            {w for row in report.skipped for w in re.findall(r"MRN (\S+)", row.reason)}
        )
        return {"sha256": digest, "rows": report.rows, "added": report.added,
                "skipped": len(report.skipped), "rejected": len(report.rejected),
                "matched_mrns": matched, "applied": report.applied}  # fmt: skip

    if not apply:  # a dry run writes nothing, but reads every patient: the same door
        require(store, actor, Permission.MANAGE_CLINIC, now=now, what="patient-import")
        with store.read() as session:
            report = work(session)
        audit.append(store, actor=actor, action="view", now=now, entity=ENTITY,
                     entity_id=path.name[:60], detail=_trail(report))  # fmt: skip
        return report
    return guarded_write(
        store, actor, Permission.MANAGE_CLINIC, work, now=now, what="patient-import"
    )


def _write(session: Session, accepted: list[_Accepted], now: datetime) -> None:
    """Insert the accepted rows in batches (statements of many rows: an ORM object per
    patient took three quarters of the time); MRNs not given follow the clinic's series."""
    taken = set(session.exec(select(m.Patient.mrn)).all())
    taken |= {a.mrn for a in accepted if a.mrn}
    table = m.Patient.__table__  # type: ignore[attr-defined]
    adding = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    defaults = _defaults(now)
    for first in range(0, len(accepted), BATCH):
        batch = accepted[first : first + BATCH]
        rows = [_patient(item, defaults, f"IMPORT-{first + n}") for n, item in enumerate(batch)]
        ids = session.execute(adding, rows).scalars().all()
        new_mrns = [
            {"row_id": patient_id, "new_mrn": _free_mrn(patient_id, taken)}
            for item, patient_id in zip(batch, ids, strict=True)
            if not item.mrn
        ]
        if new_mrns:
            session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(mrn=bindparam("new_mrn")),
                new_mrns,
            )
        phones = [
            {"patient_id": patient_id, "number": item.checked.values["phone"],
             "kind": "mobile", "is_primary": True}
            for item, patient_id in zip(batch, ids, strict=True)
        ]  # fmt: skip
        consents = [
            {"patient_id": patient_id, "channel": channel, "granted": granted,
             "recorded_at": now}
            for patient_id in ids
            for channel, granted in (("sms", False), ("email", False), ("voice", True))
        ]  # fmt: skip
        session.execute(insert(m.PatientPhone.__table__), phones)  # type: ignore[attr-defined]
        session.execute(insert(m.ContactConsent.__table__), consents)  # type: ignore[attr-defined]


def _patient(item: _Accepted, defaults: dict[str, Any], placeholder: str) -> dict[str, Any]:
    """The patient row's columns: the model's defaults, then what the row says."""
    values, entry = item.checked.values, item.entry
    return {
        **defaults,
        "mrn": item.mrn or placeholder,
        "first_name": str(values["first_name"]),
        "last_name": str(values["last_name"]),
        "dob": values["dob"],
        "sex": entry.sex,
        "email": entry.email.strip(),
        "language": entry.language.strip().lower(),
        "address_line": str(values.get("address_line", "")),
        "city": str(values.get("city", "")),
        "state": str(values.get("state", "")),
        "postal_code": str(values.get("postal_code", "")),
    }


def _defaults(now: datetime) -> dict[str, Any]:
    """Every column of a new patient as the model sets it (a model object a row took a
    millisecond to build)."""
    blank = m.Patient(mrn="", first_name="", last_name="", dob=date.min, created_at=now,
                      updated_at=now)  # fmt: skip
    return blank.model_dump(exclude={"id"})


def _free_mrn(patient_id: int, taken: set[str]) -> str:
    """The clinic's MRN series for a new patient id (as registration gives), not taken."""
    candidate = mrn_in_series(patient_id)
    while str(candidate) in taken:
        candidate += 1
    taken.add(str(candidate))
    return str(candidate)
