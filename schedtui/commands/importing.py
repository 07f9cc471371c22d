"""`schedtui import patients FILE`: the old system's patients, checked row by row; a dry
run unless --apply (core.patients.importing)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer

from schedtui.commands.common import DbOption, JsonOption, command_desk, print_json, say, settings
from schedtui.core.patients.importing import ImportReport, import_patients
from schedtui.core.security.private_files import OWN_FILE_MODE, check_target, write_file
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable, spreadsheet_safe
from schedtui.core.views.today import clinic_today

app = typer.Typer(help="Import from the old system.", add_completion=False)
#: Rows named on the screen per kind (the rejects file has them all).
SHOWN = 20


@app.command("patients")
def patients(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx file, a header row first.")],
    apply: Annotated[bool, typer.Option("--apply", help="Add them (else: a dry run).")] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Write the rows not added, with why, to this CSV.")
    ] = None,
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="FIELD=HEADER, e.g. dob=Birth Date.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the rejects file.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check a file of patients against the store and, with --apply, add every row that
    passes, all in one transaction (supervisors and admins)."""
    if rejects is not None:
        check_target(rejects, replace=force, option="--rejects")
    fields = _mapping(mapping or [])
    desk = command_desk(ctx, db)
    current = settings()
    report = import_patients(
        desk.store, desk.actor, file, fields, apply=apply, now=desk.clock.now(),
        today=clinic_today(desk.clock, current.zone), region=current.region,
    )  # fmt: skip
    if rejects is not None:
        write_file(rejects, _rejects_csv(report), replace=force, mode=OWN_FILE_MODE,
                   encoding="utf-8")  # fmt: skip
    if as_json:
        print_json(_counts(report))
        return
    _say_report(report)


def _mapping(pairs: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise BadInput(f"--map {printable(pair)}: write it as FIELD=HEADER (dob=Birth Date).")
        fields[field.strip().lower()] = header.strip()
    return fields


def _counts(report: ImportReport) -> dict[str, object]:
    return {
        "applied": report.applied,
        "rows": report.rows,
        "added": report.added,
        "skipped": len(report.skipped),
        "rejected": len(report.rejected),
        "not_added": [
            {"line": row.line, "reason": row.reason, "rejected": kind == "rejected"}
            for kind, rows in (("skipped", report.skipped), ("rejected", report.rejected))
            for row in rows
        ],
    }


def _say_report(report: ImportReport) -> None:
    verb = "Added" if report.applied else "Would add (a dry run: add --apply)"
    say(f"{verb} {report.added} of {report.rows} rows; {len(report.skipped)} already there, "
        f"{len(report.rejected)} rejected.")  # fmt: skip
    for label, rows in (("skipped", report.skipped), ("rejected", report.rejected)):
        for row in rows[:SHOWN]:
            say(f"  line {row.line} {label}: {printable(row.reason)}")
        if len(rows) > SHOWN:
            say(f"  ... {len(rows) - SHOWN} more {label} (--rejects FILE lists them all)")


def _rejects_csv(report: ImportReport) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["line", "outcome", "reason", *report.header])
    for label, rows in (("skipped", report.skipped), ("rejected", report.rejected)):
        for row in rows:
            writer.writerow(
                spreadsheet_safe(cell) for cell in (row.line, label, row.reason, *row.cells)
            )
    return text.getvalue()
