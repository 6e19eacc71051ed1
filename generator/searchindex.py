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

Files are gzip with a fixed time and JSON with sorted keys: the same entries give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import operator
from collections import defaultdict
from dataclasses import dataclass

from generator import terms

FOLDER = "search/"
MANIFEST = FOLDER + "index.json"
FORMAT = 1  # the files' layout: the browser script refuses a manifest of another format
WEIGHTS = {"title": 8, "tags": 4, "category": 3, "city": 3, "shop": 2, "body": 1}
FILTERS = ("category", "city", "kind", "shop")
POSTINGS_PER_BUCKET = 2000  # about 4-8 KB of gzip a bucket: the bucket count follows the postings' volume
CHUNK = 64  # display entries a file
EXCERPT = 160  # characters of body text shown with a result


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
    return list(map(operator.sub, numbers, [0, *numbers[:-1]])) if numbers else []


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
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def build(entries: list[Entry], language: str = "en") -> dict[str, bytes]:
    """Every file of the index, by output path; entries are numbered in the order given."""
    # term -> its entry numbers (rising) and scores, interleaved: at 1,000 shops that is six million
    # postings, and this loop, the plainest way found, is a good part of the index's time
    postings: defaultdict[str, list[int]] = defaultdict(list)
    total = 0
    for number, entry in enumerate(entries):
        found = scores(entry)
        total += len(found)
        for term, score in found.items():
            postings[term] += (number, score)
    count = bucket_count(total)
    buckets: list[dict] = [{} for _ in range(count)]
    where = terms.bucket
    for term, found in postings.items():
        buckets[where(term, count)][term] = [deltas(found[0::2]), found[1::2]]
    filters: dict[str, dict[str, list[int]]] = {name: {} for name in FILTERS}
    for number, entry in enumerate(entries):
        for name, values in entry.filters:
            for value in sorted(set(values)):
                filters[name].setdefault(value, []).append(number)
    files = {f"t{n}.json.gz": _pack(bucket) for n, bucket in enumerate(buckets)}
    files["f.json.gz"] = _pack({name: {v: deltas(ns) for v, ns in values.items()} for name, values in filters.items()})
    for start in range(0, len(entries), CHUNK):
        files[f"d{start // CHUNK}.json.gz"] = _pack([
            [e.text("title"), e.kind, e.shop, excerpt(e), e.image, e.path] for e in entries[start:start + CHUNK]])
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name])
    version = digest.hexdigest()[:12]
    manifest = {"format": FORMAT, "version": version, "language": language, "buckets": count,
                "chunk": CHUNK, "entries": len(entries),
                "filters": {name: sorted(filters[name]) for name in FILTERS if name != "shop"}}  # shops: in f
    out = {f"{FOLDER}{version}/{name}": data for name, data in files.items()}
    out[MANIFEST] = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return out
