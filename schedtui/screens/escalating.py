"""Raising an escalation from the call (the workspace's key): what the caller reports,
then how urgent; emergency words bring the clinic's script first. Through core, audited;
the team answers from the work queue."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from schedtui.core.patients.cases import EMERGENCY_SCRIPT, raise_escalation, red_flags
from schedtui.core.views.patient_panel import PatientPanel
from schedtui.desk import signed_in
from schedtui.screens.ask_line import AskLine
from schedtui.screens.base import keys_wait_for, typed_app
from schedtui.screens.reasons import ChoicePicker

#: The choices, most urgent first (the first is highlighted).
URGENCY = {
    "emergent": "Emergent: a nurse answers within 15 minutes",
    "urgent": "Urgent: within the hour",
    "routine": "Routine: within a day",
}


def ask_and_raise(screen: Screen[Any], panel: PatientPanel) -> None:
    """Ask what the caller reports, then how urgent, then raise it for nursing."""

    def reported(text: str | None) -> None:
        if text is None or not text.strip():
            return
        if flags := red_flags(text):
            screen.notify(f"The caller reports {', '.join(flags)}. {EMERGENCY_SCRIPT}",
                          title="Emergency words", severity="error", markup=False,
                          timeout=10 * screen.app.NOTIFICATION_TIMEOUT)  # fmt: skip
        picker = ChoicePicker("How urgent is it?", URGENCY, "raises it", "raises nothing")
        screen.app.push_screen(picker, lambda urgency: _raise(screen, panel, text, urgency))

    question = f"Escalate {panel.name} to nursing: what does the caller report?"
    screen.app.push_screen(AskLine(question, "e.g. fever of 39 since yesterday"), reported)


def _raise(screen: Screen[Any], panel: PatientPanel, text: str, urgency: str | None) -> None:
    if urgency is None:
        return
    desk = typed_app(screen)

    def work() -> None:
        now = desk.clock.now()
        made = raise_escalation(desk.store, signed_in(desk), panel.mrn, text, priority=urgency,
                                team="nursing", now=now)  # fmt: skip
        screen.app.call_from_thread(
            screen.notify, f"Escalation {made} raised ({urgency}) for nursing; the work queue "
            "shows it until a nurse resolves it.", title="Escalated", markup=False,
        )  # fmt: skip

    keys_wait_for(screen, screen.run_worker(work, thread=True, exit_on_error=False,
                                            description="Raising the escalation"))  # fmt: skip
