"""Who is at this terminal: the OS account of the process's real uid, never the environment.

`LOGNAME`, `USER` and `SUDO_USER` are set by whoever starts a process, so they prove
nothing; the real uid is set by the kernel at login (over SSH, the SSH account). Callers
use `os_identity.current_os_login()` through the module, so tests can stand in one place.
"""

from __future__ import annotations

import os
import pwd


def current_os_login() -> str:
    """The login name of the process's real uid (`uid:N` when the uid has no name)."""
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"
