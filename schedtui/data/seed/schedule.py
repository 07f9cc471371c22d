"""Fill the seeded templates with appointments: six months past, eight weeks ahead.

Past visits end fulfilled, no-show or cancelled (some late); future ones are booked
at 60-80% of open template time, fuller in the next days than in two months.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from schedtui.data import models as m
from schedtui.data.recurrence import Window
from schedtui.data.seed import reference as ref
from schedtui.data.seed.clinic import Clinic

Row = dict[str, Any]
PAST_FILL = 0.88
NO_SHOW_RATE = 0.12
PAST_CANCEL_RATE = 0.09
LATE_SHARE = 0.35
FUTURE_CANCEL_RATE = 0.04
OVERBOOK_RATE = 0.004
PATIENT_CANCEL_REASONS = ("pat-fb", "pat-lt", "pat-crs", "pat-cpp", "pat-mv", "pat-ucp")
PROVIDER_CANCEL_REASONS = ("prov-pers", "prov-edu", "oth-weath", "oth-int")
TYPE_WEIGHTS = {
    "FM": {"FMNEW": 2, "FMFU": 5, "PHYS": 2, "LAB": 2},
    "CARD": {"CRDNEW": 2, "CRDFU": 5, "ECHO": 2},
    "ORTH": {"ORTNEW": 2, "ORTFU": 6},
    "RAD": {"MRI": 2, "CT": 3, "XRAY": 5},
    "PT": {"PTEVAL": 1, "PTTX": 5},
    "BH": {"BHINT": 1, "BHTX": 5},
}
EQUIPMENT = {
    ("MRI", "DTN"): "MRI 1 (3T)",
    ("CT", "DTN"): "CT 1",
    ("ECHO", "DTN"): "Echo cart A",
    ("ECHO", "LKS"): "Echo cart B",
}


@dataclass
class ScheduleReport:
    """What the schedule generator produced, for the seed summary and its tests."""

    appointments: list[Row] = field(default_factory=list)
    future_open_minutes: int = 0
    future_booked_minutes: int = 0

    @property
    def future_fill_rate(self) -> float:
        """Booked share of open template minutes over the coming weeks."""
        return self.future_booked_minutes / max(self.future_open_minutes, 1)


@dataclass
class _Booker:
    rng: random.Random
    clinic: Clinic
    now: datetime
    patient_count: int
    report: ScheduleReport
    busy: set[tuple[int, date]] = field(default_factory=set)

    def fill(self, window: Window) -> None:
        spec, _ = self._provider(window.template.provider_id)
        weights = TYPE_WEIGHTS[spec.specialty]
        codes = [c for c in weights if spec.accepts_new or self.clinic.types[c].category != "new"]
        future = window.start >= self.now
        if future:
            self.report.future_open_minutes += window.open_minutes
        moment = window.start
        while moment < window.end:
            code = self.rng.choices(codes, weights=[weights[c] for c in codes])[0]
            end = moment + timedelta(minutes=self.clinic.types[code].duration_minutes)
            if end > window.end:
                break
            cut = next((b for b in window.blocked if b[0] < end and b[1] > moment), None)
            if cut is not None:
                moment = max(cut[1], moment + timedelta(minutes=5))
                continue
            if self.rng.random() < self._fill_chance(window.day):
                self._book(window, spec, code, moment, end, overbooked=False)
                if self.rng.random() < OVERBOOK_RATE:
                    self._book(window, spec, code, moment, end, overbooked=True)
            moment = end

    def _provider(self, provider_id: int) -> tuple[ref.ProviderSpec, m.Provider]:
        return next(pair for pair in self.clinic.providers if pair[1].id == provider_id)

    def _fill_chance(self, day: date) -> float:
        ahead = (day - self.now.date()).days
        if ahead <= 0:
            return PAST_FILL
        return 0.97 - 0.4 * min(ahead, 56) / 56

    def _patient_for(self, day: date) -> int | None:
        for _ in range(8):
            patient_id = self.rng.randrange(1, self.patient_count + 1)
            if (patient_id, day) not in self.busy:
                self.busy.add((patient_id, day))
                return patient_id
        return None

    def _book(
        self,
        window: Window,
        spec: ref.ProviderSpec,
        code: str,
        start: datetime,
        end: datetime,
        *,
        overbooked: bool,
    ) -> None:
        patient_id = self._patient_for(window.day)
        if patient_id is None:
            return
        kind = self.clinic.types[code]
        site_code = next(c for c, s in self.clinic.sites.items() if s.id == window.template.site_id)
        lead = timedelta(
            days=self.rng.randrange(1, 60 if kind.category == "new" else 30),
            hours=self.rng.randrange(0, 9),
        )
        booked_at = min(start - lead, self.now - timedelta(minutes=5))
        row = {
            "patient_id": patient_id,
            "provider_id": window.template.provider_id,
            "site_id": window.template.site_id,
            "appointment_type_id": kind.id,
            "resource_id": self.clinic.resources.get(
                (site_code, EQUIPMENT.get((code, site_code), ""))
            ),
            "start": start,
            "end": end,
            "status": "booked",
            "reason": kind.name,
            "visit_mode": self._visit_mode(window, kind),
            "interpreter_language": None,
            "overbooked": overbooked,
            "overbook_reason": "Urgent add-on approved by supervisor" if overbooked else "",
            "cancellation_reason": None,
            "cancelled_at": None,
            "late_cancel": False,
            "booked_by_id": self.rng.choice(self.clinic.staff_ids),
            "booked_at": booked_at,
            "updated_at": booked_at,
            "version": 1,
        }
        self._outcome(row)
        if row["status"] != "cancelled" and window.start >= self.now:
            self.report.future_booked_minutes += 0 if overbooked else kind.duration_minutes
        self.report.appointments.append(row)

    def _visit_mode(self, window: Window, kind: m.AppointmentType) -> str:
        if window.template.visit_mode == "telehealth":
            return "telehealth"
        both = window.template.visit_mode == "both" and kind.telehealth_allowed
        return "telehealth" if both and self.rng.random() < 0.4 else "in-person"

    def _outcome(self, row: Row) -> None:
        draw = self.rng.random()
        if row["end"] <= self.now:
            if draw < NO_SHOW_RATE:
                row["status"] = "noshow"
            elif draw < NO_SHOW_RATE + PAST_CANCEL_RATE:
                self._cancel(row, late=self.rng.random() < LATE_SHARE)
            else:
                row["status"] = "fulfilled"
        elif row["start"] <= self.now:
            row["status"] = "checked-in" if draw < 0.7 else "arrived"
        elif draw < FUTURE_CANCEL_RATE:
            self._cancel(row, late=False)
        row["updated_at"] = max(row["updated_at"], row["cancelled_at"] or row["updated_at"])

    def _cancel(self, row: Row, *, late: bool) -> None:
        start = row["start"]
        if late:
            cancelled = start - timedelta(hours=self.rng.randrange(1, 23))
        else:
            cancelled = start - timedelta(days=self.rng.randrange(2, 20))
        cancelled = min(max(cancelled, row["booked_at"]), self.now)
        reasons = PATIENT_CANCEL_REASONS if self.rng.random() < 0.85 else PROVIDER_CANCEL_REASONS
        row.update(
            status="cancelled",
            cancellation_reason=self.rng.choice(reasons),
            cancelled_at=cancelled,
            late_cancel=start - cancelled < timedelta(hours=24),
        )


def book_windows(
    rng: random.Random,
    clinic: Clinic,
    windows: list[Window],
    *,
    now: datetime,
    patient_count: int,
) -> ScheduleReport:
    """Appointments for every window, in time order; ids are assigned by the caller."""
    report = ScheduleReport()
    booker = _Booker(rng, clinic, now, patient_count, report)
    for window in sorted(windows, key=lambda w: (w.start, w.template.provider_id)):
        booker.fill(window)
    return report
