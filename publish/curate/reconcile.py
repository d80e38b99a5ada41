"""What bomay already knows, so that a draft reuses existing IRIs instead of minting twins.

The built release is the first place to look: it has every administrative unit of both
structures (before and after 1 July 2025, communes included), agency, person and directive,
with their labels. Without a release, the pinned reference tables give the units, with the
IRIs publish/build/reference.py gives them. Names are compared folded (no diacritics, lower
case, one space), as publish/build/duplicates.py compares labels; the type word a text
writes ("huyện An Lão", "xã An Lão") chooses among units of one name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from publish.build.reference import COUNTRY, read_tables, unit_paths
from publish.build.units import TYPES, Tables
from publish.iris import fold
from publish.rdf import sparql_prologue
from publish.settings import Settings
from publish.store import NoReleaseError, open_release

PLACES = """SELECT ?unit ?label ?parent ?type WHERE {
  ?unit a bomay:AdministrativeUnit ; skos:prefLabel|skos:altLabel ?label .
  FILTER(LANG(?label) = "vi")
  OPTIONAL { ?unit schema:containedInPlace ?parent }
  OPTIONAL { ?unit bomay:unitType ?type }
}"""
LABELLED = """SELECT ?thing ?label ?unit WHERE {
  ?thing a ?class ; skos:prefLabel|skos:altLabel|schema:name ?label .
  FILTER(LANG(?label) = "vi" || LANG(?label) = "")
  OPTIONAL { ?thing bomay:adminUnit ?unit }
}"""
PUBLISHERS = """SELECT ?thing ?label WHERE {
  ?page schema:publisher ?thing . ?thing schema:name|skos:prefLabel ?label .
}"""
DIRECTIVES = """SELECT ?directive ?symbol ?type ?number ?date WHERE {
  ?directive a bomay:Directive ; eli:type_document ?type .
  OPTIONAL { ?directive eli:id_local ?symbol }
  OPTIONAL { ?directive eli:number ?number }
  OPTIONAL { ?directive eli:date_document ?date }
}"""
#: The type words a place's official name starts with ("Huyện An Lão" → "An Lão").
UNIT_WORDS = re.compile(r"^(?:thành phố|thị xã|thị trấn|tỉnh|huyện|quận|phường|xã|đặc khu)\s+",
                        re.IGNORECASE)  # fmt: skip


#: The type word a text writes before a name → the unit types (scheme/unit-type) it can mean.
KINDS_BY_WORD: dict[str, set[str]] = defaultdict(set)
for _words in TYPES.values():
    for _word, _kind in _words.items():
        KINDS_BY_WORD[_word.lower()].add(_kind)
#: A unit type's level: 1 province, 2 district, 3 commune.
LEVEL_OF_KIND = {kind: level for level, words in TYPES.items() for kind in words.values()}

ACRONYMS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "MTTQ": "Mặt trận Tổ quốc",
            "UBKT": "Ủy ban Kiểm tra", "BCH": "Ban Chấp hành"}  # fmt: skip


def key(name: str) -> str:
    """How names are compared: acronyms spelt out, folded, lower case, one space, no type word.

    >>> key("UBND thành phố Hải Phòng") == key("Ủy ban nhân dân thành phố Hải Phòng")
    True
    """
    for short, full in ACRONYMS.items():
        name = re.sub(rf"\b{short}\b", full, name)
    name = UNIT_WORDS.sub("", name.strip())
    return re.sub(r"\s+", " ", fold(name).lower().replace("\u2013", "-").replace("uỷ", "ủy"))


@dataclass(frozen=True)
class Place:
    path: str  # "place/hai-phong/an-lao"
    label: str
    parent: str | None
    kind: str | None = None  # its unit type, a concept of scheme/unit-type: "huyen"


@dataclass(frozen=True)
class KnownDirective:
    path: str
    symbol: str | None
    doc_type: str
    number: str | None
    date: str | None


@dataclass
class Known:
    """Existing resources by folded name; ``origin`` says where they were read."""

    origin: str
    places: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    agencies: dict[str, list[tuple[str, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    people: dict[str, str] = field(default_factory=dict)
    publishers: dict[str, str] = field(default_factory=dict)  # sources' publishers, by name
    directives: list[KnownDirective] = field(default_factory=list)

    def place(
        self, name: str, within: set[str] | None = None, word: str | None = None
    ) -> list[Place]:
        """Places called ``name``: of the type ``word`` says ("huyện"), else of the highest
        level bearing the name; inside ``within`` (provinces' paths) when that narrows it."""
        found = self.places.get(key(name), [])
        if word is not None:
            kinds = KINDS_BY_WORD.get(word.lower(), set())
            found = [p for p in found if p.kind in kinds or p.kind is None] or found
        if within:
            found = [p for p in found if any(_inside(p.path, w) for w in within)] or found
        if word is None and found:
            top = min(LEVEL_OF_KIND.get(p.kind or "", 0) for p in found)
            found = [p for p in found if LEVEL_OF_KIND.get(p.kind or "", 0) == top]
        return found


def _inside(path: str, province: str) -> bool:
    """``path`` is ``province`` or under it, or under the province of the same name in the
    other structure (place/hai-phong and place/2025/hai-phong)."""
    slug = province.removeprefix("place/").removeprefix("2025/")
    return any(
        path == p or path.startswith(p + "/") for p in (f"place/{slug}", f"place/2025/{slug}")
    )


def known(settings: Settings) -> Known:
    """What the current release knows, or the reference tables when there is no release."""
    try:
        release = open_release(settings)
    except NoReleaseError:
        return _from_tables(read_tables(settings).tables)
    return _from_release(release.store, settings)


def _from_release(store: object, settings: Settings) -> Known:
    base = f"{settings.base_iri}id/"
    vocab = f"{settings.base_iri}def#"

    def rows(query: str) -> list[dict[str, str]]:
        result = store.query(sparql_prologue(vocab) + query)  # type: ignore[attr-defined]
        names = [v.value for v in result.variables]
        return [{n: r[n].value for n in names if r[n] is not None} for r in result]

    found = Known("the current release")
    for row in rows(PLACES):
        path = row["unit"].removeprefix(base)
        parent = row.get("parent", "").removeprefix(base) or None
        kind = row["type"].rsplit("/", 1)[-1] if "type" in row else None
        place = Place(path, row["label"], parent, kind)
        if place not in found.places[key(row["label"])]:
            found.places[key(row["label"])].append(place)
    for kind, target in (("Agency", found.agencies), ("Person", None)):
        query = LABELLED.replace("?class", "bomay:Agency" if kind == "Agency" else "foaf:Person")
        for row in rows(query):
            path = row["thing"].removeprefix(base)
            if target is not None:
                entry = (path, row.get("unit", "").removeprefix(base) or None)
                if entry not in target[key(row["label"])]:
                    target[key(row["label"])].append(entry)
            else:
                found.people[key(row["label"])] = path
    for row in rows(PUBLISHERS):
        found.publishers[key(row["label"])] = row["thing"].removeprefix(base)
    for row in rows(DIRECTIVES):
        found.directives.append(
            KnownDirective(
                row["directive"].removeprefix(base),
                row.get("symbol"),
                row["type"].rsplit("/", 1)[-1],
                row.get("number"),
                row.get("date"),
            )
        )
    return found


def _from_tables(tables: Tables) -> Known:
    """Every unit of both structures, with the IRIs the build gives them."""
    found = Known("the reference tables (no release built yet)")
    paths = unit_paths(tables, tables.legacy, tables.current)
    for structure, table in ((paths.legacy, tables.legacy), (paths.current, tables.current)):
        for code, unit in table.items():
            if structure is paths.current and code in tables.continuing:
                continue  # one unit across 1 July 2025, already read from the old table
            parent = structure[unit.parent] if unit.parent else COUNTRY
            place = Place(structure[code], unit.short, parent, unit.kind)
            found.places[key(unit.short)].append(place)
    return found


def gazetteer(settings: Settings) -> frozenset[str]:
    """Place names of provinces and districts, lower case, for the extractor's name rules."""
    tables = read_tables(settings).tables
    names: set[str] = set()
    for table in (tables.legacy, tables.current):
        for unit in table.values():
            if unit.level <= 2:
                names.update({unit.short.lower(), unit.name.lower()})
    return frozenset(names)
