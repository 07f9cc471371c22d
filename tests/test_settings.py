"""Settings: defaults, then the TOML file, then SCHEDTUI_* variables; bad values say where."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schedtui.settings import SettingsError, config_file_path, load_settings


def _write_config(text: str) -> Path:
    path = config_file_path()
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings()
    assert (settings.region, settings.idle_lock_minutes, settings.late_cancel_hours) == (
        "US",
        5,
        24,
    )
    assert settings.store_target().endswith("schedtui.db")


def test_toml_file_overrides_defaults() -> None:
    _write_config('clinic_name = "Harbor Family Practice"\nidle_lock_minutes = 10\nregion = "ca"\n')
    settings = load_settings()
    assert settings.clinic_name == "Harbor Family Practice"
    assert settings.idle_lock_minutes == 10
    assert settings.region == "CA"


def test_environment_overrides_the_toml_file(monkeypatch: pytest.MonkeyPatch) -> None:
    _write_config("idle_lock_minutes = 10\n")
    monkeypatch.setenv("SCHEDTUI_IDLE_LOCK_MINUTES", "3")
    monkeypatch.setenv("SCHEDTUI_DB", "postgresql://clinic@db/sched")
    settings = load_settings()
    assert settings.idle_lock_minutes == 3
    assert settings.store_target() == "postgresql://clinic@db/sched"


def test_config_file_location_follows_schedtui_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text('timezone = "America/Chicago"\n')
    monkeypatch.setenv("SCHEDTUI_CONFIG", str(other))
    assert load_settings().timezone == "America/Chicago"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("idle_lock_minutes = 0\n", "idle_lock_minutes"),
        ('region = "Atlantis"\n', "unknown phone region 'Atlantis'"),
        ('timezone = "Mars/Olympus"\n', "unknown timezone 'Mars/Olympus'"),
        ("colour = 'blue'\n", "'colour'.*not a schedtui setting"),
        ("idle_lock_minutes = \n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_setting_and_the_problem(content: str, message: str) -> None:
    _write_config(content)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_bad_environment_value_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDTUI_LATE_CANCEL_HOURS", "soon")
    with pytest.raises(SettingsError, match="late_cancel_hours"):
        load_settings()


def test_default_data_folder_is_created_on_demand() -> None:
    target = Path(load_settings().sandbox_target())
    assert target.parent.is_dir()
    assert str(target.parent).startswith(os.environ["XDG_DATA_HOME"])
