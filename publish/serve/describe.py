"""What the service says about one resource: the queries behind its RDF and its page.

The RDF description of a resource is its concise bounded description (its statements and
the blank nodes they lead to: the quotes), the labels of what it links to, and the links
that point at it, plus ``void:inDataset``. The HTML page (``resource_page``) is made from
the same statements, each with its graph, and the labels of everything they name.
"""

from __future__ import annotations

import pyoxigraph as ox

from publish.rdf import LABELS, PREFIXES

SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
SCHEMA = PREFIXES["schema"]
LABEL = "(" + "|".join(f"<{p}>" for p in LABELS) + ")"
#: what the description of a resource says of each resource it links to: its labels, and
#: for a source article, where and when it was published
CITED = (*LABELS, f"{SCHEMA}headline", f"{SCHEMA}publisher", f"{SCHEMA}datePublished",
         f"{SCHEMA}url")  # fmt: skip


#: links to a resource that its description includes: a concept that 7,500 units use (a unit
#: type) is described by its own statements, not by every unit (query them with SPARQL)
MAX_INBOUND_TRIPLES = 1000
#: links a page reads before it keeps its first 200 (resources.MAX_INBOUND) in order: enough
#: to choose them well, few enough that a hub (a unit type: 7,695 links) labels them in ~60 ms
MAX_INBOUND_ROWS = 500


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


def statements_query(iri: str) -> str:
    """Every statement about ``iri`` with its graph (names are added from ``labels.json``,
    ``names``)."""
    return f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"


def inline_query(iri: str) -> str:
    """What the blank nodes of ``iri`` and the fragments of its IRI say (a quote's words and
    article, a code and who issues it), as rows that bind ``?bp`` and ``?bo``: pages show
    those inline, never as links. Asked apart from ``statements_query``: as one UNION the
    two took twice as long as both alone (8 against 4 ms for a province)."""
    return f"""SELECT ?o ?bp ?bo WHERE {{
  <{iri}> ?via ?o FILTER(isBlank(?o) || STRSTARTS(STR(?o), "{iri}#")) ?o ?bp ?bo
}}"""


def inbound_query(iri: str) -> str:
    """The resources that point at ``iri``, directly or through one of their blank nodes (a
    quote from an article, a code issued by an agency): never a blank node itself. Unordered:
    pyoxigraph's ORDER BY took 55 ms for the 586 links to a province at 100K triples, a sort
    in Python 1 ms (``resources.first_inbound``). At most ``MAX_INBOUND_ROWS`` of them: a
    unit type has 10,000 links at national size."""
    return f"""SELECT DISTINCT ?s ?p WHERE {{
  {{ ?s ?p <{iri}> FILTER(isIRI(?s)) }}
  UNION {{ ?b ?p <{iri}> FILTER(isBlank(?b)) ?s ?via ?b FILTER(isIRI(?s)) }}
}} LIMIT {MAX_INBOUND_ROWS}"""


def context_query(iri: str, vocab: str) -> str:
    """Where ``iri`` stands, in one answer: the places it lies in, each with its own parent
    (rows with ``?role`` "place": a place's ``schema:containedInPlace`` chain, or that of
    the place an agency serves), and an agency's whole story through change events, with
    dates: what it was formed from or went into, the directive and pilot model behind each
    change, and the later events that acted on that model (directly, or, ``?broader``, on a
    broader model it falls under). Rows with ``?role`` "broader" name the graphs ``?via``
    that say a model falls under another: asked with each event, they multiplied its rows
    by those graphs (882 rows for 42 events at 396,000 triples, 25 ms; now 0.8 ms).
    ``vocab``: the ontology's namespace. Names are added from ``labels.json``."""
    org, skos, schema = PREFIXES["org"], PREFIXES["skos"], PREFIXES["schema"]
    return f"""SELECT DISTINCT ?role ?event ?date ?other ?parent ?broader ?via
WHERE {{
  {{ <{iri}> <{vocab}adminUnit>?/<{schema}containedInPlace>* ?other
     FILTER(?other != <{iri}>)
     OPTIONAL {{ ?other <{schema}containedInPlace> ?parent }}
     BIND("place" AS ?role) }}
  UNION
  {{ ?created <{org}resultingOrganization> <{iri}> ; <{vocab}pilotModel> ?model .
     GRAPH ?via {{ ?model <{skos}broader> ?other }}
     BIND("broader" AS ?role) }}
  UNION
  {{ {{ ?event <{org}resultingOrganization> <{iri}> ; <{org}originalOrganization> ?other
       BIND("from" AS ?role) }}
     UNION
     {{ ?event <{org}originalOrganization> <{iri}> ; <{org}resultingOrganization> ?other
       BIND("into" AS ?role) }}
     UNION
     {{ ?event <{org}resultingOrganization> <{iri}> ; <{vocab}authorisedBy> ?other
       BIND("authorised" AS ?role) }}
     UNION
     {{ ?event <{org}resultingOrganization> <{iri}> ; <{vocab}pilotModel> ?other
       BIND("model" AS ?role) }}
     UNION
     {{ ?created <{org}resultingOrganization> <{iri}> ; <{vocab}pilotModel> ?model .
       {{ ?event <{vocab}affectedModel> ?model BIND(?model AS ?other) }}
       UNION
       {{ ?model <{skos}broader> ?other . ?event <{vocab}affectedModel> ?other
          BIND(true AS ?broader) }}
       BIND("later" AS ?role) }}
     OPTIONAL {{ ?event <{vocab}effectiveDate>|<{vocab}asOf> ?date }} }}
}}"""


def terms_query(vocab: str) -> str:
    """Every term of the ontology with labels, definition, parents, domain and range."""
    return f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?term ?kind ?vi ?en ?defVi ?defEn
  (GROUP_CONCAT(DISTINCT STR(?parent); separator=" ") AS ?parents)
  (GROUP_CONCAT(DISTINCT STR(?domain); separator=" ") AS ?domains)
  (GROUP_CONCAT(DISTINCT STR(?range); separator=" ") AS ?ranges)
WHERE {{
  ?term a ?kind
  FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, rdfs:Datatype,
                   owl:NamedIndividual))
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


def reused_terms_query(labels_graph: str) -> str:
    """The terms of the reused vocabularies that ``ontology/labels.ttl`` labels."""
    return f"""SELECT ?term ?vi ?en WHERE {{ GRAPH <{labels_graph}> {{
  ?term <{RDFS}label> ?vi FILTER(LANG(?vi) = "vi")
  OPTIONAL {{ ?term <{RDFS}label> ?en FILTER(LANG(?en) = "en") }} }}
}} ORDER BY ?term"""


def contents_query(graph: str, limit: int) -> str:
    """Statements of ``graph`` about something other than the graph itself, in the store's
    order (an ORDER BY would sort a reference graph's every triple); blank nodes, the
    quotes, are left to the pages of what they are quotes about."""
    return f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}
  FILTER(?s != <{graph}> && isIRI(?s) && !isBlank(?o)) }} LIMIT {limit}"""
