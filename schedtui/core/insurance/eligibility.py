"""Eligibility by file exchange: write 270 inquiries to an outbox, read 271 answers.

Most clearinghouses are reached through SFTP drop folders. `FileDropGateway` is that;
a real-time connection can implement `EligibilityGateway` later. Every answer is
matched to its inquiry by the TRN trace number (or the BHT reference we put there);
a file that cannot be read or matched goes to errors/ whole, nothing applied.
"""

from __future__ import annotations

import json
import shutil
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlmodel import Session, col, select

from schedtui.core.insurance.checklist import OFFICE_SERVICE_TYPES
from schedtui.core.insurance.records import active_coverage
from schedtui.core.security import audit
from schedtui.core.security.access import Actor, Permission
from schedtui.core.security.guard import require
from schedtui.core.security.private_files import check_target, write_file
from schedtui.core.support.errors import BadInput
from schedtui.core.support.writes import in_write
from schedtui.core.x12.tokens import X12Error
from schedtui.core.x12.x270 import Envelope, Inquiry, Person, build_270
from schedtui.core.x12.x271 import EligibilityAnswer, read_271
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings


class EligibilityGateway(Protocol):
    """How inquiries leave and answers arrive."""

    def send(self, name: str, text: str) -> Path:
        """Hand a 270 over; return where it went."""
        ...

    def waiting(self) -> list[Path]:
        """Answers that have arrived and wait to be read."""
        ...


@dataclass
class FileDropGateway:
    """An outbox and an inbox folder (synced with the clearinghouse by SFTP)."""

    folder: Path

    def send(self, name: str, text: str) -> Path:
        """Write the 270 into outbox/ atomically (a half-written file is never picked up)."""
        return write_file(self.folder / "outbox" / name, text)

    def waiting(self) -> list[Path]:
        """Files in inbox/, oldest first."""
        inbox = self.folder / "inbox"
        return sorted((p for p in inbox.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime)


@dataclass(frozen=True)
class Requested:
    """An inquiry written: its check id, trace number and file."""

    check_id: int
    trace: str
    path: Path


def _coverage(session: Session, patient_id: int, day: date) -> tuple[m.Coverage, m.Payer]:
    found = active_coverage(session, patient_id, day)
    if found is None:
        raise BadInput(f"The patient has no coverage on file for {day:%Y-%m-%d}; enter it first.")
    return found


def _provider(session: Session, patient: m.Patient, provider_id: int | None) -> m.Provider:
    chosen = provider_id or patient.primary_provider_id
    provider = (
        session.get(m.Provider, chosen)
        if chosen
        else session.exec(select(m.Provider).order_by(col(m.Provider.id))).first()
    )
    if provider is None:
        raise BadInput(f"There is no provider with id {chosen}.")
    return provider


def _inquiry(
    session: Session,
    patient: m.Patient,
    coverage: m.Coverage,
    payer: m.Payer,
    provider: m.Provider,
    trace: str,
    day: date,
    service_type: str,
) -> Inquiry:
    patient_person = Person(patient.last_name, patient.first_name, patient.dob)
    if coverage.subscriber_relationship == "self":
        return Inquiry(
            trace,
            payer.name,
            payer.x12_payer_id,
            f"{provider.first_name} {provider.last_name}",
            provider.npi,
            patient_person,
            coverage.member_id,
            day,
            (service_type,),
        )
    subscriber = Person(
        coverage.subscriber_last_name or patient.last_name,
        coverage.subscriber_first_name,
        coverage.subscriber_dob,
    )
    return Inquiry(
        trace,
        payer.name,
        payer.x12_payer_id,
        f"{provider.first_name} {provider.last_name}",
        provider.npi,
        subscriber,
        coverage.member_id,
        day,
        (service_type,),
        dependent=patient_person,
    )


def request_eligibility(
    store: Store,
    actor: Actor,
    patient_id: int,
    *,
    day: date,
    service_type: str,
    now: datetime,
    settings: Settings,
    gateway: EligibilityGateway | None = None,
    provider_id: int | None = None,
    out: Path | None = None,
    replace_out: bool = False,
) -> Requested:
    """Write a 270 for the patient's coverage on `day`; the disclosure is audited. `out`
    (a file instead of the outbox) must be new unless `replace_out`, and ordinary."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="eligibility")
    if out is not None:
        out = check_target(out, replace=replace_out, option="--out")
    if not service_type.isalnum() or len(service_type) > 2:
        raise BadInput(f"'{service_type}' is not an X12 service type code (e.g. 30, 98, MH).")

    def work(session: Session) -> tuple[int, str, str]:
        patient = session.get(m.Patient, patient_id)
        if patient is None:
            raise BadInput(f"There is no patient with id {patient_id}.")
        coverage, payer = _coverage(session, patient_id, day)
        provider = _provider(session, patient, provider_id)
        check = m.EligibilityCheck(
            patient_id=patient_id,
            coverage_id=coverage.id,
            trace_number=f"pending-{now.timestamp()}-{patient_id}",
            service_date=day,
            service_type=service_type,
            requested_at=now,
        )
        session.add(check)
        session.flush()
        assert check.id is not None
        check.trace_number = f"SCH{check.id:09d}"
        inquiry = _inquiry(
            session, patient, coverage, payer, provider, check.trace_number, day, service_type
        )
        envelope = Envelope(settings.x12_sender_id, payer.x12_payer_id, check.id, now)
        try:
            check.request_raw = build_270(inquiry, envelope)
        except X12Error as refused:
            raise BadInput(f"{refused}.") from None
        audit.record(
            session,
            actor=actor,
            action="export",
            now=now,
            entity="eligibility",
            entity_id=check.id,
            patient_id=patient_id,
            detail={"payer": payer.name, "trace": check.trace_number},
        )
        return check.id, check.trace_number, check.request_raw

    check_id, trace, text = in_write(store, work)
    name = f"270-{trace}.x12"
    path = (
        write_file(out, text, replace=replace_out)
        if out
        else (gateway or FileDropGateway(settings.eligibility_folder())).send(name, text)
    )
    in_write(store, lambda s: _set_path(s, check_id, path))
    return Requested(check_id, trace, path)


def _set_path(session: Session, check_id: int, path: Path) -> None:
    check = session.get(m.EligibilityCheck, check_id)
    assert check is not None
    check.request_path = str(path)


@dataclass
class Ingested:
    """What reading one file did."""

    path: Path
    moved_to: Path
    answers: list[tuple[int, EligibilityAnswer]] = field(default_factory=list)
    error: str = ""


#: The largest answer file read (a 271 for one patient is a few kilobytes).
MAX_ANSWER_BYTES = 20_000_000


def x12_text(path: Path, store: Store | None = None) -> str:
    """The text of a file that looks like an X12 interchange (an ordinary file, not the
    store, starting with ISA); `BadInput` says why a file is not one, and it is left
    where it is. Never reads a pipe or a device."""
    try:
        details = path.stat()
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror}.") from None
    if not stat.S_ISREG(details.st_mode):
        raise BadInput(f"{path} is not an ordinary file; left where it is.")
    if store is not None and store.path is not None and _same_file(path, store.path):
        raise BadInput(f"{path} is the store itself; left where it is.")
    if details.st_size > MAX_ANSWER_BYTES:
        raise BadInput(f"{path} is larger than any eligibility answer; left where it is.")
    with path.open("rb") as handle:
        data = handle.read(MAX_ANSWER_BYTES)
    text = data.decode("utf-8", errors="replace")
    if not text.lstrip("\ufeff \r\n\t").startswith("ISA"):
        raise BadInput(f"{path} is not an X12 file (it does not start with ISA); left where it is.")
    return text


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other) or any(
            path.samefile(Path(f"{other}{suffix}"))
            for suffix in ("-wal", "-shm", "-journal")
            if Path(f"{other}{suffix}").exists()
        )
    except OSError:
        return False


def ingest_file(
    store: Store, actor: Actor, path: Path, *, now: datetime, settings: Settings
) -> Ingested:
    """Read one 271 file, apply every answer in one transaction, and file it away. A file
    that is not an X12 interchange is refused (`BadInput`) and never moved."""
    require(store, actor, Permission.VIEW_PATIENTS, now=now, what="eligibility")
    text = x12_text(path, store)
    folder = settings.eligibility_folder()
    try:
        answers = read_271(text)
        if not answers:
            raise X12Error("holds no answer about anyone")
        applied = in_write(store, lambda s: _apply(s, actor, answers, text, now))
    except (X12Error, BadInput) as problem:
        moved = _move(path, folder / "errors")
        reason = f"{path.name}: {problem}"
        (moved.with_name(moved.name + ".reason.txt")).write_text(reason + "\n", encoding="utf-8")
        return Ingested(path, moved, error=reason)
    return Ingested(path, _move(path, folder / "processed"), applied)


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 1
    while target.exists():
        target = folder / f"{path.stem}.{counter}{path.suffix}"
        counter += 1
    shutil.move(str(path), target)
    return target


def _apply(
    session: Session, actor: Actor, answers: list[EligibilityAnswer], raw: str, now: datetime
) -> list[tuple[int, EligibilityAnswer]]:
    applied = []
    for answer in answers:
        check = _matching_check(session, answer)
        summary = answer.to_json()
        check.status = {"active": "active", "inactive": "inactive", "rejected": "rejected"}.get(
            answer.status, "error"
        )
        check.responded_at = now
        check.response_raw = raw
        check.summary_json = json.dumps(summary, default=str)
        check.rejection_code = answer.rejections[0].code if answer.rejections else None
        if check.coverage_id and answer.status in ("active", "inactive"):
            coverage = session.get(m.Coverage, check.coverage_id)
            if coverage is not None:
                coverage.last_verified_at = now
                _keep_share(coverage, answer)
        audit.record(
            session,
            actor=actor,
            action="update",
            now=now,
            entity="eligibility",
            entity_id=check.id,
            patient_id=check.patient_id,
            detail={"status": check.status, "trace": check.trace_number},
        )
        assert check.id is not None
        applied.append((check.id, answer))
    return applied


def _keep_share(coverage: m.Coverage, answer: EligibilityAnswer) -> None:
    """The deductible left and the coinsurance the payer gave, on the coverage (the
    estimate uses them); what the answer does not say stays as it was."""
    left, share = answer.patient_share(OFFICE_SERVICE_TYPES)
    if left is not None:
        coverage.deductible_remaining_cents = left
    if share is not None:
        coverage.coinsurance_percent = share


def _matching_check(session: Session, answer: EligibilityAnswer) -> m.EligibilityCheck:
    # The TRN echo identifies the person's inquiry; BHT03 only when the payer refused
    # before reaching any person (no TRN at all).
    references = answer.trace_numbers or [answer.submitter_reference]
    for reference in references:
        if not reference:
            continue
        check = session.exec(
            select(m.EligibilityCheck).where(col(m.EligibilityCheck.trace_number) == reference)
        ).first()
        if check is not None:
            return check
    shown = ", ".join(r for r in references if r) or "none"
    raise BadInput(f"no inquiry of ours has the trace number of this answer ({shown})")
