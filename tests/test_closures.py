"""Site closures and holidays: from the command line and from the calendar (H). Visits on
those days are listed first; closing anyway puts their patients on the waitlist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from schedtui.cli import run
from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.closure_form import ClosureForm
from tests.builders import Staff, add_staff
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_booking_screen import NOW, _app, _settle
from tests.test_calendar import _blocks_cli, _book, _grid_text, _open_monday


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    return build_engine_clinic(sqlite_store), add_staff(sqlite_store)


def test_a_closure_over_booked_visits_waits_for_confirmation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _engine, visit = _blocks_cli(tmp_path, monkeypatch, capsys)  # Monday 9:00
    close = ["closures", "add", "--from", "mon", "--name", "Snow day", "--site", "s1"]
    db = ["--db", str(path)]
    assert run([*close, *db]) == 3
    err = capsys.readouterr().err
    assert "Not added: visits are booked on those days:" in err and "E0004  Test, Pat4" in err
    assert run([*close, "--confirm", "--json", *db]) == 0
    added = json.loads(capsys.readouterr().out)
    assert [v["appointment_id"] for v in added["visits_on_those_days"]] == [visit]
    assert run(["closures", "list", "--json", *db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert run(["day", "--date", "2026-03-09", "--json", *db]) == 0
    monday = json.loads(capsys.readouterr().out)
    with open_store(str(path), now=NOW).store.read() as session:
        [to_call] = session.exec(select(m.WaitlistEntry)).all()
    assert (listed[0]["site"], listed[0]["first_day"], listed[0]["name"]) == (
        "S1", "2026-03-09", "Snow day"
    )  # fmt: skip
    assert [c["first_day"] for c in listed][1:] == ["2026-03-11"]  # the test clinic's own
    assert (
        to_call.current_appointment_id == visit and "the site is closed (Snow day)" in to_call.notes
    )
    cells = [row["cells"][0]["kind"] for row in monday["rows"]]
    assert "open" not in cells and "visit" in cells  # closed; the visit still shows, to be moved
    assert run(["closures", "remove", str(added["closure_id"]), *db]) == 0
    assert capsys.readouterr().out == f"Closure {added['closure_id']} removed.\n"
    assert run(["day", "--date", "2026-03-09", "--json", *db]) == 0
    reopened = json.loads(capsys.readouterr().out)
    assert "open" in [row["cells"][0]["kind"] for row in reopened["rows"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--kind", "nap"], "kind: one of holiday, closure"),
        (["--to", "2026-03-01"], "last: on or after the first day (03/09/2026)"),
        (["--site", "NOPE"], "There is no active site 'NOPE'."),
        (["--name", " "], "name: what the closure is"),
        (["--from", "someday"], "'someday' is not a day I can read"),
    ],
)
def test_a_wrong_closure_changes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: list[str],
    message: str,
) -> None:
    path, _engine, _visit = _blocks_cli(tmp_path, monkeypatch, capsys)
    base = {"--from": "2026-03-09", "--name": "Snow day", "--confirm": None}
    argv = ["closures", "add", "--db", str(path), *change]
    for option, value in base.items():
        if option not in change:
            argv += [option] if value is None else [option, value]
    assert run(argv) == 2
    assert message in capsys.readouterr().err
    with open_store(str(path), now=NOW).store.read() as session:
        days = [c.first_day.isoformat() for c in session.exec(select(m.Closure))]
    assert days == ["2026-03-11"]  # only the test clinic's own closure


async def test_a_supervisor_closes_a_day_from_the_calendar(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    _book(sqlite_store, engine, staff, 3, 9)
    app = _app(sqlite_store, staff)
    app.actor = staff.supervisor
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        await pilot.press("H")
        await _settle(pilot)
        form = app.screen
        assert isinstance(form, ClosureForm)
        prefilled = [form.query_one(f"#closure-{n}", Input).value for n in ("site", "first")]
        form.query_one("#closure-name", Input).value = "Snow day"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        warning = str(form.query_one("#closure-in-the-way", Static).render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
        grid = _grid_text(app)
    assert prefilled == ["S1", "2026-03-09"]
    assert "Visits are booked on those days:" in warning and "E0003  Test, Pat3" in warning
    assert all(row[1] != "·" for row in grid)  # nothing open on a closed day
    assert any(row[1] == "● Test P FU" for row in grid)  # the visit still shows, to be moved


async def test_a_scheduler_is_told_at_once_that_blocks_templates_and_closures_need_a_supervisor(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """b, e and H refuse before any form opens (each refusal audited)."""
    app = _app(sqlite_store, clinic[1])  # a scheduler
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_monday(pilot)
        screens = []
        for key in ("b", "e", "H"):
            await pilot.press(key)
            await _settle(pilot)
            screens.append(type(app.screen).__name__)
        notes = [n.message for n in app._notifications]
    with sqlite_store.read() as session:
        refused = session.exec(
            select(m.AuditEvent).where(m.AuditEvent.action == "permission-denied")
        ).all()
    assert screens == ["CalendarScreen"] * 3
    assert sum("may not edit schedule templates" in n for n in notes) == 3
    assert [r.entity for r in refused] == ["block", "template", "closure"]
