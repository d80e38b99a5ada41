"""``labels.json``: the name of every resource of a release in each language, written once
per release for the pages.

A page names everything it shows (properties, classes, places, agencies, events, sources)
in the reader's language. Asked of the on-disk store at request time, each name is an index
lookup per node and label property: a province's page names about 800 nodes, which cost
150 ms as OPTIONALs in its queries and still 25 ms as one batched query at 396,000 triples.
Read from this file into memory once per release, a name costs a dictionary lookup. At that
size it holds 38,000 resources (6 MB; 21 MB in the server's memory).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Set
from pathlib import Path

import pyoxigraph as ox

from publish.rdf import LABELS

LABELS_FILE = "labels.json"


def names(
    store: ox.Store,
    earlier: dict[str, dict[str, str]] | None = None,
    changed: Set[str] = frozenset(),
) -> dict[str, dict[str, str]]:
    """Each IRI's name per language tag ("" for an untagged one): of the properties in
    ``LABELS``, the first the resource has in that language; of its values, the least (so
    that two builds of the same data agree). With ``earlier``, the names of the last release,
    only the IRIs ``changed`` (whose own statements may differ) are asked again."""
    found: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    subjects: list[ox.NamedNode | None] = [None]  # every subject
    if earlier is not None:
        subjects = [ox.NamedNode(iri) for iri in sorted(changed)]
    for rank, prop in enumerate(LABELS):
        for asked in subjects:
            for quad in store.quads_for_pattern(asked, ox.NamedNode(prop), None, ox.DefaultGraph()):
                subject, label = quad.subject, quad.object
                if not isinstance(subject, ox.NamedNode) or not isinstance(label, ox.Literal):
                    continue
                by_lang = found[subject.value]
                lang = label.language or ""
                if lang not in by_lang or (rank, label.value) < by_lang[lang]:
                    by_lang[lang] = (rank, label.value)
    named = {
        iri: {lang: value for lang, (_, value) in sorted(by_lang.items())}
        for iri, by_lang in found.items()
    }
    if earlier is not None:
        named.update((iri, name) for iri, name in earlier.items() if iri not in changed)
    return dict(sorted(named.items()))


def write_labels(
    store: ox.Store,
    folder: Path,
    earlier: dict[str, dict[str, str]] | None = None,
    changed: Set[str] = frozenset(),
) -> str:
    """``labels.json`` in the release folder (from the store's default graph, the merge;
    with ``earlier``, only the names of the IRIs ``changed`` asked again); return its name,
    for the checksums."""
    text = json.dumps(names(store, earlier, changed), ensure_ascii=False, separators=(",", ":"))
    (folder / LABELS_FILE).write_text(text + "\n", encoding="utf-8")
    return LABELS_FILE


def read_labels(folder: Path) -> dict[str, dict[str, str]]:
    """What ``write_labels`` wrote (nothing for a release without it)."""
    path = folder / LABELS_FILE
    if not path.exists():
        return {}
    labels: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return labels
