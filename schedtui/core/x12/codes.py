"""Code lists of the 005010X279A1 guide that a scheduler needs in plain words."""

from __future__ import annotations

from typing import Final

#: EB01 eligibility or benefit information.
BENEFIT_INFO: Final[dict[str, str]] = {
    "1": "Active coverage",
    "2": "Active, full risk capitation",
    "3": "Active, services capitated",
    "4": "Active, services capitated to primary care physician",
    "5": "Active, pending investigation",
    "6": "Inactive",
    "7": "Inactive, pending eligibility update",
    "8": "Inactive, pending investigation",
    "A": "Co-insurance",
    "B": "Co-payment",
    "C": "Deductible",
    "CB": "Coverage basis",
    "D": "Benefit description",
    "E": "Exclusions",
    "F": "Limitations",
    "G": "Out of pocket (stop loss)",
    "H": "Unlimited",
    "I": "Non-covered",
    "J": "Cost containment",
    "K": "Reserve",
    "L": "Primary care provider",
    "M": "Pre-existing condition",
    "MC": "Managed care coordinator",
    "N": "Services restricted to following provider",
    "O": "Not deemed a medical necessity",
    "P": "Benefit disclaimer",
    "Q": "Second surgical opinion required",
    "R": "Other or additional payer",
    "S": "Prior year(s) history",
    "T": "Card(s) reported lost/stolen",
    "U": "Contact following entity for information",
    "V": "Cannot process",
    "W": "Other source of data",
    "X": "Health care facility",
    "Y": "Spend down",
}
ACTIVE = frozenset({"1", "2", "3", "4", "5"})
INACTIVE = frozenset({"6", "7", "8"})

#: EB02 coverage level.
COVERAGE_LEVEL: Final[dict[str, str]] = {
    "IND": "individual",
    "FAM": "family",
    "EMP": "employee",
    "ESP": "employee and spouse",
    "CHD": "children only",
    "DEP": "dependents only",
    "ECH": "employee and children",
    "SPC": "spouse and children",
    "SPO": "spouse only",
    "TWO": "two party",
}

#: EB03 / EQ01 service type codes most schedulers meet.
SERVICE_TYPES: Final[dict[str, str]] = {
    "1": "Medical care",
    "4": "Diagnostic X-ray",
    "5": "Diagnostic lab",
    "30": "Health benefit plan coverage",
    "33": "Chiropractic",
    "35": "Dental care",
    "47": "Hospital",
    "48": "Hospital inpatient",
    "50": "Hospital outpatient",
    "62": "MRI/CAT scan",
    "73": "Diagnostic medical",
    "86": "Emergency services",
    "88": "Pharmacy",
    "98": "Professional (physician) visit, office",
    "A4": "Psychiatric",
    "AL": "Vision (optometry)",
    "MH": "Mental health",
    "PT": "Physical therapy",
    "UC": "Urgent care",
}

#: EB06 time period qualifier.
TIME_PERIODS: Final[dict[str, str]] = {
    "6": "per hour",
    "7": "per day",
    "13": "per 24 hours",
    "21": "per year",
    "22": "per service year",
    "23": "per calendar year",
    "24": "year to date",
    "25": "per contract",
    "26": "per episode",
    "27": "per visit",
    "28": "outlier",
    "29": "remaining",
    "30": "exceeded",
    "31": "not exceeded",
    "32": "lifetime",
    "33": "lifetime remaining",
    "34": "per month",
    "35": "per week",
    "36": "per admission",
}

#: EB11 authorization or certification required / EB12 in plan network.
YES_NO_UNKNOWN: Final[dict[str, str]] = {
    "Y": "yes",
    "N": "no",
    "U": "unknown",
    "W": "not applicable",
}

#: AAA03 reject reasons: (what the payer said, what the scheduler should do).
REJECT_REASONS: Final[dict[str, tuple[str, str]]] = {
    "04": ("authorized quantity exceeded", "Too many inquiries; check again later."),
    "15": (
        "required application data missing",
        "The inquiry lacked data; check the patient and coverage fields and resend.",
    ),
    "41": (
        "authorization/access restrictions",
        "Our account may not ask this payer; tell the billing office.",
    ),
    "42": (
        "unable to respond at current time",
        "The payer could not answer now. Book the visit and check again later; do not hold the call.",
    ),
    "43": (
        "invalid/missing provider identification",
        "Check the provider's NPI on file and resend.",
    ),
    "44": ("invalid/missing provider name", "Check the provider's name on file and resend."),
    "45": (
        "invalid/missing provider specialty",
        "Check the provider's specialty on file and resend.",
    ),
    "50": (
        "provider ineligible for inquiries",
        "The payer will not answer for this provider; check the provider's enrollment with billing.",
    ),
    "51": (
        "provider not on file",
        "The payer does not know this provider; check enrollment with billing.",
    ),
    "52": (
        "service dates not within provider plan enrollment",
        "The provider is not enrolled for that date; pick another provider or check with billing.",
    ),
    "56": ("inappropriate date", "Check the date of service and resend."),
    "57": ("invalid/missing date(s) of service", "Check the date of service and resend."),
    "58": (
        "invalid/missing date of birth",
        "Confirm the date of birth with the caller, correct it and resend.",
    ),
    "60": (
        "date of birth follows date(s) of service",
        "The date of birth or the service date is wrong; confirm both.",
    ),
    "62": (
        "date of service not within allowable inquiry period",
        "The payer answers only for nearer dates; check again closer to the visit.",
    ),
    "63": (
        "date of service in future",
        "The payer does not answer for future dates; check again closer to the visit.",
    ),
    "64": ("invalid/missing patient ID", "Check the patient's member ID on the card and resend."),
    "65": (
        "invalid/missing patient name",
        "Confirm the patient's name exactly as on the card and resend.",
    ),
    "67": (
        "patient not found",
        "The payer cannot find the patient: confirm name, date of birth and member ID with the caller.",
    ),
    "68": ("duplicate patient ID number", "The payer has the ID twice; call the payer."),
    "71": (
        "patient birth date does not match",
        "Confirm the date of birth with the caller; correct it and resend.",
    ),
    "72": (
        "invalid/missing subscriber/insured ID",
        "Ask the caller to read the member ID from the card; correct it and resend.",
    ),
    "73": (
        "invalid/missing subscriber/insured name",
        "Confirm the subscriber's name exactly as on the card and resend.",
    ),
    "75": (
        "subscriber/insured not found",
        "The payer cannot find the subscriber: confirm name, date of birth and member ID; the coverage may have ended.",
    ),
    "76": ("duplicate subscriber/insured ID number", "The payer has the ID twice; call the payer."),
    "77": (
        "subscriber found, patient not found",
        "The dependent is not on this policy: confirm the dependent's name and date of birth.",
    ),
    "78": (
        "subscriber/insured not in group/plan identified",
        "Check the group number on the card.",
    ),
    "79": (
        "invalid participant identification",
        "The clearinghouse could not route the inquiry; tell the billing office.",
    ),
    "80": (
        "no response received, transaction terminated",
        "No answer from the payer; try again later.",
    ),
    "97": (
        "invalid or missing provider address",
        "Check the provider's address on file and resend.",
    ),
    "T4": ("payer name or identifier missing", "Check the payer's X12 id in the payer directory."),
}

#: AAA04 follow-up action.
FOLLOW_UPS: Final[dict[str, str]] = {
    "C": "please correct and resubmit",
    "N": "resubmission not allowed",
    "P": "please resubmit original transaction",
    "R": "resubmission allowed",
    "S": "do not resubmit; inquiry initiated to a third party",
    "W": "please wait 30 days and resubmit",
    "X": "please wait 10 days and resubmit",
    "Y": "do not resubmit; the payer will respond by other means",
}
