"""Every IRI a release mints resolves, for people and machines, under any base; a release
built for publication names no local address."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from conftest import make_settings, minted, sampled, server_env
from launch import running_server
from publish.build.release import build
from publish.settings import CANONICAL_BASE, Settings
from publish.store import Release

AGENCY = "id/agency/hai-phong/an-lao/van-phong-huyen"
PUBLIC = "https://bomay.example.org/"
OTHER_BASE = "https://data.example.net/bomay/"
#: the tests of the ``published`` release run on one xdist worker: one build, one server
ONE_WORKER = pytest.mark.xdist_group("published")


@pytest.fixture(scope="module")
def unhurried(release: Release, settings: Settings) -> Iterator[str]:
    """A server with the default time limit: this test asks whether every IRI answers, and
    the suite's 5 s limit (for the limit tests) is too tight for a 700-row page on a busy
    machine."""
    env = server_env(settings)
    del env["BOMAY_QUERY_TIMEOUT_S"]
    with running_server(env) as url:
        yield url


def test_every_minted_iri_resolves_as_html_and_rdf(unhurried: str, release: Release) -> None:
    iris = minted(release.folder, CANONICAL_BASE)
    assert len(iris) > 600  # the data, the catalogue, each graph, the ontology's versions
    chosen = sampled(iris, CANONICAL_BASE)
    failures = []
    with httpx.Client(base_url=unhurried, timeout=60) as http:
        for iri in sorted(chosen):
            path = "/" + iri[len(CANONICAL_BASE) :]
            page = http.get(path, headers={"Accept": "text/html"})
            rdf = http.get(path, headers={"Accept": "application/n-triples"})
            ok = (
                page.status_code == 200
                and page.headers["content-type"].startswith("text/html")
                and rdf.status_code == 200
                and any(
                    isinstance(t.subject, ox.NamedNode) and t.subject.value == iri
                    for t in ox.parse(rdf.content, format=ox.RdfFormat.N_TRIPLES)
                )
            )
            if not ok:
                failures.append(f"{path}: {page.status_code} (HTML), {rdf.status_code} (RDF)")
    assert failures == [], f"{len(failures)} of {len(iris)} IRIs do not resolve: {failures[:20]}"


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/id/dataset/bomay", "http://www.w3.org/ns/dcat#Dataset"),
        ("/id/dataset/bomay/catalogue", "http://www.w3.org/ns/dcat#Catalog"),
        ("/id/dataset/bomay/distribution/bomay-ttl-gz", "http://www.w3.org/ns/dcat#Distribution"),
        ("/id/dataset/bomay/linkset/wikidata", "http://rdfs.org/ns/void#Linkset"),
        ("/id/dataset/bomay/publisher", "http://xmlns.com/foaf/0.1/Agent"),
        ("/id/dataset/bomay/build", "http://www.w3.org/ns/prov#Activity"),
        ("/graph/article-000", "http://rdfs.org/ns/void#Dataset"),
        ("/graph/inference/i-01", "https://w3id.org/bomay/def#Inference"),
        ("/id/dataset/reference/vietnamadminunits-1.0.4", "http://www.w3.org/ns/prov#Entity"),
    ],
)
def test_the_catalogue_s_iris_are_described(server: str, path: str, what: str) -> None:
    turtle = httpx.get(server + path, headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200, turtle.text
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    types = {t.object.value for t in triples if t.predicate.value.endswith("#type")}
    assert what in types


def test_a_graph_names_its_source_and_an_inference_its_grounds(server: str) -> None:
    article = httpx.get(server + "/graph/article-000.ttl", timeout=30)
    triples = list(ox.parse(article.content, format=ox.RdfFormat.TURTLE))
    source = next(t.object for t in triples if t.predicate.value.endswith("/source"))
    assert source.value.startswith(CANONICAL_BASE + "id/article/000-")
    headlines = [t for t in triples if t.subject == source and "headline" in t.predicate.value]
    assert headlines and headlines[0].object.value.startswith("Hải Phòng: Thí điểm hợp nhất")
    inference = httpx.get(server + "/graph/inference/i-01.ttl", timeout=30).text
    for word in ("justification", "confidence", "wasDerivedFrom"):
        assert word in inference
    derived = httpx.get(server + "/graph/derived.ttl", timeout=30)
    rules = list(ox.parse(derived.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value.endswith("/rule/lifespan") for t in rules)
    rule = httpx.get(server + "/id/dataset/bomay/rule/lifespan.ttl", timeout=30).text
    assert "CONSTRUCT" in rule  # the rule's query itself


def test_the_ontology_resolves_as_def_def_slash_and_its_version(server: str) -> None:
    answers = [httpx.get(server + p, headers={"Accept": "text/turtle"}, timeout=30)
               for p in ("/def", "/def/", "/def/0.1.0")]  # fmt: skip
    assert [a.status_code for a in answers] == [200, 200, 200]
    version = list(ox.parse(answers[2].content, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("isVersionOf") for t in version)
    assert httpx.get(server + "/def/9.9.9", timeout=30).status_code == 404


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, str]]:
    """A release built under another base, for publication at a public URL, served from a
    project that has no example queries of its own. It loads the units the data name: the
    code that mints every unit's IRIs is the same, and the session's national release is
    checked under the canonical base above."""
    settings = make_settings(
        tmp_path_factory.mktemp("published"), base_iri=OTHER_BASE, public_url=PUBLIC,
        reference_scope="named",
    )  # fmt: skip
    build(settings)
    env = {
        **server_env(settings),
        "BOMAY_PUBLIC_URL": PUBLIC,
        "BOMAY_QUERIES_DIR": str(tmp_path_factory.mktemp("no-queries")),
    }
    with running_server(env) as url:
        yield settings, url


@ONE_WORKER
def test_a_release_built_for_publication_names_no_local_address(
    published: tuple[Settings, str],
) -> None:
    settings, _ = published
    folder = settings.current_release.resolve()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            data = path.read_bytes()
            text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode()
            for local in ("127.0.0.1", "localhost", "w3id.org/bomay"):
                assert local not in text, f"{path.name} names {local}"
    description = list(ox.parse(path=str(folder / "description.ttl"), format=ox.RdfFormat.TURTLE))
    endpoints = {(t.subject.value, t.object.value) for t in description
                 if t.predicate.value == "http://rdfs.org/ns/void#sparqlEndpoint"}  # fmt: skip
    assert (f"{OTHER_BASE}id/dataset/bomay", f"{PUBLIC}sparql") in endpoints


@ONE_WORKER
def test_pages_and_lineage_under_another_base(published: tuple[Settings, str]) -> None:
    _, url = published
    page = httpx.get(f"{url}/{AGENCY}", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    lineage = page.text[page.text.index('id="lineage"') : page.text.index('id="relations"')]
    assert "Văn phòng Huyện ủy An Lão" in lineage and "2018-11-15" in lineage  # dated
    turtle = httpx.get(f"{url}/{AGENCY}.ttl", timeout=30)
    triples = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == OTHER_BASE + AGENCY for t in triples)
    assert "w3id.org/bomay" not in turtle.text
    dataset = httpx.get(f"{url}/id/dataset/bomay.ttl", timeout=30)
    assert dataset.status_code == 200 and f"{PUBLIC}releases/" in dataset.text


@ONE_WORKER
def test_the_pages_need_no_query_of_the_project(published: tuple[Settings, str]) -> None:
    """The timeline's question ships in the package: a project without queries/ has it."""
    _, url = published
    timeline = httpx.get(f"{url}/timeline", timeout=30)
    assert timeline.status_code == 200 and "2018-11-15" in timeline.text
    editor = httpx.get(f"{url}/query", timeout=30).text
    assert '<option value="cq14-timeline"' in editor and "cq01" not in editor
