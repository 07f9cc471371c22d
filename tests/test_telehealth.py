"""Video visits: the link is made at booking (the provider's own room, else a private
link with an unguessable code), sent only to the patient with how to test a device, put
in the invite as its URL (no street address), and shown on the visit's card (hidden by
the privacy mask)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from rich.text import Text
from sqlmodel import select

from schedtui.core.messages.wording import VisitWords, text_of
from schedtui.core.schedule.booking import BookingRequest
from schedtui.core.views.appointment_card import appointment_card
from schedtui.data import models as m
from schedtui.widgets.appointment_card_view import card_text
from tests.builders import book_self_pay
from tests.test_messages import MONDAY, NOW, SUPERVISOR, Desk, _event, _invite, _text, desk, inbox  # noqa: F401 (fixtures)

LINK = "https://video.example.org/j/{token}"
TEST = "https://video.example.org/test"
VIDEO = "https://v.example/j/x"


@pytest.fixture
def video(desk: Desk) -> Desk:  # noqa: F811
    """The desk, with video visits set up and Okafor's morning open to them."""
    desk.settings = desk.settings.model_copy(
        update={"telehealth_url": LINK, "telehealth_device_test": TEST}
    )
    with desk.store.write() as session:
        for template in session.exec(select(m.ScheduleTemplate)).all():
            template.visit_mode = "both"
            session.add(template)
    return desk


def _book(at: Desk, patient: int, hour: int, mode: str = "telehealth") -> int:
    request = BookingRequest(at.clinic.patients[patient], at.clinic.okafor, "FU",
                             at.clinic.at(MONDAY, hour), visit_mode=mode)  # fmt: skip
    return book_self_pay(at.store, SUPERVISOR, request, now=NOW, settings=at.settings)


def _link(at: Desk, visit: int) -> str:
    with at.store.read() as session:
        found = session.get(m.Appointment, visit)
        assert found is not None
        return found.video_link


def test_each_video_visit_gets_its_own_unguessable_link(video: Desk) -> None:
    first, second = _link(video, _book(video, 0, 9)), _link(video, _book(video, 1, 11))
    pattern = r"https://video\.example\.org/j/[A-Za-z0-9_-]{22}"
    assert re.fullmatch(pattern, first) and re.fullmatch(pattern, second)
    assert first != second
    assert _link(video, _book(video, 2, 8, mode="in-person")) == ""


def test_a_provider_with_a_room_of_their_own_uses_it(video: Desk) -> None:
    room = "https://doxy.me/dr-okafor"
    video.settings = video.settings.model_copy(update={"telehealth_rooms": {"1234567893": room}})
    assert _link(video, _book(video, 0, 9)) == room


def test_the_patient_is_sent_the_link_and_how_to_test_first(video: Desk) -> None:
    visit = _book(video, 0, 9)
    video.run()
    [mail] = video.inbox.received
    said = _text(mail)
    assert _link(video, visit) in said and TEST in said
    assert "Where:" not in said  # no street address for a video visit
    event = _event(_invite(mail))
    assert str(event["url"]) == _link(video, visit)
    assert str(event["location"]) == "Video visit"


def test_the_card_shows_the_link_and_the_mask_hides_it(video: Desk) -> None:
    visit = _book(video, 0, 9)
    card = appointment_card(video.store, SUPERVISOR, visit, now=NOW, settings=video.settings)
    shown: Text = card_text(card, mask=False, region="US")
    hidden: Text = card_text(card, mask=True, region="US")
    assert _link(video, visit) in shown.plain
    assert _link(video, visit) not in hidden.plain


def test_a_text_carries_the_link_only_for_a_video_visit() -> None:
    start = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    words = VisitWords("Nia", "en", "Amara Okafor", "Harbor, 1 Main St", "+16175550100",
                       "Harbor", "telehealth", start, video_link=VIDEO)  # fmt: skip
    assert f"Join by video: {VIDEO}" in text_of("reminder", words).text
    assert "Join by video" not in text_of("cancellation", words).text
    in_person = replace(words, mode="in-person")
    assert "Join" not in text_of("reminder", in_person).text
