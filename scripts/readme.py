"""The README's reference sections, written from the code so that they cannot drift.

    .venv/bin/python scripts/readme.py            # rewrite the sections in README.md
    .venv/bin/python scripts/readme.py --check    # exit 1 if they are out of date

Two sections: every setting (``publish/settings.py``: variable, default, description, and
whether the Service Description publishes it) and every command of the ``bomay`` CLI (its
usage and the first paragraph of its help). ``tests/test_docs.py`` runs the check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import click
import typer

from publish.cli import app
from publish.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = {
    "settings": "<!-- settings: written by scripts/readme.py from publish/settings.py -->",
    "commands": "<!-- commands: written by scripts/readme.py from publish/cli.py -->",
}
END = "<!-- end of generated section -->"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _default(name: str) -> str:
    field = Settings.model_fields[name]
    if name == "project_dir":
        return "the current folder, or the nearest one upward with `bomay.toml`"
    if field.default_factory is not None:
        value = field.default_factory({"project_dir": Path()})  # type: ignore[call-arg]
        return f"`{value}/`"
    default = field.default
    if default is None:
        return "none"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return f"`{default}`"


def settings_table() -> str:
    published = set(Settings.published())
    rows = [
        "| Setting | Default | What it does | Published |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        rows.append(
            f"| `{Settings.variable(name)}` | {_default(name)} | "
            f"{_cell(field.description or '')} | {'yes' if name in published else ''} |"
        )
    return "\n".join(rows)


def commands_table() -> str:
    group = typer.main.get_command(app)
    root = click.Context(group, info_name="bomay")
    rows = ["| Command | What it does |", "|---|---|"]
    for name in group.list_commands(root):  # type: ignore[attr-defined]
        command = group.get_command(root, name)  # type: ignore[attr-defined]
        context = click.Context(command, info_name=name, parent=root)
        usage = " ".join(command.collect_usage_pieces(context))
        summary = (command.help or "").split("\n\n", 1)[0]
        rows.append(f"| `bomay {name} {usage}` | {_cell(summary)} |")
    return "\n".join(rows)


def rendered(text: str) -> str:
    """``text`` (the README) with its generated sections written afresh."""
    tables = {"settings": settings_table(), "commands": commands_table()}
    for section, marker in SECTIONS.items():
        start = text.index(marker) + len(marker)
        end = text.index(END, start)
        text = f"{text[:start]}\n{tables[section]}\n{text[end:]}"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say if it is out of date")
    args = parser.parse_args()
    current = README.read_text(encoding="utf-8")
    fresh = rendered(current)
    if args.check:
        if fresh != current:
            print("README.md is out of date: run .venv/bin/python scripts/readme.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
