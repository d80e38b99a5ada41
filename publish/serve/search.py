"""Search over the release's labels, accent-insensitive for Vietnamese, in the page's language.

The build writes every labelled resource of the release (its names in both languages, other
names and spellings, and its kind) into ``browse.json``; the service indexes each folded word
once per release. A query's words must each begin a word of one of a resource's names
(folded: diacritics dropped, đ → d, lower case), so "ban to chuc noi vu kien an" finds "Ban
Tổ chức - Nội vụ quận Kiến An" and "duong kinh" finds Dương Kinh. Results rank by, in turn:
the query as typed, diacritics included, inside a name (only when it has diacritics); a name
that is the query and nothing more; the resource's kind (agencies, units and directives
first, notes and the dataset's own parts last); the shorter name. A result shows its name in
the page's language, whichever name matched.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from publish.iris import fold
from publish.serve.text import Text

#: the order of kinds among results that match equally well
TIERS = {
    "agencies": 0, "units": 0, "directives": 0, "events": 1, "people": 1, "figures": 2,
    "sources": 2, "posts": 2, "concepts": 3, "statements": 4, "other": 5,
}  # fmt: skip
PAGE_SIZE = 20


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def folded_words(text: str) -> list[str]:
    """
    >>> folded_words("Ban Tổ chức - Nội vụ quận Kiến An")
    ['ban', 'to', 'chuc', 'noi', 'vu', 'quan', 'kien', 'an']
    """
    return re.findall(r"[a-z0-9]+", fold(normalise(text)))


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label: Text  # the name in the page's language
    matched: Text  # the name that matched
    rank: tuple[int, int, int, int]


@dataclass(frozen=True)
class Results:
    hits: list[Hit]  # this page's
    total: int
    kinds: Counter[str]  # matches per kind, whatever the kind filter
    page: int
    pages: int


class LabelIndex:
    """Every folded word of every name, to the resources it names."""

    def __init__(self, entries: list[list[Any]]) -> None:
        # an entry: [iri, kind, [[name, lang, rank], ...]] (build.browse's search entries)
        self._entries = entries
        self._names: list[tuple[int, str, str, str, list[str]]] = []  # entry, name, lang, …
        postings: dict[str, set[int]] = defaultdict(set)
        for index, (_, _, names) in enumerate(entries):
            for name, lang, _ in names:
                words = folded_words(name)
                self._names.append((index, name, lang, normalise(name), words))
                for word in words:
                    postings[word].add(len(self._names) - 1)
        self._words = sorted(postings)
        self._postings = [postings[w] for w in self._words]

    def _names_with(self, prefix: str) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self._words, prefix)
        for position in range(start, len(self._words)):
            if not self._words[position].startswith(prefix):
                break
            found |= self._postings[position]
        return found

    def label(self, entry: int, lang: str) -> Text:
        """An entry's preferred name in ``lang``, else in Vietnamese, English, untagged."""
        names = self._entries[entry][2]
        for code in (lang, "vi", "en", ""):
            ranked = sorted((rank, name) for name, name_lang, rank in names if name_lang == code)
            if ranked:
                return Text(ranked[0][1], code)
        return Text(self._entries[entry][0], "")

    def search(self, query: str, lang: str, kind: str = "", page: int = 1) -> Results:
        exact, words = normalise(query), folded_words(query)
        if not words:
            return Results([], 0, Counter(), 1, 1)
        typed_diacritics = fold(exact) != exact
        candidates: set[int] | None = None
        for word in dict.fromkeys(words):
            names = self._names_with(word)
            candidates = names if candidates is None else candidates & names
        best: dict[int, tuple[tuple[int, int, int, int], int]] = {}
        for name_index in candidates or ():
            entry, name, _, norm, name_words = self._names[name_index]
            rank = (
                0 if typed_diacritics and exact in norm else 1,
                0 if name_words == words else 1,
                TIERS.get(self._entries[entry][1], TIERS["other"]),
                len(name),
            )
            if entry not in best or rank < best[entry][0]:
                best[entry] = (rank, name_index)
        kinds = Counter(self._entries[e][1] for e in best)
        chosen = sorted(
            (r, e, n) for e, (r, n) in best.items() if not kind or self._entries[e][1] == kind
        )
        pages = max(1, -(-len(chosen) // PAGE_SIZE))
        page = min(max(page, 1), pages)
        hits = [
            Hit(self._entries[e][0], self._entries[e][1], self.label(e, lang),
                Text(self._names[n][1], self._names[n][2]), r)
            for r, e, n in chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        ]  # fmt: skip
        return Results(hits, len(chosen), kinds, page, pages)
