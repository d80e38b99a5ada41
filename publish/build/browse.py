"""The lists people browse (agencies, administrative units, events, directives, people,
figures, sources) and the names search matches, written once per release as ``browse.json``.

Each list is one SELECT over the release store and a little Python: every item with its
labels, the values it can be filtered by (its province, level, kind, year…) and what it is
sorted by (a date, a code). At national size the units alone are 13,000 rows; asking for them
at request time would cost each first visitor a second, and more on a busy machine, so the
build answers once and the service filters, sorts and pages the rows in memory
(``publish/serve/browse.py``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publish.rdf import PREFIXES

BROWSE = "browse.json"
#: raised when what the lists hold changes, so that a rebuild of unchanged data writes it
BROWSE_FORMAT = 3
ORG, SCHEMA, SKOS, ELI = PREFIXES["org"], PREFIXES["schema"], PREFIXES["skos"], PREFIXES["eli"]
QB, SDMX_D = PREFIXES["qb"], PREFIXES["sdmx-dimension"]
RDFS, FOAF, DCTERMS = PREFIXES["rdfs"], PREFIXES["foaf"], PREFIXES["dcterms"]


@dataclass(frozen=True)
class Kind:
    """One list: its name in URLs, and the query whose rows are its items.

    A query binds ``?item`` and may bind ``?date`` and ``?end`` (ISO dates), ``?code``,
    ``?value``, ``?place`` (filtered by its province) and facets ``?f_<name>`` (an IRI, or a
    literal such as a year); an item with several values of a facet appears in each."""

    name: str
    query: str


def kinds(vocab: str) -> list[Kind]:
    """The lists, for the ontology namespace ``vocab`` (the configured base's). The units'
    OPTIONALs are sub-selects, which the engine joins by hash: with ?item bound, a lookup
    on disk for each of 14,000 units took half as long again."""
    return [
        Kind("agencies", f"""SELECT ?item ?place ?f_level ?f_strand ?date ?end WHERE {{
  ?item a <{vocab}Agency> .
  OPTIONAL {{ ?item <{vocab}adminUnit> ?place }}
  OPTIONAL {{ ?item <{vocab}level> ?f_level }}
  OPTIONAL {{ ?item <{vocab}strand> ?f_strand }}
  OPTIONAL {{ ?item <{SCHEMA}foundingDate> ?date }}
  OPTIONAL {{ ?item <{SCHEMA}dissolutionDate> ?end }} }}"""),
        Kind("units", f"""SELECT ?item ?place ?f_level ?f_type ?code ?date ?end WHERE {{
  ?item a <{vocab}AdministrativeUnit> . BIND(?item AS ?place)
  OPTIONAL {{ SELECT ?item ?f_type ?f_level WHERE {{ ?item <{vocab}unitType> ?f_type
             OPTIONAL {{ ?f_type <{SKOS}broadMatch> ?f_level }} }} }}
  OPTIONAL {{ SELECT ?item ?code WHERE {{ ?item <{vocab}unitCode> ?code }} }}
  OPTIONAL {{ SELECT ?item ?date WHERE {{ ?item <{SCHEMA}foundingDate> ?date }} }}
  OPTIONAL {{ SELECT ?item ?end WHERE {{ ?item <{SCHEMA}dissolutionDate> ?end }} }} }}"""),
        Kind("events", f"""SELECT ?item ?f_kind ?f_status ?date ?place WHERE {{
  {{ ?item a ?f_kind . ?f_kind <{RDFS}subClassOf>+ <{ORG}ChangeEvent> }}
  UNION {{ ?item a ?f_kind FILTER(?f_kind IN (<{vocab}Pilot>, <{vocab}Meeting>)) }}
  OPTIONAL {{ ?item <{vocab}eventStatus> ?f_status }}
  OPTIONAL {{ ?item <{DCTERMS}isPartOf>?/(<{vocab}effectiveDate>|<{vocab}asOf>
                                       |<{SCHEMA}startDate>) ?date }}
  OPTIONAL {{ ?item <{vocab}coversArea>|<{vocab}resultingUnit>
                    |<{ORG}resultingOrganization>/<{vocab}adminUnit> ?place }} }}"""),
        Kind("directives", f"""SELECT ?item ?f_kind ?f_issuer ?f_type ?code ?date WHERE {{
  ?item a <{vocab}Directive> . BIND(<{vocab}Directive> AS ?f_kind)
  OPTIONAL {{ ?item <{ELI}passed_by> ?f_issuer }}
  OPTIONAL {{ ?item <{ELI}type_document> ?f_type }}
  OPTIONAL {{ ?item <{ELI}id_local> ?code }}
  OPTIONAL {{ ?item <{ELI}date_document> ?date }} }}"""),
        Kind("people", f"""SELECT ?item ?f_post ?date WHERE {{
  ?item a <{FOAF}Person> .
  OPTIONAL {{ ?holding <{ORG}member> ?item ; <{vocab}post> ?f_post
             OPTIONAL {{ ?holding <{vocab}asOf> ?date }} }} }}"""),
        Kind("figures", f"""SELECT ?item ?f_indicator ?f_level ?place ?value ?f_unit ?date WHERE {{
  ?item a <{QB}Observation> .
  OPTIONAL {{ ?item <{vocab}indicator> ?f_indicator }}
  OPTIONAL {{ ?item <{vocab}level> ?f_level }}
  OPTIONAL {{ ?item <{SDMX_D}refArea> ?place }}
  OPTIONAL {{ ?item <{PREFIXES["sdmx-measure"]}obsValue> ?value }}
  OPTIONAL {{ ?item <{PREFIXES["sdmx-attribute"]}unitMeasure> ?f_unit }}
  OPTIONAL {{ ?item <{SDMX_D}refPeriod> ?date }} }}"""),
        Kind("sources", f"""SELECT ?item ?f_publisher ?date WHERE {{
  {{ ?item a <{SCHEMA}NewsArticle> }} UNION {{ ?item a <{SCHEMA}WebPage> }}
  OPTIONAL {{ ?item <{SCHEMA}publisher> ?f_publisher }}
  OPTIONAL {{ ?item <{SCHEMA}datePublished>|<{SCHEMA}dateModified> ?date }} }}"""),
    ]  # fmt: skip


#: the kinds search results are sorted and filtered by, the first a resource is of winning;
#: classes under bomay's namespace are written by name (``vocab`` is the configured base's)
SEARCH_KINDS = {
    "agencies": ("Agency", f"{ORG}Organization", f"{SCHEMA}Organization",
                 f"{SCHEMA}NewsMediaOrganization"),
    "units": ("AdministrativeUnit",),
    "directives": ("Directive",),
    "events": (f"{ORG}ChangeEvent", "Pilot", "Meeting", "Approval"),
    "people": (f"{FOAF}Person",),
    "figures": (f"{QB}Observation",),
    "sources": (f"{SCHEMA}NewsArticle", f"{SCHEMA}WebPage"),
    "posts": (f"{ORG}Post", "PostHolding"),
    "concepts": (f"{SKOS}Concept", f"{SKOS}ConceptScheme"),
    "statements": ("Statement",),
}  # fmt: skip
#: the names search matches, the name to show first: preferred names, titles, other names,
#: other spellings
NAMES = (f"{SKOS}prefLabel", f"{RDFS}label", f"{SCHEMA}name", f"{SCHEMA}headline",
         f"{DCTERMS}title", f"{SKOS}altLabel", f"{SKOS}hiddenLabel")  # fmt: skip
#: ``%s``: which resources (a VALUES clause, or nothing for all), then the base IRI
SEARCH_NAMES = f"""SELECT ?s ?p ?name WHERE {{ %s
  ?s ?p ?name FILTER(?p IN ({", ".join(f"<{p}>" for p in NAMES)}))
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "%s"))
}}"""
SEARCH_TYPES = """SELECT ?s ?type WHERE { %s
  ?s a ?type FILTER(isIRI(?s) && STRSTARTS(STR(?s), "%s"))
}"""
SUBCLASSES = f"SELECT ?c ?super WHERE {{ ?c <{RDFS}subClassOf>+ ?super }}"

LABELS_OF = f"""SELECT ?x ?label WHERE {{ %s
  ?x <{SKOS}prefLabel>|<{RDFS}label>|<{SCHEMA}headline>|<{SCHEMA}name> ?label
}}"""
PARENTS = f"SELECT ?place ?parent WHERE {{ ?place <{SCHEMA}containedInPlace> ?parent }}"


#: a row of a SELECT: each bound variable's term as SPARQL's JSON results write it
#: (``{"type": "uri" | "literal" | "bnode", "value": ..., "xml:lang": ...}``)
Row = dict[str, dict[str, str]]


def _select(store: ox.Store, query: str) -> list[Row]:
    """The rows of a SELECT, written by the engine as SPARQL JSON results and read by the
    json module: at national size (100,000 rows of names) a Python term object per value
    cost twice as much."""
    result = store.query(query)
    if not isinstance(result, ox.QuerySolutions):  # pragma: no cover - the queries are SELECTs
        raise TypeError("a browse query must be a SELECT")
    data = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
    rows: list[Row] = json.loads(data)["results"]["bindings"]
    return rows


def _values(variable: str, iris: list[str]) -> Iterator[str]:
    """``VALUES`` clauses that bind ``variable`` to ``iris``, a few thousand at a time."""
    for start in range(0, len(iris), 2000):
        terms = " ".join(f"<{iri}>" for iri in iris[start : start + 2000])
        yield f"VALUES ?{variable} {{ {terms} }}"


@dataclass(frozen=True)
class Earlier:
    """The index of the release that the last good build wrote, and the IRIs whose own
    statements may differ from that release's (the subjects of the quads the build changed,
    and of both releases' catalogue graphs).

    A resource's search entry (its names and types) and its label are read from its own
    statements only, so every other resource's are taken from ``index`` rather than asked
    again: most of the 30,000 names at national size, and half the index's time."""

    index: dict[str, Any]
    changed: set[str]


def _province(place: str, parents: dict[str, str]) -> str:
    """The unit directly under the country that ``place`` lies in (a province is its own;
    the country, or a place of unknown parent, is its own too)."""
    seen = {place}
    while (parent := parents.get(place)) is not None and parent in parents and parent not in seen:
        seen.add(parent)
        place = parent
    return place


def build_index(
    store: ox.Store, base: str, vocab: str, earlier: Earlier | None = None
) -> dict[str, Any]:
    """Every list's items, the labels of the items and of their facets' values, and every
    named resource under ``base`` for search (what did not change taken from ``earlier``)."""
    parents = {row["place"]["value"]: row["parent"]["value"] for row in _select(store, PARENTS)}
    lists: dict[str, list[dict[str, Any]]] = {}
    named: set[str] = set()
    for kind in kinds(vocab):
        items: dict[str, dict[str, Any]] = {}
        for row in _select(store, kind.query):
            iri = row["item"]["value"]
            item = items.setdefault(iri, {"iri": iri, "facets": defaultdict(list)})
            for name, term in row.items():
                value = term["value"]
                if name.startswith("f_"):
                    facet = item["facets"][name[2:]]
                    if value not in facet:
                        facet.append(value)
                    if term["type"] == "uri":
                        named.add(value)
                elif name == "place":
                    province = _province(value, parents)
                    for facet_name, facet_value in (("province", province), ("place", value)):
                        if facet_value not in item["facets"][facet_name]:
                            item["facets"][facet_name].append(facet_value)
                    named.update((province, value))
                elif name != "item":
                    item.setdefault(name, value)
        for item in items.values():
            facets = item["facets"]
            if item.get("date"):
                facets["year"] = [item["date"][:4]]
            if kind.name == "units":  # before or after the change that made or ended it
                end, start = item.get("end"), item.get("date")
                facets["period"] = [f"until:{end}" if end else f"from:{start}" if start
                                    else "unchanged"]  # fmt: skip
            item["facets"] = {k: sorted(v) for k, v in sorted(facets.items())}
        named.update(items)
        lists[kind.name] = sorted(items.values(), key=lambda i: i["iri"])
    return {
        "lists": lists,
        "labels": _labels(store, sorted(named), earlier),
        "search": _search_entries(store, base, vocab, earlier),
    }


def _search_entries(
    store: ox.Store, base: str, vocab: str, earlier: Earlier | None
) -> list[list[Any]]:
    """Every resource under ``base`` with a name: ``[iri, kind, [[name, lang, rank], ...]]``,
    a name's rank its property's place in ``NAMES`` (the lowest is shown); with ``earlier``,
    only the changed resources' are asked."""
    kind_of: dict[str, str] = {}
    for kind, classes in SEARCH_KINDS.items():
        for name in classes:
            kind_of.setdefault(name if ":" in name else vocab + name, kind)
    for row in _select(store, SUBCLASSES):  # a Merger is an event, as its class says
        sub, sup = row["c"]["value"], row["super"]["value"]
        if sup in kind_of:
            kind_of.setdefault(sub, kind_of[sup])
    order = list(SEARCH_KINDS)
    kinds: dict[str, str] = {}
    names: dict[str, set[tuple[str, str, int]]] = defaultdict(set)
    kept: list[list[Any]] = []
    scopes = [""]  # every resource
    if earlier is not None:
        kept = [entry for entry in earlier.index["search"] if entry[0] not in earlier.changed]
        scopes = list(_values("s", sorted(i for i in earlier.changed if i.startswith(base))))
    for scope in scopes:
        for row in _select(store, SEARCH_TYPES % (scope, base)):
            found = kind_of.get(row["type"]["value"])
            iri = row["s"]["value"]
            if found and (iri not in kinds or order.index(found) < order.index(kinds[iri])):
                kinds[iri] = found
        for row in _select(store, SEARCH_NAMES % (scope, base)):
            text, rank = row["name"], NAMES.index(row["p"]["value"])
            names[row["s"]["value"]].add((text["value"], text.get("xml:lang", ""), rank))
    asked = [[iri, kinds.get(iri, "other"), sorted(names[iri])] for iri in names]
    return sorted([*kept, *asked], key=lambda entry: str(entry[0]))


def _labels(store: ox.Store, iris: list[str], earlier: Earlier | None) -> dict[str, dict[str, str]]:
    """Each IRI's label per language ("" for an untagged one), the preferred label first;
    with ``earlier``, those of unchanged IRIs are taken from it."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    if earlier is not None:
        known: dict[str, dict[str, str]] = earlier.index["labels"]
        labels.update((i, known[i]) for i in iris if i in known and i not in earlier.changed)
    for values in _values("x", [i for i in iris if i not in labels]):
        for row in _select(store, LABELS_OF % values):
            label = row["label"]
            labels[row["x"]["value"]].setdefault(label.get("xml:lang", ""), label["value"])
    return {iri: dict(sorted(by_lang.items())) for iri, by_lang in sorted(labels.items())}


def write_browse_index(
    store: ox.Store, folder: Path, base: str, vocab: str, earlier: Earlier | None = None
) -> str:
    """``browse.json`` in the release folder; return its name (for the checksums)."""
    index = build_index(store, base, vocab, earlier)
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (folder / BROWSE).write_text(text + "\n", encoding="utf-8")
    return BROWSE


def read_browse_index(folder: Path) -> dict[str, Any]:
    """What ``write_browse_index`` wrote (empty lists for a release without it)."""
    path = folder / BROWSE
    if not path.exists():
        return {"lists": {}, "labels": {}, "search": []}
    index: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return index
