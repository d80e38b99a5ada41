"""The release's VoID + DCAT description: what it holds, where to get it, how to check it."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from publish.build.dumps import Dump
from publish.iris import Iris
from publish.settings import Settings

SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = "https://www.iana.org/assignments/media-types/"
VOCABULARIES = (
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/ns/prov#",
    "http://data.europa.eu/eli/ontology#",
    "http://purl.org/linked-data/cube#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "https://schema.org/",
    "http://www.w3.org/ns/oa#",
)


@dataclass(frozen=True)
class FileFacts:
    dump: Dump
    size: int
    sha256: str


def describe(
    settings: Settings,
    files: list[FileFacts],
    stats: dict[str, list[dict[str, str | int]]],
    triples: int,
    examples: list[str],
) -> Graph:
    iris = Iris(settings.base_iri)
    dataset = URIRef(iris.resource("dataset/bomay"))
    g = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("spdx", SPDX)):
        g.bind(prefix, namespace)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("bomay: sắp xếp, tinh gọn tổ chức bộ máy", lang="vi")))
    g.add((dataset, DCTERMS.title, Literal("bomay: reorganising Viet Nam's apparatus", lang="en")))
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Dữ liệu liên kết mở về việc sắp xếp, tinh gọn tổ chức bộ máy của hệ thống "
                "chính trị Việt Nam: cơ quan, hợp nhất, mô hình thí điểm, văn bản, chức danh "
                "và số liệu, mỗi dữ kiện kèm nguồn và trích dẫn.",
                lang="vi",
            ),
        )
    )
    g.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Linked open data on the reorganisation of Viet Nam's state and Party apparatus: "
                "agencies, mergers, pilot models, directives, posts and figures, each fact with "
                "its source article and quote.",
                lang="en",
            ),
        )
    )
    g.add((dataset, DCTERMS.license, URIRef(settings.licence)))
    g.add((dataset, DCTERMS.issued, Literal(settings.issued.isoformat(), datatype=XSD.date)))
    g.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/vi")))
    g.add((dataset, VOID.triples, Literal(triples)))
    g.add((dataset, VOID.uriSpace, Literal(iris.resource(""))))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{settings.public_url}sparql")))
    for vocabulary in (*VOCABULARIES, iris.vocab):
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for example in examples:
        g.add((dataset, VOID.exampleResource, URIRef(example)))
    _distributions(g, dataset, settings, files)
    _partitions(g, dataset, stats)
    service = URIRef(iris.resource("dataset/bomay/sparql"))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, URIRef(f"{settings.public_url}sparql")))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((dataset, DCAT.accessService, service))
    return g


def _distributions(g: Graph, dataset: URIRef, settings: Settings, files: list[FileFacts]) -> None:
    for facts in files:
        dist = URIRef(f"{dataset}/distribution/{facts.dump.name}")
        url = URIRef(f"{settings.public_url}dumps/{facts.dump.name}")
        checksum = URIRef(f"{dist}#sha256")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, url))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(facts.dump.title, lang="en")))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + facts.dump.media_type)))
        if facts.dump.encoding == "gzip":
            g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, DCAT.byteSize, Literal(facts.size, datatype=XSD.nonNegativeInteger)))
        g.add((dist, DCTERMS.license, URIRef(settings.licence)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(facts.sha256, datatype=XSD.hexBinary)))


def _partitions(g: Graph, dataset: URIRef, stats: dict[str, list[dict[str, str | int]]]) -> None:
    for row in stats["graphs"]:
        subset = URIRef(f"{dataset}/graph/{str(row['g']).rsplit('/graph/', 1)[-1]}")
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(str(row["g"]))))
        g.add((subset, VOID.triples, Literal(int(row["n"]))))
    for index, row in enumerate(stats["classes"]):
        partition = URIRef(f"{dataset}/class/{index}")
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(str(row["class"]))))
        g.add((partition, VOID.entities, Literal(int(row["n"]))))
