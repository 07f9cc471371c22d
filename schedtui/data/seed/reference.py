"""The fixed shape of the synthetic clinic: sites, specialties, providers, visit types, payers.

Everything here is invented. Numbers use the reserved 555-01xx range, e-mail the
example.* domains, NPIs are made-up ten-digit numbers that pass the Luhn check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

SITES = (
    # code, name, timezone, address, city, state, zip, phone
    (
        "DTN",
        "Downtown Clinic",
        "America/New_York",
        "100 Harbor St",
        "Boston",
        "MA",
        "02110",
        "+16175550100",
    ),
    (
        "NSH",
        "North Shore Health Center",
        "America/New_York",
        "22 Elm Ave",
        "Salem",
        "MA",
        "01970",
        "+19785550101",
    ),
    (
        "LKS",
        "Lakeshore Medical Pavilion",
        "America/Chicago",
        "8 Lake Shore Dr",
        "Chicago",
        "IL",
        "60611",
        "+13125550102",
    ),
)

#: Opening hours per site: (weekdays 0=Monday, opens, closes).
SITE_HOURS = {
    "DTN": ((0, 1, 2, 3, 4), time(7, 30), time(18, 0)),
    "NSH": ((0, 1, 2, 3, 4), time(8, 0), time(17, 0)),
    "LKS": ((0, 1, 2, 3, 4, 5), time(7, 0), time(17, 30)),
}

SPECIALTIES = (
    ("FM", "Family medicine"),
    ("CARD", "Cardiology"),
    ("ORTH", "Orthopedics"),
    ("RAD", "Radiology and imaging"),
    ("PT", "Physical therapy"),
    ("BH", "Behavioral health"),
)


@dataclass(frozen=True)
class AppointmentTypeSpec:
    """One visit type of the synthetic clinic."""

    code: str
    name: str
    specialty: str
    category: str
    minutes: int
    prep: str = ""
    telehealth: bool = False
    prior_auth: bool = False
    referral: bool = False
    cpt: str = ""
    resource_kind: str | None = None
    arrive_early: int = 15


FASTING = "Nothing to eat or drink except water for 8 hours before your visit."
APPOINTMENT_TYPES = (
    AppointmentTypeSpec("FMNEW", "New patient visit", "FM", "new", 40, cpt="99203"),
    AppointmentTypeSpec(
        "FMFU",
        "Follow-up visit",
        "FM",
        "follow-up",
        20,
        telehealth=True,
        cpt="99213",
        arrive_early=10,
    ),
    AppointmentTypeSpec(
        "PHYS", "Annual physical", "FM", "follow-up", 30, prep=FASTING, cpt="99396"
    ),
    AppointmentTypeSpec(
        "LAB", "Fasting lab draw", "FM", "procedure", 10, prep=FASTING, cpt="36415", arrive_early=10
    ),
    AppointmentTypeSpec(
        "CRDNEW",
        "Cardiology consult",
        "CARD",
        "new",
        40,
        referral=True,
        cpt="99204",
        arrive_early=20,
    ),
    AppointmentTypeSpec(
        "CRDFU", "Cardiology follow-up", "CARD", "follow-up", 20, telehealth=True, cpt="99214"
    ),
    AppointmentTypeSpec(
        "ECHO",
        "Echocardiogram",
        "CARD",
        "procedure",
        60,
        prep="Wear a two-piece outfit; no lotion on the chest.",
        prior_auth=True,
        cpt="93306",
        resource_kind="equipment",
        arrive_early=20,
    ),
    AppointmentTypeSpec(
        "ORTNEW",
        "Orthopedic consult",
        "ORTH",
        "new",
        30,
        referral=True,
        cpt="99203",
        arrive_early=20,
    ),
    AppointmentTypeSpec("ORTFU", "Orthopedic follow-up", "ORTH", "follow-up", 15, cpt="99213"),
    AppointmentTypeSpec(
        "MRI",
        "MRI scan",
        "RAD",
        "procedure",
        60,
        prep="No metal; tell us about implants. Nothing to eat for 4 hours.",
        prior_auth=True,
        cpt="70553",
        resource_kind="equipment",
        arrive_early=30,
    ),
    AppointmentTypeSpec(
        "CT",
        "CT scan",
        "RAD",
        "procedure",
        30,
        prep=FASTING,
        prior_auth=True,
        cpt="74177",
        resource_kind="equipment",
        arrive_early=30,
    ),
    AppointmentTypeSpec("XRAY", "X-ray", "RAD", "procedure", 15, cpt="73030", arrive_early=10),
    AppointmentTypeSpec(
        "PTEVAL",
        "Physical therapy evaluation",
        "PT",
        "new",
        60,
        referral=True,
        cpt="97162",
        prep="Wear loose, comfortable clothing.",
    ),
    AppointmentTypeSpec(
        "PTTX",
        "Physical therapy session",
        "PT",
        "follow-up",
        45,
        cpt="97110",
        prep="Wear loose, comfortable clothing.",
        arrive_early=10,
    ),
    AppointmentTypeSpec(
        "BHINT", "Behavioral health intake", "BH", "new", 60, telehealth=True, cpt="90791"
    ),
    AppointmentTypeSpec(
        "BHTX",
        "Therapy session",
        "BH",
        "follow-up",
        45,
        telehealth=True,
        cpt="90834",
        arrive_early=5,
    ),
)


@dataclass(frozen=True)
class ProviderSpec:
    """One clinician of the synthetic clinic and the weekly shape of their schedule."""

    first: str
    last: str
    credentials: str
    specialty: str
    sites: tuple[str, ...]
    languages: tuple[str, ...] = ("en",)
    telehealth: bool = False
    accepts_new: bool = True
    #: (site, RRULE, start, end, visit mode)
    templates: tuple[tuple[str, str, time, time, str], ...] = field(default_factory=tuple)


WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
AM, NOON, PM1, PM5 = time(8, 0), time(12, 0), time(13, 0), time(17, 0)
PROVIDERS = (
    ProviderSpec(
        "Amara",
        "Okafor",
        "MD",
        "FM",
        ("DTN",),
        ("en", "fr"),
        True,
        templates=(("DTN", WEEKDAYS, AM, PM5, "in-person"),),
    ),
    ProviderSpec(
        "Luis",
        "Ortega",
        "MD",
        "FM",
        ("DTN", "NSH"),
        ("en", "es"),
        True,
        templates=(
            ("DTN", "FREQ=WEEKLY;BYDAY=MO,TU,WE", AM, PM5, "in-person"),
            ("NSH", "FREQ=WEEKLY;BYDAY=TH,FR", AM, PM5, "in-person"),
        ),
    ),
    ProviderSpec(
        "Grace",
        "Whitfield",
        "NP",
        "FM",
        ("NSH",),
        telehealth=True,
        templates=(("NSH", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", AM, PM5, "both"),),
    ),
    ProviderSpec(
        "Wei",
        "Chen",
        "MD",
        "FM",
        ("LKS",),
        ("en", "zh"),
        accepts_new=False,
        templates=(("LKS", WEEKDAYS, AM, PM5, "in-person"),),
    ),
    ProviderSpec(
        "Priya",
        "Raman",
        "MD",
        "CARD",
        ("DTN", "LKS"),
        ("en", "hi"),
        True,
        templates=(
            ("DTN", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", AM, PM5, "in-person"),
            ("LKS", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", AM, NOON, "in-person"),
        ),
    ),
    ProviderSpec(
        "Samuel",
        "Brooks",
        "DO",
        "CARD",
        ("LKS",),
        templates=(("LKS", WEEKDAYS, AM, PM5, "in-person"),),
    ),
    ProviderSpec(
        "Elena",
        "Vasquez",
        "MD",
        "ORTH",
        ("NSH",),
        ("en", "es"),
        templates=(("NSH", "FREQ=WEEKLY;BYDAY=MO,WE,FR", AM, PM5, "in-person"),),
    ),
    ProviderSpec(
        "Declan",
        "O'Reilly",
        "MD",
        "ORTH",
        ("DTN",),
        templates=(("DTN", "FREQ=WEEKLY;BYDAY=TU,TH", AM, PM5, "in-person"),),
    ),
    ProviderSpec(
        "Hannah",
        "Kim",
        "MD",
        "RAD",
        ("DTN",),
        ("en", "ko"),
        templates=(("DTN", WEEKDAYS, time(7, 30), PM5, "in-person"),),
    ),
    ProviderSpec(
        "Marcus",
        "Bell",
        "DPT",
        "PT",
        ("NSH", "DTN"),
        templates=(
            ("NSH", "FREQ=WEEKLY;BYDAY=MO,TU,WE", AM, PM5, "in-person"),
            ("DTN", "FREQ=WEEKLY;BYDAY=TH,FR", AM, PM5, "in-person"),
        ),
    ),
    ProviderSpec(
        "Sofia",
        "Reyes-Martín",
        "PhD",
        "BH",
        ("LKS",),
        ("en", "es"),
        True,
        templates=(("LKS", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", time(9, 0), PM5, "both"),),
    ),
    ProviderSpec(
        "Noah",
        "Feldman",
        "LCSW",
        "BH",
        ("DTN",),
        telehealth=True,
        templates=(("DTN", "FREQ=WEEKLY;BYDAY=TU,WE,TH,FR", time(9, 0), time(18, 0), "both"),),
    ),
)

#: Resources: (site, kind, name, language).
RESOURCES = (
    ("DTN", "equipment", "MRI 1 (3T)", None),
    ("DTN", "equipment", "CT 1", None),
    ("DTN", "equipment", "Echo cart A", None),
    ("LKS", "equipment", "Echo cart B", None),
    ("DTN", "room", "Exam 1", None),
    ("NSH", "room", "Gym", None),
    (None, "interpreter", "Spanish interpreter pool", "es"),
    (None, "interpreter", "Vietnamese interpreter", "vi"),
    (None, "interpreter", "Mandarin interpreter", "zh"),
)

#: Payers: (name, X12 payer id, phone, share of patients, imaging needs prior auth).
PAYERS = (
    ("Bluebird Health Plan", "BBHP01", "+18005550110", 0.26, True),
    ("Commonwealth Care Alliance", "CWCA02", "+18005550111", 0.18, False),
    ("Medicare Part B (synthetic)", "MCRB03", "+18005550112", 0.20, False),
    ("Medicaid (synthetic)", "MCD04", "+18005550113", 0.14, True),
    ("Lakeside Mutual", "LKM05", "+18005550114", 0.12, True),
    ("Harbor Employees Trust", "HET06", "+18005550115", 0.10, False),
)

#: Languages patients speak, with their share; the rest speak English.
PATIENT_LANGUAGES = (("es", 0.13), ("zh", 0.03), ("vi", 0.02), ("pt", 0.02), ("fr", 0.01))

#: Names a real clinic meets that break naive software; a few patients carry them.
TRICKY_NAMES = (
    ("Zoë", "O'Connor-Núñez"),
    ("[b]Ann", "Smith"),
    ("Mary-Kate", "D'Souza"),
    ("Renée", "St. John"),
    ("Björn", "Ängström [/]"),
    ("José", "García"),
    ("Siobhán", "Mac Giolla"),
    ("Nguyễn", "Thị Hương"),
)
