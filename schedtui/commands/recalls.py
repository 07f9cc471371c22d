"""`schedtui recalls add|generate|list|worklist|contact|export`: recall campaigns from
the shell (supervisors define and generate them; schedulers work them)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer

from schedtui.commands.common import (
    DbOption,
    JsonOption,
    command_desk,
    parse_day,
    print_json,
    say,
    settings,
)
from schedtui.core.schedule.recalls import (
    CampaignRequest,
    Criteria,
    add_campaign,
    campaign_rows,
    generate,
    recall_worklist,
    record_recall_contact,
)
from schedtui.core.security.private_files import OWN_FILE_MODE, check_target, write_file
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable, spreadsheet_safe
from schedtui.core.views.today import clinic_today

app = typer.Typer(help="Recall campaigns: patients due for a visit, worked by phone.",
                  add_completion=False)  # fmt: skip
IdArg = Annotated[int, typer.Argument(help="The campaign's id ('recalls list').")]
#: The largest list of MRNs read from a file.
MRN_FILE_LIMIT = 2_000_000


@app.command("add")
@app.command("create")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What the campaign is, e.g. 'Annual physicals'.")],
    type_code: Annotated[str, typer.Option("--type", help="The visit type to book.")],
    due_from: Annotated[str, typer.Option("--from", help="First day of the due window.")],
    due_to: Annotated[str, typer.Option("--to", help="Last day of the due window.")],
    last_visit: Annotated[
        str, typer.Option("--last-visit", help="Due: the last visit of this type...")
    ] = "",
    months: Annotated[
        int | None, typer.Option("--months", help="...was longer ago than this many months.")
    ] = None,
    age_min: Annotated[int | None, typer.Option("--age-min", help="Aged at least.")] = None,
    age_max: Annotated[int | None, typer.Option("--age-max", help="Aged at most.")] = None,
    provider: Annotated[int | None, typer.Option(help="The provider's patients.")] = None,
    payer: Annotated[int | None, typer.Option(help="Members of this payer.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Define a campaign (supervisors; a draft until generated)."""
    first, last = parse_day(due_from, "--from"), parse_day(due_to, "--to")
    assert first is not None and last is not None
    criteria = Criteria(last_visit.strip().upper(), months, age_min, age_max, provider, payer)
    desk = command_desk(ctx, db)
    made = add_campaign(desk.store, desk.actor, CampaignRequest(name, type_code, first, last,
                        criteria), now=desk.clock.now())  # fmt: skip
    if as_json:
        print_json({"id": made})
    else:
        say(f"Campaign {made} added (a draft): 'recalls generate {made}' lists the patients.")


@app.command("generate")
def generate_(
    ctx: typer.Context,
    campaign: IdArg,
    mrns: Annotated[
        Path | None, typer.Option("--mrns", help="Only these MRNs (a text file, one a line).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the patients due (supervisors); again adds only those not listed yet."""
    wanted = _mrns(mrns) if mrns is not None else ()
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    done = generate(desk.store, desk.actor, campaign, now=desk.clock.now(), today=today,
                    mrns=wanted)  # fmt: skip
    if as_json:
        print_json(done.__dict__)
        return
    say(f"Added {done.added}; already listed {done.already_listed}; left out: "
        f"{done.left_out_booked} already booked, {done.left_out_no_contact} who said no to "
        "every way of contact.")  # fmt: skip
    if done.unknown_mrns:
        say(printable(f"Not found: {', '.join(done.unknown_mrns[:20])}"), err=True)


def _mrns(path: Path) -> tuple[str, ...]:
    if not path.is_file():
        raise BadInput(f"--mrns {path}: not a file.")
    if path.stat().st_size > MRN_FILE_LIMIT:
        raise BadInput(f"--mrns {path}: larger than {MRN_FILE_LIMIT} bytes.")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise BadInput(f"--mrns {path}: not UTF-8 text (one MRN a line).") from None
    wanted = tuple(line.strip().split(",")[0].strip() for line in lines if line.strip())
    if not wanted:
        raise BadInput(f"--mrns {path}: no MRN in it (one a line).")
    return wanted


@app.command("list")
def list_(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every campaign with its patients counted by status (no names: not a view of
    patients)."""
    desk = command_desk(ctx, db)
    with desk.store.read() as session:
        rows = campaign_rows(session)
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("No recall campaigns.")
    for row in rows:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(row.counts.items())) or "none"
        say(printable(f"{row.id:>4} {row.status:<8} {row.type_code:<7} {row.due_from} to "
                      f"{row.due_to}  {row.name}: {counts}"))  # fmt: skip


@app.command("worklist")
def worklist(
    ctx: typer.Context,
    campaign: IdArg,
    to_work: Annotated[
        bool, typer.Option("--to-work", help="Only those due or to try again today.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The campaign's patients, those still to call first (an audited view)."""
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    rows = recall_worklist(desk.store, desk.actor, campaign, now=desk.clock.now(), today=today,
                           to_work=to_work)  # fmt: skip
    if as_json:
        print_json([row.to_json() for row in rows])
        return
    if not rows:
        say("Nobody to call." if to_work else "Nobody on this campaign yet.")
    for row in rows:
        tried = f" tried {row.attempts}, {row.last_outcome}" if row.attempts else ""
        again = f" again {row.retry_on}" if row.retry_on else ""
        say(printable(f"{row.patient_mrn:<10} {row.patient_name:<30} {row.status:<11}"
                      f"{tried}{again}"))  # fmt: skip


@app.command("work")
def work(
    ctx: typer.Context, campaign: IdArg, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """The patients to call today (due, or to try again): `worklist --to-work`."""
    worklist(ctx, campaign, to_work=True, db=db, as_json=as_json)


@app.command("contact")
def contact(
    ctx: typer.Context,
    campaign: IdArg,
    mrn: Annotated[str, typer.Argument(help="The patient's MRN.")],
    outcome: Annotated[
        str,
        typer.Option(
            "--outcome", help="reached, no-answer, left-message, wrong-number or declined."
        ),
    ],
    retry: Annotated[
        str | None, typer.Option("--retry", help="When to try again (2 days on by default).")
    ] = None,
    db: DbOption = None,
) -> None:
    """What came of a call about the campaign (audited). Booking the visit marks the
    patient booked by itself."""
    again = parse_day(retry, "--retry")
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    status = record_recall_contact(desk.store, desk.actor, campaign, mrn, outcome,
                                   now=desk.clock.now(), today=today, retry_on=again)  # fmt: skip
    say(f"{mrn.strip()} on campaign {campaign}: {outcome}; now {status}.")


@app.command("export")
def export(
    ctx: typer.Context,
    campaign: IdArg,
    out: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file.")] = False,
    db: DbOption = None,
) -> None:
    """The campaign's list as CSV for a spreadsheet (every cell safe from formulas; a
    file only its owner reads). An audited disclosure."""
    check_target(out, replace=force)  # before anything is read: a refusal discloses nothing
    desk = command_desk(ctx, db)
    today = clinic_today(desk.clock, settings().zone)
    rows = recall_worklist(desk.store, desk.actor, campaign, now=desk.clock.now(), today=today,
                           for_export=True)  # fmt: skip
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["mrn", "name", "status", "attempts", "last_outcome", "retry_on",
                     "appointment_id"])  # fmt: skip
    for row in rows:
        writer.writerow(spreadsheet_safe(cell) for cell in (
            row.patient_mrn, row.patient_name, row.status, row.attempts, row.last_outcome,
            row.retry_on or "", row.appointment_id or "",
        ))  # fmt: skip
    written = write_file(out, text.getvalue(), replace=force, mode=OWN_FILE_MODE,
                         encoding="utf-8")  # fmt: skip
    say(f"Wrote {len(rows)} patients to {written}.")
