"""Refuse two IRIs for one entity, which would split its facts between two pages.

Two IRIs name one entity here when they differ only by case or Vietnamese diacritics
(``agency/kien-an`` and ``agency/Kiến-An``: the slug rules fold both to the same), or when
they have the same type and the same ``@vi`` preferred label, and (for concepts) the same
schemes. Concepts of different schemes may share a label ("Đầu mối" is a unit and an
indicator), so the schemes are part of what must differ. Official codes settle the question
the other way: two places with different codes are two units even when their names match
(Phường Nam Sơn of An Dương and Phường Nam Sơn of Kiến An).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from typing import cast

import pyoxigraph as ox

from publish.build.load import DataError, Loaded
from publish.iris import Iris, fold
from publish.rdf import sparql_prologue

SAME_LABEL_AND_TYPE = """
SELECT DISTINCT ?a ?b ?label WHERE {
  ?a a ?type ; skos:prefLabel ?label .
  ?b a ?type ; skos:prefLabel ?label .
  FILTER(isIRI(?a) && isIRI(?b) && STR(?a) < STR(?b) && LANGMATCHES(LANG(?label), "vi"))
  FILTER NOT EXISTS { ?a skos:inScheme ?s FILTER NOT EXISTS { ?b skos:inScheme ?s } }
  FILTER NOT EXISTS { ?b skos:inScheme ?s FILTER NOT EXISTS { ?a skos:inScheme ?s } }
  FILTER NOT EXISTS { ?a bomay:unitCode ?ca . ?b bomay:unitCode ?cb FILTER(!sameTerm(?ca, ?cb)) }
} ORDER BY ?a ?b"""


def refuse_duplicates(
    store: ox.Store, loaded: Loaded, iris: Iris, changed: Set[str] | None = None
) -> None:
    """Raise DataError naming each pair of IRIs for one entity and the files that use them.

    Case matters in the ontology (``def#Evidence`` the class, ``def#evidence`` the property),
    so the case and accent rule applies to the resources minted under the base only. With
    ``changed``, the IRIs whose own statements changed since a build that passed, only pairs
    with one of them are looked for by label (a pair's type, label, schemes and codes are
    its two IRIs' own statements).
    """
    resources = iris.resource("")
    pairs: list[tuple[str, str, str]] = []
    by_folded: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(i for i in loaded.files_by_subject if i.startswith(resources)):
        by_folded[fold(iri).lower()].append(iri)
    for same in by_folded.values():
        pairs += [(same[0], other, "they differ only by case or accents") for other in same[1:]]
    queries = [SAME_LABEL_AND_TYPE]  # over the merge
    if changed is not None:
        named = sorted(f"<{iri}>" for iri in changed)
        queries = [
            SAME_LABEL_AND_TYPE.replace("WHERE {", f"WHERE {{ VALUES ?{end} {{ {values} }}", 1)
            for end in ("a", "b")
            for values in (" ".join(named[i : i + 2000]) for i in range(0, len(named), 2000))
        ]
    rows = {
        (row["a"], row["b"], row["label"])
        for query in queries
        for row in cast(ox.QuerySolutions, store.query(sparql_prologue(iris.vocab) + query))
    }
    for row in sorted(rows, key=str):
        a, b, label = (term.value for term in row)
        pairs.append((a, b, f"same type and label {label!r}"))
    if pairs:
        raise DataError(
            "\n".join(
                f"{', '.join(sorted(loaded.files_by_subject[a] | loaded.files_by_subject[b]))}: "
                f"{a} and {b} look like one entity ({why}): use one IRI"
                for a, b, why in pairs
            )
        )
