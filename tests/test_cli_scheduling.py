"""The scheduling commands, as a script or a person at a shell uses them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from schedtui.core.support.clock import FrozenClock
from schedtui.core.upkeep.stores import open_store
from schedtui.data import models as m
from tests.cli_helpers import link_first_admin
from tests.cli_helpers import run_and_read as _cli
from tests.engine_clinic import build_engine_clinic

NOW = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """An engine clinic whose admin is the OS account running the commands; clock frozen."""
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    build_engine_clinic(store)
    store.dispose()
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(NOW))
    link_first_admin(str(path), monkeypatch, capsys)
    return str(path)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = _cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_reference_lists(capsys: pytest.CaptureFixture[str], db: str) -> None:
    sites = _json(capsys, "sites", "list", "--db", db)
    providers = _json(capsys, "providers", "list", "--specialty", "FM", "--db", db)
    types = _json(capsys, "types", "list", "--db", db)
    assert [s["timezone"] for s in sites] == ["America/New_York"]  # type: ignore[index,union-attr]
    assert {p["name"] for p in providers} == {"Amara Okafor", "Luis Ortega"}  # type: ignore[index,union-attr]
    assert {t["code"] for t in types} == {"FU", "MRI"}  # type: ignore[index,union-attr]
    code, _, err = _cli(capsys, "providers", "list", "--specialty", "XYZ", "--db", db)
    assert code == 2 and "no specialty 'XYZ'" in err


def test_find_then_book_then_list(capsys: pytest.CaptureFixture[str], db: str) -> None:
    slots = _json(
        capsys, "slots", "find", "--type", "FU", "--after", "2026-03-09", "--limit", "3", "--db", db
    )
    assert isinstance(slots, list) and len(slots) == 3
    first = slots[0]
    assert set(first) >= {"provider_id", "site_id", "start", "end", "type_code", "why"}
    code, out, err = _cli(
        capsys,
        "book",
        "--override-reason",
        "self-pay",
        "--patient",
        "E0001",
        "--provider",
        str(first["provider_id"]),
        "--start",
        first["start"],
        "--type",
        "FU",
        "--db",
        db,
    )
    assert code == 0, err
    appointment_id = int(out.strip())
    listed = _json(capsys, "appointments", "list", "--patient", "E0001", "--db", db)
    assert isinstance(listed, list)
    assert [(a["id"], a["status"], a["start"]) for a in listed] == [
        (appointment_id, "booked", first["start"])
    ]
    assert set(listed[0]) >= {
        "patient_mrn",
        "provider_id",
        "site_id",
        "type_code",
        "end",
        "cancellation_reason",
        "overbooked",
        "previous_appointment_id",
    }


def test_a_time_without_zone_is_read_in_the_sites_zone(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = _cli(
        capsys,
        "book",
        "--override-reason",
        "self-pay",
        "--patient",
        "E0002",
        "--provider",
        "1",
        "--start",
        "2026-03-09T09:00",
        "--type",
        "FU",
        "--json",
        "--db",
        db,
    )
    assert code == 0
    assert "read as America/New_York time" in err
    appointment_id = json.loads(out)["id"]
    listed = _json(capsys, "appointments", "list", "--date", "2026-03-09", "--db", db)
    assert [a["start"] for a in listed if a["id"] == appointment_id] == [  # type: ignore[index,union-attr]
        "2026-03-09T13:00:00+00:00"
    ]


def test_starts_and_days_are_read_as_people_say_them_and_echoed(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    """It is Friday 6 March 2026: "next mon 9am" at a Boston site is Monday 9 March
    9:00 EDT; `appointments list --date 'mar 9'` finds it; each says how it read them."""
    code, out, err = _cli(
        capsys, "book", "--override-reason", "self-pay", "--patient", "E0002",
        "--provider", "1", "--start", "next mon 9am", "--type", "FU", "--json", "--db", db,
    )  # fmt: skip
    assert code == 0, err
    assert "--start 'next mon 9am' read as Mon 2026-03-09 09:00 AM EDT." in err
    appointment_id = json.loads(out)["id"]
    code, out, err = _cli(capsys, "appointments", "list", "--date", "mar 9", "--json", "--db", db)
    assert code == 0 and "--date 'mar 9' read as Mon 2026-03-09." in err
    starts = [a["start"] for a in json.loads(out) if a["id"] == appointment_id]
    assert starts == ["2026-03-09T13:00:00+00:00"]
    code, _, err = _cli(capsys, "appointments", "list", "--date", "someday", "--db", db)
    assert code == 2 and err.startswith("schedtui: --date: 'someday' is not a day I can read")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--patient", "NOPE"], "no patient with MRN 'NOPE'"),
        (["--start", "2026-03-09T09:03-05:00"], "not on a 5-minute slot boundary"),
        (["--start", "2026-03-02T09:00-05:00"], "already passed"),
        (["--start", "next monday"], "needs both a day and a time"),
        (["--start", "next mon 13pm"], "13pm is not a time of day"),
        (["--start", "blursday 9am"], "is not a day I can read"),
        (["--type", "ZZZ"], "no appointment type 'ZZZ'"),
        (["--provider", "77"], "Provider 77 has no schedule"),
    ],
)
def test_bad_bookings_exit_2_and_write_nothing(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], message: str
) -> None:
    base = {
        "--patient": "E0001",
        "--provider": "1",
        "--start": "2026-03-09T09:00-04:00",
        "--type": "FU",
    }
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    code, _, err = _cli(capsys, "book", *[x for pair in base.items() for x in pair], "--db", db)
    assert code == 2 and message in err and err.count("\n") == 1
    assert _json(capsys, "appointments", "list", "--db", db) == []


def test_cancel_reschedule_and_status(capsys: pytest.CaptureFixture[str], db: str) -> None:
    _, out, _ = _cli(
        capsys,
        "book",
        "--override-reason",
        "self-pay",
        "--patient",
        "E0001",
        "--provider",
        "1",
        "--start",
        "2026-03-09T09:00-04:00",
        "--type",
        "FU",
        "--db",
        db,
    )
    first = out.strip()
    move = ["appointments", "reschedule", first, "--start", "2026-03-09T11:00-04:00"]
    code, _, err = _cli(capsys, *move, "--reason", "pat-cpp", "--db", db)
    assert code == 2 and "open insurance items is required: Coverage" in err
    assert "Move anyway with --override-reason TEXT." in err
    code, out, _ = _cli(
        capsys, *move, "--reason", "pat-cpp", "--override-reason", "self-pay", "--db", db
    )
    assert code == 0
    second = out.strip()
    code, _, err = _cli(
        capsys, "appointments", "cancel", second, "--reason", "pat-whim", "--db", db
    )
    assert code == 2 and "'pat-whim' is not a cancellation reason code" in err
    code, _, err = _cli(capsys, "appointments", "status", second, "arrived", "--db", db)
    assert code == 2 and "before the day of the visit" in err
    code, out, _ = _cli(capsys, "appointments", "cancel", second, "--reason", "pat-fb", "--db", db)
    assert code == 0 and "Cancelled" in out
    listed = {a["id"]: a for a in _json(capsys, "appointments", "list", "--db", db)}  # type: ignore[union-attr]
    assert listed[int(first)]["cancellation_reason"] == "pat-cpp"
    assert listed[int(second)]["previous_appointment_id"] == int(first)


def test_waitlist_and_offers(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = _cli(
        capsys,
        "waitlist",
        "add",
        "--patient",
        "E0003",
        "--type",
        "FU",
        "--from",
        "2026-03-09",
        "--priority",
        "2",
        "--db",
        db,
    )
    assert code == 0, err
    entries = _json(capsys, "waitlist", "list", "--db", db)
    assert [e["patient_mrn"] for e in entries] == ["E0003"]  # type: ignore[index,union-attr]
    offers = _json(
        capsys, "waitlist", "offers", "1@2026-03-09T08:00", "--minutes", "20", "--db", db
    )
    assert [o["entry_id"] for o in offers] == [int(out.strip())]  # type: ignore[index,union-attr]
    code, _, err = _cli(capsys, "waitlist", "offers", "tomorrow", "--db", db)
    assert code == 2 and "is not PROVIDER@START" in err


def test_third_next_available(capsys: pytest.CaptureFixture[str], db: str) -> None:
    rows = _json(capsys, "access", "tna", "--type", "FU", "--db", db)
    assert {(r["provider_id"], r["days"]) for r in rows} == {(1, 3), (2, 3)}  # type: ignore[index,union-attr]


def test_patients_show_is_the_panel_and_an_audited_view(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    slots = _json(capsys, "slots", "find", "--type", "FU", "--after", "2026-03-09", "--db", db)
    assert isinstance(slots, list)
    booked = ["--provider", str(slots[0]["provider_id"]), "--start", slots[0]["start"]]
    booked += ["--override-reason", "self-pay"]
    assert _cli(capsys, "book", "--patient", "E0001", *booked, "--type", "FU", "--db", db)[0] == 0
    panel = _json(capsys, "patients", "show", "E0001", "--db", db)
    assert isinstance(panel, dict)
    assert panel["mrn"] == "E0001" and panel["name"] == "Test, Pat1"
    assert [visit["type_code"] for visit in panel["upcoming"]] == ["FU"]
    code, out, _ = _cli(capsys, "patients", "show", "E0001", "--db", db)
    assert code == 0 and out.startswith("Test, Pat1  E0001  born ")
    assert "balance $0.00" in out and "upcoming: 2026-03-09 08:00 EDT FU" in out
    code, _, err = _cli(capsys, "patients", "show", "NOPE1", "--db", db)
    assert code == 2 and "There is no patient with MRN 'NOPE1'." in err
    views = _json(capsys, "audit", "show", "--patient", "E0001", "--db", db)
    assert isinstance(views, list)
    assert sum(1 for row in views if row["action"] == "view" and row["entity"] == "patient") == 2


def test_notes_add_files_a_note_whole_or_not_at_all(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, err = _cli(
        capsys, "notes", "add", "Asked about [b]prep[/b]", "--patient", "E0002", "--db", db
    )
    assert code == 0, err
    assert out.startswith("Note ") and out.rstrip().endswith("filed for E0002.")
    for argv, message in (
        (["   ", "--patient", "E0002"], "The note is empty"),
        (["hello", "--patient", "NOPE1"], "There is no patient with MRN 'NOPE1'."),
        (["hello", "--patient", "E0002", "--appointment", "999"], "Appointment 999 is not one"),
    ):
        code, _, err = _cli(capsys, "notes", "add", *argv, "--db", db)
        assert code == 2 and message in err, err
    panel = _json(capsys, "patients", "show", "E0002", "--db", db)
    assert isinstance(panel, dict)
    assert [(n["body"], n["author"]) for n in panel["notes"]] == [
        ("Asked about [b]prep[/b]", "amy")
    ]
    with open_store(db, now=NOW).store.read() as session:
        notes = session.exec(select(m.CallNote)).all()
    assert [(n.is_draft, n.body) for n in notes] == [(False, "Asked about [b]prep[/b]")]


def _patients(db: str) -> list[str]:
    with open_store(db, now=NOW).store.read() as session:
        return sorted(p.last_name for p in session.exec(select(m.Patient)))


def test_patients_add_checks_like_the_form_and_warns_of_duplicates(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    before = _patients(db)
    new = ["--first", "Rosa", "--last", "Quintero", "--phone", "617 555 0199"]
    added = _json(capsys, "patients", "add", *new, "--dob", "march 4 61", "--db", db)
    assert isinstance(added, dict) and str(added["mrn"]).isdigit()
    assert _patients(db) == sorted([*before, "Quintero"])
    found = _json(capsys, "patients", "search", "quintero 3/4/61", "--db", db)
    assert isinstance(found, list) and found[0]["mrn"] == added["mrn"]

    code, _, err = _cli(capsys, "patients", "add", *new, "--dob", "1961-03-04", "--db", db)
    assert code == 3, err
    assert f"{added['mrn']}  Quintero, Rosa  03/04/1961" in err and "--force" in err
    assert _patients(db) == sorted([*before, "Quintero"])
    code, out, err = _cli(capsys, "patients", "add", *new, "--dob", "3/4/61", "--force", "--db", db)
    assert code == 0 and out.startswith("Registered ") and str(added["mrn"]) not in out, err
    assert _patients(db).count("Quintero") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--dob", "2090-01-01"], "--dob: "),
        (["--dob", "1961-03-04", "--phone", "12"], "--phone: "),
        (["--dob", "1961-03-04", "--phone", ""], "--phone: required"),
        (["--dob", "1961-03-04", "--email", "rosa@"], "--email: "),
        (["--dob", "1961-03-04", "--sex", "robot"], "--sex: "),
    ],
)
def test_patients_add_names_the_bad_option_and_adds_nobody(
    capsys: pytest.CaptureFixture[str], db: str, argv: list[str], message: str
) -> None:
    before = _patients(db)
    code, _, err = _cli(
        capsys, "patients", "add", "--first", "Rosa", "--last", "Q", *argv, "--db", db
    )
    assert code == 2 and err.startswith("schedtui: ") and message in err, err
    assert "Traceback" not in err
    assert _patients(db) == before


def test_booking_despite_open_insurance_items_needs_a_reason(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    """As on the booking screen: no coverage on file is an open item; without a reason
    nothing is booked, with one the reason and the items go into the audit."""
    when = ["--patient", "E0002", "--provider", "1", "--start", "2026-03-09T09:00-04:00"]
    code, _, err = _cli(capsys, "book", *when, "--type", "FU", "--db", db)
    assert code == 2 and err.count("\n") == 1
    assert "The reason for booking despite open insurance items is required: Coverage:" in err
    assert "Book anyway with --override-reason TEXT." in err
    assert _json(capsys, "appointments", "list", "--db", db) == []
    code, _, err = _cli(
        capsys, "book", *when, "--type", "FU", "--override-reason", "self-pay", "--db", db
    )
    assert code == 0 and "Booked despite: Coverage: none on file" in err
    rows = _json(capsys, "audit", "show", "--patient", "E0002", "--db", db)
    assert isinstance(rows, list)
    [created] = [row for row in rows if row["action"] == "create"]
    override = json.loads(created["detail"])["insurance_override"]
    assert override["reason"] == "self-pay" and override["open_items"][0].startswith("Coverage")


def test_commands_that_change_things_answer_in_json_and_lists_name_people_and_places(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    booked = _json(
        capsys, "book", "--override-reason", "self-pay", "--patient", "E0002", "--provider",
        "1", "--start", "2026-03-09T09:00-04:00", "--type", "FU", "--db", db,
    )  # fmt: skip
    assert isinstance(booked, dict)
    code, plain, _ = _cli(capsys, "appointments", "list", "--date", "2026-03-09", "--db", db)
    assert code == 0
    [line] = [row for row in plain.splitlines() if row.split()[0] == str(booked["id"])]
    assert "Mon 03/09/2026 09:00 AM" in line and "Okafor, Amara" in line  # the site's time
    assert "provider" not in line and "13:00" not in line  # no ids, no UTC
    cancelled = _json(capsys, "appointments", "cancel", str(booked["id"]), "--reason", "pat",
                      "--db", db)  # fmt: skip
    assert cancelled == {
        "id": booked["id"],
        "status": "cancelled",
        "reason": "pat",
        "late_cancel": False,
    }  # fmt: skip  (booked minutes ago: within the grace window, not late)
    waiting = _json(capsys, "waitlist", "add", "--patient", "E0002", "--type", "FU", "--db", db)
    assert isinstance(waiting, dict) and waiting["patient_mrn"] == "E0002"
    assert isinstance(waiting["id"], int)


def test_a_site_is_named_by_its_code_or_its_id_everywhere(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    base = ("slots", "find", "--type", "FU", "--after", "2026-03-09", "--db", db)
    by_code = _json(capsys, *base, "--site", "s1")
    by_id = _json(capsys, *base, "--site", "1")
    assert by_code == by_id and by_code
    days = [
        _json(capsys, "day", "--date", "2026-03-09", "--site", s, "--db", db) for s in ("1", "s1")
    ]
    assert days[0] == days[1] and days[0]
    code, _, err = _cli(capsys, "slots", "find", "--type", "FU", "--site", "9", "--db", db)
    assert code == 2 and "There is no site '9'; the sites are S1 (1)." in err
