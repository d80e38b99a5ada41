"""``bomay source add``: store a source's text and write its record.

The text is stored as given, made NFC with Unix line ends (the build refuses text that is
not NFC, and quotes are compared in NFC). A third-party page is stored as the passages the
curator means to quote, one per paragraph (``stored = "passages"``, the default); only a text
that may be republished whole (the seed articles, a public legal text) is stored whole. The
file is named after the next free number and the URL's hash, so registering the same URL
twice is refused unless ``replace`` says to store the new text under the same number.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from publish.sources import (
    KINDS,
    SourceError,
    SourceRecord,
    Stored,
    is_date,
    read_records,
    sha256_of,
    url_key,
    write_record,
)


def add(
    text_file: Path,
    folder: Path,
    *,
    url: str,
    title: str,
    publisher: str | None,
    date_published: str | None,
    date_read: str | None = None,
    stored: Stored = "passages",
    kind: str = "NewsArticle",
    notes: tuple[str, ...] = (),
    replace: bool = False,
) -> SourceRecord:
    """Register ``text_file`` as a source in ``folder``; return its record."""
    if not text_file.is_file():
        raise SourceError(f"{text_file}: no such file")
    try:
        raw = text_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"{text_file}: not UTF-8 (byte {error.start})") from error
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip() + "\n"
    for name, value in (("date", date_published), ("date read", date_read)):
        if value is not None and not is_date(value):
            raise SourceError(f"the {name} must be YYYY, YYYY-MM or YYYY-MM-DD: {value!r}")
    if kind not in KINDS:
        raise SourceError(f"kind must be one of {', '.join(KINDS)}")
    if not title.strip():
        raise SourceError("a source needs its title")
    records = read_records(folder) if folder.exists() else []
    same = [r for r in records if r.url == url]
    if same and not replace:
        raise SourceError(
            f"{url} is already registered as {same[0].path.name} "
            "(give --replace to store a new text under the same number)"
        )
    number = same[0].number if same else _next_number(records)
    path = folder / f"{number}_{url_key(url)}.toml"
    folder.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".txt").write_text(text, encoding="utf-8")
    record = SourceRecord(
        path=path,
        title=unicodedata.normalize("NFC", title.strip()),
        sha256=sha256_of(path.with_suffix(".txt")),
        stored=stored,
        kind=kind,
        url=url,
        publisher=unicodedata.normalize("NFC", publisher.strip()) if publisher else None,
        date_published=date_published,
        date_read=date_read or dt.date.today().isoformat(),
        notes=notes,
    )
    write_record(record)
    return record


def _next_number(records: list[SourceRecord]) -> str:
    numbers = [int(r.number) for r in records]
    return f"{max(numbers, default=-1) + 1:03d}"


def find(folder: Path, name: str) -> SourceRecord:
    """A record by its number ("5", "005"), its stem, or the path of its record or text."""
    records = read_records(folder)
    stem = Path(name).stem
    for record in records:
        if stem in (record.stem, record.number) or (
            stem.isdigit() and int(stem) == int(record.number)
        ):
            return record
    raise SourceError(f"{name}: no such source in {folder} (see bomay source list)")
