"""The search index as static files: entries in, {output path: bytes} out, nothing read or written (but
the temporary files a large index is gathered in, see _spilled).

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
folder of its own: the same kinds of files for the entries of the groups (shops) that changed
since the last build, numbered after the base's and the earlier deltas' entries (a merge of the
newest deltas into it carries their living entries over from their files, scoring no text again). The manifest
names the base and the chain of deltas (at most MAX_DELTAS), each with the number of its first
entry and the earlier entries it removes (delta-encoded: in the manifest, so that a query asks
for no more than a bucket a part); the browser reads each part's bucket for a term and leaves
out every entry some delta removes.

Files are gzip with a fixed time and JSON with keys in the order made: the same entries give the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import marshal
import operator
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import orjson
from zlib_ng import gzip_ng

from generator import routes, terms

FOLDER = routes.search()
MANIFEST = FOLDER + "index.json"
FORMAT = 3  # the files' layout: the browser script refuses a manifest of another format
WEIGHTS = {"title": 8, "tags": 4, "category": 3, "city": 3, "shop": 2, "body": 1}
FILTERS = ("category", "city", "kind", "shop")
POSTINGS_PER_BUCKET = 2000  # about 4-8 KB of gzip a bucket: the bucket count follows the postings' volume
DELTA_POSTINGS_PER_BUCKET = 500  # a query reads each delta's bucket too: about 1.5 KB each
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


def let_go() -> None:
    """Forget the texts counted and the words cut while indexing: a build that is done with its index frees
    them before its pages are made (tens of megabytes at 10,000 shops); serve keeps them for its next edit."""
    _COUNTS.clear()
    terms.forget()


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
    if len(numbers) < 2:  # most terms of a delta, and many of a base, are in one entry
        return list(numbers)
    return list(map(operator.sub, numbers, itertools.chain((0,), numbers)))


def undeltas(numbers: list[int]) -> list[int]:
    """The numbers deltas() was given, back (what the browser does to a posting list)."""
    out, total = [], 0
    for n in numbers:
        total += n
        out.append(total)
    return out


def bucket_count(postings: int, per_bucket: int = POSTINGS_PER_BUCKET) -> int:
    """Scaled to the directory: about `per_bucket` postings a file, a power of two."""
    count = 1
    while count * per_bucket < postings:
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


def part(entries: Iterable[Entry], delta: bool = False, scratch: str | None = None) -> Part:
    """The files of some entries, numbered from 0 in the order given: a base, or a delta (smaller buckets).
    More than RUN entries are gathered RUN at a time (see _spilled): given as they are made (an
    iterator), they are never all held at once; `scratch` is the folder of their temporary files (None:
    the system's)."""
    entries = iter(entries)
    first = list(itertools.islice(entries, RUN + 1))
    if len(first) > RUN:
        return _spilled(itertools.chain(first, entries), delta, scratch)
    return _files(_gather(first), delta)


@dataclass
class _Gathered:
    """A part's contents before they are packed: each term's entry numbers (rising) and scores,
    interleaved; each filter value's entry numbers; each entry's display row."""
    postings: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # a merge's carried terms, before those of `postings`: [entry numbers delta-encoded, scores], as packed
    carried: dict[str, list] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)  # each carried term's last entry number
    filters: dict[str, dict[str, list[int]]] = field(default_factory=lambda: {name: {} for name in FILTERS})
    rows: list[list] = field(default_factory=list)
    packed: int = 0  # display rows already packed (by _spilled), before those in `rows`


def _gather(entries: list[Entry], into: _Gathered | None = None) -> _Gathered:
    """Entries scored and added after those `into` holds (numbered on from them)."""
    found = into or _Gathered()
    # at 1,000 shops that is six million postings, and this loop, the plainest way found, is a good part
    # of the index's time
    postings, start = found.postings, found.packed + len(found.rows)
    for number, entry in enumerate(entries, start):
        for term, score in scores(entry).items():
            posted = postings[term]
            posted.append(number)
            posted.append(score)
    for number, entry in enumerate(entries, start):
        for name, values in entry.filters:
            for value in sorted(set(values)):
                found.filters[name].setdefault(value, []).append(number)
    found.rows += [[e.text("title"), e.kind, e.shop, excerpt(e), e.image, e.path] for e in entries]
    return found


def _carried(parts: list[tuple[int, int, dict[str, bytes]]], kept: list[range]) -> _Gathered:
    """The entries numbered in `kept` (global numbers, rising) of some parts (each with its first entry's
    number, its count of entries and its files), taken from their files as they are and numbered from 0
    in their order: a merge of deltas scores no text again. A term's postings stay delta-encoded, as its
    files hold them: a part taken whole only has each list's first number moved."""
    renumber: dict[int, int] = {}
    for span in kept:
        renumber.update(zip(span, range(len(renumber), len(renumber) + len(span))))
    found = _Gathered()
    carried, last_of, new, accumulate = found.carried, found.last, renumber.get, itertools.accumulate
    for first, entries, files in parts:
        taken = [new(first + n, -1) for n in range(entries)]
        whole = taken and taken[0] >= 0 and taken[-1] - taken[0] == entries - 1  # all taken: numbers shifted
        shift = taken[0] if whole else None
        for name, data in files.items():
            if name[0] != "t":
                continue
            for term, (numbers, points) in orjson.loads(gzip_ng.decompress(data)).items():
                # no statement a posting, few a term: a merge moves tens of thousands of postings, and
                # thousands of terms with one or two each
                if shift is not None:
                    last = shift + sum(numbers)
                    numbers[0] += shift
                else:
                    numbers = list(map(taken.__getitem__, accumulate(numbers)))
                    if -1 in numbers:
                        points = list(itertools.compress(points, map((-1).__ne__, numbers)))
                        numbers = [n for n in numbers if n >= 0]
                        if not numbers:  # placed all the same: the terms keep the order they had
                            if term not in carried:
                                carried[term], last_of[term] = [[], []], 0
                            continue
                    last, numbers = numbers[-1], deltas(numbers)
                held = carried.get(term)
                if held is None:
                    carried[term] = [numbers, points]
                else:
                    numbers[0] -= last_of[term]
                    held[0] += numbers
                    held[1] += points
                last_of[term] = last
        for name, values in orjson.loads(gzip_ng.decompress(files["f.json.gz"])).items():
            for value, numbers in values.items():
                taken_here = [taken[n] for n in itertools.accumulate(numbers) if taken[n] >= 0]
                if taken_here:
                    found.filters[name].setdefault(value, []).extend(taken_here)
        rows = [row for n in range((len(taken) + CHUNK - 1) // CHUNK)
                for row in orjson.loads(gzip_ng.decompress(files[f"d{n}.json.gz"]))]
        found.rows += [row for row, number in zip(rows, taken) if number >= 0]
    for term in [term for term, held in carried.items() if not held[1]]:
        del carried[term], last_of[term]
    return found


def _files(found: _Gathered, delta: bool) -> Part:
    postings, carried = found.postings, found.carried
    for term in [term for term in postings if term in carried]:  # scored entries after a merge's carried ones
        posted, held = postings.pop(term), carried[term]
        numbers = deltas(posted[0::2])
        numbers[0] -= found.last[term]
        held[0] += numbers
        held[1] += posted[1::2]
    total = sum(map(len, postings.values())) // 2 + sum(len(held[1]) for held in carried.values())
    count = _bucket_count(total, delta)
    take, held_of = postings.pop, carried.pop
    packed = _buckets(itertools.chain(carried, postings), count,
                      lambda term: held_of(term, None) or _encoded(take(term)))
    return _finished(packed, count, found)


def _bucket_count(postings: int, delta: bool) -> int:
    return bucket_count(postings, DELTA_POSTINGS_PER_BUCKET if delta else POSTINGS_PER_BUCKET)


def _encoded(posted: list[int]) -> list[list[int]]:
    """A term's gathered postings (entry number, score, ...) as its bucket holds them."""
    return [deltas(posted[0::2]), posted[1::2]]


def _buckets(order: Iterable[str], count: int, posting: Callable[[str], list]) -> dict[int, bytes]:
    """The term files holding these terms (in this order, in each bucket) by bucket number, each term's
    postings taken from posting(term) as its bucket is packed: never two copies of all."""
    buckets: defaultdict[int, list[str]] = defaultdict(list)
    where = terms.bucket
    for term in order:
        buckets[where(term, count)].append(term)
    return {n: _pack({term: posting(term) for term in names}) for n, names in buckets.items()}


RUN = 5_000  # a part of more entries is gathered this many at a time, each run's postings kept on disk
RANGES = 16  # ... in as many temporary files, by bucket (a power of two: a range holds whole buckets)


def _spilled(entries: Iterator[Entry], delta: bool, scratch: str | None) -> Part:
    """The files of many entries, as _files(_gather(entries)) makes them, byte for byte, without all
    their postings in memory at once (at 10,000 shops, 57 million: about 1 GB of Python lists).
    The entries are gathered RUN at a time; each run's postings go to the temporary file of their range
    of buckets (bucket modulo RANGES); then each range is read back, its runs joined in order (a term's
    entry numbers still rise; its terms keep the order they were first met), and its buckets packed.
    A part of fewer than RANGES buckets (never one of RUN entries of real text: thousands) joins ranges
    in one bucket: its terms may then come in another order, with the same answers."""
    found, files = _Gathered(), {}
    total, where = 0, terms.bucket
    with contextlib.ExitStack() as stack:
        spills = [stack.enter_context(tempfile.TemporaryFile(dir=scratch)) for _ in range(RANGES)]
        runs: list[list[int]] = [[] for _ in range(RANGES)]  # each range's runs: their sizes in its file
        for run in iter(lambda: list(itertools.islice(entries, RUN)), []):
            _gather(run, found)
            del run
            ranges: list[dict[str, list[int]]] = [{} for _ in range(RANGES)]
            for term, posted in found.postings.items():
                ranges[where(term, RANGES)][term] = posted
                total += len(posted)
            found.postings = defaultdict(list)
            for spill, held, sizes in zip(spills, ranges, runs):
                sizes.append(spill.write(marshal.dumps(held)))  # read back whole: marshal.load from a
                # file reads it a few bytes at a time, and took half the index's time
            del ranges
            whole = len(found.rows) - len(found.rows) % CHUNK  # the run's display rows, packed now
            files.update(_displays(found.rows[:whole], found.packed))
            del found.rows[:whole]
            found.packed += whole
        count = _bucket_count(total // 2, delta)
        ways = min(RANGES, count)  # a bucket's terms are in the range(s) of bucket modulo `ways`
        packed: dict[int, bytes] = {}
        for way in range(ways):
            joined: dict[str, list[int]] = {}
            for spill, sizes in zip(spills[way::ways], runs[way::ways]):
                spill.seek(0)
                for size in sizes:
                    for term, posted in marshal.loads(spill.read(size)).items():
                        held = joined.get(term)
                        if held is None:
                            joined[term] = posted
                        else:
                            held += posted
                spill.truncate(0)
            take = joined.pop
            packed.update(_buckets(joined, count, lambda term: _encoded(take(term))))
    return _finished(packed, count, found, files)


def _finished(packed: dict[int, bytes], count: int, found: _Gathered, files: dict[str, bytes] | None = None) -> Part:
    """A part of these term files (by bucket number; a bucket with no term has none): with its filters' and
    display rows' files (those packed already in `files`), named by its content."""
    empty = _pack({})
    files = {**{f"t{n}.json.gz": packed.pop(n, empty) for n in range(count)}, **(files or {})}
    filters = found.filters
    files["f.json.gz"] = _pack({name: {v: deltas(ns) for v, ns in values.items()} for name, values in filters.items()})
    files.update(_displays(found.rows, found.packed))
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name])
    return Part(digest.hexdigest()[:12], files, count, found.packed + len(found.rows),
                {name: sorted(filters[name]) for name in FILTERS if name != "shop"})


def _displays(rows: list[list], first: int) -> dict[str, bytes]:
    """The display files of some rows, the first numbered `first` (a multiple of CHUNK)."""
    return {f"d{(first + start) // CHUNK}.json.gz": _pack(rows[start:start + CHUNK])
            for start in range(0, len(rows), CHUNK)}


def names(buckets: int, entries: int) -> list[str]:
    """The names of the files part() makes of that many entries in that many buckets: a kept part's
    files are known without a list of them."""
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


def manifest(base: dict, chain: list[dict], language: str, filters: dict[str, list[str]]) -> bytes:
    """search/index.json: the base's folder and size, each delta's with the number of its first entry and
    the earlier entries it removes, and the filter values a visitor may choose (of the entries they hold
    together)."""
    value = {"format": FORMAT, "version": base["version"], "language": language, "buckets": base["buckets"],
             "chunk": CHUNK, "entries": base["entries"], "filters": filters,
             "deltas": [{"version": delta["version"], "buckets": delta["buckets"], "entries": delta["entries"],
                         "first": delta["first"], "removed": deltas(delta["removed"])}
                        for delta in chain]}
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def build(entries: list[Entry], language: str = "en") -> dict[str, bytes]:
    """Every file of a whole index (a base, no delta), by output path; entries are numbered in the order given."""
    base = part(entries)
    return {**base.out(), MANIFEST: manifest(_size(base), [], language, base.filters)}


def _size(made: Part) -> dict:
    return {"version": made.version, "buckets": made.buckets, "entries": made.entries}


DELTA_SHARE = 0.05  # deltas of more than this share of the base's entries (added and removed) make a new base
MAX_DELTAS = 4  # a query reads each delta's bucket too: past this many, the newest are merged


@dataclass(frozen=True)
class Update:
    """What update() made: the files to publish, and what the next update starts from."""
    files: dict[str, bytes]  # by output path: the manifest, and the files of the base or delta made
    base: Part | None  # a new base (to keep for the next build), or None when the kept base stands
    delta: Part | None  # a new delta at the end of the chain (to keep), or None
    state: dict  # the base: its version and size, each group's key, first entry, count and filter values, how
    # many groups have each filter value; the chain of deltas on it, each with the same of its own groups (a
    # removed group's key None), its first entry's number and the numbers of earlier entries it removes


def update(groups: list[tuple[str, str | bytes]], make: Callable[[str], list[Entry]], language: str, site: str,
           kept: dict | None, parts: Callable[[str], dict[str, bytes] | None] | None = None,
           whole: bool = True, scratch: str | None = None) -> Update | None:
    """The index of a directory whose entries come in groups (a shop with its stores, guides and
    products; the categories), each named and with a key that changes whenever its entries do.

    With `kept`, the state of the previous update, made under the same `site` key (everything the
    entries depend on beyond their groups), only the groups whose keys changed since then are made
    again: their entries go into a small delta at the end of the chain, which also lists the earlier
    entries of changed and removed groups as removed. The newest deltas are merged into that one while
    the living entries of the one before (those of its groups not changed since) are no more than the
    new delta holds so far, or while the chain would pass MAX_DELTAS: a chain stays short. A merge takes the merged deltas' living entries from their files as they are
    (`parts(version)`: a kept part's files by name, or None when they cannot be had), so every build
    scores the texts of its changed groups only. Deltas holding more than DELTA_SHARE of the base, no
    usable state, or a merged delta's files missing make a new base of every group. `make(name)` gives
    a group's entries; it is called only for the groups needed. With whole=False, None instead of a
    new base (the caller makes it later: it takes seconds). A large base is gathered in temporary files
    in `scratch` (see part).
    """
    keys = dict(groups)
    if isinstance(kept, dict) and [kept.get(k) for k in ("format", "site", "language")] == [FORMAT, site, language]:
        chained = _chained(kept, keys, make, language, parts or (lambda version: None))
        if chained is not None:
            return chained
    if not whole:
        return None
    placed = {}
    counts: dict[str, dict[str, int]] = {name: {} for name in FILTERS if name != "shop"}

    def made_in_order() -> Iterator[Entry]:  # as part() takes them: never all held at once
        first = 0
        for name, key in groups:
            made = make(name)
            flat = _flat(filter_values(made))
            placed[name] = (first, len(made), flat)
            for filter_name, value in zip(flat[0::2], flat[1::2]):
                counts[filter_name][value] = counts[filter_name].get(value, 0) + 1
            first += len(made)
            yield from made
    base = part(made_in_order(), scratch=scratch)
    state = {"format": FORMAT, "site": site, "language": language,
             "base": {**_size(base), "groups": placed, "keys": keys, "filters": counts}, "deltas": []}
    return Update({**base.out(), MANIFEST: manifest(_size(base), [], language, base.filters)}, base, None, state)


def _chained(old: dict, keys: dict, make: Callable[[str], list[Entry]], language: str,
             parts: Callable[[str], dict[str, bytes] | None]) -> Update | None:
    """The kept base and chain with a delta of the groups changed since (merged with the newest deltas
    as update() says), or None when the deltas would pass DELTA_SHARE of the base or a merged delta's
    files are missing."""
    base, chain = old["base"], list(old["deltas"])
    live, where = _live(base, chain)
    changed = sorted(name for name, _ in keys.items() - live.items())  # C's set difference: 10,000 shops
    gone = sorted(live.keys() - keys.keys())
    if not changed and not gone:
        return Update({MANIFEST: manifest(base, chain, language, _filters(base, chain, where))}, None, None, old)
    fresh = {name: make(name) for name in changed}
    size = sum(map(len, fresh.values()))
    carried: dict[str, tuple] = {}  # the living groups of the merged deltas: their entries taken as they are
    holding: list[dict] = []  # the merged deltas that hold some of them, in the chain's order
    while chain:
        last = chain[-1]  # its groups that stay as they are, in it (where _live placed them: even with no entry)
        living = [name for name, key in last["keys"].items() if key is not None and name in keys
                  and name not in fresh and where[name] is last["groups"][name]]
        if len(chain) < MAX_DELTAS and sum(where[name][1] for name in living) > size:
            break
        merged = chain.pop()  # merged into the new delta (a delta none of whose groups live on: dropped)
        for name in living:
            carried[name] = where[name]
            size += where[name][1]
        if living:
            holding.insert(0, merged)
        gone += [name for name, key in merged["keys"].items() if key is None and name not in keys]
    first = chain[-1]["first"] + chain[-1]["entries"] if chain else base["entries"]
    merging = old["deltas"][len(chain):]
    removed = {n for delta in merging for n in delta["removed"] if n < first}
    for name in [*fresh, *gone]:
        if name in where and where[name][0] < first:
            removed.update(range(where[name][0], where[name][0] + where[name][1]))
    if sum(delta["entries"] + len(delta["removed"]) for delta in chain) + size + len(removed) \
            > DELTA_SHARE * base["entries"]:
        return None
    found, names = _Gathered(), sorted(carried, key=lambda name: carried[name][0])  # in the merged deltas' order
    if holding:
        files = [parts(delta["version"]) for delta in holding]
        if any(got is None or not got.keys() >= set(_names(delta)) for delta, got in zip(holding, files)):
            return None
        try:
            found = _carried([(delta["first"], delta["entries"], got) for delta, got in zip(holding, files)],
                             [range(carried[name][0], carried[name][0] + carried[name][1]) for name in names])
        except Exception:  # noqa: BLE001 - a damaged pack (bad gzip or JSON) only costs a new base
            return None
    names += sorted(fresh)
    for name in sorted(fresh):
        _gather(fresh[name], found)
    delta = _files(found, delta=True)
    placed, keys_of, at = {}, dict.fromkeys(gone), first
    for name in names:
        count, flat = (carried[name][1], carried[name][2]) if name in carried else \
            (len(fresh[name]), _flat(filter_values(fresh[name])))
        placed[name] = (at, count, flat)
        keys_of[name] = keys[name]
        at += count
    chain.append({**_size(delta), "first": first, "removed": tuple(sorted(removed)), "groups": placed,
                  "keys": keys_of})
    for name in gone:  # where each group is now, as _live would find it again
        where.pop(name, None)
    where.update(placed)
    return Update({**delta.out(), MANIFEST: manifest(base, chain, language, _filters(base, chain, where))},
                  None, delta, {**old, "deltas": chain})


def _names(part: dict) -> list[str]:
    return names(part["buckets"], part["entries"])


def _flat(values: dict[str, list[str]]) -> tuple[str, ...]:
    # (filter, value, filter, value...): read back at each build, 10,000 small tuples load faster than
    # as many dicts of lists
    return tuple(v for name, listed in values.items() for value in listed for v in (name, value))


def _live(base: dict, chain: list[dict]) -> tuple[dict, dict]:
    """Each group's key and (first entry, count, filter values) as the base and its deltas leave them."""
    keys, where = dict(base["keys"]), dict(base["groups"])
    for delta in chain:
        for name, key in delta["keys"].items():
            if key is None:
                keys.pop(name, None)
                where.pop(name, None)
            else:
                keys[name], where[name] = key, delta["groups"][name]
    return keys, where


def _filters(base: dict, chain: list[dict], where: dict) -> dict[str, list[str]]:
    """The filter values some group has: the base's groups counted with each value (`filters`), those a
    delta replaces or removes taken off, those of the groups living in deltas (`where`, from _live) put on."""
    found = {name: dict(values) for name, values in base["filters"].items()}
    for name in {name for delta in chain for name in delta["keys"]}:
        for flat, step in ((base["groups"].get(name), -1), (where.get(name), 1)):
            if flat is not None:
                for filter_name, value in zip(flat[2][0::2], flat[2][1::2]):
                    found[filter_name][value] = found[filter_name].get(value, 0) + step
    return {name: sorted(value for value, count in values.items() if count > 0) for name, values in found.items()}
