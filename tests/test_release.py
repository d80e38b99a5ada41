"""The release: its files, checksums, description, determinism and atomic switch."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCAT, VOID

from conftest import make_settings, settings_for
from publish.build.load import DataError
from publish.build.release import CHECKSUMS, build
from publish.settings import Settings
from publish.store import NoReleaseError, Release, open_release

DUMPS = ("bomay.trig", "bomay.nq.gz", "bomay.ttl.gz", "bomay.nt.gz", "bomay.jsonld")


def test_release_holds_every_file(release: Release) -> None:
    names = {p.name for p in release.folder.iterdir()}
    expected = {
        *DUMPS,
        "ontology.ttl",
        "ontology.jsonld",
        "description.ttl",
        "validation-report.ttl",
        "manifest.json",
        CHECKSUMS,
        "store",
    }
    assert expected <= names


def test_release_is_readable_by_other_users(release: Release) -> None:
    assert release.folder.stat().st_mode & 0o755 == 0o755


def test_checksums_match_files(release: Release) -> None:
    lines = (release.folder / CHECKSUMS).read_text().splitlines()
    assert len(lines) >= len(DUMPS) + 4
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((release.folder / name).read_bytes()).hexdigest() == digest, name


def test_dumps_agree_with_each_other(release: Release) -> None:
    """Every dump parses and holds the same data: quads with graphs, triples as the union."""
    quads = list(
        ox.parse(
            gzip.decompress((release.folder / "bomay.nq.gz").read_bytes()),
            format=ox.RdfFormat.N_QUADS,
        )
    )
    trig = list(ox.parse(path=str(release.folder / "bomay.trig"), format=ox.RdfFormat.TRIG))
    assert len(quads) == len(trig) == release.manifest["quads"]
    union = {(q.subject, q.predicate, q.object) for q in quads}
    for name, fmt in (
        ("bomay.ttl.gz", ox.RdfFormat.TURTLE),
        ("bomay.nt.gz", ox.RdfFormat.N_TRIPLES),
    ):
        triples = list(ox.parse(gzip.decompress((release.folder / name).read_bytes()), format=fmt))
        assert len(triples) == len(union) == release.manifest["triples"], name
    jsonld = rdflib.Graph().parse(release.folder / "bomay.jsonld", format="json-ld")
    assert len(jsonld) == len(union)
    graphs = {q.graph_name.value for q in quads}
    assert "https://w3id.org/bomay/graph/article-000" in graphs
    assert "https://w3id.org/bomay/graph/inference/i-01" in graphs
    assert "https://w3id.org/bomay/graph/derived" in graphs


def test_ontology_dump_is_the_ontology_alone(release: Release) -> None:
    ontology = rdflib.Graph().parse(release.folder / "ontology.ttl")
    assert (
        rdflib.URIRef("https://w3id.org/bomay/def"),
        rdflib.RDF.type,
        rdflib.OWL.Ontology,
    ) in ontology
    assert not list(
        ontology.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/bomay/def#Agency"))
    )


def test_description_lists_distributions_with_size_and_checksum(release: Release) -> None:
    g = rdflib.Graph().parse(release.folder / "description.ttl")
    dataset = rdflib.URIRef("https://w3id.org/bomay/id/dataset/bomay")
    assert g.value(dataset, VOID.triples).toPython() == release.manifest["triples"]
    assert str(g.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")
    distributions = list(g.objects(dataset, DCAT.distribution))
    # + ontology.ttl, ontology.jsonld, the SHACL report and the three crosswalk files
    assert len(distributions) == len(DUMPS) + 3 + 3
    sums = dict(
        reversed(line.split("  ")) for line in (release.folder / CHECKSUMS).read_text().splitlines()
    )
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    for dist in distributions:
        name = str(dist).rsplit("/", 1)[-1]
        assert g.value(dist, DCAT.byteSize).toPython() == (release.folder / name).stat().st_size
        assert str(g.value(g.value(dist, spdx.checksum), spdx.checksumValue)) == sums[name]
    linksets = set(g.subjects(rdflib.RDF.type, VOID.Linkset))
    subsets = [s for s in g.objects(dataset, VOID.subset) if s not in linksets]
    assert len(subsets) == len(release.manifest["stats"]["graphs"])


def test_the_default_graph_holds_each_triple_once(release: Release) -> None:
    """A triple stated by several articles (a place's label, say) matches once in a query
    without FROM, as in the RDF merge; pyoxigraph's union graph would match it per graph."""

    def count(query: str) -> int:
        result = release.store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    quads = count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    triples = count(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"
    )
    assert quads > triples  # some triples are in several graphs: the test can tell
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == triples


def test_a_release_an_older_bomay_built_is_refused_with_the_fix(tmp_path: Path) -> None:
    """Its store has no merged default graph: serving it would answer every query
    without FROM with nothing, so the service says to rebuild instead."""
    folder = tmp_path / "releases" / "old"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"stats": {"graphs": []}}))
    (tmp_path / "current").symlink_to(folder)
    with pytest.raises(NoReleaseError, match=r"older bomay.*run `bomay build`"):
        open_release(make_settings(tmp_path))


def test_manifest_counts_sources(release: Release) -> None:
    sources = release.manifest["stats"]["sources"]
    assert len(sources) == 5
    assert all(int(row["facts"]) > 10 for row in sources)


def test_same_input_gives_byte_identical_release(tmp_path: Path) -> None:
    # at the named scope: the same code paths as a national build (units, events, links,
    # crosswalk) in seconds; two national builds were compared by hand (docs/ARCHITECTURE.md)
    first = build(make_settings(tmp_path / "first", reference_scope="named"))
    again = build(make_settings(tmp_path / "again", reference_scope="named"))
    assert (again / CHECKSUMS).read_bytes() == (first / CHECKSUMS).read_bytes()
    assert again.name == first.name


def test_failed_build_leaves_previous_release_untouched(project_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    good = build(settings)
    before = (good / CHECKSUMS).read_bytes()
    (project_copy / "data" / "article-002.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b .\n")
    with pytest.raises(DataError, match=r"article-002\.ttl:2"):
        build(settings)
    assert settings.current_release.resolve() == good
    assert (good / CHECKSUMS).read_bytes() == before
    leftovers = [
        p.name for p in (settings.release_dir / "releases").iterdir() if p.name.startswith(".")
    ]
    assert leftovers == []


def test_rebuild_with_changed_data_switches_release(project_copy: Path, tmp_path: Path) -> None:
    settings = settings_for(project_copy, tmp_path / "dist")
    first = build(settings)
    (project_copy / "ontology" / "ontology.ttl").write_text(
        (project_copy / "ontology" / "ontology.ttl")
        .read_text(encoding="utf-8")
        .replace('owl:versionInfo "0.1.0"', 'owl:versionInfo "0.1.1"')
    )
    second = build(settings)
    assert second != first
    assert settings.current_release.resolve() == second
    assert first.exists()  # kept (keep_releases) for rollback


def test_base_iri_is_configurable(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        release_dir=tmp_path, base_iri="http://localhost:9999/b/", reference_scope="named"
    )
    folder = build(settings)
    manifest = json.loads((folder / "manifest.json").read_text())
    graphs = [row["g"] for row in manifest["stats"]["graphs"]]
    assert graphs and all(g.startswith("http://localhost:9999/b/graph/") for g in graphs)
    text = gzip.decompress((folder / "bomay.nt.gz").read_bytes()).decode()
    assert "w3id.org/bomay" not in text
