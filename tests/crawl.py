"""A crawler of the pages for people, as a reader's browser would walk them from ``/``.

It follows every link on this server from ``/``, in Vietnamese and in English (the language
cookie, as a browser keeps it), and reports:

- **broken links**: a link to a path of this server that does not answer 200, or to a
  ``#fragment`` that the target page does not have;
- **raw vocabulary** on a resource page: a local name (``prefLabel``, ``id_local``), a
  ``def#`` or a blank-node label (``c14n…``) where a label belongs; a link to a term whose
  text is the term's local name; a link off-site to a vocabulary's namespace; ``true`` or
  ``false`` for a yes or no;
- **foreign words**: on a page in one language, an interface phrase of the other language
  outside an element marked with that language's ``lang`` (data in the other language is
  marked so, and is not the interface) and outside a literal value (``class="literal"``: a
  note in English may quote the Vietnamese words of its source).

At national size a release has more than ten thousand unit and event pages, all built by
the same code from the same queries. So each *kind* of page (``/id/place/…/…``, a list with
its filters, …) is fetched up to ``per_kind`` times per language, in the order links are met,
which is deterministic; a link to a resource page that is not fetched is still checked,
against the store, with the rule the server itself applies (the path fits the slug grammar
and the IRI has statements), through the public SPARQL endpoint; any other page linked but
not fetched (another page of a list, another example question) is asked for its status.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx
import pyoxigraph as ox

from publish.rdf import TERM_PREFIXES
from publish.serve.i18n import TABLES, WORDS
from publish.serve.resources import SLUG_PATH
from publish.settings import CANONICAL_BASE

LANGUAGES = ("vi", "en")
ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
#: resource pages: where raw vocabulary must never show
RESOURCE = re.compile(r"/(id|graph)/|/def$")
#: RDF and file links: checked, never parsed
FILES = re.compile(r"\.(ttl|nt|jsonld|rdf|trig|nq|gz|json|csv|tsv|txt)$|^/(dumps|releases)/.")
#: what never belongs in a page's text: blank-node labels, the ontology's raw namespace
RAW_TEXT = re.compile(r"\bc14n\w*|\b_:\w+|\bdef#\w+|\bgenid\b")
#: a local name that cannot be a word: camelCase or with an underscore
CODE_LIKE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)+$|^[a-z]+_[a-z_]+$")
#: elements whose text is code, data shown as written, or the words of a source
VERBATIM = {"code", "pre", "time", "blockquote", "textarea", "script", "style", "kbd"}
VOID_ELEMENTS = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}


@dataclass
class Page:
    """What one fetched HTML page holds."""

    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (href, text, verbatim)
    ids: set[str] = field(default_factory=set)
    texts: list[tuple[str, str, bool]] = field(default_factory=list)  # (text, lang, verbatim)
    data: set[int] = field(default_factory=set)  # which texts are literal values
    lang: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, str, bool]] = []  # (tag, lang, verbatim)
        self.literal: list[str] = []  # the tags of open literal values
        self.link: list[str] | None = None
        self.href = ""
        self.link_verbatim = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        lang, verbatim = self.stack[-1][1:] if self.stack else ("", False)
        lang = attributes.get("lang", lang)
        verbatim = (
            verbatim or tag in VERBATIM or attributes.get("translate") == "no"
            or "iri" in attributes.get("class", "").split()
        )  # fmt: skip
        if tag == "html":
            self.page.lang = lang
        if "id" in attributes:
            self.page.ids.add(attributes["id"])
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attributes.get(name):
                self.page.texts.append((attributes[name], lang, verbatim))
        if tag == "a" and "href" in attributes:
            self.link, self.href, self.link_verbatim = [], attributes["href"], verbatim
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, lang, verbatim))
            if "literal" in attributes.get("class", "").split():
                self.literal.append(f"{len(self.stack)}")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.literal and self.literal[-1] == f"{len(self.stack)}":
                self.literal.pop()
            if self.stack.pop()[0] == tag:
                break
        if tag == "a" and self.link is not None:
            self.page.links.append((self.href, " ".join("".join(self.link).split()),
                                    self.link_verbatim))  # fmt: skip
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if self.link is not None:
            self.link.append(data)
        if data.strip():
            lang, verbatim = self.stack[-1][1:] if self.stack else ("", False)
            if self.literal:
                self.page.data.add(len(self.page.texts))
            self.page.texts.append((" ".join(data.split()), lang, verbatim))


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return parser.page


def kind(path: str) -> str:
    """Pages built by the same code: a resource's kind and depth, or a page and its filters
    (``/id/place/hai-phong/an-lao`` → ``/id/place/*/*``)."""
    parts = urlsplit(path)
    segments = parts.path.strip("/").split("/")
    if segments[0] in ("id", "graph") and len(segments) > 1:
        return "/" + "/".join(segments[:2] + ["*"] * (len(segments) - 2))
    return parts.path + "?" + "&".join(sorted(k for k, _ in parse_qsl(parts.query)))


@dataclass
class Report:
    pages: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # per language
    links: int = 0
    checked_in_store: int = 0
    checked_status: int = 0
    terms_in_notes: int = 0  # local names written in literal values (counted, not failed)
    broken: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def summary(self) -> str:
        fetched = sum(self.pages.values())
        return (
            f"{fetched} pages ({', '.join(f'{k}: {v}' for k, v in self.pages.items())}), "
            f"{len(self.kinds)} kinds, {self.links} links "
            f"({self.checked_in_store} resource links checked in the store, "
            f"{self.checked_status} other pages by status), "
            f"{len(self.broken)} broken, {len(self.raw)} raw vocabulary, "
            f"{len(self.foreign)} foreign words; {self.terms_in_notes} term names in notes"
        )


class Crawler:
    def __init__(self, base_url: str, *, per_kind: int = 10**9, threads: int = 4) -> None:
        self.base = base_url.rstrip("/")
        self.host = urlsplit(self.base).netloc
        self.per_kind = per_kind
        self.threads = threads
        self.report = Report()
        self.words = {lang: Phrases(words) for lang, words in all_words().items()}
        self.local_names = self._local_names()

    @staticmethod
    def _local_names() -> set[str]:
        """Local names of every term the ontology and its labels of the reused vocabularies
        name: the words a page would show if it missed a label."""
        names: set[str] = set()
        for path in sorted(ONTOLOGY.glob("*.ttl")):
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                for term in (quad.subject, quad.predicate):
                    if isinstance(term, ox.NamedNode):
                        names.add(re.split(r"[#/]", term.value)[-1])
        return {n for n in names if n}

    # ------------------------------------------------------------------ the walk

    def crawl(self, starts: Iterable[str] = ("/",)) -> Report:
        pages: dict[tuple[str, str], Page] = {}
        statuses: dict[tuple[str, str], int] = {}
        seen: set[tuple[str, str]] = set()
        per_kind: dict[tuple[str, str], int] = defaultdict(int)
        queue: deque[tuple[str, str]] = deque((s, lang) for lang in LANGUAGES for s in starts)
        unfetched: dict[str, list[str]] = defaultdict(list)  # resource path → pages linking it
        files: dict[str, list[str]] = defaultdict(list)
        fragments: list[tuple[str, str, str, str]] = []  # (page, lang, target path, fragment)
        with httpx.Client(base_url=self.base, timeout=60, follow_redirects=True) as http, \
                ThreadPoolExecutor(self.threads) as pool:  # fmt: skip
            while queue:
                batch = []
                while queue and len(batch) < self.threads * 4:
                    item = queue.popleft()
                    if item not in seen:
                        seen.add(item)
                        batch.append(item)
                for (path, lang), (status, page) in zip(
                    batch, pool.map(lambda item: self._fetch(http, *item), batch), strict=True
                ):
                    statuses[(path, lang)] = status
                    if page is None:
                        continue
                    pages[(path, lang)] = page
                    self.report.pages[lang] += 1
                    self.report.kinds[kind(path)] += 1
                    self._inspect(path, lang, page)
                    for href, _, _ in page.links:
                        target = self._internal(path, href)
                        if target is None:
                            continue
                        self.report.links += 1
                        target_path, fragment = target
                        if fragment:
                            fragments.append((path, lang, target_path, fragment))
                        if FILES.search(urlsplit(target_path).path):
                            files[target_path].append(path)
                            continue
                        item = (target_path, lang)
                        if item in seen:
                            continue
                        if per_kind[(kind(target_path), lang)] < self.per_kind:
                            per_kind[(kind(target_path), lang)] += 1
                            queue.append(item)
                        else:
                            unfetched[target_path].append(path)
            self._check_files(http, files, statuses)
            left = {p: s for p, s in unfetched.items()
                    if not any((p, la) in statuses for la in LANGUAGES)}  # fmt: skip
            resources = {p: s for p, s in left.items() if RESOURCE.search(urlsplit(p).path)}
            others = sorted(set(left) - set(resources))
            self.report.checked_status += len(others)
            for path, status in zip(others, pool.map(lambda p: http.get(p).status_code, others),
                                    strict=True):  # fmt: skip
                if status != 200:
                    self.report.broken.append(f"{left[path][0]} → {path}: {status}")
        self._check_in_store(resources)
        for path, lang, target, fragment in fragments:
            found = pages.get((target, lang))
            if found is not None and fragment not in found.ids:
                self.report.broken.append(f"{path} ({lang}) → {target}#{fragment}: no such id")
        for (path, lang), status in statuses.items():
            if status != 200:
                self.report.broken.append(f"{path} ({lang}): {status}")
        return self.report

    def _fetch(self, http: httpx.Client, path: str, lang: str) -> tuple[int, Page | None]:
        # the language cookie, as a browser keeps it, sent again after a redirect too
        # (/sparql → /query): each redirect is followed here with the cookie
        headers = {"Accept": "text/html", "Cookie": f"bomay_lang={lang}"}
        response = http.get(path, headers=headers, follow_redirects=False)
        for _ in range(5):
            if not response.is_redirect:
                break
            response = http.get(response.headers["location"], headers=headers,
                                follow_redirects=False)  # fmt: skip
        if response.status_code != 200 or not response.headers.get("content-type", "").startswith(
            "text/html"
        ):
            return response.status_code, None
        return 200, parse(response.text)

    def _internal(self, page: str, href: str) -> tuple[str, str] | None:
        """A link on this server as (path with query, fragment), the language left out (the
        crawl sets it); None for a link elsewhere."""
        url = urlsplit(urljoin(self.base + page, href))
        if url.netloc != self.host or url.scheme not in ("http", "https"):
            return None
        query = urlencode([(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True)
                           if k != "lang"])  # fmt: skip
        return url.path + (f"?{query}" if query else ""), url.fragment

    def _check_files(
        self, http: httpx.Client, files: dict[str, list[str]], statuses: dict[tuple[str, str], int]
    ) -> None:
        """Each file, RDF representation or download linked: one HEAD per kind, since the
        representations of a resource share the route and checks of its page."""
        checked: set[str] = set()
        for path, linked_from in files.items():
            suffix = re.sub(r".*?(\.[a-z.]+)?$", r"\1", urlsplit(path).path)
            group = kind(path.removesuffix(suffix)) + suffix
            stem = path.removesuffix(suffix)
            if group in checked and (SLUG_PATH.fullmatch(stem.lstrip("/")) or suffix == ""):
                continue
            checked.add(group)
            status = http.head(path).status_code
            if status != 200:
                self.report.broken.append(f"{linked_from[0]} → {path}: {status}")

    def _check_in_store(self, resources: dict[str, list[str]]) -> None:
        """A resource page that was not fetched answers 200 exactly when its path fits the
        slug grammar and its IRI has statements (``resources.dereference``): check that."""
        paths = sorted(resources)
        self.report.checked_in_store += len(paths)
        for start in range(0, len(paths), 400):
            chunk = paths[start : start + 400]
            iris = {}
            for path in chunk:
                stem = urlsplit(path).path.lstrip("/")
                if not SLUG_PATH.fullmatch(stem):
                    self.report.broken.append(f"{resources[path][0]} → {path}: not a resource")
                    continue
                iris[CANONICAL_BASE + stem] = path
            values = " ".join(f"<{iri}>" for iri in iris)
            # only the missing ones come back (an answer's rows may be capped)
            query = (
                f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
            )
            answer = httpx.post(self.base + "/sparql", data={"query": query},
                                headers={"Accept": "application/sparql-results+json"},
                                timeout=60)  # fmt: skip
            answer.raise_for_status()
            missing = {row["s"]["value"] for row in answer.json()["results"]["bindings"]}
            for iri, path in iris.items():
                if iri in missing:
                    self.report.broken.append(f"{resources[path][0]} → {path}: not in the store")

    # ------------------------------------------------------------------ what a page shows

    def _inspect(self, path: str, lang: str, page: Page) -> None:
        where = f"{path} ({lang})"
        if page.lang != lang:
            self.report.foreign.append(f"{where}: <html lang={page.lang!r}>")
        other = next(code for code in LANGUAGES if code != lang)
        for number, (text, text_lang, verbatim) in enumerate(page.texts):
            if verbatim or text_lang == other or number in page.data:
                continue
            for phrase in self.words[other].found(text):
                self.report.foreign.append(f"{where}: {phrase!r} in {text!r}")
        if not RESOURCE.search(path):
            return
        for number, (text, _, verbatim) in enumerate(page.texts):
            if verbatim:
                continue
            for match in RAW_TEXT.finditer(text):
                self.report.raw.append(f"{where}: {match.group()!r} in {text!r}")
            if number in page.data:  # a curator's prose may name a term; labels may not
                self.report.terms_in_notes += sum(
                    1 for token in re.findall(r"[A-Za-z_][\w]*", text)
                    if token in self.local_names and CODE_LIKE.match(token)
                )  # fmt: skip
                continue
            for token in re.findall(r"[A-Za-z_][\w]*", text):
                if token in self.local_names and CODE_LIKE.match(token):
                    self.report.raw.append(f"{where}: local name {token!r} in {text!r}")
            if text in ("true", "false"):
                self.report.raw.append(f"{where}: {text!r} shown as a value")
        for href, text, verbatim in page.links:
            if verbatim:
                continue
            # a term's own page elsewhere (a vocabulary's home is fine: that is its name)
            if any(href.startswith(ns) and href != ns for ns in TERM_PREFIXES.values()):
                self.report.raw.append(f"{where}: {text!r} links off-site to {href}")


def _contains(text: str, phrase: str) -> bool:
    """Whether ``text`` holds ``phrase`` as whole words (a one-word phrase: the whole text)."""
    if " " not in phrase:
        return text.strip(" .:·()") == phrase
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


class Phrases:
    """One language's interface phrases, each found in a text as ``_contains`` finds it. A
    page has hundreds of texts and a language hundreds of phrases: one set lookup and one
    regular expression over all the phrases rule most texts out at once, and only a text
    that holds some phrase is matched phrase by phrase, to name each."""

    def __init__(self, phrases: set[str]) -> None:
        self.phrases = sorted(phrases)
        self.words = {p for p in phrases if " " not in p}
        several = sorted((p for p in phrases if " " in p), key=len, reverse=True)
        any_of = "|".join(re.escape(p) for p in several) or "(?!)"
        self.pattern = re.compile(rf"(?<!\w)(?:{any_of})(?!\w)")

    def found(self, text: str) -> list[str]:
        if text.strip(" .:·()") not in self.words and not self.pattern.search(text):
            return []
        return [phrase for phrase in self.phrases if _contains(text, phrase)]


def all_words() -> dict[str, set[str]]:
    """Every interface phrase of the serving side, by language: the (Vietnamese, English)
    pairs of each of ``publish.serve.i18n``'s tables. A phrase both languages use (``SPARQL``)
    or too short to tell (``Mã``) is left out."""
    pairs = [pair for table in TABLES for pair in table.values()]
    # the language switch names the other language, marked with its own lang
    pairs.remove(WORDS["switch"])
    vi = {v for v, _ in pairs}
    en = {e for _, e in pairs}
    return {
        "vi": {w for w in vi - en if len(w) >= 4},
        "en": {w for w in en - vi if len(w) >= 4},
    }
