"""The data against its sources: every inventory fact, the source records, clean text.

That every quote occurs in its source is checked by the build itself (tests/test_quotes.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pyoxigraph as ox
import pytest

from conftest import ROOT
from publish.sources import read_records
from publish.store import Release

INVENTORY = ROOT / "docs" / "fact-inventory.md"
SOURCES = ROOT / "sources"


def inventory_ids(article: str) -> set[str]:
    return set(re.findall(rf"\*\*({article}\.\d\d)\*\*", INVENTORY.read_text(encoding="utf-8")))


def inventory_articles() -> list[str]:
    """The articles the inventory lists facts for (from its items, not a fixed list)."""
    text = INVENTORY.read_text(encoding="utf-8")
    return sorted(set(re.findall(r"\*\*(\d{3})\.\d\d\*\*", text)))


def test_inventory_counts_table_matches_its_items() -> None:
    """§10's table counts the items the inventory lists, article by article and in total."""
    text = INVENTORY.read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d{3}) \| (\d+) \(", text, flags=re.MULTILINE))
    assert table == {a: str(len(inventory_ids(a))) for a in inventory_articles()}
    total = re.search(r"\*\*Total stated facts\*\* \| \*\*(\d+)\*\*", text)
    assert total is not None
    assert int(total.group(1)) == sum(len(inventory_ids(a)) for a in inventory_articles())


def test_every_source_has_its_inventory_section() -> None:
    records = read_records(SOURCES)
    assert [r.number for r in records] == inventory_articles()


@pytest.mark.parametrize("article", inventory_articles())
def test_every_inventory_fact_is_in_its_article_graph(select, article: str) -> None:  # type: ignore[no-untyped-def]
    rows = select(f"""SELECT DISTINCT ?id WHERE {{
        GRAPH <https://w3id.org/bomay/graph/article-{article}> {{
          ?s bomay:evidence ?e . ?e bomay:factId ?id }} }}""")
    assert inventory_ids(article) - {r["id"] for r in rows} == set()


def test_source_records_are_in_the_release(select) -> None:  # type: ignore[no-untyped-def]
    rows = select("""SELECT ?file ?sha ?graph WHERE { ?a bomay:sourceFile ?file ;
        bomay:sha256 ?sha . ?graph prov:wasDerivedFrom ?a
        FILTER(STRSTARTS(STR(?graph), "https://w3id.org/bomay/graph/article-")) }""")
    records = read_records(SOURCES)
    assert {(r["file"], r["sha"]) for r in rows} == {(r.text_path.name, r.sha256) for r in records}
    for row in rows:
        assert hashlib.sha256((SOURCES / row["file"]).read_bytes()).hexdigest() == row["sha"]
        number = row["file"][:3]
        assert row["graph"] == f"https://w3id.org/bomay/graph/article-{number}"


def test_all_text_is_nfc(release: Release) -> None:
    result = release.store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }")
    assert isinstance(result, ox.QuerySolutions)
    bad = [row["o"].value for row in result if not unicodedata.is_normalized("NFC", row["o"].value)]
    assert bad == []


def test_source_typo_is_cleaned_and_noted(select) -> None:  # type: ignore[no-untyped-def]
    rows = select("""SELECT ?d ?note WHERE { ?d eli:id_local "30-CTr/TU" ;
                                              skos:editorialNote ?note }""")
    assert rows and "¬" in rows[0]["note"]
    assert (
        select(
            'SELECT ?d WHERE { ?d ?p ?o FILTER(CONTAINS(STR(?o), "¬")) '
            "FILTER(?p NOT IN (oa:exact, skos:editorialNote)) }"
        )
        == []
    )


def test_approximate_value_is_flagged(select) -> None:  # type: ignore[no-untyped-def]
    rows = select("""SELECT ?o WHERE { ?o sdmx-measure:obsValue 118 ;
                                         bomay:approximate true }""")
    assert len(rows) == 1


def test_inferred_facts_stay_out_of_article_graphs(select) -> None:  # type: ignore[no-untyped-def]
    """Resolution 19's symbol and the years of 000/003 come only from inference graphs."""
    rows = select("""SELECT ?g WHERE { GRAPH ?g { ?d eli:id_local "19-NQ/TW" } }""")
    assert [r["g"] for r in rows] == ["https://w3id.org/bomay/graph/inference/i-05"]
    rows = select("""SELECT ?g WHERE { GRAPH ?g {
        <https://w3id.org/bomay/id/meeting/hai-phong/2018-11-21-hoi-nghi-trien-khai-thi-diem>
          schema:startDate ?d } }""")
    assert [r["g"] for r in rows] == ["https://w3id.org/bomay/graph/inference/i-01"]


def test_every_inference_graph_describes_itself(select) -> None:  # type: ignore[no-untyped-def]
    graphs = select("""SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o }
                       FILTER(STRSTARTS(STR(?g), "https://w3id.org/bomay/graph/inference/")) }""")
    described = select("""SELECT ?g WHERE { GRAPH ?g { ?g a bomay:Inference } }""")
    assert len(graphs) >= 21
    assert {r["g"] for r in graphs} == {r["g"] for r in described}


def test_no_page_furniture_imported(select) -> None:  # type: ignore[no-untyped-def]
    for furniture in ("632/GP-STTTT", "0834 244 333", "Trần Huy Kiên", "11.828.569"):
        assert (
            select(
                f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{furniture}")) '
                f"FILTER(?p != skos:editorialNote) }}"
            )
            == []
        ), furniture


def test_labels_come_in_vietnamese_and_english(select) -> None:  # type: ignore[no-untyped-def]
    rows = select("""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s skos:prefLabel ?l
        FILTER NOT EXISTS { ?s skos:prefLabel ?en FILTER(LANG(?en) = "en") } }""")
    assert rows[0]["n"] == "0"


def test_curator_notes_speak_both_languages_in_words(select) -> None:  # type: ignore[no-untyped-def]
    """Each curator's note has a Vietnamese and an English text, written for readers: no
    inventory code (D.27, Q.06: docs/fact-inventory.md's) and no term name (bomay:level);
    an inference is named as one (inference I.19)."""
    rows = select("""SELECT ?s (GROUP_CONCAT(LANG(?n)) AS ?langs) WHERE {
        ?s skos:editorialNote ?n } GROUP BY ?s""")
    assert len(rows) > 100
    langs = {r["s"]: r["langs"].split() for r in rows}
    assert [s for s, ls in langs.items() if not ls.count("vi") == ls.count("en") > 0] == []
    code = re.compile(r"\b[DPQ]\.\d\d\b|(?<![Ii]nference )(?<![Ss]uy luận )\bI\.\d\d\b"
                      r"|\b(?:bomay|schema|eli|skos|dcterms|prov|org):\w")  # fmt: skip
    notes = [r["n"] for r in select("SELECT ?n WHERE { ?s skos:editorialNote ?n }")]
    assert [n for n in notes if code.search(n)] == []
