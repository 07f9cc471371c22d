"""Encryption at rest: SQLCipher stores whose key lives in the keychain."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from schedtui.cli import run
from schedtui.core.upkeep.backup import backup_store, restore_store
from schedtui.core.upkeep.stores import open_store
from schedtui.data import keys
from schedtui.data import models as m
from schedtui.data.errors import StoreError
from tests.builders import NOW, add_staff

BACKEND = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture(autouse=True)
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """A keychain in the test's own data folder (isolated_home points XDG there)."""
    monkeypatch.setenv("SCHEDTUI_KEYRING_BACKEND", BACKEND)
    keys.use_backend(BACKEND)


def _add_patient(path: Path) -> None:
    opened = open_store(str(path), now=NOW)
    with opened.store.write() as session:
        session.add(
            m.Patient(
                mrn="ENC1",
                first_name="Ida",
                last_name="Secret",
                dob=date(1970, 5, 6),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    opened.store.dispose()


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_encrypted_store_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    code, out, _ = _cli(capsys, "init", "--encrypt", "--db", str(path))
    assert code == 0 and "Created the encrypted store" in out
    _add_patient(path)
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3") and b"Secret" not in raw
    opened = open_store(str(path), now=NOW)
    assert opened.store.encrypted
    with opened.store.read() as session:
        assert session.exec(select(m.Patient.last_name)).all() == ["Secret"]


def test_wrong_key_is_refused_plainly_and_quietly(
    capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "clinic.db"
    assert _cli(capfd, "init", "--encrypt", "--db", str(path))[0] == 0
    import keyring

    keyring.set_password(keys.SERVICE, str(path), "not-the-key")
    capfd.readouterr()
    with pytest.raises(StoreError, match="the key in the keychain is wrong"):
        open_store(str(path), now=NOW)
    assert capfd.readouterr().err == ""  # SQLCipher's own logging is silenced


def test_store_without_its_key_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    assert _cli(capsys, "init", "--encrypt", "--db", str(path))[0] == 0
    keys.forget_store_key(path)
    code, _, err = _cli(capsys, "init", "--db", str(path))
    assert code == 2 and "the keychain holds no key for it" in err


def test_encrypt_only_creates_new_stores(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "clinic.db"
    assert _cli(capsys, "init", "--db", str(path))[0] == 0
    code, _, err = _cli(capsys, "init", "--encrypt", "--db", str(path))
    assert code == 2 and "--encrypt only creates a new store" in err
    code, _, err = _cli(capsys, "--sandbox", "init", "--encrypt")
    assert code == 2 and "never encrypted" in err


def test_encrypted_backup_stays_encrypted_and_restores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.db"
    assert _cli(capsys, "init", "--encrypt", "--db", str(path))[0] == 0
    _add_patient(path)
    store = open_store(str(path), now=NOW).store
    staff = add_staff(store)
    copy = backup_store(store, staff.admin, tmp_path / "backup.db", now=NOW).path
    assert not copy.read_bytes().startswith(b"SQLite format 3")
    with store.write() as session:
        session.add(
            m.Patient(
                mrn="LATER",
                first_name="Late",
                last_name="Comer",
                dob=date(1980, 1, 1),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    restore_store(store, staff.admin, copy, kind="clinic", now=NOW)
    with store.read() as session:
        assert session.exec(select(m.Patient.mrn)).all() == ["ENC1"]


def test_unknown_keyring_backend_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCHEDTUI_KEYRING_BACKEND", "nowhere.NoSuchKeyring")
    code, _, err = _cli(capsys, "init", "--db", str(tmp_path / "x.db"))
    assert code == 2 and "Cannot use the keyring backend 'nowhere.NoSuchKeyring'" in err


def test_keys_never_reach_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clinic.db"
    _cli(capsys, "init", "--encrypt", "--db", str(path))
    key = keys.store_key(path)
    assert key
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    for argv in (["init", "--db", str(path)], ["config", "show"]):
        _, out, err = _cli(capsys, *argv)
        assert key not in out and key not in err
