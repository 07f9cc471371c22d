"""Referrals, prior authorizations and waitlist entries that go with the seeded schedule."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from schedtui.data.seed.clinic import Clinic
from schedtui.data.seed.reference import PAYERS

Row = dict[str, Any]
REFERRED_TYPES = ("CRDNEW", "ORTNEW", "PTEVAL")
#: The visit an open referral to each specialty asks for.
REFERRED_TYPE_OF = {"CARD": "CRDNEW", "ORTH": "ORTNEW", "PT": "PTEVAL"}
#: Book-by days after a referral comes in, by urgency (the settings' defaults); a seeded
#: referral's urgency follows its id (no draw from the seed's random stream, so the rest
#: of the clinic seeds as before).
DUE_DAYS = {"urgent": 3, "soon": 14, "routine": 30}
URGENCY_BY_ID = ("routine", "soon", "routine", "urgent", "routine")
IMAGING_TYPES = ("MRI", "CT", "ECHO")
REFERRERS = (
    ("Dr. Helen Park", "1234567893"),
    ("Dr. Omar Haddad", "1245319599"),
    ("Dr. Rita Alvarez", "1093817463"),
)


def referrals_for(
    rng: random.Random, clinic: Clinic, appointments: list[Row], *, now: datetime
) -> list[Row]:
    """A referral for each specialist first visit (linked), plus open ones not yet booked."""
    type_ids = {clinic.types[code].id: code for code in REFERRED_TYPES}
    specialty_of = {kind.id: kind.specialty_id for kind in clinic.types.values()}
    rows: list[Row] = []
    for appointment in appointments:
        if appointment["appointment_type_id"] not in type_ids:
            continue
        received = appointment["booked_at"].date() - timedelta(days=rng.randrange(0, 10))
        rows.append(
            _referral(
                rng,
                len(rows) + 1,
                appointment["patient_id"],
                (
                    appointment["appointment_type_id"],
                    specialty_of[appointment["appointment_type_id"]],
                ),
                received,
                "scheduled" if appointment["start"] > now else "completed",
            )
        )
        appointment["referral_id"] = len(rows)
    return rows


def open_referrals(
    rng: random.Random, clinic: Clinic, first_id: int, patient_count: int, *, today: date
) -> list[Row]:
    """Referrals received recently that nobody has booked yet: a scheduler's worklist."""
    specialties = [
        (clinic.types[REFERRED_TYPE_OF[code]].id, clinic.specialties[code])
        for code in ("CARD", "ORTH", "PT")
    ]
    count = min(60, max(patient_count // 200, 3))
    return [
        _referral(
            rng,
            first_id + index,
            rng.randrange(1, patient_count + 1),
            rng.choice(specialties),
            today - timedelta(days=rng.randrange(0, 21)),
            "new",
        )
        for index in range(count)
    ]


def _referral(
    rng: random.Random,
    rid: int,
    patient_id: int,
    wanted: tuple[int | None, int | None],
    received: date,
    status: str,
) -> Row:
    name, npi = rng.choice(REFERRERS)
    type_id, specialty_id = wanted
    urgency = URGENCY_BY_ID[rid % len(URGENCY_BY_ID)]
    return {
        "id": rid,
        "patient_id": patient_id,
        "referral_number": f"RF{rid:07d}",
        "referring_provider_name": name,
        "referring_npi": npi,
        "to_specialty_id": specialty_id,
        "to_provider_id": None,
        "reason": "Evaluate and treat",
        "received_on": received,
        "expires_on": received + timedelta(days=180),
        "visits_authorized": rng.choice((1, 3, 6)),
        "status": status,
        "appointment_type_id": type_id,
        "urgency": urgency,
        "due_on": received + timedelta(days=DUE_DAYS[urgency]),
    }


def authorizations_for(
    rng: random.Random,
    clinic: Clinic,
    appointments: list[Row],
    primary_payer: Mapping[int, int],
    *,
    now: datetime,
) -> list[Row]:
    """Prior authorizations for imaging whose payer requires them; most approved."""
    type_ids = {clinic.types[code].id for code in IMAGING_TYPES}
    needs_auth = {
        payer_id for payer_id, payer in zip(clinic.payer_ids, PAYERS, strict=True) if payer[4]
    }
    rows: list[Row] = []
    for appointment in appointments:
        payer = primary_payer.get(appointment["patient_id"])
        if appointment["appointment_type_id"] not in type_ids or payer not in needs_auth:
            continue
        day = appointment["start"].date()
        future = appointment["start"] > now
        status = (
            rng.choices(("approved", "pending", "submitted"), weights=(8, 1, 1))[0]
            if future
            else "approved"
        )
        approved = status == "approved"
        rows.append(
            {
                "id": len(rows) + 1,
                "patient_id": appointment["patient_id"],
                "coverage_id": None,
                "appointment_type_id": appointment["appointment_type_id"],
                "cpt_code": "",
                "status": status,
                "payer_reference": f"PR{rng.randrange(10**6, 10**7)}",
                "auth_number": f"A{rng.randrange(10**8, 10**9)}" if approved else "",
                "approved_units": 1 if approved else None,
                "used_units": 0 if future or not approved else 1,
                "valid_from": day - timedelta(days=30) if approved else None,
                "valid_to": day + timedelta(days=60) if approved else None,
                "follow_up_on": None if approved else now.date() + timedelta(days=2),
                "notes": "",
                "updated_at": appointment["booked_at"],
            }
        )
        appointment["prior_authorization_id"] = len(rows)
    return rows


def waitlist_for(
    rng: random.Random, clinic: Clinic, patient_count: int, *, now: datetime
) -> list[Row]:
    """Patients waiting for an earlier slot."""
    count = min(200, max(patient_count // 100, 5))
    codes = [code for code in clinic.types if code not in ("LAB", "XRAY")]
    rows = []
    for _ in range(count):
        kind = clinic.types[rng.choice(codes)]
        days = sorted(rng.sample("01234", rng.randrange(2, 6)))
        rows.append(
            {
                "patient_id": rng.randrange(1, patient_count + 1),
                "appointment_type_id": kind.id,
                "provider_id": None,
                "site_id": None,
                "specialty_id": kind.specialty_id,
                "current_appointment_id": None,
                "earliest_date": now.date() + timedelta(days=rng.randrange(0, 7)),
                "latest_date": now.date() + timedelta(days=rng.randrange(30, 90)),
                "expires_on": now.date() + timedelta(days=rng.randrange(60, 120)),
                "weekdays": "".join(days),
                "day_part": rng.choice(("any", "morning", "afternoon")),
                "priority": rng.randrange(0, 3),
                "status": "active",
                "notes": "",
                "created_at": now - timedelta(days=rng.randrange(0, 40), hours=rng.randrange(0, 8)),
                "created_by_id": rng.choice(clinic.staff_ids),
            }
        )
    return rows
