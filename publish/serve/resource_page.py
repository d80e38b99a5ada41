"""A resource's page for people: the key facts first, the rest grouped, every value labelled
and every statement cited by its source.

The page is made from the same statements as the RDF description (``describe``): what the
resource says, what its blank nodes and fragments say (shown inline: a quote with its
article, a code with who issues it), what points at it, and the sources of the graphs they
come from (``provenance``). Which section a property goes in is decided here, in ``SECTIONS``
and ``KEY``; its label comes from the ontology or from the labels of the reused vocabularies
(``ontology/labels.ttl``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from publish.rdf import LABELS, PREFIXES
from publish.serve.provenance import Source
from publish.serve.text import Text, text_of

RDF_TYPE = PREFIXES["rdf"] + "type"
EVIDENCE = "evidence"  # bomay:evidence, under the configured base's vocabulary
EXACT = PREFIXES["oa"] + "exact"
QUOTED_FROM = PREFIXES["prov"] + "wasQuotedFrom"
XSD = PREFIXES["xsd"]


def _curies(*names: str) -> tuple[str, ...]:
    return tuple(PREFIXES[n.split(":")[0]] + n.split(":")[1] for n in names)


#: the key facts, shown first: what, when and where (bomay's own terms, under the configured
#: base, are added by name)
WHAT = _curies(
    "eli:type_document", "sdmx-measure:obsValue", "sdmx-attribute:unitMeasure", "skos:inScheme",
)  # fmt: skip
BOMAY_WHAT = (
    "eventStatus", "statementKind", "unitType", "level", "strand", "indicator",
    "statisticType", "justification", "confidence",
)  # fmt: skip
WHEN = _curies(
    "schema:startDate", "schema:endDate", "schema:foundingDate", "schema:dissolutionDate",
    "schema:datePublished", "eli:date_document", "sdmx-dimension:refPeriod", "dcterms:issued",
    "dcterms:modified", "dcat:startDate", "dcat:endDate",
)  # fmt: skip
WHERE = _curies(
    "schema:containedInPlace", "sdmx-dimension:refArea", "dcterms:spatial", "schema:location",
    "schema:address",
)  # fmt: skip
BOMAY_WHEN = ("effectiveDate", "asOf", "dateText")
BOMAY_WHERE = ("adminUnit", "coversArea", "serves")
#: the sections below the key facts, in order (words of i18n), and the properties of each;
#: a property named nowhere goes to "relations" (links) or "details" (values)
NAMES = _curies(
    "skos:altLabel", "skos:hiddenLabel", "skos:notation", "schema:name", "foaf:name",
    "schema:headline", "dcterms:title", "eli:title", "rdfs:label", "dcterms:identifier",
    "eli:id_local", "eli:number",
)  # fmt: skip
NOTES = _curies(
    "skos:definition", "skos:scopeNote", "skos:editorialNote", "rdfs:comment",
    "dcterms:description", "eli:description",
)  # fmt: skip
#: what a page quotes under its title, the first in the page's language
SUMMARY = _curies("skos:definition", "dcterms:description", "eli:description")
#: shown elsewhere on the page (the title, the types), not in a section
SHOWN_ABOVE = _curies("skos:prefLabel", "rdf:type")


@dataclass
class Value:
    term: str
    kind: str  # "uri", "literal", "inline" (a blank node or a fragment of the page's IRI)
    text: Text | None = None  # an IRI's label, or a literal's text
    datatype: str = ""
    graphs: set[str] = field(default_factory=set)
    notes: list[int] = field(default_factory=list)  # numbers of its sources on the page
    inline: list[Fact] = field(default_factory=list)


@dataclass
class Fact:
    """One property and its values."""

    prop: str
    label: Text | None
    values: list[Value]


@dataclass
class Quote:
    words: Text
    article: str
    notes: list[int]


#: the order of a lineage's steps on one date
ROLES = ("authorised", "model", "from", "into", "later")


@dataclass
class Crumb:
    iri: str
    label: Text | None


@dataclass
class Step:
    """One line of an agency's lineage: a change, or what stood behind or came after it."""

    role: str  # "from", "into", "authorised", "model", "later"
    event: str
    event_label: Text | None
    date: str
    others: list[Crumb]  # the agencies, directive or model of the step
    via: list[str] = field(default_factory=list)  # the inference graphs a "later" step rests on
    via_notes: list[int] = field(default_factory=list)


@dataclass
class Described:
    """A resource and what a graph says of it (a graph's page lists what it holds)."""

    subject: Value
    facts: list[Fact]


@dataclass
class ResourcePage:
    iri: str
    title: Text
    other_title: Text | None
    types: list[Value]
    summary: Value | None  # its definition or description in the page's language
    key: list[Fact]  # when and where
    sections: list[tuple[str, list[Fact]]]
    quotes: list[Quote]
    inbound: list[Fact]
    stated: list[Value]  # an article's page: what it states facts about
    inbound_full: bool  # the list of links here stopped at its limit
    sources: list[Source]
    crumbs: list[Crumb]
    lineage: list[Step]
    contents: list[Described] = field(default_factory=list)  # a graph's page: what it holds
    _numbers: dict[str, int] = field(default_factory=dict, repr=False)  # graph → its number

    def source_numbers(self, graphs: Iterable[str]) -> list[int]:
        """The numbers of the page's sources that ``graphs`` are, in order."""
        if len(self._numbers) != len(self.sources):
            self._numbers = {s.graph: i for i, s in enumerate(self.sources, 1)}
        return sorted(n for g in graphs if (n := self._numbers.get(g)) is not None)

    @property
    def articles(self) -> list[tuple[int, Source]]:
        """The articles the page's facts come from (an article's own page: the others)."""
        return [
            (i, s) for i, s in enumerate(self.sources, 1)
            if s.kind == "article" and s.article != self.iri
        ]  # fmt: skip


def _value(binding: dict[str, Any], label: dict[str, Any] | None, iri: str) -> Value:
    kind = binding["type"]
    if kind == "bnode" or (kind == "uri" and binding["value"].startswith(iri + "#")):
        return Value(binding["value"], "inline")
    if kind == "uri":
        return Value(binding["value"], "uri", text_of(label))
    return Value(binding["value"], "literal", text_of(binding), binding.get("datatype", ""))


def _facts(rows: list[dict[str, Any]], iri: str, p: str, o: str, lang: str) -> list[Fact]:
    """One subject's rows with property ``p`` and value ``o`` (and their labels ``plabel``,
    ``olabel`` under those names) → one fact per property, each value once with the graphs
    that state it. Literals in the other page language are dropped when the page's own
    language has one (both stay in the RDF)."""
    facts: dict[str, Fact] = {}
    values: dict[tuple[str, str], Value] = {}
    for row in rows:
        prop, binding = row[p]["value"], row[o]
        key = (prop, binding["type"] + binding["value"] + binding.get("xml:lang", ""))
        value = values.get(key)
        if value is None:
            value = values[key] = _value(binding, row.get(o + "label"), iri)
            fact = facts.setdefault(prop, Fact(prop, text_of(row.get(p + "label")), []))
            fact.values.append(value)
        if "g" in row:
            value.graphs.add(row["g"]["value"])
    for fact in facts.values():
        langs = {v.text.lang for v in fact.values if v.kind == "literal" and v.text}
        if lang in langs:
            fact.values = [
                v for v in fact.values
                if not (v.kind == "literal" and v.text and v.text.lang not in ("", lang))
            ]  # fmt: skip
        fact.values.sort(key=lambda v: (v.text.value if v.text else v.term).casefold())
    return sorted(facts.values(), key=lambda f: (f.label.value if f.label else f.prop).casefold())


def build(
    iri: str,
    lang: str,
    vocab: str,
    rows: list[dict[str, Any]],
    inbound: list[dict[str, Any]],
    context: list[dict[str, Any]],
    sources: dict[str, Source],
) -> ResourcePage:
    """The page of ``iri`` from the rows of ``describe``'s statements, inbound and context
    queries, and the sources of the release's graphs."""
    statements = [r for r in rows if "bp" not in r]
    inline = [r for r in rows if "bp" in r]
    by_lang: dict[str, str] = {}
    names = [r for r in statements if r["p"]["value"] in LABELS and r["o"]["type"] == "literal"]
    for row in sorted(names, key=lambda r: LABELS.index(r["p"]["value"])):
        by_lang.setdefault(row["o"].get("xml:lang", ""), row["o"]["value"])
    other = "en" if lang == "vi" else "vi"
    title = next(
        (Text(by_lang[code], code) for code in (lang, other, "") if code in by_lang),
        Text(iri.rsplit("/", 1)[-1], ""),
    )
    other_title = (
        Text(by_lang[other], other) if by_lang.get(other, title.value) != title.value else None
    )

    facts = {f.prop: f for f in _facts(statements, iri, "p", "o", lang)}
    inline_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in inline:
        inline_rows[row["o"]["value"]].append(row)
    quotes: list[tuple[Text, str, set[str]]] = []
    for fact in facts.values():
        for value in fact.values:
            if value.kind == "inline":
                rows = inline_rows.get(value.term, [])
                value.inline = [
                    f for f in _facts(rows, iri, "bp", "bo", lang) if f.prop != RDF_TYPE
                ]
    evidence = facts.pop(vocab + EVIDENCE, None)
    for value in evidence.values if evidence else []:
        said = {f.prop: f.values for f in value.inline}
        for words in said.get(EXACT, []):
            article = said.get(QUOTED_FROM, [Value("", "uri")])[0].term
            if words.text:
                quotes.append((words.text, article, value.graphs))

    types_fact = facts.get(RDF_TYPE)
    types: list[Value] = []
    for value in types_fact.values if types_fact else []:
        if value.text and all(t.text != value.text for t in types):
            types.append(value)

    what = (*WHAT, *(vocab + n for n in BOMAY_WHAT))
    when = (*WHEN, *(vocab + n for n in BOMAY_WHEN))
    where = (*WHERE, *(vocab + n for n in BOMAY_WHERE))
    key = [facts[p] for p in (*what, *when, *where) if p in facts]
    named = {*what, *when, *where, *SHOWN_ABOVE, *NAMES, *NOTES}
    relations = [
        f for f in facts.values() if f.prop not in named and any(v.kind == "uri" for v in f.values)
    ]
    details = [f for f in facts.values() if f.prop not in named and f not in relations]
    sections = [
        ("relations", relations),
        ("details", details),
        ("names", [f for f in facts.values() if f.prop in NAMES]),
        ("notes", [f for f in facts.values() if f.prop in NOTES]),
    ]
    summary = next(
        (v for p in SUMMARY if p in facts for v in facts[p].values
         if v.text and v.text.lang == lang),
        None,
    )  # fmt: skip

    inbound_facts = _facts(inbound, iri, "p", "s", lang) if inbound else []
    # an article's quotes point at it: what they are quotes about is what it states facts of
    stated = next((f for f in inbound_facts if f.prop == QUOTED_FROM), None)
    inbound_facts = [f for f in inbound_facts if f is not stated]
    ancestors = [r for r in context if r["role"]["value"] == "place"]
    vias: dict[str, list[str]] = defaultdict(list)  # a broader model → the graphs saying so
    for row in context:
        if row["role"]["value"] == "broader":
            vias[row["other"]["value"]].append(row["via"]["value"])
    lineage = sorted(
        (r for r in context if r["role"]["value"] not in ("place", "broader")),
        key=lambda r: (r.get("date", {}).get("value", ""), ROLES.index(r["role"]["value"]),
                       r.get("otherLabel", {}).get("value", "")),
    )  # fmt: skip
    steps: dict[tuple[str, str, bool], Step] = {}
    for row in lineage:  # one step per change, with all its agencies
        step = _step(row, vias)
        same = steps.setdefault((step.role, step.event, bool(step.via)), step)
        if same is not step and all(c.iri != step.others[0].iri for c in same.others):
            same.others.extend(step.others)

    # every graph cited on the page, numbered in the order a reader expects
    cited = {g for f in facts.values() for v in f.values for g in v.graphs}
    cited |= {g for _, _, gs in quotes for g in gs}
    cited |= {g for s in steps.values() for g in s.via}
    ordered = sorted((sources[g] for g in cited if g in sources), key=lambda s: s.rank)
    page = ResourcePage(
        iri=iri,
        title=title,
        other_title=other_title,
        types=types,
        summary=summary,
        key=key,
        sections=[(name, fs) for name, fs in sections if fs],
        quotes=[],
        inbound=inbound_facts,
        stated=stated.values if stated else [],
        inbound_full=False,
        sources=ordered,
        crumbs=_crumbs(iri, ancestors),
        lineage=list(steps.values()),
    )
    for fact in facts.values():
        for value in fact.values:
            value.notes = page.source_numbers(value.graphs)
    page.quotes = [Quote(words, article, page.source_numbers(gs)) for words, article, gs in quotes]
    page.quotes.sort(key=lambda q: (q.notes, q.words.value))
    for step in page.lineage:
        step.via_notes = page.source_numbers(step.via)
    return page


def _step(row: dict[str, Any], vias: dict[str, list[str]]) -> Step:
    """A row of the lineage as a step; a later change to a broader model rests on the graphs
    that say the agency's model falls under it (``vias``)."""
    other = row["other"]["value"]
    return Step(
        role=row["role"]["value"],
        event=row["event"]["value"],
        event_label=text_of(row.get("eventLabel")),
        date=row.get("date", {}).get("value", ""),
        others=[Crumb(other, text_of(row.get("otherLabel")))],
        via=sorted(vias.get(other, [])) if "broader" in row else [],
    )


def _crumbs(iri: str, rows: list[dict[str, Any]]) -> list[Crumb]:
    """The chain of places from the country down to ``iri``'s own place (one parent each:
    the first in IRI order when the data give more, as a place before and after 2025 may)."""
    parents: dict[str, str] = {}
    labels: dict[str, Text | None] = {}
    for row in sorted(rows, key=lambda r: r.get("parent", {}).get("value", "")):
        place = row["other"]["value"]
        labels[place] = text_of(row.get("otherLabel"))
        if "parent" in row:
            parents.setdefault(place, row["parent"]["value"])
    # the lowest place: the one no other place of the chain lies in
    lowest = [p for p in labels if p not in parents.values()]
    chain: list[Crumb] = []
    place = min(lowest) if lowest else None
    while place is not None and place in labels and all(c.iri != place for c in chain):
        chain.append(Crumb(place, labels[place]))
        place = parents.get(place)
    return chain[::-1]


def contents(rows: list[dict[str, Any]], lang: str) -> list[Described]:
    """Rows of ``describe.contents_query`` → each subject with its facts, by label."""
    by_subject: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_subject[row["s"]["value"]].append(row)
    described = [
        Described(Value(s, "uri", text_of(rs[0].get("slabel"))), _facts(rs, s, "p", "o", lang))
        for s, rs in by_subject.items()
    ]
    return sorted(
        described,
        key=lambda d: (d.subject.text.value if d.subject.text else d.subject.term).casefold(),
    )
