"""Freed times offered to the waitlist by text (Fast Pass): a cancellation, whoever made
it, texts the best-fitting waitlist patients who agree to texts; the first YES books the
time (and cancels the later visit it replaces), a later YES hears it was taken, a YES
after the offer ended hears that; two YES at once book it once; supervisors turn offers
on, and off per site or visit type."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from schedtui.core.schedule.appointment_changes import cancel
from schedtui.core.schedule.waitlist import WaitlistRequest, add_to_waitlist
from schedtui.data import models as m
from tests.test_messages import MONDAY, NOW, SUPERVISOR, Desk
from tests.test_replies import Phone, phone  # noqa: F401 (a fixture)
from tests.test_texting import FakeTwilio, texting, twilio  # noqa: F401 (fixtures)

THURSDAY = date(2026, 3, 12)
NUMBERS = {1: "+16175550201", 2: "+16175550202"}


@pytest.fixture
def offers(
    texting: tuple[Desk, FakeTwilio],  # noqa: F811
    phone: tuple[Desk, Phone],  # noqa: F811
) -> Iterator[tuple[Desk, Phone, dict[int, int]]]:
    """Patient 0 booked Monday 9:00; patients 1 and 2 booked Thursday and waiting for
    anything earlier, each with a mobile and consent to texts; offers on."""
    desk, patient_phone = phone
    desk.settings = desk.settings.model_copy(update={"waitlist_offers": True})
    later: dict[int, int] = {}
    with desk.store.write() as session:
        for n, number in NUMBERS.items():
            patient_id = desk.clinic.patients[n]
            session.add(m.PatientPhone(patient_id=patient_id, number=number, kind="mobile",
                                       is_primary=True))  # fmt: skip
            session.add(m.ContactConsent(patient_id=patient_id, channel="sms", granted=True,
                                         recorded_at=NOW))  # fmt: skip
    for n in NUMBERS:
        later[n] = desk.book(n, 7 + 2 * n, THURSDAY)  # 9:00 and 11:00
        wish = WaitlistRequest(desk.clinic.patients[n], "FU", MONDAY, priority=n,
                               current_appointment_id=later[n])  # fmt: skip
        add_to_waitlist(desk.store, SUPERVISOR, wish, now=NOW)
    later[0] = desk.book(0, 9)
    desk.run()
    yield desk, patient_phone, later


def _freed(desk: Desk, visit: int) -> None:
    cancel(desk.store, SUPERVISOR, visit, "pat", now=desk.now, settings=desk.settings)
    desk.run()


def _offers(desk: Desk) -> list[m.WaitlistOffer]:
    with desk.store.read() as session:
        return list(session.exec(select(m.WaitlistOffer).order_by(col(m.WaitlistOffer.id))))


def _visits_at(desk: Desk, hour: int, day: date = MONDAY) -> list[m.Appointment]:
    with desk.store.read() as session:
        return list(
            session.exec(
                select(m.Appointment)
                .where(col(m.Appointment.start) == desk.clinic.at(day, hour))
                .where(col(m.Appointment.status) == "booked")
            )
        )


def test_a_cancellation_texts_the_waitlist_an_offer(
    offers: tuple[Desk, Phone, dict[int, int]],
) -> None:
    desk, _, later = offers
    _freed(desk, later[0])
    made = _offers(desk)
    assert {o.to_address for o in made} == set(NUMBERS.values())
    assert all(o.status == "open" and o.expires_at == NOW + timedelta(hours=2) for o in made)
    texts = desk.messages(kind="waitlist-offer")
    assert {t.to_address for t in texts} == set(NUMBERS.values())
    assert all(t.status == "sent" for t in texts)
    body = texts[0].body
    assert "Monday, March 9 at 9:00 AM EDT" in body and "Reply YES" in body
    assert "Okafor" not in body and "FU" not in body  # the least a text may say


def test_the_first_yes_books_it_and_a_later_yes_hears_it_was_taken(
    offers: tuple[Desk, Phone, dict[int, int]],
) -> None:
    desk, patient, later = offers
    _freed(desk, later[0])
    status, twiml = patient.text("Yes", sender=NUMBERS[1])
    assert status == 200 and "it is yours" in twiml and "9:00 AM" in twiml
    [booked] = _visits_at(desk, 9)
    assert booked.patient_id == desk.clinic.patients[1]
    with desk.store.read() as session:
        replaced = session.get(m.Appointment, later[1])
        assert replaced is not None
        assert (replaced.status, replaced.cancellation_reason) == ("cancelled", "pat-swl")
    status, twiml = patient.text("YES", sender=NUMBERS[2])
    assert "was just taken" in twiml
    assert {o.status for o in _offers(desk)} == {"taken", "lost"}
    assert len(_visits_at(desk, 9)) == 1


def test_two_yes_at_once_book_the_time_once(
    offers: tuple[Desk, Phone, dict[int, int]],
) -> None:
    desk, patient, later = offers
    _freed(desk, later[0])
    answers: dict[int, str] = {}
    start = threading.Barrier(2)

    def reply(n: int) -> None:
        start.wait()
        answers[n] = patient.text("YES", sender=NUMBERS[n])[1]

    threads = [threading.Thread(target=reply, args=(n,)) for n in NUMBERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(_visits_at(desk, 9)) == 1
    assert sorted("it is yours" in said for said in answers.values()) == [False, True]


def test_a_yes_after_the_offer_ended_hears_so(
    offers: tuple[Desk, Phone, dict[int, int]],
) -> None:
    desk, patient, later = offers
    _freed(desk, later[0])
    desk.now += timedelta(hours=2, minutes=1)
    desk.run()  # the runner ends the lapsed offers
    assert {o.status for o in _offers(desk)} == {"expired"}
    twiml = patient.text("YES", sender=NUMBERS[2])[1]
    assert "offer has ended" in twiml
    assert not _visits_at(desk, 9)
    assert len(_visits_at(desk, 11, THURSDAY)) == 1  # their own visit stands


def test_offers_are_off_where_a_supervisor_turned_them_off(
    offers: tuple[Desk, Phone, dict[int, int]],
) -> None:
    desk, _, later = offers
    desk.settings = desk.settings.model_copy(update={"waitlist_offers_off": ["fu"]})
    _freed(desk, later[0])
    assert not _offers(desk)


def test_no_offers_unless_turned_on(offers: tuple[Desk, Phone, dict[int, int]]) -> None:
    desk, _, later = offers
    desk.settings = desk.settings.model_copy(update={"waitlist_offers": False})
    _freed(desk, later[0])
    assert not _offers(desk) and not desk.messages(kind="waitlist-offer")


def test_yes_with_no_offer_waiting_turns_texts_back_on(
    offers: tuple[Desk, Phone, dict[int, int]],
) -> None:
    _, patient, _ = offers
    twiml = patient.text("YES", sender=NUMBERS[1])[1]
    assert "appointment texts again" in twiml
