"""The crosswalk of 2025: the table other datasets join on, one row per old unit.

Every dataset keyed by a commune or province code of the 63-province structure needs the code
of the unit that holds its territory since 1 July 2025. ``crosswalk-2025.csv`` gives one row
per old commune (and per island district, which had no commune), with the old code and names,
the kind of change, the new code and names, the event, and for a divided commune its default
successor first and every other one after; ``crosswalk-2025.json`` holds the same rows with
each successor spelled out, and is what ``/lookup`` reads. ``crosswalk-2025-provinces.csv``
does the same for the 63 provinces. The rows are made from the same tables, IRIs and events
as the graph, in the same build, so they never disagree with it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from publish.build.dumps import Dump
from publish.build.units import Tables, Unit
from publish.layout import COMMUNES_JSON

COMMUNES = "crosswalk-2025.csv"
PROVINCES = "crosswalk-2025-provinces.csv"
COMMUNE_COLUMNS = (
    "old_code", "old_name", "old_type", "old_district_code", "old_district_name",
    "old_province_code", "old_province_name", "old_iri", "change", "new_code", "new_name",
    "new_type", "new_province_code", "new_province_name", "new_iri", "event_iri",
    "other_new_codes", "other_new_iris",
)  # fmt: skip
PROVINCE_COLUMNS = (
    "old_code", "old_name", "old_iri", "iso_3166_2", "change", "new_code", "new_name",
    "new_iri", "event_iri", "kept_name",
)  # fmt: skip


@dataclass(frozen=True)
class Crosswalk:
    """What the build knows that the crosswalk needs: IRIs and events, by code."""

    tables: Tables
    legacy_iris: Mapping[str, str]  # old code → IRI
    current_iris: Mapping[str, str]  # new code → IRI
    events: Mapping[str, str]  # new code → IRI of the event that made it (or renamed it)
    province_events: Mapping[str, str]  # new province code → its event IRI
    iso: Mapping[str, str]  # old province code → ISO 3166-2 code


def _names(unit: Unit) -> dict[str, str]:
    return {"code": unit.code, "name": unit.name, "type": unit.kind}


def commune_rows(cw: Crosswalk) -> list[dict[str, object]]:
    """One row per old unit of the lowest level that is loaded, in code order."""
    tables = cw.tables
    rows: list[dict[str, object]] = []
    for code in sorted(c for c in cw.legacy_iris if c in tables.successors):
        old = tables.legacy[code]
        district = tables.legacy[old.parent or ""] if old.level == 3 else old
        province = tables.legacy[district.parent or ""]
        parts = tables.successors[code]
        successors = []
        for new_code, part in sorted(parts, key=lambda p: (not p[1].default, p[0])):
            new = tables.current[new_code]
            new_province = tables.current[new.parent or ""]
            successors.append(
                {
                    **_names(new),
                    "iri": cw.current_iris[new_code],
                    "province_code": new_province.code,
                    "province_name": new_province.name,
                    "default": part.default or len(parts) == 1,
                    "event": cw.events.get(new_code, ""),
                }
            )
        if code in tables.continuing:
            change = "unchanged" if tables.current[code].name == old.name else "renamed"
        elif len(parts) > 1:
            change = "divided"
        elif len(tables.communes_2025[parts[0][0]]) > 1:
            change = "merged"
        else:
            change = "replaced"  # alone into a new unit: the island districts
        rows.append(
            {
                "old": {
                    **_names(old),
                    "iri": cw.legacy_iris[code],
                    "district_code": district.code if old.level == 3 else "",
                    "district_name": district.name if old.level == 3 else "",
                    "district_iri": cw.legacy_iris[district.code] if old.level == 3 else "",
                    "province_code": province.code,
                    "province_name": province.name,
                    "province_iri": cw.legacy_iris[province.code],
                },
                "change": change,
                "successors": successors,
            }
        )
    return rows


def province_rows(cw: Crosswalk) -> list[dict[str, str]]:
    tables = cw.tables
    rows = []
    for code in sorted(c for c in cw.legacy_iris if tables.legacy[c].level == 1):
        old = tables.legacy[code]
        new_code = tables.province_successor[code]
        new = tables.current[new_code]
        rows.append(
            {
                "old_code": code,
                "old_name": old.name,
                "old_iri": cw.legacy_iris[code],
                "iso_3166_2": cw.iso.get(code, ""),
                "change": "unchanged" if new_code in tables.continuing else "merged",
                "new_code": new_code,
                "new_name": new.name,
                "new_iri": cw.current_iris[new_code],
                "event_iri": cw.province_events.get(new_code, ""),
                "kept_name": "yes" if old.short == new.short else "no",
            }
        )
    return rows


def _flat(row: dict[str, object]) -> dict[str, str]:
    old = row["old"]
    successors = row["successors"]
    assert isinstance(old, dict) and isinstance(successors, list)  # noqa: S101 - our own rows
    first, others = successors[0], successors[1:]
    return {
        "old_code": old["code"],
        "old_name": old["name"],
        "old_type": old["type"],
        "old_district_code": old["district_code"],
        "old_district_name": old["district_name"],
        "old_province_code": old["province_code"],
        "old_province_name": old["province_name"],
        "old_iri": old["iri"],
        "change": str(row["change"]),
        "new_code": first["code"],
        "new_name": first["name"],
        "new_type": first["type"],
        "new_province_code": first["province_code"],
        "new_province_name": first["province_name"],
        "new_iri": first["iri"],
        "event_iri": first["event"],
        "other_new_codes": ";".join(s["code"] for s in others),
        "other_new_iris": ";".join(s["iri"] for s in others),
    }


def _csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write(cw: Crosswalk, folder: Path) -> list[Dump]:
    """Write the three files; return them as dumps of the release (they are catalogued)."""
    communes = commune_rows(cw)
    (folder / COMMUNES).write_bytes(_csv(COMMUNE_COLUMNS, [_flat(r) for r in communes]))
    document = {
        "columns": "see docs/DATA.md, 'The crosswalk of 2025'",
        "effective": "2025-07-01",
        "rows": communes,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    (folder / COMMUNES_JSON).write_text(text + "\n", encoding="utf-8")
    (folder / PROVINCES).write_bytes(_csv(PROVINCE_COLUMNS, province_rows(cw)))
    return list(DUMPS)


def copy(source: Path, folder: Path) -> list[Dump]:
    """Copy the three files that ``write`` put in ``source`` (the build cache) into ``folder``."""
    for dump in DUMPS:
        shutil.copyfile(source / dump.name, folder / dump.name)
    return list(DUMPS)


#: the three files, as the catalogue lists them
DUMPS = (
    Dump(
        COMMUNES, "text/csv", "Crosswalk of communes, before and after 1 July 2025 (CSV)",
        description="One row per commune of the 63-province structure: old code and names, "
        "the change, the new code and names, the event (docs/DATA.md)",
        file_type="CSV",
    ),
    Dump(
        COMMUNES_JSON, "application/json",
        "Crosswalk of communes, before and after 1 July 2025, every successor (JSON)",
        description="The same rows with every successor of a divided commune spelled out",
        file_type="JSON",
    ),
    Dump(
        PROVINCES, "text/csv", "Crosswalk of the 63 provinces to the 34 (CSV)",
        description="One row per province of the 63-province structure, with its ISO "
        "3166-2 code and the province it became part of",
        file_type="CSV",
    ),
)  # fmt: skip
