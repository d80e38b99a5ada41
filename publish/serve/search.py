"""Search over labels, accent-insensitive for Vietnamese, exact diacritics ranked first.

Index and query are both NFC-normalised and folded (diacritics dropped, đ → d, lower case)
with the same function, so "ban to chuc noi vu kien an" finds "Ban Tổ chức - Nội vụ quận
Kiến An". A label that contains the query with its diacritics as typed ranks above one that
only matches folded; then whole-phrase matches, then shorter labels.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from publish.iris import fold


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
    label: str
    rank: tuple[int, int, int]


class LabelIndex:
    def __init__(self, labels: list[tuple[str, str]]) -> None:
        self._entries = [
            (iri, label, normalise(label), folded_words(label)) for iri, label in labels
        ]

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        exact, words = normalise(query), folded_words(query)
        if not words:
            return []
        phrase = " ".join(words)
        best: dict[str, Hit] = {}
        for iri, label, norm, folded in self._entries:
            if not all(any(w.startswith(q) for w in folded) for q in words):
                continue
            rank = (0 if exact in norm else 1, 0 if phrase in " ".join(folded) else 1, len(label))
            if iri not in best or rank < best[iri].rank:
                best[iri] = Hit(iri, label, rank)
        return sorted(best.values(), key=lambda h: (h.rank, h.iri))[:limit]
