"""The names pages give resources: chosen once per release at build (``labels.json``), looked
up in memory when a page is made."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publish.build.labels import names, read_labels, write_labels
from publish.rdf import PREFIXES
from publish.serve.names import Names
from publish.serve.provenance import Source
from publish.serve.resource_page import build
from publish.serve.text import Text

SKOS, RDFS = PREFIXES["skos"], PREFIXES["rdfs"]
BASE = "https://w3id.org/bomay/"


def _store(triples: list[tuple[ox.NamedNode | ox.BlankNode, str, ox.Literal]]) -> ox.Store:
    store = ox.Store()
    for subject, prop, value in triples:
        store.add(ox.Quad(subject, ox.NamedNode(prop), value, ox.DefaultGraph()))
    return store


def test_the_build_keeps_each_language_s_preferred_name(tmp_path: Path) -> None:
    unit = ox.NamedNode(BASE + "id/place/hai-phong")
    store = _store([
        (unit, f"{RDFS}label", ox.Literal("Hai Phong (rdfs)", language="vi")),
        (unit, f"{SKOS}prefLabel", ox.Literal("Hải Phòng", language="vi")),
        (unit, f"{SKOS}prefLabel", ox.Literal("Hai Phong City", language="en")),
        (unit, f"{SKOS}prefLabel", ox.Literal("Hai Phong")),
        (ox.BlankNode("b0"), f"{SKOS}prefLabel", ox.Literal("a quote", language="vi")),
    ])  # fmt: skip
    expected = {unit.value: {"": "Hai Phong", "en": "Hai Phong City", "vi": "Hải Phòng"}}
    assert names(store) == expected
    write_labels(store, tmp_path)
    assert read_labels(tmp_path) == expected
    assert read_labels(tmp_path / "missing") == {}


def test_a_page_names_in_its_language_then_the_other_then_untagged() -> None:
    found = Names({"a": {"vi": "Tỉnh", "en": "Province"}, "b": {"en": "Only English"},
                   "c": {"": "Untagged"}})  # fmt: skip
    assert found.of("a", "en") == {"type": "literal", "value": "Province", "xml:lang": "en"}
    assert found.of("b", "vi") == {"type": "literal", "value": "Only English", "xml:lang": "en"}
    assert found.of("c", "vi") == {"type": "literal", "value": "Untagged"}
    assert found.of("d", "vi") is None
    rows = [{"o": {"type": "uri", "value": "a"}}, {"o": {"type": "literal", "value": "a"}}]
    found.add(rows, "vi", o="olabel")
    assert rows[0]["olabel"]["value"] == "Tỉnh" and "olabel" not in rows[1]


def test_a_later_change_is_one_step_citing_every_graph_that_places_the_model() -> None:
    agency, event = BASE + "id/agency/x", BASE + "id/event/later"
    broader = BASE + "id/concept/pilot-model/broad"
    graphs = [BASE + f"graph/inference/i-0{n}" for n in (2, 1)]

    def uri(value: str) -> dict[str, str]:
        return {"type": "uri", "value": value}

    def role(name: str) -> dict[str, str]:
        return {"type": "literal", "value": name}

    statements = [{"p": uri(f"{SKOS}prefLabel"), "o": {"type": "literal", "value": "X"},
                   "g": uri(BASE + "graph/article-000")}]  # fmt: skip
    context = [{"role": role("broader"), "other": uri(broader), "via": uri(g)} for g in graphs]
    context += [{"role": role("later"), "event": uri(event), "other": uri(broader),
                 "broader": {"type": "literal", "value": "true"}}] * 2  # fmt: skip
    sources = {g: Source(g, "inference", Text(g[-4:], "")) for g in graphs}
    page = build(agency, "vi", BASE + "def#", statements, [], context, sources)
    (step,) = page.lineage
    assert step.via == sorted(graphs) and step.via_notes == [1, 2]
