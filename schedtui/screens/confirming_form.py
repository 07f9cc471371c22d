"""A form that adds something over booked visits only when asked twice (a block, a
closure): Ctrl+S checks the fields and tries; booked visits in the way are listed, and a
second Ctrl+S adds it anyway (their patients go on the waitlist to be called)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding

from schedtui.core.schedule.call_list import InTheWay
from schedtui.core.support.formats import visit_time
from schedtui.screens.base import keys_said, keys_wait_for
from schedtui.screens.fields_modal import FieldsModal


def in_the_way_lines(visits: Iterable[InTheWay]) -> list[str]:
    """Each visit in the way: when (in its site's time), MRN, patient."""
    return [f"  {visit_time(v.local_start)}  {v.mrn}  {v.patient}" for v in visits]


class ConfirmingForm(FieldsModal[int | None]):
    """Subclasses name the form (`FORM`, the id prefix), its `FIELDS`, read the typed
    values into a request and submit it through core."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Add", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    NOTE = "in-the-way"
    #: What the list of visits in the way is headed with.
    IN_THE_WAY: ClassVar[str] = "Booked visits are in the way:"

    def __init__(self, title: str, prefill: dict[str, str]) -> None:
        super().__init__(title, prefill)
        self.confirmed = False

    def request_from(self, typed: dict[str, str]) -> Any:
        """The request the fields describe (`FieldErrors` names every wrong one)."""
        raise NotImplementedError

    def submit(self, request: Any, confirm: bool) -> tuple[int | None, list[str]]:
        """Through core (in a thread): the new id, or None and the visits in the way."""
        raise NotImplementedError

    def action_save(self) -> None:
        """Check the fields; add it (a second time, over booked visits)."""
        if (request := self.read_fields(self.request_from)) is not None:
            keys_wait_for(self, self.add(request, self.confirmed))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Adding")
    def add(self, request: Any, confirm: bool) -> None:
        """Submit off the event loop."""
        added, in_the_way = self.submit(request, confirm)
        self.app.call_from_thread(self._answered, added, in_the_way)

    def _answered(self, added: int | None, in_the_way: list[str]) -> None:
        if added is not None:
            self.dismiss(added)
            return
        self.confirmed = True
        self.say(
            [
                self.IN_THE_WAY,
                *in_the_way,
                keys_said(
                    self,
                    "{{form.save}} again adds it anyway; they go on the waitlist to be "
                    "called. {{form.cancel}} leaves it.",
                ),
            ]
        )
