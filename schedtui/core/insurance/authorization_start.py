"""Reading the form that starts a prior-authorization request on screen (F6, then the
new key): the patient's MRN, the service, the diagnoses, units, dates as people say
them, whom the payer calls, a follow-up day, a note; every wrong field named under it."""

from __future__ import annotations

from datetime import date

from schedtui.core.insurance.auth_requests import CPT, ICD10, MAX_UNITS, AuthorizationRequest
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.core.support.spoken_dates import spoken_day
from schedtui.core.support.text import text_problem

#: The form's fields: name, label.
START_FIELDS = (
    ("mrn", "Patient's MRN"),
    ("cpt", "CPT code of the service (e.g. 70553)"),
    ("type", "Visit type it is for (code; its visits are linked once approved)"),
    ("icd10", "Diagnoses: ICD-10 codes, comma between (e.g. M54.50, G44.1)"),
    ("units", "Units or visits asked for"),
    ("first", "Wanted from (any form: mar 1, 3/1/2026)"),
    ("last", "Wanted to"),
    ("contact", "Whom the payer calls with clinical questions"),
    ("follow_up", "Follow up on (when to chase it)"),
    ("remark", "Note (who you spoke to, what they said)"),
    ("submitted", "Sent to the payer already? yes or no"),
)
_LIMITS = {"mrn": 40, "type": 16, "contact": 120, "remark": 500}


def start_from_form(typed: dict[str, str], today: date) -> AuthorizationRequest:
    """The request the form describes; `FieldErrors` names every wrong field."""
    said = {name: typed.get(name, "").strip() for name, _ in START_FIELDS}
    errors: dict[str, str] = {}
    for name, text in said.items():
        if problem := text_problem(text, _LIMITS.get(name, 200)):
            errors[name] = problem
    if not said["mrn"]:
        errors["mrn"] = "whose authorization: the patient's MRN"
    cpt = said["cpt"].upper()
    if not CPT.match(cpt):
        errors["cpt"] = "a CPT code is 5 digits (or 4 and F or T), e.g. 70553"
    codes = tuple(code.strip().upper() for code in said["icd10"].split(",") if code.strip())
    if bad := [code for code in codes if not ICD10.match(code)]:
        errors["icd10"] = f"not an ICD-10 code: {', '.join(bad)} (e.g. M54.50)"
    units = _units(said["units"], errors)
    days = {name: _day(said[name], name, today, errors) for name in ("first", "last", "follow_up")}
    if days["first"] and days["last"] and days["last"] < days["first"]:
        errors["last"] = "before the day it is wanted from"
    if days["follow_up"] and days["follow_up"] < today:
        errors["follow_up"] = "already past"
    submitted = said["submitted"].lower()
    if submitted not in ("", "y", "yes", "n", "no"):
        errors["submitted"] = "yes or no"
    if errors:
        raise FieldErrors(errors)
    return AuthorizationRequest(
        said["mrn"], cpt, said["type"].upper(), codes, units, days["first"], days["last"],
        said["contact"], days["follow_up"], said["remark"], submitted in ("y", "yes"),
    )  # fmt: skip


def _units(text: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_UNITS:
        errors["units"] = f"a whole number from 1 to {MAX_UNITS:,}"
        return None
    return int(text)


def _day(text: str, name: str, today: date, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return spoken_day(text, today)
    except BadInput as wrong:
        errors[name] = str(wrong)
        return None
