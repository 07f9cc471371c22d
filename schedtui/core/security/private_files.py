"""Files schedtui writes outside the store (X12 inquiries, exports): never readable by
other accounts, never half-written under their final name, and never put in place of a
file that is not an ordinary one (a device, a folder, a link to a system file)."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from schedtui.core.support.errors import BadInput

#: Owner and the clinic's group (a call center's schedulers share files through it).
SHARED_FILE_MODE = 0o660
#: Owner only (the fault log).
OWN_FILE_MODE = 0o600


def check_target(path: Path, *, replace: bool, option: str = "") -> Path:
    """The absolute path, if a new file may be written there; `BadInput` says why not."""
    where = f"{option} " if option else ""
    if not str(path).strip():
        raise BadInput(f"{where}names no file.")
    path = path.expanduser().absolute()
    try:
        details = path.lstat()
    except FileNotFoundError:
        details = None
    except OSError as exc:
        raise BadInput(f"{where}{shortened(path)}: {_reason(exc)}.") from None
    if not path.parent.is_dir():
        raise BadInput(f"{where}the folder {shortened(path.parent)} does not exist.")
    if details is not None and not stat.S_ISREG(details.st_mode):
        raise BadInput(f"{where}{shortened(path)} is not an ordinary file; nothing was written.")
    if details is not None and not replace:
        raise BadInput(f"{where}{shortened(path)} already exists; add --force to replace it.")
    return path


def write_file(
    path: Path,
    text: str | bytes,
    *,
    replace: bool = False,
    mode: int = SHARED_FILE_MODE,
    encoding: str = "ascii",
) -> Path:
    """Write `text` (ASCII by default, unknown characters as '?'; bytes as they are)
    through a hidden temporary file beside `path`, created with `mode` and never through a
    link, then give it its name. An existing file is replaced only when `replace` (and
    only an ordinary file)."""
    path = check_target(path, replace=replace)
    temporary = path.with_name(f".{path.name[:200]}.partial-{secrets.token_hex(4)}")
    try:
        data = text if isinstance(text, bytes) else text.encode(encoding, errors="replace")
        _write_new(temporary, data, mode)
        if replace:
            check_target(path, replace=True)
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    except FileExistsError:
        raise BadInput(f"{shortened(path)} appeared meanwhile; nothing was written.") from None
    except OSError as exc:
        raise BadInput(f"Cannot write {shortened(path)}: {_reason(exc)}.") from None
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long"
    return exc.strerror or type(exc).__name__


def shortened(path: Path | str) -> str:
    """A path for a one-line message: a very long one keeps its start and its end."""
    text = str(path)
    return text if len(text) <= 120 else text[:60] + "..." + text[-40:]
