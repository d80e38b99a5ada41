"""The ``bomay`` command: build, validate, query and inspect releases."""

from __future__ import annotations

import json
import logging
import os
import sys
from concurrent.futures import Future
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from publish.integrity import verify
from publish.settings import Settings
from publish.sources import SourceError, read_records
from publish.store import NoReleaseError, open_release
from publish.w3id import htaccess, is_local

# Each command imports the machinery it runs when it runs (ruff PLC0415 is off for this
# file): `bomay serve` must not import the build (rdflib, pyshacl), and its query workers,
# whose fork server preloads this module, must not import the web stack either.
if TYPE_CHECKING:
    import pyoxigraph as ox

    from publish.build.validate import Report

app = typer.Typer(no_args_is_help=True, add_completion=False)
# emoji off: a message naming "file.ttl:100:" must not print 💯
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)


class Output(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


ReleaseDir = Annotated[
    Path | None, typer.Option(help="Release folder (default: BOMAY_RELEASE_DIR or dist/)")
]
BaseIri = Annotated[str | None, typer.Option(help="Base IRI (default: BOMAY_BASE_IRI)")]


@app.callback()
def project(
    directory: Annotated[
        Path | None,
        typer.Option(
            "-C",
            "--directory",
            help="Run in this project directory instead of the current one",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Linked open data on the reorganisation of Viet Nam's apparatus: build, validate,
    query and serve releases. The project directory is the nearest folder from the current
    one upward that holds bomay.toml, else the current folder."""
    if directory is not None:
        os.chdir(directory)  # like git -C and make -C: every relative path starts there


def _settings(**options: object) -> Settings:
    """The settings, with the options given on the command line (None: not given)."""
    return Settings(**{k: v for k, v in options.items() if v is not None})  # type: ignore[arg-type]


def _run_steps(settings: Settings, action: str) -> object:
    """Run build or check with a progress bar over the pipeline steps."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from publish.build.load import DataError
    from publish.build.release import STEPS, ReleaseWriteError, build, check

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=not err.is_terminal) as progress:
        task = progress.add_task(
            action, total=len(STEPS) if action == "build" else STEPS.index("validate") + 1
        )

        def step(name: str) -> None:
            progress.update(task, description=f"{action}: {name}", advance=1)

        try:
            return build(settings, step) if action == "build" else check(settings, step)
        except (DataError, ReleaseWriteError) as error:
            progress.stop()
            err.print(f"[bold red]error[/]: {escape(str(error))}", markup=True, highlight=False)
            raise typer.Exit(2) from error


def _print_report(report: Report, fmt: ReportFormat) -> None:
    if fmt is ReportFormat.json:
        sys.stdout.write(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n")
        return
    for shape, violations in report.by_shape().items():
        err.print(f"[bold red]{shape}[/] ({len(violations)})", highlight=False)
        for v in violations:
            err.print(f"  {v.focus_node}", highlight=False)
            err.print(f"    {v.message}", highlight=False)
            err.print(f"    in {', '.join(v.files)}", highlight=False)


@app.command(name="build")
def build_cmd(
    release_dir: ReleaseDir = None,
    base_iri: BaseIri = None,
    report_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.text,
) -> None:
    """Validate ontology/, data/, shapes/, the quotes and sources/, and switch in a new release."""
    from publish.build.release import ValidationFailedError

    settings = _settings(release_dir=release_dir, base_iri=base_iri)
    try:
        folder = _run_steps(settings, "build")
    except ValidationFailedError as failure:
        _print_report(failure.report, report_format)
        err.print(f"[bold red]build failed[/]: {failure}; the previous release is unchanged")
        raise typer.Exit(1) from failure
    err.print(f"release [bold]{Path(str(folder)).name}[/] is current ({settings.current_release})")
    if is_local(settings.public_url):
        err.print(f"note: its catalogue names {settings.public_url}; to publish it, set "
                  "BOMAY_PUBLIC_URL (or public_url in bomay.toml) and build again")  # fmt: skip


@app.command(name="validate")
def validate_cmd(
    base_iri: BaseIri = None,
    report_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.text,
) -> None:
    """Validate without writing a release."""
    from publish.build.release import ValidationFailedError

    settings = _settings(base_iri=base_iri)
    try:
        _run_steps(settings, "validate")
    except ValidationFailedError as failure:
        _print_report(failure.report, report_format)
        raise typer.Exit(1) from failure
    if report_format is ReportFormat.json:
        sys.stdout.write(json.dumps({"conforms": True, "violations": []}) + "\n")
    err.print("[green]valid[/]")


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="The SPARQL query")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a file")
    ] = None,
    output: Annotated[Output, typer.Option("--output", "-o")] = Output.table,
    release_dir: ReleaseDir = None,
) -> None:
    """Run a SPARQL query against the current release (union default graph)."""
    if (sparql is None) == (file is None):
        err.print("give a query or --file, not both")
        raise typer.Exit(2)
    text = file.read_text(encoding="utf-8") if file is not None else str(sparql)
    try:
        release = open_release(_settings(release_dir=release_dir))
        result = release.store.query(text)
    except NoReleaseError as error:
        err.print(f"[bold red]error[/]: {error}")
        raise typer.Exit(2) from error
    except SyntaxError as error:
        err.print(f"[bold red]bad query[/]: {error}", highlight=False)
        raise typer.Exit(2) from error
    _print_result(result, output)


def _print_result(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, output: Output
) -> None:
    import pyoxigraph as ox

    from publish.rdf import serialize

    if isinstance(result, ox.QueryTriples):
        sys.stdout.write(serialize(result, ox.RdfFormat.TURTLE).decode())
        return
    if output is not Output.table:
        fmt = {
            Output.csv: ox.QueryResultsFormat.CSV,
            Output.tsv: ox.QueryResultsFormat.TSV,
            Output.json: ox.QueryResultsFormat.JSON,
        }[output]
        sys.stdout.write(bytes(result.serialize(format=fmt) or b"").decode())
        return
    if isinstance(result, ox.QueryBoolean):
        out.print("yes" if bool(result) else "no")
        return
    names = [v.value for v in result.variables]
    table = Table(*names)
    for row in result:
        table.add_row(*("" if row[n] is None else _term_text(row[n]) for n in names))
    out.print(table)


def _term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term.value) if not isinstance(term, ox.Triple) else str(term)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface (default BOMAY_HOST or 127.0.0.1)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default BOMAY_PORT or 8000)")] = None,
    release_dir: ReleaseDir = None,
) -> None:
    """Serve the current release: SPARQL endpoint, service description, health, metrics."""
    settings = _settings(release_dir=release_dir, host=host, port=port)
    if "public_url" not in settings.model_fields_set:  # advertise where it really listens
        public = f"http://{settings.host}:{settings.port}/"
        settings = settings.model_copy(update={"public_url": public})
    from publish.serve.workers import start_fork_server

    start_fork_server()  # it imports what workers run, on another core
    from publish.serve.verified import ReleaseCheck

    folder = _release_folder(settings)
    # the files are hashed while the web stack loads; those that queries do not read are
    # checked after the server listens (publish/serve/verified.py)
    check = ReleaseCheck(folder) if settings.verify_release else None
    import uvicorn

    from publish.serve.app import create_app

    server = uvicorn.Server(uvicorn.Config(
        create_app(settings, check), host=settings.host, port=settings.port, log_level="warning",
        limit_concurrency=settings.max_connections,
    ))  # fmt: skip
    if check is not None:
        _refuse_if_damaged(settings, folder, check.queried.result())

        def stop_if_damaged(done: Future[list[str]]) -> None:
            if done.result():  # the other files: the server has started
                server.should_exit = True

        check.rest.add_done_callback(stop_if_damaged)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    err.print(f"serving {folder.name} on http://{settings.host}:{settings.port}/sparql")
    server.run()
    if check is not None:
        _refuse_if_damaged(settings, folder, check.rest.result())


def _release_folder(settings: Settings) -> Path:
    """The current release's folder; exit 2 if there is none."""
    try:
        return open_release(settings).folder
    except NoReleaseError as error:
        err.print(f"[bold red]error[/]: {error}")
        raise typer.Exit(2) from error


def _refuse_if_damaged(settings: Settings, folder: Path, problems: list[str]) -> None:
    """Exit 2 naming each file whose checksum does not match."""
    for problem in problems:
        err.print(f"[bold red]corrupt[/]: {folder / problem}", highlight=False)
    if problems:
        err.print(f"release {folder.name} is damaged: rebuild it (bomay build) or point "
                  f"{settings.current_release} back at a good release")  # fmt: skip
        raise typer.Exit(2)


@app.command(name="verify")
def verify_cmd(release_dir: ReleaseDir = None) -> None:
    """Check every file of the current release against its checksums."""
    settings = _settings(release_dir=release_dir)
    folder = _release_folder(settings)
    _refuse_if_damaged(settings, folder, verify(folder))
    err.print(f"[green]release {folder.name} is intact[/]")


@app.command("load-remote")
def load_remote(
    graph_store: Annotated[
        str | None, typer.Option(help="Graph Store URL (default BOMAY_REMOTE_GRAPH_STORE)")
    ] = None,
    release_dir: ReleaseDir = None,
) -> None:
    """Load the current release into a remote SPARQL server, one PUT per named graph.

    The user and password come from BOMAY_REMOTE_USER and BOMAY_REMOTE_PASSWORD.
    """
    settings = _settings(release_dir=release_dir)
    target = graph_store or settings.remote_graph_store
    if target is None:
        err.print("[bold red]error[/]: give --graph-store or set BOMAY_REMOTE_GRAPH_STORE")
        raise typer.Exit(2)
    import httpx

    from publish.remote_load import load_release
    from publish.remote_store import RemoteStoreError

    auth: httpx.Auth | None = None
    if settings.remote_user is not None and settings.remote_password is not None:
        secret = settings.remote_password.get_secret_value()
        kind = httpx.DigestAuth if settings.remote_auth == "digest" else httpx.BasicAuth
        auth = kind(settings.remote_user, secret)
    try:
        release = open_release(settings)
        sent = load_release(
            release, target, auth, timeout_s=settings.query_timeout_s * 20,
            progress=lambda graph, n: err.print(f"{n:>9} triples → {graph}", highlight=False),
        )  # fmt: skip
    except (NoReleaseError, RemoteStoreError) as error:
        err.print(f"[bold red]error[/]: {error}")
        raise typer.Exit(2) from error
    out.print(f"loaded release {release.folder.name} ({sent} triples) into {target}")


@app.command()
def stats(release_dir: ReleaseDir = None) -> None:
    """Counts per named graph, per class and per source article of the current release."""
    try:
        release = open_release(_settings(release_dir=release_dir))
    except NoReleaseError as error:
        err.print(f"[bold red]error[/]: {error}")
        raise typer.Exit(2) from error
    manifest = release.manifest
    out.print(
        f"release {release.folder.name}: {manifest['triples']} triples, {manifest['quads']} quads"
    )
    for title, rows in manifest["stats"].items():
        if not rows:
            continue
        table = Table(*rows[0].keys(), title=title)
        for row in rows:
            table.add_row(*(str(v) for v in row.values()))
        out.print(table)


source_app = typer.Typer(
    help="Register (source add FILE --url … --title …) and list (source list) the sources "
    "facts are quoted from."
)
app.add_typer(source_app, name="source")


@source_app.command("add")
def source_add(
    file: Annotated[Path, typer.Argument(help="The text: the passages to quote, or the whole")],
    url: Annotated[str, typer.Option(help="Where the page was read")],
    title: Annotated[str, typer.Option(help="The page's title, as it stands")],
    publisher: Annotated[
        str | None, typer.Option(help="Who publishes it (omit if not on the page)")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="Date published: YYYY-MM-DD, YYYY-MM or YYYY (omit if not on the page)"),
    ] = None,
    date_read: Annotated[str | None, typer.Option(help="When you read it (default: today)")] = None,
    whole: Annotated[
        bool, typer.Option(help="Store the whole text (only if it may be republished)")
    ] = False,
    kind: Annotated[str, typer.Option(help="NewsArticle or WebPage")] = "NewsArticle",
    note: Annotated[
        list[str] | None, typer.Option(help="A note for the record (repeatable)")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="Store a new text for a URL already registered")
    ] = False,
) -> None:
    """Register a source: store its text under sources/ and write its record."""
    from publish.curate import register

    settings = _settings()
    try:
        record = register.add(
            file, settings.sources_dir, url=url, title=title, publisher=publisher,
            date_published=date, date_read=date_read, stored="whole" if whole else "passages",
            kind=kind, notes=tuple(note or ()), replace=replace,
        )  # fmt: skip
    except SourceError as error:
        err.print(f"[bold red]error[/]: {error}", highlight=False)
        raise typer.Exit(2) from error
    err.print(f"registered {record.path.name} ({record.stored}); next: bomay draft {record.number}")


@source_app.command("list")
def source_list() -> None:
    """The registered sources: number, date, publisher, title."""
    try:
        records = read_records(_settings().sources_dir)
    except SourceError as error:
        err.print(f"[bold red]error[/]: {error}", highlight=False)
        raise typer.Exit(2) from error
    table = Table("number", "date", "publisher", "stored", "title")
    for r in records:
        table.add_row(r.number, r.date_published or "", r.publisher or "", r.stored, r.title)
    out.print(table)


@app.command(name="draft")
def draft_cmd(
    source: Annotated[str, typer.Argument(help="The source: its number (5, 005) or file")],
    release_dir: ReleaseDir = None,
) -> None:
    """Write candidate Turtle for a source to data/drafts/, for a curator to edit."""
    from publish.curate import draft as drafting
    from publish.curate import register
    from publish.curate.reconcile import gazetteer, known

    settings = _settings(release_dir=release_dir)
    try:
        record = register.find(settings.sources_dir, source)
    except SourceError as error:
        err.print(f"[bold red]error[/]: {error}", highlight=False)
        raise typer.Exit(2) from error
    found = known(settings)
    result = drafting.write(record, found, gazetteer(settings), settings.data_dir / "drafts")
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
    err.print(f"data/drafts/article-{record.number}.ttl: {counts} (IRIs from {found.origin})")
    err.print(f"{len(result.unresolved)} thing(s) left to you, listed at the top of the draft")


@app.command()
def w3id(
    public_url: Annotated[
        str | None, typer.Option(help="Where the service runs (default: BOMAY_PUBLIC_URL)")
    ] = None,
    base_iri: BaseIri = None,
) -> None:
    """Print the redirect rules (.htaccess for w3id.org) from the base IRI to the service."""
    settings = _settings(public_url=public_url, base_iri=base_iri)
    if is_local(settings.public_url):
        err.print(f"note: {settings.public_url} is this machine: give --public-url")
    sys.stdout.write(htaccess(settings))


if __name__ == "__main__":  # pragma: no cover
    app()
