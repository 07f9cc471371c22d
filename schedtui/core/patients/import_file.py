"""Reading an old system's patient list (CSV or XLSX): its rows as text, and which column
holds which field (from the headers, or as the user maps them). Nothing is checked
against the store here (core.patients.importing does that)."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schedtui.core.security.private_files import shortened
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable

#: The fields a row may give, and the headers that name each (compared without case,
#: spaces or punctuation).
HEADERS: dict[str, tuple[str, ...]] = {
    "mrn": ("mrn", "medicalrecordnumber", "patientid", "chartnumber", "chart"),
    "first_name": ("firstname", "first", "givenname", "given", "fname", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname", "lname"),
    "dob": ("dob", "dateofbirth", "birthdate", "birthday", "born"),
    "phone": ("phone", "phonenumber", "mobile", "cell", "cellphone", "homephone", "telephone"),
    "sex": ("sex", "gender"),
    "email": ("email", "emailaddress", "mail"),
    "language": ("language", "preferredlanguage", "lang"),
    "address_line": ("address", "address1", "addressline", "addressline1", "street"),
    "city": ("city", "town"),
    "state": ("state", "province", "region"),
    "postal_code": ("zip", "zipcode", "postalcode", "postcode"),
}
#: What a row must give.
REQUIRED = ("first_name", "last_name", "dob", "phone")
#: The largest file read (a million rows of a wide export fit well within it).
LARGEST_BYTES = 1024 * 2**20
#: The most rows one file may hold.
MOST_ROWS = 2_000_000


@dataclass(frozen=True)
class ReadFile:
    """The file's header, its rows (as text, header left out) and the field of each
    mapped column."""

    header: list[str]
    rows: list[list[str]]
    columns: dict[str, int]
    #: The file's SHA-256 (what the audit trail keeps of it).
    digest: str


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def read_patient_file(path: Path, mapping: dict[str, str]) -> ReadFile:
    """The rows of a .csv (UTF-8) or .xlsx file and which column is which field;
    `mapping` (field -> header) overrides what the headers say. Refused, saying what was
    expected, when the file is not what its name claims or lacks a required column."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BadInput(f"{shortened(path)}: give a .csv (UTF-8) or .xlsx file of patients.")
    _ordinary_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{shortened(path)} cannot be read ({exc.strerror}).") from None
    table = list(_xlsx_rows(path, data) if suffix == ".xlsx" else _csv_rows(path, data))
    if not table or not any(cell.strip() for cell in table[0]):
        raise BadInput(f"{shortened(path)} has no header row (first name, last name, DOB...).")
    if len(table) - 1 > MOST_ROWS:
        raise BadInput(f"{shortened(path)} has over {MOST_ROWS:,} rows: split it.")
    header = [cell.strip() for cell in table[0]]
    columns = _columns(header, mapping)
    rows = [row for row in table[1:] if any(cell.strip() for cell in row)]
    return ReadFile(header, rows, columns, hashlib.sha256(data).hexdigest())


def _ordinary_file(path: Path) -> None:
    """Refuse what is not an ordinary file of a sane size (a pipe would never end, a
    device never either) before a byte is read."""
    try:
        details = path.stat()
    except FileNotFoundError:
        raise BadInput(f"There is no file {shortened(path)}.") from None
    except OSError as exc:
        raise BadInput(f"{shortened(path)} cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(details.st_mode):
        raise BadInput(f"{shortened(path)} is not an ordinary file of patients.")
    if details.st_size > LARGEST_BYTES:
        raise BadInput(f"{shortened(path)} is over {LARGEST_BYTES // 2**20} MB: split it.")


def _csv_rows(path: Path, data: bytes) -> Iterator[list[str]]:
    if data.startswith(b"PK\x03\x04"):
        raise BadInput(f"{shortened(path)} is a spreadsheet (zip), not a CSV: name it .xlsx.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{shortened(path)} is not UTF-8 (byte {exc.start}): save it as 'CSV UTF-8'."
        ) from None
    if "\x00" in text:
        raise BadInput(f"{shortened(path)} is not a text CSV (it holds NUL bytes).")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(path: Path, data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # loaded only for spreadsheets

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BadInput(f"{shortened(path)} is not an .xlsx workbook (not a zip archive).")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BadInput(f"{shortened(path)} is not a readable .xlsx workbook ({exc}).") from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in values]
    finally:
        workbook.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):  # a datetime cell: its date
        return str(value.date())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    keyed = {_key(name): index for index, name in reversed(list(enumerate(header)))}
    columns: dict[str, int] = {}
    for field, names in HEADERS.items():
        found = next((keyed[name] for name in names if name in keyed), None)
        if found is not None:
            columns[field] = found
    for field, name in mapping.items():
        if field not in HEADERS:
            raise BadInput(f"--map {printable(field)}=...: the fields are {', '.join(HEADERS)}.")
        if _key(name) not in keyed:
            raise BadInput(f"--map {field}={printable(name)}: the file has no such column.")
        columns[field] = keyed[_key(name)]
    missing = [field for field in REQUIRED if field not in columns]
    if missing:
        shown = ", ".join(printable(name) for name in header[:12])
        raise BadInput(
            f"No column for {', '.join(missing)} (the header says: {shown}); "
            "name them in the header or with --map FIELD=HEADER."
        )
    return columns
