"""One typed settings object for the build and the service.

Every knob lives here. Values come from CLI flags, then ``BOMAY_*`` environment variables,
then the project's ``bomay.toml``, then the defaults below; nothing else in the package reads
the environment. Bad values are refused at start.

The project directory (ontology/, data/, shapes/, sources/, queries/, dist/) is where the
command runs, not where the package is installed: the nearest folder from the current one
upward that holds ``bomay.toml``, else the current folder (``bomay -C DIR`` runs in DIR).
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

#: The base under which the data files are written; the build rebases it to ``base_iri``.
CANONICAL_BASE = "https://w3id.org/bomay/"
#: The file that marks a project directory, and may hold settings (one ``name = value`` each).
PROJECT_FILE = "bomay.toml"
ENV_PREFIX = "BOMAY_"


def find_project(start: Path | None = None) -> Path:
    """The nearest folder from ``start`` (default: the current one) upward that holds
    ``bomay.toml``; else ``start`` itself, so a bare folder with data/ works too."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return here


class ProjectFile(PydanticBaseSettingsSource):
    """Settings from the project's ``bomay.toml``; relative paths are relative to it."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        named = os.environ.get(f"{ENV_PREFIX}PROJECT_DIR")
        self.root = Path(named).resolve() if named else find_project()
        path = self.root / PROJECT_FILE
        try:
            self.values = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: {error}") from error

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {"project_dir": self.root}
        for name, value in self.values.items():
            field = self.settings_cls.model_fields.get(name)
            is_path = field is not None and "Path" in str(field.annotation)
            values[name] = self.root / value if is_path and isinstance(value, str) else value
        return values


#: marks a setting the service publishes in its Service Description (a client may rely on it)
PUBLISHED: JsonDict = {"published": True}


def _in_project(folder: str, description: str) -> Any:
    """A folder setting whose default is ``folder`` in the project directory."""
    return Field(
        default_factory=lambda data: data["project_dir"] / folder,
        description=f"{description}, in the project directory unless set",
    )


class Settings(BaseSettings):
    """Configuration of a bomay build and service."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, ProjectFile(settings_cls)

    project_dir: Path = Field(
        default_factory=find_project,
        description="The project directory; the folders below default to folders in it",
    )
    base_iri: str = Field(CANONICAL_BASE, description="Base of every IRI bomay mints")
    ontology_dir: Path = _in_project("ontology", "OWL ontology, SKOS files and derivation rules")
    data_dir: Path = _in_project("data", "Turtle/TriG data files")
    shapes_dir: Path = _in_project("shapes", "SHACL shapes")
    sources_dir: Path = _in_project("sources", "The source articles")
    queries_dir: Path = _in_project("queries", "Example SPARQL queries, besides the built-in ones")
    max_data_file_bytes: int = Field(
        64 << 20, gt=0, description="Largest data or ontology file a build reads"
    )
    reference_scope: Literal["national", "named"] = Field(
        "national",
        description="Administrative units a build loads: national (both structures whole), or "
        "named (the units the data name, their neighbours and 2025 successors: for tests that "
        "break data on purpose and need no national release)",
    )
    release_dir: Path = _in_project("dist", "Where releases are written")
    keep_releases: int = Field(
        3, ge=1, description="Releases kept on disk, the current one included"
    )
    incremental_build: bool = Field(
        True,
        description="After a build of the same ontology, shapes and code, validate only what "
        "the changed data files can affect (the release is the same; false: validate all)",
    )
    release_date: dt.date | None = Field(
        None, description="Issued date of the release; default SOURCE_DATE_EPOCH, else today"
    )
    public_url: str = Field(
        "http://127.0.0.1:8000/",
        description="Where the service is reachable: written into the release's catalogue at "
        "build (download URLs, endpoint), and advertised by `bomay serve`; when unset, serve "
        "advertises the address it listens on",
    )
    licence: str = Field(
        "https://creativecommons.org/licenses/by/4.0/", description="Licence of the dataset"
    )
    publisher: str = Field(
        "bomay developers", description="Publisher and contact named in the DCAT-AP record"
    )
    host: str = Field("127.0.0.1", description="Interface the service listens on")
    port: int = Field(8000, ge=1, le=65535, description="Port the service listens on")
    query_timeout_s: float = Field(
        30.0,
        gt=0,
        description="Wall-clock limit of one query: past it the query's worker process is "
        "killed and replaced, and the client gets 503",
        json_schema_extra=PUBLISHED,
    )
    max_query_bytes: int = Field(
        64 * 1024, gt=0, description="Largest accepted query text (413)",
        json_schema_extra=PUBLISHED,
    )  # fmt: skip
    request_body_timeout_s: float = Field(
        10.0, gt=0, description="Time a client has to send a POST body (slow uploads: 408)",
        json_schema_extra=PUBLISHED,
    )  # fmt: skip
    max_nesting_depth: int = Field(
        64, gt=0, description="Deepest ( { [ nesting in a query (400, checked before parsing: "
        "deep nesting crashes the engine's parser)", json_schema_extra=PUBLISHED,
    )  # fmt: skip
    max_query_tokens: int = Field(
        2000, gt=0, description="Most terms, operators and brackets in a query (400, counted "
        "before parsing: a long flat chain such as ?x + 1 + 1 … crashes the engine's parser)",
        json_schema_extra=PUBLISHED,
    )  # fmt: skip
    max_result_rows: int = Field(
        10_000, gt=0, description="Rows or triples of an answer: more are cut, the "
        "Bomay-Results-Truncated header is set, and SPARQL JSON and XML answers name "
        "bomay:resultsTruncated as a link in their head", json_schema_extra=PUBLISHED,
    )  # fmt: skip
    max_result_bytes: int = Field(
        16 << 20, ge=1024, description="Largest answer body: rows are cut until the answer "
        "fits, and it is marked as truncated, like the row cap", json_schema_extra=PUBLISHED,
    )  # fmt: skip
    query_time_per_minute_s: float = Field(
        60,
        ge=0,
        description="Seconds of worker time one client address may use a minute, as each "
        "query really took; past its budget a client gets 429 with the real wait in "
        "Retry-After (0: no limit; /health is exempt; behind a reverse proxy see "
        "docs/SECURITY.md)",
        json_schema_extra=PUBLISHED,
    )
    query_time_burst_s: float = Field(
        120,
        gt=0,
        description="Worker time a client may save up and spend at once; also the most debt "
        "one costly query can leave it in",
        json_schema_extra=PUBLISHED,
    )
    request_cost_s: float = Field(
        0.01,
        ge=0,
        description="What any request costs of the budget besides its queries' worker time "
        "(a page or file, a 304, a refusal before evaluation): with the defaults, 100 "
        "requests a second, sustained",
        json_schema_extra=PUBLISHED,
    )
    query_workers: int = Field(
        8,
        gt=0,
        description="Worker processes that evaluate queries. More than the cores, so the OS "
        "time-slices a cheap query beside a runaway one instead of queueing it; each idles at "
        "about 80 MB, mostly shared with the fork server, but may grow to "
        "BOMAY_WORKER_MEMORY_MB, so keep workers times that limit below the host's memory "
        "(8 times 2 GiB = 16 GiB on a 24 GiB host)",
        json_schema_extra=PUBLISHED,
    )
    max_connections: int = Field(
        1024, ge=2, description="Open connections at which the server takes no more work: a "
        "request that arrives while this many are open, its own included, gets 503 at once. "
        "It bounds how many clients wait with their one query in the line (an address's "
        "only query is never refused for a full line)",
        json_schema_extra=PUBLISHED,
    )  # fmt: skip
    max_queued_queries: int = Field(
        8, ge=0, description="Places in the line of queries waiting for a worker, served "
        "fewest-running client first. When it is full, a client's further query gets 429 "
        "with Retry-After, or the place of a client holding more; a client's only query is "
        "never refused for a full line", json_schema_extra=PUBLISHED,
    )  # fmt: skip
    max_queries_per_client: int = Field(
        2,
        ge=0,
        description="Queries one client address may have running or waiting at once, so a "
        "few clients sending costly queries cannot hold every worker (0: no cap)",
        json_schema_extra=PUBLISHED,
    )
    cache_max_age_s: int = Field(
        300, ge=0, description="Cache-Control max-age of answers (ETags derive from the "
        "release and the request; If-None-Match gives 304)", json_schema_extra=PUBLISHED,
    )  # fmt: skip
    worker_memory_mb: int = Field(
        2048, ge=0, description="Address-space limit of one query worker: a query needing "
        "more aborts its worker (503), which is replaced (0: none)",
        json_schema_extra=PUBLISHED,
    )  # fmt: skip
    demote_query_after_s: float = Field(
        0.2,
        gt=0,
        description="A query still running after this long drops to the idle CPU class, so "
        "cheap queries overtake runaway ones; when it ends, a fresh thread of the same "
        "worker process takes the next query",
        json_schema_extra=PUBLISHED,
    )
    worker_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="Scheduling niceness added to query workers, so the server process "
        "answering requests is never starved of CPU by the queries it runs",
        json_schema_extra=PUBLISHED,
    )
    release_poll_s: float = Field(
        5.0, gt=0, description="How often a running server looks for a new current release "
        "and switches to it, without restart", json_schema_extra=PUBLISHED,
    )  # fmt: skip
    verify_release: bool = Field(
        True,
        description="Check the release's checksums before serving from it: the store "
        "before the first query, the other files before any other route (stop if damaged)",
    )
    isolate_query_workers: bool = Field(
        True, description="Run query workers in an empty network namespace (Linux), so "
        "nothing they run can connect anywhere", json_schema_extra=PUBLISHED,
    )  # fmt: skip

    store: Literal["oxigraph", "remote"] = Field(
        "oxigraph", description="Query the release's embedded store, or a remote SPARQL server"
    )
    remote_endpoint: str | None = Field(
        None, description="SPARQL endpoint of the remote store (BOMAY_STORE=remote)"
    )
    remote_graph_store: str | None = Field(
        None, description="Graph Store Protocol URL that `bomay load-remote` writes to"
    )
    remote_user: str | None = Field(None, description="User for the Graph Store Protocol")
    remote_password: SecretStr | None = Field(None, description="Its password")
    remote_auth: Literal["digest", "basic"] = Field(
        "digest", description="HTTP authentication of the Graph Store Protocol (Virtuoso: digest)"
    )
    remote_dataset: Literal["named", "engine"] = Field(
        "named",
        description="named: every remote query names the release's graphs (exact union); "
        "engine: the engine's own default graph (Virtuoso 7.2, see publish/remote_store.py)",
    )
    remote_max_response_mb: int = Field(
        256, gt=0, description="Largest answer read from the remote store"
    )

    @field_validator("base_iri", "public_url")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith("/"):
            raise ValueError("must be an http(s) IRI ending with '/'")
        return value

    @classmethod
    def published(cls) -> list[str]:
        """The settings the Service Description gives (the ones marked ``PUBLISHED``)."""
        return [
            name
            for name, field in cls.model_fields.items()
            if isinstance(field.json_schema_extra, dict)
            and field.json_schema_extra.get("published")
        ]

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable of a setting: ``query_timeout_s`` → BOMAY_QUERY_TIMEOUT_S."""
        return ENV_PREFIX + name.upper()

    @property
    def issued(self) -> dt.date:
        """The release date: explicit setting, then SOURCE_DATE_EPOCH (reproducible builds)."""
        if self.release_date is not None:
            return self.release_date
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        return dt.datetime.now(tz=dt.UTC).date()

    def now(self) -> dt.datetime:
        """The time a build records: SOURCE_DATE_EPOCH when set (reproducible builds)."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return dt.datetime.now(tz=dt.UTC)

    @property
    def current_release(self) -> Path:
        """The symlink that always points at the last good release."""
        return self.release_dir / "current"
