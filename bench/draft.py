"""How well `bomay draft` reads the seed articles, measured against the fact inventory.

    .venv/bin/python -m bench.draft [--details] [--all]

The five seed articles by default (the issue's benchmark), every source with ``--all`` (for
the sources curated with the tools, whose inventory began as the draft's stub, the score is
flattering: read it as a check, not a measure). The gold standard is docs/fact-inventory.md,
read item by item (its tags say what each item is): directives with a number (the items
tagged ``directive`` whose name carries one, such as *Nghị quyết số 18-NQ/TW*), the dates
written in the items' quotes, the values of the items tagged ``figure``, the people tagged
``entity · person`` and the agencies and bodies tagged ``entity · agency`` or ``entity ·
body``. The extractor runs on the whole text of each article (page furniture included, so
what it wrongly finds there counts against it). A found item matches a gold one by key:
(type, number) for directives, (year, month, day) for dates, the value for figures (as a
multiset), the folded name for people, and for agencies a folded name equal to the gold
name or one that starts the other (the inventory writes "Đoàn kiểm tra của Bộ Nội vụ" where
the text names "Đoàn kiểm tra"). Recall = gold items found / gold items; precision = found
items that match / found items. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from publish.curate.extract import TYPE_WORDS, Extraction, extract
from publish.curate.reconcile import gazetteer
from publish.iris import fold
from publish.settings import Settings
from publish.sources import read_records

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "docs" / "fact-inventory.md"
ITEM = re.compile(
    r"^- \[ \] \*\*(?P<id>(?P<article>\d{3})\.\d\d)\*\* \((?P<tags>[^)]*)\)"
    r"(?P<body>.*?)(?=^- \[|^#|\Z)",
    re.MULTILINE | re.DOTALL,
)
QUOTE = re.compile(r"«([^»]+)»")
ITALIC = re.compile(r"\*([^*]+)\*")
TYPED = re.compile(
    "(" + "|".join(sorted(TYPE_WORDS, key=len, reverse=True)) + r")(?:\s+số)?\s+(\d+)",
    re.IGNORECASE,
)
#: Dates in a quote, read by patterns of their own (not the extractor's): d/m/y, "tháng m/y",
#: "ngày d tháng m năm y", and d/m after a word that makes it a day ("Chiều 21/11", "và 7/12").
GOLD_DATES = (
    re.compile(r"(?P<d>\d{1,2})[/-](?P<m>\d{1,2})[/-](?P<y>\d{4})"),
    re.compile(r"tháng (?P<m>\d{1,2})/(?P<y>\d{4})"),
    re.compile(r"ngày (?P<d>\d{1,2}) tháng (?P<m>\d{1,2}) năm (?P<y>\d{4})"),
    re.compile(r"(?:[Nn]gày|Sáng|Chiều|Tối|và) (?P<d>\d{1,2})/(?P<m>\d{1,2})(?![/\d])"),
)
KINDS = ("directives with a number", "dates", "figures", "people with posts", "agencies")
TARGETS = {
    "directives with a number": 0.95,
    "dates": 0.90,
    "figures": 0.85,
    "people with posts": 0.80,
    "agencies": 0.75,
}
PRECISION = 0.85


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    recalled: int = 0
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, gold: list[str], found: list[str], match: type[Matcher] | None = None) -> None:
        matcher = (match or Exact)()
        self.gold += len(gold)
        self.found += len(found)
        hits = matcher.pairs(gold, found)
        self.recalled += len({g for g, _ in hits})
        self.correct += len({f for _, f in hits})
        self.misses += [gold[i] for i in range(len(gold)) if i not in {g for g, _ in hits}]
        self.wrong += [found[i] for i in range(len(found)) if i not in {f for _, f in hits}]

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0


class Matcher:
    def same(self, gold: str, found: str) -> bool:
        raise NotImplementedError

    def pairs(self, gold: list[str], found: list[str]) -> set[tuple[int, int]]:
        """One found item per gold item (multisets: two figures "60" match two gold "60")."""
        used: set[int] = set()
        hits = set()
        for g, item in enumerate(gold):
            for f, candidate in enumerate(found):
                if f not in used and self.same(item, candidate):
                    used.add(f)
                    hits.add((g, f))
                    break
        for f, candidate in enumerate(found):  # a repeated mention of a found thing is right
            if f not in used and any(self.same(item, candidate) for item in gold):
                hits.add((next(g for g, i in enumerate(gold) if self.same(i, candidate)), f))
        return hits


class Exact(Matcher):
    def same(self, gold: str, found: str) -> bool:
        return gold == found


class Multiset(Exact):
    def pairs(self, gold: list[str], found: list[str]) -> set[tuple[int, int]]:
        used: set[int] = set()
        hits = set()
        for g, item in enumerate(gold):
            for f, candidate in enumerate(found):
                if f not in used and item == candidate:
                    used.add(f)
                    hits.add((g, f))
                    break
        return hits


class NamePrefix(Matcher):
    def same(self, gold: str, found: str) -> bool:
        g, f = _fold(gold), _fold(found)
        return g == f or g.startswith(f + " ") or f.startswith(g + " ")


def _fold(name: str) -> str:
    name = re.sub(r"\[[^]]*\]", "", name)
    return re.sub(r"\s+", " ", fold(name).lower().replace("\u2013", "-")).strip()


def inventory() -> dict[str, list[tuple[list[str], str]]]:
    """Article → its items as (tags, text)."""
    items: dict[str, list[tuple[list[str], str]]] = {}
    for match in ITEM.finditer(INVENTORY.read_text(encoding="utf-8")):
        tags = [t.strip() for t in match["tags"].split("·")]
        items.setdefault(match["article"], []).append((tags, match["body"]))
    return items


def gold(items: list[tuple[list[str], str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for tags, body in items:
        italic = ITALIC.findall(body)
        quotes = QUOTE.findall(body)
        if tags[0] == "directive" and italic and (typed := TYPED.search(italic[0])):
            key = _directive_key(typed.group(1), typed.group(2))
            if key not in out["directives with a number"]:
                out["directives with a number"].append(key)
        if tags[0] == "figure" and "no value" not in tags:
            out["figures"] += [v for q in quotes for v in _values(q)]
        if tags[:2] == ["entity", "person"] and italic:
            out["people with posts"].append(italic[0])
        if tags[0] == "entity" and len(tags) > 1 and tags[1] in ("agency", "body") and italic:
            out["agencies"].append(italic[0])
        for quote in quotes:
            out["dates"] += [d for d in _dates(quote) if d not in out["dates"]]
    return out


def _directive_key(word: str, number: str) -> str:
    concept = next(c for w, c in TYPE_WORDS.items() if w.lower() == word.lower())
    return f"{concept} {number}"


def _dates(quote: str) -> list[str]:
    found = []
    for pattern in GOLD_DATES:
        for m in pattern.finditer(quote):
            parts = m.groupdict()
            found.append("-".join(str(int(parts[k])) if parts.get(k) else "?" for k in "ymd"))
    return found


def _values(quote: str) -> list[str]:
    """The values a figure's quote states: not a year, a date, a baseline ("từ 56") or the
    total of "14/14"."""
    values = []
    for m in re.finditer(r"(?<![\d/.])(\d{1,3}(?:\.\d{3})+|\d+)(?:/\d+)?(?![\d/])", quote):
        before = quote[: m.start()]
        if re.search(r"(?:năm|từ|ngày|tháng)\s+$", before) or re.search(r"\d/$", before):
            continue
        values.append(m.group(1).replace(".", ""))
    return values


def found(extraction: Extraction) -> dict[str, list[str]]:
    return {
        "directives with a number": _distinct(
            f"{d.doc_type} {d.number}" for d in extraction.directives
        ),
        "dates": _distinct(
            f"{d.year or '?'}-{d.month or '?'}-{d.day or '?'}" for d in extraction.dates
        ),
        "figures": [f.value for f in extraction.figures],
        "people with posts": _distinct(p.name for p in extraction.people),
        "agencies": _distinct(a.name for a in extraction.agencies if not a.generic),
    }


def _distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def measure(every: bool = False) -> tuple[dict[str, Score], dict[str, dict[str, Score]]]:
    items = inventory()
    places = gazetteer(Settings(project_dir=ROOT))
    totals = {k: Score() for k in KINDS}
    per_article: dict[str, dict[str, Score]] = {}
    matchers: dict[str, type[Matcher]] = {"figures": Multiset, "agencies": NamePrefix,
                                          "people with posts": NamePrefix}  # fmt: skip
    for record in read_records(ROOT / "sources"):
        if record.number not in items or not (every or record.stored == "whole"):
            continue
        expected = gold(items[record.number])
        got = found(extract(record.text(), places))
        per_article[record.number] = {}
        for kind in KINDS:
            score = Score()
            score.add(expected[kind], got[kind], matchers.get(kind))
            per_article[record.number][kind] = score
            totals[kind].add(expected[kind], got[kind], matchers.get(kind))
    return totals, per_article


def table(totals: dict[str, Score]) -> str:
    lines = [
        "| Kind | Gold | Found | Recall | Target | Precision | Target |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        s = totals[kind]
        recall_ok = "✓" if s.recall >= TARGETS[kind] else "✗"
        precision_ok = "✓" if s.precision >= PRECISION else "✗"
        lines.append(
            f"| {kind} | {s.gold} | {s.found} | {s.recall:.0%} {recall_ok} | ≥ {TARGETS[kind]:.0%} "
            f"| {s.precision:.0%} {precision_ok} | ≥ {PRECISION:.0%} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--details", action="store_true", help="list what was missed or wrong")
    parser.add_argument("--all", action="store_true", help="every source, not only the seeds")
    args = parser.parse_args()
    totals, per_article = measure(args.all)
    print(table(totals))
    if args.details:
        for article, scores in per_article.items():
            for kind, score in scores.items():
                if score.misses or score.wrong:
                    print(f"\n{article} {kind}: missed {score.misses}; wrong {score.wrong}")
    met = all(s.recall >= TARGETS[k] and s.precision >= PRECISION for k, s in totals.items())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
