"""Text with its language, as pages need it: a label or value keeps its tag, so that a
Vietnamese name on an English page is marked ``lang="vi"`` (for screen readers, and for the
tests that check each page speaks one language)."""

from __future__ import annotations

from typing import Any, NamedTuple


class Text(NamedTuple):
    value: str
    lang: str  # "" when the literal has no language tag


def text_of(binding: dict[str, Any] | None) -> Text | None:
    """A SPARQL JSON binding → its text and language (None when unbound)."""
    if not binding:
        return None
    return Text(binding["value"], binding.get("xml:lang", ""))


def literal_of(binding: dict[str, Any] | None) -> Text | None:
    """Like ``text_of``, but only for a literal (an IRI is not text to show)."""
    return text_of(binding) if binding and binding["type"] == "literal" else None
