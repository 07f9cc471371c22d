"""The side panel: one appointment and its patient, with the privacy mask applied."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from schedtui.core.patients.phones import national
from schedtui.core.schedule.statuses import status_text
from schedtui.core.security.masking import masked
from schedtui.core.support.formats import day_text, moment_text
from schedtui.core.support.text import printable
from schedtui.core.views.appointment_card import AppointmentCard


def card_text(card: AppointmentCard, *, mask: bool, region: str) -> Text:
    """The card as lines of plain text (stored values never act as markup)."""
    lines = Text()

    def line(label: str, value: str, *, hide: bool = False) -> None:
        lines.append(f"{label:<10}", style="dim")
        lines.append(printable(masked(value, mask and hide)) + "\n")

    lines.append(printable(card.patient_name) + "\n", style="bold")
    line("MRN", card.patient_mrn)
    line("Born", f"{day_text(card.dob)} (age {card.age})", hide=True)
    for phone in card.phones or ("",):
        line("Phone", national(phone, region) if phone else "", hide=True)
    line("E-mail", card.email, hide=True)
    line("Address", card.address, hide=True)
    line(
        "Language",
        card.language
        + (f", interpreter {card.interpreter_language}" if card.interpreter_language else ""),
    )
    lines.append("\n")
    lines.append(f"{moment_text(card.local_start)}, {card.minutes} min\n", style="bold")
    line("With", card.provider_name)
    line("At", card.site_name)
    line("Visit", f"{card.type_name} ({card.visit_mode})")
    if card.video_link:
        line("Video", card.video_link, hide=True)  # the patient's private link
    line("Status", status_text(card.status, card.confirmed))
    line("Reason", card.reason, hide=True)
    lines.append("\n")
    for coverage in card.coverages:
        state = "active" if coverage.active else "NOT active"
        line("Coverage", f"{coverage.payer}, {coverage.plan} ({state})")
        line("Member", coverage.member_id, hide=True)
    if not card.coverages:
        line("Coverage", "none on file")
    if card.screening:
        lines.append("\nScreening\n", style="bold")
        for asked in card.screening:
            open_item = asked.required and not asked.answer
            lines.append("✗ " if open_item else "· ", style="bold red" if open_item else "dim")
            said = masked(asked.answer, mask) if asked.answer else "not answered"
            lines.append(f"{printable(asked.prompt)}: {printable(said)}\n")
    if card.checklist:
        lines.append("\nInsurance checklist\n", style="bold")
        for check in card.checklist:
            style = {"✓": "green", "✗": "bold red"}.get(check.mark, "yellow")
            lines.append(f"{check.mark} ", style=style)
            lines.append(f"{check.topic}: {printable(check.reason)}\n")
        lines.append(printable(card.estimate) + "\n", style="italic")
    return lines


class AppointmentCardView(Static):
    """Shows one `AppointmentCard`; hidden until one is handed down."""

    DEFAULT_CSS = """
    AppointmentCardView {
        width: 46;
        height: 1fr;
        border-left: vkey $primary;
        padding: 0 1;
        display: none;
    }
    AppointmentCardView.-open { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.card: AppointmentCard | None = None
        self.mask = False
        self.phone_region = "US"

    def show(self, card: AppointmentCard | None, *, mask: bool, region: str) -> None:
        """Show `card` (None closes the panel), masked or not."""
        self.card, self.mask, self.phone_region = card, mask, region
        self.set_class(card is not None, "-open")
        self.update(card_text(card, mask=mask, region=region) if card else "")
