"""The draft extractor keeps the accuracy the curation issue asks for on the seed articles.

Not a timed test: bench/draft.py measures recall and precision per kind against
docs/fact-inventory.md; this guards the figures the README reports from regressing.
"""

from __future__ import annotations

from bench.draft import PRECISION, TARGETS, measure, table
from conftest import ROOT


def test_the_draft_benchmark_meets_its_targets() -> None:
    totals, per_article = measure()
    assert sorted(per_article) == ["000", "001", "002", "003", "004"]
    for kind, score in totals.items():
        assert score.gold > 0, kind
        assert score.recall >= TARGETS[kind], (kind, table(totals))
        assert score.precision >= PRECISION, (kind, table(totals))


def test_the_readme_shows_the_table_the_benchmark_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table(measure()[0]) in readme
