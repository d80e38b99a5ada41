"""What the service says about one resource: the queries and their shaping for pages.

The RDF description of a resource is its concise bounded description (its statements and
the blank nodes and fragments of its own IRI they lead to: the quotes, a unit's codes), the
labels of what it links to, and the links that point at it, plus ``void:inDataset``. The
HTML page groups the same statements by property, with labels and, for each statement, the
graph (source article or inference) it comes from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from publish.rdf import PREFIXES

SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
SCHEMA = PREFIXES["schema"]
#: what names a resource: SKOS and RDFS labels, the catalogue's titles, an agent's name
LABELS = (f"{SKOS}prefLabel", f"{RDFS}label", f"{PREFIXES['dcterms']}title",
          f"{PREFIXES['foaf']}name")  # fmt: skip
LABEL = "(" + "|".join(f"<{p}>" for p in LABELS) + ")"
#: what the description of a resource says of each resource it links to: its labels, and
#: for a source article, where and when it was published
CITED = (*LABELS, f"{SCHEMA}headline", f"{SCHEMA}publisher", f"{SCHEMA}datePublished",
         f"{SCHEMA}url")  # fmt: skip


#: links to a resource that its description includes: a concept that 7,500 units use (a unit
#: type) is described by its own statements, not by every unit (query them with SPARQL)
MAX_INBOUND_TRIPLES = 1000
#: links a page reads before it keeps its first 200 (resources.MAX_INBOUND) in order
MAX_INBOUND_ROWS = 2000


def construct_query(iri: str, dataset: str) -> str:
    """CONSTRUCT of the description; ``iri`` must already be validated as an IRI."""
    cited = ", ".join(f"<{p}>" for p in CITED)
    labels = ", ".join(f"<{p}>" for p in LABELS)
    in_dataset = "" if iri == dataset else f"<{iri}> <{PREFIXES['void']}inDataset> <{dataset}> ."
    return f"""CONSTRUCT {{
  <{iri}> ?p ?o . ?o ?bp ?bo . ?o ?lp ?ol . ?s ?ip <{iri}> . ?s ?slp ?sl . {in_dataset}
}} WHERE {{
  {{ <{iri}> ?p ?o .
     OPTIONAL {{ FILTER(isBlank(?o) || STRSTARTS(STR(?o), "{iri}#")) ?o ?bp ?bo }}
     OPTIONAL {{ FILTER(isIRI(?o)) ?o ?lp ?ol FILTER(?lp IN ({cited})) }} }}
  UNION
  {{ {{ SELECT ?s ?ip WHERE {{ ?s ?ip <{iri}> }} LIMIT {MAX_INBOUND_TRIPLES} }}
     OPTIONAL {{ ?s ?slp ?sl FILTER(?slp IN ({labels})) }} }}
}}"""


def quads_query(iri: str) -> str:
    """The description with the named graph of each statement (for TriG)."""
    return f"""SELECT ?s ?p ?o ?g WHERE {{
  {{ GRAPH ?g {{ <{iri}> ?p ?o }} BIND(<{iri}> AS ?s) }}
  UNION {{ <{iri}> ?via ?s . FILTER(isBlank(?s) || STRSTARTS(STR(?s), "{iri}#"))
          GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ GRAPH ?g {{ ?s ?p <{iri}> }} BIND(<{iri}> AS ?o) }}
}}"""


def to_quads(rows: list[dict[str, dict[str, str]]]) -> list[ox.Quad]:
    """SPARQL JSON bindings of ?s ?p ?o ?g → quads (blank node labels kept per answer)."""
    return [ox.Quad(_term(r["s"]), _term(r["p"]), _term(r["o"]), _term(r["g"])) for r in rows]  # type: ignore[arg-type]


def _term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    # SPARQL JSON leaves out the datatype of a plain string (xsd:string)
    datatype = binding.get("datatype", "http://www.w3.org/2001/XMLSchema#string")
    return ox.Literal(binding["value"], datatype=ox.NamedNode(datatype))


def label_in(node: str, var: str, lang: str) -> str:
    """Graph pattern binding ``?var`` to the label of ``node`` in ``lang``, else the
    Vietnamese one (``lang`` is one of the pages' fixed language codes, never user text)."""
    return (
        f'OPTIONAL {{ {node} {LABEL} ?{var}_{lang} FILTER(LANG(?{var}_{lang}) = "{lang}") }} '
        f'OPTIONAL {{ {node} {LABEL} ?{var}_vi FILTER(LANG(?{var}_vi) = "vi") }} '
        f"BIND(COALESCE(?{var}_{lang}, ?{var}_vi) AS ?{var})"
    )


def statements_query(iri: str, lang: str = "vi") -> str:
    """Every statement about ``iri`` with its graph, the labels of the property and value,
    and, for a quote, its words and article (one OPTIONAL each: pyoxigraph joined a
    two-pattern OPTIONAL with every quote of the release, 90 ms a page at 100K triples)."""
    return f"""SELECT ?p ?o ?g ?plabel ?olabel ?quote ?article WHERE {{
  GRAPH ?g {{ <{iri}> ?p ?o }}
  {label_in("?p", "plabel", lang)}
  {label_in("?o", "olabel", lang)}
  OPTIONAL {{ ?o <http://www.w3.org/ns/oa#exact> ?quote }}
  OPTIONAL {{ ?o <http://www.w3.org/ns/prov#wasQuotedFrom> ?article }}
}} ORDER BY ?p ?g"""


def inbound_query(iri: str, lang: str = "vi") -> str:
    """The links to ``iri``, unordered: pyoxigraph's ORDER BY took 55 ms for the 586 links
    to a province at 100K triples, a sort in Python 1 ms (``resources.first_inbound``); at
    most ``MAX_INBOUND_ROWS`` of them, labelled (a unit type has 10,000 at national size)."""
    return f"""SELECT ?s ?p ?slabel WHERE {{
  {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> }} LIMIT {MAX_INBOUND_ROWS} }}
  {label_in("?s", "slabel", lang)}
}}"""


def lineage_query(iri: str, vocab: str, lang: str = "vi") -> str:
    """Predecessors and successors of an agency through change events, with dates
    (``vocab``: the ontology's namespace under the configured base)."""
    org = PREFIXES["org"]
    return f"""SELECT DISTINCT ?direction ?event ?eventLabel ?date ?other ?otherLabel WHERE {{
  {{ ?event <{org}resultingOrganization> <{iri}> ; <{org}originalOrganization> ?other
     BIND("from" AS ?direction) }}
  UNION
  {{ ?event <{org}originalOrganization> <{iri}> ; <{org}resultingOrganization> ?other
     BIND("to" AS ?direction) }}
  OPTIONAL {{ ?event <{vocab}effectiveDate> ?date }}
  {label_in("?event", "eventLabel", lang)}
  {label_in("?other", "otherLabel", lang)}
}} ORDER BY ?direction ?date ?otherLabel"""


def terms_query(vocab: str) -> str:
    """Every term of the ontology with labels, definition, parents, domain and range (an
    example of each term's use is in the manifest: finding one here took most of a second at
    national size, build.stats.TERM_EXAMPLES does it once per release)."""
    return f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?term ?kind ?vi ?en ?defVi ?defEn
  (GROUP_CONCAT(DISTINCT STR(?parent); separator=" ") AS ?parents)
  (GROUP_CONCAT(DISTINCT STR(?domain); separator=" ") AS ?domains)
  (GROUP_CONCAT(DISTINCT STR(?range); separator=" ") AS ?ranges)
WHERE {{
  ?term a ?kind FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty))
  FILTER(STRSTARTS(STR(?term), "{vocab}"))
  OPTIONAL {{ ?term rdfs:label ?vi FILTER(LANG(?vi) = "vi") }}
  OPTIONAL {{ ?term rdfs:label ?en FILTER(LANG(?en) = "en") }}
  OPTIONAL {{ ?term skos:definition ?defVi FILTER(LANG(?defVi) = "vi") }}
  OPTIONAL {{ ?term skos:definition ?defEn FILTER(LANG(?defEn) = "en") }}
  OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?parent FILTER(isIRI(?parent)) }}
  OPTIONAL {{ ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }}
  OPTIONAL {{ ?term rdfs:range ?range FILTER(isIRI(?range)) }}
}}
GROUP BY ?term ?kind ?vi ?en ?defVi ?defEn
ORDER BY ?kind ?term"""


def labels_in_query(lang: str, graphs: list[str]) -> str:
    """The preferred labels in ``lang`` (one of the pages' language codes) stated in
    ``graphs`` (the release's own graph IRIs)."""
    values = " ".join(f"<{g}>" for g in graphs)
    return f"""SELECT DISTINCT ?s ?label WHERE {{
  VALUES ?g {{ {values} }}
  GRAPH ?g {{ ?s <{SKOS}prefLabel> ?label }} FILTER(isIRI(?s) && LANG(?label) = "{lang}")
}}"""


def labels_query(iri: str) -> str:
    return f"""SELECT ?label (LANG(?label) AS ?lang) WHERE {{ <{iri}> {LABEL} ?label }}"""


@dataclass
class Value:
    term: str
    kind: str  # "uri", "literal", "bnode"
    label: str | None = None
    lang: str | None = None
    graphs: set[str] = field(default_factory=set)
    quote: str | None = None
    article: str | None = None


@dataclass
class Page:
    iri: str
    labels: dict[str, str]
    properties: dict[str, tuple[str | None, list[Value]]]
    inbound: list[tuple[str, str, str | None]]
    types: list[Value]


def group(iri: str, labels: list[dict[str, dict[str, str]]], rows: list[dict[str, dict[str, str]]],
          inbound: list[dict[str, dict[str, str]]]) -> Page:  # fmt: skip
    """Rows of SPARQL JSON bindings → a page grouped by property (one value once)."""
    by_label = {b["lang"]["value"]: b["label"]["value"] for b in labels if "lang" in b}
    properties: dict[str, tuple[str | None, list[Value]]] = {}
    seen: dict[tuple[str, str], Value] = {}
    graphs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        p, o = row["p"]["value"], row["o"]
        key = (p, o["value"] + o.get("xml:lang", "") + o.get("datatype", ""))
        graphs[key].add(row["g"]["value"])
        if key in seen:
            continue
        value = Value(
            term=o["value"],
            kind=o["type"],
            label=row.get("olabel", {}).get("value"),
            lang=o.get("xml:lang"),
            quote=row.get("quote", {}).get("value"),
            article=row.get("article", {}).get("value"),
        )
        seen[key] = value
        plabel = row.get("plabel", {}).get("value")
        properties.setdefault(p, (plabel, []))[1].append(value)
    for key, value in seen.items():
        value.graphs = graphs[key]
    types = properties.pop("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", (None, []))[1]
    links = [(b["s"]["value"], b["p"]["value"], b.get("slabel", {}).get("value")) for b in inbound]
    return Page(iri, by_label, properties, links, types)
