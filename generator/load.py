"""Read the site's files from disk into parsed sources. The only module that walks the content tree."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import pickle
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator import fingerprint
from generator.model import Limits
from generator.problems import Problem
from generator.sources import Doc, MarkdownSource, decode, parse_markdown, parse_yaml



@dataclass(frozen=True)
class ProductSource:
    slug: str
    path: str  # relative to the site root
    source: MarkdownSource


@dataclass(frozen=True)
class ShopSource:
    slug: str  # the folder name
    path: str  # content/shops/<slug>
    doc: Doc | None  # shop.yaml; None when missing or unreadable
    products: tuple[ProductSource, ...]  # the product files that could be read
    product_slugs: frozenset[str]  # every product file's name, read or not
    files: frozenset[str]  # every regular file, relative to the shop folder
    escaping: frozenset[str]  # symbolic links (files or folders) that lead outside the shop folder


@dataclass(frozen=True)
class PageSource:
    slug: str
    path: str
    source: MarkdownSource


@dataclass(frozen=True)
class Sources:
    root: Path
    categories: Doc | None
    curation: Doc | None
    pages: tuple[PageSource, ...]
    shops: tuple[ShopSource, ...]
    unreadable: frozenset[str]  # files that exist but could not be parsed at all


def _read_bytes(root: Path, rel: str, problems: list[Problem], limits: Limits) -> bytes | None:
    full = root / rel
    try:
        size = full.stat().st_size
        if size > limits.file_bytes:
            problems.append(Problem(rel, 1, 1, f"the file is {size:,} bytes; at most {limits.file_bytes:,} are allowed"))
            return None
        return full.read_bytes()
    except OSError as error:
        problems.append(Problem(rel, 1, 1, f"cannot be read: {error.strerror or error}"))
        return None


def _decoded(rel: str, data: bytes, problems: list[Problem]) -> str | None:
    text, found = decode(rel, data)
    problems.extend(found)
    return text


class _Pickler(pickle.Pickler):
    """Writes each text that is not ASCII as its UTF-8 bytes. CPython keeps, inside every such string
    that pickle writes, a UTF-8 copy of it for as long as the string lives: these strings live on in
    the model, where the copies came to hundreds of megabytes at 10,000 shops."""

    def persistent_id(self, obj):
        return obj.encode("utf-8", "surrogatepass") if type(obj) is str and not obj.isascii() else None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        return pid.decode("utf-8", "surrogatepass")


class Parsed:
    """Files parsed by the previous build, kept in the cache by path (safe to delete).

    A file whose status (fingerprint.status) is the one recorded is not read at all. Any other is
    read and its bytes hashed: the same bytes are not parsed again, so a checkout of another branch,
    a fresh clone with a restored cache or a revision unpacked by `shopdir review` parses only the
    files whose content differs. A status is recorded only once the file has settled
    (fingerprint.settled). The key holds the limits, the Python version and shopdir's code: any
    change parses everything. The cache is an SQLite table of one row per file, so a build that
    parsed one file again writes one row (at 10,000 shops the whole cache is about 400 MB). A file
    that is not a database is replaced.
    """

    def __init__(self, cache_dir: Path, limits: Limits, carried: tuple | None = None):
        self.path = cache_dir / "sources.sqlite"
        self.started = time.time_ns()
        self.key = repr((repr(limits), sys.version, fingerprint.code_digest()))
        self.old: dict = {}
        self.new: dict = {}
        self.fresh: set[str] = set()  # files whose entry in `new` is not the one in `old` (to write)
        self.valid = False  # whether the cache was written under this key
        self.saved = False  # whether the cache holds what this build parsed (see carry)
        if carried is not None and carried[:2] == (self.path, self.key):  # what the last build kept in memory
            self.old, self.valid = carried[2], True
            return
        try:
            with contextlib.closing(sqlite3.connect(self.path)) as db:
                if db.execute("SELECT value FROM about WHERE name = 'key'").fetchone() == (self.key,):
                    self.valid = True
                    self.old = {rel: _Unpickler(io.BytesIO(entry)).load()
                                for rel, entry in db.execute("SELECT rel, entry FROM parsed")}
        except Exception:  # noqa: BLE001 - a missing, old or damaged cache only costs time
            self.old, self.valid = {}, False
        (cache_dir / "sources.pickle").unlink(missing_ok=True)  # the earlier form of this cache

    def get(self, rel: str, stat: os.stat_result):
        """The outcome kept for a file whose status is the one recorded, else None (read it)."""
        entry = self.old.get(rel)
        if entry is not None and entry[0] is not None and entry[0] == fingerprint.status(stat):
            self.new[rel] = entry
            return entry[2]
        return None

    def get_by_content(self, rel: str, stat: os.stat_result, digest: bytes):
        """The outcome kept for these bytes at this path, else None (parse them)."""
        entry = self.old.get(rel)
        if entry is not None and entry[1] == digest:
            status = self._status(stat)
            if entry[0] == status:  # unchanged: not written again
                self.new[rel] = entry
            else:
                self.new[rel] = (status, digest, entry[2])
                self.fresh.add(rel)
            return entry[2]
        return None

    def put(self, rel: str, stat: os.stat_result, digest: bytes, outcome: tuple) -> None:
        self.new[rel] = (self._status(stat), digest, outcome)
        self.fresh.add(rel)

    def _status(self, stat: os.stat_result):
        return fingerprint.status(stat) if fingerprint.settled(stat, self.started) else None

    def save(self) -> None:
        """Write the files this build parsed and forget those it did not see; nothing when it parsed none."""
        changed = sorted(self.fresh)  # parsed again, or their status recorded anew
        gone = sorted(self.old.keys() - self.new.keys())
        if self.valid and not changed and not gone:
            self.saved = True
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # a first build: no cache folder yet
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                if not self.valid:
                    db.execute("DROP TABLE IF EXISTS parsed")
                    db.execute("DROP TABLE IF EXISTS about")
                    db.execute("CREATE TABLE about (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                    db.execute("CREATE TABLE parsed (rel TEXT PRIMARY KEY, entry BLOB NOT NULL)")
                    db.execute("INSERT INTO about VALUES ('key', ?)", (self.key,))
                db.executemany("DELETE FROM parsed WHERE rel = ?", ((rel,) for rel in gone))
                db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                               ((rel, _pickled(self.new[rel])) for rel in changed))  # one at a time: no memo holds them all
            self.saved = True
        except sqlite3.OperationalError:  # locked by another build, a full disk: kept another time
            pass
        except sqlite3.DatabaseError:  # not a database (damaged): the next build starts a new one
            self.path.unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            pass


    def shop_digests(self, sources: Sources, held: dict | None = None) -> dict[str, bytes]:
        """Each shop's files as one digest, by shop: of the bytes of shop.yaml and of its product files with
        their names, by the digests this cache took of them (nothing is read again). What a shop's model
        is made of beyond the site's settings and categories (its pictures are keyed by their bytes).
        `held` (serve's, see Resident.digests) keeps each digest with its shop's sources: a shop taken
        again as the very same sources has the same files."""
        new, missing = self.new, (None, b"-" * 16)
        found, kept = {}, {}
        for shop in sources.shops:
            hit = held.get(shop.slug) if held is not None else None
            if hit is not None and hit[0] is shop:
                found[shop.slug], kept[shop.slug] = hit[1], hit
                continue
            parts = [new.get(f"{shop.path}/shop.yaml", missing)[1]]
            for product in shop.products:  # a product's name is its slug: a file renamed is a change
                parts += [product.slug.encode("utf-8", "surrogatepass"), b"\0", new.get(product.path, missing)[1]]
            found[shop.slug] = hashlib.blake2b(b"".join(parts), digest_size=16).digest()
            kept[shop.slug] = (shop, found[shop.slug])
        if held is not None:
            held.clear()
            held.update(kept)
        return found

    def entries(self, shop: ShopSource) -> list[tuple[str, tuple]]:
        """A shop's files with the entries this build holds for them: kept with the shop (Resident), they
        are taken again by seen() without naming and looking up each file (110,000 at 10,000 shops)."""
        new = self.new
        return [(rel, new[rel]) for rel in (f"{shop.path}/{name}" for name in shop.files) if rel in new]

    def seen(self, entries: list[tuple[str, tuple]]) -> None:
        """A shop taken as the last build read it (Resident): its files are kept as they are."""
        self.new.update(entries)

    def carry(self) -> tuple | None:
        """What the next build in this process (`shopdir serve`) may take instead of reading the cache
        back: every file this build saw, as saved (None when the cache could not take them)."""
        return (self.path, self.key, self.new) if self.saved else None


def _pickled(entry) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(entry)
    return buffer.getvalue()


def _read_parsed(root: Path, rel: str, problems: list[Problem], limits: Limits, parse, kept: Parsed | None):
    stat = None
    if kept is not None:
        try:
            stat = os.stat(os.path.join(root, rel))  # not root / rel: a Path made for each of 110,000 files
        except OSError:
            pass
        outcome = kept.get(rel, stat) if stat is not None else None
        if outcome is not None:
            problems.extend(outcome[1])
            return outcome[0]
    found: list[Problem] = []
    data = _read_bytes(root, rel, found, limits)
    digest = None
    if kept is not None and stat is not None and data is not None:
        digest = hashlib.blake2b(data, digest_size=16).digest()
        outcome = kept.get_by_content(rel, stat, digest)
        if outcome is not None:
            problems.extend(outcome[1])
            return outcome[0]
    text = None if data is None else _decoded(rel, data, found)
    parsed = None
    if text is not None:
        parsed, more = parse(rel, text)
        found.extend(more)
    if digest is not None:
        kept.put(rel, stat, digest, (parsed, found))
    problems.extend(found)
    return parsed


def read_yaml(root: Path, rel: str, problems: list[Problem], limits: Limits = Limits(),
              kept: Parsed | None = None) -> Doc | None:
    doc = _read_parsed(root, rel, problems, limits, parse_yaml, kept)
    if doc is not None and doc.data is None:  # an empty file
        return Doc(rel, None)
    return doc


def read_markdown(root: Path, rel: str, problems: list[Problem], limits: Limits = Limits(),
                  kept: Parsed | None = None) -> MarkdownSource | None:
    return _read_parsed(root, rel, problems, limits, parse_markdown, kept)


def load_site(root: Path) -> tuple[Doc | None, list[Problem]]:
    """site.yaml, read first: its settings say how the rest is read."""
    problems: list[Problem] = []
    if not (Path(root) / "site.yaml").is_file():
        return None, [Problem("site.yaml", 1, 1, "site.yaml is missing: is this the root of a shopdir site?")]
    return read_yaml(Path(root), "site.yaml", problems), problems


def load_sources(root: Path, limits: Limits = Limits(), kept: Parsed | None = None,
                 loaded: Callable[[ShopSource], None] | None = None,
                 resident: Resident | None = None) -> tuple[Sources, list[Problem]]:
    """Read every content file. Every file is read even when another failed.

    With `kept`, files unchanged since the previous build are not parsed again. `loaded` is
    told of each shop as soon as it is read (to start work on it while the rest are read). With
    `resident` (serve), a shop folder in which nothing changed since the last build is taken as that
    build read it, without a look at its files.
    """
    root = Path(root)
    problems: list[Problem] = []
    unreadable: set[str] = set()

    def read_if_there(rel: str) -> Doc | None:
        if not (root / rel).is_file():
            return None
        doc = read_yaml(root, rel, problems, limits, kept)
        if doc is None:
            unreadable.add(rel)
        return doc

    categories = read_if_there("content/categories.yaml")
    curation = read_if_there("content/curation.yaml")
    pages = []
    for rel, slug in _markdown_files(root, "content/pages"):
        source = read_markdown(root, rel, problems, limits, kept)
        if source is not None:
            pages.append(PageSource(slug, rel, source))
    shops = []
    shops_dir = root / "content" / "shops"
    if shops_dir.is_dir():
        for entry in sorted(os.listdir(shops_dir)):
            if entry.startswith("."):
                continue
            if (shops_dir / entry).is_symlink():
                problems.append(Problem(f"content/shops/{entry}", 1, 1, "a shop folder may not be a symbolic link"))
            elif (shops_dir / entry).is_dir():
                again = resident.shop(entry, limits) if resident is not None else None
                if again is not None:
                    shop, found, entries = again
                    if kept is not None:
                        kept.seen(entries)
                else:
                    found = []
                    shop = _load_shop(root, entry, found, limits, kept)
                    if resident is not None:
                        resident.loaded(entry, limits, shop, found, kept.entries(shop) if kept is not None else [])
                    if loaded is not None:
                        loaded(shop)
                shops.append(shop)
                problems += found
    sources = Sources(root, categories, curation, tuple(pages), tuple(shops), frozenset(unreadable))
    if resident is not None:
        resident.forget_others({shop.slug for shop in shops})
    return sources, problems


class Resident:
    """What a process that builds again and again (serve) keeps of the shop folders it read: each folder's
    sources and the problems found in them, taken again while nothing in the folder changed. `changed`
    is told the files and folders changed since (paths relative to the site root), or None when that is
    not known (then everything is read)."""

    def __init__(self) -> None:
        self.shops: dict[str, tuple] = {}
        self.touched: set[str] | None = None  # the shop folders changed; None: not known
        self.paths: dict[tuple[str, str], str] = {}  # (shop, path) -> shop_file's answer
        self.digests: dict[str, tuple[ShopSource, bytes]] = {}  # each shop's sources and files' digest

    def changed(self, paths: set[str] | None) -> None:
        """The shop folders these paths lie in; a path above them (content/, content/shops) leaves it
        unknown. One pass over the paths, not one a shop (a checkout changes thousands of files)."""
        self.touched = set()
        for path in paths if paths is not None else ["content"]:
            parts = path.split("/")
            if parts[:2] == ["content", "shops"] and len(parts) > 2:
                self.touched.add(parts[2])
            elif "content/shops".startswith(path):  # content, content/shops (or an empty path): all of them
                self.touched = None
                return

    def shop(self, slug: str, limits: Limits) -> tuple[ShopSource, list[Problem], list] | None:
        """The shop folder as the last build read it, its problems, and its files' parse-cache entries."""
        held = self.shops.get(slug)
        if held is None or self.touched is None or slug in self.touched or held[0] != limits:
            return None
        return held[1], list(held[2]), held[3]

    def loaded(self, slug: str, limits: Limits, shop: ShopSource, problems: list[Problem], entries: list) -> None:
        self.shops[slug] = (limits, shop, list(problems), entries)

    def forget_others(self, slugs: set[str]) -> None:
        for slug in self.shops.keys() - slugs:
            del self.shops[slug]

    def shop_file(self, root: Path, shop: str, path: str) -> str:
        """shop_file(), kept while the shop's folder is unchanged: the real path of each of a thousand
        pictures is two walks of its folders' links a build."""
        key = (shop, path)
        found = self.paths.get(key)
        if found is None or self.touched is None or shop in self.touched:
            found = self.paths[key] = shop_file(root, shop, path)
        return found


def _markdown_files(root: Path, rel_dir: str) -> list[tuple[str, str]]:
    folder = root / rel_dir
    if not folder.is_dir():
        return []
    return [(f"{rel_dir}/{name}", name[:-3]) for name in sorted(os.listdir(folder))
            if name.endswith(".md") and (folder / name).is_file()]


def _load_shop(root: Path, slug: str, problems: list[Problem], limits: Limits, kept: Parsed | None) -> ShopSource:
    rel = f"content/shops/{slug}"
    files, escaping = _list_shop_files(root / rel)
    if len(files) > limits.files_per_shop:
        problems.append(Problem(rel, 1, 1, f"the shop folder holds {len(files):,} files; at most "
                                           f"{limits.files_per_shop:,} are allowed"))
        return ShopSource(slug, rel, None, (), frozenset(), frozenset(), frozenset())
    doc = None
    if "shop.yaml" in files:
        doc = read_yaml(root, f"{rel}/shop.yaml", problems, limits, kept)
    elif "shop.yaml" in escaping:
        problems.append(Problem(f"{rel}/shop.yaml", 1, 1, "shop.yaml is a symbolic link leading outside the shop folder"))
    else:
        problems.append(Problem(f"{rel}/shop.yaml", 1, 1, "the shop folder has no shop.yaml"))
    if "products" in escaping:
        problems.append(Problem(f"{rel}/products", 1, 1, "products is a symbolic link leading outside the shop folder"))
    products = []
    slugs = set()
    # The folder walk above saw every entry of products/: no second listing.
    for name in sorted({f[len("products/"):] for f in files | escaping if f.startswith("products/")}):
        product_rel = f"{rel}/products/{name}"
        if "/" in name or not name.endswith(".md"):
            problems.append(Problem(product_rel, 1, 1, "only product files named <slug>.md belong in products/; "
                                                       "rename or move this"))
            continue
        slugs.add(name[:-3])
        if f"products/{name}" in escaping:
            problems.append(Problem(product_rel, 1, 1, "a symbolic link leading outside the shop folder"))
            continue
        source = read_markdown(root, product_rel, problems, limits, kept)
        if source is not None:
            products.append(ProductSource(name[:-3], product_rel, source))
    return ShopSource(slug, rel, doc, tuple(products), frozenset(slugs), files, escaping)


def _list_shop_files(folder: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Regular files inside the folder, and the links that lead out of it."""
    files: set[str] = set()
    escaping: set[str] = set()
    top = os.path.realpath(folder)

    def walk(directory: str, prefix: str) -> None:
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return
        for entry in entries:  # the entry's type comes with the listing: no call per plain file
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if not entry.is_dir() and os.path.commonpath([top, real]) == top and os.path.isfile(real):
                    files.add(prefix + entry.name)
                else:
                    escaping.add(prefix + entry.name)  # a linked folder is followed nowhere, never published
            elif entry.is_dir(follow_symlinks=False):
                walk(entry.path, prefix + entry.name + "/")
            elif entry.is_file(follow_symlinks=False):
                files.add(prefix + entry.name)
            else:  # a device, a pipe or a socket
                escaping.add(prefix + entry.name)

    walk(os.fspath(folder), "")
    return frozenset(files), frozenset(escaping)


def shop_file(root: Path, shop: str, path: str) -> str:
    """The real path of a file a shop references. It was validated to stay inside the shop folder;
    that is checked once more here."""
    folder = os.path.realpath(Path(root) / "content" / "shops" / shop)
    full = os.path.realpath(os.path.join(folder, path))
    if os.path.commonpath([folder, full]) != folder:
        raise OSError(errno.EACCES, "the path leads outside the shop folder")
    return full


def read_shop_file(root: Path, shop: str, path: str, max_bytes: int) -> bytes:
    """The bytes of a file a shop references (at most max_bytes + 1 of them, so that a larger file shows)."""
    with open(shop_file(root, shop, path), "rb") as handle:
        return handle.read(max_bytes + 1)
