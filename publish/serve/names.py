"""The names pages give the resources they show, from the release's ``labels.json``.

The pages' queries bind resources only; their names are looked up here, in memory, once the
rows are in (``publish/build/labels.py`` says why). A name is given as the SPARQL JSON
binding a label query would have bound, so the page builders read rows as before.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


class Names:
    """Each IRI's name per language tag, as ``labels.json`` holds them."""

    def __init__(self, labels: dict[str, dict[str, str]]) -> None:
        self.labels = labels

    def of(self, iri: str, lang: str) -> dict[str, str] | None:
        """``iri``'s name in ``lang`` (a page language), else in the other page language,
        else an untagged one; None when it has none."""
        by_lang = self.labels.get(iri)
        if by_lang is None:
            return None
        other = "en" if lang == "vi" else "vi"
        for code in (lang, other, ""):
            if code in by_lang:
                binding = {"type": "literal", "value": by_lang[code]}
                if code:
                    binding["xml:lang"] = code
                return binding
        return None

    def add(self, rows: list[Row], lang: str, **columns: str) -> list[Row]:
        """``rows`` with the name of each IRI bound in a column bound as ``columns[column]``
        (``add(rows, "vi", p="plabel")``: ``?p``'s name as ``?plabel``)."""
        for row in rows:
            for column, name_column in columns.items():
                binding = row.get(column)
                if binding is not None and binding["type"] == "uri":
                    name = self.of(binding["value"], lang)
                    if name is not None:
                        row[name_column] = name
        return rows
