"""Editing a provider's template: the form as supervisors type it, what a change does to
the coming weeks (site, visit types, every other week), and the form on the calendar."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import col, select
from textual.widgets import Input, OptionList, Static

from schedtui.cli import run
from schedtui.core.schedule.blocks import TemplateRow
from schedtui.core.schedule.template_form import change_from_form, form_values
from schedtui.core.schedule.templates import OPEN_ENDED, TemplateChange, change_template
from schedtui.core.support.errors import FieldErrors
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.template_form import TemplateForm
from tests.builders import Staff, add_staff
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_booking_screen import NOW, _app, _settle
from tests.test_calendar import _blocks_cli, _book, _grid_text, _open_monday

TODAY = date(2026, 3, 6)
ROW = TemplateRow(
    id=1, provider_id=1, provider="Okafor, Amara", site="S1", rrule="FREQ=WEEKLY;BYDAY=MO,TU",
    opens="08:00", closes="12:00", effective_from="2025-12-29", effective_to=None,
    overbook_per_hour=1, types=("FU", "MRI"),
)  # fmt: skip


@pytest.fixture
def clinic(sqlite_store: Store) -> tuple[EngineClinic, Staff]:
    return build_engine_clinic(sqlite_store), add_staff(sqlite_store)


def test_the_form_reads_days_in_words_and_every_other_week() -> None:
    typed = form_values(ROW) | {"days": "mon, wed fri", "every": "2", "effective_to": "dec 31"}
    change = change_from_form(typed, TODAY)
    assert change.rrule == "FREQ=WEEKLY;BYDAY=MO,WE,FR;INTERVAL=2"
    assert (change.start_time, change.end_time) == (time(8), time(12))
    assert change.effective_to == date(2026, 12, 31) and change.type_codes == ("FU", "MRI")
    assert change_from_form(form_values(ROW) | {"days": "weekdays"}, TODAY).rrule == (
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    )
    assert change_from_form(form_values(ROW), TODAY).effective_to == OPEN_ENDED
    assert form_values(ROW)["days"] == "MO,TU" and form_values(ROW)["types"] == "FU MRI"


def test_the_form_names_every_wrong_field() -> None:
    typed = form_values(ROW) | {
        "days": "mon funday", "every": "9", "opens": "13:00", "overbook": "lots",
        "effective_to": "2025-01-01", "site": " ",
    }  # fmt: skip
    with pytest.raises(FieldErrors) as wrong:
        change_from_form(typed, TODAY)
    assert wrong.value.errors == {
        "every": "1 to 4 (weeks)",
        "days": "'funday' is not a day: mon tue wed thu fri sat sun",
        "closes": "after it opens (13:00)",
        "overbook": "a number from 0 to 20",
        "effective_to": "on or after the day it takes effect (12/29/2025)",
        "site": "a site code",
    }


def _okafor_template(store: Store, engine: EngineClinic) -> m.ScheduleTemplate:
    with store.read() as session:
        return session.exec(
            select(m.ScheduleTemplate).where(col(m.ScheduleTemplate.provider_id) == engine.okafor)
        ).one()


def test_taking_fewer_visit_types_strands_the_visits_of_the_others(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    visit = _book(sqlite_store, engine, staff, 3, 9)  # a follow-up, Monday 9:00
    template = _okafor_template(sqlite_store, engine)
    mri_only = TemplateChange(type_codes=("MRI",))
    preview = change_template(
        sqlite_store, staff.supervisor, template.id or 0, mri_only,
        now=NOW, today=TODAY, save=True,
    )  # fmt: skip
    assert not preview.saved and [s[0] for s in preview.stranded] == [visit]
    assert preview.hours_after == preview.hours_before  # the same hours, fewer types
    assert preview.days_after[:2] == (
        "Fri 03/06 08:00 AM-12:00 PM EST S1",
        "Mon 03/09 08:00 AM-12:00 PM EDT S1",
    )
    saved = change_template(
        sqlite_store, staff.supervisor, template.id or 0, mri_only,
        now=NOW, today=TODAY, save=True, confirm=True,
    )  # fmt: skip
    with sqlite_store.read() as session:
        takes = session.exec(
            select(m.AppointmentType.code)
            .join(m.TemplateAppointmentType)
            .where(col(m.TemplateAppointmentType.template_id) == template.id)
        ).all()
        [to_call] = session.exec(select(m.WaitlistEntry)).all()
        [audited] = session.exec(
            select(m.AuditEvent).where(col(m.AuditEvent.entity) == "schedule-template")
        ).all()
    assert saved.saved and list(takes) == ["MRI"] and to_call.current_appointment_id == visit
    assert '"types": "FU,MRI"' in audited.detail_json and '"types": "MRI"' in audited.detail_json


def test_a_template_change_refuses_an_unknown_site_or_visit_type(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    template = _okafor_template(sqlite_store, engine)
    for change, message in (
        (TemplateChange(site_code="NOPE"), "There is no active site 'NOPE'."),
        (TemplateChange(type_codes=("FU", "XX")), "There is no visit type XX."),
    ):
        with pytest.raises(Exception, match=message):
            change_template(
                sqlite_store, staff.supervisor, template.id or 0, change,
                now=NOW, today=TODAY, save=True,
            )  # fmt: skip
    assert _okafor_template(sqlite_store, engine).site_id == engine.site


async def test_a_supervisor_edits_the_template_from_the_calendar(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """e on Okafor: Mondays and Wednesdays only; the preview shows the first days and the
    Tuesday visit it strands; Ctrl+S lists it, a second Ctrl+S saves; the grid follows."""
    engine, staff = clinic
    tuesday = _book(sqlite_store, engine, staff, 4, 9)  # moved to Tuesday below
    with sqlite_store.write() as session:
        visit = session.get(m.Appointment, tuesday)
        assert visit is not None
        visit.start, visit.end = (
            engine.at(date(2026, 3, 10), 9),
            engine.at(date(2026, 3, 10), 9, 20),
        )
    app = _app(sqlite_store, staff)
    app.actor = staff.supervisor
    async with app.run_test(size=(120, 50)) as pilot:
        await _open_monday(pilot)
        await pilot.press("e", "enter")  # her template (the first choice; then a new one)
        await _settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateForm)
        shown = form.query_one("#template-days", Input).value
        form.query_one("#template-days", Input).value = "mon wed"
        await pilot.press("ctrl+r")
        await _settle(pilot)
        preview = str(form.query_one("#template-preview", Static).render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
        warned = str(form.query_one("#template-preview", Static).render())
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await pilot.press("]")
        await _settle(pilot)
        tuesday_grid = _grid_text(app)
    assert shown == "MO,TU,WE,TH,FR"
    assert (
        "First days after: Mon 03/09 08:00 AM-12:00 PM EDT S1; Wed 03/11" not in preview
    )  # closed
    assert (
        "First days after: Mon 03/09 08:00 AM-12:00 PM EDT S1; Mon 03/16 08:00 AM-12:00 PM EDT S1"
        in preview
    )
    assert "Tue 03/10/2026 09:00 AM EDT  E0004" in preview
    assert "Ctrl+S again saves it anyway and puts them on the waitlist" in warned
    assert all(row[1] in ("", "● Test P FU", "│") for row in tuesday_grid)  # Okafor off
    with sqlite_store.read() as session:
        [to_call] = session.exec(select(m.WaitlistEntry)).all()
    assert to_call.current_appointment_id == tuesday


def test_a_new_template_is_previewed_then_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, engine, _visit = _blocks_cli(tmp_path, monkeypatch, capsys)
    add = [
        "templates", "add", "--provider", str(engine.ortega), "--site", "s1",
        "--days", "tue thu", "--from", "09:00", "--to", "12:00", "--types", "FU",
        "--db", str(path),
    ]  # fmt: skip
    assert run(add) == 0
    preview = capsys.readouterr().out
    assert run([*add, "--save", "--json"]) == 0
    saved = json.loads(capsys.readouterr().out)
    assert run(["day", "--date", "2026-03-10", "--json", "--db", str(path)]) == 0
    tuesday = json.loads(capsys.readouterr().out)
    assert "0.0 open hours now" in preview and "Preview only" in preview
    assert (
        "First days after: Tue 03/10 09:00 AM-12:00 PM EDT S1; Thu 03/12 09:00 AM-12:00 PM EDT S1"
        in preview
    )
    assert saved["saved"] and saved["template_id"] and saved["stranded"] == []
    assert [p["name"] for p in tuesday["providers"]] == ["Okafor, A.", "Ortega, L."]
    for argv, message in (
        (["--days", "funday"], "days: 'funday' is not a day"),
        (["--to", "08:00"], "closes: after it opens (09:00)"),
        (["--types", "XX"], "There is no visit type XX."),
        (["--provider", "999"], "There is no active provider 999."),
    ):
        assert run([*add, *argv]) == 2
        assert message in capsys.readouterr().err


async def test_a_supervisor_adds_a_template_from_the_calendar(
    sqlite_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    """e on Ortega (who has a template) offers it or a new one; the new one opens her
    Tuesday mornings."""
    staff = clinic[1]
    app = _app(sqlite_store, staff)
    app.actor = staff.supervisor
    async with app.run_test(size=(120, 50)) as pilot:
        await _open_monday(pilot)
        await pilot.press("l", "e")
        await _settle(pilot)
        offered = [
            str(o.prompt) for o in app.screen.query_one("#reasons-list", OptionList)._options
        ]
        await pilot.press(*"new", "enter")
        await _settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateForm)
        form.query_one("#template-days", Input).value = "tue"
        form.query_one("#template-closes", Input).value = "12:00"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        await pilot.press("]")
        await _settle(pilot)
        tuesday = _grid_text(app)
    assert offered == ["MO,WE 13:00-17:00 at S1 (2025-12-29 to on)", "A new template"]
    assert [row[2] for row in tuesday[:2]] == ["·", "·"]  # Ortega open from 08:00
