"""The SPARQL 1.1 Service Description, generated from the running release and settings.

Answers a GET on the endpoint without a query. It claims only what the service does: query
(never update), the result formats it writes, the union default graph, each named graph with
its triple count (from the release manifest), and every setting marked as published (the
limits a client meets) as a ``schema:PropertyValue``: its variable, value and description,
from the settings themselves, so this list cannot drift from them.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publish.rdf import PREFIXES
from publish.settings import Settings

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
SCHEMA = PREFIXES["schema"]
XSD = PREFIXES["xsd"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML",
)  # fmt: skip


def service_description(settings: Settings, manifest: dict[str, Any]) -> list[ox.Triple]:
    service = ox.NamedNode(f"{settings.public_url}sparql")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")

    def sd(
        subject: ox.NamedNode | ox.BlankNode,
        name: str,
        obj: ox.NamedNode | ox.BlankNode | ox.Literal,
    ) -> ox.Triple:
        return ox.Triple(subject, ox.NamedNode(SD + name), obj)

    t = [
        ox.Triple(service, RDF_TYPE, ox.NamedNode(SD + "Service")),
        sd(service, "endpoint", service),
        sd(service, "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query")),
        sd(service, "feature", ox.NamedNode(SD + "UnionDefaultGraph")),
        sd(service, "defaultDataset", dataset),
        ox.Triple(dataset, RDF_TYPE, ox.NamedNode(SD + "Dataset")),
        sd(dataset, "defaultGraph", default),
        ox.Triple(default, RDF_TYPE, ox.NamedNode(SD + "Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), _integer(_default_triples(manifest))),
    ]
    t += [sd(service, "resultFormat", ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS]
    for row in manifest["stats"]["graphs"]:
        named = ox.BlankNode(f"g{len(t)}")
        graph = ox.BlankNode(f"c{len(t)}")
        t += [
            sd(dataset, "namedGraph", named),
            sd(named, "name", ox.NamedNode(str(row["g"]))),
            sd(named, "graph", graph),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), _integer(int(row["n"]))),
        ]
    for name in Settings.published():
        node = ox.BlankNode(f"setting-{name}")
        description = Settings.model_fields[name].description or ""
        t += [
            ox.Triple(service, ox.NamedNode(SCHEMA + "additionalProperty"), node),
            ox.Triple(node, RDF_TYPE, ox.NamedNode(SCHEMA + "PropertyValue")),
            ox.Triple(
                node, ox.NamedNode(SCHEMA + "propertyID"), ox.Literal(Settings.variable(name))
            ),
            ox.Triple(node, ox.NamedNode(SCHEMA + "name"), ox.Literal(name)),
            ox.Triple(node, ox.NamedNode(SCHEMA + "value"), _number(getattr(settings, name))),
            ox.Triple(
                node, ox.NamedNode(SCHEMA + "description"), ox.Literal(description, language="en")
            ),
        ]
    return t


def _default_triples(manifest: dict[str, Any]) -> int:
    """The default graph's size: the data's triples and the catalogue's, each once."""
    return int(manifest.get("default_graph_triples", manifest["triples"]))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _number(value: float | bool) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return _integer(value)
    return ox.Literal(
        repr(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    )
