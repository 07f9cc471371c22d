"""Starting a prior-authorization request: the codes checked for their form (named when
wrong, nothing written), the patient's primary coverage in force linked, the request on
the worklist as needed or submitted; once approved, the booked visits it covers are
linked to it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Static

from schedtui.core.insurance.auth_requests import AuthorizationRequest, start_authorization
from schedtui.core.insurance.authorization_start import start_from_form
from schedtui.core.insurance.records import AuthorizationChange, update_authorization
from schedtui.core.support.errors import BadInput, FieldErrors
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.screens.authorization_new import NewAuthorizationForm
from schedtui.screens.authorizations import AuthorizationsScreen
from tests.app_helpers import call_app, settle, steady
from tests.builders import NOW, Staff, TinyClinic, add_staff, build_tiny_clinic
from tests.cli_helpers import first_mrn
from tests.cli_helpers import run_and_read as _cli
from tests.test_cli_messages import db  # noqa: F401 (the fixture)

TODAY = NOW.date()


@pytest.fixture
def clinic(any_store: Store) -> tuple[TinyClinic, Staff]:
    return build_tiny_clinic(any_store), add_staff(any_store)


def test_a_request_joins_the_worklist_and_its_approval_links_the_booked_visit(
    any_store: Store, clinic: tuple[TinyClinic, Staff]
) -> None:
    tiny, staff = clinic
    request = AuthorizationRequest(
        "MRN0004", "70553", "FU", ("m54.50", "G44.209"), units=2, valid_from=TODAY,
        valid_to=TODAY + timedelta(days=30), clinical_contact="Dr. Okafor, x2201",
        submitted=True,
    )  # fmt: skip
    made = start_authorization(any_store, staff.scheduler, request, now=NOW, today=TODAY)
    with any_store.read() as session:
        auth = session.get(m.PriorAuthorization, made)
        assert auth is not None
        assert (auth.status, auth.cpt_code, auth.icd10_codes, auth.requested_units) == (
            "submitted", "70553", "M54.50,G44.209", 2,
        )  # fmt: skip
    update_authorization(any_store, staff.scheduler, made, AuthorizationChange(
        status="approved", auth_number="A-77", approved_units=2), now=NOW)  # fmt: skip
    with any_store.read() as session:
        visit = session.exec(select(m.Appointment)  # Li's booked visit tomorrow (tiny clinic)
                             .where(col(m.Appointment.patient_id) == tiny.patients["li"])
                             .where(col(m.Appointment.status) == "booked")).one()  # fmt: skip
        [row] = session.exec(select(m.AuditEvent).where(col(m.AuditEvent.action) == "update")
                             .where(col(m.AuditEvent.entity) == "authorization")).all()  # fmt: skip
    assert visit.prior_authorization_id == made
    assert json.loads(row.detail_json)["visits_linked"] == [visit.id]


@pytest.mark.parametrize(
    ("change", "said"),
    [({"cpt_code": "7055"}, "--cpt '7055' is not a CPT code"),
     ({"icd10_codes": ("U07",)}, "--icd10 'U07' is not an ICD-10 code"),
     ({"icd10_codes": ("M5450",)}, "--icd10 'M5450' is not an ICD-10 code"),
     ({"units": 0}, "--units 0: from 1"),
     ({"type_code": "NOPE"}, "There is no visit type 'NOPE'"),
     ({"mrn": "MRN9999"}, "There is no patient with MRN 'MRN9999'"),
     ({"follow_up_on": date(2026, 1, 1)}, "--follow-up 2026-01-01 is already past")],
)  # fmt: skip
def test_a_malformed_request_is_named_and_nothing_is_written(
    any_store: Store, clinic: tuple[TinyClinic, Staff], change: dict[str, object], said: str
) -> None:
    _, staff = clinic
    asked: dict[str, object] = {"mrn": "MRN0001", "cpt_code": "99213"} | change
    with pytest.raises(BadInput, match=said):
        start_authorization(any_store, staff.scheduler, AuthorizationRequest(**asked),  # type: ignore[arg-type]
                            now=NOW, today=TODAY)  # fmt: skip
    with any_store.read() as session:
        assert session.exec(select(m.PriorAuthorization)).all() == []


def test_auth_add_from_the_shell(
    db: str,  # noqa: F811 (the fixture)
    capsys: pytest.CaptureFixture[str],
) -> None:
    mrn = first_mrn(db)
    code, out, err = _cli(capsys, "auth", "add", "--patient", mrn, "--cpt", "97110", "--type",
                          "FU", "--icd10", "M25.561", "--units", "6", "--json",
                          "--db", db)  # fmt: skip
    assert code == 0, err
    made = json.loads(out)["id"]
    listed = json.loads(_cli(capsys, "auth", "list", "--json", "--db", db)[1])
    assert [(row["id"], row["status"]) for row in listed] == [(made, "needed")]
    code, _, err = _cli(capsys, "auth", "add", "--patient", mrn, "--cpt", "ABC", "--db", db)
    assert code == 2 and "--cpt 'ABC' is not a CPT code" in err


def test_the_start_form_names_every_wrong_field() -> None:
    typed = {"mrn": "", "cpt": "7055", "icd10": "M54.50, 123", "units": "0", "first": "mar 10",
             "last": "mar 1", "follow_up": "jan 2 2020", "submitted": "maybe"}  # fmt: skip
    with pytest.raises(FieldErrors) as wrong:
        start_from_form(typed, TODAY)
    assert set(wrong.value.errors) == {
        "mrn", "cpt", "icd10", "units", "last", "follow_up", "submitted"
    }  # fmt: skip
    assert "not an ICD-10 code: 123" in wrong.value.errors["icd10"]
    request = start_from_form({"mrn": "MRN0004", "cpt": "70553", "icd10": "m54.50,g44.209",
                               "units": "2", "first": "mar 10 2026", "submitted": "y"},
                              date(2026, 3, 9))  # fmt: skip
    assert (request.cpt_code, request.icd10_codes, request.units) == (
        "70553", ("M54.50", "G44.209"), 2,
    )  # fmt: skip
    assert (request.valid_from, request.submitted) == (date(2026, 3, 10), True)


async def test_starting_a_request_from_the_worklist_for_the_open_caller(
    sqlite_store: Store,
) -> None:
    build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)
    app = call_app(sqlite_store, staff.scheduler, caller="MRN0004")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the caller
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewAuthorizationForm)
        mrn = app.screen.query_one("#auth-new-mrn", Input).value
        await pilot.press(*"7055", "tab", "tab", *"M54.50, 12", "ctrl+s")
        await settle(pilot)
        named = {name: str(app.screen.query_one(f"#auth-new-err-{name}", Static).render())
                 for name in ("cpt", "icd10")}  # fmt: skip
        assert isinstance(app.screen, NewAuthorizationForm)
        await pilot.press("ctrl+u", *"70553")  # the first wrong field has the focus
        await pilot.press("tab", "tab", "ctrl+u", *"M54.50", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizationsScreen)
        said = [n.message for n in app._notifications]
        table = app.screen.query_one("#auth-rows", DataTable)
        listed = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
    assert mrn == "MRN0004"
    assert "5 digits" in named["cpt"] and "not an ICD-10 code: 12" in named["icd10"]
    with sqlite_store.read() as session:
        [auth] = session.exec(select(m.PriorAuthorization)).all()
    assert (auth.cpt_code, auth.icd10_codes, auth.status) == ("70553", "M54.50", "needed")
    assert f"Authorization {auth.id} started." in said
    assert "MRN0004" in listed


def test_new_authorization_form_snapshot(sqlite_store: Store, snap_compare: Any) -> None:
    build_tiny_clinic(sqlite_store)
    staff = add_staff(sqlite_store)

    async def open_it(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("n")
        await steady(pilot)

    app = call_app(sqlite_store, staff.scheduler, caller="MRN0004")
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)
