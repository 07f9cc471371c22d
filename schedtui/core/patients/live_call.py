"""The call in progress, in one place every screen sees: who is on the line, the call
note being written, when the call started, and the visit this call booked, moved or
cancelled (the note is filed linked to it).

Going to Today, the calendar or a worklist and back never loses any of it; only
starting the next call (Esc in the workspace, or filing the note) does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schedtui.core.patients.registration import Registration


@dataclass
class LiveCall:
    """The scheduler's current call."""

    patient_id: int | None = None
    patient_name: str = ""
    patient_mrn: str = ""
    #: The visit this call booked, moved or cancelled.
    appointment_id: int | None = None
    #: The call note's draft (its id), and the text last saved to the store.
    note_id: int | None = None
    saved_text: str = ""
    started_at: datetime | None = None
    #: The caller's visits changed on another screen: the call's panel is read again.
    panel_stale: bool = False
    #: A registration form closed before it was saved (Esc, to search first): Ctrl+N
    #: brings it back as typed, until the call's note is filed.
    registration_draft: Registration | None = None
    #: Whether the caller's need was met on this call (None: not said yet); kept with
    #: the note when it is filed (first-call resolution).
    resolved: bool | None = None

    @property
    def caller(self) -> tuple[int, str] | None:
        """The patient on the line (id, name), if one is open."""
        if self.patient_id is None:
            return None
        return self.patient_id, self.patient_name

    def open_patient(self, patient_id: int, name: str, mrn: str = "") -> None:
        """The scheduler opened a patient: the call is now about them (a visit linked
        for another patient is forgotten)."""
        if patient_id != self.patient_id:
            self.appointment_id = None
        self.patient_id, self.patient_name, self.patient_mrn = patient_id, name, mrn

    def visit_changed(self, patient_id: int, appointment_id: int) -> None:
        """A visit was booked, moved or cancelled for `patient_id`: linked to the call's
        note when it is the caller's."""
        if patient_id == self.patient_id:
            self.appointment_id = appointment_id
            self.panel_stale = True

    def forget_patient(self) -> None:
        """The lookup was cleared: nobody is open (the note, and the visit it will be
        linked to, stay until it is filed)."""
        self.patient_id, self.patient_name, self.patient_mrn = None, "", ""

    def new_note(self, note_id: int, body: str, started_at: datetime) -> None:
        """A note to write into: a fresh draft, or one a crash left behind (the next call:
        a registration form left unsaved on the last one is not brought back)."""
        self.note_id, self.saved_text, self.started_at = note_id, body, started_at
        self.registration_draft, self.resolved = None, None

    def next_resolved(self) -> None:
        """Not said -> resolved -> not resolved -> not said (one key steps through)."""
        self.resolved = {None: True, True: False, False: None}[self.resolved]
