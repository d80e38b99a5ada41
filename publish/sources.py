"""Source records: what bomay knows about each text its facts are quoted from.

A source is a text file under ``sources/`` (``NNN_<16 hex>.txt``) and its record beside it
(``NNN_<16 hex>.toml``): URL, title, publisher, dates, language, the SHA-256 of the stored
text, and whether the text is stored whole or only as the passages that are quoted (a
third-party page may not be republished whole). The record is the one place for these
facts; the build turns it into RDF and checks the hash, and ``bomay source add`` writes it.
Both the build and the curation tools read records, so this module sits beside them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

#: A source's file stem: a number of three digits or more, then 16 hex digits (from the URL).
STEM = re.compile(r"^(?P<number>[0-9]{3,})_(?P<key>[0-9a-f]{16})$")
#: How a curator marks an elision inside one quote: the runs must appear in this order.
ELISION = " … "
#: Passages of a page stored as excerpts are separated by a blank line.
PASSAGE_BREAK = re.compile(r"\n\s*\n")
#: A partial or full date as a page may give it: 2025, 2025-06 or 2025-06-12.
PARTIAL_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
Stored = Literal["whole", "passages"]
KINDS = ("NewsArticle", "WebPage")


class SourceError(Exception):
    """A source record or text that cannot be used; the message names the file."""


@dataclass(frozen=True)
class SourceRecord:
    """One registered source. ``path`` is the record (``.toml``); the text sits beside it."""

    path: Path
    title: str
    sha256: str
    stored: Stored
    language: str = "vi"
    kind: str = "NewsArticle"
    url: str | None = None
    publisher: str | None = None
    date_published: str | None = None
    date_read: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def number(self) -> str:
        """``"005"``: the article graph ``graph/article-005`` holds this source's facts."""
        match = STEM.match(self.stem)
        if match is None:  # pragma: no cover - read_record refuses such names
            raise SourceError(f"{self.path}: not a source name")
        return match["number"]

    @property
    def text_path(self) -> Path:
        return self.path.with_suffix(".txt")

    @property
    def iri_path(self) -> str:
        """The source's resource path: ``article/005-<16 hex>`` (under ``{base}id/``)."""
        return "article/" + self.stem.replace("_", "-")

    def text(self) -> str:
        return self.text_path.read_text(encoding="utf-8")

    def passages(self) -> list[str]:
        """The stored passages (the whole text is one passage per paragraph too)."""
        return [p.strip() for p in PASSAGE_BREAK.split(self.text()) if p.strip()]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fold_space(text: str) -> str:
    """NFC, no-break spaces as spaces, every run of white space as one space.

    >>> fold_space("Sáng\\u00a020/11,\\n  UBND")
    'Sáng 20/11, UBND'
    """
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " "))
    return re.sub(r"\s+", " ", text).strip()


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text`` (both already folded), its " … " runs in order.

    Returns the span from the first run's start to the last run's end, or None.

    >>> find_quote("hợp nhất … thành C", "hợp nhất A và B thành C")
    (0, 23)
    >>> find_quote("thành C … hợp nhất", "hợp nhất A và B thành C") is None
    True
    """
    start, position = -1, 0
    for run in quote.split(ELISION):
        found = text.find(run.strip(), position)
        if found < 0:
            return None
        start = found if start < 0 else start
        position = found + len(run.strip())
    return (start, position) if start >= 0 else None


def read_records(folder: Path) -> list[SourceRecord]:
    """Every record in ``folder``, in order; a text file without a record is an error."""
    if not folder.is_dir():
        raise SourceError(f"{folder}: folder not found")
    records = [read_record(path) for path in sorted(folder.glob("*.toml"))]
    recorded = {r.text_path.name for r in records}
    for text in sorted(folder.glob("*.txt")):
        if text.name not in recorded:
            raise SourceError(f"{text}: a source text without its record ({text.stem}.toml)")
    return records


def read_record(path: Path) -> SourceRecord:
    if STEM.match(path.stem) is None:
        raise SourceError(f"{path}: a source is named NNN_<16 hex digits>.toml")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: {error}") from error
    unknown = set(raw) - {f for f in SourceRecord.__dataclass_fields__ if f != "path"}
    if unknown:
        raise SourceError(f"{path}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("title", "sha256", "stored"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise SourceError(f"{path}: field {name!r} is required")
    record = SourceRecord(path=path, **{**raw, "notes": tuple(raw.get("notes", ()))})
    _check_fields(record)
    return record


def _check_fields(record: SourceRecord) -> None:
    where = record.path
    if record.stored not in ("whole", "passages"):
        raise SourceError(f"{where}: stored must be 'whole' or 'passages'")
    if record.kind not in KINDS:
        raise SourceError(f"{where}: kind must be one of {', '.join(KINDS)}")
    if not re.fullmatch(r"[0-9a-f]{64}", record.sha256):
        raise SourceError(f"{where}: sha256 must be 64 hex digits")
    if record.url is not None and not record.url.startswith(("http://", "https://")):
        raise SourceError(f"{where}: url must be an http(s) URL")
    for name in ("date_published", "date_read"):
        value = getattr(record, name)
        if value is not None and not is_date(value):
            raise SourceError(f"{where}: {name} must be YYYY, YYYY-MM or YYYY-MM-DD: {value!r}")
    if record.stored == "passages" and record.url is None:
        raise SourceError(f"{where}: a page stored as passages needs its url")


def is_date(value: str) -> bool:
    if not PARTIAL_DATE.match(value):
        return False
    if len(value) == 10:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
    return True


def url_key(url: str) -> str:
    """The 16 hex digits that name a source registered from ``url``."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def write_record(record: SourceRecord) -> None:
    """Write ``record`` as TOML (JSON string escapes are valid TOML basic strings)."""
    lines = [
        "# Source record: written by `bomay source add`; the build checks sha256 against the text.",
    ]
    for name in (
        "title",
        "url",
        "publisher",
        "date_published",
        "date_read",
        "language",
        "kind",
        "stored",
        "sha256",
    ):
        value = getattr(record, name)
        if value is not None:
            lines.append(f"{name} = {json.dumps(value, ensure_ascii=False)}")
    if record.notes:
        notes = ", ".join(json.dumps(n, ensure_ascii=False) for n in record.notes)
        lines.append(f"notes = [{notes}]")
    record.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
