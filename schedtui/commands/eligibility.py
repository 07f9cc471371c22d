"""`schedtui eligibility request|ingest`: the X12 270/271 file exchange."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
from schedtui.core.insurance.eligibility import ingest_file, request_eligibility, x12_text
from schedtui.core.schedule import directory
from schedtui.core.support.errors import BadInput
from schedtui.core.support.text import printable
from schedtui.core.x12.x271 import EligibilityAnswer

if TYPE_CHECKING:
    from schedtui.data.store import Store

app = typer.Typer(help="Eligibility (X12 270/271) by file exchange.", add_completion=False)


@app.command("request")
def request(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option("--patient", help="Patient MRN.")],
    day: Annotated[
        str | None, typer.Option("--date", help="Date of service (default today).")
    ] = None,
    service_type: Annotated[str, typer.Option(help="X12 service type code, e.g. 30, 98.")] = "30",
    provider: Annotated[int | None, typer.Option("--provider", help="Provider id.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the 270 to this new file, not to the outbox.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing (ordinary) --out file.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a 270 inquiry for the patient's coverage; print the file's path."""
    desk = command_desk(ctx, db)
    now = desk.clock.now()
    with desk.store.read() as session:
        patient_id = directory.patient_id_for(session, patient)
    done = request_eligibility(
        desk.store,
        desk.actor,
        patient_id,
        day=parse_day(day, "--date") or now.date(),
        service_type=service_type,
        now=now,
        settings=settings(),
        provider_id=provider,
        out=out,
        replace_out=force,
    )
    if as_json:
        print_json({"check_id": done.check_id, "trace": done.trace, "path": str(done.path)})
    else:
        say(done.path)


def _x12_files(folder: Path, store: Store) -> tuple[list[Path], list[Path]]:
    """The folder's files that look like X12 interchanges, and the ones passed over."""
    taken: list[Path] = []
    passed_over: list[Path] = []
    for candidate in sorted(folder.iterdir()):
        if candidate.is_dir() or candidate.name.startswith("."):
            continue
        try:
            x12_text(candidate, store)
        except BadInput:
            passed_over.append(candidate)
        else:
            taken.append(candidate)
    return taken, passed_over


def _lines(answer: EligibilityAnswer) -> list[str]:
    who = f"{answer.member_last}, {answer.member_first}".strip(", ") or answer.level
    lines = [
        f"  {who} ({answer.member_id or 'no member id'}): {answer.status.upper()}"
        + (f", {answer.plan_name}" if answer.plan_name else "")
    ]
    for benefit in answer.benefits:
        if benefit.amount_cents is None and benefit.percent is None:
            continue
        value = (
            f"${benefit.amount_cents / 100:,.2f}"
            if benefit.amount_cents is not None
            else f"{benefit.percent:g}%"
        )
        network = {"yes": ", in network", "no": ", out of network"}.get(benefit.in_network, "")
        lines.append(f"    {benefit.info}: {value} {benefit.period}{network}".rstrip())
    lines += [f"    Primary care: {name}" for name in answer.primary_care]
    lines += [
        f"    Refused ({r.level}, {r.code} {r.reason}; {r.follow_up}): {r.advice}"
        for r in answer.rejections
    ]
    lines += [f"    Note: {warning}" for warning in answer.warnings]
    return lines


@app.command("ingest")
def ingest(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            help="A 271 file, or a folder of them (default: the inbox).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read 271 answers, match each to its inquiry, and file them (errors go to errors/).
    Only files that start like an X12 interchange are read and moved; anything else in a
    folder is left where it is."""
    if path is not None and not path.strip():
        raise BadInput("The path to ingest is empty; give a 271 file or a folder.")
    where = Path(path) if path is not None else settings().eligibility_folder() / "inbox"
    if not where.exists():
        raise BadInput(f"{where} does not exist.")
    desk = command_desk(ctx, db)
    if where.is_dir():
        files, passed_over = _x12_files(where, desk.store)
    else:
        x12_text(where, desk.store)  # refuses, before anything moves, what is not X12
        files, passed_over = [where], []
    for skipped in passed_over:
        say(f"{printable(skipped.name)}: not an X12 file, left where it is.", err=True)
    results: list[dict[str, Any]] = []
    failed = bool(passed_over)
    for file in files:
        done = ingest_file(desk.store, desk.actor, file, now=desk.clock.now(), settings=settings())
        failed = failed or bool(done.error)
        results.append(
            {
                "file": str(file),
                "moved_to": str(done.moved_to),
                "error": done.error,
                "answers": [{"check_id": cid, **a.to_json()} for cid, a in done.answers],
            }
        )
        if not as_json:
            say(
                f"{file.name}: "
                + (f"ERROR {done.error}" if done.error else f"{len(done.answers)} answer(s)")
            )
            for _, answer in done.answers:
                say("\n".join(_lines(answer)))
    if as_json:
        print_json(results)
    if failed:
        raise typer.Exit(2)
