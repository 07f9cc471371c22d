"""Starting a prior-authorization request: the codes checked for their form (named when
wrong, nothing written), the patient's primary coverage in force linked, the request on
the worklist as needed or submitted; once approved, the booked visits it covers are
linked to it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.insurance.auth_requests import AuthorizationRequest, start_authorization
from schedtui.core.insurance.records import AuthorizationChange, update_authorization
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
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
