"""One real release per test session, built from the project's own data by the real pipeline."""

from __future__ import annotations

import datetime as dt
import fcntl
import gzip
import importlib.metadata
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import settings as hypothesis_settings

import virtuoso
from launch import running_server
from publish.build.release import build
from publish.rdf import sparql_prologue
from publish.serve.examples import read_examples
from publish.settings import Settings
from publish.store import Release, open_release

RELEASE_DATE = dt.date(2026, 11, 23)
#: the checkout: the project the tests build (never where the package is installed)
ROOT = Path(__file__).resolve().parent.parent
#: every example question by file name, the built-in ones and the project's
QUERIES = {f"{e.name}.rq": e.text for e in read_examples(ROOT / "queries")}
# no example database in the work tree; the long fuzz run (docs/SECURITY.md) uses fuzz-long;
# no deadline: tests time nothing (a busy machine made one example take 0.3 s, then 0.2 ms)
hypothesis_settings.register_profile("default", database=None, deadline=None)
hypothesis_settings.register_profile("fuzz-long", database=None, deadline=None, max_examples=2_500)
hypothesis_settings.load_profile("default")


def pytest_report_header() -> list[str]:
    names = ("rdflib", "pyshacl", "pyoxigraph", "fastapi")
    return ["versions: " + ", ".join(f"{n} {importlib.metadata.version(n)}" for n in names)]


@pytest.fixture(scope="session", autouse=True)
def _no_bomay_environment() -> Iterator[None]:
    """The suite sets every setting it needs itself: a BOMAY_* variable in the shell that
    runs it must not change what a test sees."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("BOMAY_"):
                patch.delenv(name)
        # every build records its time: the suite's builds are reproducible, as CI's are
        epoch = dt.datetime.combine(RELEASE_DATE, dt.time(), tzinfo=dt.UTC).timestamp()
        patch.setenv("SOURCE_DATE_EPOCH", str(int(epoch)))
        yield


def make_settings(release_dir: Path, **overrides: object) -> Settings:
    return Settings(release_dir=release_dir, release_date=RELEASE_DATE, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.getbasetemp()
    # one folder for all xdist workers of the run: their base temps share a parent
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return make_settings(shared / "session-dist")


@pytest.fixture(scope="session")
def release(settings: Settings) -> Release:
    """The national release, built once per run: the first worker builds it under a lock,
    the others wait and read it (a national build costs most of a minute)."""
    settings.release_dir.mkdir(parents=True, exist_ok=True)
    with (settings.release_dir.parent / "session-dist.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not settings.current_release.exists():
            build(settings)
    return open_release(settings)


@pytest.fixture(scope="session")
def select(release: Release):  # type: ignore[no-untyped-def]
    """Run a SELECT (text or a file under queries/) and return rows of plain values."""

    def run(query: str) -> list[dict[str, str]]:
        if query.endswith(".rq"):
            query = QUERIES[query]
        result = release.store.query(sparql_prologue() + query)
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]

    return run


@pytest.fixture
def project_copy(tmp_path: Path) -> Iterator[Path]:
    """A throw-away copy of ontology/, data/ and shapes/ to break on purpose."""
    for folder in ("ontology", "data", "shapes", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    yield tmp_path


#: Tests that break a copy of the data on purpose load only the units the data name
#: (docs/DATA.md, "Reference data"): a national build costs most of a minute. The session
#: release, which every other test reads, is national.
NAMED_SCOPE = {"BOMAY_REFERENCE_SCOPE": "named"}


def project_env(root: Path, release_dir: Path) -> dict[str, str]:
    """The ``BOMAY_*`` variables of a command run on a project copy: its folders, a release
    folder of its own, the suite's release date and the units the data name."""
    folders = ("ontology", "data", "shapes", "sources")
    return {
        **{f"BOMAY_{name.upper()}_DIR": str(root / name) for name in folders},
        "BOMAY_RELEASE_DIR": str(release_dir),
        "BOMAY_RELEASE_DATE": RELEASE_DATE.isoformat(),
        **NAMED_SCOPE,
    }


def copy_release(release: Release, dist: Path) -> Path:
    """A release folder of our own, with ``current`` pointing at a copy of the good one."""
    (dist / "releases").mkdir(parents=True)
    good = dist / "releases" / release.folder.name
    shutil.copytree(release.folder, good, ignore=shutil.ignore_patterns("LOCK"))
    (dist / "current").symlink_to(good.relative_to(dist))
    return good


def changed_project(root: Path) -> None:
    """Edit the ontology so that the next build is a different release."""
    path = root / "ontology" / "ontology.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('owl:versionInfo "0.1.0"', 'owl:versionInfo "0.1.9"'))


def settings_for(root: Path, release_dir: Path) -> Settings:
    return make_settings(
        release_dir,
        reference_scope="named",
        ontology_dir=root / "ontology",
        data_dir=root / "data",
        shapes_dir=root / "shapes",
        sources_dir=root / "sources",
    )


@pytest.fixture(scope="session")
def release_cli_env(release: Release, settings: Settings) -> dict[str, str]:
    """Environment that points the CLI at the session's release."""
    return {"BOMAY_RELEASE_DIR": str(settings.release_dir)}


#: long enough for a page's fixed queries on a loaded 2-core CI machine (2 s made page tests
#: flaky there), short enough that the runaway-query test ends soon
TIMEOUT_S = 5.0
MAX_ROWS = 50


@pytest.fixture(scope="session")
def server(release: Release, settings: Settings) -> Iterator[str]:
    """A real `bomay serve` process on 127.0.0.1 with small limits, for the whole session."""
    with running_server(server_env(settings)) as url:
        yield url


def server_env(settings: Settings) -> dict[str, str]:
    """The small limits the endpoint tests expect, whatever the store behind the server."""
    return {
        "BOMAY_RELEASE_DIR": str(settings.release_dir),
        "BOMAY_QUERY_TIMEOUT_S": str(TIMEOUT_S),
        "BOMAY_MAX_RESULT_ROWS": str(MAX_ROWS),
        "BOMAY_QUERY_WORKERS": "2",
        "BOMAY_MAX_QUEUED_QUERIES": "1",
        "BOMAY_QUERY_TIME_PER_MINUTE_S": "0",  # the suite is one busy client; see test_abuse.py
        "BOMAY_MAX_QUERIES_PER_CLIENT": "0",  # likewise; see test_fairness.py
    }


#: the release's RDF files, and how to read them
MINTING_FILES = {
    "bomay.nq.gz": ox.RdfFormat.N_QUADS,
    "description.ttl": ox.RdfFormat.TURTLE,
    "validation-report.ttl": ox.RdfFormat.TURTLE,
    "dcat-ap-report.ttl": ox.RdfFormat.TURTLE,
}


def national(iri: str, base: str) -> bool:
    """An administrative unit or a 2025 event, of which the reference data mint 17,000."""
    path = iri[len(base) :]
    return path.startswith("id/place/") or (path.startswith("id/event/") and "/2025-" in path)


def sampled(iris: set[str], base: str, size: int = 300) -> set[str]:
    """Every IRI but the national units and events, of which a seeded ``size`` (one code
    path mints them all; requesting 17,000 over HTTP would take most of the suite's time)."""
    many = sorted(i for i in iris if national(i, base))
    return (iris - set(many)) | set(random.Random(13).sample(many, min(size, len(many))))  # noqa: S311


def minted(folder: Path, base: str) -> set[str]:
    """Every IRI under ``base`` that the release's files name (fragments stripped)."""
    found: set[str] = set()
    for name, fmt in MINTING_FILES.items():
        data = (folder / name).read_bytes()
        for statement in ox.parse(gzip.decompress(data) if name.endswith(".gz") else data,
                                  format=fmt):  # fmt: skip
            terms = (statement.subject, statement.predicate, statement.object,
                     getattr(statement, "graph_name", None))  # fmt: skip
            for term in terms:
                if isinstance(term, ox.NamedNode) and term.value.startswith(base):
                    found.add(term.value.split("#", 1)[0])
    return found


# ---------------------------------------------------------------- a bomay in front of Virtuoso

REMOTE_TIMEOUT_S = 6
#: the marks of a test that needs Virtuoso: skipped without it, and with xdist run on one
#: worker (group "remote"), so that one Virtuoso is started and loaded, not one per worker
REMOTE = [
    pytest.mark.skipif(
        not virtuoso.installed(),
        reason="Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/run does)",
    ),
    pytest.mark.xdist_group("remote"),
]
#: the stores a test marked to run on both meets: the embedded one, and Virtuoso's
STORES = [
    "embedded",
    pytest.param("remote", marks=REMOTE),
]


@pytest.fixture(scope="session")
def virtuoso_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Virtuoso]:
    with virtuoso.running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as running:
        yield running


def remote_env(settings: Settings, engine: virtuoso.Virtuoso) -> dict[str, str]:
    return {
        **server_env(settings),
        "BOMAY_STORE": "remote",
        "BOMAY_REMOTE_ENDPOINT": engine.sparql,
        "BOMAY_REMOTE_GRAPH_STORE": engine.graph_store,
        "BOMAY_REMOTE_USER": virtuoso.DBA[0],
        "BOMAY_REMOTE_PASSWORD": virtuoso.DBA[1],
        # Virtuoso 7.2 loses property-path answers when a dataset is named (docs/DEPLOY.md)
        "BOMAY_REMOTE_DATASET": "engine",
        # Virtuoso writes a whole answer before bomay cuts it (about 10K rows/s here), so the
        # full-scan test needs more than the embedded store's limit; the engine's own limit
        # (MaxQueryExecutionTime) stays above it, so bomay's is the one that fires
        "BOMAY_QUERY_TIMEOUT_S": str(REMOTE_TIMEOUT_S),
    }


@pytest.fixture(scope="session")
def remote_loaded(
    release: Release, settings: Settings, virtuoso_engine: virtuoso.Virtuoso
) -> dict[str, str]:
    """The session's release loaded into Virtuoso with `bomay load-remote`; the env of a
    server in front of it."""
    env = remote_env(settings, virtuoso_engine)
    command = [str(Path(sys.executable).with_name("bomay")), "load-remote"]
    result = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert release.folder.name in result.stdout
    return env


@pytest.fixture(scope="session")
def remote_server(remote_loaded: dict[str, str]) -> Iterator[str]:
    with running_server(remote_loaded) as url:
        yield url


@pytest.fixture(scope="session")
def remote_select(remote_server: str):  # type: ignore[no-untyped-def]
    """``select``, over HTTP, through bomay, to Virtuoso."""

    def run(query: str) -> list[dict[str, str]]:
        if query.endswith(".rq"):
            query = QUERIES[query]
        response = httpx.post(
            f"{remote_server}/sparql", data={"query": sparql_prologue() + query}, timeout=60
        )
        assert response.status_code == 200, response.text
        rows = response.json()["results"]["bindings"]
        return [{name: term["value"] for name, term in row.items()} for row in rows]

    return run


def in_flight(server: str) -> float:
    """How many endpoint queries the server is running or holding for a worker now."""
    for line in httpx.get(f"{server}/metrics", timeout=30).text.splitlines():
        if line.startswith("bomay_queries_in_flight "):
            return float(line.split()[-1])
    raise AssertionError("no bomay_queries_in_flight in /metrics")


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    """Poll for an event (never a fixed sleep); fail naming it if it does not come."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


class Canary:
    """A listening socket on 127.0.0.1 that a request names as a URL: the service must
    never connect to it (no SERVICE, FROM or LOAD ever fetches)."""

    def __init__(self, listener: socket.socket) -> None:
        self.listener = listener
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}/graph"

    def heard(self, settle_s: float = 0.5) -> bool:
        """Whether anything connected (after giving a started fetch time to arrive)."""
        time.sleep(settle_s)
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:
            return False
        connection.close()
        return True


@pytest.fixture
def canary() -> Iterator[Canary]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.setblocking(False)
        yield Canary(listener)
