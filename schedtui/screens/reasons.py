"""Why a visit is cancelled or moved: the FHIR cancellation reasons in plain words, narrowed
by typing a word of them ("weather", "transport", "better")."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from schedtui.core.support.text import printable
from schedtui.data.codes import CANCELLATION_REASONS
from schedtui.screens.base import key_name


def matching_reasons(typed: str, reasons: dict[str, str] = CANCELLATION_REASONS) -> list[str]:
    """The reason codes whose words contain every word typed (all of them when nothing is)."""
    words = typed.casefold().split()
    return [
        code
        for code, label in reasons.items()
        if all(word in f"{label} {code}".casefold() for word in words)
    ]


class ChoicePicker(ModalScreen[str | None]):
    """Pick one of a few choices, narrowed by typing a word of them; Enter chooses the
    highlighted one, Esc changes nothing."""

    BINDINGS = [
        Binding("escape", "keep", "Change nothing", id="reasons.keep"),
        Binding("down", "to_list", "Choices", show=False, id="reasons.down"),
    ]

    def __init__(
        self, question: str, choices: dict[str, str], enter_does: str, esc_does: str
    ) -> None:
        super().__init__()
        self.question, self.choices = question, choices
        self.enter_does, self.esc_does = enter_does, esc_does
        self.hint = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="reasons"):
            yield Static(printable(self.question), id="reasons-question", markup=False)
            yield Input(id="reasons-filter", placeholder="Type a word of it")
            yield OptionList(id="reasons-list")
            keep = key_name(self, "reasons.keep")
            self.hint = f"Enter {self.enter_does}; {keep} {self.esc_does}."
            yield Static(self.hint, id="reasons-hint", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#reasons-filter", Input).focus()

    @on(Input.Changed, "#reasons-filter")
    def narrow(self, event: Input.Changed) -> None:
        """Only the choices with the words typed."""
        self._fill(event.value)

    def _fill(self, typed: str) -> None:
        options = self.query_one("#reasons-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(printable(self.choices[key]), id=key)
            for key in matching_reasons(typed, self.choices)
        )
        if options.option_count:
            options.highlighted = 0
        hint = self.hint
        if not options.option_count:  # say why the list is empty, and how to get it back
            hint = f"Nothing here has the words '{printable(typed.strip())}'; delete some. {hint}"
        self.query_one("#reasons-hint", Static).update(hint)

    @on(Input.Submitted, "#reasons-filter")
    def choose_highlighted(self) -> None:
        """Enter in the box takes the highlighted choice."""
        options = self.query_one("#reasons-list", OptionList)
        if options.highlighted is None:
            self.notify("Nothing here has those words.", severity="warning")
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#reasons-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice in the list."""
        self.dismiss(event.option.id)

    def action_to_list(self) -> None:
        """Down from the box moves into the list."""
        self.query_one("#reasons-list", OptionList).focus()

    def action_keep(self) -> None:
        """Change nothing."""
        self.dismiss(None)


class ReasonPicker(ChoicePicker):
    """Why a visit is cancelled or moved: the FHIR cancellation reasons in plain words."""

    BINDINGS = [Binding("escape", "keep", "Keep the visit", id="reasons.keep")]

    def __init__(self, question: str, action: str) -> None:
        super().__init__(
            question,
            CANCELLATION_REASONS,
            f"{action} with the highlighted reason",
            "keeps the visit",
        )
