"""Checkpoints of the audit chain kept outside the store, so holding the store file is
not enough to rewrite the trail.

The chain's hashes are plain SHA-256: whoever holds the store can edit a row and compute
every later hash again, and the chain alone still verifies. So every `every` rows (and
whenever `audit verify` or `audit checkpoint` runs) the head (row id and hash) is
appended to a checkpoint file outside the store, and optionally to syslog. `audit verify`
then checks each checkpoint against the store: a row at or before a checkpoint that was
rewritten, and rows removed from the end past a checkpoint, are caught. What an attacker
with the store but not the checkpoints can still do: rewrite or drop the rows written
since the last checkpoint.

The file is only ever appended to, and only when it is a regular file that schedtui
made (its first line is `HEADER`), never through a symbolic link: a setting or
environment variable pointing it at another file changes nothing there.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import syslog
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlmodel import Session

from schedtui.data.store import STORE_KEY, Store

HEADER = "# schedtui audit checkpoints: one JSON line per checkpoint; append only\n"
#: Owner (and group) read and write; never others: the file names no patient, but it is
#: evidence.
FILE_MODE = 0o660


class CheckpointFileRefused(Exception):
    """The checkpoint path is not a checkpoint file schedtui may append to."""


@dataclass(frozen=True)
class Checkpoint:
    """The head of one store's chain at one moment."""

    store: str
    row_id: int
    row_hash: str
    at: str

    def line(self) -> str:
        """The checkpoint as one JSON line."""
        fields = {"store": self.store, "id": self.row_id, "hash": self.row_hash, "at": self.at}
        return json.dumps(fields, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Anchoring:
    """Where a store's checkpoints go, and how often."""

    path: Path
    every: int
    to_syslog: bool = False

    def due(self, row_id: int) -> bool:
        """Whether the row with this id is one to checkpoint."""
        return self.every > 0 and row_id % self.every == 0


_ANCHORED: WeakKeyDictionary[Store, Anchoring] = WeakKeyDictionary()


def anchor(store: Store, anchoring: Anchoring | None) -> None:
    """From now on, checkpoint this store's chain as `anchoring` says (None: never)."""
    if anchoring is None:
        _ANCHORED.pop(store, None)
    else:
        _ANCHORED[store] = anchoring


def anchoring_of(store: Store) -> Anchoring | None:
    """How this store's chain is checkpointed, if it is."""
    return _ANCHORED.get(store)


def checkpoint_on_commit(session: Session, row_id: int, row_hash: str, now: datetime) -> None:
    """If this row is due a checkpoint, append it once its transaction has committed (a
    rolled-back row is never checkpointed). A checkpoint that cannot be written never
    undoes the work: `audit verify` shows how old the last one is."""
    store = session.info.get(STORE_KEY)
    if not isinstance(store, Store):
        return
    anchoring = _ANCHORED.get(store)
    if anchoring is None or not anchoring.due(row_id):
        return
    checkpoint = Checkpoint(store.describe(), row_id, row_hash, now_text(now))

    def committed(_session: Session) -> None:
        with contextlib.suppress(CheckpointFileRefused, OSError):
            append_checkpoint(anchoring, checkpoint)

    event.listen(session, "after_commit", committed, once=True)


def append_checkpoint(anchoring: Anchoring, checkpoint: Checkpoint) -> None:
    """Append the checkpoint to the file (created owner-only with its header), and to
    syslog when asked. Raises `CheckpointFileRefused` for a path that is not ours."""
    fd = _open_for_append(anchoring.path)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(checkpoint.line())
        handle.flush()
        os.fsync(handle.fileno())
    if anchoring.to_syslog:
        syslog.openlog("schedtui", 0, syslog.LOG_AUTHPRIV)
        syslog.syslog(syslog.LOG_NOTICE, "audit checkpoint " + checkpoint.line().strip())


def _open_for_append(path: Path) -> int:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        pass
    except OSError as exc:
        raise CheckpointFileRefused(f"Cannot create {path}: {exc.strerror}.") from None
    else:
        os.write(fd, HEADER.encode())
        return fd
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise CheckpointFileRefused(f"Cannot append to {path}: {exc.strerror}.") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode) or not _starts_with_header(path):
        os.close(fd)
        raise CheckpointFileRefused(f"{path} is not a schedtui checkpoint file; leaving it.")
    return fd


def _starts_with_header(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(HEADER)) == HEADER.encode()


def read_checkpoints(paths: Iterable[Path], store: str) -> list[Checkpoint]:
    """The checkpoints of `store` in these files, oldest row first (unreadable lines and
    other stores' lines are passed over; a missing file has none)."""
    found: list[Checkpoint] = []
    for path in paths:
        if not path.is_file() or not _starts_with_header(path):
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[1:]:
            checkpoint = _parsed(line)
            if checkpoint is not None and checkpoint.store == store:
                found.append(checkpoint)
    return sorted(found, key=lambda c: c.row_id)


def _parsed(line: str) -> Checkpoint | None:
    try:
        fields = json.loads(line)
        return Checkpoint(
            str(fields["store"]), int(fields["id"]), str(fields["hash"]), str(fields["at"])
        )
    except (ValueError, KeyError, TypeError):
        return None


def checkpoint_problem(checkpoints: list[Checkpoint], hashes: dict[int, str]) -> str:
    """What the store's rows say against its checkpoints ("" when every checkpoint holds).

    `hashes` holds the store's hash of each checkpointed row id it still has.
    """
    for checkpoint in checkpoints:
        held = hashes.get(checkpoint.row_id)
        if held is None:
            return (
                f"row {checkpoint.row_id}, checkpointed at {checkpoint.at}, is gone: rows were "
                "removed from the end of the trail"
            )
        if held != checkpoint.row_hash:
            return (
                f"row {checkpoint.row_id} does not match its checkpoint of {checkpoint.at}: "
                "rows up to it were rewritten and their hashes recomputed"
            )
    return ""


def now_text(now: datetime) -> str:
    """A checkpoint's time, ISO 8601 with its offset."""
    return now.isoformat(timespec="seconds")
