"""Synthetic patients: names, birth dates, phones, e-mail, languages, consent, coverage.

Name pools are drawn once from Faker (seeded) and then sampled with `random.Random`,
which keeps 100,000 patients fast and the result the same for the same seed.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from faker import Faker

from schedtui.data.seed.reference import PATIENT_LANGUAGES, PAYERS, SITES, TRICKY_NAMES

Row = dict[str, Any]

AREA_CODES = {"DTN": (617, 857, 781), "NSH": (978, 508, 781), "LKS": (312, 773, 872, 708)}
APOSTROPHE_NAMES = ("O'Brien", "D'Angelo", "O'Neil", "N'Diaye", "D'Amico", "O'Hara")
PINYIN_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou")
PINYIN_GIVEN = ("Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Hui", "Jun", "Xiu", "Ling", "Tao")
AGE_BANDS = ((0, 17, 0.18), (18, 39, 0.28), (40, 64, 0.34), (65, 95, 0.20))


@dataclass
class NamePools:
    """Names drawn once from Faker for each language group."""

    female: dict[str, list[str]] = field(default_factory=dict)
    male: dict[str, list[str]] = field(default_factory=dict)
    last: dict[str, list[str]] = field(default_factory=dict)
    streets: list[str] = field(default_factory=list)

    @classmethod
    def draw(cls, seed: int, size: int = 600) -> NamePools:
        """Draw the pools for English, Spanish, Vietnamese, Portuguese and French names."""
        pools = cls()
        for lang, locale in (
            ("en", "en_US"),
            ("es", "es_MX"),
            ("vi", "vi_VN"),
            ("pt", "pt_BR"),
            ("fr", "fr_FR"),
        ):
            fake = Faker(locale)
            fake.seed_instance(seed)
            pools.female[lang] = sorted({fake.first_name_female() for _ in range(size)})
            pools.male[lang] = sorted({fake.first_name_male() for _ in range(size)})
            pools.last[lang] = sorted({fake.last_name() for _ in range(size)})
        pools.female["zh"] = pools.male["zh"] = list(PINYIN_GIVEN)
        pools.last["zh"] = list(PINYIN_SURNAMES)
        fake = Faker("en_US")
        fake.seed_instance(seed)
        pools.streets = sorted({fake.street_address() for _ in range(size * 2)})
        return pools


@dataclass
class PatientBatch:
    """Rows for every patient table, ready for a bulk insert."""

    patients: list[Row] = field(default_factory=list)
    phones: list[Row] = field(default_factory=list)
    consents: list[Row] = field(default_factory=list)
    coverages: list[Row] = field(default_factory=list)


def ascii_fold(text: str) -> str:
    """'Núñez' -> 'Nunez'; for e-mail local parts."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "."))


def make_patients(
    rng: random.Random,
    pools: NamePools,
    count: int,
    *,
    now: datetime,
    payer_ids: list[int],
    family_provider_ids: list[int],
    batch_size: int = 10_000,
) -> Iterator[PatientBatch]:
    """Make `count` patients (ids 1..count) with phones, consent and coverage, in batches
    of `batch_size` (the same patients whatever the size: one random stream, in order),
    so a million are written without all being held at once."""
    batch = PatientBatch()
    tricky_every = max(count // len(TRICKY_NAMES), 1)
    for pid in range(1, count + 1):
        patient = _patient(rng, pools, pid, now)
        slot = (pid - 1) // tricky_every
        if (pid - 1) % tricky_every == tricky_every // 2 and slot < len(TRICKY_NAMES):
            patient["first_name"], patient["last_name"] = TRICKY_NAMES[slot]
        if family_provider_ids and rng.random() < 0.7:
            patient["primary_provider_id"] = rng.choice(family_provider_ids)
        site = rng.choices(("DTN", "NSH", "LKS"), weights=(0.4, 0.3, 0.3))[0]
        _address(rng, pools, patient, site)
        phones = _phones(rng, pid, site)
        batch.phones.extend(phones)
        patient["email"] = _email(rng, patient)
        batch.consents.extend(
            _consents(
                rng,
                pid,
                now,
                has_mobile=phones[0]["kind"] == "mobile",
                has_email=bool(patient["email"]),
            )
        )
        guardian = rng.choice(pools.female[patient["language"]])
        batch.coverages.extend(_coverages(rng, patient, payer_ids, now.date(), guardian))
        batch.patients.append(patient)
        if len(batch.patients) == batch_size:
            yield batch
            batch = PatientBatch()
    if batch.patients:
        yield batch


def _patient(rng: random.Random, pools: NamePools, pid: int, now: datetime) -> Row:
    language = _language(rng)
    sex = rng.choices(("female", "male", "other", "unknown"), weights=(52, 47, 0.5, 0.5))[0]
    given = pools.male if sex == "male" else pools.female
    last = _last_name(rng, pools, language)
    dob = _birth_date(rng, now.date())
    return {
        "id": pid,
        "mrn": f"{10_000_000 + pid * 7 + pid % 7}",
        "first_name": rng.choice(given[language]),
        "middle_name": rng.choice(given["en"])[0] if rng.random() < 0.4 else "",
        "last_name": last,
        "preferred_name": "",
        "dob": dob,
        "sex": sex,
        "language": language,
        "interpreter_needed": language != "en" and rng.random() < 0.6,
        "primary_provider_id": None,
        "alerts": "",
        "balance_cents": rng.randrange(1000, 35_000, 5) if rng.random() < 0.12 else 0,
        "deceased": False,
        "created_at": now - timedelta(days=rng.randrange(30, 3650)),
        "updated_at": now - timedelta(days=rng.randrange(0, 30)),
        "version": 1,
    }


def _language(rng: random.Random) -> str:
    draw = rng.random()
    for language, share in PATIENT_LANGUAGES:
        if draw < share:
            return language
        draw -= share
    return "en"


def _last_name(rng: random.Random, pools: NamePools, language: str) -> str:
    draw = rng.random()
    if language == "en" and draw < 0.01:
        return rng.choice(APOSTROPHE_NAMES)
    last = rng.choice(pools.last[language])
    if draw > 0.97 or (language == "es" and draw > 0.85):
        last = f"{last}-{rng.choice(pools.last[language])}"
    return last


def _birth_date(rng: random.Random, today: date) -> date:
    low, high, _ = rng.choices(AGE_BANDS, weights=[band[2] for band in AGE_BANDS])[0]
    age_days = rng.randrange(low * 365 + 1, (high + 1) * 365 - 1)
    return today - timedelta(days=age_days)


def _address(rng: random.Random, pools: NamePools, patient: Row, site: str) -> None:
    _, _, _, _, city, state, postal, _ = next(s for s in SITES if s[0] == site)
    patient["address_line"] = rng.choice(pools.streets)
    patient["city"] = city
    patient["state"] = state
    patient["postal_code"] = f"{int(postal) + rng.randrange(0, 40):05d}"


def _phone_number(rng: random.Random, site: str) -> str:
    exchange = rng.randrange(201, 999)
    while exchange % 100 == 11 or exchange == 555:
        exchange = rng.randrange(201, 999)
    return f"+1{rng.choice(AREA_CODES[site])}{exchange}{rng.randrange(0, 10_000):04d}"


def _phones(rng: random.Random, pid: int, site: str) -> list[Row]:
    first_kind = "mobile" if rng.random() < 0.85 else "home"
    phones = [
        {
            "patient_id": pid,
            "number": _phone_number(rng, site),
            "kind": first_kind,
            "is_primary": True,
        }
    ]
    if rng.random() < 0.3:
        second = _phone_number(rng, site)
        if second != phones[0]["number"]:
            kind = "home" if first_kind == "mobile" else "work"
            phones.append({"patient_id": pid, "number": second, "kind": kind, "is_primary": False})
    return phones


def _email(rng: random.Random, patient: Row) -> str:
    if rng.random() >= 0.75:
        return ""
    local = ascii_fold(f"{patient['first_name']}.{patient['last_name']}").lower().strip(".")
    domain = rng.choice(("example.com", "example.org", "example.net"))
    return f"{local or 'patient'}{rng.randrange(1, 999)}@{domain}"


def _consents(
    rng: random.Random, pid: int, now: datetime, *, has_mobile: bool, has_email: bool
) -> list[Row]:
    recorded = now - timedelta(days=rng.randrange(1, 700))
    return [
        {
            "patient_id": pid,
            "channel": "sms",
            "granted": has_mobile and rng.random() < 0.8,
            "recorded_at": recorded,
        },
        {
            "patient_id": pid,
            "channel": "email",
            "granted": has_email and rng.random() < 0.85,
            "recorded_at": recorded,
        },
        {
            "patient_id": pid,
            "channel": "voice",
            "granted": rng.random() < 0.95,
            "recorded_at": recorded,
        },
    ]


def _coverages(
    rng: random.Random, patient: Row, payer_ids: list[int], today: date, guardian: str
) -> list[Row]:
    if rng.random() >= 0.88:
        return []
    age = (today - patient["dob"]).days // 365
    medicare = payer_ids[2]
    primary = medicare if age >= 65 and rng.random() < 0.85 else _payer(rng, payer_ids)
    rows = [_coverage(rng, patient, primary, 1, today, guardian)]
    if rng.random() < 0.10:
        second = _payer(rng, payer_ids)
        if second != primary:
            rows.append(_coverage(rng, patient, second, 2, today, guardian))
    return rows


def _payer(rng: random.Random, payer_ids: list[int]) -> int:
    return rng.choices(payer_ids, weights=[payer[3] for payer in PAYERS])[0]


def _coverage(
    rng: random.Random, patient: Row, payer_id: int, rank: int, today: date, guardian: str
) -> Row:
    start = today - timedelta(days=rng.randrange(30, 2000))
    expired = rng.random() < 0.05
    ended = today - timedelta(days=rng.randrange(1, min(200, (today - start).days)))
    deductible = rng.choice((50_000, 100_000, 150_000, 300_000))
    child = (today - patient["dob"]).days < 18 * 365
    verified = rng.random() < 0.6
    return {
        "patient_id": patient["id"],
        "payer_id": payer_id,
        "rank": rank,
        "member_id": f"{chr(65 + payer_id)}{rng.randrange(10**8, 10**9)}",
        "group_id": f"G{rng.randrange(1000, 99999)}",
        "plan_name": rng.choice(("PPO", "HMO", "EPO", "POS"))
        + " "
        + rng.choice(("Gold", "Silver", "Bronze")),
        "subscriber_first_name": guardian if child else patient["first_name"],
        "subscriber_last_name": patient["last_name"],
        "subscriber_dob": patient["dob"] - timedelta(days=9000) if child else patient["dob"],
        "subscriber_relationship": "child" if child else "self",
        "effective_from": start,
        "effective_to": ended if expired else None,
        "copay_cents": rng.choice((1000, 2000, 2500, 3000, 4000)),
        "deductible_cents": deductible,
        "deductible_remaining_cents": rng.randrange(0, deductible + 1, 500),
        "coinsurance_percent": rng.choice((0, 10, 20, 30)),
        "last_verified_at": (
            datetime.combine(today - timedelta(days=rng.randrange(0, 60)), time(12), tzinfo=UTC)
            if verified
            else None
        ),
    }
