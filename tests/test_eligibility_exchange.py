"""The 270/271 round trip through the folders, and bad answers that change nothing."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from schedtui.cli import run
from schedtui.core.insurance.checklist import Proposal, checklist, estimate
from schedtui.core.insurance.eligibility import ingest_file, request_eligibility
from schedtui.core.security.access import Actor
from schedtui.core.support.errors import BadInput
from schedtui.core.upkeep.stores import open_store
from schedtui.core.x12.envelope import read_interchange
from schedtui.data import models as m
from schedtui.data.store import Store
from schedtui.settings import Settings, load_settings
from tests.builders import NOW, build_tiny_clinic
from tests.cli_helpers import link_first_admin
from tests.x12_samples import answer_body, interchange

ACTOR = Actor(None, "ava", "scheduler")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(eligibility_dir=str(tmp_path / "x12"))


@pytest.fixture
def covered(sqlite_store: Store) -> int:
    """Ann, covered by Bluebird since 2025."""
    clinic = build_tiny_clinic(sqlite_store)
    with sqlite_store.write() as session:
        payer = m.Payer(name="Bluebird Health Plan", x12_payer_id="BBHP01")
        session.add(payer)
        session.flush()
        session.add(
            m.Coverage(
                patient_id=clinic.patients["ann"],
                payer_id=payer.id or 0,
                member_id="B123456789",
                effective_from=date(2025, 1, 1),
            )
        )
    return clinic.patients["ann"]


def _check(store: Store) -> m.EligibilityCheck:
    with store.read() as session:
        return session.exec(select(m.EligibilityCheck)).one()


def test_request_writes_a_valid_270_to_the_outbox(
    sqlite_store: Store, covered: int, settings: Settings
) -> None:
    done = request_eligibility(
        sqlite_store,
        ACTOR,
        covered,
        day=date(2026, 3, 9),
        service_type="98",
        now=NOW,
        settings=settings,
    )
    assert done.path.parent == settings.eligibility_folder() / "outbox"
    interchange_read = read_interchange(done.path.read_text())
    segments = {s.id: s for s in interchange_read.sets[0].segments}
    assert segments["TRN"].get(2) == done.trace and segments["EQ"].get(1) == "98"
    assert segments["DTP"].get(3) == "20260309"
    names = {s.get(1): s for s in interchange_read.sets[0].segments if s.id == "NM1"}
    assert names["PR"].get(9) == "BBHP01" and names["IL"].get(9) == "B123456789"
    check = _check(sqlite_store)
    assert (check.status, check.trace_number, check.request_path) == (
        "requested",
        done.trace,
        str(done.path),
    )


def test_round_trip_updates_the_check_and_the_coverage(
    sqlite_store: Store, covered: int, settings: Settings
) -> None:
    done = request_eligibility(
        sqlite_store,
        ACTOR,
        covered,
        day=date(2026, 3, 9),
        service_type="30",
        now=NOW,
        settings=settings,
    )
    inbox = settings.eligibility_folder() / "inbox"
    answer = inbox / "answer.271"
    answer.write_text(
        interchange(
            answer_body(done.trace, benefits=("EB*1**30**SILVER PLAN", "EB*B**98***27*25.00*****Y"))
        )
    )
    later = datetime(2026, 3, 6, 18, tzinfo=UTC)
    result = ingest_file(sqlite_store, ACTOR, answer, now=later, settings=settings)
    assert result.error == "" and result.moved_to.parent.name == "processed"
    check = _check(sqlite_store)
    summary = json.loads(check.summary_json)
    assert check.status == "active" and summary["plan"] == "SILVER PLAN"
    assert summary["benefits"][1]["amount_cents"] == 2500
    with sqlite_store.read() as session:
        coverage = session.exec(select(m.Coverage)).one()
    assert coverage.last_verified_at == later


def test_the_deductible_left_and_coinsurance_from_the_271_reach_the_estimate(
    sqlite_store: Store, covered: int, settings: Settings
) -> None:
    """EB*C ... 29 (remaining) $50 and EB*A 20% in network for office visits: kept on
    the coverage, and the estimate for a visit with an allowed fee of $200 counts them."""
    done = request_eligibility(
        sqlite_store, ACTOR, covered, day=date(2026, 3, 9), service_type="30", now=NOW,
        settings=settings,
    )  # fmt: skip
    benefits = (
        "EB*1**30**SILVER PLAN",
        "EB*C*IND*30***29*50.00*****Y",
        "EB*C*IND*30***29*900.00*****N",  # out of network: not ours
        "EB*A*IND*30*****0.20****Y",
    )
    answer = settings.eligibility_folder() / "inbox" / "answer.271"
    answer.write_text(interchange(answer_body(done.trace, benefits=benefits)))
    later = datetime(2026, 3, 6, 18, tzinfo=UTC)
    assert ingest_file(sqlite_store, ACTOR, answer, now=later, settings=settings).error == ""
    with sqlite_store.write() as session:
        coverage = session.exec(select(m.Coverage)).one()
        kind = session.exec(select(m.AppointmentType).where(m.AppointmentType.code == "FU")).one()
        kind.cpt_codes = "99213"
        session.add(
            m.FeeSchedule(payer_id=coverage.payer_id, cpt_code="99213", allowed_cents=20000)
        )
        patient = coverage.patient_id
    assert (coverage.deductible_remaining_cents, coverage.coinsurance_percent) == (5000, 20)
    with sqlite_store.read() as session:
        lines = checklist(session, Proposal(patient, "FU", None, date(2026, 3, 9)), now=later,
                          settings=settings)  # fmt: skip
    said = estimate(lines)
    assert said.startswith(
        "Estimate: $80.00 (allowed $200.00: $50.00 toward the deductible, then 20% of $150.00)"
    )
    assert "Deductible: not known" not in [f"{line.topic}: {line.reason}" for line in lines]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (interchange(answer_body("NOT-OURS")), "no inquiry of ours has the trace number"),
        ("ISA*00*          *00*", "cut short"),
        (interchange(["AK1*HS*1"], kind="999"), "999"),
    ],
)
def test_bad_answers_go_to_errors_and_change_nothing(
    sqlite_store: Store, covered: int, settings: Settings, content: str, message: str
) -> None:
    request_eligibility(
        sqlite_store,
        ACTOR,
        covered,
        day=date(2026, 3, 9),
        service_type="30",
        now=NOW,
        settings=settings,
    )
    bad = settings.eligibility_folder() / "inbox" / "bad.271"
    bad.write_text(content)
    result = ingest_file(sqlite_store, ACTOR, bad, now=NOW, settings=settings)
    assert message in result.error and "bad.271" in result.error
    assert result.moved_to.parent.name == "errors" and not bad.exists()
    assert message in Path(str(result.moved_to) + ".reason.txt").read_text()
    assert _check(sqlite_store).status == "requested"


def test_a_file_with_one_unknown_answer_applies_none(
    sqlite_store: Store, covered: int, settings: Settings
) -> None:
    done = request_eligibility(
        sqlite_store,
        ACTOR,
        covered,
        day=date(2026, 3, 9),
        service_type="30",
        now=NOW,
        settings=settings,
    )
    body = [*answer_body(done.trace), "HL*4*2*22*0", "TRN*2*STRANGER*9X", "EB*1**30"]
    path = settings.eligibility_folder() / "inbox" / "mixed.271"
    path.write_text(interchange(body))
    assert "STRANGER" in ingest_file(sqlite_store, ACTOR, path, now=NOW, settings=settings).error
    assert _check(sqlite_store).status == "requested"


def test_no_coverage_no_request(sqlite_store: Store, settings: Settings) -> None:
    clinic = build_tiny_clinic(sqlite_store)
    with pytest.raises(BadInput, match="no coverage on file"):
        request_eligibility(
            sqlite_store,
            ACTOR,
            clinic.patients["li"],
            day=date(2026, 3, 9),
            service_type="30",
            now=NOW,
            settings=settings,
        )


def test_cli_request_and_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.db"
    store = open_store(str(path), now=NOW).store
    build_tiny_clinic(store)
    with store.write() as session:
        payer = m.Payer(name="Bluebird", x12_payer_id="BBHP01")
        session.add(payer)
        session.flush()
        session.add(
            m.Coverage(
                patient_id=1,
                payer_id=payer.id or 0,
                member_id="B1",
                effective_from=date(2025, 1, 1),
            )
        )
    store.dispose()
    monkeypatch.setenv("SCHEDTUI_ELIGIBILITY_DIR", str(tmp_path / "x12"))
    link_first_admin(str(path), monkeypatch, capsys)
    out_file = tmp_path / "inquiry.x12"
    assert (
        run(
            [
                "eligibility",
                "request",
                "--patient",
                "MRN0001",
                "--date",
                "2026-03-09",
                "--out",
                str(out_file),
                "--db",
                str(path),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == str(out_file)
    assert run(["coverage", "show", "MRN0001", "--json", "--db", str(path)]) == 0
    [asked] = json.loads(capsys.readouterr().out)["coverages"]
    trace = next(
        s for s in read_interchange(out_file.read_text()).sets[0].segments if s.id == "TRN"
    ).get(2)
    inbox = tmp_path / "x12" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "a.271").write_text(interchange(answer_body(trace)))
    (inbox / "b.271").write_text("garbage")
    code = run(["eligibility", "ingest", str(inbox), "--db", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "a.271: 1 answer(s)" in out and "ACTIVE, SILVER PLAN" in out
    assert "b.271: not an X12 file, left where it is." in err
    assert (inbox / "b.271").read_text() == "garbage"
    # without --type, --provider or --date: the latest inquiry and what the 271 said
    assert run(["coverage", "show", "MRN0001", "--json", "--db", str(path)]) == 0
    [answered] = json.loads(capsys.readouterr().out)["coverages"]
    assert run(["coverage", "show", "MRN0001", "--db", str(path)]) == 0
    plain = capsys.readouterr().out
    assert asked["eligibility"]["trace_number"] == trace
    assert asked["eligibility"]["responded_at"] is None and asked["eligibility"]["summary"] is None
    latest = answered["eligibility"]
    assert (latest["trace_number"], latest["status"]) == (trace, "active")
    assert latest["responded_at"] and latest["summary"]["status"] == "active"
    assert latest["summary"]["plan"] and latest["summary"]["benefits"]
    assert f"eligibility: active (trace {trace}" in plain


class TestIngestTouchesOnlyX12:
    """Regression tests for `eligibility ingest` moving /etc/passwd, the current folder's
    files (the store among them) and reading /dev/zero forever."""

    def test_a_file_that_is_not_x12_is_refused_and_left_where_it_is(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], clinic_db: str
    ) -> None:
        notes = tmp_path / "notes.txt"
        notes.write_text("root:x:0:0:root:/root:/bin/bash\n")
        assert run(["eligibility", "ingest", str(notes), "--db", clinic_db]) == 2
        assert "not an X12 file" in capsys.readouterr().err
        assert notes.read_text().startswith("root:x")

    @pytest.mark.parametrize("target", ["/dev/zero", "fifo", ""])
    def test_devices_pipes_and_empty_paths_are_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], clinic_db: str, target: str
    ) -> None:
        if target == "fifo":
            target = str(tmp_path / "pipe")
            os.mkfifo(target)
        assert run(["eligibility", "ingest", target, "--db", clinic_db]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and ("not an ordinary file" in err or "empty" in err)

    def test_a_folder_gives_up_only_its_x12_files_and_never_the_store(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], clinic_db: str
    ) -> None:
        folder = Path(clinic_db).parent
        (folder / "letter.txt").write_text("Dear patient")
        (folder / "odd.271").write_text(interchange(answer_body("NOT-OURS")))
        before = {p.name for p in folder.iterdir()}
        run(["eligibility", "ingest", str(folder), "--db", clinic_db])
        after = {p.name for p in folder.iterdir()}
        assert before - after == {"odd.271"}  # moved to errors/: recognised, not ours
        assert Path(clinic_db).exists() and (folder / "letter.txt").exists()
        assert "letter.txt: not an X12 file, left where it is." in capsys.readouterr().err


@pytest.fixture
def clinic_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    folder = tmp_path / "here"
    folder.mkdir()
    db = str(folder / "clinic.db")
    link_first_admin(db, monkeypatch, capsys)
    return db
