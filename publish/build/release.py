"""Build a release: load → derive → validate → write, then switch it in atomically.

A release is written into a hidden temporary folder beside the others and renamed into
``releases/``; the ``current`` symlink is then replaced in one rename. A failure at any step
leaves the previous release untouched and removes the temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from publish.build.derive import derive
from publish.build.describe import FileFacts, describe
from publish.build.dumps import canonical, write_dataset_dumps, write_ontology_dumps
from publish.build.load import Loaded, load
from publish.build.stats import compute
from publish.build.validate import Report, load_shapes, validate
from publish.iris import Iris
from publish.rdf import PREFIXES, to_rdflib_graph
from publish.settings import Settings

STEPS = ("parse", "derive", "validate", "dumps", "store", "describe", "switch")
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"

Step = Callable[[str], None]


class ValidationFailedError(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.violations)} SHACL violation(s)")
        self.report = report


@dataclass(frozen=True)
class Checked:
    """The validated dataset, ready to be written."""

    quads: list[ox.Quad]
    loaded: Loaded
    report: Report


def check(settings: Settings, step: Step = lambda _: None) -> Checked:
    """Load, derive and validate; raise DataError or ValidationFailedError on bad input."""
    step("parse")
    loaded = load(settings)
    store = ox.Store()
    store.bulk_extend(loaded.quads)
    step("derive")
    derived = derive(store, settings)
    quads = canonical([*loaded.quads, *derived])
    step("validate")
    validated = ox.Store()
    validated.bulk_extend(quads)
    shapes = load_shapes(settings)
    report = validate(to_rdflib_graph(quads), shapes, loaded.files_by_subject, validated)
    if not report.conforms:
        raise ValidationFailedError(report)
    return Checked(quads, loaded, report)


def build(settings: Settings, step: Step = lambda _: None) -> Path:
    """Build and switch in a release; return its folder."""
    checked = check(settings, step)
    releases = settings.release_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=releases))
    try:
        release_id = _write(checked, settings, tmp, step)
        tmp.chmod(0o755)  # mkdtemp makes it private; a release is for everyone to read
        final = releases / release_id
        if final.exists():
            shutil.rmtree(tmp)  # identical release already built: nothing to write
        else:
            tmp.rename(final)
        step("switch")
        _switch(settings.current_release, final)
        _prune(releases, keep={final.name}, count=settings.keep_releases)
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write(checked: Checked, settings: Settings, folder: Path, step: Step) -> str:
    iris = Iris(settings.base_iri)
    step("dumps")
    prefixes = {**PREFIXES, "bomay": iris.vocab, "id": iris.resource(""), "graph": iris.graph("")}
    dumps = write_dataset_dumps(checked.quads, folder, prefixes)
    ontology_graph = ox.NamedNode(iris.graph("ontology"))
    dumps += write_ontology_dumps(
        [q for q in checked.quads if q.graph_name == ontology_graph], folder
    )
    checked.report.graph.serialize(folder / "validation-report.ttl", format="turtle")
    step("store")
    store = ox.Store(str(folder / "store"))
    store.bulk_extend(checked.quads)
    store.flush()
    store.optimize()
    stats = compute(store, iris.vocab)
    del store  # release the RocksDB lock before the folder is renamed
    step("describe")
    facts = [
        FileFacts(d, (folder / d.name).stat().st_size, _sha256(folder / d.name)) for d in dumps
    ]
    triples = len({(q.subject, q.predicate, q.object) for q in checked.quads})
    examples = [
        iris.resource(p)
        for p in (
            "agency/hai-phong/an-lao/van-phong-huyen",
            "directive/trung-uong/bch-tw-khoa-xii/nghi-quyet-18",
            "concept/pilot-model/hop-nhat-co-quan-tham-muu-voi-co-quan-chuyen-mon",
        )
    ]
    description = describe(settings, facts, stats, triples, examples)
    description.serialize(folder / "description.ttl", format="turtle")
    manifest = {
        "issued": settings.issued.isoformat(),
        "base_iri": settings.base_iri,
        "triples": triples,
        "quads": len(checked.quads),
        "files": {f.dump.name: {"media_type": f.dump.media_type, "bytes": f.size} for f in facts},
        "stats": stats,
    }
    manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (folder / MANIFEST).write_text(manifest_text, encoding="utf-8")
    names = sorted([*(d.name for d in dumps), "description.ttl", "validation-report.ttl", MANIFEST])
    sums = "".join(f"{_sha256(folder / name)}  {name}\n" for name in names)
    (folder / CHECKSUMS).write_text(sums, encoding="utf-8")
    return f"{settings.issued.isoformat()}-{hashlib.sha256(sums.encode()).hexdigest()[:12]}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
