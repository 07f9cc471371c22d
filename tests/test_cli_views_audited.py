"""Every command that shows a patient leaves a row in the audit trail.

The walk runs each command of the CLI on a seeded clinic; whenever its output names a
patient (an MRN or a full name), a view, export or change must have been audited by that
command (its sign-in alone does not count). A new command must join the walk, or the
list of commands that never show patients, or the last test fails.

Regression tests for `waitlist list`, `waitlist offers`, `auth list` and
`slots find --patient` showing patients without an audit row.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer.main

from schedtui.cli import app, run
from tests.cli_helpers import seeded_clinic_for_commands
from tests.conftest import SEED_NOW

#: Commands that change things or start the TUI; their own audit rows are tested where
#: they are built. They are run here only when the walk below names them too.
NEVER_LIST_PATIENTS = {
    "init", "seed", "backup", "restore", "call", "db upgrade", "users add", "users disable",
    "users enable", "users passwd", "users role", "users unlock", "templates add",
    "closures remove", "provider-lists save", "provider-lists delete", "appointments cancel",
    "appointments reschedule", "waitlist add", "eligibility ingest", "payers add",
    "payers network", "payers rule", "payers fee", "coverage add", "auth update",
    "patients add", "book", "users pin", "audit checkpoint", "config keys", "patients consent",
    "messages run", "messages retry", "messages cancel", "messages serve",
    "messages called-back", "referrals add", "referrals contact", "referrals update",
    "referrals close", "waitlist remove", "waitlist update", "waitlist expire", "callbacks add",
    "callbacks done", "messages call-outcome", "messages wording set",
    "messages wording reset", "patients edit", "patients merge",
    "recalls add", "recalls create", "recalls generate", "recalls contact", "recalls export",
    "escalations add", "escalations resolve", "complaints add", "complaints escalate",
    "complaints resolve", "auth add", "sites add", "sites edit", "sites activate",
    "sites deactivate", "providers add", "providers edit", "providers activate",
    "providers deactivate", "types add", "types edit", "types activate", "types deactivate",
    "specialties add", "specialties list", "resources list", "resources add", "resources edit",
    "resources activate", "resources deactivate", "limits list", "limits set", "limits remove",
    "import patients", "payments void", "payments refund", "payments close",
    "types questions", "types question-add", "types question-edit", "types question-on",
    "types question-off", "report kpis", "payers edit", "payers activate", "payers deactivate",
}  # fmt: skip
#: Commands that show what is known of patients without printing a name or an MRN.
READ_PATIENTS_UNNAMED = {"waitlist offers", "day", "appointments screening"}
_SIGN_INS = ("login", "login-failed")


@dataclass(frozen=True)
class Clinic:
    """What the walk needs to know of the seeded clinic."""

    db: str
    mrn: str
    last_name: str
    provider: int
    start: datetime
    day: str
    template: int
    people: tuple[str, ...]
    type_code: str


@pytest.fixture
def clinic(
    seeded_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Clinic:
    path = seeded_clinic_for_commands(seeded_file, tmp_path, monkeypatch, capsys)
    with sqlite3.connect(path) as db:
        mrn, last, provider, start, zone, template, code = db.execute(
            "SELECT p.mrn, p.last_name, a.provider_id, a.start, s.timezone, t.id, k.code"
            " FROM appointment a JOIN patient p ON p.id = a.patient_id"
            " JOIN appointment_type k ON k.id = a.appointment_type_id"
            " JOIN site s ON s.id = a.site_id"
            " JOIN schedule_template t ON t.provider_id = a.provider_id"
            " AND t.site_id = a.site_id"
            " WHERE a.status = 'booked' AND a.start > ? ORDER BY a.start LIMIT 1",
            ((SEED_NOW + timedelta(days=3)).isoformat(),),
        ).fetchone()
        people = tuple(
            token
            for row in db.execute("SELECT mrn, first_name || ' ' || last_name FROM patient")
            for token in row
        )
    moment = datetime.fromisoformat(start).replace(tzinfo=UTC)
    day = moment.astimezone(ZoneInfo(zone)).date().isoformat()
    return Clinic(str(path), mrn, last, provider, moment, day, template, people, code)


def _walk(c: Clinic, out: Path) -> list[list[str]]:
    start, end = c.start.isoformat(), (c.start + timedelta(hours=1)).isoformat()
    return [
        ["patients", "find", c.last_name],
        ["patients", "search", c.last_name],
        ["patients", "show", c.mrn],
        ["appointments", "list", "--date", c.day],
        ["appointments", "list", "--patient", c.mrn, "--json"],
        ["day", "--date", c.day],
        ["coverage", "show", c.mrn],
        ["auth", "list"],
        ["auth", "list", "--json"],
        ["waitlist", "list"],
        ["waitlist", "offers", f"{c.provider}@{start}", "--json"],
        ["slots", "find", "--type", c.type_code, "--patient", c.mrn],
        ["slots", "find", "--type", c.type_code],
        ["blocks", "add", "--provider", str(c.provider), "--start", start, "--end", end,
         "--kind", "meeting", "--reason", "walk"],
        ["closures", "add", "--from", c.day, "--name", "Walk day"],
        ["closures", "list"],
        ["templates", "set", str(c.template), "--from", "05:00", "--to", "05:30"],
        ["templates", "show"],
        ["eligibility", "request", "--patient", c.mrn, "--out", str(out / "walk.270")],
        ["audit", "show", "--limit", "50"],
        ["audit", "verify"],
        ["appointments", "reasons"],
        ["appointments", "status", "--help"],
        ["users", "list"],
        ["sites", "list"],
        ["providers", "list"],
        ["types", "list"],
        ["payers", "list"],
        ["access", "tna", "--type", c.type_code, "--horizon", "7"],
        ["provider-lists", "show"],
        ["config", "show"],
        ["notes", "add", "Walk note", "--patient", c.mrn],
        ["messages", "list", "--patient", c.mrn],
        ["messages", "list"],
        ["messages", "replies"],
        ["messages", "calls"],
        ["patients", "duplicates"],
        ["recalls", "add", "Walk", "--type", c.type_code, "--from", c.day, "--to", c.day],
        ["recalls", "generate", "1"],
        ["recalls", "list"],
        ["recalls", "worklist", "1"],
        ["recalls", "work", "1"],
        ["escalations", "add", "fever", "--patient", c.mrn],
        ["escalations", "list"],
        ["complaints", "add", "waited", "--patient", c.mrn],
        ["complaints", "list"],
        ["messages", "wording", "list"],
        ["messages", "wording", "show", "reminder", "--channel", "sms"],
        ["messages", "preview", "--kind", "reminder"],
        ["referrals", "list", "--patient", c.mrn],
        ["referrals", "list"],
        ["callbacks", "list"],
        ["queue"],
        ["payments", "take", "--patient", c.mrn, "--amount", "5", "--method", "cash",
         "--site", "1"],
        ["payments", "list"],
        ["payments", "list", "--json"],
        ["payments", "receipt", "1"],
        ["payments", "closes"],
        ["appointments", "screening", "1"],
        ["report", "schedule", "--date", c.day],
        ["report", "no-shows", "--from", "2026-11-20", "--to", "2026-11-26", "--json"],
    ]  # fmt: skip


def _audited_since(db: str, after: int) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT action, entity FROM audit_event WHERE id > ? ORDER BY id", (after,)
        ).fetchall()
    return [(action, entity) for action, entity in rows if action not in _SIGN_INS]


def _names_a_patient(text: str, people: tuple[str, ...]) -> bool:
    return any(token in text for token in people)


def test_every_command_that_shows_a_patient_is_audited(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = 0
    for argv in _walk(clinic, tmp_path):
        before = _last_max(clinic.db)
        no_store = "--help" in argv or " ".join(argv[:2]) in ("appointments reasons", "config show")
        code = run(argv if no_store else [*argv, "--db", clinic.db])
        out, err = capsys.readouterr()
        assert code in (0, 3), f"{' '.join(argv)}: {err}"  # 3: a preview listing visits
        named = _names_a_patient(out + err, clinic.people)
        shown += named
        reads_a_patient = clinic.mrn in argv or " ".join(argv[:2]) in READ_PATIENTS_UNNAMED
        if named or reads_a_patient:
            assert _audited_since(clinic.db, before), f"{' '.join(argv)} showed a patient unaudited"
    assert shown >= 12  # the walk reaches the commands that show patients


def test_the_walk_covers_every_command() -> None:
    walked = {" ".join(argv[:2]) for argv in _walk(_STAND_IN, Path("."))}
    walked |= {argv[0] for argv in _walk(_STAND_IN, Path("."))}
    walked |= {" ".join(argv[:3]) for argv in _walk(_STAND_IN, Path("."))}
    commands = set(_leaves(typer.main.get_command(app)))
    missing = commands - walked - NEVER_LIST_PATIENTS
    assert not missing, f"add these commands to the walk or to NEVER_LIST_PATIENTS: {missing}"


def _leaves(command: object, prefix: tuple[str, ...] = ()) -> list[str]:
    children: dict[str, object] | None = getattr(command, "commands", None)
    if not children:
        return [" ".join(prefix)]
    found: list[str] = []
    for name, child in children.items():
        found += _leaves(child, (*prefix, name))
    return found


def _last_max(db: str) -> int:
    with sqlite3.connect(db) as connection:
        value = connection.execute("SELECT coalesce(max(id), 0) FROM audit_event").fetchone()
    return int(value[0])


_STAND_IN = Clinic("x.db", "M1", "Doe", 1, SEED_NOW, "2026-12-01", 1, (), "FU")
