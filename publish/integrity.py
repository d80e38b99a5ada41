"""Checksums of a release, written at build and checked by ``bomay verify`` and at serve start.

``SHA256SUMS`` covers the dumps and descriptions, and its hash names the release, so it
must stay byte-reproducible. The store's files are not (RocksDB writes ids and times into
them), so they get their own list, ``STORE.SHA256SUMS``. A bit flipped on disk, a file
truncated by a full disk or replaced by hand is found before the service answers from it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHECKSUMS = "SHA256SUMS"
STORE_CHECKSUMS = "STORE.SHA256SUMS"
#: written by the engine on every open (lock, info logs): not part of the data
STORE_SCRATCH = ("LOCK", "LOG")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sums_text(folder: Path, names: list[str], known: Mapping[str, str] | None = None) -> str:
    """``sha256sum`` format: one ``digest  name`` line per file, in the order given; files
    in ``known`` (name → digest, already hashed by the caller) are not read again."""
    known = known or {}
    return "".join(f"{known.get(name) or sha256(folder / name)}  {name}\n" for name in names)


def write_store_sums(release: Path, linked: Path | None = None) -> None:
    """``STORE.SHA256SUMS``. With ``linked``, a release whose store's table files this
    one's may be hard links to (the copy a build after a change starts from), the digest of
    a file that is the same file is taken from that release's list, not read again: RocksDB
    never changes a table file in place (0.1 s at 300,000 triples)."""
    store = release / "store"
    names = sorted(
        str(p.relative_to(release))
        for p in store.rglob("*")
        if p.is_file() and not p.name.startswith(STORE_SCRATCH)
    )
    known: dict[str, str] = {}
    if linked is not None:
        try:
            listed = {name: digest for digest, name in read_sums(linked, STORE_CHECKSUMS)}
            known = {n: listed[n] for n in names
                     if n in listed and (release / n).samefile(linked / n)}  # fmt: skip
        except OSError:
            known = {}  # that release is gone, or its list: every file is read
    (release / STORE_CHECKSUMS).write_text(sums_text(release, names, known), encoding="utf-8")


def read_sums(folder: Path, listing: str = CHECKSUMS) -> list[tuple[str, str]]:
    """The (digest, file name) lines of a checksum listing, as ``sha256sum`` writes them."""
    lines = (folder / listing).read_text(encoding="utf-8").splitlines()
    return [(digest, name) for digest, _, name in (line.partition("  ") for line in lines)]


def verify(
    release: Path, wanted: Callable[[str], bool] = lambda name: True, threads: int = 0
) -> list[str]:
    """What is wrong with a release's files (those ``wanted`` picks by name: every one by
    default); empty when every checksum matches.

    The files are hashed on ``threads`` threads, by default as many as there are cores
    (hashlib lets go of the interpreter lock on large reads)."""
    problems, pending = [], []
    for listing in (CHECKSUMS, STORE_CHECKSUMS):
        path = release / listing
        if listing == STORE_CHECKSUMS and not path.is_file():
            continue  # releases built before the store had checksums: their dumps still do
        if not path.is_file():
            problems.append(f"{listing}: missing")
            continue
        for number, (digest, name) in enumerate(read_sums(release, listing), 1):
            target = release / name
            if not name or ".." in Path(name).parts:
                problems.append(f"{listing}:{number}: not a checksum line")
            elif not wanted(name):
                continue  # another part of the check reports it
            elif not target.is_file():
                problems.append(f"{name}: missing (listed in {listing})")
            else:
                pending.append((listing, digest, name))
    with ThreadPoolExecutor(threads or os.cpu_count() or 1) as hashing:
        digests = hashing.map(lambda item: sha256(release / item[2]), pending)
        for (listing, digest, name), actual in zip(pending, digests, strict=True):
            if actual != digest:
                problems.append(f"{name}: checksum does not match {listing}")
    return problems
