"""A release in use by a running server is never pruned: an advisory lock says so.

``bomay serve`` holds a shared ``flock`` on the manifest of the release it serves for as
long as it runs; a build prunes an old release only if it can take that lock exclusively.
The kernel drops the lock when the server exits, however it exits, so a killed server
never leaves a release pinned for ever. Nothing is written: the lock lives in the kernel.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

MANIFEST = "manifest.json"


def hold(release: Path) -> IO[bytes]:
    """Mark ``release`` as served until the returned file is closed (or the process ends)."""
    handle = (release / MANIFEST).open("rb")
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def is_held(release: Path) -> bool:
    """Whether a running server serves ``release`` (a release without a manifest is not)."""
    try:
        handle = (release / MANIFEST).open("rb")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
