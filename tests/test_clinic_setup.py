"""Setting a clinic up from nothing (issue 16, item 3): specialties, sites and their hours,
providers and visit types added, edited and deactivated from the command line, each
refusal named with nothing written, each change audited and on the change feed."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlmodel import col, select

from schedtui.core.schedule import clinic_setup as sites
from schedtui.core.schedule import provider_setup as setup
from schedtui.core.schedule.setup_checks import npi, site_hours
from schedtui.core.security.access import Actor
from schedtui.core.support.clock import FrozenClock
from schedtui.core.support.errors import BadInput
from schedtui.data import models as m
from schedtui.data.seed.clinic import npi_with_check_digit
from schedtui.data.store import Store
from tests.cli_helpers import as_os, link_first_admin, run_and_read
from tests.conftest import SEED_NOW

#: The commands' clock: a month before the template below starts.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
ORTEGA_NPI = npi_with_check_digit(123456789)
A_PROVIDER = ["--first", "A", "--last", "B", "--specialties", "FM", "--sites", "DEN"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr("schedtui.cli.SystemClock", lambda: FrozenClock(NOW))
    path = str(tmp_path / "clinic.db")
    link_first_admin(path, monkeypatch, capsys)
    return path


def _ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_and_read(capsys, *argv)
    assert code == 0, err
    return out


def _set_up(capsys: pytest.CaptureFixture[str], db: str) -> None:
    _ok(capsys, "specialties", "add", "FM", "--name", "Family medicine", "--db", db)
    _ok(
        capsys, "sites", "add", "DEN", "--name", "Harbor Denver", "--timezone", "America/Denver",
        "--phone", "303 555 0100", "--hours", "mon-fri 8:00-17:00; sat 9-12", "--db", db,
    )  # fmt: skip
    _ok(
        capsys, "providers", "add", "--npi", ORTEGA_NPI, "--first", "Ana", "--last", "Ortega",
        "--specialties", "FM", "--sites", "DEN", "--languages", "en,es", "--db", db,
    )  # fmt: skip
    _ok(
        capsys, "types", "add", "FMFU", "--name", "Follow-up", "--category", "follow-up",
        "--minutes", "20", "--specialty", "FM", "--cpt", "99213", "--db", db,
    )  # fmt: skip
    _ok(
        capsys, "templates", "add", "--provider", "1", "--site", "DEN", "--days", "weekdays",
        "--from", "08:00", "--to", "12:00", "--types", "FMFU", "--effective-from", "2027-01-04",
        "--save", "--db", db,
    )  # fmt: skip


def _open_times(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, object]]:
    out = _ok(
        capsys, "slots", "find", "--type", "FMFU", "--after", "2027-01-04", "--before",
        "2027-01-09", "--limit", "3", "--json", "--db", db,
    )  # fmt: skip
    found: list[dict[str, object]] = json.loads(out)
    return found


def test_a_clinic_set_up_from_nothing_offers_its_times(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_up(capsys, db)
    times = _open_times(capsys, db)
    assert [slot["start"] for slot in times] == [
        "2027-01-04T15:00:00+00:00",  # 8:00 in Denver (MST)
        "2027-01-04T15:20:00+00:00",
        "2027-01-04T15:40:00+00:00",
    ]
    listed = json.loads(_ok(capsys, "providers", "list", "--json", "--db", db))
    assert [(p["name"], p["languages"]) for p in listed] == [("Ana Ortega", ["en", "es"])]
    said = _ok(capsys, "providers", "deactivate", "1", "--db", db)
    assert "never offered again" in said
    assert _open_times(capsys, db) == []  # at once: the reference version moved
    assert json.loads(_ok(capsys, "providers", "list", "--json", "--db", db)) == []
    _ok(capsys, "providers", "activate", "1", "--db", db)
    assert len(_open_times(capsys, db)) == 3
    _ok(capsys, "types", "edit", "FMFU", "--minutes", "30", "--db", db)
    starts = [slot["start"] for slot in _open_times(capsys, db)]
    assert starts[1] == "2027-01-04T15:30:00+00:00"  # the new length, at once


def _counts(db: str) -> tuple[int, ...]:
    with sqlite3.connect(db) as connection:
        tables = ("site", "site_hours", "specialty", "provider", "provider_language")
        tables += ("appointment_type", "domain_event")
        return tuple(connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["sites", "add", "X", "--name", "X", "--timezone", "Mars/Base"], "not an IANA name"),
        (["sites", "add", "X", "--name", "X", "--timezone", "../../etc/passwd"], "IANA"),
        (["sites", "add", "DEN", "--name", "Again", "--timezone", "UTC"], "already a site"),
        (["sites", "add", "B OS", "--name", "X", "--timezone", "UTC"], "site code"),
        (["sites", "edit", "DEN", "--hours", "mon-fri 17-8"], "end before they start"),
        (["sites", "edit", "DEN", "--hours", "funday 8-12"], "days are mon"),
        (["sites", "edit", "DEN", "--phone", "12"], "phone '12'"),
        (["sites", "edit", "DEN", "--name", "a\x1b[2Jb"], "control characters"),
        (["sites", "edit", "NOPE", "--name", "x"], "no site 'NOPE'"),
        (["providers", "add", "--npi", "1234567890", *A_PROVIDER], "check digit"),
        (["providers", "add", "--npi", ORTEGA_NPI, *A_PROVIDER], "already a provider"),
        (["providers", "edit", "1", "--specialties", "CARD"], "no specialty 'CARD'"),
        (["providers", "edit", "1", "--languages", "english"], "ISO 639-1"),
        (["providers", "edit", "1", "--first", " "], "first name is required"),
        (["providers", "edit", "9", "--first", "Z"], "no provider with id 9"),
        (
            ["types", "add", "NEW", "--name", "New", "--category", "new", "--minutes", "7"],
            "5 to 480 minutes",
        ),
        (
            ["types", "add", "NEW", "--name", "New", "--category", "odd", "--minutes", "30"],
            "category 'odd'",
        ),
        (["types", "edit", "FMFU", "--cpt", "9921"], "CPT code '9921'"),
        (["types", "edit", "FMFU", "--resource-kind", "robot"], "resource 'robot'"),
        (["types", "edit", "FMFU", "--resource-kind", "equipment"], "never be bookable"),
        (["types", "deactivate", "ZZZ"], "no visit type 'ZZZ'"),
    ],
)
def test_bad_setup_input_is_named_and_changes_nothing(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    _set_up(capsys, db)
    before = _counts(db)
    code, out, err = run_and_read(capsys, *argv, "--db", db)
    assert code == 2, (out, err)
    assert said in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _counts(db) == before


def test_only_supervisors_and_admins_set_up_the_clinic(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_up(capsys, db)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("correct-horse-2\n"))
    _ok(
        capsys, "users", "add", "sam", "--role", "scheduler", "--os-account", "sam_os",
        "--password-stdin", "--db", db,
    )  # fmt: skip
    as_os(monkeypatch, "sam_os")
    before = _counts(db)
    for argv in (
        ["sites", "add", "CAM", "--name", "Cambridge", "--timezone", "America/New_York"],
        ["providers", "deactivate", "1"],
        ["types", "edit", "FMFU", "--minutes", "40"],
        ["specialties", "add", "CARD", "--name", "Cardiology"],
    ):
        code, _, err = run_and_read(capsys, *argv, "--db", db)
        assert code != 0 and "set up sites, providers and visit types" in err
    assert _counts(db) == before


def test_each_change_is_audited_before_and_after_and_on_the_feed(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_up(capsys, db)
    said = _ok(capsys, "providers", "edit", "1", "--languages", "es", "--no-new-patients",
               "--db", db)  # fmt: skip
    assert "changed accepts_new_patients, languages" in said
    assert "nothing to change" in _ok(capsys, "providers", "edit", "1", "--languages", "es",
                                      "--db", db)  # fmt: skip
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT detail_json FROM audit_event WHERE entity = 'provider' AND action = 'update'"
        ).fetchall()
        feed = connection.execute(
            "SELECT kind, aggregate_id, provider_id FROM domain_event ORDER BY id"
        ).fetchall()
    assert [json.loads(row[0]) for row in rows] == [
        {
            "before": {"accepts_new_patients": True, "languages": "en,es"},
            "after": {"accepts_new_patients": False, "languages": "es"},
        }
    ]
    kinds = [kind for kind, _, _ in feed]
    assert kinds[:4] == [
        "specialty.added",
        "site.added",
        "provider.added",
        "appointment_type.added",
    ]
    assert feed[-1] == ("provider.changed", 1, 1)


def test_a_provider_with_booked_visits_is_deactivated_never_deleted(seeded_store: Store) -> None:
    admin = Actor(None, "amy", "admin")
    with seeded_store.read() as session:
        booked = session.exec(
            select(m.Appointment.provider_id)
            .where(col(m.Appointment.status) == "booked")
            .where(col(m.Appointment.start) > SEED_NOW)
        ).first()
    assert booked is not None
    ahead = setup.set_provider_active(seeded_store, admin, booked, False, now=SEED_NOW)
    assert ahead > 0
    with seeded_store.read() as session:
        provider = session.get(m.Provider, booked)
        still = session.exec(
            select(m.Appointment)
            .where(col(m.Appointment.provider_id) == booked)
            .where(col(m.Appointment.start) > SEED_NOW)
            .where(col(m.Appointment.status) == "booked")
        ).all()
    assert provider is not None and not provider.active
    assert len(still) == ahead


def test_opening_hours_read_as_people_write_them() -> None:
    hours = site_hours("mon-fri 8:00-17:00; sat 9-12")
    assert hours[0] == hours[4] == (time(8), time(17))
    assert hours[5] == (time(9), time(12)) and 6 not in hours
    assert site_hours("sun 0-24")[6] == (time(0), time(23, 59))
    for wrong in ("", "mon 8-8", "fri-mon 8-12", "mon 8-12; mon 13-14", "mon 25-26", "mon 8"):
        with pytest.raises(BadInput):
            site_hours(wrong)


def test_an_npi_is_checked_by_its_luhn_digit() -> None:
    assert npi(ORTEGA_NPI) == ORTEGA_NPI
    for wrong in ("123456789", "12345678901", "abcdefghij", ORTEGA_NPI[:9] + "0"):
        if wrong == ORTEGA_NPI:
            continue
        with pytest.raises(BadInput):
            npi(wrong)


def test_a_resource_kind_is_kept_when_a_resource_serves_the_type(seeded_store: Store) -> None:
    admin = Actor(None, "amy", "admin")
    with seeded_store.read() as session:
        scan = session.exec(
            select(m.AppointmentType).where(col(m.AppointmentType.resource_kind) == "equipment")
        ).first()
    assert scan is not None
    fields = setup.TypeFields(name="Scan (renamed)", resource_kind="equipment")
    assert setup.edit_type(seeded_store, admin, scan.code, fields, now=SEED_NOW) == ["name"]


def test_a_scanner_added_and_linked_makes_its_visit_type_bookable(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_up(capsys, db)
    _ok(capsys, "types", "add", "MRI", "--name", "MRI scan", "--category", "procedure",
        "--minutes", "60", "--db", db)  # fmt: skip
    _ok(capsys, "templates", "add", "--provider", "1", "--site", "DEN", "--days", "weekdays",
        "--from", "13:00", "--to", "17:00", "--types", "MRI", "--effective-from", "2027-01-04",
        "--save", "--db", db)  # fmt: skip
    code, _, err = run_and_read(capsys, "types", "edit", "MRI", "--resource-kind", "equipment",
                                "--db", db)  # fmt: skip
    assert code == 2 and "never be bookable" in err
    added = _ok(capsys, "resources", "add", "--kind", "equipment", "--name", "MRI 1", "--site",
                "DEN", "--serves", "MRI", "--json", "--db", db)  # fmt: skip
    scanner = json.loads(added)["id"]
    _ok(capsys, "types", "edit", "MRI", "--resource-kind", "equipment", "--db", db)
    listed = json.loads(_ok(capsys, "resources", "list", "--json", "--db", db))
    assert [(r["name"], r["site"], r["serves"], r["active"]) for r in listed] == [
        ("MRI 1", "DEN", ["MRI"], True)
    ]

    def scans() -> list[object]:
        out = _ok(capsys, "slots", "find", "--type", "MRI", "--after", "2027-01-04", "--before",
                  "2027-01-09", "--limit", "2", "--json", "--db", db)  # fmt: skip
        return list(json.loads(out))

    assert len(scans()) == 2
    _ok(capsys, "resources", "deactivate", str(scanner), "--db", db)
    assert scans() == []  # no scanner in service: no scan offered
    _ok(capsys, "resources", "activate", str(scanner), "--db", db)
    assert len(scans()) == 2


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["resources", "add", "--kind", "robot", "--name", "R2"], "kind 'robot'"),
        (["resources", "add", "--kind", "interpreter", "--name", "Ana"], "needs --language"),
        (["resources", "add", "--kind", "room", "--name", "4", "--language", "es"], "Only an"),
        (["resources", "add", "--kind", "room", "--name", "4", "--serves", "ZZZ"], "'ZZZ'"),
        (["resources", "add", "--kind", "room", "--name", "4", "--site", "NOPE"], "'NOPE'"),
        (["resources", "edit", "99", "--name", "x"], "no resource with id 99"),
    ],
)
def test_bad_resource_input_is_named_and_changes_nothing(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    _set_up(capsys, db)
    before = _counts(db)
    code, _, err = run_and_read(capsys, *argv, "--db", db)
    assert code == 2 and said in err and len(err.strip().splitlines()) == 1
    assert _counts(db) == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM resource").fetchone() == (0,)


def test_the_search_and_the_booking_honour_the_sites_opening_hours(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_up(capsys, db)  # the template says weekdays 8-12; the site opens mon-fri 8-17
    _ok(capsys, "sites", "edit", "DEN", "--hours", "tue-fri 10:00-17:00", "--db", db)
    starts = [slot["start"] for slot in _open_times(capsys, db)]
    assert starts[0] == "2027-01-05T17:00:00+00:00"  # Tuesday 10:00 in Denver, not Monday 8:00
    added = _ok(capsys, "patients", "add", "--first", "Lena", "--last", "Marsh", "--dob",
                "1980-02-03", "--phone", "303 555 0142", "--json", "--db", db)  # fmt: skip
    mrn = str(json.loads(added)["mrn"])
    booking = ["book", "--patient", mrn, "--provider", "1", "--type", "FMFU",
               "--override-reason", "self-pay", "--db", db]  # fmt: skip
    for closed in ("2027-01-04T15:00:00+00:00", "2027-01-05T15:00:00+00:00"):  # Mon; Tue 8:00
        code, _, err = run_and_read(capsys, *booking, "--start", closed)
        assert code == 2 and "Cannot book that time" in err, err
    _ok(capsys, *booking, "--start", "2027-01-05T17:00:00+00:00")
    _ok(capsys, "sites", "edit", "DEN", "--hours", "mon-fri 8-17", "--db", db)
    starts = [slot["start"] for slot in _open_times(capsys, db)]
    assert starts[0] == "2027-01-04T15:00:00+00:00"  # open again on Monday at 8:00


def test_booking_limits_set_change_and_remove_what_is_offered(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_up(capsys, db)
    general = _ok(capsys, "limits", "set", "--max-per-day", "2", "--json", "--db", db)
    _ok(
        capsys,
        "limits",
        "set",
        "--provider",
        "1",
        "--type",
        "FMFU",
        "--min-notice-hours",
        "1440",
        "--db",
        db,
    )  # fmt: skip  (60 days: January is too soon)
    assert _open_times(capsys, db) == []
    again = _ok(capsys, "limits", "set", "--max-per-day", "5", "--json", "--db", db)
    assert json.loads(again) == json.loads(general)  # the same row (every provider and type)
    listed = json.loads(_ok(capsys, "limits", "list", "--json", "--db", db))
    assert [(r["provider_id"], r["type_code"], r["min_notice_minutes"], r["max_per_day"])
            for r in listed] == [(None, "", None, 5), (1, "FMFU", 86400, None)]  # fmt: skip
    with sqlite3.connect(db) as connection:
        audited = connection.execute(
            "SELECT count(*) FROM audit_event WHERE entity = 'booking_limit'"
        ).fetchone()
    assert audited == (3,)
    _ok(capsys, "limits", "remove", str(listed[1]["id"]), "--db", db)
    assert len(json.loads(_ok(capsys, "limits", "list", "--json", "--db", db))) == 1
    assert len(_open_times(capsys, db)) == 3  # the notice gone, January is offered again
    for argv, said in (
        (["limits", "set", "--provider", "1"], "Say the limit"),
        (["limits", "set", "--max-per-day", "-1"], "0 to 200"),
        (["limits", "set", "--min-notice-hours", "9999"], "minimum notice"),
        (["limits", "set", "--type", "ZZZ", "--max-per-day", "1"], "no visit type 'ZZZ'"),
        (["limits", "remove", "99"], "no booking limit 99"),
    ):
        code, _, err = run_and_read(capsys, *argv, "--db", db)
        assert code == 2 and said in err, (argv, err)


def test_a_site_with_visits_ahead_keeps_its_time_zone(seeded_store: Store) -> None:
    admin = Actor(None, "amy", "admin")
    with seeded_store.read() as session:
        site = session.exec(select(m.Site)).first()
    assert site is not None
    fields = sites.SiteFields(timezone="America/Los_Angeles")
    with pytest.raises(BadInput, match="visits ahead are booked"):
        sites.edit_site(seeded_store, admin, site.code, fields, now=SEED_NOW, region="US")
    fields = sites.SiteFields(name="Renamed")
    assert sites.edit_site(seeded_store, admin, site.code, fields, now=SEED_NOW, region="US") == [
        "name"
    ]
