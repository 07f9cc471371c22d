"""The supervisor's measures, each computed on a hand-built store with a known answer, on
SQLite and PostgreSQL; the report as JSON, CSV and Excel; bad input refused."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from schedtui.core.security.access import PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.core.views.kpis import KpiRow, kpis, period
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import Staff, add_staff
from tests.cli_helpers import run_and_read
from tests.engine_clinic import EngineClinic, build_engine_clinic

ZONE = ZoneInfo("America/New_York")
MONDAY, TUESDAY = date(2026, 3, 9), date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # Tuesday noon in New York: all seen or missed


def _visit(engine: EngineClinic, provider: int, day: date, hour: int, minute: int, status: str,
           booked_days_before: float, **extra: object) -> m.Appointment:  # fmt: skip
    start = engine.at(day, hour, minute)
    return m.Appointment(
        patient_id=engine.patients[hour % 12], provider_id=provider, site_id=engine.site,
        appointment_type_id=engine.follow_up, start=start, end=start + timedelta(minutes=20),
        status=status, booked_at=start - timedelta(days=booked_days_before), updated_at=start,
        **extra,
    )  # fmt: skip


@pytest.fixture
def clinic(any_store: Store) -> tuple[EngineClinic, Staff]:
    """Monday and Tuesday at the engine clinic: Okafor's template gives 210 open minutes a
    day (08:00-12:00 less a 30-minute block), Ortega's 240 on Monday (the Wednesday after
    is closed). Seven visits count; one entered in error and one after the period do not;
    Ava filed three call notes."""
    engine, staff = build_engine_clinic(any_store), add_staff(any_store)
    okafor, ortega = engine.okafor, engine.ortega
    visits = [
        _visit(engine, okafor, MONDAY, 8, 0, "fulfilled", 10),
        _visit(engine, okafor, MONDAY, 8, 20, "noshow", 4),
        _visit(
            engine,
            okafor,
            MONDAY,
            9,
            0,
            "cancelled",
            2,
            late_cancel=True,
            cancellation_reason="pat",
            cancelled_at=NOW - timedelta(days=1, hours=3),
        ),
        _visit(
            engine,
            okafor,
            TUESDAY,
            8,
            0,
            "cancelled",
            6,
            cancellation_reason="pat",
            cancelled_at=NOW - timedelta(days=5),
        ),
        _visit(engine, okafor, TUESDAY, 9, 0, "booked", 3, confirmed_at=NOW - timedelta(days=1)),
        _visit(engine, ortega, MONDAY, 13, 0, "fulfilled", 1),
        _visit(
            engine,
            ortega,
            MONDAY,
            13,
            0,
            "fulfilled",
            0.5,
            overbooked=True,
            overbook_reason="walk-in",
        ),
        _visit(engine, okafor, MONDAY, 11, 0, "entered-in-error", 1),
        _visit(engine, okafor, date(2026, 3, 12), 8, 0, "booked", 1),
    ]
    started = NOW - timedelta(hours=2)
    with any_store.write() as session:
        for visit in visits:
            visit.booked_by_id = staff.supervisor.user_id
            session.add(visit)
        for minutes, resolved in ((5, True), (3, False), (7, None)):
            session.add(m.CallNote(
                user_id=staff.scheduler.user_id, started_at=started,
                ended_at=started + timedelta(minutes=minutes), body="call", is_draft=False,
                resolved_on_call=resolved, updated_at=started,
            ))  # fmt: skip
    return engine, staff


def _report(store: Store, staff: Staff, by: str | None) -> dict[str, KpiRow]:
    rows = kpis(store, staff.supervisor, period(MONDAY, TUESDAY, ZONE), by, now=NOW)
    return {row.group: row for row in rows}


def test_the_clinics_figures(any_store: Store, clinic: tuple[EngineClinic, Staff]) -> None:
    [row] = _report(any_store, clinic[1], None).values()
    assert (row.group, row.appointments, row.due, row.no_shows) == ("clinic", 7, 5, 1)
    assert row.no_show_rate == 0.2
    assert (row.cancellations, row.cancellation_rate) == (2, 0.2857)
    assert (row.late_cancellation_rate, row.early_cancellation_rate) == (0.1429, 0.1429)
    assert (row.overbooks, row.lead_time_days, row.confirmation_rate) == (1, 3.79, 0.2)
    assert row.fill_rate == round(
        80 / 660, 4
    )  # four 20-minute visits kept or due, not the overbook
    assert (row.calls, row.first_call_resolution, row.handle_minutes) == (3, 0.5, 5.0)


def test_by_provider_and_by_scheduler(any_store: Store, clinic: tuple[EngineClinic, Staff]) -> None:
    _, staff = clinic
    providers = _report(any_store, staff, "provider")
    okafor, ortega = providers["Okafor, Amara"], providers["Ortega, Luis"]
    assert (okafor.appointments, okafor.due, okafor.no_show_rate) == (5, 3, 0.3333)
    assert (okafor.cancellation_rate, okafor.late_cancellation_rate) == (0.4, 0.2)
    assert (okafor.lead_time_days, okafor.confirmation_rate) == (5.0, 0.3333)
    assert okafor.fill_rate == round(60 / 420, 4) and okafor.calls is None
    assert (ortega.appointments, ortega.no_show_rate, ortega.overbooks) == (2, 0.0, 1)
    assert (ortega.lead_time_days, ortega.fill_rate) == (0.75, round(20 / 240, 4))
    schedulers = _report(any_store, staff, "scheduler")
    assert schedulers["sue.super"].appointments == 7 and schedulers["sue.super"].calls is None
    ava = schedulers["ava.jensen"]
    assert (ava.appointments, ava.calls, ava.first_call_resolution) == (0, 3, 0.5)
    assert _report(any_store, staff, "type")["FU"].fill_rate is None  # no template time per type


def test_only_those_allowed_see_them_and_bad_periods_are_refused(
    any_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    _, staff = clinic
    with pytest.raises(PermissionDenied):
        kpis(any_store, staff.scheduler, period(MONDAY, TUESDAY, ZONE), None, now=NOW)
    with pytest.raises(BadInput, match="ends before it starts"):
        period(TUESDAY, MONDAY, ZONE)
    with pytest.raises(BadInput, match="group by provider, site, type, scheduler"):
        kpis(any_store, staff.supervisor, period(MONDAY, TUESDAY, ZONE), "payer", now=NOW)


def test_the_report_command_as_json_csv_and_excel(
    command_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    report = ["report", "kpis", "--from", "2026-11-01", "--to", "2026-11-26", "--db", command_db]
    code, out, err = run_and_read(capsys, *report, "--by", "site", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["by"] == "site" and "no_show_rate" in shown["definitions"]
    groups = shown["groups"]
    for key in ("no_show_rate", "cancellation_rate", "late_cancellation_rate", "fill_rate",
                "lead_time_days", "first_call_resolution"):  # fmt: skip
        assert all(key in group for group in groups)
    assert all(0 <= group["no_show_rate"] <= 1 for group in groups)
    book, table = tmp_path / "kpis.xlsx", tmp_path / "kpis.csv"
    assert run_and_read(capsys, *report, "--xlsx", str(book))[0] == 0
    assert run_and_read(capsys, *report, "--by", "site", "--csv", str(table))[0] == 0
    from openpyxl import load_workbook

    workbook = load_workbook(book)
    assert workbook.sheetnames == ["clinic", "provider", "site", "type", "scheduler",
                                   "definitions"]  # fmt: skip
    sites = {row[0]: row for row in workbook["site"].iter_rows(min_row=2, values_only=True)}
    with table.open() as handle:
        read = {row["group"]: row for row in csv.DictReader(handle)}
    assert set(sites) == set(read) == {group["group"] for group in groups}
    for group in groups:
        assert sites[group["group"]][1] == group["appointments"]
        assert float(read[group["group"]]["no_show_rate"]) == group["no_show_rate"]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--from", "2026-11-30", "--to", "2026-11-01"], "ends before it starts"),
        (["--from", "2026-11-01", "--to", "2026-11-30", "--by", "payer"], "group by provider"),
        (
            ["--from", "2026-11-01", "--to", "2026-11-30", "--csv", "/no/such/dir/k.csv"],
            "does not exist",
        ),
    ],
)
def test_the_report_command_refuses_plainly_and_writes_nothing(
    command_db: str, capsys: pytest.CaptureFixture[str], extra: list[str], said: str
) -> None:
    code, out, err = run_and_read(capsys, "report", "kpis", *extra, "--db", command_db)
    assert code == 2 and said in err and "Traceback" not in err and out == ""


def test_the_no_show_list_and_a_days_schedule_as_people_and_spreadsheets_read_them(
    command_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each visit in its site's own time with the patient named; the files read back with
    openpyxl; the patients on them audited as an export."""
    with sqlite3.connect(command_db) as connection:
        expected = connection.execute(
            "SELECT count(*) FROM appointment WHERE status = 'noshow' AND start >= ? "
            "AND start < ?", ("2026-11-20 05:00:00", "2026-11-27 05:00:00"),
        ).fetchone()[0]  # fmt: skip
    book = tmp_path / "no-shows.xlsx"
    week = ["--from", "2026-11-20", "--to", "2026-11-26"]
    code, out, err = run_and_read(capsys, "report", "no-shows", *week, "--xlsx", str(book),
                                  "--db", command_db)  # fmt: skip
    assert code == 0, err
    from openpyxl import load_workbook

    rows = list(load_workbook(book).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == ("day", "time", "site", "provider", "type", "status", "mrn", "patient",
                       "why")  # fmt: skip
    assert len(rows) - 1 == expected > 0 and {row[5] for row in rows[1:]} == {"noshow"}
    code, out, err = run_and_read(capsys, "report", "schedule", "--date", "2026-11-27",
                                  "--site", "DTN", "--json", "--db", command_db)  # fmt: skip
    assert code == 0, err
    day = json.loads(out)
    assert day and {line["site"] for line in day} == {"DTN"}
    assert {line["day"] for line in day} == {"2026-11-27"}
    assert [line["time"] for line in day] == sorted(
        (line["time"] for line in day), key=lambda t: datetime.strptime(t[:8], "%I:%M %p")
    )
    with sqlite3.connect(command_db) as connection:
        exports = connection.execute(
            "SELECT count(*) FROM audit_event WHERE action = 'export' AND entity = 'report'"
        ).fetchone()[0]
    assert exports == 2
