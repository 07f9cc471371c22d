"""End to end: the real program in tmux, driven by keys the way a scheduler works."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.e2e
SCHEDTUI = [sys.executable, "-m", "schedtui"]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


class Terminal:
    """One tmux session running schedtui."""

    def __init__(self, command: str, env: dict[str, str]) -> None:
        self.name = f"schedtui-e2e-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        _tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            "130",
            "-y",
            "30",
            f"env {exports} {command}",
        )

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def press(self, *keys: str) -> None:
        for key in keys:
            _tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def write(self, text: str) -> None:
        """Type text as keys (not a paste)."""
        _tmux("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.3)

    def type(self, text: str) -> None:
        """Type text as keys, then Enter."""
        self.write(text)
        self.press("Enter")
        time.sleep(0.2)

    def book_the_first_time(self, reason: str) -> str:
        """Enter on the first open time, then book from the read-back (with `reason` when
        insurance items are open); the read-back as it was shown."""
        self.press("Enter")
        script = self.wait_for("Read back to the caller")
        if "Open insurance items" in script:  # booking anyway needs a reason
            self.write(reason)
        self.press("Enter")
        self.wait_for("Booked: appointment")
        return script

    def quit(self) -> None:
        """Ctrl+Q, then wait (up to 10 s) for the program to end."""
        self.press("C-q")
        deadline = time.monotonic() + 10
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)

    def alive(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "has-session", "-t", self.name], capture_output=True, check=False
            ).returncode
            == 0
        )

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, check=False)


def _need_tmux() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("SCHEDTUI_REQUIRE_E2E") == "1":
            pytest.fail("tmux is not installed but SCHEDTUI_REQUIRE_E2E=1")
        pytest.skip("end-to-end tests need tmux")


@pytest.fixture
def terminal_env(isolated_home: Path) -> dict[str, str]:
    _need_tmux()
    keep = (
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_CACHE_HOME",
        "SCHEDTUI_CONFIG",
        "PATH",
        "HOME",
    )
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env["TERM"] = "xterm-256color"
    return env


@pytest.fixture(scope="module")
def seeded_today(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, datetime]:
    """A clinic seeded for today once per module, by the real commands (each test runs
    on its own copy)."""
    _need_tmux()
    today = datetime.now(ZoneInfo("America/New_York"))
    home = tmp_path_factory.mktemp("e2e-home")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCHEDTUI_")}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        environment[name] = str(home / name.lower())
    environment["SCHEDTUI_CONFIG"] = str(home / "config.toml")
    store = home / "clinic.db"
    subprocess.run([*SCHEDTUI, "init", "--db", str(store)], check=True, env=environment)
    seed = ["seed", "--not-a-real-clinic", "--db", str(store), "--patients", "300"]
    seed += ["--today", today.date().isoformat()]
    subprocess.run([*SCHEDTUI, *seed], check=True, capture_output=True, env=environment)
    assert not Path(f"{store}-wal").exists(), "the seeded store's log was not folded in"
    return store, today


@pytest.fixture
def clinic_today(
    seeded_today: tuple[Path, datetime], tmp_path: Path, terminal_env: dict[str, str]
) -> tuple[Path, datetime]:
    seeded, today = seeded_today
    store = tmp_path / "clinic.db"
    shutil.copyfile(seeded, store)
    store.chmod(0o600)
    return store, today


def test_scheduler_reads_today_moves_a_day_opens_help_and_quits(
    clinic_today: tuple[Path, datetime], terminal_env: dict[str, str]
) -> None:
    store, today = clinic_today
    terminal = Terminal(f"{sys.executable} -m schedtui --db {store}", terminal_env)
    try:
        terminal.wait_for("First run: create the administrator")
        for text in ("amy.admin", "Amy Admin", "correct-horse-1", "correct-horse-1"):
            terminal.type(text)
        terminal.wait_for("Type a name")  # the call workspace opens first
        terminal.press("F3")
        screen = terminal.wait_for(f"{today:%A %d %B %Y}")
        assert "Amy Admin (admin)" in screen
        assert "[] Day" in screen and "Help" in screen  # the day keys, grouped
        terminal.press("]")
        tomorrow = today + timedelta(days=1)
        terminal.wait_for(f"{tomorrow:%A %d %B %Y}")
        terminal.press("F1")
        terminal.wait_for("schedtui help")
        terminal.press("Escape")
        time.sleep(0.5)
        assert "schedtui help" not in terminal.screen()
        terminal.quit()
        assert not terminal.alive(), "schedtui did not quit on Ctrl+Q"
    finally:
        terminal.close()


def test_scheduler_signs_in_after_a_wrong_password(
    clinic_today: tuple[Path, datetime], terminal_env: dict[str, str]
) -> None:
    store, _ = clinic_today
    _add_users(store, {**os.environ, **terminal_env})
    terminal = Terminal(f"{sys.executable} -m schedtui --db {store}", terminal_env)
    try:
        terminal.wait_for("sign in")
        terminal.type("ava.sched")
        terminal.type("not-my-password")
        terminal.wait_for("Wrong user name or password.")
        terminal.type("correct-horse-1")
        screen = terminal.wait_for("Name, date of birth, phone or MRN")
        assert "(scheduler)" in screen and "Audit" not in screen
    finally:
        terminal.close()


def _add_users(store: Path, env: dict[str, str]) -> None:
    """Amy the admin (linked to the OS account running the tests) adds Ava the scheduler."""
    me = pwd.getpwuid(os.getuid()).pw_name
    for extra in (
        ["amy.admin", "--role", "admin", "--os-account", me],
        ["ava.sched", "--role", "scheduler"],
    ):
        subprocess.run(
            [*SCHEDTUI, "users", "add", *extra, "--password-stdin", "--db", str(store)],
            input="correct-horse-1\n",
            text=True,
            check=True,
            capture_output=True,
            env=env,
        )


def _booked_for(store: Path, patient_id: int) -> list[tuple[str, str]]:
    with sqlite3.connect(store) as db:
        rows = db.execute(
            "SELECT a.status, t.code FROM appointment a JOIN appointment_type t"
            " ON t.id = a.appointment_type_id WHERE a.patient_id = ? AND a.status = 'booked'",
            (patient_id,),
        ).fetchall()
    return sorted(rows)


def test_scheduler_finds_a_misspelt_patient_and_books_the_next_open_time(
    clinic_today: tuple[Path, datetime], terminal_env: dict[str, str]
) -> None:
    store, _ = clinic_today
    _add_users(store, {**os.environ, **terminal_env})
    with sqlite3.connect(store) as db:
        patient_id, first, last, born = db.execute(
            "SELECT id, first_name, last_name, dob FROM patient ORDER BY id LIMIT 1"
        ).fetchone()
    dob = datetime.strptime(born[:10], "%Y-%m-%d")
    misspelt = last[:-2] + last[-1] + last[-2]  # the last two letters swapped
    before = _booked_for(store, patient_id)
    terminal = Terminal(f"{sys.executable} -m schedtui --db {store}", terminal_env)
    try:
        terminal.wait_for("sign in")
        terminal.type("ava.sched")
        terminal.type("correct-horse-1")
        terminal.wait_for("Type a name")  # signed in: the lookup box has focus
        terminal.write(f"{misspelt.lower()} {dob.month}/{dob.day}/{dob.year}")
        terminal.wait_for("1 match")
        terminal.press("Enter")
        terminal.wait_for(f"{last}, {first}")
        terminal.press("C-b")
        terminal.wait_for("Booking for")
        terminal.type("follow-up")
        terminal.wait_for("open times: Enter")
        script = terminal.book_the_first_time("caller will bring the card")
        terminal.quit()
    finally:
        terminal.close()
    after = _booked_for(store, patient_id)
    assert len(after) == len(before) + 1
    assert "please arrive by" in script or "by video" in script


def test_sandbox_opens_with_its_banner(terminal_env: dict[str, str]) -> None:
    terminal = Terminal(f"{sys.executable} -m schedtui --sandbox", terminal_env)
    try:
        terminal.wait_for("SANDBOX · synthetic patients", timeout=60)
        terminal.wait_for("Name, date of birth, phone or MRN")  # the call workspace first
        terminal.press("F3")
        assert "[] Day" in terminal.wait_for("[] Day")  # Today, its day keys grouped
    finally:
        terminal.close()


def test_scheduler_checks_an_offered_time_in_the_calendar_and_reads_a_specialty_week(
    clinic_today: tuple[Path, datetime], terminal_env: dict[str, str]
) -> None:
    """From the open times, Ctrl+G shows the offered time in the calendar and Esc comes
    back; F10 then narrows the columns to cardiology and shows their week."""
    store, today = clinic_today
    _add_users(store, {**os.environ, **terminal_env})
    with sqlite3.connect(store) as db:
        first, last = db.execute(
            "SELECT first_name, last_name FROM patient ORDER BY id LIMIT 1"
        ).fetchone()
    terminal = Terminal(f"{sys.executable} -m schedtui --db {store}", terminal_env)
    try:
        terminal.wait_for("sign in")
        terminal.type("ava.sched")
        terminal.type("correct-horse-1")
        terminal.wait_for("Type a name")
        terminal.write(f"{last.lower()} {first.lower()}")
        terminal.wait_for("match")
        terminal.press("Enter")
        terminal.wait_for(f"{last}, {first}")
        terminal.press("C-b")
        terminal.wait_for("Booking for")
        terminal.type("follow-up")
        offered = terminal.wait_for("open times: Enter")
        terminal.press("C-g")
        calendar = terminal.wait_for("-minute rows")
        terminal.press("Escape")
        back = terminal.wait_for("open times: Enter")
        terminal.press("Escape")
        terminal.wait_for(f"{last}, {first}")
        terminal.press("F10")
        terminal.wait_for("-minute rows")
        terminal.press("f")
        terminal.wait_for("Whose columns?")
        terminal.type("cardiology")
        narrowed = terminal.wait_for("Specialty: Cardiology")
        terminal.press("w")
        week = terminal.wait_for("Week of")
    finally:
        terminal.close()
    found = re.search(r"\b[A-Z][a-z]{2} (\d{2})/(\d{2}) \d{2}:\d{2} [AP]M", offered)
    assert found, offered
    day = date(today.year, int(found.group(1)), int(found.group(2)))
    if day < today.date():  # offered in January, seen in December
        day = day.replace(year=today.year + 1)
    assert f"{day:%A %d %B %Y}" in calendar  # the calendar opened on the offered day
    assert "open times: Enter" in back
    assert "Specialty: Cardiology" in narrowed and "Week of" in week


#: A referral on the work queue: "referral  MRN  [urgency]  book TYPE (status)" (a narrow
#: terminal leaves the urgency out).
_REFERRAL_ROW = re.compile(r"\breferral\s+(\d+)\s+(?:\S+\s+)?book (\S+) \(")


def _referral_status(store: Path, mrn: str, type_code: str) -> list[str]:
    with sqlite3.connect(store) as db:
        rows = db.execute(
            "SELECT r.status FROM referral r JOIN patient p ON p.id = r.patient_id"
            " JOIN appointment_type t ON t.id = r.appointment_type_id"
            " WHERE p.mrn = ? AND t.code = ? ORDER BY r.id",
            (mrn, type_code),
        ).fetchall()
    return [status for (status,) in rows]


def test_scheduler_books_the_first_referral_on_the_work_queue(
    clinic_today: tuple[Path, datetime], terminal_env: dict[str, str]
) -> None:
    """Open the queue, take the first referral, book it (the read-back names the
    referral), file the note: the referral shows scheduled."""
    store, _ = clinic_today
    _add_users(store, {**os.environ, **terminal_env})
    terminal = Terminal(f"{sys.executable} -m schedtui --db {store}", terminal_env)
    try:
        terminal.wait_for("sign in")
        terminal.type("ava.sched")
        terminal.type("correct-horse-1")
        terminal.wait_for("Type a name")
        terminal.press("F11")
        queue = terminal.wait_for(" book ")  # the queue's referrals are listed
        rows = [line for line in queue.splitlines() if re.search(r"\d{8}", line)]
        first = next((n for n, line in enumerate(rows) if _REFERRAL_ROW.search(line)), None)
        assert first is not None, queue
        found = _REFERRAL_ROW.search(rows[first])
        assert found is not None
        mrn, type_code = found.groups()
        before = _referral_status(store, mrn, type_code)
        terminal.press(*["Down"] * first, "Enter")
        terminal.wait_for(f"MRN         {mrn}")
        terminal.press("C-b")
        terminal.wait_for("Booking for")
        terminal.type(type_code)
        terminal.wait_for("open times: Enter")
        script = terminal.book_the_first_time("self-pay, card to follow")
        terminal.press("F5")
        terminal.write("Booked the referral; told the caller to bring the referral letter")
        terminal.press("C-s")
        terminal.wait_for("Call note filed")
        terminal.quit()
    finally:
        terminal.close()
    assert "for the referral from" in script
    after = _referral_status(store, mrn, type_code)
    assert after.count("scheduled") == before.count("scheduled") + 1
