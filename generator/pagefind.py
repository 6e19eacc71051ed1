"""Pagefind: the records of shops and products (search.Records) indexed by Pagefind, in shards for a
large directory, by a forked process beside the rest of the build.

Pagefind reads only these records, never the built pages, and the index files come back to be
published with the rest of the site.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Iterator

from generator import processes, routes
from generator.markup import Markdown
from generator.model import Directory
from generator.output import OutputError
from generator.search import Record, Records

INDEXER = "pagefind-extended-1.4.0-v2"  # part of the cache key: another indexer makes another index


class IndexerFailed(OutputError):
    """Pagefind stopped with an error (a full disk, a missing library): not a problem in the content."""


# The search UI's copy of Pagefind's module, published in routes.pagefind_ready() and given to the UI as its
# bundle path: a search waits until every filter is loaded. The UI starts loading the filters and its
# first search at the same time, and a search that ends first lists only the filters loaded by then
# (on a slow phone the category filter was missing until the visitor typed again).
READY_MODULE = b"""import * as pagefind from "../pagefind.js";
export * from "../pagefind.js";
export async function search(term, options) {
  await pagefind.filters();
  return pagefind.search(term, options);
}
"""

SHARD_RECORDS = 3000  # records per index: more are split into shards, indexed in parallel and apart


def split(shops: list[str], records: int) -> list[tuple[str, list[str]]]:
    """Which shops' records go in which index shard, with the folder each shard is published in.

    A directory is split only when one index would be slow and large to build (more than
    SHARD_RECORDS records): the search page loads Pagefind's code once for all shards, but each
    shard adds a small metadata file on opening and one more request per query. A shop and its
    products always share a shard, and stay in it when shops are added. The first shard is
    published in routes.pagefind_index(), with the search UI; a shard with no shop is left out.
    """
    groups: list[list[str]] = [[] for _ in range(max(1, -(-records // SHARD_RECORDS)))]
    for shop in shops:
        groups[int(hashlib.sha256(shop.encode("utf-8")).hexdigest()[:8], 16) % len(groups)].append(shop)
    groups = [group for group in groups if group]  # no shop at all: nothing to index, no index
    return [(routes.pagefind_index(n), group) for n, group in enumerate(groups)]


def split_of(directory: Directory) -> list[tuple[str, list[str]]]:
    return split([shop.slug for shop in directory.shops], len(directory.shops) + len(directory.products))


def shards(directory: Directory, strings: dict, pictures: dict, markdown: Markdown,
           folders: list[tuple[str, list[str]]]) -> Iterator[tuple[str, list[Record]]]:
    """Each shard's folder and records (its shops, then their products, each in the directory's order),
    made one shard at a time: a large directory's records are never all held at once. `folders` is the
    directory's split_of, which the search page also needs."""
    shard_of = {slug: n for n, (_, slugs) in enumerate(folders) for slug in slugs}
    shops: list[list] = [[] for _ in folders]
    products: list[list] = [[] for _ in folders]
    for shop in directory.shops:
        shops[shard_of[shop.slug]].append(shop)
    for product in directory.products:
        products[shard_of[product.shop]].append(product)
    make = Records(directory, strings, pictures, markdown)
    for n, (folder, _) in enumerate(folders):
        yield folder, [make.shop(shop) for shop in shops[n]] + [make.product(p) for p in products[n]]
        shops[n] = products[n] = []


def _fields(item: Record) -> tuple:
    return tuple(getattr(item, field.name) for field in dataclasses.fields(Record))


class Indexing:
    """The search index, made beside the rest of the build by a forked process of its own.

    That process makes each shard's records (see shards), writes them for Pagefind and runs at
    most `jobs` Pagefind processes at once; this one goes on planning and rendering, and files()
    waits for the index. It and its Pagefind processes die with the build (see processes). Where no
    process can be forked (or another thread runs), files() does the same work itself.
    """

    def __init__(self, shards: Iterable[tuple[str, list[Record]]], folders: list[str], language: str,
                 cache_dir: Path | None, jobs: int, start: bool = True):
        self.folders = folders
        # the record pages and the indexes: no folder made when there is no index to make (the own engine)
        self.work = processes.temporary_folder("search") if folders else None
        self.shards = _Shards(shards, language, cache_dir, jobs, self.work)
        self.child: int | None = None
        self.pipe: int | None = None
        self.started = False
        if start:
            self.start()

    def start(self) -> int | None:
        """Start indexing in a forked process, if there is an index to make; what ready() says then."""
        self.started = True
        if self.folders:
            self.pipe, writer = os.pipe()
            self.child = processes.fork(wait=False)
            if self.child == 0:  # never returns into the build's code, whatever happens
                try:
                    os.close(self.pipe)
                    _index_and_report(self.shards, writer)
                finally:
                    os._exit(1)
            os.close(writer)
            if self.child is None:
                os.close(self.pipe)
                self.pipe = None
        return self.ready()

    def ready(self) -> int | None:
        """A file descriptor that becomes readable when the index is made by the forked process; None when
        files() would not wait for one (no index, or no process: files() makes it)."""
        return self.pipe if self.folders and self.child is not None else None

    def files(self) -> dict[str, bytes | str]:
        """Every index file of every shard, by output path (waits for the index to be made): the file's
        path in the cache, or its bytes when it is not in the cache. Paths are plain strings: a large
        directory's index is over 100,000 files."""
        if not self.folders:  # no index in this build (--no-search, or no shop): the cached shards stay for the next
            self.close()
            return {}
        try:
            if not self.started:
                self.start()
            if self.child is None:
                found = {name: str(path) for name, path in self.shards.files().items()}
            else:
                with os.fdopen(self.pipe, "rb") as reader:
                    self.pipe = None
                    said = json.loads(reader.read() or b'{"error": "the indexing process stopped"}')
                processes.reap(self.child)
                self.child = None
                if "error" in said:
                    raise (IndexerFailed if said.get("indexer") else RuntimeError)(said["error"])
                found = said["files"]
            # what is not in the cache (none, or one that could not take it) is read before the work folder goes;
            # changed in place: at 10,000 shops these are 113,000 files, and a copy is memory at the build's peak
            cache = None if self.shards.cache_dir is None else os.path.join(self.shards.cache_dir, "")
            for name, path in found.items():
                if not (cache and path.startswith(cache)):
                    found[name] = Path(path).read_bytes()
            found[routes.pagefind_ready() + "pagefind.js"] = READY_MODULE
            return found
        finally:
            self.close()

    def close(self) -> None:
        """Stop what still runs (a build that failed or was interrupted) and remove the work folder."""
        if self.child is not None:
            os.kill(self.child, signal.SIGTERM)  # it stops its Pagefind processes and leaves
            processes.reap(self.child)
            self.child = None
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None
        self.shards.close()
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)


def _index_and_report(shards: "_Shards", writer: int) -> None:
    """In the forked process: make the index, send back where its files are (or why not), and leave."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    shards.parent = os.getppid()  # the build: when it is gone (killed), so is the reason to index
    shards.dying = processes.dying_with_this_process()  # no other thread runs here: preexec_fn is safe
    try:
        said = {"files": {name: str(path) for name, path in shards.files().items()}}
    except BaseException as error:  # noqa: BLE001 - whatever it is, the build reports it
        said = {"error": str(error) or type(error).__name__, "indexer": isinstance(error, IndexerFailed)}
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        shards.close()
    try:
        with os.fdopen(writer, "wb") as handle:
            handle.write(json.dumps(said).encode("utf-8"))
    finally:
        os._exit(0)


class _Shards:
    """Each shard indexed by one Pagefind process, at most `jobs` at once.

    Each shard comes from the cache when the same records were indexed before (the key is a hash
    of every record, the language, the shard's folder and the indexer's version, so any change to
    what is searched makes a new index).
    """

    def __init__(self, shards: Iterable[tuple[str, list[Record]]], language: str, cache_dir: Path | None,
                 jobs: int, work: Path | None):
        self.shards, self.language, self.cache_dir, self.jobs, self.work = shards, language, cache_dir, max(1, jobs), work
        self.done: dict[str, Path] = {}
        self.waiting: list[tuple[str, str]] = []  # (folder, cache key) of shards whose pages are written
        self.running: list[tuple[str, str, subprocess.Popen, Path]] = []
        self.keys: list[str] = []
        self.parent: int | None = None  # set in a forked indexing process: the build it works for
        self.dying = None  # there, what makes its Pagefind processes die with it

    def _orphaned(self) -> bool:
        return self.parent is not None and os.getppid() != self.parent

    def _write(self) -> None:
        for folder, records in self.shards:  # each shard's records are dropped once its pages are written
            if self._orphaned():
                raise RuntimeError("the build stopped")
            key = hashlib.sha256(json.dumps([INDEXER, self.language, folder, [_fields(i) for i in records]],
                                            ensure_ascii=False).encode("utf-8")).hexdigest()[:20]
            self.keys.append(key)
            cached = self._from_cache(key, folder)
            if cached is not None:
                self.done.update(cached)
                continue
            site = self.work / key / "site"
            site.mkdir(parents=True)
            for item in records:
                target = site / routes.file_for(item.path)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(record_page(item, self.language), "utf-8")
            self.waiting.append((folder, key))
            self._poll()  # the first shards are indexed while the later ones are written

    def _from_cache(self, key: str, folder: str) -> dict | None:
        if self.cache_dir is None:
            return None
        try:
            names = json.loads((self.cache_dir / "search" / key / "files.json").read_text("utf-8"))
            found = {folder + name: self.cache_dir / "search" / key / "files" / name for name in names}
            return found if all(path.is_file() for path in found.values()) else None
        except (OSError, ValueError):
            return None

    def _poll(self) -> None:
        """Collect finished shards and start waiting ones while fewer than `jobs` run."""
        for entry in list(self.running):
            if entry[2].poll() is not None:
                self.running.remove(entry)
                self._collect(*entry)
        while self.waiting and len(self.running) < self.jobs:
            folder, key = self.waiting.pop(0)
            site, out = self.work / key / "site", self.work / key / "index"
            process = subprocess.Popen([_indexer(), "--site", str(site), "--output-path", str(out), "--silent"],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       preexec_fn=self.dying if self.parent is not None else None)
            self.running.append((folder, key, process, out))

    def _collect(self, folder: str, key: str, process: subprocess.Popen, out: Path) -> None:
        said = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
        if process.wait() != 0:
            raise IndexerFailed(f"the search indexer failed, so nothing was published: {said.strip()[:500]}")
        files = {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*")) if p.is_file()}
        kept = self._keep(key, files)
        self.done.update({folder + name: path for name, path in (kept or files).items()})
        shutil.rmtree(self.work / key / "site", ignore_errors=True)  # the record pages, read: here, not at the end

    def _keep(self, key: str, files: dict[str, Path]) -> dict[str, Path] | None:
        if self.cache_dir is None:
            return None
        folder = self.cache_dir / "search" / key
        try:
            shutil.rmtree(folder, ignore_errors=True)
            (folder / "files").mkdir(parents=True)
            for name, path in files.items():  # linked: if the cache cannot take them, they stay where they are
                (folder / "files" / name).parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(path, folder / "files" / name)
            (folder / "files.json").write_text(json.dumps(sorted(files)), "utf-8")  # last: marks it complete
        except OSError:
            return None
        return {name: folder / "files" / name for name in files}

    def files(self) -> dict[str, Path]:
        """Every index file of every shard, by output path: all shards written, indexed and collected."""
        self._write()
        while self.waiting or self.running:
            if self._orphaned():
                raise RuntimeError("the build stopped")
            if self.running:
                try:
                    self.running[0][2].wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    pass
            self._poll()
        if self.cache_dir is not None and (self.cache_dir / "search").is_dir():
            for old in (self.cache_dir / "search").iterdir():  # only this index's shards are kept
                if old.name not in self.keys:
                    shutil.rmtree(old, ignore_errors=True)
        return self.done

    def close(self) -> None:
        """Stop the Pagefind processes that still run."""
        for _, _, process, _ in self.running:
            process.kill()
            process.wait()
        self.running, self.waiting = [], []


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _indexer() -> str:
    from pagefind_bin_extended import get_executable
    return str(get_executable())


def _inert(text: str) -> str:
    """A filter name or value as Pagefind may keep it. Pagefind decodes entities in filter values, however
    often they are escaped, and its UI inserts them as HTML: so the characters that make markup are
    replaced by look-alikes that cannot (a city written "<b>" is listed as "‹b›" among the filters)."""
    return text.replace("&", "＆").replace("<", "‹").replace(">", "›")


def record_page(item: Record, language: str) -> str:
    """One record as the page Pagefind reads: body text, metadata and filters, nothing else."""
    esc = html.escape
    meta = "".join(f'<span data-pagefind-meta="{esc(k)}">{esc(v)}</span>' for k, v in item.meta if v)
    filters = "".join(f'<span data-pagefind-filter="{esc(_inert(k))}">{esc(_inert(v))}</span>'
                      for k, values in item.filters for v in values)
    return (f'<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8"><title>{esc(item.title)}</title>'
            f'</head><body><main data-pagefind-body><h1>{esc(item.title)}</h1><p>{esc(item.content)}</p>'
            f'<div data-pagefind-ignore>{meta}{filters}</div></main></body></html>')
