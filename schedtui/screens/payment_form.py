"""Taking a payment on screen (the panel's pay key, or checking a visit in on the
calendar): what is due is read first (the visit's copay, the balance, what was already
paid), the form opens on the copay still owed (else the balance); Ctrl+S takes it through
core (integer cents, receipt number, audited), Esc takes nothing."""

from __future__ import annotations

from dataclasses import replace

from textual import work
from textual.binding import Binding
from textual.widgets import Input

from schedtui.core.insurance.money import dollars
from schedtui.core.payments.at_the_desk import (
    PAYMENT_FIELDS,
    DeskPayment,
    PaymentDue,
    payment_due,
    payment_from_form,
)
from schedtui.core.payments.emailed_receipts import email_receipt
from schedtui.core.payments.taking import Taken, take_payment
from schedtui.core.support.errors import BadInput
from schedtui.desk import signed_in
from schedtui.screens.base import keys_said, keys_wait_for
from schedtui.screens.fields_modal import FieldsModal


class PaymentForm(FieldsModal[Taken | None]):
    """The payment's fields, filled with what is due; Ctrl+S takes it, Esc leaves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Take", id="payment.take"),
        Binding("escape", "cancel", "Cancel", id="payment.cancel"),
    ]
    FORM = "payment"
    FIELDS = PAYMENT_FIELDS

    def __init__(
        self,
        *,
        patient_id: int | None = None,
        appointment_id: int | None = None,
        who: str = "",
        due: PaymentDue | None = None,
    ) -> None:
        title = f"Take a payment: {who or (due.name if due else '')}".rstrip(": ")
        super().__init__(title, {}, "Reading what is due...")
        self.patient_id, self.appointment_id = patient_id, appointment_id
        self.due: PaymentDue | None = None
        self.known_due = due

    def on_mount(self) -> None:
        for field in self.query(Input):  # the values arrive after the focus: keep them whole
            field.select_on_focus = False
        self.query_one(f"#{self.FORM}-amount", Input).focus()
        if self.known_due is not None:  # read already (checking a visit in)
            self._fill(self.known_due)
        else:
            keys_wait_for(self, self.read_due())  # keys typed meanwhile wait for the values

    @work(thread=True, exit_on_error=False, description="Reading what is due")
    def read_due(self) -> None:
        """The visit, its copay and the balance (through core, for those who take money)."""
        app = self.sched_app
        due = payment_due(app.store, signed_in(app), patient_id=self.patient_id,
                          appointment_id=self.appointment_id, now=app.clock.now(),
                          settings=app.settings)  # fmt: skip
        self.app.call_from_thread(self._fill, due)

    def _fill(self, due: PaymentDue) -> None:
        self.due = due
        for name, value in due.suggested().items():
            self.query_one(f"#{self.FORM}-{name}", Input).value = value
        amount = self.query_one(f"#{self.FORM}-amount", Input)
        if self.focused is amount:
            amount.select_all()  # typing replaces the suggested amount
        hint = "{{payment.take}} takes it (and gives a receipt number); {{payment.cancel}} leaves."
        self.say([*due.note_lines(), keys_said(self, hint)])

    def action_save(self) -> None:
        """Check every field; take the payment when they are right."""
        due = self.due
        if due is None:
            return
        request = self.read_fields(lambda typed: payment_from_form(typed, due))
        if request is not None:
            keys_wait_for(self, self.take(request))

    @work(thread=True, exclusive=True, exit_on_error=False, description="Taking the payment")
    def take(self, typed: DeskPayment) -> None:
        """Through core: the checks again, the receipt number, the write, the audit row;
        then the receipt to the outbox when asked (the payment stands if that fails)."""
        app = self.sched_app
        actor = signed_in(app)
        taken = take_payment(app.store, actor, typed.request, now=app.clock.now())
        if typed.email_receipt:
            try:
                email_receipt(app.store, actor, taken.payment_id, now=app.clock.now(),
                              settings=app.settings)  # fmt: skip
                taken = replace(taken, emailed=True)
            except BadInput as refused:
                self.app.call_from_thread(self.notify, f"The receipt was not e-mailed: {refused}",
                                          severity="warning", markup=False)  # fmt: skip
        self.app.call_from_thread(self.dismiss, taken)


def taken_text(taken: Taken) -> str:
    """What the desk is told once the money is in."""
    emailed = " (e-mailed to the patient)" if taken.emailed else ""
    return f"Payment taken: {dollars(taken.amount_cents)}, receipt {taken.receipt_label}{emailed}."
