"""Cut a query worker off the network: the second wall behind the query checker.

pyoxigraph evaluates ``SERVICE`` by fetching the named URL. ``checks.py`` refuses such
queries by their text, but text checks can be fooled; a worker process that lives in a new,
empty Linux network namespace cannot reach any host, loopback included, whatever it runs.
Without the privilege to do so (or off Linux) this returns False and the service says so.
"""

from __future__ import annotations

import ctypes
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def cut_network() -> bool:
    """Move this (single-threaded, just started) process into an empty network namespace."""
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) == 0:
        return True
    # unprivileged: a new user namespace grants the right to make a network namespace
    return bool(libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)
