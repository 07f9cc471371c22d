"""Tables written for a spreadsheet, as CSV or XLSX: numbers stay numbers (money as
dollars and cents, to add up), and no text cell is ever run as a formula (OWASP CSV
injection) nor carries a control character; the file is written privately and whole
(`write_file`), or not at all."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from schedtui.core.security.private_files import OWN_FILE_MODE, check_target, write_file
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable, spreadsheet_safe

#: What a cell may hold: text, a whole number, money (`Decimal` dollars), a day, nothing.
Cell = str | int | Decimal | date | None
#: How a spreadsheet shows money and days.
MONEY_FORMAT = "#,##0.00"
DAY_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class Sheet:
    """One table: its title (the XLSX sheet's name), its column names, its rows."""

    title: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]


def money(cents: int) -> Decimal:
    """Integer cents as the dollars a spreadsheet adds up (exactly: 1234 -> 12.34)."""
    return Decimal(cents).scaleb(-2)


def csv_text(sheet: Sheet) -> str:
    """The table as CSV: text made safe from formulas, numbers and days as they are."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(name) for name in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


def _csv_cell(value: Cell) -> str:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | date):
        return spreadsheet_safe(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table: every text cell stored as text (never a
    formula, whatever it starts with), money and days formatted."""
    from openpyxl import Workbook  # loaded only for spreadsheets

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        page = book.create_sheet(_sheet_title(sheet.title))
        page.append([printable(name) for name in sheet.header])
        for number, row in enumerate(sheet.rows, start=2):
            for column, value in enumerate(row, start=1):
                _put(page.cell(row=number, column=column), value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell: object, value: Cell) -> None:
    if isinstance(value, str) or value is None:
        cell.value = printable(value or "")  # type: ignore[attr-defined]
        cell.data_type = "s"  # type: ignore[attr-defined]  # text, even '=SUM(...)'
        return
    cell.value = value  # type: ignore[attr-defined]
    if isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT  # type: ignore[attr-defined]
    elif isinstance(value, date):
        cell.number_format = DAY_FORMAT  # type: ignore[attr-defined]


def _sheet_title(title: str) -> str:
    """A sheet name Excel takes: at most 31 characters, none of []:*?/\\."""
    kept = "".join("-" if char in "[]:*?/\\" else char for char in printable(title))
    return kept[:31] or "Sheet"


def check_sheet_target(path: Path, *, replace: bool) -> Path:
    """Where a table may be written: a .csv or .xlsx file that may be (re)placed; say why
    not before anything is read."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise BadInput(f"{path.name}: name a .csv or an .xlsx file to write.")
    return check_target(path, replace=replace)


def write_sheets(path: Path, sheets: Sequence[Sheet], *, replace: bool = False) -> Path:
    """Write the tables to `path` (owner only): XLSX, one sheet per table, or CSV (the
    first table); by the file's name."""
    check_sheet_target(path, replace=replace)
    if path.suffix.lower() == ".xlsx":
        return write_file(path, xlsx_bytes(sheets), replace=replace, mode=OWN_FILE_MODE)
    return write_file(
        path, csv_text(sheets[0]), replace=replace, mode=OWN_FILE_MODE, encoding="utf-8"
    )
