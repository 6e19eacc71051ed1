"""Search quality: query sets with the pages each must find, and how well shopdir's own index finds them.

A query set is a YAML file (queries-zh.yaml, queries-en.yaml): a list of queries, each with the
exact set of pages it must return, written from the content of one site (the example in
content/, or the small English site in site-en/). The index is read the way the search page
reads it (themes/default/static/search/search.js): the manifest, one term file per term, the
filters file; every term must be found, and the last word, while it is still being typed, is
the beginning of a word.

    recall    = expected pages found / expected pages      (over every query of a set)
    precision = expected pages found / pages found

benchmarks/search_quality.py prints these figures; tests/unit/test_search_quality.py holds
them at 100 % (Chinese) and at least 98 % recall (English).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator import markup, search, searchindex, terms, texts
from generator.config import settings_from_doc
from generator.load import load_site, load_sources
from generator.theme import load_theme
from generator.validate import build_directory

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# set name -> (the site it is about, its queries)
SETS = {"zh": (ROOT, HERE / "queries-zh.yaml"), "en": (HERE / "site-en", HERE / "queries-en.yaml")}


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # what it tries: word, tail, phrase, mixed, fullwidth, plural, prefix, case, none...
    expect: frozenset[str]  # page paths below the site root, e.g. "shops/x/products/y/"
    filters: tuple[tuple[str, str], ...] = ()  # (filter name, value): category, city, kind
    gap: str = ""  # what the search does not do yet, so this query misses pages (still counted)


def load_queries(path: Path) -> list[Query]:
    found = []
    for item in yaml.safe_load(path.read_text("utf-8")):
        found.append(Query(str(item["q"]), item["kind"], frozenset(item.get("expect") or ()),
                           tuple(sorted((item.get("filters") or {}).items())), item.get("gap", "")))
    return found


def site_entries(root: Path) -> tuple[list[searchindex.Entry], str, str]:
    """What the site's own index holds, made from its content as a build makes it (without pictures),
    with the site's language and base path."""
    with markup.kept_in(None) as markdown:
        site, _ = load_site(root)
        settings, _ = settings_from_doc(site)
        sources, _ = load_sources(root, settings.limits, None)
        texts.render_rest(sources, markdown, 1)
        directory, _, _ = build_directory(sources, settings, False, markdown)
        theme, _ = load_theme(root, settings.theme, settings.language)
        entries = search.entries(directory, theme.strings, {}, markdown)
    return entries, settings.language, directory.settings.base_path


def index_files(root: Path) -> tuple[dict[str, bytes], str]:
    """The index files of a site, by output path as a build writes them, and the site's base path."""
    entries, language, base = site_entries(root)
    return searchindex.build(entries, language), base


class Index:
    """A built index, asked as the search page asks it."""

    def __init__(self, read, base: str = "/"):
        self.read = read  # output path -> bytes
        self.base = base
        self.manifest = json.loads(read(searchindex.MANIFEST))
        self.folder = f"{searchindex.FOLDER}{self.manifest['version']}/"
        self.cache: dict[str, object] = {}

    @classmethod
    def from_files(cls, files: dict[str, bytes], base: str = "/") -> "Index":
        return cls(files.__getitem__, base)

    @classmethod
    def from_folder(cls, out: Path, base: str = "/") -> "Index":
        """The index of a site built into `out` (search/index.json and its folder)."""
        return cls(lambda name: (Path(out) / name).read_bytes(), base)

    def _load(self, name: str):
        if name not in self.cache:
            self.cache[name] = json.loads(gzip.decompress(self.read(self.folder + name)))
        return self.cache[name]

    def _postings(self, key: str, match) -> dict[int, int]:
        bucket = self._load(f"t{terms.bucket(key, self.manifest['buckets'])}.json.gz")
        found: dict[int, int] = {}
        for term, (ids, scores) in bucket.items():
            if match(term):
                for n, score in zip(searchindex.undeltas(ids), scores):
                    found[n] = max(found.get(n, 0), score)
        return found

    def _path(self, number: int) -> str:
        chunk = self._load(f"d{number // self.manifest['chunk']}.json.gz")
        path = chunk[number % self.manifest["chunk"]][5]
        return path[len(self.base):] if path.startswith(self.base) else path

    def answer(self, text: str, filters: tuple[tuple[str, str], ...] = ()) -> list[str]:
        """The pages a query finds, best first, as paths below the site root."""
        asked = terms.query(text)
        if not asked.terms and not asked.prefix:
            return []
        lists = [self._postings(term, lambda t, term=term: t == term) for term in asked.terms]
        if asked.prefix:
            prefix, folded = asked.prefix, terms.fold(asked.prefix)
            lists.append(self._postings(prefix, lambda t: t.startswith(prefix) or t == folded))
        found = lists[0]
        for other in lists[1:]:
            found = {n: score + other[n] for n, score in found.items() if n in other}
        for name, value in filters:
            allowed = set(searchindex.undeltas(self._load("f.json.gz").get(name, {}).get(value, [])))
            found = {n: score for n, score in found.items() if n in allowed}
        return [self._path(n) for n in sorted(found, key=lambda n: (-found[n], n))]


@dataclass
class Figures:
    name: str
    queries: int = 0
    expected: int = 0
    found: int = 0
    right: int = 0  # found and expected
    missed: list[str] = field(default_factory=list)  # "query: page" not found
    extra: list[str] = field(default_factory=list)  # "query: page" found but not expected

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    def line(self) -> str:
        return (f"{self.name}: {self.queries} queries, recall {self.recall:.1%} ({self.right}/{self.expected}), "
                f"precision {self.precision:.1%} ({self.right}/{self.found})")

    def report(self, limit: int = 40) -> str:
        lines = [self.line()]
        lines += [f"  missed   {m}" for m in self.missed[:limit]]
        lines += [f"  unwanted {e}" for e in self.extra[:limit]]
        return "\n".join(lines)


def evaluate(index: Index, queries: list[Query], name: str = "") -> Figures:
    figures = Figures(name, len(queries))
    for query in queries:
        found = set(index.answer(query.text, query.filters))
        figures.expected += len(query.expect)
        figures.found += len(found)
        figures.right += len(found & query.expect)
        figures.missed += [f"{query.text!r}: {page}" for page in sorted(query.expect - found)]
        figures.extra += [f"{query.text!r}: {page}" for page in sorted(found - query.expect)]
    return figures


def evaluate_set(name: str) -> Figures:
    """One query set against an index made from its site's content."""
    root, path = SETS[name]
    files, base = index_files(root)
    return evaluate(Index.from_files(files, base), load_queries(path), name)
