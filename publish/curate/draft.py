"""Candidate Turtle for one source: what the rules found, with quotes, offsets and IRIs.

A draft is for a curator to edit, never data: it goes to ``data/drafts/`` (which the build
does not read) and becomes data when the curator moves it to ``data/article-NNN.ttl``.
Every candidate carries its quote (``oa:exact``) and its offsets in the stored text
(``oa:start``/``oa:end``, checked by the build), reuses an existing IRI where the name and
place match one (publish/curate/reconcile.py), and mints one otherwise. What the text does
not say stays out: a directive without a date gets no date, and every gap the curator must
close is listed at the top of the file and marked ``TODO`` in the Turtle, which the shapes
refuse (bs:NoTodo), so an unedited draft can never be released.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from publish.curate.extract import (
    AgencyMention,
    ChangeMention,
    DateMention,
    DirectiveMention,
    Extraction,
    FigureMention,
    PersonMention,
    PlaceMention,
    Span,
    extract,
    role_of,
)
from publish.curate.reconcile import Known, Place, key
from publish.iris import slugify
from publish.sources import SourceRecord

PREFIXES = """@base <https://w3id.org/bomay/id/> .
@prefix bomay: <https://w3id.org/bomay/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
TYPE_LABELS = {
    "nghi-quyet": ("Nghị quyết", "Resolution"),
    "ket-luan": ("Kết luận", "Conclusion"),
    "chi-thi": ("Chỉ thị", "Directive"),
    "quyet-dinh": ("Quyết định", "Decision"),
    "quy-dinh": ("Quy định", "Regulation"),
    "thong-bao": ("Thông báo", "Notice"),
    "thong-bao-ket-luan": ("Thông báo kết luận", "Notice of conclusions"),
    "cong-van": ("Công văn", "Official letter"),
    "chuong-trinh-hanh-dong": ("Chương trình hành động", "Action programme"),
    "ke-hoach": ("Kế hoạch", "Plan"),
    "de-an": ("Đề án", "Scheme"),
    "huong-dan": ("Hướng dẫn", "Guidance"),
    "nghi-dinh": ("Nghị định", "Decree"),
    "thong-tu": ("Thông tư", "Circular"),
}
CHANGE_CLASSES = {
    "hop-nhat": "bomay:Merger",
    "sap-nhap": "bomay:Merger",
    "thanh-lap": "bomay:Establishment",
    "tam-dung": "bomay:PilotSuspension",
}
#: The term of a body ("khóa XV", "khoá XIII"): the same body as without it.
TERM = re.compile(r"\s+kh(?:óa|oá)\s+[IVXLC]+$")
STRANDS = (
    (
        r"ủy|uỷ|Đảng|Ban (?:Tổ chức|Tuyên giáo|Dân vận|Kiểm tra|Nội chính|Bí thư)|Bộ Chính trị",
        "dang",
    ),
    (r"Mặt trận|MTTQ|Đoàn thanh niên|Hội (?:Liên hiệp|Nông dân|Cựu chiến binh)", "mat-tran"),
)
LEVELS = {"tỉnh": "tinh", "thành phố": "tinh", "huyện": "huyen", "quận": "huyen",
          "thị xã": "huyen", "xã": "xa", "phường": "xa", "thị trấn": "xa"}  # fmt: skip


@dataclass
class Draft:
    """The draft of one source: Turtle, an inventory stub, and what is left to the curator."""

    record: SourceRecord
    blocks: list[str] = field(default_factory=list)
    inventory: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    facts: int = 0

    def fact(self, kind: str, summary: str, quote: Span) -> str:
        """A new inventory item for the draft; returns its id ("005.07")."""
        self.facts += 1
        fid = f"{self.record.number}.{self.facts:02d}"
        self.inventory.append(f"- [ ] **{fid}** ({kind}) {summary} «{quote.text}»")
        return fid

    def turtle(self, origin: str) -> str:
        head = [
            f"# Draft of {self.record.text_path.name}, written by `bomay draft` on "
            f"{dt.date.today().isoformat()} (rules: publish/curate/extract.py).",
            "# Every block is a candidate: check it against the text, fix or delete it, then",
            f"# move this file to data/article-{self.record.number}.ttl and run `bomay build`.",
            f"# Existing IRIs were read from {origin}.",
            "#",
            "# Left to the curator (the text does not say, or the rules could not tell):",
            *(f"#   - {u}" for u in self.unresolved or ["nothing"]),
            "",
            PREFIXES,
        ]
        return "\n".join([*head, *self.blocks])


def lit(text: str, lang: str | None = "vi") -> str:
    """A Turtle string literal (JSON escapes are Turtle escapes for these characters)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return f"{quoted}@{lang}" if lang else quoted


def evidence(draft: Draft, fid: str, span: Span) -> str:
    return (
        f"    bomay:evidence [ a bomay:Evidence ; prov:wasQuotedFrom <{draft.record.iri_path}> ;\n"
        f"        oa:exact {lit(span.text)} ; oa:start {span.start} ; oa:end {span.end} ;\n"
        f'        bomay:factId "{fid}" ] .\n'
    )


class Writer:
    """Turns one extraction into a draft, reconciling names against ``known``."""

    def __init__(self, record: SourceRecord, text: str, found: Extraction, known: Known) -> None:
        self.record, self.text, self.found, self.known = record, text, found, known
        self.draft = Draft(record)
        self.provinces = self._provinces()
        self.agency_paths: dict[str, str] = {}
        self.directive_paths: list[str] = []

    # ---------------------------------------------------------------- the whole draft

    def write(self) -> Draft:
        self._source()
        self._directives()
        self._agencies()
        self._people()
        self._changes()
        self._figures()
        self._dates()
        return self.draft

    def _provinces(self) -> set[str]:
        """The provinces the text names: they narrow which An Lão or Kiến An is meant."""
        names = [p.name for p in self.found.places]
        names += [
            m.group(1) for m in re.finditer(r"\b(?:tỉnh|thành phố)\s+(\w+(?:\s+\w+)?)", self.text)
        ]
        provinces = [
            place
            for name in names
            for place in self.known.place(name)
            if place.parent in (None, "place/viet-nam")
        ]
        return {p.path for p in self._in_period(provinces)}

    def _in_period(self, places: list[Place]) -> list[Place]:
        """One place per path, and before or after the 2025 reorganisation by the page's date."""
        found = list({p.path: p for p in places}.values())
        if len(found) > 1:
            after = (self.record.date_published or "") >= "2025-07"
            found = [p for p in found if ("/2025/" in f"{p.path}/") == after] or found
        return found

    def _source(self) -> None:
        record = self.record
        lines = [
            f"<https://w3id.org/bomay/graph/article-{record.number}> "
            f"prov:wasDerivedFrom <{record.iri_path}> .\n",
            f"<{record.iri_path}> a schema:{record.kind} ;",
            f"    skos:prefLabel {lit(record.title)}, {lit('TODO English title', 'en')} ;",
            f"    schema:headline {lit(record.title)} ;",
        ]
        publisher = self.known.publishers.get(key(record.publisher or ""))
        if record.publisher:
            path = publisher or f"organization/{slugify(record.publisher)}"
            lines.append(f"    schema:publisher <{path}> ;")
        if record.date_published:
            kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(record.date_published)]
            lines.append(f'    schema:datePublished "{record.date_published}"^^xsd:{kind} ;')
        self.draft.unresolved.append("the source's English title (TODO English title)")
        lines[-1] = lines[-1].rstrip(" ;") + " ."
        block = "\n".join(lines) + "\n"
        if record.publisher and publisher is None:  # a publisher the data has is not minted again
            block += (
                f"\n<organization/{slugify(record.publisher)}> a schema:Organization ;\n"
                f"    skos:prefLabel {lit(record.publisher)}, {lit(record.publisher, 'en')} ;\n"
                f"    schema:name {lit(record.publisher, None)} .\n"
            )
        self.draft.blocks.append("# ---------------------------------------------- the source\n")
        self.draft.blocks.append(block)

    # ---------------------------------------------------------------- directives

    def _directives(self) -> None:
        mentions = self.found.directives
        self.draft.counts["directives"] = len(mentions)
        if not mentions:
            return
        self.draft.blocks.append("# ---------------------------------------------- directives\n")
        for mention in mentions:
            self.directive_paths.append(self._directive_path(mention))
        written: set[str] = set()
        for index, mention in enumerate(mentions):
            path = self.directive_paths[index]
            if path in written:
                continue  # one block per directive; later mentions only repeat it
            written.add(path)
            self.draft.blocks.append(self._directive_block(mention, path))
            if any(d.path == path for d in self.known.directives):
                self.draft.blocks[-1] = (
                    "# described already: only add this source's evidence\n" + self.draft.blocks[-1]
                )

    def _directive_path(self, mention: DirectiveMention) -> str:
        same = [
            d
            for d in self.known.directives
            if d.doc_type == mention.doc_type
            and (d.symbol == mention.symbol if mention.symbol else d.number == mention.number)
        ]
        dated = [d for d in same if mention.date and d.date == mention.date.iso]
        if len(dated) == 1:
            return dated[0].path
        if len(same) == 1 and not (mention.date and same[0].date):
            self.draft.unresolved.append(
                f"«{mention.span.text}»: reused {same[0].path} (same symbol or number): the same "
                "document? Party symbols repeat in each term, State ones each year"
            )
            return same[0].path
        if same:
            self.draft.unresolved.append(
                f"«{mention.span.text}» has the symbol or number of "
                f"{', '.join(d.path for d in same)}"
                ": the same document? (Party symbols repeat in each term: compare issuer and date)"
            )
        issuer = slugify(mention.issuer.text) if mention.issuer else "TODO-co-quan-ban-hanh"
        year = mention.date.year if mention.date else mention.year
        label = f"{mention.doc_type}-{mention.number}"
        return f"directive/{issuer}/{year if year else 'TODO-nam-hoac-khoa'}/{label}"

    def _directive_block(self, mention: DirectiveMention, path: str) -> str:
        vi, en = TYPE_LABELS.get(mention.doc_type or "", ("Văn bản", "Document"))
        name = mention.symbol or mention.number
        fid = self.draft.fact(f"directive · {vi}", f"*{vi} {name}*", mention.span)
        lines = [
            f"<{path}> a bomay:Directive ;",
            f"    skos:prefLabel {lit(f'{vi} số {name}')}, {lit(f'{en} {name}', 'en')} ;",
            f"    eli:type_document <concept/document-type/{mention.doc_type}> ;",
            f'    eli:number "{mention.number}" ;',
        ]
        if mention.symbol:
            lines.append(f'    eli:id_local "{mention.symbol}" ;')
        if mention.date is not None:
            lines.append(f'    eli:date_document "{mention.date.iso}"^^xsd:date ;')
        else:
            self.draft.unresolved.append(
                f"«{mention.span.text}»: no date in the text (none written)"
            )
        if mention.issuer is not None:
            lines.append(f"    eli:passed_by <{self._agency_path_for(mention.issuer.text)}> ;")
        elif mention.issuer_hint:
            lines.append(f"    # the symbol's issuer part suggests: {mention.issuer_hint}")
        for target in mention.implements:
            lines.append(f"    bomay:implements <{self.directive_paths[target]}> ;")
        return "\n".join(lines) + "\n" + evidence(self.draft, fid, mention.span) + "\n"

    # ---------------------------------------------------------------- agencies and places

    def _agencies(self) -> None:
        specific = [a for a in self.found.agencies if not a.generic]
        self.draft.counts["agencies"] = len({a.name for a in specific})
        if not specific:
            return
        self.draft.blocks.append("# ---------------------------------------------- agencies\n")
        done: set[str] = set()
        for mention in specific:
            path = self._agency_path(mention)
            if path in done:
                continue
            done.add(path)
            if path.startswith("agency/") and not self._is_known_agency(path):
                self.draft.blocks.append(self._agency_block(mention, path))
            elif self._is_known_agency(path):  # stated again: this source's quote too
                fid = self.draft.fact("entity · agency", f"*{mention.name}*", mention.span)
                self.draft.blocks.append(
                    f"# {path} is in the data already: this source states it too\n"
                    f"<{path}>\n" + evidence(self.draft, fid, mention.span) + "\n"
                )

    def _is_known_agency(self, path: str) -> bool:
        return any(path == p for entries in self.known.agencies.values() for p, _ in entries)

    def _agency_path_for(self, name: str) -> str:
        mention = next((a for a in self.found.agencies if a.name == name), None)
        return self._agency_path(mention) if mention else f"agency/TODO/{slugify(name)}"

    def _agency_path(self, mention: AgencyMention) -> str:
        if mention.name in self.agency_paths:
            return self.agency_paths[mention.name]
        place = self._place(mention.place) if mention.place else None
        candidates = self.known.agencies.get(key(mention.name), [])
        if not candidates and (term := TERM.search(mention.name)):  # "Quốc hội khóa XV"
            candidates = self.known.agencies.get(key(mention.name[: term.start()]), [])
        if not candidates and mention.place is None and len(self.provinces) == 1:
            province = next(iter(self.provinces))  # "UBND thành phố" in a text on Hải Phòng
            for label in self._labels(province):
                candidates = candidates or self.known.agencies.get(
                    key(f"{mention.name} {label}"), []
                )
        if place is not None:
            candidates = [c for c in candidates if c[1] in (None, place.path)] or candidates
        if len(candidates) == 1:
            path = candidates[0][0]
        else:
            if len(candidates) > 1:
                self.draft.unresolved.append(
                    f"agency «{mention.name}» matches {', '.join(c[0] for c in candidates)}: which?"
                )
            where = place.path.removeprefix("place/") if place else self._default_place()
            name = mention.name
            if mention.place is not None:
                name = name.replace(mention.place.span.text, "").strip()
            path = f"agency/{where}/{slugify(name) or 'TODO'}"
        self.agency_paths[mention.name] = path
        return path

    def _labels(self, path: str) -> list[str]:
        return [p.label for places in self.known.places.values() for p in places if p.path == path]

    def _default_place(self) -> str:
        if len(self.provinces) == 1:
            return next(iter(self.provinces)).removeprefix("place/")
        return "TODO-noi"

    def _place(self, mention: PlaceMention) -> Place | None:
        found = self._in_period(self.known.place(mention.name, self.provinces, mention.level))
        if len(found) == 1:
            return found[0]
        self.draft.unresolved.append(
            f"place «{mention.span.text}»: "
            + (
                "not in " + self.known.origin
                if not found
                else "several: " + ", ".join(p.path for p in found)
            )
        )
        return None

    def _agency_block(self, mention: AgencyMention, path: str) -> str:
        fid = self.draft.fact("entity · agency", f"*{mention.name}*", mention.span)
        place = self._place(mention.place) if mention.place else None
        unit = place.path if place else f"place/{self._default_place()}"
        level = _level(mention)
        strand = next((s for pattern, s in STRANDS if re.search(pattern, mention.name)), "nha-nuoc")
        if level == "TODO":
            self.draft.unresolved.append(f"agency «{mention.name}»: its level (bomay:level)")
        return (
            f"<{path}> a bomay:Agency ;\n"
            f"    skos:prefLabel {lit(mention.name)}, {lit('TODO English name', 'en')} ;\n"
            f"    bomay:level <concept/level/{level}> ;\n"
            f"    bomay:strand <concept/strand/{strand}> ;\n"
            f"    bomay:adminUnit <{unit}> ;\n" + evidence(self.draft, fid, mention.span) + "\n"
        )

    # ---------------------------------------------------------------- people

    def _people(self) -> None:
        people = self.found.people
        self.draft.counts["people"] = len({p.name for p in people})
        if not people:
            return
        self.draft.blocks.append(
            "# ---------------------------------------------- people and posts\n"
        )
        done: set[str] = set()
        as_of = self.record.date_published if len(self.record.date_published or "") == 10 else None
        if as_of is None:
            self.draft.unresolved.append(
                "the date the posts are reported on (bomay:asOf): the page gives no full date"
            )
        for person in people:
            if person.name in done:
                continue
            done.add(person.name)
            self.draft.blocks.append(self._person_block(person, as_of))

    def _person_block(self, person: PersonMention, as_of: str | None) -> str:
        path = self.known.people.get(key(person.name), f"person/{slugify(person.name)}")
        posts = ", ".join(p.text for p in person.posts)
        fid = self.draft.fact("entity · person", f"*{person.name}* — {posts}", person.span)
        block = [
            f"<{path}> a foaf:Person ;",
            f"    skos:prefLabel {lit(person.name)}, {lit(person.name, 'en')} ;",
            f"    schema:name {lit(person.name, None)} ;",
        ]
        block[-1] = block[-1].rstrip(" ;") + " ;"
        text = "\n".join(block) + "\n" + evidence(self.draft, fid, person.span) + "\n"
        for post in person.posts:
            role = slugify(role_of(post.text))
            body = next(
                (
                    a
                    for a in self.found.agencies
                    if a.span.start >= post.start and a.span.end <= post.end
                ),
                None,
            )
            agency = self._agency_path(body) if body else "agency/TODO"
            post_path = f"post/{agency.removeprefix('agency/')}/{role}"
            holding = f"holding/{path.removeprefix('person/')}/{role}-{as_of or 'TODO-ngay'}"
            self.draft.unresolved.append(
                f"post «{post.text}»: check role concept concept/role/{role} exists"
            )
            text += (
                f"<{post_path}> a org:Post ;\n"
                f"    skos:prefLabel {lit(post.text)}, {lit('TODO English post', 'en')} ;\n"
                f"    org:postIn <{agency}> ;\n"
                f"    org:role <concept/role/{role}> ;\n"
                + evidence(self.draft, fid, person.span)
                + "\n"
                f"<{holding}> a bomay:PostHolding ;\n"
                f"    skos:prefLabel {lit(f'{person.name}, {post.text}')}, {lit('TODO', 'en')} ;\n"
                f"    org:member <{path}> ;\n"
                f"    bomay:post <{post_path}> ;\n"
                f"    org:organization <{agency}> ;\n"
                f"    org:role <concept/role/{role}> ;\n"
                + (
                    f'    bomay:asOf "{as_of}"^^xsd:date ;\n'
                    if as_of
                    else "    # bomay:asOf TODO ;\n"
                )
                + evidence(self.draft, fid, person.span)
                + "\n"
            )
        return text

    # ---------------------------------------------------------------- changes

    def _changes(self) -> None:
        useful = _distinct_changes(self.found.changes)
        self.draft.counts["changes"] = len(useful)
        if not useful:
            return
        self.draft.blocks.append("# ---------------------------------------------- changes\n")
        for change in useful:
            self.draft.blocks.append(self._change_block(change))

    def _change_block(self, change: ChangeMention) -> str:
        status = {"da-thuc-hien": "effected", "de-xuat": "proposed", "yeu-cau": "ordered"}[
            change.status
        ]
        fid = self.draft.fact(
            f"event · {change.kind}, {status}", change.span.text[:80], change.span
        )
        klass = CHANGE_CLASSES.get(change.kind)
        target = change.result or (change.originals[0] if change.originals else None)
        where = self._agency_path(target).split("/")[1:-1] if target else ["TODO-noi"]
        when = change.effective.iso if change.effective else "TODO-nam"
        name = slugify(target.name) if target else change.kind
        lines = [
            f"<event/{'/'.join(where)}/{when}-{change.kind}-{name}> "
            f"a {klass or 'org:ChangeEvent'} ;",
            f"    skos:prefLabel {lit(change.span.text[:120])}, "
            f"{lit('TODO English label', 'en')} ;",
            f"    bomay:eventStatus <concept/event-status/{change.status}> ;",
        ]
        if klass is None:
            lines.append(
                f"    # TODO: no class for «{change.kind}» (a pilot is a bomay:Pilot, not a change)"
            )
        lines += [
            f"    org:originalOrganization <{self._agency_path(o)}> ;" for o in change.originals
        ]
        if change.result is not None:
            lines.append(f"    org:resultingOrganization <{self._agency_path(change.result)}> ;")
        if change.effective is not None:
            lines.append(f'    bomay:effectiveDate "{change.effective.iso}"^^xsd:date ;')
        elif change.status != "da-thuc-hien":
            as_of = self.record.date_published or "TODO"
            lines.append(
                f'    bomay:asOf "{as_of}"^^xsd:date ;  # the page date: when the source attests it'
            )
        else:
            self.draft.unresolved.append(
                f"«{change.span.text[:60]}…»: effected, but no effective date"
            )
        for model in change.models:
            lines.append(f"    # model: {model.text}")
        return "\n".join(lines) + "\n" + evidence(self.draft, fid, change.span) + "\n"

    # ---------------------------------------------------------------- figures

    def _figures(self) -> None:
        figures = self.found.figures
        self.draft.counts["figures"] = len(figures)
        if not figures:
            return
        self.draft.blocks.append("# ---------------------------------------------- figures\n")
        used: set[str] = set()
        for figure in figures:
            base = f"observation/{self.record.number}/{slugify(figure.unit) or 'so-lieu'}"
            path, n = base, 1
            while path in used:
                n += 1
                path = f"{base}-{n}"
            used.add(path)
            self.draft.blocks.append(self._figure_block(figure, path))

    def _figure_block(self, figure: FigureMention, path: str) -> str:
        fid = self.draft.fact("figure", f"{figure.value} {figure.unit}", figure.span)
        before = self._sentence_before(figure.span.start)
        area = "place/viet-nam" if "cả nước" in before.lower() else f"place/{self._default_place()}"
        unit = "phan-tram" if figure.percent else "TODO"
        number = "decimal" if "." in figure.value else "integer"
        lines = [
            f"<{path}> a qb:Observation ;",
            f"    skos:prefLabel {lit(figure.span.text)}, {lit('TODO English label', 'en')} ;",
            "    qb:dataSet <dataset/reform-figures> ;",
            f"    bomay:indicator <concept/indicator/TODO-{slugify(figure.unit)}> ;",
            f'    sdmx-measure:obsValue "{figure.value}"^^xsd:{number} ;',
            f"    sdmx-attribute:unitMeasure <concept/unit/{unit}> ;",
            f"    bomay:refArea <{area}> ;",
            "    bomay:refPeriod {} ;  # {}".format(*self._period(figure)),
            f"    bomay:statisticType <concept/statistic-type/{figure.statistic}> ;",
            "    bomay:observationStatus <concept/observation-status/dat-duoc> ;",
        ]
        if figure.approximate:
            lines.append("    bomay:approximate true ;")
        if figure.baseline_value:
            lines.append(f"    bomay:baselineValue {figure.baseline_value} ;")
        if figure.baseline_year:
            lines.append(f'    bomay:baselinePeriod "{figure.baseline_year}"^^xsd:gYear ;')
        if figure.total:
            lines.append(f"    bomay:totalValue {figure.total} ;")
        if figure.at_least:
            lines.append("    # the text says «hơn/trên»: at least this value")
        return "\n".join(lines) + "\n" + evidence(self.draft, fid, figure.span) + "\n"

    def _sentence_before(self, start: int) -> str:
        """The text from the start of the sentence up to ``start``."""
        breaks = list(re.finditer(r"[.!?](?:\s|$)|\n", self.text[:start]))
        return self.text[breaks[-1].end() if breaks else 0 : start]

    def _period(self, figure: FigureMention) -> tuple[str, str]:
        """The last full date or bare year written before the figure in its sentence, else TODO
        (a day and month without a year is not a period: the curator decides)."""
        first = figure.span.start - len(self._sentence_before(figure.span.start))
        dates = [
            d
            for d in self.found.dates
            if first <= d.span.start and d.span.end <= figure.span.start and d.year is not None
            and (d.day is not None or d.month is None)
        ]  # fmt: skip
        if not dates:
            return '"TODO"', "the date or year the text gives for it, or the meeting"
        date = dates[-1]
        kind = "date" if date.day is not None else "gYear"
        return f'"{date.iso}"^^xsd:{kind}', f"«{date.span.text}»: check it is the figure's period"

    # ---------------------------------------------------------------- dates

    def _dates(self) -> None:
        self.draft.counts["dates"] = len(self.found.dates)
        used = {
            id(d)
            for d in [m.date for m in self.found.directives]
            + [c.effective for c in self.found.changes]
            if d is not None
        }
        loose = [d for d in self.found.dates if id(d) not in used]
        if loose:
            self.draft.blocks.append(
                "# Dates found but attached to nothing (a meeting? the page date?):\n"
                + "".join(f"#   {_date_note(d)}\n" for d in loose)
            )


#: Words in an agency's name that give its level when no place type does.
LEVEL_WORDS = ((r"Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|\bSở\b|Đảng bộ tỉnh", "tinh"),
               (r"Huyện ủy|Huyện uỷ|Quận ủy|Quận uỷ|Thị ủy|Thị uỷ|\bPhòng\b", "huyen"),
               (r"Trung ương|^Bộ\b|Chính phủ|Quốc hội", "trung-uong"))  # fmt: skip


def _level(mention: AgencyMention) -> str:
    if mention.place is not None and mention.place.level in LEVELS:
        return LEVELS[mention.place.level]
    found = (level for pattern, level in LEVEL_WORDS if re.search(pattern, mention.name))
    return next(found, "TODO")


def _date_note(date: DateMention) -> str:
    return f"{date.iso} «{date.span.text}» at {date.span.start} to {date.span.end}"


def _distinct_changes(changes: Iterable[ChangeMention]) -> list[ChangeMention]:
    """Changes with something to act on, one per (kind, originals): the most complete."""
    kept: dict[tuple[str, tuple[str, ...]], ChangeMention] = {}
    for change in changes:
        if not (change.originals or change.result or change.models):
            continue
        slot = (change.kind, tuple(o.name for o in change.originals))
        if slot not in kept or _completeness(change) > _completeness(kept[slot]):
            kept[slot] = change
    return list(kept.values())


def _completeness(change: ChangeMention) -> tuple[bool, bool, int]:
    return (change.result is not None, change.effective is not None, len(change.span.text))


def draft(record: SourceRecord, known: Known, gazetteer: frozenset[str]) -> tuple[Draft, str]:
    """The draft for ``record``; returns it and its Turtle."""
    text = record.text()
    found = extract(text, gazetteer)
    result = Writer(record, text, found, known).write()
    return result, result.turtle(known.origin)


def write(record: SourceRecord, known: Known, gazetteer: frozenset[str], folder: Path) -> Draft:
    """Write ``data/drafts/article-NNN.ttl`` and the inventory stub ``article-NNN.md``."""
    result, turtle = draft(record, known, gazetteer)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"article-{record.number}.ttl").write_text(turtle, encoding="utf-8")
    inventory = [
        f"## Article {record.number} — {record.title} (`{record.text_path.name}`)",
        "",
        f"Source: {record.url or '(no URL)'}; publisher: {record.publisher or 'not stated'}; "
        f"date: {record.date_published or 'not stated'}; read {record.date_read or '?'}.",
        "",
        *result.inventory,
        "",
    ]
    (folder / f"article-{record.number}.md").write_text("\n".join(inventory), encoding="utf-8")
    return result
