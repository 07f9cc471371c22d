"""Keys users can remap: `[keymap]` in the settings moves a key by its binding id, the
moved key works, the old one no longer does, and every text that names the key (the
panel, notices, the palette, the footer, help) names the new one. A keymap that cannot
work is refused before anything is opened."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Markdown, Static

from schedtui.app import SchedApp, create_app
from schedtui.cli import run
from schedtui.core.security.session import SessionStart
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.data.store import Store
from schedtui.keymap import KeyNames, check_keymap, key_label, remappable
from schedtui.keymap_defaults import DEFAULT_KEYS
from schedtui.screens.booking import BookingScreen
from schedtui.screens.calendar import CalendarScreen
from schedtui.screens.help import HelpScreen, help_text
from schedtui.screens.workspace import WorkspaceScreen
from schedtui.settings import config_file_path, load_settings
from tests.app_helpers import settle
from tests.builders import NOW, Staff, add_staff, build_tiny_clinic

SIZE = (140, 34)
MOVED = {
    "app.calendar": "f13",
    "workspace.book": "ctrl+o",
    "workspace.resolved": "alt+o",  # (Ctrl+O's own binding moves out of the way)
    "app.help": "f12",
    "app.referrals": "alt+r",
}


@pytest.fixture
def staff(sqlite_store: Store) -> Staff:
    build_tiny_clinic(sqlite_store)
    return add_staff(sqlite_store)


def _app(store: Store, staff: Staff, keymap: dict[str, str]) -> SchedApp:
    settings = load_settings(clinic_name="Harbor Family Practice", keymap=keymap)
    start = SessionStart(staff.scheduler, False, "ava_os")
    return create_app(settings, store, FrozenClock(NOW), start=start)


async def _open_garcia(pilot: Pilot[Any]) -> WorkspaceScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press(*"garc")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WorkspaceScreen)
    return screen


def _footer_text(pilot: Pilot[Any]) -> str:
    footer = pilot.app.screen.query_one(Footer)
    return " ".join(str(key.render()) for key in footer.query("FooterKey"))


async def test_a_moved_key_works_the_old_one_does_not_and_the_texts_say_the_new_one(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff, MOVED)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await _open_garcia(pilot)
        visits_title = str(workspace.query_one("#visits-title", Static).render())
        footer = _footer_text(pilot)
        await pilot.press("f10")  # the old calendar key: nothing
        await settle(pilot)
        after_f10 = app.screen
        await pilot.press("f13")
        await settle(pilot)
        after_f13 = app.screen
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("ctrl+b")  # the old book key: nothing
        await settle(pilot)
        after_ctrl_b = app.screen
        await pilot.press("ctrl+o")
        await settle(pilot)
        after_ctrl_o = app.screen
        palette = {c.title: c.help for c in app.get_system_commands(app.screen)}
    assert visits_title == "No upcoming visits (Ctrl+O books one)"
    assert "^o Book" in footer and "^b" not in footer
    assert after_f10 is workspace and isinstance(after_f13, CalendarScreen)
    assert after_ctrl_b is workspace and isinstance(after_ctrl_o, BookingScreen)
    assert palette["Calendar"].endswith("(F13)") and palette["Help"].endswith("(F12)")


async def test_help_names_the_moved_keys_and_lists_them_first(
    sqlite_store: Store, staff: Staff
) -> None:
    app = _app(sqlite_store, staff, MOVED)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.query_one(Markdown).source
    assert shown.startswith("**Your keys.**")
    assert "| F13 | Calendar |" in shown and "| Ctrl+O | Book |" in shown
    assert "## Calendar (F13)" in shown and "**Ctrl+O** books for the patient" in shown
    assert "F10" not in shown and "Ctrl+B" not in shown and "{{" not in shown


async def test_a_form_hint_follows_a_moved_save_key(sqlite_store: Store, staff: Staff) -> None:
    app = _app(sqlite_store, staff, {"registration.save": "f13", "registration.cancel": "ctrl+g"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        button = str(app.screen.query_one("#reg-save").render())
        await pilot.press(*"Nia", "tab", *"Okafor")
        await pilot.press("ctrl+g")  # closes, keeping what was typed
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        restored = str(app.screen.query_one("#reg-restored", Static).render())
    assert "Register (F13)" in button
    assert restored == "What you typed before is back (Ctrl+G keeps it again; F13 registers)."


def test_without_a_keymap_the_help_names_the_keys_the_program_has() -> None:
    filled = KeyNames().fill(help_text())
    assert "{{" not in filled
    assert "| F10 | Calendar:" in filled and "**Ctrl+B** books" in filled
    assert "| F1 | This help (Esc closes it) |" in filled


def test_every_key_named_in_help_is_a_binding_the_program_has() -> None:
    named = set(re.findall(r"\{\{([^}]+)\}\}", help_text()))
    assert named and named <= set(remappable())


def test_every_key_shown_in_a_footer_can_be_moved() -> None:
    shown_without_id = [f"{b.key} ({b.description})" for b in _all_shown_bindings() if not b.id]
    assert shown_without_id == []


def _all_shown_bindings() -> list[Any]:
    from textual.binding import Binding

    from schedtui.keymap import _node_classes

    return [
        b
        for cls in _node_classes()
        for b in cls.__dict__.get("BINDINGS", [])
        if isinstance(b, Binding) and b.show
    ]


@pytest.mark.parametrize(
    ("keymap", "said"),
    [
        ({"app.calender": "f9"}, "'app.calender' is not a key's id"),
        ({"app.calendar": "f99x"}, "app.calendar = 'f99x' is not a key"),
        ({"app.calendar": "c"}, "a key of the whole program must be an F-key"),
        ({"app.calendar": "ctrl+q"}, "Ctrl+Q is kept for the program"),
        ({"app.calendar": " , "}, "has an empty key"),
        ({"workspace.book": "ctrl+w"}, "Ctrl+W edits the text in the box"),
        ({"workspace.book": "f5"}, "F5 is given to both"),
        ({"workspace.book": "f3"}, "F3 is given to workspace.book and to app.today"),
        ({"app.today": "ctrl+b"}, "Ctrl+B is given to workspace.book and to app.today"),
        ({"calendar.next": "."}, "calendar.next and calendar.next_week share ]"),
    ],
)
def test_a_keymap_that_cannot_work_is_refused_saying_what_is_wrong(
    keymap: dict[str, str], said: str
) -> None:
    with pytest.raises(BadInput, match=re.escape(said)):
        check_keymap(keymap)


def test_keys_written_as_people_read_them() -> None:
    assert [key_label(k) for k in ("ctrl+s", "f10", "escape", "left_square_bracket", "W")] == [
        "Ctrl+S",
        "F10",
        "Esc",
        "[",
        "W",
    ]
    check_keymap({"calendar.next": ".", "calendar.next_week": "."})  # moved together: fine
    check_keymap({"app.calendar": "f13,alt+c"})


def test_the_program_refuses_a_bad_keymap_before_opening_any_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file_path().write_text('[keymap]\n"app.calendar" = "c"\n', encoding="utf-8")
    store = tmp_path / "new.db"
    code = run(["--db", str(store)])
    err = capsys.readouterr().err
    assert code == 2
    assert "[keymap]" in err and "app.calendar = 'c'" in err and "Traceback" not in err
    assert not store.exists()


def test_config_keys_lists_every_id_with_the_key_it_has(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_file_path().write_text('[keymap]\n"app.calendar" = "f13"\n', encoding="utf-8")
    assert run(["config", "keys"]) == 0
    lines = capsys.readouterr().out.splitlines()
    calendar = next(line for line in lines if line.startswith("app.calendar "))
    assert calendar.split() == ["app.calendar", "F13", "Calendar", "(moved)"]
    assert len(lines) == len(remappable())


def test_a_keymap_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDTUI_KEYMAP", '{"app.calendar": "f9"}')
    assert KeyNames(load_settings().keymap)("app.calendar") == "F9"


def test_the_readme_lists_every_key_id() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [binding_id for binding_id in remappable() if f"\n{binding_id} " not in readme]
    assert missing == []


def test_the_default_keys_table_is_the_keys_the_screens_declare() -> None:
    declared = {binding_id: binding.key for binding_id, binding in remappable().items()}
    assert declared == DEFAULT_KEYS, (
        "schedtui/keymap_defaults.py is out of date: a binding with an id was added, moved "
        f"or removed; its table should be {declared!r}"
    )
