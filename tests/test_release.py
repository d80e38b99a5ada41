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

from conftest import ROOT, make_settings, settings_for
from publish.build.load import DataError
from publish.build.release import CHECKSUMS, build
from publish.settings import Settings
from publish.sources import read_records
from publish.store import NoReleaseError, Release, open_release

DUMPS = (
    "bomay.trig",
    "bomay.nq.gz",
    "bomay.ttl.gz",
    "bomay.nt.gz",
    "bomay.jsonld",
    "inferences.trig",
)
ID = "https://w3id.org/bomay/id/"
DATASET = f"{ID}dataset/bomay"
LICENSE = "http://purl.org/dc/terms/license"
INFERENCE = "https://w3id.org/bomay/graph/inference/"


def test_release_holds_every_file(release: Release) -> None:
    names = {p.name for p in release.folder.iterdir()}
    expected = {
        *DUMPS,
        "ontology.ttl",
        "ontology.jsonld",
        "description.ttl",
        "validation-report.ttl",
        "dcat-ap-report.ttl",
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


def read(release: Release, name: str) -> list[ox.Quad] | list[ox.Triple]:
    data = (release.folder / name).read_bytes()
    fmt = ox.RdfFormat.from_extension(name.removesuffix(".gz").rsplit(".", 1)[1])
    assert fmt is not None
    return list(ox.parse(gzip.decompress(data) if name.endswith(".gz") else data, format=fmt))


def test_dumps_agree_with_each_other(release: Release) -> None:
    """Every dump parses and holds the same data: quads with every graph; the facts without
    the inferences as one graph; the inferences apart."""
    quads = read(release, "bomay.nq.gz")
    assert len(quads) == len(read(release, "bomay.trig")) == release.manifest["quads"]
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == release.manifest["triples"]
    inferred = [q for q in quads if q.graph_name.value.startswith(INFERENCE)]  # type: ignore[union-attr]
    facts = {(q.subject, q.predicate, q.object) for q in quads if q not in inferred}
    for name in ("bomay.ttl.gz", "bomay.nt.gz"):
        assert {(t.subject, t.predicate, t.object) for t in read(release, name)} == facts, name
    jsonld = rdflib.Graph().parse(release.folder / "bomay.jsonld", format="json-ld")
    assert len(jsonld) == len(facts)
    inferences = read(release, "inferences.trig")
    assert {q for q in inferences if q.graph_name.value.startswith(INFERENCE)} == set(inferred)  # type: ignore[union-attr]
    graphs = {q.graph_name.value for q in quads}
    assert "https://w3id.org/bomay/graph/article-000" in graphs
    assert "https://w3id.org/bomay/graph/inference/i-01" in graphs
    assert "https://w3id.org/bomay/graph/derived" in graphs


def test_an_inference_is_not_a_plain_fact(release: Release) -> None:
    """Article 001's province is Đắk Nông by inference I.03: the link (bomay:likelySameAs,
    not owl:sameAs) is in the inference's graph and the inferences dump, never in the
    plain-fact dumps."""
    same_as = "https://w3id.org/bomay/def#likelySameAs"
    province = f"{ID}place/tinh-bai-viet-001"

    def links(name: str) -> set[str]:
        return {t.object.value for t in read(release, name)
                if t.subject.value == province and t.predicate.value == same_as}  # fmt: skip

    assert links("inferences.trig") == {f"{ID}place/dak-nong"}
    assert links("bomay.nq.gz") == {f"{ID}place/dak-nong"}
    for name in ("bomay.ttl.gz", "bomay.nt.gz"):
        assert links(name) == set(), name


@pytest.mark.parametrize("name", [*DUMPS, "ontology.ttl", "ontology.jsonld"])
def test_each_dump_states_its_licence(release: Release, name: str) -> None:
    subject = "https://w3id.org/bomay/def" if name.startswith("ontology") else DATASET
    licences = {t.object.value for t in read(release, name)
                if t.subject.value == subject and t.predicate.value == LICENSE}  # fmt: skip
    assert licences == {"https://creativecommons.org/licenses/by/4.0/"}


def test_every_quote_carries_its_rights(release: Release) -> None:
    quads = read(release, "bomay.nq.gz")
    quotes = {q.subject for q in quads if q.predicate.value == "http://www.w3.org/ns/oa#exact"}
    rights = {q.subject: q.object.value for q in quads
              if q.predicate.value == "http://purl.org/dc/terms/rights"}  # fmt: skip
    assert len(quotes) > 100
    assert {rights.get(quote) for quote in quotes} == {f"{ID}rights/press-quotation"}


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
    assert len(distributions) == len(release.manifest["files"])
    sums = dict(
        reversed(line.split("  ")) for line in (release.folder / CHECKSUMS).read_text().splitlines()
    )
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    version = release.manifest["version"]
    for dist in distributions:
        url = str(g.value(dist, DCAT.downloadURL))
        assert f"/releases/{version}/" in url  # versioned: the file of this release, for good
        name = url.rsplit("/", 1)[-1]
        assert g.value(dist, DCAT.byteSize).toPython() == (release.folder / name).stat().st_size
        assert str(g.value(g.value(dist, spdx.checksum), spdx.checksumValue)) == sums[name]
    linksets = set(g.subjects(rdflib.RDF.type, VOID.Linkset))
    subsets = {str(s) for s in g.objects(dataset, VOID.subset) if s not in linksets}
    catalogue = "https://w3id.org/bomay/graph/catalogue"  # the description: not a subset
    assert subsets == {row["g"] for row in release.manifest["stats"]["graphs"]} - {catalogue}


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
    assert triples == release.manifest["default_graph_triples"]  # what the service says


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
    records = read_records(ROOT / "sources")
    assert [row["article"].rsplit("/", 1)[1] for row in sources] == [
        r.stem.replace("_", "-") for r in records
    ]
    assert all(int(row["facts"]) >= 3 for row in sources)


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
    # the new release names the one before it and says what changed, statement by statement
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["previous"] == first.name and manifest["version"] == second.name
    added = gzip.decompress((second / "changes-added.nq.gz").read_bytes()).decode()
    removed = gzip.decompress((second / "changes-removed.nq.gz").read_bytes()).decode()
    assert added.count("\n") == removed.count("\n") == 1
    assert '"0.1.1" <https://w3id.org/bomay/graph/ontology>' in added
    assert '"0.1.0" <https://w3id.org/bomay/graph/ontology>' in removed
    description = rdflib.Graph().parse(second / "description.ttl")
    dataset = rdflib.URIRef(DATASET)
    dcat3 = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert str(description.value(dataset, dcat3.version)) == second.name
    previous = description.value(dataset, dcat3.previousVersion)
    assert str(description.value(previous, dcat3.version)) == first.name
    # nothing changed: no new release
    assert build(settings) == second and settings.current_release.resolve() == second


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
