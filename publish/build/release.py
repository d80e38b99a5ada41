"""Build a release: load → derive → validate → write, then switch it in atomically.

A release is written into a hidden temporary folder beside the others and renamed into
``releases/``; the ``current`` symlink is then replaced in one rename. A failure at any step
leaves the previous release untouched and removes the temporary folder; a build killed
outright leaves its folder behind, and the next build removes it (its name holds the pid).
Pruning keeps the previous release and any release a running server holds (``inuse``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from publish.build import crosswalk, cube, dcat_ap
from publish.build.browse import (
    BROWSE,
    BROWSE_FORMAT,
    Earlier,
    read_browse_index,
    write_browse_index,
)
from publish.build.cache import (
    BuildCache,
    DamagedCacheError,
    Delta,
    Unit,
    copy_store,
    digest,
    generated,
    inputs_key,
)
from publish.build.changes import Previous, previous_release, write_changes
from publish.build.derive import derive, reads_own_output, rule_files
from publish.build.describe import PREFIXES as DESCRIPTION_PREFIXES
from publish.build.describe import Context, FileFacts, Provenance, Rule, describe
from publish.build.dumps import Dump, write_dataset_dumps, write_graph, write_ontology_dumps
from publish.build.duplicates import refuse_duplicates
from publish.build.geolinks import GEONAMES
from publish.build.labels import LABELS_FILE, read_labels, write_labels
from publish.build.load import DataError, Loaded, display_name, load, parse_file
from publish.build.quotes import verify as verify_quotes
from publish.build.reference import (
    WIKIDATA_ENTITY,
    Package,
    Reference,
    data_inputs,
    generate,
    read_tables,
)
from publish.build.rights import licence, quote_rights
from publish.build.sources import source_quads
from publish.build.stats import compute, select
from publish.build.validate import Report, load_shapes, validate
from publish.integrity import CHECKSUMS, sha256, sums_text, write_store_sums
from publish.inuse import MANIFEST, is_held
from publish.iris import Iris
from publish.layout import CHANGES, DATASET_QUADS, DCAT_AP_REPORT, DESCRIPTION
from publish.layout import VALIDATION_REPORT as REPORT
from publish.rdf import PREFIXES
from publish.settings import CANONICAL_BASE, Settings
from publish.sources import SourceError, read_records
from publish.store import STORE_LAYOUT

DERIVED = "derived"  # the unit of the derived facts
REFERENCE_RECORD = "reference.json"  # in the build cache: what _reference made
SUBCLASS_OF = ox.NamedNode(f"{PREFIXES['rdfs']}subClassOf")
#: quads per call of the on-disk store's bulk loader, which holds up to a million per thread
#: in memory before it writes them: given the whole release and its merge (2.8 million
#: quads at 1.37M triples) at once, it added 900 MB to the build's peak; in batches, nothing
BULK_BATCH = 500_000
STEPS = ("parse", "reference", "derive", "validate", "dumps", "store", "describe", "switch")
#: raised when the description or the release's files change shape (browse.json has its
#: own, BROWSE_FORMAT), so that a rebuild writes a new release
DESCRIPTION_FORMAT = 4  # 4: labels.json
SPATIAL = """SELECT DISTINCT ?unit WHERE {
  { GRAPH ?g { ?unit a bomay:AdministrativeUnit } FILTER(STRSTARTS(STR(?g), ?articles)) }
  UNION { ?agency bomay:adminUnit ?unit }
} ORDER BY ?unit"""
#: ``%s``: the article graphs (named, not filtered: a scan of every quad took 0.5 s on disk)
PERIOD = """SELECT (MIN(?d) AS ?start) (MAX(?d) AS ?end) WHERE {
  VALUES ?g { %s } GRAPH ?g { ?s ?p ?d } FILTER(DATATYPE(?d) = xsd:date)
}"""
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # in the merge: each triple once
WIKIDATA_LINKS = """SELECT (COUNT(*) AS ?n) WHERE {
  ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?o), ?entity))
}"""
GEONAMES_LINKS = """SELECT ?p (COUNT(*) AS ?n) WHERE {
  VALUES ?p { skos:exactMatch skos:closeMatch } ?s ?p ?o FILTER(STRSTARTS(STR(?o), ?space))
} GROUP BY ?p"""
SOURCES = """SELECT ?g ?article WHERE {
  GRAPH ?g { ?article a schema:NewsArticle } FILTER(STRSTARTS(STR(?g), ?articles))
} ORDER BY ?g"""
ONTOLOGY_VERSIONS = """SELECT ?version ?info WHERE {
  ?ontology a owl:Ontology ; owl:versionIRI ?version OPTIONAL { ?ontology owl:versionInfo ?info }
} ORDER BY ?version"""
__all__ = ["CHECKSUMS", "STEPS", "ReleaseWriteError", "ValidationFailedError", "build", "check"]

Step = Callable[[str], None]


class ReleaseWriteError(Exception):
    """The release folder cannot be written (read-only, full); the current one is kept."""


class ValidationFailedError(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.violations)} SHACL violation(s)")
        self.report = report


@dataclass
class Checked:
    """The validated dataset, ready to be written."""

    loaded: Loaded
    report: Report
    reference: Reference
    key: str  # of the inputs besides the data files (cache.inputs_key)
    units: list[Unit]  # the quads, by file or generated graph, as the build cache keeps them
    store: ox.Store  # the quads and their merge, as validated (then as served)
    delta: Delta | None  # the change since the last good build, if of the same inputs
    copied: bool = False  # ``store`` is the new release's own: a copy of the last one's

    def close(self) -> None:
        """Let go of a copied store, so that RocksDB closes its folder (pyoxigraph closes a
        store when it is freed) before the release folder is renamed or removed.

        The checks' frames hold it too, kept alive by reference cycles (the exceptions the
        SPARQL parser raises and catches in ``shacl_sparql``'s reach check), which nothing
        collects while the build runs with the collector off: left to the end of the build,
        the store was still open when its folder was renamed, so a compaction RocksDB was
        running failed to write its file, and its close waited a second for a retry. One
        collection here frees them (0.1 s of CPU at 300,000 triples)."""
        if self.copied:
            self.store, self.copied = ox.Store(), False
            gc.collect()


def check(settings: Settings, step: Step = lambda _: None, folder: Path | None = None) -> Checked:
    """Load, derive and validate; raise DataError or ValidationFailedError on bad input.

    After a build of the same ontology, shapes, rules, settings and code, only the nodes
    that the changed data files can affect are validated (``cache``); the result is the same.
    With ``folder``, the release being written, and the last good build's release still
    there, the checks run on a copy of that release's store with the change applied
    (``folder/store``, which the release keeps): a copy costs a few hard links, where a store
    in memory took 2 s to fill with 300,000 quads and their merge.
    """
    step("parse")
    cache, key, iris = BuildCache(settings), inputs_key(settings), Iris(settings.base_iri)
    units: list[Unit] = []

    def parse(path: Path) -> list[ox.Quad]:
        def make() -> list[ox.Quad]:  # a file's quotes point to their rights in its graph
            quads = parse_file(path, iris)
            return [*quads, *quote_rights(quads, iris)]

        units.append(cache.unit(display_name(path, settings), path.read_bytes(), key, make))
        return units[-1].quads

    loaded = load(settings, parse=parse)
    units.append(generated("sources", _sources(loaded, settings)))
    step("reference")
    reference, made, subjects = _reference(settings, loaded, cache, key)
    for unit in made:
        where = f"(generated into {unit.name})"
        for subject in subjects[unit.name]:
            loaded.files_by_subject[subject].add(where)
    units += made
    base = None
    if folder is not None and settings.incremental_build:
        base = cache.base(key, settings.release_dir / "releases")
    copied = _copied(base, folder / "store", cache, key, units, iris) if base and folder else None
    if copied is None:
        base = None  # nothing to start from: the whole release is built from the units
        loaded.quads = [q for u in units for q in u.quads]
        store, changed = with_merge(ox.Store(), loaded.quads), None
    else:
        store, changed = copied
    refuse_duplicates(store, loaded, iris, changed)
    step("derive")
    removed = base is not None and reads_own_output(store, settings)
    if removed:  # the rules must not see the last build's derived facts: they leave first
        _apply(cache.delta(key, units, lambda name: name == DERIVED), store)
    units.append(generated(DERIVED, derive(store, settings)))
    units.append(generated("rights", licence(settings)))
    if base is not None:  # the new licence, and the derived facts that changed, if any
        derived = cache.delta(key, units, lambda name: name == DERIVED)
        _apply(Delta(added=units[-2].quads) if removed else derived, store)
        Delta(added=units[-1].quads).apply(store)
    else:
        store = with_merge(store, [*units[-2].quads, *units[-1].quads])
    step("validate")
    delta = cache.delta(key, units) if settings.incremental_build else None
    reaches = cache.reaches(key)
    report = validate(store, load_shapes(settings), loaded.files_by_subject, delta, reaches)
    cache.keep_reaches(key, reaches)
    differing = None if delta is None else list(delta.differing())
    broken = cube.check(store, settings, loaded.files_by_subject, differing)  # all figures
    if broken:
        report = Report(False, [*report.violations, *broken], report.graph, report.scope)
    if not report.conforms:
        raise ValidationFailedError(report)
    return Checked(loaded, report, reference, key, units, store, delta, copied=base is not None)


def _apply(delta: Delta | None, store: ox.Store) -> None:
    if delta is None:  # pragma: no cover - the cache lost a unit while this build ran
        raise DataError("the build cache changed during the build: build again")
    delta.apply(store)


def _copied(
    base: Path, path: Path, cache: BuildCache, key: str, units: list[Unit], iris: Iris
) -> tuple[ox.Store, set[str]] | None:
    """A copy of ``base``'s store at ``path`` holding ``units`` and their merge, and no
    description or licence (which the rules could read), with the IRIs whose statements
    changed; None when a unit of the last good build is missing from the cache. The last
    build's 28,000 derived facts stay, unless a rule may read what they state
    (``derive.reads_own_output``): after derive, only what changed in them is applied."""
    delta = cache.delta(key, units, lambda name: name != DERIVED)  # the licence leaves
    if delta is None:
        return None
    copy_store(base / "store", path)
    store = ox.Store(str(path))
    _drop_catalogue(store, iris)
    delta.apply(store)
    quads = delta.differing()
    return store, {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}


def _sources(loaded: Loaded, settings: Settings) -> list[ox.Quad]:
    """Check every quote and source text (QuoteError); return the records' own graph."""
    iris = Iris(settings.base_iri)
    try:
        records = read_records(settings.sources_dir)
    except SourceError as error:
        raise DataError(str(error)) from error
    # paths in messages as the loader shows them: relative to the folder that holds data/
    verify_quotes(records, loaded.quads, loaded.files_by_graph, iris, settings.data_dir.parent)
    generated_quads = source_quads(records, iris, set(loaded.files_by_graph))
    origin = f"(generated from {settings.sources_dir.name}/)"
    for quad in generated_quads:
        if isinstance(quad.subject, ox.NamedNode):
            loaded.files_by_subject[quad.subject.value].add(origin)
    return generated_quads


def _reference(
    settings: Settings, loaded: Loaded, cache: BuildCache, key: str
) -> tuple[Reference, list[Unit], dict[str, list[str]]]:
    """The reference graphs (one unit each), what the catalogue says of them, and the IRIs
    each unit describes: read back from the build cache when their inputs are those of a
    build that made them (bomay's code and settings, the pinned packages, and what they take
    from the data files: ``reference.data_inputs``), else generated, canonicalised and kept
    there. (The subjects are kept too: reading them off 250,000 quads took 0.5 s.)"""
    structures = read_tables(settings)
    inputs = data_inputs(structures, loaded.quads, settings, loaded.files_by_subject)
    folder = cache.made("reference", digest(f"{key}\0{inputs}".encode()))
    try:
        record = json.loads((folder / REFERENCE_RECORD).read_text(encoding="utf-8"))
        kept = [cache.read(name, sha) for name, sha in record["units"]]
        units = [u for u in kept if u is not None]
        if len(units) == len(kept):
            reference = Reference(
                packages=tuple(Package(**p) for p in record["packages"]),
                wikidata_left_out=record["wikidata_left_out"],
                geonames_left_out=record["geonames_left_out"],
                crosswalk_files=folder,
            )
            return reference, units, record["subjects"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not made yet, or damaged: make it again
    reference = generate(structures, loaded.quads, settings, loaded.files_by_subject)
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in reference.quads:
        by_graph.setdefault(str(quad.graph_name), []).append(quad)
    units = [generated(graph, quads) for graph, quads in sorted(by_graph.items())]
    subjects = {
        u.name: sorted({q.subject.value for q in u.quads if isinstance(q.subject, ox.NamedNode)})
        for u in units
    }
    record = {
        "units": [[u.name, u.sha] for u in units],
        "subjects": subjects,
        "packages": [dataclasses.asdict(p) for p in reference.packages],
        "wikidata_left_out": reference.wikidata_left_out,
        "geonames_left_out": reference.geonames_left_out,
    }
    try:  # best effort, like the rest of the cache: the crosswalk is then written as made
        cache.keep_only("reference", folder.name)
        folder.mkdir(parents=True, exist_ok=True)
        if reference.crosswalk is not None:
            crosswalk.write(reference.crosswalk, folder)
        for unit in units:
            cache.write(f"{unit.sha}.nq", unit.text)
        (folder / REFERENCE_RECORD).write_text(json.dumps(record), encoding="utf-8")
    except OSError:
        return reference, units, subjects
    return dataclasses.replace(reference, crosswalk_files=folder), units, subjects


def build(settings: Settings, step: Step = lambda _: None) -> Path:
    """Build and switch in a release; return its folder (the current one when nothing
    changed since it was built)."""
    collecting = gc.isenabled()
    # The data of a build live through it (300,000 quads, the browse index), hold no cycles,
    # and die with it; each full collection walked them all again (0.8 to 1.3 s of a 9 s
    # build after a change). Cycles made during the build are collected once it is done.
    gc.disable()
    try:
        try:
            return _build(settings, step)
        except DamagedCacheError:  # what the last good build left is not to be trusted
            shutil.rmtree(BuildCache(settings).folder, ignore_errors=True)
            return _build(settings, step)
    finally:
        if collecting:
            gc.enable()


def _build(settings: Settings, step: Step) -> Path:
    started = settings.now()
    previous = previous_release(settings.current_release)
    releases = settings.release_dir / "releases"
    if previous is None:  # nothing to copy from: the checks run on a store in memory
        checked = check(settings, step)
    tmp = _release_folder(settings, releases)
    if previous is not None:  # the checks may run on a copy of its store, in ``tmp``
        try:
            checked = check(settings, step, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    try:
        release_id = _write(checked, settings, tmp, step, previous, started)
        checked.close()
        if previous is not None and release_id == previous.id:
            shutil.rmtree(tmp)  # the same content and settings: the current release stays
            BuildCache(settings).save(checked.key, checked.units, previous.id)
            return previous.folder
        tmp.chmod(0o755)  # mkdtemp makes it private; a release is for everyone to read
        final = releases / release_id
        if final.exists():
            shutil.rmtree(tmp)  # identical release already built: nothing to write
        else:
            tmp.rename(final)
        step("switch")
        _switch(settings.current_release, final)
    except OSError as error:
        checked.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise _write_error(settings, error) from error
    except BaseException:
        checked.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    kept = {final.name} | ({previous.id} if previous is not None else set())
    _prune(releases, keep=kept, count=settings.keep_releases)
    BuildCache(settings).save(checked.key, checked.units, final.name)
    return final


def _release_folder(settings: Settings, releases: Path) -> Path:
    """A new hidden folder in ``releases`` to write a release into (its name holds the pid)."""
    try:
        releases.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(releases)
        return Path(tempfile.mkdtemp(prefix=f".building-{os.getpid()}-", dir=releases))
    except OSError as error:
        raise _write_error(settings, error) from error


def _write_error(settings: Settings, error: OSError) -> ReleaseWriteError:
    where = error.filename or settings.release_dir
    return ReleaseWriteError(
        f"{where}: cannot write the release ({error.strerror or error}); "
        f"{settings.current_release} is unchanged"
    )


def _remove_abandoned(releases: Path) -> None:
    """Remove the temporary folders of builds that were killed (their process is gone)."""
    for folder in releases.glob(".building-*"):
        pid = folder.name.split("-")[1]
        if not pid.isdigit() or not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _write(
    checked: Checked,
    settings: Settings,
    folder: Path,
    step: Step,
    previous: Previous | None,
    started: dt.datetime,
) -> str:
    """Write the release's files into ``folder``; return its id (the previous release's
    when content and settings are unchanged, and then nothing else is written)."""
    iris = Iris(settings.base_iri)
    checked.loaded.files_by_subject.clear()  # for the checks' messages only: 100 MB at 1M
    step("dumps")
    prefixes = {**PREFIXES, "bomay": iris.vocab, "id": iris.resource(""), "graph": iris.graph("")}
    dataset, rights_graph = ox.NamedNode(iris.dataset), ox.NamedNode(iris.graph("rights"))
    licence = [q for q in _in_graph(checked.units, rights_graph) if q.subject == dataset]
    cache = BuildCache(settings)
    units = sorted(checked.units, key=lambda u: u.name)

    def is_inference(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
        return iris.is_inference(str(getattr(graph, "value", "")))

    inference = f"<{iris.graph('inference/')}"  # the graphs' IRIs start so in N-Quads
    dumps = write_dataset_dumps(
        [cache.parts(u, prefixes, is_inference) for u in units],
        [q for u in units if u.states(inference) for q in u.quads if is_inference(q.graph_name)],
        folder, prefixes, licence, lambda run, make: cache.run(checked.key, run, make),
    )  # fmt: skip
    cache.keep_only_runs()
    content = _content_key(settings, sha256(folder / DATASET_QUADS))
    if previous is not None and _manifest(previous.folder).get("content") == content:
        return previous.id
    ontology_graph = ox.NamedNode(iris.graph("ontology"))
    dumps += write_ontology_dumps(list(_in_graph(checked.units, ontology_graph)), folder, prefixes)
    if checked.reference.crosswalk_files is not None:
        dumps += crosswalk.copy(checked.reference.crosswalk_files, folder)
    elif checked.reference.crosswalk is not None:
        dumps += crosswalk.write(checked.reference.crosswalk, folder)
    if previous is not None:
        dumps += write_changes(previous, checked.units, folder, checked.delta)
    write_graph(checked.report.graph, folder / REPORT, prefixes)
    dumps.append(
        Dump(REPORT, "text/turtle", "SHACL validation report of this release",
             description="What bomay's SHACL shapes found in this release's data (it conforms)",
             file_type="RDF_TURTLE")
    )  # fmt: skip
    quads = sum(len(u) for u in checked.units)
    _forget_quads(checked)
    step("store")
    store = checked.store if checked.copied else _store(folder / "store", checked)
    # the same quads in memory answer the build's own queries in half the time
    # the release the last good build wrote, which this one may start from
    base = BuildCache(settings).base(checked.key, settings.release_dir / "releases")
    stats = compute(checked.store, iris.vocab, _earlier_graphs(checked, base, iris))
    context = _context(checked.store, iris, checked, settings)
    step("describe")
    facts = [FileFacts(d, (folder / d.name).stat().st_size, sha256(folder / d.name)) for d in dumps]
    release_id = _release_id(settings, content, previous)
    provenance = Provenance(
        release_id, started, settings.now(), _commit(settings.project_dir), previous
    )
    triples = int(select(checked.store, TRIPLES, iris.vocab)[0]["n"])
    examples = [
        iris.resource(p)
        for p in (
            "agency/hai-phong/an-lao/van-phong-huyen",
            "directive/trung-uong/bch-tw-khoa-xii/nghi-quyet-18",
            "concept/pilot-model/hop-nhat-co-quan-tham-muu-voi-co-quan-chuyen-mon",
        )
    ]
    description = describe(settings, facts, stats, triples, examples, context, provenance)
    conformance = dcat_ap.check(description)
    if not conformance.conforms:
        raise ValidationFailedError(conformance)
    write_graph(conformance.graph, folder / DCAT_AP_REPORT, prefixes)
    write_graph(description, folder / DESCRIPTION, {**prefixes, **DESCRIPTION_PREFIXES})
    catalogue = _catalogue_graph(folder / DESCRIPTION, iris)
    with_merge(store, catalogue)  # every IRI the description mints is served too
    if not checked.copied:
        with_merge(checked.store, catalogue)
    earlier = _earlier_index(checked, base, catalogue, iris)
    indexes = [
        write_browse_index(checked.store, folder, iris.base, iris.vocab, earlier),
        write_labels(checked.store, folder, *_earlier_labels(base, earlier)),
    ]
    default_graph = int(select(checked.store, TRIPLES, iris.vocab)[0]["n"])  # with the catalogue
    store.flush()
    if not checked.copied:  # a copy keeps the last release's compacted tables: compacting
        store.optimize()  # them again for a change's few statements took 0.3 to 0.5 s
    del store  # release the RocksDB lock before the folder is renamed
    linked = base if checked.copied else None
    checked.close()  # and before its files are hashed: RocksDB may still be compacting them
    _drop_logs(folder / "store")
    graphs = [*stats["graphs"], {"g": iris.graph("catalogue"), "n": len(catalogue)}]
    manifest = {
        "issued": settings.issued.isoformat(),
        "version": release_id,
        "previous": previous.id if previous is not None else None,
        "content": content,
        "base_iri": settings.base_iri,
        "triples": triples,
        "default_graph_triples": default_graph,
        "quads": quads,
        "store_layout": STORE_LAYOUT,
        "files": {f.dump.name: {"media_type": f.dump.media_type, "bytes": f.size} for f in facts},
        "stats": {**stats, "graphs": graphs},
    }
    manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (folder / MANIFEST).write_text(manifest_text, encoding="utf-8")
    extra = [DESCRIPTION, DCAT_AP_REPORT, MANIFEST, *([CHANGES] if previous else [])]
    names = sorted([*(d.name for d in dumps), *indexes, *extra])
    sums = sums_text(folder, names, {f.dump.name: f.sha256 for f in facts})
    (folder / CHECKSUMS).write_text(sums, encoding="utf-8")
    write_store_sums(folder, linked)
    return release_id


def _forget_quads(checked: Checked) -> None:
    """Free the quads' Python objects (400 bytes each: 560 MB at 1.37M triples, a fifth of
    the build's peak) once the dumps are written: the rest of the build reads the stores,
    and the build cache needs only each unit's text."""
    for held in (checked.loaded.quads, checked.reference.quads):
        held.clear()
    for unit in checked.units:
        unit.parsed = None


def _in_graph(units: list[Unit], graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """The quads of ``units`` in ``graph``, reading the quads of those whose text names it."""
    return (q for u in units if u.states(str(graph)) for q in u.quads if q.graph_name == graph)


def _content_key(settings: Settings, dataset_sha256: str) -> str:
    """What makes a release different from another: its data and the settings that the
    description writes out (the same key gives the same release)."""
    key = [dataset_sha256, settings.base_iri, settings.public_url, settings.licence,
           settings.publisher, settings.issued.isoformat(), DESCRIPTION_FORMAT,
           BROWSE_FORMAT]  # fmt: skip
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


def _release_id(settings: Settings, content: str, previous: Previous | None) -> str:
    """``{date}-{hash}`` of the content and the release it follows (its dcat:version)."""
    key = json.dumps([content, previous.id if previous is not None else None])
    return f"{settings.issued.isoformat()}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def _manifest(folder: Path) -> dict[str, object]:
    try:
        manifest: dict[str, object] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest


def _commit(folder: Path) -> tuple[str, bool] | None:
    """The git commit of the project's files, and whether they have uncommitted changes."""
    git = shutil.which("git")
    if git is None:
        return None

    def run(*args: str) -> str | None:
        done = subprocess.run(  # noqa: S603 - git, with fixed arguments
            [git, "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    if commit is None:
        return None
    return commit, bool(run("status", "--porcelain"))


def _drop_catalogue(store: ox.Store, iris: Iris) -> None:
    """Remove a previous release's description: its graph, and its triples in the merge
    that no other graph states."""
    graph = f"<{iris.graph('catalogue')}>"
    store.update(
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {graph}) }} }}; "
        f"DROP SILENT GRAPH {graph}"
    )


def _earlier_index(
    checked: Checked, base: Path | None, catalogue: list[ox.Quad], iris: Iris
) -> Earlier | None:
    """The browse index of the release that the last good build wrote, with the IRIs whose
    own statements this build may have changed (``browse.Earlier``): the subjects of the
    quads the change changed (``Delta.differing``), and of that release's catalogue and
    this one's.
    None when there is no such release, or when a class hierarchy changed (the kind of
    every resource may have)."""
    if checked.delta is None or base is None or not (base / BROWSE).is_file():
        return None
    before = _catalogue_graph(base / DESCRIPTION, iris)
    quads = [*checked.delta.differing(), *before, *catalogue]
    if any(q.predicate == SUBCLASS_OF for q in quads):
        return None
    changed = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    return Earlier(read_browse_index(base), changed)


def _earlier_graphs(
    checked: Checked, base: Path | None, iris: Iris
) -> tuple[list[dict[str, str | int]], set[str]] | None:
    """The counts per graph of the release whose store ``checked.store`` is a copy of, and
    the graphs the change since may have changed (those of the quads it changed); None
    when the store is not such a copy."""
    if not checked.copied or checked.delta is None or base is None:
        return None
    if checked.delta.since != base.name:  # pragma: no cover - the same state names both
        return None
    stats = _manifest(base).get("stats")
    catalogue = iris.graph("catalogue")  # not in the copy: the description is made anew
    if not isinstance(stats, dict) or not isinstance(stats.get("graphs"), list):
        return None
    rows = [row for row in stats["graphs"] if row["g"] != catalogue]
    changed = {
        q.graph_name.value
        for q in checked.delta.differing()
        if isinstance(q.graph_name, ox.NamedNode)
    }
    return rows, changed


def _earlier_labels(
    base: Path | None, earlier: Earlier | None
) -> tuple[dict[str, dict[str, str]] | None, set[str]]:
    """The names of the release the last good build wrote, and the IRIs whose own statements
    may have changed since (those of ``_earlier_index``); (None, ∅) when there is no such
    index: then every name is asked again."""
    if earlier is None or base is None or not (base / LABELS_FILE).is_file():
        return None, set()
    return read_labels(base), earlier.changed


def _catalogue_graph(description: Path, iris: Iris) -> list[ox.Quad]:
    graph = ox.NamedNode(iris.graph("catalogue"))
    triples = ox.parse(path=str(description), format=ox.RdfFormat.TURTLE)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def _store(path: Path, checked: Checked) -> ox.Store:
    """The release's store, from the validated store in memory (the quads and their merge)."""
    store = ox.Store(str(path))
    quads = iter(checked.store)  # the validated quads and their merge
    while batch := list(itertools.islice(quads, BULK_BATCH)):
        store.bulk_extend(batch)
    store.flush()
    store.optimize()
    return store


def _drop_logs(path: Path) -> None:
    """Open the written store once more, alone, and close it: RocksDB then deletes the
    write-ahead logs that ``flush`` and ``optimize`` leave behind, whose data are already in
    its tables (132 of the 818 MB of a store built after a change at 1.37M triples), and
    which every server start would otherwise hash with the rest.

    With the collector off during a build, a frame kept by a reference cycle (a parser's
    exception, a pyshacl fallback) may still hold the store open: then one collection frees
    it and the store is opened again."""
    try:
        ox.Store(str(path))
    except OSError:  # "lock hold by current process"
        gc.collect()
        ox.Store(str(path))


def with_merge(store: ox.Store, quads: list[ox.Quad]) -> ox.Store:
    """Add ``quads`` to ``store``, and every triple of theirs again in the store's default
    graph, where the store keeps it once: the RDF merge that every query without FROM runs
    over, in the build's checks as in the served release.

    pyoxigraph's own union default graph is a bag: a triple stated by twenty articles
    matches twenty times (oxigraph issue #1919), which inflates COUNT and SUM and multiplies
    joins (one competency question took 188 s instead of 0.03 s at 100K triples).
    """
    store.bulk_extend(quads)
    graphs = " ".join(sorted({str(q.graph_name) for q in quads}))  # IRIs in N-Triples form
    if graphs:  # copied by the engine: no Python object per triple
        insert = "INSERT { ?s ?p ?o } WHERE { VALUES ?g { %s } GRAPH ?g { ?s ?p ?o } }"
        store.update(insert % graphs)
    return store


def _context(store: ox.Store, iris: Iris, checked: Checked, settings: Settings) -> Context:
    """Coverage and link counts for the catalogue record, read from the release itself."""

    def rows(query: str, **bindings: str) -> list[dict[str, str | int]]:
        for name, value in bindings.items():  # our own IRIs, written as string literals
            query = query.replace(f"?{name}", str(ox.Literal(value)))
        return select(store, query, iris.vocab)

    articles = iris.graph("article-")
    spatial = [str(r["unit"]) for r in rows(SPATIAL, articles=articles)]
    graphs = sorted(str(g) for g in store.named_graphs() if g.value.startswith(articles))
    period = rows(PERIOD % " ".join(graphs))[0]
    links = int(rows(WIKIDATA_LINKS, entity=WIKIDATA_ENTITY)[0]["n"])
    sources = {str(r["g"]): str(r["article"]) for r in rows(SOURCES, articles=articles)}
    versions = [(str(r["version"]), str(r.get("info", ""))) for r in rows(ONTOLOGY_VERSIONS)]
    geonames = {str(r["p"]): int(r["n"]) for r in rows(GEONAMES_LINKS, space=GEONAMES)}
    return Context(
        checked.reference, spatial, str(period["start"]), str(period["end"]), links, sources,
        [_rule(path, settings) for path in rule_files(settings)], versions, geonames,
    )  # fmt: skip


def _rule(path: Path, settings: Settings) -> Rule:
    """A derivation rule as the catalogue describes it: its header comment and its query."""
    text = path.read_text(encoding="utf-8").replace(CANONICAL_BASE, settings.base_iri)
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("# "))
    return Rule(path.stem, " ".join(header), text)


def _switch(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` in one atomic rename (readers never see a gap)."""
    tmp_link = link.with_name(f".{link.name}.tmp")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(target.relative_to(link.parent))
    tmp_link.replace(link)


def _prune(releases: Path, keep: set[str], count: int) -> None:
    done = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in done[count:]:
        if old.name not in keep and not is_held(old):
            shutil.rmtree(old, ignore_errors=True)
