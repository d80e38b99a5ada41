"""The competency questions as named examples for the home page and the query editor.

The built-in ones ship in the package (``publish/queries/``, so an installed bomay has them
whatever the project holds); the project's ``queries/`` adds its own. Both are read when a
release is served (start or switch), so a new ``.rq`` file shows up without code changes and
no request reads a folder.

A file's first line ``# title: …`` is its English title, and the next comment line its
Vietnamese one; a file without them is titled by its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publish.settings import CANONICAL_BASE

TITLE = "# title:"
BUILT_IN = Path(__file__).resolve().parent.parent / "queries"


@dataclass(frozen=True)
class Example:
    name: str
    title_en: str
    title_vi: str
    text: str

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en


def read_examples(project_queries: Path, base: str = CANONICAL_BASE) -> list[Example]:
    """The built-in questions and the project's, by name (a project file of the same name
    replaces a built-in one), their IRIs moved to ``base`` as the data's are."""
    by_name = {e.name: e for folder in (BUILT_IN, project_queries) for e in _read(folder, base)}
    return [by_name[name] for name in sorted(by_name)]


def _read(folder: Path, base: str) -> list[Example]:
    return [_example(path, base) for path in sorted(folder.glob("*.rq"))]


def _example(path: Path, base: str) -> Example:
    # written under the canonical base, like the data files (publish.iris.Iris.rebase)
    text = path.read_text(encoding="utf-8").replace(CANONICAL_BASE, base)
    lines = text.splitlines()
    title_en = lines[0][len(TITLE) :].strip() if lines and lines[0].startswith(TITLE) else ""
    second = lines[1] if len(lines) > 1 else ""
    title_vi = second[1:].strip() if title_en and second.startswith("#") else ""
    return Example(path.stem, title_en or path.stem, title_vi or title_en or path.stem, text)
