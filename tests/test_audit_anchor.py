"""Checkpoints outside the store make the audit trail evidence against whoever holds the
store file: a rewritten chain (rows edited, later hashes recomputed) and rows cut from
the end are caught.

Regression tests for `audit verify` passing after an edit plus recomputed hashes.
"""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from schedtui.core.security import audit
from schedtui.core.security.access import Actor
from schedtui.core.security.audit_anchor import HEADER, Anchoring, anchor, read_checkpoints
from schedtui.core.security.audit_review import check_chain, checkpoint_now
from schedtui.core.support.errors import BadInput
from schedtui.data.models import AuditEvent
from schedtui.data.store import Store
from tests.builders import NOW
from tests.test_audit_chain import _raw, _write_rows

SUPERVISOR = Actor(None, "sam", "supervisor")


@pytest.fixture
def anchored(sqlite_store: Store, tmp_path: Path) -> Path:
    """The store checkpoints its chain every 5 rows into a file beside the test."""
    path = tmp_path / "elsewhere" / "audit-checkpoints"
    anchor(sqlite_store, Anchoring(path, every=5))
    return path


def _rewrite_from(store: Store, row_id: int) -> None:
    """The attack: edit a row, then recompute its hash and every later one."""
    raw = _raw(store)
    raw.execute("UPDATE audit_event SET detail_json = '{\"n\": 0}' WHERE id = ?", (row_id,))
    rows = raw.execute("SELECT id FROM audit_event WHERE id >= ? ORDER BY id", (row_id,))
    with store.read() as session:
        previous = session.get(AuditEvent, row_id - 1)
        prev_hash = previous.hash if previous else audit.GENESIS
    for (current_id,) in rows.fetchall():
        with store.read() as session:
            event = session.get(AuditEvent, current_id)
            assert event is not None
            event.prev_hash = prev_hash
            new_hash = audit.row_hash(event)
        raw.execute(
            "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?",
            (prev_hash, new_hash, current_id),
        )
        prev_hash = new_hash
    raw.close()


def test_a_checkpoint_is_written_every_n_rows(sqlite_store: Store, anchored: Path) -> None:
    _write_rows(sqlite_store, 12)
    found = read_checkpoints([anchored], sqlite_store.describe())
    with sqlite_store.read() as session:
        hashes = audit.hashes_of(session, [5, 10])
    assert [(c.row_id, c.row_hash) for c in found] == [(5, hashes[5]), (10, hashes[10])]
    assert anchored.read_text().startswith(HEADER)
    assert stat.S_IMODE(anchored.stat().st_mode) & 0o007 == 0  # nothing for others


def test_a_rewritten_chain_passes_the_chain_alone_but_not_its_checkpoints(
    sqlite_store: Store, anchored: Path
) -> None:
    _write_rows(sqlite_store, 12)
    _rewrite_from(sqlite_store, 3)
    with sqlite_store.read() as session:
        assert audit.verify(session).intact  # what the attacker counted on
    report = check_chain(sqlite_store, SUPERVISOR, now=NOW)
    assert not report.intact and report.first_bad_id == 5
    assert "rewritten and their hashes recomputed" in report.problem


def test_rows_cut_from_the_end_past_a_checkpoint_are_caught(
    sqlite_store: Store, anchored: Path
) -> None:
    _write_rows(sqlite_store, 12)
    _raw(sqlite_store).execute("DELETE FROM audit_event WHERE id > 7")
    report = check_chain(sqlite_store, SUPERVISOR, now=NOW)
    assert not report.intact and report.first_bad_id == 8
    assert "row 10" in report.problem and "removed from the end" in report.problem


def test_an_intact_trail_is_checkpointed_at_its_head_by_verify(
    sqlite_store: Store, anchored: Path
) -> None:
    _write_rows(sqlite_store, 7)
    report = check_chain(sqlite_store, SUPERVISOR, now=NOW + timedelta(hours=1))
    assert report.intact and report.checkpoints == 1 and report.last_checkpoint.startswith("row 5")
    ids = [c.row_id for c in read_checkpoints([anchored], sqlite_store.describe())]
    assert ids == [5, 7]


def test_a_rolled_back_row_is_never_checkpointed(sqlite_store: Store, anchored: Path) -> None:
    _write_rows(sqlite_store, 4)
    with pytest.raises(RuntimeError), sqlite_store.write() as session:
        audit.record(session, actor=SUPERVISOR, action="view", now=NOW, entity="patient")
        raise RuntimeError("the change failed")
    assert read_checkpoints([anchored], sqlite_store.describe()) == []
    _write_rows(sqlite_store, 1)  # row 5 again, this time committed
    assert [c.row_id for c in read_checkpoints([anchored], sqlite_store.describe())] == [5]


def test_a_file_that_is_not_a_checkpoint_file_is_never_written(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """Someone pointing audit_checkpoints at another file (by setting or environment)."""
    victim = tmp_path / "notes.txt"
    victim.write_text("my own notes\n")
    anchor(sqlite_store, Anchoring(victim, every=1))
    _write_rows(sqlite_store, 3)
    assert victim.read_text() == "my own notes\n"
    with pytest.raises(BadInput, match="is not a schedtui checkpoint file"):
        checkpoint_now(sqlite_store, SUPERVISOR, now=NOW)


def test_a_link_in_place_of_the_checkpoint_file_is_refused(
    sqlite_store: Store, tmp_path: Path
) -> None:
    target = tmp_path / "target.txt"
    target.write_text(HEADER)
    link = tmp_path / "audit-checkpoints"
    os.symlink(target, link)
    anchor(sqlite_store, Anchoring(link, every=1))
    _write_rows(sqlite_store, 2)
    assert target.read_text() == HEADER
    with pytest.raises(BadInput, match="Cannot append"):
        checkpoint_now(sqlite_store, SUPERVISOR, now=NOW)


def test_checkpoint_now_needs_the_audit_permission(sqlite_store: Store, anchored: Path) -> None:
    _write_rows(sqlite_store, 2)
    from schedtui.core.security.access import PermissionDenied

    with pytest.raises(PermissionDenied):
        checkpoint_now(sqlite_store, Actor(None, "ava", "scheduler"), now=NOW)
    written = checkpoint_now(sqlite_store, SUPERVISOR, now=NOW)
    assert written.row_id == 3  # the denial above was audited as row 3


def test_audit_verify_and_checkpoint_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from schedtui.cli import run
    from tests.cli_helpers import link_first_admin

    checkpoints = tmp_path / "anchors" / "trail"
    monkeypatch.setenv("SCHEDTUI_AUDIT_CHECKPOINTS", str(checkpoints))
    db = str(tmp_path / "clinic.db")
    link_first_admin(db, monkeypatch, capsys)
    assert run(["audit", "verify", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "No checkpoint of this store outside it yet" in out
    assert run(["audit", "checkpoint", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("Checkpoint: row ")
    assert run(["audit", "verify", "--db", db]) == 0
    assert "Checked against 2 checkpoints outside the store" in capsys.readouterr().out
    assert len(checkpoints.read_text().splitlines()) == 4  # the header and three
