"""Recall campaigns: a supervisor defines who is due (the last visit of a type longer ago
than N months, an age range...), generating lists them but leaves out the booked, the
deceased and those who said no to every way of contact (and adds nobody twice);
schedulers work the list contact by contact; booking the visit links the entry; the
list exports as formula-safe CSV, an audited disclosure."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.schedule.recalls import (
    CampaignRequest,
    Criteria,
    add_campaign,
    generate,
    recall_worklist,
    record_recall_contact,
)
from schedtui.core.security.access import PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.core.views.work_queue import work_queue
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.builders import Staff, add_staff, book_self_pay
from tests.cli_helpers import run_and_read as _cli
from tests.engine_clinic import EngineClinic, build_engine_clinic
from tests.test_cli_messages import NOW as CLI_NOW
from tests.test_cli_messages import db  # noqa: F401 (the fixture)

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)  # Friday
TODAY = NOW.date()
DUE = CampaignRequest("Follow-ups overdue", "FU", date(2026, 3, 1), date(2026, 6, 30),
                      Criteria(last_visit_type="FU", months=6))  # fmt: skip


def _seen(store: Store, engine: EngineClinic, patient: int, months_ago: int) -> None:
    start = NOW - timedelta(days=30 * months_ago)
    with store.write() as session:
        session.add(m.Appointment(
            patient_id=engine.patients[patient], provider_id=engine.okafor, site_id=engine.site,
            appointment_type_id=engine.follow_up, start=start, end=start + timedelta(minutes=20),
            status="fulfilled", booked_at=start, updated_at=start,
        ))  # fmt: skip


@pytest.fixture
def clinic(any_store: Store) -> tuple[EngineClinic, Staff]:
    engine = build_engine_clinic(any_store)
    staff = add_staff(any_store)
    for patient, months in ((1, 8), (2, 2), (3, 10), (4, 10), (5, 10)):
        _seen(any_store, engine, patient, months)
    with any_store.write() as session:
        session.add(m.ContactConsent(patient_id=engine.patients[4], channel="voice",
                                     granted=False, recorded_at=NOW))  # fmt: skip
        dead = session.get(m.Patient, engine.patients[5])
        assert dead is not None
        dead.deceased = True
    tuesday = engine.at(date(2026, 3, 10), 9)
    book_self_pay(any_store, staff.supervisor, BookingRequest(engine.patients[3], engine.okafor,
                  "FU", tuesday), now=NOW)  # fmt: skip
    return engine, staff


def _mrn(engine: EngineClinic, patient: int) -> str:
    return f"E{patient:04d}"


def test_generating_lists_those_due_and_leaves_out_booked_dead_and_silent_once(
    any_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    campaign = add_campaign(any_store, staff.supervisor, DUE, now=NOW)
    done = generate(any_store, staff.supervisor, campaign, now=NOW, today=TODAY)
    assert (done.added, done.left_out_booked, done.left_out_no_contact) == (1, 1, 1)
    rows = recall_worklist(any_store, staff.scheduler, campaign, now=NOW, today=TODAY)
    assert [(row.patient_mrn, row.status) for row in rows] == [(_mrn(engine, 1), "due")]
    again = generate(any_store, staff.supervisor, campaign, now=NOW, today=TODAY)
    assert (again.added, again.already_listed) == (0, 1)
    aged = add_campaign(any_store, staff.supervisor, CampaignRequest(
        "Older", "FU", TODAY, TODAY, Criteria(age_min=50)), now=NOW)  # fmt: skip
    assert generate(any_store, staff.supervisor, aged, now=NOW, today=TODAY).added == 0


def test_working_the_list_contact_by_contact_and_booking_links_the_entry(
    any_store: Store, clinic: tuple[EngineClinic, Staff]
) -> None:
    engine, staff = clinic
    campaign = add_campaign(any_store, staff.supervisor, DUE, now=NOW)
    generate(any_store, staff.supervisor, campaign, now=NOW, today=TODAY)
    mrn = _mrn(engine, 1)
    said = record_recall_contact(any_store, staff.scheduler, campaign, mrn, "no-answer",
                                 now=NOW, today=TODAY)  # fmt: skip
    assert said == "contacted"
    zone = engine.zone
    assert [(i.kind, i.item_id, i.patient_mrn) for i in work_queue(
        any_store, staff.scheduler, now=NOW, zone=zone) if i.kind == "recall"] == []  # fmt: skip
    in_two_days = NOW + timedelta(days=2)
    assert [(i.kind, i.item_id, i.patient_mrn) for i in work_queue(
        any_store, staff.scheduler, now=in_two_days, zone=zone) if i.kind == "recall"] == [
        ("recall", campaign, mrn)
    ]  # fmt: skip
    to_work = recall_worklist(any_store, staff.scheduler, campaign, now=NOW, today=TODAY,
                              to_work=True)  # fmt: skip
    assert to_work == []  # tried today: again in two days
    later = recall_worklist(any_store, staff.scheduler, campaign, now=NOW,
                            today=TODAY + timedelta(days=2), to_work=True)  # fmt: skip
    assert [(r.attempts, r.last_outcome, r.retry_on) for r in later] == [
        (1, "no-answer", TODAY + timedelta(days=2))
    ]
    thursday = engine.at(date(2026, 3, 12), 9)
    visit = book_self_pay(any_store, staff.scheduler, BookingRequest(
        engine.patients[1], engine.okafor, "FU", thursday), now=NOW)  # fmt: skip
    [row] = recall_worklist(any_store, staff.scheduler, campaign, now=NOW, today=TODAY)
    assert (row.status, row.appointment_id) == ("booked", visit)
    with pytest.raises(BadInput, match="is booked on campaign"):
        record_recall_contact(any_store, staff.scheduler, campaign, mrn, "declined", now=NOW,
                              today=TODAY)  # fmt: skip


@pytest.mark.parametrize(
    ("request_", "said"),
    [
        (CampaignRequest("X", "FU", TODAY, TODAY - timedelta(days=1)), "is before --from"),
        (CampaignRequest("X", "FU", TODAY, TODAY, Criteria(months=6)), "go together"),
        (CampaignRequest("X", "NOPE", TODAY, TODAY), "There is no visit type 'NOPE'"),
        (CampaignRequest("", "FU", TODAY, TODAY), "name is required"),
        (CampaignRequest("X", "FU", TODAY, TODAY, Criteria(age_min=60, age_max=50)), "below"),
    ],
)
def test_a_campaign_that_cannot_be_is_refused_and_none_is_written(
    any_store: Store, clinic: tuple[EngineClinic, Staff], request_: CampaignRequest, said: str
) -> None:
    _, staff = clinic
    with pytest.raises(BadInput, match=said):
        add_campaign(any_store, staff.supervisor, request_, now=NOW)
    with pytest.raises(PermissionDenied, match="define and generate recall campaigns"):
        add_campaign(any_store, staff.scheduler, DUE, now=NOW)
    with any_store.read() as session:
        assert session.exec(select(m.RecallCampaign)).all() == []


def test_recalls_from_the_shell_and_a_formula_safe_export(
    db: str,  # noqa: F811 (the fixture)
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from schedtui.core.upkeep.stores import open_store

    store = open_store(db, now=CLI_NOW).store
    with store.write() as session:
        patient = session.exec(select(m.Patient).order_by(col(m.Patient.id))).first()
        assert patient is not None
        patient.last_name = "=HYPERLINK(1)"
        mrn = patient.mrn
    store.dispose()
    mrns = tmp_path / "mrns.txt"
    mrns.write_text(f"{mrn}\nNOBODY1\n", encoding="utf-8")
    code, out, err = _cli(capsys, "recalls", "add", "Spring", "--type", "FU", "--from",
                          "2026-03-01", "--to", "2026-04-30", "--json", "--db", db)  # fmt: skip
    assert code == 0, err
    campaign = str(json.loads(out)["id"])
    code, out, err = _cli(capsys, "recalls", "generate", campaign, "--mrns", str(mrns), "--db", db)
    assert code == 0 and "Added 1" in out and "NOBODY1" in err
    code, out, _ = _cli(capsys, "recalls", "contact", campaign, mrn, "--outcome", "declined",
                        "--db", db)  # fmt: skip
    assert code == 0 and "now declined" in out
    listed = json.loads(_cli(capsys, "recalls", "list", "--json", "--db", db)[1])
    assert listed[0]["counts"] == {"declined": 1}
    out_file = tmp_path / "spring.csv"
    code, _, err = _cli(capsys, "recalls", "export", campaign, str(out_file), "--db", db)
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text and stat.S_IMODE(out_file.stat().st_mode) == 0o600
    code, _, err = _cli(capsys, "recalls", "export", campaign, str(out_file), "--db", db)
    assert code == 2 and "already exists; add --force" in err
