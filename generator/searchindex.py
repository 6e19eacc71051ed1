"""The search index as static files: entries in, {output path: bytes} out, nothing read or written.

A visitor's browser fetches a small manifest, then per query only the few files it needs:

- search/index.json: the manifest (fetched fresh); it names the build's version, and every
  other file lives under search/<version>/, so a cached file of one build is never read
  with another build's manifest.
- t<n>.json.gz: the terms whose first two characters hash to bucket n (terms.bucket), each
  with its postings: entry numbers delta-encoded, and a score per entry (field weight times
  how often the term appears there). A prefix's terms all lie in the prefix's bucket.
- f.json.gz: the filters (category, city, kind, shop), each value's entries delta-encoded.
- d<n>.json.gz: what a result shows (title, kind, shop, excerpt, thumbnail, page), CHUNK
  entries a file.

Those files make a base. After an edit, update() leaves the base as it is and adds a delta in a
folder of its own: the same kinds of files for the entries of the groups (shops) that changed,
numbered after the base's, and x.json.gz, the base's entries it removes (delta-encoded). The
manifest names both; the browser reads the base's and the delta's bucket for each term.

Files are gzip with a fixed time and JSON with keys in the order made: the same entries give the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import orjson
from zlib_ng import gzip_ng

from generator import routes, terms

FOLDER = routes.search()
MANIFEST = FOLDER + "index.json"
FORMAT = 2  # the files' layout: the browser script refuses a manifest of another format
WEIGHTS = {"title": 8, "tags": 4, "category": 3, "city": 3, "shop": 2, "body": 1}
FILTERS = ("category", "city", "kind", "shop")
POSTINGS_PER_BUCKET = 2000  # about 4-8 KB of gzip a bucket: the bucket count follows the postings' volume
CHUNK = 4  # display entries a file: a result needs its own file only, and results lie far apart
EXCERPT = 160  # characters of body text shown with a result
GZIP_LEVEL = 5  # zlib-ng's: 1 % larger files than its 6, for 0.7 of the time


@dataclass(frozen=True)
class Entry:
    path: str  # the page's URL, as a visitor follows it
    kind: str  # shown: "Shops", "商品"...; also a filter
    fields: tuple[tuple[str, str], ...]  # (field in WEIGHTS, text): what is searched
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name in FILTERS, values)
    shop: str = ""  # the shop's name, shown with a product
    image: str = ""  # thumbnail URL or ""

    def text(self, field: str) -> str:
        return " ".join(text for name, text in self.fields if name == field)


def scores(entry: Entry) -> dict[str, int]:
    """Each term of an entry with its score: the weight of every field it appears in, per appearance."""
    found: dict[str, int] = {}
    rest = entry.fields
    for at, (name, text) in enumerate(rest):
        if name == "body":  # the longest text weighs 1: its counts, made in one go, are its scores
            found = terms.index_counts(text)
            rest = rest[:at] + rest[at + 1:]
            break
    get = found.get
    for name, text in rest:
        weight = WEIGHTS[name]
        for term, times in _counts(text):
            found[term] = get(term, 0) + weight * times
    return found


_COUNTS: dict[str, tuple] = {}  # short texts (names, tags, cities) repeat across entries: counted once
COUNTED_LENGTH, COUNTS_KEPT = 200, 50_000


def _counts(text: str) -> tuple:
    found = _COUNTS.get(text)
    if found is None:
        found = tuple(terms.index_counts(text).items())
        if len(text) <= COUNTED_LENGTH:
            if len(_COUNTS) >= COUNTS_KEPT:
                _COUNTS.clear()
            _COUNTS[text] = found
    return found


def deltas(numbers: list[int]) -> list[int]:
    return list(map(operator.sub, numbers, itertools.chain((0,), numbers)))


def undeltas(numbers: list[int]) -> list[int]:
    """The numbers deltas() was given, back (what the browser does to a posting list)."""
    out, total = [], 0
    for n in numbers:
        total += n
        out.append(total)
    return out


def bucket_count(postings: int) -> int:
    """Scaled to the directory: about POSTINGS_PER_BUCKET postings a file, a power of two."""
    count = 1
    while count * POSTINGS_PER_BUCKET < postings:
        count *= 2
    return count


def excerpt(entry: Entry) -> str:
    body = " ".join(entry.text("body").split())
    return body if len(body) <= EXCERPT else body[:EXCERPT].rstrip() + "…"


def _pack(value) -> bytes:
    # keys in the order they were made (from the entries, in their order): the same entries give the same
    # bytes, and sorting each bucket's terms cost a third of the JSON's time
    return gzip_ng.compress(orjson.dumps(value), compresslevel=GZIP_LEVEL, mtime=0)


@dataclass(frozen=True)
class Part:
    """One set of index files under search/<version>/: a base, or a delta on top of one."""
    version: str
    files: dict[str, bytes]  # by name inside the version's folder
    buckets: int
    entries: int
    filters: dict[str, list[str]]  # the values of each filter but "shop" (listed in f.json.gz)

    def out(self) -> dict[str, bytes]:
        return {f"{FOLDER}{self.version}/{name}": data for name, data in self.files.items()}


def part(entries: list[Entry], removed: list[int] | None = None) -> Part:
    """The files of some entries, numbered from 0 in the order given; a delta also lists the base's
    entries it removes (x.json.gz)."""
    # term -> its entry numbers (rising) and scores, interleaved: at 1,000 shops that is six million
    # postings, and this loop, the plainest way found, is a good part of the index's time
    postings: defaultdict[str, list[int]] = defaultdict(list)
    total = 0
    for number, entry in enumerate(entries):
        found = scores(entry)
        total += len(found)
        for term, score in found.items():
            posted = postings[term]
            posted.append(number)
            posted.append(score)
    count = bucket_count(total)
    buckets: list[list[str]] = [[] for _ in range(count)]
    where = terms.bucket
    for term in postings:
        buckets[where(term, count)].append(term)
    files, take = {}, postings.pop
    for n, names in enumerate(buckets):  # each term's postings freed once packed: never two copies of all
        files[f"t{n}.json.gz"] = _pack({term: [deltas(found[0::2]), found[1::2]] for term in names
                                        for found in (take(term),)})
    filters: dict[str, dict[str, list[int]]] = {name: {} for name in FILTERS}
    for number, entry in enumerate(entries):
        for name, values in entry.filters:
            for value in sorted(set(values)):
                filters[name].setdefault(value, []).append(number)
    files["f.json.gz"] = _pack({name: {v: deltas(ns) for v, ns in values.items()} for name, values in filters.items()})
    for start in range(0, len(entries), CHUNK):
        files[f"d{start // CHUNK}.json.gz"] = _pack([
            [e.text("title"), e.kind, e.shop, excerpt(e), e.image, e.path] for e in entries[start:start + CHUNK]])
    if removed is not None:
        files["x.json.gz"] = _pack(deltas(sorted(removed)))
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name])
    return Part(digest.hexdigest()[:12], files, count, len(entries),
                {name: sorted(filters[name]) for name in FILTERS if name != "shop"})


def names(buckets: int, entries: int) -> list[str]:
    """The names of the files part() makes of that many entries in that many buckets (but a delta's
    x.json.gz): a kept base's files are known without a list of them."""
    return ([f"t{n}.json.gz" for n in range(buckets)] + ["f.json.gz"]
            + [f"d{n}.json.gz" for n in range((entries + CHUNK - 1) // CHUNK)])


def filter_values(entries: list[Entry]) -> dict[str, list[str]]:
    """The values of each filter listed in the manifest (all but "shop") that some entries have."""
    found: dict[str, set[str]] = {name: set() for name in FILTERS if name != "shop"}
    for entry in entries:
        for name, values in entry.filters:
            if name in found:
                found[name].update(values)
    return {name: sorted(values) for name, values in found.items()}


def manifest(base: Part, delta: Part | None, language: str, filters: dict[str, list[str]]) -> bytes:
    """search/index.json: the base's folder and size, the delta's if there is one, and the filter values
    a visitor may choose (of the entries the two hold together)."""
    value = {"format": FORMAT, "version": base.version, "language": language, "buckets": base.buckets,
             "chunk": CHUNK, "entries": base.entries, "filters": filters,
             "delta": delta and {"version": delta.version, "buckets": delta.buckets, "entries": delta.entries}}
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def build(entries: list[Entry], language: str = "en") -> dict[str, bytes]:
    """Every file of a whole index (a base, no delta), by output path; entries are numbered in the order given."""
    base = part(entries)
    return {**base.out(), MANIFEST: manifest(base, None, language, base.filters)}


DELTA_SHARE = 0.05  # a delta of more than this share of the base's entries (added and removed) makes a new base


@dataclass(frozen=True)
class Update:
    """What update() made: the files to publish, and what the next update starts from."""
    files: dict[str, bytes]  # by output path: the manifest, the delta's files, and the base's when it is new
    base: Part | None  # a new base (to keep for the next build), or None when the kept base stands
    state: dict  # the base's version and size; each group's key, and its first entry, count and filter
    # values; how many groups have each filter value


def update(groups: list[tuple[str, str | bytes]], make: Callable[[str], list[Entry]], language: str, site: str,
           kept: dict | None) -> Update:
    """The index of a directory whose entries come in groups (a shop with its stores, guides and
    products; the categories), each named and with a key that changes whenever its entries do.

    With `kept`, the state of the previous update, made under the same `site` key (everything the
    entries depend on beyond their groups), only the groups whose keys changed are made again: their
    entries go into a small delta, and the base's entries of changed and removed groups are listed
    in it as removed. A delta larger than DELTA_SHARE of the base, or no usable state, makes a new base
    of every group. `make(name)` gives a group's entries; it is called only for the groups needed.
    """
    keys = dict(groups)
    old = kept.get("base") if isinstance(kept, dict) and [kept.get(k) for k in ("format", "site", "language")] \
        == [FORMAT, site, language] else None
    if old is not None:
        had = old["groups"]
        changed = sorted(name for name, _ in keys.items() - old["keys"].items())  # C's set difference: 10,000 shops
        gone = changed + sorted(old["keys"].keys() - keys.keys())
        removed = [n for name in gone if name in had for n in range(had[name][0], had[name][0] + had[name][1])]
        fresh = [entry for name in changed for entry in make(name)]
        if len(fresh) + len(removed) <= DELTA_SHARE * old["entries"]:
            base = Part(old["version"], {}, old["buckets"], old["entries"], {})
            filters = _merged(old["filters"], [had[name][2] for name in gone if name in had], filter_values(fresh))
            delta = part(fresh, removed) if changed or removed else None
            return Update({**(delta.out() if delta else {}), MANIFEST: manifest(base, delta, language, filters)},
                          None, kept)
    entries: list[Entry] = []
    placed = {}
    counts: dict[str, dict[str, int]] = {name: {} for name in FILTERS if name != "shop"}
    for name, key in groups:
        made = make(name)
        values = filter_values(made)
        # flat (filter, value, filter, value...): read back at each build, 10,000 small tuples load
        # faster than as many dicts of lists
        placed[name] = (len(entries), len(made), tuple(v for pair in _pairs(values) for v in pair))
        for filter_name, value in _pairs(values):
            counts[filter_name][value] = counts[filter_name].get(value, 0) + 1
        entries += made
    base = part(entries)
    state = {"format": FORMAT, "site": site, "language": language,
             "base": {"version": base.version, "buckets": base.buckets, "entries": base.entries, "groups": placed,
                      "keys": keys, "filters": counts}}
    return Update({**base.out(), MANIFEST: manifest(base, None, language, base.filters)}, base, state)


def _pairs(values: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, listed in values.items() for value in listed]


def _merged(counts: dict[str, dict[str, int]], less: list[tuple[str, ...]],
            more: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filter values of the base's groups (`counts`: each value with how many groups have it), less
    those of the groups a delta replaces or removes, and with those of the delta's entries."""
    found = {name: dict(values) for name, values in counts.items()}
    for flat in less:
        for name, value in zip(flat[0::2], flat[1::2]):
            found[name][value] -= 1
    return {name: sorted({value for value, count in found[name].items() if count > 0} | set(more[name]))
            for name in found}
