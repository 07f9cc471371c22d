"""The insurance checklist, line by line, and the round trip that turns ? into ✓."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from schedtui.core.insurance.checklist import (
    OK,
    PROBLEM,
    UNKNOWN,
    Proposal,
    booking_warnings,
    checklist,
    estimate,
)
from schedtui.core.insurance.eligibility import ingest_file, request_eligibility
from schedtui.core.insurance.records import (
    AuthorizationChange,
    CoverageInput,
    add_coverage,
    add_rule,
    authorizations,
    cents,
    set_fee,
    update_authorization,
)
from schedtui.core.schedule.booking import BookingRequest, book
from schedtui.core.security.access import Actor, PermissionDenied
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings, load_settings
from tests.builders import NOW, TinyClinic, build_tiny_clinic, local
from tests.x12_samples import answer_body, interchange

ACTOR = Actor(None, "ava", "scheduler")
DAY = date(2026, 3, 20)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(eligibility_dir=str(tmp_path / "x12"), eligibility_fresh_days=30)


@pytest.fixture
def clinic(sqlite_store: Store) -> TinyClinic:
    clinic = build_tiny_clinic(sqlite_store)
    with sqlite_store.write() as session:
        payer = m.Payer(name="Bluebird Health Plan", x12_payer_id="BBHP01")
        session.add(payer)
        session.flush()
        session.add(m.ProviderPayer(provider_id=clinic.okafor, payer_id=payer.id or 0))
        session.add(
            m.ProviderPayer(provider_id=clinic.reyes, payer_id=payer.id or 0, in_network=False)
        )
        kind = session.get(m.AppointmentType, clinic.follow_up)
        assert kind is not None
        kind.needs_prior_auth = True
        kind.needs_referral = True
    add_coverage(
        sqlite_store,
        ACTOR,
        CoverageInput(clinic.patients["ann"], "BBHP01", "B123", date(2025, 1, 1), copay="25.00"),
        now=NOW,
    )
    return clinic


def _lines(
    store: Store,
    clinic: TinyClinic,
    settings: Settings,
    provider: int | None = None,
    now: datetime = NOW,
) -> dict[str, tuple[str, str]]:
    with store.read() as session:
        found = checklist(
            session,
            Proposal(clinic.patients["ann"], "FU", provider or clinic.okafor, DAY),
            now=now,
            settings=settings,
        )
    return {line.topic: (line.mark, line.reason) for line in found}


def test_checklist_before_anything_is_known(
    sqlite_store: Store, clinic: TinyClinic, settings: Settings
) -> None:
    lines = _lines(sqlite_store, clinic, settings)
    assert lines["Coverage"][0] == OK
    assert lines["Eligibility"] == (UNKNOWN, "never verified: send an inquiry")
    assert lines["Network"] == (OK, "in network with Bluebird Health Plan")
    assert lines["Copay"] == (OK, "$25.00 (from the card on file)")
    assert lines["Referral"][0] == PROBLEM and lines["Authorization"][0] == PROBLEM
    assert _lines(sqlite_store, clinic, settings, clinic.reyes)["Network"][0] == PROBLEM


def test_no_coverage_is_one_clear_line(sqlite_store: Store, settings: Settings) -> None:
    clinic = build_tiny_clinic(sqlite_store)
    with sqlite_store.read() as session:
        lines = checklist(
            session, Proposal(clinic.patients["li"], "FU", None, DAY), now=NOW, settings=settings
        )
    assert [(line.mark, line.topic) for line in lines] == [(PROBLEM, "Coverage")]
    assert "self-pay" in lines[0].reason


def test_round_trip_turns_eligibility_green_and_uses_the_payers_copay(
    sqlite_store: Store, clinic: TinyClinic, settings: Settings
) -> None:
    done = request_eligibility(
        sqlite_store,
        ACTOR,
        clinic.patients["ann"],
        day=DAY,
        service_type="30",
        now=NOW,
        settings=settings,
    )
    answer = settings.eligibility_folder() / "inbox" / "a.271"
    answer.write_text(
        interchange(
            answer_body(done.trace, benefits=("EB*1**30**SILVER PLAN", "EB*B**98***27*40.00*****Y"))
        )
    )
    ingest_file(sqlite_store, ACTOR, answer, now=NOW, settings=settings)
    lines = _lines(sqlite_store, clinic, settings)
    assert lines["Eligibility"][0] == OK and done.trace in lines["Eligibility"][1]
    assert lines["Active"] == (OK, "active coverage, SILVER PLAN")
    assert lines["Copay"] == (OK, "$40.00 (from the payer)")
    stale = _lines(sqlite_store, clinic, settings, now=NOW + timedelta(days=31))
    assert stale["Eligibility"][0] == UNKNOWN and "check again" in stale["Eligibility"][1]


def test_referral_and_authorization_on_file(
    sqlite_store: Store, clinic: TinyClinic, settings: Settings
) -> None:
    with sqlite_store.write() as session:
        session.add(
            m.Referral(
                patient_id=clinic.patients["ann"],
                referral_number="RF1",
                referring_provider_name="Dr. Park",
                received_on=date(2026, 3, 1),
                to_provider_id=clinic.okafor,
            )
        )
        auth = m.PriorAuthorization(
            patient_id=clinic.patients["ann"],
            appointment_type_id=clinic.follow_up,
            status="pending",
            follow_up_on=date(2026, 3, 1),
            updated_at=NOW,
        )
        session.add(auth)
    lines = _lines(sqlite_store, clinic, settings)
    assert lines["Referral"] == (OK, "on file (RF1) from Dr. Park")
    assert lines["Authorization"] == (PROBLEM, "required; the request is pending")
    with sqlite_store.read() as session:
        [row] = authorizations(session, today=date(2026, 3, 9))
    assert row.overdue is True
    with pytest.raises(BadInput, match="needs its number"):
        update_authorization(
            sqlite_store, ACTOR, row.id, AuthorizationChange(status="approved"), now=NOW
        )
    update_authorization(
        sqlite_store,
        ACTOR,
        row.id,
        AuthorizationChange(
            status="approved",
            auth_number="A77",
            approved_units=1,
            valid_from=date(2026, 3, 1),
            valid_to=date(2026, 4, 30),
            note="Approved by phone",
        ),
        now=NOW,
    )
    lines = _lines(sqlite_store, clinic, settings)
    assert lines["Authorization"] == (OK, "approved A77 until 2026-04-30")
    update_authorization(sqlite_store, ACTOR, row.id, AuthorizationChange(used_units=1), now=NOW)
    assert _lines(sqlite_store, clinic, settings)["Authorization"] == (
        PROBLEM,
        "approved A77 but no units left",
    )


def test_estimate_is_always_labelled(
    sqlite_store: Store, clinic: TinyClinic, settings: Settings
) -> None:
    with sqlite_store.read() as session:
        lines = checklist(
            session,
            Proposal(clinic.patients["ann"], "FU", clinic.okafor, DAY),
            now=NOW,
            settings=settings,
        )
    assert estimate(lines) == (
        "Estimate: $25.00 copay at the visit; the payer decides the final amount."
    )


def _fee_estimate(
    store: Store, clinic: TinyClinic, settings: Settings, left: int | None, percent: int | None
) -> tuple[dict[str, tuple[str, str]], str]:
    """Li has coverage with no copay; the payer allows $150.00 for the visit's 99213."""
    supervisor = Actor(None, "sue", "supervisor")
    set_fee(store, supervisor, x12_payer_id="BBHP01", cpt_code="99213", allowed="150", now=NOW)
    add_coverage(
        store,
        ACTOR,
        CoverageInput(clinic.patients["li"], "BBHP01", "L9", date(2025, 1, 1)),
        now=NOW,
    )
    with store.write() as session:
        kind = session.get(m.AppointmentType, clinic.follow_up)
        assert kind is not None
        kind.cpt_codes = "99213,99214"
        coverage = session.exec(select(m.Coverage).where(m.Coverage.member_id == "L9")).one()
        coverage.deductible_remaining_cents, coverage.coinsurance_percent = left, percent
    with store.read() as session:
        lines = checklist(
            session,
            Proposal(clinic.patients["li"], "FU", clinic.okafor, DAY),
            now=NOW,
            settings=settings,
        )
    return {line.topic: (line.mark, line.reason) for line in lines}, estimate(lines)


@pytest.mark.parametrize(
    ("left", "percent", "expected"),
    [
        (5000, 20, "$70.00 (allowed $150.00: $50.00 toward the deductible, then 20% of $100.00)"),
        (0, 15, "$22.50 (allowed $150.00: $0.00 toward the deductible, then 15% of $150.00)"),
        (20000, 20, "$150.00 (allowed $150.00: $150.00 toward the deductible, then 20% of $0.00)"),
        (None, 33, "$49.50 (allowed $150.00: $0.00 toward the deductible, then 33% of $150.00)"),
        (None, None, "up to $150.00 (the allowed fee)"),
    ],
)
def test_estimate_from_the_fee_schedule_deductible_and_coinsurance(
    sqlite_store: Store,
    clinic: TinyClinic,
    settings: Settings,
    left: int | None,
    percent: int | None,
    expected: str,
) -> None:
    lines, said = _fee_estimate(sqlite_store, clinic, settings, left, percent)
    assert lines["Fee"] == (OK, "allowed $150.00 for CPT 99213")
    assert said == f"Estimate: {expected}; the payer decides the final amount."


def test_fees_are_set_by_supervisors_and_checked(sqlite_store: Store, clinic: TinyClinic) -> None:
    supervisor = Actor(None, "sue", "supervisor")
    for cpt, allowed, message in (
        ("9921", "150", "not five letters or digits"),
        ("99213", "-5", "must be zero or more"),
        ("99213", "", "is empty"),
    ):
        with pytest.raises(BadInput, match=message):
            set_fee(
                sqlite_store, supervisor, x12_payer_id="BBHP01", cpt_code=cpt, allowed=allowed,
                now=NOW,
            )  # fmt: skip
    with pytest.raises(BadInput, match="There is no payer"):
        set_fee(
            sqlite_store, supervisor, x12_payer_id="NOPE", cpt_code="99213", allowed="1", now=NOW
        )
    with pytest.raises(PermissionDenied):
        set_fee(sqlite_store, ACTOR, x12_payer_id="BBHP01", cpt_code="99213", allowed="1", now=NOW)
    with sqlite_store.read() as session:
        assert session.exec(select(m.FeeSchedule)).all() == []


@pytest.mark.parametrize(
    ("text", "expected"), [("25", 2500), ("25.50", 2550), ("$1,250.05", 125005), ("", None)]
)
def test_amounts_become_cents(text: str, expected: int | None) -> None:
    assert cents(text, "Copay") == expected


@pytest.mark.parametrize("text", ["ten", "-5", "1.005"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(BadInput, match="Copay"):
        cents(text, "Copay")


def test_coverage_entry_is_checked(sqlite_store: Store, clinic: TinyClinic) -> None:
    bad = [
        (CoverageInput(clinic.patients["li"], "NOPE", "M1", DAY), "no payer with X12 id 'NOPE'"),
        (CoverageInput(clinic.patients["li"], "BBHP01", " ", DAY), "member id is empty"),
        (
            CoverageInput(clinic.patients["li"], "BBHP01", "M1", DAY, DAY - timedelta(days=1)),
            "ends before it starts",
        ),
        (
            CoverageInput(clinic.patients["li"], "BBHP01", "M1", DAY, relationship="cousin"),
            "Relationship 'cousin'",
        ),
    ]
    for entry, message in bad:
        with pytest.raises(BadInput, match=message):
            add_coverage(sqlite_store, ACTOR, entry, now=NOW)
    with sqlite_store.read() as session:
        assert len(session.exec(select(m.Coverage)).all()) == 1  # only Ann's, from the fixture


def test_booking_links_the_covering_authorization_and_warns_without_one(
    sqlite_store: Store, clinic: TinyClinic, settings: Settings
) -> None:
    with sqlite_store.write() as session:
        session.add(
            m.ScheduleTemplate(
                provider_id=clinic.okafor,
                site_id=clinic.boston,
                rrule="FREQ=WEEKLY;BYDAY=FR",
                start_time=time(8),
                end_time=time(12),
                effective_from=date(2026, 1, 2),
            )
        )
        auth = m.PriorAuthorization(
            patient_id=clinic.patients["ann"],
            appointment_type_id=clinic.follow_up,
            status="approved",
            auth_number="A5",
            approved_units=1,
            valid_from=date(2026, 3, 1),
            valid_to=date(2026, 3, 31),
            updated_at=NOW,
        )
        session.add(auth)
    proposal = Proposal(clinic.patients["ann"], "FU", clinic.okafor, DAY)
    with sqlite_store.read() as session:
        assert not [
            w
            for w in booking_warnings(session, proposal, now=NOW, settings=settings)
            if w.startswith("Authorization")
        ]
    appointment_id = book(
        sqlite_store,
        ACTOR,
        BookingRequest(
            clinic.patients["ann"],
            clinic.okafor,
            "FU",
            local(DAY, 9, 0, "America/New_York"),
            override_reason="the referral comes by fax today",
        ),
        now=NOW,
        settings=load_settings(),
    )
    with sqlite_store.read() as session:
        booked = session.get(m.Appointment, appointment_id)
        assert booked is not None and booked.prior_authorization_id == auth.id
    update_authorization(
        sqlite_store, ACTOR, auth.id or 0, AuthorizationChange(used_units=1), now=NOW
    )
    with sqlite_store.read() as session:
        warnings = booking_warnings(session, proposal, now=NOW, settings=settings)
    assert "Authorization: approved A5 but no units left" in warnings


def test_the_payers_visit_limit_counts_this_years_visits(
    sqlite_store: Store, clinic: TinyClinic, settings: Settings
) -> None:
    with sqlite_store.read() as session:
        counted = [
            a
            for a in session.exec(select(m.Appointment)).all()
            if a.patient_id == clinic.patients["ann"]
            and a.appointment_type_id == clinic.follow_up
            and a.status in ("booked", "arrived", "checked-in", "fulfilled")
        ]
    supervisor = Actor(None, "sue", "supervisor")
    add_rule(
        sqlite_store, supervisor, x12_payer_id="BBHP01", type_code="FU", prior_auth=False,
        referral=False, visit_limit=len(counted) + 1, now=NOW,
    )  # fmt: skip
    first = _lines(sqlite_store, clinic, settings)["Visit limit"]
    add_rule(
        sqlite_store, supervisor, x12_payer_id="BBHP01", type_code="FU", prior_auth=False,
        referral=False, visit_limit=len(counted), now=NOW,
    )  # fmt: skip
    second = _lines(sqlite_store, clinic, settings)["Visit limit"]
    assert counted, "the tiny clinic gives Ann a follow-up this year"
    used = f"{len(counted)} of"
    assert first[0] == OK and first[1].startswith(f"{used} {len(counted) + 1} covered")
    assert second[0] == PROBLEM and "this one may not be covered" in second[1]
