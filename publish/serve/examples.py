"""The competency questions in ``queries/`` as named examples for the home page and the
query editor, read when a release is served (start or switch), so a new ``.rq`` file shows up
without code changes and no request reads the folder.

A file's first line ``# title: …`` is its English title, and the next comment line its
Vietnamese one; a file without them is titled by its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TITLE = "# title:"


@dataclass(frozen=True)
class Example:
    name: str
    title_en: str
    title_vi: str
    text: str

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en


def read_examples(folder: Path) -> list[Example]:
    examples = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        title_en = lines[0][len(TITLE) :].strip() if lines and lines[0].startswith(TITLE) else ""
        second = lines[1] if len(lines) > 1 else ""
        title_vi = second[1:].strip() if title_en and second.startswith("#") else ""
        examples.append(
            Example(path.stem, title_en or path.stem, title_vi or title_en or path.stem, text)
        )
    return examples
