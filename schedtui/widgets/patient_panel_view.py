"""The patient panel: demographics, coverage, visits and reliability, mask applied."""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text
from textual.widgets import Static

from schedtui.core.insurance.money import dollars
from schedtui.core.patients.phones import national
from schedtui.core.payments.ledger import PaymentRow
from schedtui.core.schedule.statuses import status_text
from schedtui.core.security.masking import masked
from schedtui.core.support.formats import clinic_moment_text, day_text, moment_text
from schedtui.core.support.text import printable
from schedtui.core.views.patient_panel import PatientPanel, Visit

EMPTY = "Find the caller: type a name, date of birth, phone or MRN."


def _visit(visit: Visit) -> str:
    reason = f" ({visit.cancellation_reason})" if visit.cancellation_reason else ""
    return (
        f"{moment_text(visit.local_start)}  {visit.type_code:<6} "
        f"{visit.provider}  {status_text(visit.status, visit.confirmed)}{reason}"
    )


def _payment(row: PaymentRow) -> str:
    day = day_text(row.day) if row.day else ""
    receipt = f", receipt {row.receipt_label}" if row.receipt_label else ""
    back = f" ({dollars(row.reversed_cents)} back)" if row.reversed_cents else ""
    return f"{day}  {dollars(row.amount_cents)} {row.method} {row.kind}{receipt}{back}"


def panel_text(panel: PatientPanel, *, mask: bool, region: str, zone: tzinfo) -> Text:
    """The panel as plain text lines (stored values never act as markup); visits in their
    site's time, call notes in the clinic's (`zone`)."""
    out = Text()

    def line(label: str, value: str, *, hide: bool = False) -> None:
        out.append(f"{label:<12}", style="dim")
        out.append(printable(masked(value, mask and hide)) + "\n")

    out.append(printable(panel.name) + "\n", style="bold")
    if panel.deceased:
        died = f" on {day_text(panel.deceased_on)}" if panel.deceased_on else ""
        out.append(f"DECEASED{died}: no visits are booked, no messages sent\n", style="bold red")
    line("MRN", panel.mrn)
    line("Born", f"{day_text(panel.dob)} (age {panel.age})", hide=True)
    line("Sex", panel.sex)
    for phone in panel.phones or ("",):
        line("Phone", national(phone, region) if phone else "", hide=True)
    line("E-mail", panel.email, hide=True)
    line("Address", panel.address, hide=True)
    line(
        "Language", panel.language + (", needs an interpreter" if panel.interpreter_needed else "")
    )
    if panel.consent:
        line("Contact", panel.contact_text())
    if panel.emergency_contact:
        line("Emergency", panel.emergency_contact, hide=True)
    if panel.balance_cents:
        line("Balance", f"{dollars(panel.balance_cents)} due")
    for coverage in panel.coverages:
        state = "active" if coverage.active else "NOT active"
        line("Coverage", f"{coverage.payer}, {coverage.plan} ({state})")
        line("Member", coverage.member_id, hide=True)
    line("Reliability", panel.reliability_text())
    out.append("\nPast visits (newest first)\n", style="bold")
    out.append("\n".join(printable(_visit(v)) for v in panel.past[:10]) or "none")
    if panel.payments:
        out.append("\n\nPayments (newest first)\n", style="bold")
        out.append("\n".join(printable(_payment(row)) for row in panel.payments))
    out.append("\n\nCall notes\n", style="bold")
    for note in panel.notes:
        out.append(f"{clinic_moment_text(note.started_at, zone)} {note.author}: ", style="dim")
        out.append(printable(masked(note.body, mask)) + "\n")
    if not panel.notes:
        out.append("none")
    return out


class PatientPanelView(Static):
    """Shows one `PatientPanel` (nothing until one is handed down)."""

    DEFAULT_CSS = """
    PatientPanelView { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(EMPTY, id=id, markup=False)
        self.panel: PatientPanel | None = None

    def clear(self) -> None:
        """Show nobody (the next caller)."""
        self.panel = None
        self.update(EMPTY)

    def show(self, panel: PatientPanel | None, *, mask: bool, region: str, zone: tzinfo) -> None:
        """Show `panel`, masked or not."""
        self.panel = panel
        if panel is not None:
            self.update(panel_text(panel, mask=mask, region=region, zone=zone))
