"""Viet Nam's administrative units before and after 2025, and the mapping, as a package says.

Everything comes from the files of the pinned ``vietnamadminunits`` package, read directly
(read-only, no import of its code): the SQLite tables ``admin_units_legacy`` (the 63-province
structure in force until 30 June 2025) and ``admin_units`` (the 34-province structure from
1 July 2025), and ``converter_2025.json`` (which old unit went into which new one). The
package's coordinates come from a commercial geocoding service whose terms restrict
redistribution: they are read only to check a link's distance (publish/build/geolinks.py) and
never published.

Continuity is decided here, once: a unit whose code and territory did not change across
1 July 2025 (its only successor took all of it, and nothing else, under the same code) is
one unit that continues, not a copy.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from publish.iris import slugify

#: Official type words → unit-type concepts (ontology/vocabularies.ttl), per level. A word the
#: table does not list stops the build: a new type needs a concept first.
TYPES: dict[int, dict[str, str]] = {
    1: {"Tỉnh": "tinh", "Thành phố": "thanh-pho-truc-thuoc-trung-uong"},
    2: {"Quận": "quan", "Huyện": "huyen", "Thị xã": "thi-xa", "Thành phố": "thanh-pho-thuoc-tinh"},
    3: {"Phường": "phuong", "Xã": "xa", "Thị trấn": "thi-tran", "Đặc khu": "dac-khu"},
}
CODE_WIDTH = {1: 2, 2: 3, 3: 5}


class UnitsError(Exception):
    """The package's tables contradict themselves or use a word bomay has no concept for."""


@dataclass(frozen=True)
class Unit:
    """One unit of one structure, as the package gives it."""

    code: str
    name: str  # the official name with its type word: "Huyện An Lão"
    kind: str  # a concept of scheme/unit-type
    level: int  # 1 province, 2 district, 3 commune (the communes of 2025 too)
    parent: str | None  # the parent's code in the same structure
    area_km2: float | None = None  # the 2025 communes only

    @property
    def short(self) -> str:
        """The name without its type word: "An Lão"."""
        prefix = next(p for p, k in TYPES[self.level].items() if k == self.kind)
        return self.name[len(prefix) :].strip()


@dataclass(frozen=True)
class Part:
    """One old unit going (wholly, or in part when ``divided``) into a new unit."""

    old: str  # code in the legacy structure
    divided: bool
    default: bool  # for a divided unit: the package's default successor


@dataclass(frozen=True)
class Tables:
    """What the package states, read once per build."""

    legacy: Mapping[str, Unit]  # the 63-province structure (code → unit)
    current: Mapping[str, Unit]  # the 34-province structure (code → unit)
    provinces_2025: Mapping[str, tuple[str, ...]]  # new province → its old provinces
    communes_2025: Mapping[str, tuple[Part, ...]]  # new commune → the old units it came from

    @cached_property
    def continuing(self) -> frozenset[str]:
        """Codes of the units that continue across 1 July 2025: same code, same territory."""
        sources: dict[str, int] = {}
        for parts in self.communes_2025.values():
            for part in parts:
                sources[part.old] = sources.get(part.old, 0) + 1
        provinces = {
            new
            for new, olds in self.provinces_2025.items()
            if olds == (new,) and self.legacy[new].level == 1
        }
        communes = {
            new
            for new, parts in self.communes_2025.items()
            if len(parts) == 1
            and parts[0].old == new
            and not parts[0].divided
            and sources[new] == 1
            and self.legacy[new].level == 3
        }
        return frozenset(provinces | communes)

    @cached_property
    def successors(self) -> dict[str, list[tuple[str, Part]]]:
        """Old code → the new communes it went into, with how."""
        found: dict[str, list[tuple[str, Part]]] = {}
        for new, parts in sorted(self.communes_2025.items()):
            for part in parts:
                found.setdefault(part.old, []).append((new, part))
        return found

    @cached_property
    def province_successor(self) -> dict[str, str]:
        """Old province code → the new province it went into."""
        return {old: new for new, olds in self.provinces_2025.items() for old in olds}

    @cached_property
    def bare_names(self) -> dict[tuple[str | None, str], int]:
        """How many legacy units of one parent share a bare name slug."""
        counts: dict[tuple[str | None, str], int] = {}
        for unit in self.legacy.values():
            key = (unit.parent, slugify(unit.short))
            counts[key] = counts.get(key, 0) + 1
        return counts


def make_unit(
    code: str, name: str, level: int, parent: str | None, area: float | None = None
) -> Unit:
    """A unit whose type is its name's first words ("Thành phố Hà Nội"); unknown words stop."""
    name = " ".join(name.split())
    for prefix, kind in TYPES[level].items():
        if name.lower().startswith(prefix.lower() + " "):  # the data also write "Thành Phố"
            name = prefix + name[len(prefix) :]
            return Unit(str(code).zfill(CODE_WIDTH[level]), name, kind, level, parent, area)
    raise UnitsError(f"unit {code} {name!r}: unknown type word for level {level}")


def _typed(
    code: str, name: str, word: str, level: int, parent: str | None, area: float | None = None
) -> Unit:
    """A unit of a table that also gives the type word in a column of its own.

    The word must be one bomay knows; the type itself is the name's, because seven rows of
    the legacy table give a column that contradicts the official name ("Thị trấn Ngọc Lặc"
    typed Xã: docs/DATA.md).
    """
    if word not in TYPES[level]:
        raise UnitsError(f"unit {code} {name!r}: unknown type word {word!r} for level {level}")
    return make_unit(code, name, level, parent, area)


def read(database: Path, converter: Path) -> Tables:
    """Read the package's database and converter; raise UnitsError on anything inconsistent."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        old_rows = conn.execute(
            "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey,"
            " districtType, ward, wardCode, wardKey, wardType FROM admin_units_legacy"
        ).fetchall()
        new_rows = conn.execute(
            "SELECT province, provinceCode, provinceKey, ward, wardCode, wardKey, wardType,"
            " wardAreaKm2 FROM admin_units"
        ).fetchall()
    legacy: dict[str, Unit] = {}
    old_keys: dict[str, str] = {}
    for pn, pc, pk, dn, dc, dk, dt, wn, wc, wk, wt in old_rows:
        _put(legacy, make_unit(pc, pn, 1, None))
        _put(legacy, _typed(dc, dn, dt, 2, pc.zfill(2)))
        old_keys[pk] = pc
        old_keys[f"{pk}_{dk}_"] = dc  # an island district without communes
        if wc:
            _put(legacy, _typed(wc, wn, wt, 3, dc.zfill(3)))
            old_keys[f"{pk}_{dk}_{wk}"] = wc
    current: dict[str, Unit] = {}
    new_keys: dict[tuple[str, str], str] = {}
    for pn, pc, pk, wn, wc, wk, wt, area in new_rows:
        _put(current, make_unit(pc, pn, 1, None))
        _put(current, _typed(wc, wn, wt, 3, pc.zfill(2), area))
        new_keys[(pk, "")] = pc
        new_keys[(pk, wk)] = wc
    mapping = json.loads(converter.read_text(encoding="utf-8"))

    def old(key: str) -> str:
        if key not in old_keys:
            raise UnitsError(f"{converter.name}: old unit {key!r} is not in admin_units_legacy")
        return old_keys[key]

    def new(province: str, ward: str) -> str:
        if (province, ward) not in new_keys:
            raise UnitsError(f"{converter.name}: new unit {province}/{ward} is not in admin_units")
        return new_keys[(province, ward)]

    provinces_2025 = {
        new(key, ""): tuple(sorted(old(o) for o in olds))
        for key, olds in mapping["DICT_PROVINCE"].items()
    }
    communes: dict[str, set[Part]] = {}
    for province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            communes.setdefault(new(province, ward), set()).update(
                Part(old(o), False, False) for o in olds
            )
    for province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, news in olds.items():
            defaults = [n for n in news if n["isDefaultNewWard"]]
            if len(defaults) != 1:
                raise UnitsError(f"{converter.name}: {key} has {len(defaults)} default new wards")
            for n in news:
                part = Part(old(key), True, bool(n["isDefaultNewWard"]))
                communes.setdefault(new(province, n["newWardKey"]), set()).add(part)
    tables = Tables(
        legacy=legacy,
        current=current,
        provinces_2025=provinces_2025,
        communes_2025={
            k: tuple(sorted(v, key=lambda p: p.old)) for k, v in sorted(communes.items())
        },
    )
    _check_complete(tables)
    return tables


def _put(units: dict[str, Unit], unit: Unit) -> None:
    known = units.setdefault(unit.code, unit)
    if known != unit:
        raise UnitsError(f"code {unit.code} names both {known.name!r} and {unit.name!r}")


def _check_complete(tables: Tables) -> None:
    """Every old unit goes somewhere and every new unit comes from somewhere."""
    mapped_old = {p.old for parts in tables.communes_2025.values() for p in parts}
    communes = {c for c, u in tables.legacy.items() if u.level == 3}
    if missing := sorted(communes - mapped_old):
        raise UnitsError(f"old communes the converter does not map: {', '.join(missing[:5])}")
    new_communes = {c for c, u in tables.current.items() if u.level == 3}
    if missing := sorted(new_communes - set(tables.communes_2025)):
        raise UnitsError(f"new communes the converter maps nothing to: {', '.join(missing[:5])}")
    provinces = {c for c, u in tables.legacy.items() if u.level == 1}
    if missing := sorted(provinces - set(tables.province_successor)):
        raise UnitsError(f"old provinces the converter does not map: {', '.join(missing)}")
