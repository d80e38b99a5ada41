"""Administrative units, their codes and the 2025 reorganisation, generated from pinned packages.

Codes are outside facts that people mistype, so they are never copied into data files: the
build reads them from the reference-data packages pinned in ``data/reference/packages.toml``
and writes them into graphs of their own (one per package), which describe where they came
from. The articles' places are matched by the slugs of their IRIs (``place/hai-phong/an-lao``
is the district "An Lão" of the province "Hải Phòng"); a place the table lacks stops the build,
naming the place, the file and the package version. Only what the graph needs is loaded (see
docs/DATA.md): every province, the districts of the provinces the data names, the communes of
the districts it names, and the 2025 units and events these lead to.
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
import sqlite3
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from publish.build.load import DataError
from publish.iris import Iris, fold, slugify
from publish.rdf import PREFIXES
from publish.settings import Settings

PACKAGES_FILE = Path("reference") / "packages.toml"
WIKIDATA_FILE = Path("reference") / "wikidata.csv"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
#: Name prefixes → unit-type concepts, per level (the 0.6.0 data's own types are wrong).
TYPES: dict[int, dict[str, str]] = {
    1: {"Tỉnh": "tinh", "Thành phố": "thanh-pho-truc-thuoc-trung-uong"},
    2: {"Quận": "quan", "Huyện": "huyen", "Thị xã": "thi-xa", "Thành phố": "thanh-pho-thuoc-tinh"},
    3: {"Phường": "phuong", "Xã": "xa", "Thị trấn": "thi-tran", "Đặc khu": "dac-khu"},
}
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
CODE_WIDTH = {1: 2, 2: 3, 3: 5}
EFFECTED = "concept/event-status/da-thuc-hien"
COUNTRY = "place/viet-nam"
REORGANISATION = "event/viet-nam/2025-sap-xep-don-vi-hanh-chinh"


class ReferenceDataError(DataError):
    """The reference data cannot give what the data relies on; the message says what and where."""


@dataclass(frozen=True)
class Unit:
    code: str
    name: str  # the official name with its type word: "Huyện An Lão"
    kind: str  # a concept of scheme/unit-type
    level: int  # 1 province, 2 district, 3 commune
    parent: str | None  # the parent's code in the same structure

    @property
    def short(self) -> str:
        """The name without its type word: "An Lão"."""
        prefix = next(p for p, k in TYPES[self.level].items() if k == self.kind)  # same length
        return self.name[len(prefix) :].strip()


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    title: str
    licence: str
    licence_note: str
    homepage: str
    uses: str
    data_date: str | None = None

    @property
    def slug(self) -> str:
        return f"{self.name}-{self.version}"


@dataclass(frozen=True)
class Tables:
    """What the pinned packages state, read once per build."""

    legacy: Mapping[str, Unit]  # the 63-province structure (vietnam-provinces)
    legacy_names: Mapping[str, str]  # code → name in vietnamadminunits' legacy table
    current: Mapping[str, Unit]  # the 34-province structure (vietnamadminunits)
    provinces_2025: Mapping[str, tuple[str, ...]]  # new province → old provinces
    communes_2025: Mapping[str, tuple[tuple[str, bool], ...]]  # new commune → (old unit, divided)
    legacy_package: Package
    mapping_package: Package

    @cached_property
    def bare_names(self) -> dict[tuple[str | None, str], int]:
        """How many units of one parent share a bare name slug."""
        counts: dict[tuple[str | None, str], int] = {}
        for unit in self.legacy.values():
            key = (unit.parent, slugify(unit.short))
            counts[key] = counts.get(key, 0) + 1
        return counts


@dataclass
class Reference:
    quads: list[ox.Quad] = field(default_factory=list)
    packages: tuple[Package, ...] = ()
    wikidata_left_out: int = 0


def _pinned(settings: Settings) -> dict[str, dict[str, str]]:
    path = settings.data_dir / PACKAGES_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ReferenceDataError(f"{path}: {err}") from err


def _package(name: str, pins: Mapping[str, Mapping[str, str]]) -> Package:
    pin = pins.get(name)
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


def _file(name: str, path: str) -> Path:
    located = importlib.metadata.distribution(name).locate_file(path)
    return Path(str(located))


def _unit(code: int | str, name: str, level: int, parent: str | None) -> Unit:
    name = " ".join(name.split())
    for prefix, kind in TYPES[level].items():
        if name.lower().startswith(prefix.lower() + " "):  # the data also write "Thành Phố"
            return Unit(str(code).zfill(CODE_WIDTH[level]), name, kind, level, parent)
    raise ReferenceDataError(f"unit {code} {name!r}: unknown type word for level {level}")


def read_tables(settings: Settings) -> Tables:
    """Read the installed packages (checking their pins); no network, no import of their code."""
    pins = _pinned(settings)
    legacy_package = _package("vietnam-provinces", pins)
    mapping_package = _package("vietnamadminunits", pins)
    init = _file("vietnam-provinces", "vietnam_provinces/__init__.py").read_text(encoding="utf-8")
    data_date = next(
        (
            line.split("=", 1)[1].strip().strip("'\"")
            for line in init.splitlines()
            if line.startswith("__data_version__")
        ),
        None,
    )
    legacy_package = Package(**{**legacy_package.__dict__, "data_date": data_date})
    nested = json.loads(
        _file("vietnam-provinces", "vietnam_provinces/data/nested-divisions.json").read_text(
            encoding="utf-8"
        )
    )
    legacy: dict[str, Unit] = {}
    for p in nested:
        province = _unit(p["code"], p["name"], 1, None)
        legacy[province.code] = province
        for d in p["districts"]:
            district = _unit(d["code"], d["name"], 2, province.code)
            legacy[district.code] = district
            for w in d["wards"]:
                commune = _unit(w["code"], w["name"], 3, district.code)
                legacy[commune.code] = commune
    db = _file("vietnamadminunits", "vietnamadminunits/data/dataset.db")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        old_rows = conn.execute(
            "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey,"
            " ward, wardCode, wardKey FROM admin_units_legacy"
        ).fetchall()
        new_rows = conn.execute(
            "SELECT province, provinceCode, provinceKey, ward, wardCode, wardKey FROM admin_units"
        ).fetchall()
    legacy_names: dict[str, str] = {}
    old_keys: dict[str, str] = {}
    for pn, pc, pk, dn, dc, dk, wn, wc, wk in old_rows:
        legacy_names.update({pc: pn, dc: dn})
        old_keys.update({pk: pc, f"{pk}_{dk}_": dc})
        if wc:
            legacy_names[wc] = wn
            old_keys[f"{pk}_{dk}_{wk}"] = wc
    current: dict[str, Unit] = {}
    new_keys: dict[tuple[str, str], str] = {}
    for pn, pc, pk, wn, wc, wk in new_rows:
        current.setdefault(pc, _unit(pc, pn, 1, None))
        current[wc] = _unit(wc, wn, 3, pc)
        new_keys[(pk, "")] = pc
        new_keys[(pk, wk)] = wc
    converter = json.loads(
        _file("vietnamadminunits", "vietnamadminunits/data/converter_2025.json").read_text(
            encoding="utf-8"
        )
    )
    provinces_2025 = {
        new_keys[(new, "")]: tuple(old_keys[o] for o in olds)
        for new, olds in converter["DICT_PROVINCE"].items()
    }
    communes: dict[str, list[tuple[str, bool]]] = {}
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            communes.setdefault(new_keys[(province, ward)], []).extend(
                (old_keys[o], False) for o in olds
            )
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            for new in news:
                target = new_keys[(province, new["newWardKey"])]
                communes.setdefault(target, []).append((old_keys[old], True))
    return Tables(
        legacy=legacy,
        legacy_names=legacy_names,
        current=current,
        provinces_2025=provinces_2025,
        communes_2025={k: tuple(sorted(set(v))) for k, v in communes.items()},
        legacy_package=legacy_package,
        mapping_package=mapping_package,
    )


class _Writer:
    """Collects quads for one graph, with the project's IRIs and prefixes."""

    def __init__(self, iris: Iris, graph: str) -> None:
        self.iris = iris
        self.graph = ox.NamedNode(iris.graph(graph))
        self.quads: list[ox.Quad] = []

    def term(self, name: str) -> ox.NamedNode:
        prefix, local = name.split(":", 1)
        namespace = self.iris.vocab if prefix == "bomay" else PREFIXES.get(prefix, "")
        if prefix == "adms":
            namespace = "http://www.w3.org/ns/adms#"
        return ox.NamedNode(namespace + local)

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


def generate(
    tables: Tables, loaded: list[ox.Quad], settings: Settings, files: Mapping[str, set[str]]
) -> Reference:
    """The reference graphs for ``loaded`` data; raise ReferenceDataError naming what is missing."""
    iris = Iris(settings.base_iri)
    package = tables.legacy_package
    # (parent code, IRI segment) → code, for provinces and districts of the 63-province structure
    by_slug = {(u.parent, _segment(tables, u)): c for c, u in tables.legacy.items() if u.level < 3}
    needed_districts: set[str] = set()
    needed_provinces: set[str] = set()
    for path, _graphs in sorted(_places_in(loaded, iris).items()):
        segments = path.split("/")[1:]
        parent: str | None = None
        for segment in segments:
            code = by_slug.get((parent, segment))
            if code is None or len(segments) > 2:
                where = ", ".join(sorted(files.get(iris.resource(path), ()))) or "the data"
                raise ReferenceDataError(
                    f"{path} ({where}): {package.name} {package.version} has no unit "
                    f"{segment!r}{'' if parent is None else ' in ' + tables.legacy[parent].name}"
                    " - the code the data relies on is missing from the reference table"
                )
            parent = code
        if parent is None:
            raise ReferenceDataError(f"{path}: a place IRI needs at least one segment")
        (needed_districts if len(segments) == 2 else needed_provinces).add(parent)
    needed_provinces |= {tables.legacy[d].parent or "" for d in needed_districts}
    legacy_paths = _legacy_paths(tables, needed_provinces, needed_districts)
    # the 2025 communes that the named districts' communes went into, and all their originals
    named_communes = {c for c, u in tables.legacy.items() if u.parent in needed_districts}
    new_communes = sorted(
        new
        for new, olds in tables.communes_2025.items()
        if any(o in named_communes for o, _ in olds)
    )
    for new in new_communes:
        for old, _divided in tables.communes_2025[new]:
            _add_with_parents(tables, old, legacy_paths)
    _cross_check(tables, legacy_paths)

    labelled = _labelled(loaded)
    lg = _Writer(iris, f"reference/{package.name}")
    _describe_package(lg, package)
    country = lg.id(COUNTRY)
    lg.add(country, "rdf:type", lg.term("bomay:AdministrativeUnit"))
    lg.add(country, "skos:prefLabel", _vi("Việt Nam"))
    lg.add(country, "skos:prefLabel", _en("Viet Nam"))
    lg.add(country, "skos:hiddenLabel", ox.Literal("Viet Nam"))
    lg.add(country, "bomay:unitType", lg.id("concept/unit-type/quoc-gia"))
    lg.add(country, "prov:wasDerivedFrom", lg.id(f"dataset/reference/{package.slug}"))
    for code, path in sorted(legacy_paths.items()):
        unit = tables.legacy[code]
        parent_path = COUNTRY if unit.parent is None else legacy_paths[unit.parent]
        _describe_unit(lg, unit, path, parent_path, iris.resource(path) in labelled)
        if package.data_date:
            lg.add(lg.id(path), "bomay:asOf", ox.Literal(package.data_date, datatype=_xsd("date")))

    mapping = tables.mapping_package
    mg = _Writer(iris, f"reference/{mapping.name}")
    _describe_package(mg, mapping)
    new_paths: dict[str, str] = {}
    for code, unit in tables.current.items():
        if unit.level == 1:
            new_paths[code] = f"place/2025/{slugify(unit.short)}"
    for code in new_communes:
        unit = tables.current[code]
        new_paths[code] = f"{new_paths[unit.parent or '']}/{slugify(unit.name)}"
    if len(set(new_paths.values())) != len(new_paths):
        raise ReferenceDataError(f"{mapping.slug}: two 2025 units would get the same IRI")
    for code, path in sorted(new_paths.items()):
        unit = tables.current[code]
        parent_path = COUNTRY if unit.parent is None else new_paths[unit.parent]
        _describe_unit(mg, unit, path, parent_path, False, after_2025=True)
    source = mg.id(f"dataset/reference/{mapping.slug}")
    whole = mg.id(REORGANISATION)
    _describe_event(
        mg,
        whole,
        "Sắp xếp đơn vị hành chính năm 2025",
        "The 2025 reorganisation of administrative units",
        source,
    )
    for code in sorted(tables.provinces_2025):
        unit = tables.current[code]
        event = mg.id(f"event/{slugify(unit.short)}/2025-sap-xep-cap-tinh")
        _describe_event(
            mg,
            event,
            f"Sắp xếp đơn vị hành chính cấp tỉnh năm 2025: {unit.name}",
            f"2025 reorganisation of provinces: {fold(unit.short)}",
            source,
            whole,
        )
        for old_code in tables.provinces_2025[code]:
            mg.add(event, "bomay:originalUnit", mg.id(legacy_paths[old_code]))
        mg.add(event, "bomay:resultingUnit", mg.id(new_paths[code]))
    for code in new_communes:
        unit = tables.current[code]
        province = tables.current[unit.parent or ""]
        event = mg.id(f"event/{slugify(province.short)}/2025-sap-xep-{slugify(unit.name)}")
        _describe_event(
            mg,
            event,
            f"Sắp xếp đơn vị hành chính cấp xã năm 2025: {unit.name}, {province.name}",
            f"2025 reorganisation of communes: {fold(unit.short)} "
            f"{ENGLISH_TYPES[unit.kind]}, {fold(province.short)}",
            source,
            whole,
        )
        for old_code, divided in tables.communes_2025[code]:
            mg.add(event, "bomay:originalUnit", mg.id(legacy_paths[old_code]))
            if divided:
                mg.add(event, "bomay:dividedUnit", mg.id(legacy_paths[old_code]))
        mg.add(event, "bomay:resultingUnit", mg.id(new_paths[code]))

    root = iris.resource("")
    known = {
        q.subject.value[len(root) :]
        for q in loaded
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(root)
    }
    links, left_out = _wikidata(settings, iris, known | set(legacy_paths.values()) | {COUNTRY})
    return Reference(
        quads=[*lg.quads, *mg.quads, *links.quads],
        packages=(package, mapping),
        wikidata_left_out=left_out,
    )


def _xsd(name: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["xsd"] + name)


def _segment(tables: Tables, unit: Unit) -> str:
    """Provinces and districts go by their bare name, as in the articles' IRIs ("an-lao"),
    unless a sibling has the same one (huyện and thị xã Kỳ Anh); communes always by full name."""
    bare = slugify(unit.short)
    unique = tables.bare_names.get((unit.parent, bare), 1) == 1
    return bare if unit.level < 3 and unique else slugify(unit.name)


def _legacy_paths(tables: Tables, provinces: set[str], districts: set[str]) -> dict[str, str]:
    """IRI paths of the units to load: every province, the districts of the named provinces,
    the communes of the named districts."""
    paths: dict[str, str] = {}
    for code, unit in sorted(tables.legacy.items(), key=lambda item: item[1].level):
        if unit.level == 1 or (unit.parent in (provinces if unit.level == 2 else districts)):
            parent = f"{paths[unit.parent]}/" if unit.parent else "place/"
            paths[code] = parent + _segment(tables, unit)
    if len(set(paths.values())) != len(paths):
        raise ReferenceDataError("two units of the reference table would get the same IRI")
    return paths


def _add_with_parents(tables: Tables, code: str, paths: dict[str, str]) -> None:
    unit = tables.legacy.get(code)
    if unit is None:
        raise ReferenceDataError(
            f"{tables.mapping_package.slug} maps unit {code} to 2025, but "
            f"{tables.legacy_package.slug} has no unit {code}"
        )
    if code in paths:
        return
    if unit.parent is not None:
        _add_with_parents(tables, unit.parent, paths)
    segment = _segment(tables, unit)
    paths[code] = f"{paths[unit.parent]}/{segment}" if unit.parent else f"place/{segment}"


def _cross_check(tables: Tables, paths: Mapping[str, str]) -> None:
    """Both packages must give each loaded unit the same code and (folded) name."""

    def key(name: str) -> str:
        return "".join(ch for ch in fold(name).lower() if ch.isalnum())

    for code in sorted(paths):
        unit = tables.legacy[code]
        other = tables.legacy_names.get(code)
        if other is None or key(other) != key(unit.name):
            raise ReferenceDataError(
                f"unit {code}: {tables.legacy_package.slug} says {unit.name!r}, "
                f"{tables.mapping_package.slug} says {other!r}"
            )


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
    if package.data_date:
        w.add(node, "bomay:asOf", ox.Literal(package.data_date, datatype=_xsd("date")))
    w.add(w.graph, "prov:wasDerivedFrom", node)


def _describe_unit(
    w: _Writer, unit: Unit, path: str, parent: str, labelled: bool, after_2025: bool = False
) -> None:
    node = w.id(path)
    w.add(node, "rdf:type", w.term("bomay:AdministrativeUnit"))
    if not labelled:
        when_vi, when_en = (" (từ năm 2025)", " (from 2025)") if after_2025 else ("", "")
        english = f"{fold(unit.short)} {ENGLISH_TYPES[unit.kind]}"
        w.add(node, "skos:prefLabel", _vi(unit.name + when_vi))
        w.add(node, "skos:prefLabel", _en(english + when_en))
    w.add(node, "skos:altLabel", _vi(unit.name))
    w.add(node, "skos:hiddenLabel", ox.Literal(fold(unit.name)))
    code = ox.Literal(unit.code, datatype=w.term("bomay:gsoCode"))
    w.add(node, "bomay:unitCode", code)
    identifier = ox.BlankNode()
    w.add(node, "adms:identifier", identifier)
    w.add(identifier, "rdf:type", w.term("adms:Identifier"))
    w.add(identifier, "skos:notation", code)
    w.add(identifier, "adms:schemaAgency", _vi("Tổng cục Thống kê"))
    w.add(node, "bomay:unitType", w.id(f"concept/unit-type/{unit.kind}"))
    w.add(node, "schema:containedInPlace", w.id(parent))


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
