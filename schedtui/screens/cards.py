"""What a screen needs to open an appointment's details beside itself: read the card in a
worker (a permission-checked, audited view), show it, follow the privacy mask."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.message import Message

from schedtui.core.views.appointment_card import AppointmentCard, appointment_card
from schedtui.desk import signed_in
from schedtui.screens.base import WorkScreen
from schedtui.widgets.appointment_card_view import AppointmentCardView


class CardScreen(WorkScreen[None]):
    """A work screen with an `AppointmentCardView` (call `follow_mask` on mount)."""

    @dataclass
    class CardLoaded(Message):
        """An appointment's details arrived."""

        card: AppointmentCard

    @work(
        thread=True,
        exclusive=True,
        group="card",
        exit_on_error=False,
        description="Opening the appointment",
    )
    def load_card(self, appointment_id: int) -> None:
        """Read the card (permission-checked and audited) off the event loop."""
        app = self.sched_app
        actor = signed_in(app)
        card = appointment_card(
            app.store, actor, appointment_id, now=app.clock.now(), settings=app.settings
        )
        self.post_message(self.CardLoaded(card))

    @on(CardLoaded)
    def show_card(self, message: CardLoaded) -> None:
        """Open the side panel on the card."""
        self.card_view().show(
            message.card, mask=self.sched_app.masked, region=self.sched_app.settings.region
        )
        self.add_class("-card-open")
        self.refresh_bindings()

    def card_view(self) -> AppointmentCardView:
        """The side panel."""
        return self.query_one(AppointmentCardView)

    def follow_mask(self) -> None:
        """Re-show the card whenever the privacy mask is switched."""
        self.watch(self.app, "masked", self._mask_changed, init=False)

    def _mask_changed(self, mask: bool) -> None:
        view = self.card_view()
        view.show(view.card, mask=mask, region=self.sched_app.settings.region)

    def close_card(self) -> None:
        """Close the side panel."""
        self.card_view().show(
            None, mask=self.sched_app.masked, region=self.sched_app.settings.region
        )
        self.remove_class("-card-open")
        self.refresh_bindings()
