"""`schedtui audit verify` and `schedtui audit show` (supervisors and admins)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_day,
    print_json,
    say,
)
from schedtui.core.security import audit
from schedtui.core.security.audit import ChainReport
from schedtui.core.security.audit_review import check_chain, checkpoint_now, review
from schedtui.core.support.text import printable, spreadsheet_safe

app = typer.Typer(
    help="The audit trail: check it, and account for disclosures.", add_completion=False
)
COLUMNS = (
    "id",
    "occurred_at",
    "username",
    "action",
    "entity",
    "entity_id",
    "patient_mrn",
    "detail",
)


@app.command("verify")
def verify(
    ctx: typer.Context,
    checkpoints: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoints",
            help="Another checkpoint file to hold the trail against (repeat for several).",
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the whole hash chain, and hold it against the checkpoints kept outside the
    store; exit 1 and name the first bad row if it was tampered with."""
    desk = command_desk(ctx, db)
    report = check_chain(
        desk.store, desk.actor, now=desk.clock.now(), extra_checkpoints=checkpoints or ()
    )
    if as_json:
        print_json(
            {
                "intact": report.intact,
                "rows": report.rows,
                "first_bad_id": report.first_bad_id,
                "problem": report.problem or None,
                "head_hash": report.head_hash,
                "checkpoints": report.checkpoints,
                "last_checkpoint": report.last_checkpoint or None,
            }
        )
    elif report.intact:
        say(f"Audit trail intact: {report.rows:,} rows; head hash {report.head_hash}.")
        say(_checkpoints_line(report))
    else:
        say(
            f"Audit trail BROKEN at row {report.first_bad_id}: {report.problem} "
            f"({report.checkpoints} checkpoints checked).",
            err=True,
        )
    if not report.intact:
        raise typer.Exit(1)


def _checkpoints_line(report: ChainReport) -> str:
    if not report.checkpoints:
        return (
            "No checkpoint of this store outside it yet: until one is written, whoever "
            "holds the store could rewrite the trail unseen. One was written now."
        )
    return (
        f"Checked against {report.checkpoints} checkpoints outside the store (the newest: "
        f"{report.last_checkpoint}); a new one was written at the head."
    )


@app.command("checkpoint")
def checkpoint(ctx: typer.Context, db: DbOption = None) -> None:
    """Write the trail's head to the checkpoint file now (run it from cron, hourly)."""
    desk = command_desk(ctx, db)
    written = checkpoint_now(desk.store, desk.actor, now=desk.clock.now())
    say(f"Checkpoint: row {written.row_id}, hash {written.row_hash}.")


def grouped_logins(rows: list[list[Any]]) -> list[str]:
    """The rows as lines, each run of one user's sign-ins in a row as one line (how many,
    first and last), so what was seen and changed stands out."""
    lines: list[str] = []
    run: list[list[Any]] = []

    def flush() -> None:
        if len(run) == 1:
            lines.append(" | ".join(str(cell) for cell in run[0]))
        elif run:
            newest, oldest = run[0], run[-1]
            lines.append(
                f"{oldest[0]}..{newest[0]} | {oldest[1]}..{newest[1]} | {newest[2]} | "
                f"login x{len(run)}"
            )
        run.clear()

    for row in rows:
        if row[3] == "login" and (not run or run[0][2] == row[2]):
            run.append(row)
            continue
        flush()
        if row[3] == "login":
            run.append(row)
        else:
            lines.append(" | ".join(str(cell) for cell in row))
    flush()
    return lines


@app.command("show")
def show(
    ctx: typer.Context,
    patient: Annotated[str | None, typer.Option("--patient", help="Patient MRN.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="schedtui user name.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="At most this many rows.")] = 200,
    no_logins: Annotated[
        bool,
        typer.Option("--no-logins", help="Leave out sign-ins (every command writes one)."),
    ] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV for a spreadsheet.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who saw or changed what, and when: the accounting of disclosures (newest first)."""
    query = audit.AuditQuery(
        patient, user, parse_day(first, "--from"), parse_day(last, "--to"), limit, no_logins
    )
    desk = command_desk(ctx, db)
    lines = review(desk.store, desk.actor, query, now=desk.clock.now(), exported=as_csv or as_json)
    rows = [
        [
            line.id,
            line.occurred_at.isoformat(),
            line.username,
            line.action,
            line.entity,
            line.entity_id,
            line.patient_mrn or "",
            line.detail,
        ]
        for line in lines
    ]
    if as_json:
        print_json([dict(zip(COLUMNS, row, strict=True)) for row in rows])
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(COLUMNS)
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    else:
        for text in grouped_logins(rows):
            say(printable(text))
