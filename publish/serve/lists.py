"""The lists people browse (agencies, administrative units, events, directives, people,
figures, sources): what each shows, and one view of it (filters with counts, order, page).

The rows come from the release's ``browse.json`` (``publish/build/browse.py``), read once per
release; a view filters, counts, sorts and pages them in memory, so a list of 13,000 units
answers in milliseconds and runs no query. ``browse`` serves the views.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from publish.iris import fold
from publish.serve import i18n
from publish.serve.render import local_path
from publish.serve.text import Text

PAGE_SIZE = 50


@dataclass(frozen=True)
class List:
    """What a list shows: the facets offered as filters, its columns, and its orders (the
    first is the default; "-" reverses)."""

    facets: tuple[str, ...]
    columns: tuple[str, ...]
    sorts: tuple[str, ...]


LISTS = {
    "agencies": List(("province", "level", "strand"), ("province", "level", "date", "end"),
                     ("label", "-label", "date", "-date")),
    "units": List(("level", "period", "province", "type"), ("code", "type", "province", "period"),
                  ("label", "-label", "code")),
    "events": List(("year", "kind", "province", "status"), ("date", "kind", "province"),
                   ("date", "-date", "label")),
    "directives": List(("issuer", "type", "year"), ("code", "type", "issuer", "date"),
                       ("date", "-date", "label", "code")),
    "people": List(("post",), ("post",), ("label", "-label")),
    "figures": List(("indicator", "province", "level", "year"),
                    ("value", "unit", "place", "date"),
                    ("date", "-date", "label", "value", "-value")),
    "sources": List(("publisher", "year"), ("publisher", "date"), ("date", "-date", "label")),
}  # fmt: skip
#: the timeline: every dated event and directive, a list of its own
TIMELINE = List(("year", "kind", "province"), ("date", "kind", "province"), ("date", "-date"))
#: the lists the timeline is made of
TIMELINE_OF = ("events", "directives")
#: columns whose values are IRIs of other resources, shown by label and linked
LINKED = {"province", "level", "strand", "type", "kind", "status", "issuer", "indicator",
          "unit", "publisher", "post", "place"}  # fmt: skip


@dataclass(frozen=True)
class Option:
    key: str  # the value as the URL writes it
    label: Text
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    options: list[Option]


@dataclass(frozen=True)
class Cell:
    text: Text
    link: str = ""


@dataclass(frozen=True)
class Row:
    iri: str
    page: str
    label: Text
    cells: dict[str, list[Cell]]


@dataclass(frozen=True)
class View:
    kind: str
    rows: list[Row]  # this page's
    total: int
    facets: list[Facet]
    q: str
    sort: str
    page: int
    pages: int


class Lists:
    """One release's lists (``browse.json``), ready to filter."""

    def __init__(self, index: dict[str, Any], base: str) -> None:
        self.items: dict[str, list[dict[str, Any]]] = index["lists"]
        self.labels: dict[str, dict[str, str]] = index["labels"]
        self.base = base
        self._folded: dict[str, dict[str, str]] = {}

    def of(self, kind: str) -> list[dict[str, Any]]:
        """A list's items; the timeline's are the dated items of ``TIMELINE_OF``."""
        if kind == "timeline" and kind not in self.items:
            self.items[kind] = [
                i for k in TIMELINE_OF for i in self.items.get(k, []) if "date" in i
            ]
        return self.items.get(kind, [])

    def counts(self) -> dict[str, int]:
        return {kind: len(self.items.get(kind, [])) for kind in LISTS}

    def key(self, facet: str, value: str) -> str:
        """A facet's value as a URL parameter: an IRI under the base without the base."""
        return value[len(self.base) :] if facet in LINKED and value.startswith(self.base) else value

    def value(self, facet: str, key: str) -> str:
        linked = facet in LINKED and not key.startswith(("http://", "https://"))
        return self.base + key if linked else key

    def text(self, value: str, lang: str, words: dict[str, str], facet: str = "") -> Text:
        """What a value reads as: its label in ``lang`` (else Vietnamese, else untagged),
        a period in words, or the value itself (a year, a code)."""
        if facet == "period":
            kind, _, date = value.partition(":")
            return Text(f"{words[kind]} {date}".strip(), lang)
        by_lang = self.labels.get(value, {})
        for code in (lang, "vi", "en", ""):
            if code in by_lang:
                return Text(by_lang[code], code)
        return Text(value, "")

    def view(
        self, kind: str, lang: str, filters: dict[str, str], q: str, sort: str, page: int
    ) -> tuple[View, list[dict[str, Any]]]:
        """The page of the list, and every row of the view (for the downloads)."""
        spec = LISTS.get(kind, TIMELINE)
        words = i18n.table(i18n.LIST_WORDS, lang)
        wanted = {f: self.value(f, k) for f, k in filters.items() if f in (*spec.facets, "place")}
        needle = " ".join(fold(q).lower().split())
        texts = self._folded.setdefault(lang, {})

        def label_of(item: dict[str, Any]) -> str:
            iri = item["iri"]
            if iri not in texts:
                texts[iri] = " ".join(fold(self.text(iri, lang, words).value).lower().split())
            return texts[iri]

        def matches(item: dict[str, Any], leave_out: str = "") -> bool:
            facets = item["facets"]
            return all(v in facets.get(f, ()) for f, v in wanted.items() if f != leave_out) and (
                not needle or needle in label_of(item)
            )

        items = self.of(kind)
        chosen = [i for i in items if matches(i)]
        facets = []
        for name in spec.facets:
            counts = Counter(
                v for i in items if matches(i, name) for v in i["facets"].get(name, ())
            )
            options = [
                Option(self.key(name, v), self.text(v, lang, words, name), n, wanted.get(name) == v)
                for v, n in counts.items()
            ]
            options.sort(key=lambda o: (name != "year", fold(o.label.value), o.key))
            facets.append(Facet(name, options))
        sort = sort if sort in spec.sorts else spec.sorts[0]
        chosen.sort(key=lambda i: _order(i, sort.lstrip("-"), label_of), reverse=sort[0] == "-")
        pages = max(1, -(-len(chosen) // PAGE_SIZE))
        page = min(max(page, 1), pages)
        shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = [self.row(i, spec.columns, lang, words) for i in shown]
        return View(kind, rows, len(chosen), facets, q, sort, page, pages), chosen

    def row(self, item: dict[str, Any], columns: tuple[str, ...], lang: str,
            words: dict[str, str]) -> Row:  # fmt: skip
        cells: dict[str, list[Cell]] = {}
        for column in columns:
            if column in LINKED or column in ("period",):
                cells[column] = [
                    Cell(self.text(v, lang, words, column),
                         local_path(self.base, v) if column in LINKED else "")
                    for v in item["facets"].get(column, ())
                ]  # fmt: skip
            elif column in item:
                cells[column] = [Cell(Text(str(item[column]), ""))]
            else:
                cells[column] = []
        iri = item["iri"]
        return Row(iri, local_path(self.base, iri), self.text(iri, lang, words), cells)


def _order(
    item: dict[str, Any], key: str, label_of: Callable[[dict[str, Any]], str]
) -> tuple[Any, ...]:
    """Sort keys: missing dates, codes and values last, then by name."""
    label = label_of(item)
    if key == "date":
        return (item.get("date", "9999"), label)
    if key == "code":
        code = item.get("code", "")
        return (not code, len(code), code, label)
    if key == "value":
        try:
            return (False, float(item.get("value", "")), label)
        except ValueError:
            return (True, 0.0, label)
    return (label, item["iri"])


def pager(page: int, pages: int) -> list[int | None]:
    """Page numbers to offer: the first, the last and two either side of ``page``; None
    where numbers are left out.

    >>> pager(7, 20)
    [1, None, 5, 6, 7, 8, 9, None, 20]
    """
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


@dataclass(frozen=True)
class Group:
    """Many items of one kind on one date (the 2025 reorganisation's thousands of unit
    changes), shown as one line of the timeline that leads to them."""

    date: str
    kind: str  # the kind facet's key
    label: Text
    count: int


def group(items: list[dict[str, Any]], lists: Lists, lang: str,
          at_least: int) -> list[dict[str, Any] | Group]:  # fmt: skip
    """The timeline's lines: each run of ``at_least`` or more items of one kind on one date
    as one ``Group``, the other items as they are."""

    def key(item: dict[str, Any]) -> tuple[str, str]:
        return item.get("date", ""), item["facets"].get("kind", [""])[0]

    runs = Counter(key(i) for i in items)
    words = i18n.table(i18n.LIST_WORDS, lang)
    lines: list[dict[str, Any] | Group] = []
    for item in items:
        date, kind = key(item)
        if runs[(date, kind)] < at_least:
            lines.append(item)
            continue
        last = lines[-1] if lines else None
        if not (
            isinstance(last, Group) and (last.date, last.kind) == (date, lists.key("kind", kind))
        ):
            label = lists.text(kind, lang, words, "kind")
            lines.append(Group(date, lists.key("kind", kind), label, runs[(date, kind)]))
    return lines
