"""Money at the desk (issue 17): payments in integer cents, voids and refunds as rows of
their own, each user's close of the day, receipts numbered per site without gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from schedtui.core.payments.closing import close_day, expected
from schedtui.core.payments.ledger import ledger_of, payments_on, receipt
from schedtui.core.payments.reversing import reverse_payment
from schedtui.core.payments.taking import PaymentRequest, amount_cents, take_payment
from schedtui.core.security.access import Actor, PermissionDenied
from schedtui.core.support.card_numbers import has_card_number, luhn_valid
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.store import Store
from tests.engine_clinic import EngineClinic, build_engine_clinic

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
TEST_CARD = "4111 1111 1111 1111"  # the card networks' published test number


@dataclass
class Desk:
    store: Store
    clinic: EngineClinic
    ava: Actor  # a front-desk scheduler
    ben: Actor  # another one
    sue: Actor  # a supervisor
    mrn: str
    patient_id: int


def _desk(store: Store, balance: int = 10_000) -> Desk:
    clinic = build_engine_clinic(store)
    actors = []
    with store.write() as session:
        for name, role in (("ava", "scheduler"), ("ben", "scheduler"), ("sue", "supervisor")):
            user = m.User(username=name, role=role, created_at=NOW)
            session.add(user)
            session.flush()
            actors.append(Actor(user.id, name, role))
        patient = session.get(m.Patient, clinic.patients[0])
        assert patient is not None and patient.id is not None
        patient.balance_cents = balance
        session.add(patient)
        mrn, patient_id = patient.mrn, patient.id
    return Desk(store, clinic, *actors, mrn, patient_id)


@pytest.fixture
def desk(any_store: Store) -> Desk:
    return _desk(any_store)


def _take(desk: Desk, amount: str = "25.00", method: str = "cash", **extra: object) -> int:
    request = PaymentRequest(desk.mrn, amount, method, **extra)  # type: ignore[arg-type]
    return take_payment(desk.store, desk.ava, request, now=NOW).payment_id


def _payments(store: Store) -> int:
    with store.read() as session:
        return int(session.exec(select(func.count()).select_from(m.Payment)).one())


def _balance(desk: Desk) -> int:
    with desk.store.read() as session:
        patient = session.get(m.Patient, desk.patient_id)
        assert patient is not None
        return patient.balance_cents


def test_a_copay_in_cash_is_kept_in_cents_with_a_receipt_and_an_audit_row(desk: Desk) -> None:
    first = take_payment(desk.store, desk.ava, PaymentRequest(desk.mrn, "25", "cash"), now=NOW)
    second = _take(desk, "$1,250.50", "card", last4="1111", reference="ch_123")
    with desk.store.read() as session:
        rows = payments_on(session, NOW.date())
        text = receipt(session, first.payment_id, "Harbor Family Practice")
        trail = session.exec(
            select(m.AuditEvent.action).where(col(m.AuditEvent.entity) == "payment")
        ).all()
    assert [(r.amount_cents, r.method, r.receipt_number) for r in rows] == [
        (2500, "cash", 1),
        (125050, "card", 2),
    ]
    assert rows[1].card_last4 == "1111" and second == rows[1].id
    assert "Receipt S1-000001" in text and "Paid: $25.00 by cash" in text
    assert f"MRN {desk.mrn}" in text and trail == ["create", "create"]


@pytest.mark.parametrize(
    ("amount", "method", "extra", "named"),
    [
        ("0", "cash", {}, "must be more than zero"),
        ("-5", "cash", {}, "must be more than zero"),
        ("25.005", "cash", {}, "more than two decimals"),
        ("ten", "cash", {}, "not an amount like 25.00"),
        ("25", "bitcoin", {}, "method 'bitcoin' is not one of cash, check, card"),
        ("25", "card", {}, "needs the card's last four digits"),
        ("25", "card", {"last4": TEST_CARD}, "looks like a full card number"),
        ("25", "card", {"last4": "1111", "reference": TEST_CARD}, "looks like a full card"),
        ("25", "check", {}, "needs the check number"),
        ("25", "cash", {"kind": "tip"}, "kind 'tip' is not one of"),
        ("100.01", "cash", {"kind": "balance"}, "more than MRN"),
        ("25", "cash", {"appointment_id": 999}, "Appointment 999 is not one of"),
    ],
)
def test_bad_payments_say_what_is_wrong_and_write_nothing(
    sqlite_store: Store, amount: str, method: str, extra: dict[str, object], named: str
) -> None:
    desk = _desk(sqlite_store, balance=10_000)
    with pytest.raises(BadInput, match=named):
        _take(desk, amount, method, **extra)
    assert _payments(sqlite_store) == 0 and _balance(desk) == 10_000


def test_a_balance_payment_lowers_the_balance_and_its_refund_raises_it(desk: Desk) -> None:
    paid = _take(desk, "40.00", kind="balance")
    assert _balance(desk) == 6_000
    reverse_payment(desk.store, desk.sue, paid, "refund", "billing error", now=NOW, amount="15")
    assert _balance(desk) == 7_500
    with desk.store.read() as session:
        assert [row.reversed_cents for row in ledger_of(session, desk.patient_id)] == [1500]


def test_the_taker_voids_their_own_payment_the_same_day_and_nobody_else_s(desk: Desk) -> None:
    mine = _take(desk)
    with pytest.raises(PermissionDenied):
        reverse_payment(desk.store, desk.ben, mine, "void", "wrong patient", now=NOW)
    with pytest.raises(PermissionDenied):
        reverse_payment(desk.store, desk.ava, mine, "refund", "asked", now=NOW)
    with pytest.raises(PermissionDenied):  # the next day, only a supervisor
        reverse_payment(desk.store, desk.ava, mine, "void", "late", now=NOW + timedelta(days=1))
    done = reverse_payment(desk.store, desk.ava, mine, "void", "wrong patient", now=NOW)
    assert (done.amount_cents, done.left_cents) == (2500, 0)
    with desk.store.read() as session:
        denied = session.exec(
            select(func.count()).where(col(m.AuditEvent.action) == "permission-denied")
        ).one()
    assert denied == 3


@pytest.mark.parametrize(
    ("kind", "amount", "reason", "named"),
    [
        ("refund", "30", "asked", "more than what is left"),
        ("refund", "0", "asked", "more than zero"),
        ("refund", "5", "", "reason is required"),
        ("void", "5", "asked", "give an amount only to refund"),
    ],
)
def test_bad_reversals_say_what_is_wrong_and_write_nothing(
    sqlite_store: Store, kind: str, amount: str, reason: str, named: str
) -> None:
    desk = _desk(sqlite_store)
    paid = _take(desk)
    with pytest.raises(BadInput, match=named):
        reverse_payment(desk.store, desk.sue, paid, kind, reason, now=NOW, amount=amount)
    with sqlite_store.read() as session:
        assert session.exec(select(func.count()).select_from(m.PaymentReversal)).one() == 0


def test_a_close_counts_by_method_needs_a_reason_when_off_and_locks_the_day(desk: Desk) -> None:
    _take(desk, "20")
    _take(desk, "35.50", "check", reference="1042")
    voided = _take(desk, "10")
    _take(desk, "60", "card", last4="4242")
    reverse_payment(desk.store, desk.ava, voided, "void", "keyed twice", now=NOW)
    with pytest.raises(BadInput, match=r"\$1.00 short against the payments: say why"):
        close_day(desk.store, desk.ava, day=NOW.date(), site="S1", counted_cash="19",
                  counted_checks="35.50", now=NOW)  # fmt: skip
    done = close_day(desk.store, desk.ava, day=NOW.date(), site="S1", counted_cash="19",
                     counted_checks="35.50", reason="change given", now=NOW)  # fmt: skip
    assert (done.expected_cash_cents, done.expected_check_cents, done.expected_card_cents) == (
        2000, 3550, 6000,
    )  # fmt: skip
    assert done.difference_cents == -100
    for counted, named in (("-1", "zero or more"), ("1.001", "more than two decimals")):
        with pytest.raises(BadInput, match=f"The counted checks.*{named}"):
            close_day(desk.store, desk.sue, day=NOW.date(), site="S1", counted_cash="0.0",
                      counted_checks=counted, now=NOW)  # fmt: skip
    nothing = close_day(desk.store, desk.sue, day=NOW.date(), site="S1", counted_cash="0.0",
                        counted_checks="$0", now=NOW)  # fmt: skip
    assert (nothing.counted_cash_cents, nothing.difference_cents) == (0, 0)
    with pytest.raises(BadInput, match="is closed for ava"):
        _take(desk, "5")
    ben = PaymentRequest(desk.mrn, "5", "cash")
    take_payment(desk.store, desk.ben, ben, now=NOW)  # another user's drawer is open


def test_the_card_number_detector() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert has_card_number(f"card {TEST_CARD} exp 12/29")
    assert has_card_number("5500-0000-0000-0004")
    assert not has_card_number("phone 617 555 0101, member W123456789")
    assert not has_card_number("4111 1111 1111 1112")  # fails its check digit
    assert amount_cents("$1,250.05") == 125005


@st.composite
def _days_work(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    """A day at the desk: payments (cents, method) and reversals (which, cents)."""
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            steps.append(("pay", draw(st.integers(1, 50_000)), draw(st.integers(0, 2))))
        else:
            steps.append((draw(st.sampled_from(("void", "refund"))), draw(st.integers(0, 20)),
                          draw(st.integers(1, 50_000))))  # fmt: skip
    return steps


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_days_work())
def test_any_day_of_payments_voids_and_refunds_balances_to_the_cent(
    sqlite_store: Store, steps: list[tuple[str, int, int]]
) -> None:
    desk = _fresh(sqlite_store)
    methods = ("cash", "check", "card")
    paid: list[tuple[int, int, str]] = []  # payment id, cents, method
    back: dict[int, int] = {}
    for what, first, second in steps:
        if what == "pay":
            method = methods[second]
            extra = {"reference": "77"} if method == "check" else {}
            extra |= {"last4": "4242"} if method == "card" else {}
            dollars = f"{first // 100}.{first % 100:02d}"
            paid.append((_take(desk, dollars, method, **extra), first, method))
            continue
        if not paid:
            continue
        payment, cents, method = paid[first % len(paid)]
        left = cents - back.get(payment, 0)
        asked = None if what == "void" else f"{second // 100}.{second % 100:02d}"
        try:
            done = reverse_payment(desk.store, desk.sue, payment, what, "test", now=NOW,
                                   amount=asked)  # fmt: skip
        except BadInput:
            assert left == 0 or (what == "void" and left != cents) or (second > left)
            continue
        assert done.amount_cents <= left
        back[payment] = back.get(payment, 0) + done.amount_cents
    with desk.store.read() as session:
        taken = expected(session, 1, desk.ava.user_id, NOW.date())
        returned = expected(session, 1, desk.sue.user_id, NOW.date())
        rows = payments_on(session, NOW.date())
    for method in methods:
        in_by_method = sum(cents for _, cents, way in paid if way == method)
        out_by_method = sum(back.get(p, 0) for p, _, way in paid if way == method)
        assert taken[method] == in_by_method and returned[method] == -out_by_method
    assert all(0 <= row.reversed_cents <= row.amount_cents for row in rows)
    assert [row.receipt_number for row in rows] == list(range(1, len(paid) + 1))


_DESKS: dict[int, Desk] = {}


def _fresh(store: Store) -> Desk:
    """Hypothesis runs many examples on one fixture: the clinic and its users are made
    once, and each example starts with no money moved."""
    desk = _DESKS.get(id(store))
    if desk is None or desk.store is not store:
        desk = _DESKS[id(store)] = _desk(store, balance=0)
    with store.write() as session:
        for model in (m.PaymentReversal, m.DrawerClose, m.Payment, m.ReceiptCounter):
            for row in session.exec(select(model)):
                session.delete(row)
    return desk
