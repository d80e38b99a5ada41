"""``/lookup``: an address written before 1 July 2025 → the unit(s) that hold it now.

Everything the answer says (IRIs, codes, names, the change and its event) comes from the
release's own ``crosswalk-2025.json`` (publish/build/crosswalk.py), read once per release;
nothing is made up at request time. The parser accepts what people type: any case, with or
without diacritics (đ or d), abbreviations (P., Q., H., TX., TP., TT., X.), missing type words,
a street before the commune, missing commas. It reads the address from the right: province,
then district, then commune, each a name or a name without its type word that ends what is
left. When two readings fit equally well it answers with the candidates; when nothing fits it
says so; a close misspelling is answered, but marked as approximate with what it was read as.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from publish.iris import fold
from publish.layout import COMMUNES_JSON
from publish.serve import i18n
from publish.serve.deps import StateDep
from publish.serve.negotiate import wants_json
from publish.serve.render import render

router = APIRouter()
MAX_QUERY = 300
MAX_CANDIDATES = 20
#: abbreviations people write, and the type words they stand for
ABBREVIATIONS = {
    "tp": "thành phố",
    "tx": "thị xã",
    "tt": "thị trấn",
    "p": "phường",
    "q": "quận",
    "h": "huyện",
    "x": "xã",
}
#: "P. Bến Nghé", "Q.1", and, at the start of a comma-part, "p bac son" or "tp hcm"
ABBREVIATION = re.compile(
    r"(?<![\w])(tp|tx|tt|p|q|h|x)(?:\.\s*|(?=\d))|(?:^|(?<=,))\s*(tp|tx|tt|p|q|h|x)\s+(?=\w)",
    re.IGNORECASE,
)
#: the short names people write for a province (folded name → folded short names)
PROVINCE_SHORT_NAMES = {
    "hochiminh": ("hcm", "tphcm"),
    "hanoi": ("hn",),
    "haiphong": ("hp",),
    "bariavungtau": ("brvt",),
    "thuathienhue": ("tth",),
}
TRAILING_COUNTRY = re.compile(r"[,\s]*(vi[eệ]t\s*nam|vn)[\s.]*$", re.IGNORECASE)
CLOSE_ENOUGH = 0.85


def key(text: str) -> str:
    """Letters and digits only, lower case, diacritics folded (đ → d): "Phường 5" → "phuong5"."""
    return "".join(ch for ch in fold(unicodedata.normalize("NFC", text)).lower() if ch.isalnum())


def accented_key(text: str) -> str:
    """The same, diacritics kept: tells Phường Sa Pa from Phường Sa Pả."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).lower() if ch.isalnum())


@dataclass
class Place:
    """One unit of the old structure that an address may name."""

    code: str
    name: str
    short: str
    iri: str
    parent: str | None  # code
    keys: tuple[str, ...]  # folded: with and without the type word
    accented: tuple[str, ...]
    row: dict[str, Any] | None = None  # the crosswalk row of a commune (or island district)


@dataclass
class Gazetteer:
    """The old structure's names, from one release's crosswalk."""

    provinces: dict[str, Place] = field(default_factory=dict)
    districts: dict[str, Place] = field(default_factory=dict)
    communes: dict[str, Place] = field(default_factory=dict)
    children: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]]) -> Gazetteer:
        g = cls()
        for row in rows:
            old = row["old"]
            province = g._place(
                g.provinces, old["province_code"], old["province_name"], old["province_iri"], None
            )
            if old["district_code"]:
                district = g._place(
                    g.districts, old["district_code"], old["district_name"],
                    old["district_iri"], province.code,
                )  # fmt: skip
                g._place(g.communes, old["code"], old["name"], old["iri"], district.code, row)
            else:  # an island district without communes: the row is the district itself
                g._place(g.districts, old["code"], old["name"], old["iri"], province.code, row)
        return g

    def _place(
        self,
        level: dict[str, Place],
        code: str,
        name: str,
        iri: str,
        parent: str | None,
        row: dict[str, Any] | None = None,
    ) -> Place:
        place = level.get(code)
        if place is None:
            bare = _without_type(name)
            keys = tuple(dict.fromkeys(k for k in (key(name), key(bare)) if k))
            if parent is None:  # a province: also its short names, with and without its type
                kind = keys[0].removesuffix(key(bare))
                short = PROVINCE_SHORT_NAMES.get(key(bare), ())
                keys += tuple(k for s in short for k in (kind + s, s))
            accented = tuple(dict.fromkeys((accented_key(name), accented_key(bare))))
            place = level[code] = Place(code, name, bare, iri, parent, keys, accented, row)
            if parent is not None:
                self.children[parent].append(place)
        elif row is not None:
            place.row = row
        return place


TYPE_WORDS = ("thành phố", "thị xã", "thị trấn", "đặc khu", "tỉnh", "quận", "huyện", "phường", "xã")


def _without_type(name: str) -> str:
    lower = name.lower()
    for word in TYPE_WORDS:
        if lower.startswith(word + " "):
            return name[len(word) :].strip()
    return name


@dataclass(frozen=True)
class Reading:
    """One way to read an address: the units it names, how much of it they explain."""

    province: Place | None
    district: Place | None
    commune: Place | None
    consumed: int  # characters of the folded address explained
    approximate: bool = False
    inferred: bool = False  # the district was not written: it is the commune's

    @property
    def rank(self) -> tuple[int, bool, int, bool]:
        return (self.depth, self.terminal is not None, self.consumed, not self.inferred)

    @property
    def depth(self) -> int:
        return sum(p is not None for p in (self.province, self.district, self.commune))

    @property
    def terminal(self) -> Place | None:
        """The unit whose crosswalk row answers: a commune, or an island district."""
        if self.commune is not None:
            return self.commune
        if self.district is not None and self.district.row is not None:
            return self.district
        return None


def normalise(address: str) -> str:
    """NFC, abbreviations spelled out, a trailing country name dropped."""
    text = unicodedata.normalize("NFC", address)[:MAX_QUERY]
    text = ABBREVIATION.sub(lambda m: ABBREVIATIONS[(m.group(1) or m.group(2)).lower()] + " ", text)
    return TRAILING_COUNTRY.sub("", text)


TYPE_KEYS = tuple(key(w) for w in TYPE_WORDS)


def _suffixes(
    text: str, accented: str, places: list[Place], bounds: tuple[int, ...] = (0,)
) -> list[tuple[Place, int]]:
    """The places whose name (or bare name) ends ``text``, with the length each explains;
    places that share a folded name are told apart by diacritics when the text has them.

    A bare name that follows a type word alone in its comma-part is not this level's name:
    in "Phường 1" the "1" is the ward's number, not Quận 1 (whose full name would match)."""

    def after_type_word(start: int) -> bool:
        part = max((b for b in bounds if b <= start), default=0)
        return text[part:start] in TYPE_KEYS

    found = [
        (p, len(k))
        for p in places
        for i, k in enumerate(p.keys)
        if text.endswith(k) and (i == 0 or not after_type_word(len(text) - len(k)))
    ]
    best: dict[str, tuple[Place, int]] = {}
    for place, length in found:
        if place.code not in best or best[place.code][1] < length:
            best[place.code] = (place, length)
    matches = list(best.values())
    if len(matches) > 1 and accented != text:  # the address has diacritics: use them
        exact = [(p, n) for p, n in matches if any(accented.endswith(a) for a in p.accented)]
        if exact:
            matches = exact
    return matches


def _close(tail: str, places: list[Place]) -> list[tuple[Place, int]]:
    """A misspelt name: the places whose name is closest to ``tail`` (folded), if close."""
    if len(tail) < 4:
        return []
    scored = [
        (difflib.SequenceMatcher(None, k, tail).ratio(), place)
        for place in places
        for k in place.keys
        if abs(len(k) - len(tail)) <= 2
    ]
    scored = [(r, p) for r, p in scored if r >= CLOSE_ENOUGH]
    if not scored:
        return []
    top = max(r for r, _ in scored)
    chosen = {p.code: p for r, p in scored if r == top}
    return [(p, len(tail)) for p in chosen.values()]


@dataclass(frozen=True)
class Text:
    """An address folded (and with its diacritics), comma-parts joined, read from the right."""

    folded: str
    accented: str
    bounds: tuple[int, ...]  # where each comma-part starts

    def ends(self, end: int, places: list[Place]) -> list[tuple[Place, int]]:
        return _suffixes(self.folded[:end], self.accented[:end], places, self.bounds)

    def last_part(self, end: int) -> str:
        """The comma-part that ends at ``end`` (for a misspelt name)."""
        start = max((b for b in self.bounds if b < end), default=0)
        return self.folded[start:end]


def _text(address: str) -> Text:
    parts = [p for p in normalise(address).split(",") if p.strip()]
    folded = [key(p) for p in parts]
    accented = [accented_key(p) for p in parts]
    if [len(f) for f in folded] != [len(a) for a in accented]:
        accented = folded  # a character that folds to two: compare without diacritics
    bounds, at = [], 0
    for part in folded:
        bounds.append(at)
        at += len(part)
    return Text("".join(folded), "".join(accented), tuple(bounds))


def read(gazetteer: Gazetteer, address: str) -> list[Reading]:
    """Every best reading of ``address`` (one when it is clear, several when it is not)."""
    text = _text(address)
    end = len(text.folded)
    provinces = list(gazetteer.provinces.values())
    readings: list[Reading] = []
    starts: list[tuple[Place | None, int, bool]] = [
        (p, n, False) for p, n in text.ends(end, provinces)
    ]
    if not starts:
        near = _close(text.last_part(end), provinces)
        starts = [(p, n, True) for p, n in near] or [(None, 0, False)]
    for province, used, approximate in starts:
        rest = end - used
        districts_here = (
            gazetteer.children[province.code] if province else list(gazetteer.districts.values())
        )
        districts = text.ends(rest, districts_here)
        for district, d_used in districts:
            tail = rest - d_used
            communes = text.ends(tail, gazetteer.children[district.code])
            close = False
            if not communes and district.row is None and tail > 0:
                communes = _close(text.last_part(tail), gazetteer.children[district.code])
                close = True
            owner = gazetteer.provinces[district.parent or ""]
            for commune, c_used in communes:
                consumed = used + d_used + c_used
                readings.append(Reading(owner, district, commune, consumed, approximate or close))
            if not communes:
                readings.append(Reading(owner, district, None, used + d_used, approximate))
        if province is not None:  # the district left out
            for d in districts_here:
                for commune, c_used in text.ends(rest, gazetteer.children[d.code]):
                    readings.append(
                        Reading(province, d, commune, used + c_used, approximate, inferred=True)
                    )
            if not any(r.province is province for r in readings):
                readings.append(Reading(province, None, None, used, approximate))
    if not readings:
        return []
    best = max(r.rank for r in readings)
    chosen = [r for r in readings if r.rank == best]
    unique = {(id(r.province), id(r.district), id(r.commune)): r for r in chosen}
    return list(unique.values())


def _unit(place: Place | None) -> dict[str, str] | None:
    if place is None:
        return None
    return {"code": place.code, "name": place.name, "iri": place.iri}


def answer(gazetteer: Gazetteer, address: str) -> dict[str, Any]:
    """The JSON answer of /lookup."""
    readings = read(gazetteer, address) if address.strip() else []
    base: dict[str, Any] = {"query": address[:MAX_QUERY]}
    found = [r for r in readings if r.terminal is not None]
    if len(found) == 1:
        reading = found[0]
        terminal = reading.terminal
        assert terminal is not None and terminal.row is not None  # noqa: S101 - checked above
        row = terminal.row
        return {
            **base,
            "status": "found",
            "approximate": reading.approximate,
            "read_as": {
                "province": _unit(reading.province),
                "district": _unit(reading.district),
                "commune": _unit(reading.commune),
            },
            "change": row["change"],
            "new": row["successors"],
        }
    if len(found) > 1 or len(readings) > 1:
        pool = found or readings
        return {
            **base,
            "status": "ambiguous",
            "candidates": [_candidate(r) for r in pool[:MAX_CANDIDATES]],
        }
    if len(readings) == 1:  # a province or district alone: which commune is needed
        reading = readings[0]
        parent = reading.district or reading.province
        assert parent is not None  # noqa: S101 - a reading names at least one unit
        communes = gazetteer.children[parent.code] if reading.district else []
        return {
            **base,
            "status": "incomplete",
            "read_as": {
                "province": _unit(reading.province),
                "district": _unit(reading.district),
                "commune": None,
            },
            "candidates": [{"old": _unit(c), "label": c.name} for c in communes[:MAX_CANDIDATES]],
        }
    return {**base, "status": "not-found"}


def _candidate(reading: Reading) -> dict[str, Any]:
    names = [p.name for p in (reading.commune, reading.district, reading.province) if p]
    return {"old": _unit(reading.terminal or reading.district or reading.province),
            "label": ", ".join(names)}  # fmt: skip


@lru_cache(maxsize=2)
def gazetteer_for(folder: Path) -> Gazetteer:
    """The release's crosswalk, read once per release folder (a release never changes)."""
    path = folder / COMMUNES_JSON
    if not path.exists():
        return Gazetteer()
    document = json.loads(path.read_text(encoding="utf-8"))
    return Gazetteer.from_rows(document["rows"])


@router.get("/lookup")
async def lookup(
    request: Request, state: StateDep, q: Annotated[str, Query(max_length=MAX_QUERY)] = ""
) -> Response:
    """An old address → the new unit(s), their codes and the change; HTML or JSON."""
    gazetteer = gazetteer_for(state.release_folder)
    result = answer(gazetteer, q) if q.strip() else {"query": "", "status": "empty"}
    if wants_json(request.headers.get("accept"), request.query_params.get("format")):
        return JSONResponse(result)
    words = i18n.table(i18n.LOOKUP_WORDS, i18n.choose(request))
    html = render("lookup.html", request, state, result=result, q=q, w=words)
    return HTMLResponse(html)
