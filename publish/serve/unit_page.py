"""What a unit's page adds: its lineage with dates, parents, codes with their periods, a
picture of the change, and for a province its communes before and after 1 July 2025.

A few SELECTs over the release, only for resources typed ``bomay:AdministrativeUnit``; the
picture is an SVG drawn here, offline: the units a unit came from on the left, those it went
into on the right and, where units have a published point (GeoNames), a small map of those
points on a graticule. No tile server, nothing fetched.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from publish.serve import i18n
from publish.serve.deps import State
from publish.serve.render import local_path

BOMAY = "https://w3id.org/bomay/def#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.opengis.net/ont/geosparql#"
ADMS = "http://www.w3.org/ns/adms#"
MAX_COMMUNES = 2000


@dataclass
class Linked:
    iri: str
    label: str
    code: str = ""
    date: str = ""
    event: str = ""
    divided: bool = False
    default: bool = False
    point: tuple[float, float] | None = None  # (longitude, latitude)


@dataclass
class UnitPage:
    iri: str
    label: str
    words: dict[str, str]
    founded: str = ""
    dissolved: str = ""
    codes: list[dict[str, str]] = field(default_factory=list)
    parents: list[Linked] = field(default_factory=list)
    came_from: list[Linked] = field(default_factory=list)
    went_into: list[Linked] = field(default_factory=list)
    together: list[Linked] = field(default_factory=list)  # merged with it into one unit
    renamed: list[Linked] = field(default_factory=list)
    ended: list[Linked] = field(default_factory=list)
    # for a unit whose own level ended (a district): the units its communes went into, each
    # with the communes of this unit it came from
    replaced: list[tuple[Linked, list[Linked]]] = field(default_factory=list)
    point: tuple[float, float] | None = None
    before: list[Linked] = field(default_factory=list)
    after: list[Linked] = field(default_factory=list)
    is_province: bool = False
    svg: str = ""


def _iri(value: str) -> str:
    """An IRI from the release, checked before it goes into a query (it came from our store)."""
    if any(ch in value for ch in '<>"{}|^`\\ '):
        raise ValueError(f"not an IRI: {value!r}")
    return value


def summary_query(iri: str) -> str:
    return f"""SELECT ?type ?founded ?dissolved ?wkt ?code ?from ?through WHERE {{
  <{iri}> a <{BOMAY}AdministrativeUnit> .
  OPTIONAL {{ <{iri}> <{BOMAY}unitType> ?type }}
  OPTIONAL {{ <{iri}> <{SCHEMA}foundingDate> ?founded }}
  OPTIONAL {{ <{iri}> <{SCHEMA}dissolutionDate> ?dissolved }}
  OPTIONAL {{ <{iri}> <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }}
  OPTIONAL {{ <{iri}> <{ADMS}identifier> ?id . ?id <{SKOS}notation> ?code
             OPTIONAL {{ ?id <{SCHEMA}validFrom> ?from }}
             OPTIONAL {{ ?id <{SCHEMA}validThrough> ?through }} }}
}}"""


def related_query(iri: str) -> str:
    """Parents, predecessors, successors and renamings, each with label, code, point, date."""
    date = (
        f"OPTIONAL {{ ?event <http://purl.org/dc/terms/isPartOf>?/<{BOMAY}effectiveDate> ?date }}"
    )
    return f"""SELECT ?role ?other ?code ?wkt ?date ?event ?divided ?default WHERE {{
  {{ <{iri}> <{SCHEMA}containedInPlace> ?other BIND("parent" AS ?role) }}
  UNION
  {{ ?event <{BOMAY}resultingUnit> <{iri}> ; <{BOMAY}originalUnit> ?other
     BIND("from" AS ?role) {date}
     OPTIONAL {{ ?event <{BOMAY}dividedUnit> ?other BIND(true AS ?divided) }} }}
  UNION
  {{ ?event <{BOMAY}originalUnit> <{iri}> ; <{BOMAY}resultingUnit> ?other
     BIND("into" AS ?role) {date}
     OPTIONAL {{ ?event <{BOMAY}dividedUnit> <{iri}> BIND(true AS ?divided) }}
     OPTIONAL {{ <{iri}> <{BOMAY}defaultSuccessor> ?other BIND(true AS ?default) }} }}
  UNION
  {{ ?event <{BOMAY}originalUnit> <{iri}> ; <{BOMAY}resultingUnit> ?any ;
            <{BOMAY}originalUnit> ?other FILTER(?other != <{iri}>)
     BIND("with" AS ?role) {date} }}
  UNION
  {{ ?event <{BOMAY}renamedUnit> <{iri}> BIND("renamed" AS ?role) BIND(<{iri}> AS ?other) {date} }}
  UNION
  {{ ?event <{BOMAY}originalUnit> <{iri}> ; <{BOMAY}abolishedLevel> ?level
     BIND("ended" AS ?role) BIND(?event AS ?other) {date} }}
  OPTIONAL {{ ?other <{BOMAY}unitCode> ?code }}
  OPTIONAL {{ ?other <{GEO}hasGeometry>/<{GEO}asWKT> ?wkt }}
}}"""


def replaced_query(iri: str) -> str:
    """The units that the units directly under ``iri`` went into, with those units: what
    took the place of a district when the district level ended in 2025."""
    return f"""SELECT ?new ?code ?old WHERE {{
  ?old <{SCHEMA}containedInPlace> <{iri}> .
  ?event <{BOMAY}originalUnit> ?old ; <{BOMAY}resultingUnit> ?new .
  OPTIONAL {{ ?new <{BOMAY}unitCode> ?code }}
}} ORDER BY ?code ?new ?old LIMIT {MAX_COMMUNES}"""


def communes_query(provinces: list[str], after: bool) -> str:
    """The communes of the given provinces (directly, or through a district), unordered: a
    province has a few hundred, fewer than ``MAX_COMMUNES``, and pyoxigraph's ORDER BY
    took half the query's time (``_communes`` sorts them). The district is a variable, not
    a property path, so the engine walks down from the province, not up from every unit."""
    values = " ".join(f"<{_iri(p)}>" for p in provinces)
    if after:
        place = f"?c <{SCHEMA}containedInPlace> ?p"
        when = f"FILTER NOT EXISTS {{ ?c <{SCHEMA}dissolutionDate> ?end }}"
    else:
        place = f"?d <{SCHEMA}containedInPlace> ?p . ?c <{SCHEMA}containedInPlace> ?d"
        when = f"FILTER NOT EXISTS {{ ?c <{SCHEMA}foundingDate> ?start }}"
    return f"""SELECT DISTINCT ?c ?code WHERE {{
  VALUES ?p {{ {values} }}
  {place} . ?c <{BOMAY}unitCode> ?code . FILTER(STRLEN(STR(?code)) = 5)
  {when}
}} LIMIT {MAX_COMMUNES}"""


def _value(row: dict[str, Any], name: str) -> str:
    return str(row[name]["value"]) if name in row else ""


def _point(wkt: str) -> tuple[float, float] | None:
    if not wkt.startswith("POINT("):
        return None
    lon, lat = wkt[6:-1].split()
    return float(lon), float(lat)


async def build(state: State, iri: str, label: str, lang: str) -> UnitPage | None:
    """The unit additions of ``iri``'s page, or None when it is not a unit."""
    summary = await state.rows(summary_query(iri))
    if not summary:
        return None
    page = UnitPage(iri, label, i18n.table(i18n.UNIT_WORDS, lang))
    codes: dict[str, dict[str, str]] = {}
    for row in summary:
        page.founded = page.founded or _value(row, "founded")
        page.dissolved = page.dissolved or _value(row, "dissolved")
        page.point = page.point or _point(_value(row, "wkt"))
        page.is_province = page.is_province or _value(row, "type").endswith(
            ("/tinh", "/thanh-pho-truc-thuoc-trung-uong")
        )
        if code := _value(row, "code"):
            codes[code] = {
                "code": code,
                "from": _value(row, "from"),
                "through": _value(row, "through"),
            }
    page.codes = sorted(codes.values(), key=lambda c: (len(c["code"]), c["code"]))
    seen: set[tuple[str, str]] = set()
    names = state.names()
    for row in names.add(await state.rows(related_query(iri)), lang, other="label"):
        role, other = _value(row, "role"), _value(row, "other")
        # the line of an event itself ("ended") links it once, by its label
        event = _value(row, "event") if _value(row, "event") != other else ""
        if (role, other) in seen:
            continue
        seen.add((role, other))
        linked = Linked(
            other, _value(row, "label") or other.rsplit("/", 1)[-1], _value(row, "code"),
            _value(row, "date"), event, "divided" in row, "default" in row,
            _point(_value(row, "wkt")),
        )  # fmt: skip
        {"parent": page.parents, "from": page.came_from, "into": page.went_into,
         "with": page.together, "renamed": page.renamed,
         "ended": page.ended}[role].append(linked)  # fmt: skip
    for group in (page.came_from, page.went_into, page.together):
        group.sort(key=lambda x: (not x.default, x.code, x.label))
    if page.is_province:
        olds = [iri] if not page.founded else [x.iri for x in page.came_from]
        news = [iri] if not page.dissolved else [x.iri for x in page.went_into]
        if olds:
            rows = await state.rows(communes_query(olds, after=False))
            page.before = _communes(names.add(rows, lang, c="label"))
        if news:
            rows = await state.rows(communes_query(news, after=True))
            page.after = _communes(names.add(rows, lang, c="label"))
    else:
        rows = names.add(await state.rows(replaced_query(iri)), lang, new="label", old="oldLabel")
        page.replaced = _replaced(rows)
    page.svg = svg(page, lambda i: local_path(state.settings.base_iri, i))
    return page


def _replaced(rows: list[dict[str, Any]]) -> list[tuple[Linked, list[Linked]]]:
    """Each new unit (in the rows' order: by code) with the old units it came from, by name."""
    found: dict[str, tuple[Linked, list[Linked]]] = {}
    for row in sorted(rows, key=lambda r: (_value(r, "code"), _value(r, "new"),
                                           _value(r, "oldLabel"))):  # fmt: skip
        new = _value(row, "new")
        entry = found.setdefault(new, (Linked(new, _value(row, "label"), _value(row, "code")), []))
        old = Linked(_value(row, "old"), _value(row, "oldLabel"))
        if all(o.iri != old.iri for o in entry[1]):
            entry[1].append(old)
    return list(found.values())


def _communes(rows: list[dict[str, Any]]) -> list[Linked]:
    communes = [Linked(_value(r, "c"), _value(r, "label"), _value(r, "code")) for r in rows]
    return sorted(communes, key=lambda c: (c.code, c.iri))


# ---------------------------------------------------------------- the picture

BOX_W, BOX_H, GAP, PAD = 210, 34, 8, 10
BOX_CHARS = 28  # what fits in BOX_W at 12 px, with room for wide letters
MAX_BOXES = 12
MAP_W, MAP_H = 260, 220


def _box(x: int, y: int, item: Linked, css: str, local: Callable[[str], str]) -> str:
    code = f" {item.code}" if item.code else ""
    room = BOX_CHARS - len(code)  # the code stays whole inside the box; the name gives way
    text = item.label if len(item.label) <= room else item.label[: room - 1] + "…"
    return (
        f'<a href="{html.escape(local(item.iri))}"><title>{html.escape(item.label)}</title>'
        f'<rect x="{x}" y="{y}" width="{BOX_W}" '
        f'height="{BOX_H}" rx="4" class="{css}"/><text x="{x + 6}" y="{y + 21}">'
        f'{html.escape(text)}<tspan class="code">{html.escape(code)}</tspan></text></a>'
    )


def svg(page: UnitPage, local: Callable[[str], str]) -> str:
    """Boxes and arrows: what the unit came from → the unit → what it went into; and, when
    any of them has a published point, a small map of the points beside."""
    left, right = page.came_from[:MAX_BOXES], page.went_into[:MAX_BOXES]
    if not left and not right:
        return ""
    rows = max(len(left), len(right), 1)
    height = PAD * 2 + rows * (BOX_H + GAP)
    middle_y = (height - BOX_H) // 2
    xs = (PAD, PAD + BOX_W + 60, PAD + 2 * (BOX_W + 60))
    parts = []
    me = Linked(page.iri, page.label, page.codes[0]["code"] if page.codes else "")
    parts.append(_box(xs[1], middle_y, me, "me", local))
    for column, items, x in ((0, left, xs[0]), (2, right, xs[2])):
        top = (height - len(items) * (BOX_H + GAP)) // 2
        for i, item in enumerate(items):
            y = top + i * (BOX_H + GAP)
            css = "part" if item.divided else "other"
            parts.append(_box(x, y, item, css, local))
            x1, y1 = (
                (x + BOX_W, y + BOX_H // 2)
                if column == 0
                else (xs[1] + BOX_W, middle_y + BOX_H // 2)
            )
            x2, y2 = (xs[1], middle_y + BOX_H // 2) if column == 0 else (x, y + BOX_H // 2)
            dash = ' stroke-dasharray="4 3"' if item.divided else ""
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2 - 4}" y2="{y2}" class="arrow"{dash}/>')
    width = xs[2] + BOX_W + PAD
    points = [(x.label, x.point) for x in (*left, me, *right) if x.point]
    if page.point:
        points.append((page.label, page.point))
    map_svg = _map(points, width + 20) if points else ""
    total_w = width + (MAP_W + 30 if map_svg else 0)
    total_h = max(height, MAP_H + 2 * PAD if map_svg else 0)
    title = html.escape(page.words["change"])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w} {total_h}" '
        f'width="100%" role="group" aria-labelledby="change-title" class="change">'
        f'<title id="change-title">{title}</title>'
        '<defs><marker id="arrowhead" markerWidth="8" markerHeight="8" refX="6" refY="4" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>'
        "<style>rect.me{fill:#fff3c4;stroke:#8a6d00}rect.other{fill:#eef3fb;stroke:#0645ad}"
        "rect.part{fill:#f6f6f6;stroke:#767676;stroke-dasharray:4 3}text{font:12px system-ui,"
        "sans-serif;fill:#1a1a1a}.code{fill:#555}.arrow{stroke:#555;marker-end:url(#arrowhead)}"
        ".grid{stroke:#ddd}.dot{fill:#b00}</style>" + "".join(parts) + map_svg + "</svg>"
    )


def _map(points: list[tuple[str, tuple[float, float]]], x0: int) -> str:
    """The points on an equirectangular grid fitted to them (at least half a degree wide)."""
    lons = [p[0] for _, p in points]
    lats = [p[1] for _, p in points]
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    span = max(max(lons) - min(lons), max(lats) - min(lats), 0.5) * 1.3
    inner_w, inner_h = MAP_W - 2 * PAD, MAP_H - 2 * PAD

    def at(lon: float, lat: float) -> tuple[float, float]:
        return (x0 + PAD + (lon - cx + span / 2) / span * inner_w,
                PAD + (cy + span / 2 - lat) / span * inner_h)  # fmt: skip

    parts = [
        f'<rect x="{x0}" y="0" width="{MAP_W}" height="{MAP_H}" fill="#fafafa" stroke="#ccc"/>'
    ]
    step = 0.5 if span <= 3 else 1.0
    lon = (int((cx - span / 2) / step) + 1) * step
    while lon < cx + span / 2:
        x, _ = at(lon, cy)
        parts.append(
            f'<line x1="{x:.1f}" y1="{PAD}" x2="{x:.1f}" y2="{MAP_H - PAD}" class="grid"/>'
        )
        parts.append(f'<text x="{x + 2:.1f}" y="{MAP_H - 2}" class="code">{lon:g}°E</text>')
        lon += step
    lat = (int((cy - span / 2) / step) + 1) * step
    while lat < cy + span / 2:
        _, y = at(cx, lat)
        x1, x2 = x0 + PAD, x0 + MAP_W - PAD
        parts.append(f'<line x1="{x1}" y1="{y:.1f}" x2="{x2}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{x0 + 2}" y="{y - 2:.1f}" class="code">{lat:g}°N</text>')
        lat += step
    for label, (lon_, lat_) in dict(points).items():
        x, y = at(lon_, lat_)
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"/>')
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 4:.1f}">{html.escape(short)}</text>')
    return "".join(parts)
