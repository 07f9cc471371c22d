"""Next-available search: `find_open_slots` finds the best open times for a request.

Candidates come from the providers who fit (type, specialty, site, visit mode,
language, new patients, network) and are checked by the same `Checker` that guards
booking, day by day from the earliest date until enough are found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from schedtui.core.schedule.availability import (
    GRID,
    Candidate,
    Checker,
    Scope,
    free_intervals,
    load_occupancy,
    provider_name,
)
from schedtui.core.schedule.reference import Reference, current_reference
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.codes import DayPart, VisitMode
from schedtui.data.recurrence import Window

DAY_PARTS: dict[str, tuple[time, time]] = {
    DayPart.MORNING: (time(0), time(12)),
    DayPart.AFTERNOON: (time(12), time(17)),
    DayPart.EVENING: (time(17), time(23, 59)),
}
RANKINGS = ("earliest", "own-provider", "spread")
HORIZON_DAYS = 90


@dataclass(frozen=True)
class SlotRequest:
    """What the caller needs. Empty fields do not narrow the search."""

    type_code: str
    provider_ids: tuple[int, ...] = ()
    specialty: str | None = None
    site_ids: tuple[int, ...] = ()
    after: date | None = None
    before: date | None = None
    weekdays: frozenset[int] | None = None
    day_part: str = "any"
    visit_mode: str | None = None
    language: str | None = None
    patient_id: int | None = None
    limit: int = 10
    ranking: str = "earliest"


@dataclass(frozen=True)
class Slot:
    """An open time, and why it fits the request."""

    provider_id: int
    site_id: int
    start: datetime
    end: datetime
    type_code: str
    visit_mode: str
    why: tuple[str, ...]
    interpreter_language: str | None = None


@dataclass
class PatientFacts:
    """What about the patient narrows the search."""

    patient_id: int | None = None
    language: str | None = None
    needs_interpreter: bool = False
    own_provider: int | None = None
    payer_id: int | None = None
    seen_by: set[int] = field(default_factory=set)


def patient_facts(session: Session, patient_id: int | None, now: datetime) -> PatientFacts:
    """Language, own provider, payer and past providers of a patient."""
    if patient_id is None:
        return PatientFacts()
    today = now.date()
    patient = session.get(m.Patient, patient_id)
    if patient is None:
        raise BadInput(f"There is no patient with id {patient_id}.")
    coverage = session.exec(
        select(m.Coverage)
        .where(col(m.Coverage.patient_id) == patient_id)
        .where(col(m.Coverage.effective_from) <= today)
        .where((col(m.Coverage.effective_to).is_(None)) | (col(m.Coverage.effective_to) >= today))
        .order_by(col(m.Coverage.rank))
    ).first()
    seen = set(
        session.exec(
            select(m.Appointment.provider_id)
            .where(col(m.Appointment.patient_id) == patient_id)
            .where(col(m.Appointment.status) == "fulfilled")
            .where(col(m.Appointment.start) >= now - timedelta(days=3 * 365))
        ).all()
    )
    return PatientFacts(
        patient_id,
        patient.language,
        patient.interpreter_needed,
        patient.primary_provider_id,
        coverage.payer_id if coverage else None,
        seen,
    )


def _candidate_providers(
    ref: Reference, request: SlotRequest, kind: m.AppointmentType, facts: PatientFacts
) -> dict[int, list[str]]:
    """Providers who fit, each with the reasons they fit."""
    chosen: dict[int, list[str]] = {}
    specialty = ref.specialty_codes.get(request.specialty.upper()) if request.specialty else None
    if request.specialty and specialty is None:
        raise BadInput(f"There is no specialty '{request.specialty}'.")
    wanted = specialty or kind.specialty_id
    for provider_id, provider in ref.providers.items():
        if request.provider_ids and provider_id not in request.provider_ids:
            continue
        if not request.provider_ids and wanted and wanted not in ref.specialties[provider_id]:
            continue
        why = _provider_fit(ref, provider, request, kind, facts)
        if why is not None:
            chosen[provider_id] = why
    return chosen


def _provider_fit(
    ref: Reference,
    provider: m.Provider,
    request: SlotRequest,
    kind: m.AppointmentType,
    facts: PatientFacts,
) -> list[str] | None:
    assert provider.id is not None
    why: list[str] = []
    if request.visit_mode == "telehealth" and not provider.telehealth:
        return None
    theirs = provider.id in facts.seen_by or provider.id == facts.own_provider
    new_patient = kind.category == "new" or (facts.patient_id is not None and not theirs)
    if new_patient and facts.patient_id is not None:
        if not provider.accepts_new_patients:
            return None
        # a patient of the clinic new to this provider is not "a new patient"
        why.append("takes on patients new to them" if facts.seen_by else "accepts new patients")
    if facts.payer_id is not None:
        if not ref.network.get((provider.id, facts.payer_id), False):
            return None
        why.append("in network for the patient's plan")
    if facts.own_provider == provider.id:
        why.append("the patient's own provider")
    return why


def _language_need(ref: Reference, request: SlotRequest, facts: PatientFacts) -> str | None:
    if request.language:
        return request.language.lower()
    return facts.language if facts.needs_interpreter else None


def find_open_slots(
    session: Session, request: SlotRequest, *, now: datetime, ref: Reference | None = None
) -> list[Slot]:
    """The best open slots for `request`, ranked as asked, each saying why it fits."""
    ref = ref or current_reference(session)
    kind = ref.type_by_code(request.type_code)
    if kind is None:
        raise BadInput(f"There is no appointment type '{request.type_code}'.")
    if request.ranking not in RANKINGS:
        raise BadInput(f"Ranking '{request.ranking}' is not one of {', '.join(RANKINGS)}.")
    facts = patient_facts(session, request.patient_id, now)
    providers = _candidate_providers(ref, request, kind, facts)
    language = _language_need(ref, request, facts)
    first = max(request.after or now.date(), now.date())
    last = request.before or first + timedelta(days=HORIZON_DAYS)
    scope = Scope(
        frozenset(providers),
        request.patient_id,
        frozenset(ref.type_resources.get(kind.id or 0, ())),
        language,
    )
    found: list[Slot] = []
    day, chunk = first, 1
    while day <= last and len(found) < _enough(request):
        days = [day + timedelta(days=n) for n in range(chunk) if day + timedelta(days=n) <= last]
        checker = _checker_for(session, ref, days, now, scope)
        for one_day in days:
            found += _slots_on(checker, request, kind, providers, language, one_day)
        # A day at a time at first (the answer is usually near), then growing stretches.
        day, chunk = days[-1] + timedelta(days=1), min(chunk * 2, 14)
    return _rank(found, request, facts)[: request.limit]


def _checker_for(
    session: Session, ref: Reference, days: list[date], now: datetime, scope: Scope
) -> Checker:
    begin = datetime.combine(days[0], time(0), tzinfo=UTC) - timedelta(hours=14)
    end = datetime.combine(days[-1], time(0), tzinfo=UTC) + timedelta(hours=40)
    occupancy = load_occupancy(session, ref, begin, end, now=now, scope=scope)
    return Checker(ref, occupancy, now, span=(days[0], days[-1]))


def _enough(request: SlotRequest) -> int:
    # Spreading across providers needs more than the first few to choose from.
    return request.limit * (3 if request.ranking == "spread" else 1)


def _slots_on(
    checker: Checker,
    request: SlotRequest,
    kind: m.AppointmentType,
    providers: dict[int, list[str]],
    language: str | None,
    day: date,
) -> list[Slot]:
    if request.weekdays is not None and day.weekday() not in request.weekdays:
        return []
    found = []
    for provider_id, why in providers.items():
        for window in checker.windows_on(provider_id, day):
            if request.site_ids and window.template.site_id not in request.site_ids:
                continue
            found += slots_in_window(checker, request, kind, window, why, language)
    return sorted(found, key=lambda slot: (slot.start, slot.provider_id))


def slots_in_window(
    checker: Checker,
    request: SlotRequest,
    kind: m.AppointmentType,
    window: Window,
    why: list[str],
    language: str | None,
) -> list[Slot]:
    """Open slots of one template window, at most `request.limit` of them."""
    template = window.template
    mode = request.visit_mode or (
        VisitMode.TELEHEALTH if template.visit_mode == VisitMode.TELEHEALTH else VisitMode.IN_PERSON
    )
    interpreter = None
    reasons = list(why)
    if language:
        if language in checker.ref.languages[template.provider_id]:
            reasons.append(f"{provider_name(checker.ref, template.provider_id)} speaks {language}")
        else:
            interpreter = language
            reasons.append(f"a {language} interpreter is free")
    length = timedelta(minutes=kind.duration_minutes)
    taken = checker.occupancy.by_provider.get(template.provider_id, [])
    found: list[Slot] = []
    for free_start, free_end in free_intervals(window, taken):
        start = _on_grid(
            window, max(free_start, checker.earliest_start(template.provider_id, kind.id or 0))
        )
        while start + length <= free_end and len(found) < request.limit:
            slot = _try(checker, request, kind, window, start, length, mode, interpreter, reasons)
            if slot is None:
                # Skip straight past a busy scanner instead of trying every 5 minutes.
                start = _on_grid(
                    window,
                    max(
                        start + GRID,
                        checker.resource_frees_at(
                            kind.id or 0, template.site_id, start, start + length
                        ),
                    ),
                )
                continue
            found.append(slot)
            start += length
    return found


def _on_grid(window: Window, moment: datetime) -> datetime:
    """The first grid point of the window at or after `moment`."""
    return window.start + -(-(moment - window.start) // GRID) * GRID


def _try(
    checker: Checker,
    request: SlotRequest,
    kind: m.AppointmentType,
    window: Window,
    start: datetime,
    length: timedelta,
    mode: str,
    interpreter: str | None,
    why: list[str],
) -> Slot | None:
    zone = checker.ref.zones[window.template.site_id]
    local = start.astimezone(zone)
    if request.day_part != "any":
        low, high = DAY_PARTS[request.day_part]
        if not low <= local.time() < high:
            return None
    assert kind.id is not None
    candidate = Candidate(
        window.template.provider_id,
        window.template.site_id,
        kind.id,
        start,
        start + length,
        request.patient_id,
        mode,
        interpreter,
    )
    if checker.problems(candidate):
        return None
    reasons = [*why, mode]
    if request.day_part != "any":
        reasons.append(f"{request.day_part} as asked")
    return Slot(
        candidate.provider_id,
        candidate.site_id,
        start,
        start + length,
        kind.code,
        mode,
        tuple(reasons),
        interpreter,
    )


def _rank(found: list[Slot], request: SlotRequest, facts: PatientFacts) -> list[Slot]:
    ordered = sorted(found, key=lambda slot: (slot.start, slot.provider_id))
    if request.ranking == "own-provider" and facts.own_provider is not None:
        return sorted(ordered, key=lambda slot: slot.provider_id != facts.own_provider)
    if request.ranking == "spread":
        return _round_robin(ordered)
    return ordered


def _round_robin(ordered: list[Slot]) -> list[Slot]:
    queues: dict[int, list[Slot]] = {}
    for slot in ordered:
        queues.setdefault(slot.provider_id, []).append(slot)
    spread: list[Slot] = []
    while any(queues.values()):
        for queue in queues.values():
            if queue:
                spread.append(queue.pop(0))
    return spread
