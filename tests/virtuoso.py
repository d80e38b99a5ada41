"""Start a throw-away Virtuoso open source server (Debian's ``virtuoso-opensource``).

The database lives in a temporary folder and both ports are free ones on 127.0.0.1, so a
test run never touches a Virtuoso the machine may already run. The engine's own limits
are set above bomay's (rows), so bomay's checks are the ones a test sees.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from launch import free_port, stop

BINARY = "virtuoso-t"
#: A new database's administrator; the server listens on 127.0.0.1 only and is discarded.
DBA = ("dba", "dba")

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 10
MaxQueryCostEstimationTime = -1
"""


@dataclass(frozen=True)
class Virtuoso:
    sparql: str
    graph_store: str  # the authenticated Graph Store Protocol endpoint


def installed() -> bool:
    return shutil.which(BINARY) is not None


@contextmanager
def running_virtuoso(folder: Path, *, start_timeout_s: float = 120) -> Iterator[Virtuoso]:
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    binary = shutil.which(BINARY) or BINARY
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while not _answers(f"{base}/sparql"):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "virtuoso.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"virtuoso did not start:\n{log}")
            time.sleep(0.3)
        yield Virtuoso(f"{base}/sparql", f"{base}/sparql-graph-crud-auth")
    finally:
        stop(process, grace_s=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200
    except httpx.TransportError:
        return False
