"""Phone numbers: stored in E.164, shown in the national format of the clinic's region."""

from __future__ import annotations

import phonenumbers


def national(e164: str, region: str) -> str:
    """'+16175550123' -> '(617) 555-0123' in the US; other countries keep their +code."""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_number(number) == region
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
