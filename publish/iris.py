"""Minting and mapping IRIs in one place.

Slugs fold Vietnamese to ASCII so that IRIs are readable and typeable; the data files are
written under the canonical base and rebased here, so a mirror can publish under its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from publish.settings import CANONICAL_BASE


def fold(text: str) -> str:
    """Remove Vietnamese diacritics (đ → d) for matching and slugs.

    >>> fold("Kiến Thụy") == fold("Kiến Thuỵ") == "Kien Thuy"
    True
    >>> fold("Đảng Cộng sản")
    'Dang Cong san'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """The IRI path segment for a Vietnamese name.

    >>> slugify("Ban Tổ chức - Nội vụ quận Kiến An")
    'ban-to-chuc-noi-vu-quan-kien-an'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")


@dataclass(frozen=True)
class Iris:
    """The IRI space of one deployment, rooted at ``base``."""

    base: str

    @property
    def ontology(self) -> str:
        return f"{self.base}def"

    @property
    def vocab(self) -> str:
        return f"{self.base}def#"

    def term(self, name: str) -> str:
        """A term of the ontology: ``term("resultsTruncated")`` → ``{base}def#resultsTruncated``."""
        return f"{self.vocab}{name}"

    @property
    def dataset(self) -> str:
        """The dataset: what the catalogue describes and every resource is ``void:inDataset``."""
        return self.resource("dataset/bomay")

    def about_dataset(self, path: str) -> str:
        """A part of the dataset's description: ``about_dataset("catalogue")``."""
        return f"{self.dataset}/{path}"

    def is_inference(self, graph: str) -> bool:
        """Whether ``graph`` holds an inference (kept out of the plain-fact dumps)."""
        return graph.startswith(self.graph("inference/"))

    def graph(self, name: str) -> str:
        """``graph("article-000")`` → ``{base}graph/article-000``."""
        return f"{self.base}graph/{name}"

    def graph_for_file(self, path: Path) -> str:
        """A Turtle file is the named graph called after its stem (see docs/DATA.md)."""
        return self.graph(path.stem)

    def is_graph(self, iri: str) -> bool:
        return iri.startswith(f"{self.base}graph/")

    def resource(self, path: str) -> str:
        return f"{self.base}id/{path}"

    def rebase(self, iri: str) -> str:
        """Move an IRI written under the canonical base to this deployment's base.

        >>> Iris("http://localhost/b/").rebase("https://w3id.org/bomay/id/place/hai-phong")
        'http://localhost/b/id/place/hai-phong'
        """
        if self.base != CANONICAL_BASE and iri.startswith(CANONICAL_BASE):
            return self.base + iri[len(CANONICAL_BASE) :]
        return iri
