"""Settings: defaults, then a TOML file, then `SCHEDTUI_*` environment variables.

The TOML file lives in the platformdirs config folder (`schedtui config show`
prints where); `SCHEDTUI_CONFIG` points at another file. Secrets (SMTP, SMS
tokens, database keys) never live here: they go to the OS keychain via keyring.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from platformdirs import user_config_path, user_data_path, user_state_path
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "schedtui"
CONFIG_ENV = "SCHEDTUI_CONFIG"
#: Times before a visit: "7d,2d,2h" (days, hours, minutes).
_OFFSETS = re.compile(r"\s*\d{1,3}\s*[dhm]\s*(,\s*\d{1,3}\s*[dhm]\s*)*")
#: Quiet hours: "21:00-08:00".
_QUIET = re.compile(r"([01]\d|2[0-3]):[0-5]\d\s*-\s*([01]\d|2[0-3]):[0-5]\d")


class SettingsError(Exception):
    """The settings file or environment holds a value schedtui cannot use."""


def config_file_path() -> Path:
    """The TOML settings file in use: `SCHEDTUI_CONFIG`, else the platform config folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    """The folder that holds the default stores."""
    return user_data_path(APP_NAME)


def _in_data_dir(name: str) -> str:
    folder = data_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"Cannot create the data folder {folder}: {exc.strerror}.") from None
    return str(folder / name)


class Settings(BaseSettings):
    """Everything a clinic can set. Each field's description is shown by `config show`."""

    model_config = SettingsConfigDict(env_prefix="SCHEDTUI_", extra="forbid")

    db: str | None = Field(
        default=None,
        description="Store: an SQLite file path or a postgresql:// URL "
        "(default: schedtui.db in the data folder).",
    )
    sandbox_db: str | None = Field(
        default=None,
        description="Sandbox store for trainees (default: sandbox.db in the data folder).",
    )
    clinic_name: str = Field(
        default="schedtui clinic", min_length=1, max_length=80, description="Shown in the header."
    )
    region: str = Field(
        default="US", description="Default region for phone numbers typed without +country."
    )
    timezone: str = Field(
        default="America/New_York",
        description="The call center's own timezone: what 'today' means on screen.",
    )
    trust_os_accounts: bool = Field(
        default=False,
        description="Sign in the user linked to the OS (SSH) account without a password.",
    )
    idle_lock_minutes: int = Field(
        default=5, ge=1, le=240, description="Lock the screen after this many idle minutes."
    )
    failed_sign_in_limit: int = Field(
        default=5, ge=1, le=100, description="Failed sign-ins before an account is locked."
    )
    sign_in_lockout_minutes: int = Field(
        default=15, ge=1, le=1440, description="How long a locked account stays locked."
    )
    late_cancel_hours: int = Field(
        default=24, ge=0, le=720, description="Cancellations closer than this are 'late'."
    )
    late_cancel_grace_minutes: int = Field(
        default=60,
        ge=0,
        le=1440,
        description="A visit cancelled or moved this soon after it was booked is not a late "
        "cancellation (the caller changed their mind on the same call, or soon after).",
    )
    no_show_limit: int = Field(
        default=0,
        ge=0,
        le=50,
        description="After this many no-shows in no_show_window_days, only a supervisor "
        "books the patient's next visit (0: no such rule).",
    )
    no_show_window_days: int = Field(
        default=365, ge=1, le=3650, description="The days no_show_limit counts back over."
    )
    hold_minutes: int = Field(
        default=5, ge=1, le=60, description="How long a slot stays held while a caller decides."
    )
    theme: str = Field(default="textual-dark", description="Textual theme of the TUI.")
    first_screen: Literal["call", "today"] = Field(
        default="call",
        description="What opens after signing in: the call workspace (the lookup box has "
        "focus) or the day's schedule.",
    )
    eligibility_dir: str | None = Field(
        default=None,
        description="Folder of the X12 file exchange: outbox/ (270s), inbox/, processed/ and "
        "errors/ (default: eligibility/ in the data folder).",
    )
    eligibility_fresh_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="An eligibility answer older than this many days is checked again.",
    )
    x12_sender_id: str = Field(
        default="SCHEDTUI",
        min_length=2,
        max_length=15,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 ]*$",
        description="Our interchange sender id (ISA06/GS02), as the clearinghouse knows us.",
    )
    audit_checkpoints: str | None = Field(
        default=None,
        description="File outside the store where the audit chain's head is checkpointed, "
        "so a rewritten trail is caught (default: audit-checkpoints in the state folder; "
        "best on another disk or host, append-only).",
    )
    audit_checkpoint_every: int = Field(
        default=100,
        ge=0,
        le=1_000_000,
        description="Checkpoint the audit chain every this many rows (0: only when audit "
        "verify or audit checkpoint runs).",
    )
    audit_checkpoint_syslog: bool = Field(
        default=False,
        description="Also send each audit checkpoint to syslog (authpriv), for a log "
        "server that keeps them beyond this host.",
    )
    keymap: dict[str, str] = Field(
        default_factory=dict,
        description='Keys moved to other keys, by id: [keymap] app.calendar = "f9" '
        "(`schedtui config keys` lists the ids and the keys they have).",
    )
    keyring_backend: str | None = Field(
        default=None,
        description="Keyring backend for encrypted stores' keys on a headless server, e.g. "
        "keyrings.alt.file.PlaintextKeyring (never one that prompts).",
    )

    clinic_phone: str = Field(
        default="",
        max_length=20,
        description="The number patients call back (notices that a visit must move say it); "
        "a site's own phone, when it has one, comes first.",
    )
    smtp_host: str | None = Field(
        default=None, description="The mail server messages go out through (none: no e-mail)."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="The mail server's port.")
    smtp_from: str | None = Field(
        default=None,
        description="The address patients' e-mail comes from (and invites' organizer).",
    )
    smtp_starttls: bool = Field(
        default=True,
        description="Upgrade the connection with STARTTLS (false only for a plain local relay).",
    )
    smtp_ssl: bool = Field(
        default=False, description="Connect over SSL from the start (port 465) instead."
    )
    smtp_username: str | None = Field(
        default=None,
        description="The mail server's user name; its password is in the keyring "
        "(service schedtui-smtp), never in the settings.",
    )
    twilio_base_url: str = Field(
        default="https://api.twilio.com",
        pattern=r"^https?://[^\s]+$",
        description="Where Twilio's REST API answers (a test or a proxy may stand in).",
    )
    twilio_account_sid: str | None = Field(
        default=None,
        description="The Twilio account text messages go through (none: no text messages); "
        "its auth token is in the keyring (service schedtui-twilio), never in the settings.",
    )
    twilio_from: str | None = Field(
        default=None, description="The number text messages come from (E.164, +1617...)."
    )
    twilio_webhook_url: str = Field(
        default="",
        pattern=r"^(https?://[^\s?#]+)?$",
        description="The public address of `schedtui messages serve` as Twilio calls it "
        "(https://clinic.example.org/twilio): patients' texts go to <it>/sms, delivery "
        "reports to <it>/sms/status, and Twilio's signatures are checked against it.",
    )
    reminders: dict[str, str] = Field(
        default_factory=lambda: {"default": "7d,2d,2h"},
        description='When reminders go, before the visit: [reminders] default = "7d,2d,2h", '
        'and by visit type, site or both: MRI = "3d,1d", "BOS/MRI" = "2d" ("" = none).',
    )
    quiet_hours: str = Field(
        default="21:00-08:00",
        description="No message reaches a patient in these hours, in the site's own time "
        '(a reminder due then goes just before or just after; "" = none).',
    )
    telehealth_url: str = Field(
        default="",
        pattern=r"^(https://\S*\{token\}\S*)?$",
        description="A video visit's own link, made at booking: {token} becomes an "
        "unguessable code (https://video.example.org/j/{token}); '' = none.",
    )
    telehealth_rooms: dict[str, str] = Field(
        default_factory=dict,
        description="A provider's own video room by NPI (Doxy.me style): "
        '[telehealth_rooms] 1234567890 = "https://doxy.me/dr-okafor"; used before telehealth_url.',
    )
    telehealth_device_test: str = Field(
        default="",
        pattern=r"^(https://\S+)?$",
        description="Where a patient tests camera and microphone before a video visit.",
    )
    referral_due_days: dict[str, int] = Field(
        default_factory=lambda: {"urgent": 3, "soon": 14, "routine": 30},
        description="A referral's book-by day, in days after it comes in, by urgency: "
        "[referral_due_days] urgent = 3, soon = 14, routine = 30.",
    )
    waitlist_offers: bool = Field(
        default=False,
        description="When a cancellation frees a time, text the best-fitting waitlist "
        "patients an offer (the first YES books it).",
    )
    waitlist_offers_off: list[str] = Field(
        default_factory=list,
        description='Where no offers go: site codes, visit type codes or both ("BOS", '
        '"MRI", "BOS/MRI").',
    )
    waitlist_offer_count: int = Field(
        default=3, ge=1, le=20, description="How many patients each freed time is offered to."
    )
    waitlist_offer_minutes: int = Field(
        default=120,
        ge=5,
        le=7 * 24 * 60,
        description="How long an offer stands (it ends an hour before the visit at the latest).",
    )
    message_tries: int = Field(
        default=5, ge=1, le=50, description="Tries of a message before it is given up (dead)."
    )

    @field_validator("reminders")
    @classmethod
    def _reminder_offsets(cls, value: dict[str, str]) -> dict[str, str]:
        for where, offsets in value.items():
            if offsets.strip() and not _OFFSETS.fullmatch(offsets):
                raise ValueError(
                    f"reminders.{where} = '{offsets}': write times before the visit as "
                    '"7d,2d,2h" (d days, h hours, m minutes)'
                )
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if value.strip() and not _QUIET.fullmatch(value.strip()):
            raise ValueError(f'quiet_hours \'{value}\': write it as "21:00-08:00" (or "")')
        return value.strip()

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region '{value}' (use a code like US, CA, GB)")
        return region

    @field_validator("referral_due_days")
    @classmethod
    def _every_urgency(cls, value: dict[str, int]) -> dict[str, int]:
        days = {key.lower(): number for key, number in value.items()}
        wanted = {"urgent", "soon", "routine"}
        if set(days) != wanted:
            raise ValueError("give days for exactly urgent, soon and routine")
        if any(not 0 <= number <= 365 for number in days.values()):
            raise ValueError("days must be between 0 and 365")
        return days

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"unknown timezone '{value}' (use an IANA name like America/Chicago)")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The call center's timezone."""
        return ZoneInfo(self.timezone)

    def store_target(self) -> str:
        """Where the clinic store lives (path or URL); the default folder is created."""
        return self.db or _in_data_dir("schedtui.db")

    def eligibility_folder(self) -> Path:
        """The X12 exchange folder (created on demand)."""
        folder = (
            Path(self.eligibility_dir).expanduser()
            if self.eligibility_dir
            else Path(_in_data_dir("eligibility"))
        )
        for part in ("outbox", "inbox", "processed", "errors"):
            (folder / part).mkdir(mode=0o770, parents=True, exist_ok=True)
        return folder

    def audit_checkpoint_path(self) -> Path:
        """The audit checkpoint file (its folder is made when the first one is written)."""
        if self.audit_checkpoints:
            return Path(self.audit_checkpoints).expanduser().absolute()
        return user_state_path(APP_NAME) / "audit-checkpoints"

    def sandbox_target(self) -> str:
        """Where the sandbox store lives (path or URL); the default folder is created."""
        return self.sandbox_db or _in_data_dir("sandbox.db")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file_path())
        return (init_settings, env_settings, toml)


def load_settings(**overrides: Any) -> Settings:
    """Read the effective settings; raise `SettingsError` with a plain reason on bad values."""
    path = config_file_path()
    _check_toml_syntax(path)
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, path)) from None


def _check_toml_syntax(path: Path) -> None:
    if not path.is_file():
        return
    try:
        with path.open("rb") as handle:
            tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML: {exc}.") from None
    except OSError as exc:
        raise SettingsError(f"Cannot read {path}: {exc.strerror}.") from None


def _describe(exc: ValidationError, path: Path) -> str:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "settings"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "not a schedtui setting"
    return f"Setting '{field}' (from {path} or SCHEDTUI_{field.upper()}): {message}."
