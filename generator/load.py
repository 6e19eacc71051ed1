"""Read the site's files from disk into parsed sources. The only module that walks the content tree."""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import itertools
import marshal
import os
import pickle
import stat
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from generator import fingerprint
from generator.fingerprint import Listing, list_shop_folder
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
    # the product files that could be read; None for a shop taken from the cache as validation judged it
    # (Sources.whole gives them)
    products: tuple[ProductSource, ...] | None
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
    # a shop with its products, for one taken from the cache without them (see Parsed.shop)
    whole: Callable[[ShopSource], ShopSource] | None = field(default=None, compare=False, repr=False)


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
    """Writes each text that is not ASCII as its number in a list of such texts, kept apart (see _pickled).
    CPython keeps, inside every such string that pickle writes, a UTF-8 copy of it for as long as the
    string lives: these strings live on in the model, where the copies came to hundreds of megabytes at
    10,000 shops. marshal, which writes the list, keeps no copy. A text met again (a product's body, held
    by its source and by the model) is written as the same number, and read back as that very string."""

    def __init__(self, file, texts: list[str]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.texts = texts
        self._numbers: dict[int, int] = {}  # id -> its number (the text kept alive by `texts`)

    def persistent_id(self, obj):
        if type(obj) is not str or obj.isascii():
            return None
        number = self._numbers.get(id(obj))
        if number is None:
            number = self._numbers[id(obj)] = len(self.texts)
            self.texts.append(obj)
        return number


class Parsed:
    """Files parsed by the previous build, kept in the cache (safe to delete): each shop folder as one
    row, the site's other files one row each.

    A shop folder whose listing (each entry's name, kind and status: Listing.signature) is the one
    recorded is taken whole from its row: its sources, the problems found in them and the shop as
    validation judged it (under the settings and categories it was judged with), none of its files read
    and the shop not judged again. In any other folder, and for the other files, a file whose status
    (fingerprint.status) is the one recorded is not read at all. Any other is read and its bytes
    hashed: the same bytes are not parsed again, so a checkout of another branch, a fresh clone with a
    restored cache or a revision unpacked by `shopdir review` parses only the files whose content
    differs. A status or listing is recorded only once it has settled (fingerprint.settled). The key
    holds the limits, the Python version and shopdir's code: any change parses everything. The cache
    is an SQLite database, so a build that parsed one shop again writes one row (at 10,000 shops the
    whole cache is about 525 MB, half of it the judged shops). A file that is not a database is replaced.
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
        self.rows: dict[str, bytes | None] = {}  # each shop row's listing signature (None: not settled)
        self.present: set[str] | None = None  # the shop folders there are now (load_sources tells)
        self.taken: dict[str, tuple] = {}  # shop -> (sources, problems, entries, judged): the rows taken whole
        self.loaded: dict[str, tuple] = {}  # shop -> (listing, sources, problems, entries) read this build
        self._db: sqlite3.Connection | None = None
        self.limits = limits
        if carried is not None and carried[:2] == (self.path, self.key):  # what the last build kept in memory
            self.old, self.rows, self.valid = carried[2], dict(carried[3]), True
            return
        try:
            with contextlib.closing(sqlite3.connect(self.path)) as db:
                if db.execute("SELECT value FROM about WHERE name = 'key'").fetchone() == (self.key,):
                    self.valid = True
                    self.old = {rel: _unpickled(entry)
                                for rel, entry in db.execute("SELECT rel, entry FROM parsed")}
                    self.rows = dict(db.execute("SELECT slug, signature FROM shops"))
        except Exception:  # noqa: BLE001 - a missing, old or damaged cache only costs time
            self.old, self.rows, self.valid = {}, {}, False
        (cache_dir / "sources.pickle").unlink(missing_ok=True)  # the earlier form of this cache

    def shop(self, root: Path, slug: str, listing: Listing) -> tuple[ShopSource, list[Problem], list] | None:
        """The shop folder as the build that wrote its row read it, with its problems and its files'
        entries, when the folder's listing is the one recorded; else None, and the row's entries are
        offered to the files' reading (a file whose status or bytes are unchanged is not parsed).

        A shop the row holds as validation judged it is given without its products (ShopSource.products
        None, and no entries): validation takes the judged shop (offer), and whole() reads them if it
        judges again. Most of a row is its product files, which a build that does not judge the shop
        again never looks at."""
        if slug not in self.rows:
            return None
        if self.rows[slug] is None or self.rows[slug] != listing.signature:
            files = self._row(slug, "files")
            if files is not None:
                self.old.update(files[1])
            return None
        row = self._row(slug, "entry")
        if row is None:
            return None
        shop, problems, digest, judged = row
        if judged is None:  # not judged yet: validation needs its products
            shop = self.whole(root, shop)
        self.taken[slug] = (shop, problems, digest, judged)
        return shop, list(problems), [] if judged is not None else self.entries(shop)

    def whole(self, root: Path, shop: ShopSource) -> ShopSource:
        """A shop taken without its products (see shop), with them; its files kept as they are."""
        if shop.products is not None:
            return shop
        files = self._row(shop.slug, "files")
        if files is None:  # the cache went meanwhile: read again
            return _load_shop(root, shop.slug, [], self.limits, None, list_shop_folder(root / shop.path))
        self.new.update(files[1])
        return replace(shop, products=files[0])

    def _row(self, slug: str, column: str):
        try:
            if self._db is None:
                self._db = sqlite3.connect(self.path, timeout=30)
            found = self._db.execute(f"SELECT {column} FROM shops WHERE slug = ?", (slug,)).fetchone()
            return _unpickled(found[0]) if found else None
        except Exception:  # noqa: BLE001 - a damaged row only costs time
            return None

    def read(self, slug: str, listing: Listing, shop: ShopSource, problems: list[Problem]) -> None:
        """A shop folder read this build: its row is written once validation has judged it (save)."""
        self.loaded[slug] = (listing, shop, list(problems), self.entries(shop))

    def offer(self, memo: dict) -> None:
        """The shops taken whole, as validation judged them, for validation to take (see build_directory)."""
        for slug, (shop, _, _, judged) in self.taken.items():
            held = memo.get(slug)
            if judged is not None and (held is None or held[0] is not shop):
                memo[slug] = (shop, *judged)

    def _rows(self, judged: dict) -> tuple[dict, dict]:
        """The shop rows to write whole, for each shop folder read this build, and the rows whose judged
        shop alone changes, for each shop taken whole that validation judged again (other settings or
        categories); each with the shop as `judged` holds it (see build_directory's memo; a shop not
        there is judged again when its row is next taken)."""
        rows, again = {}, {}
        for slug, (listing, shop, problems, entries) in self.loaded.items():
            held = judged.get(slug)
            settled = fingerprint.settled_at(listing.newest, listing.listed)
            rows[slug] = (listing.signature if settled else None,
                          (replace(shop, products=None), problems, self._digest(shop),
                           held[1:] if held is not None and held[0] is shop else None),
                          (shop.products, entries))
        for slug, (shop, problems, digest, kept) in self.taken.items():
            held = judged.get(slug)
            if held is not None and held[0] is shop and (kept is None or held[1] != kept[0]):
                again[slug] = (replace(shop, products=None), problems, digest, held[1:])
        return rows, again

    def stored(self) -> dict:
        """Every file the cache holds, with its entry (its shop folder's row holds a shop's files)."""
        found = {}
        try:
            with contextlib.closing(sqlite3.connect(self.path)) as db:
                found.update((rel, _unpickled(entry)) for rel, entry in db.execute(
                    "SELECT rel, entry FROM parsed"))
                for (files,) in db.execute("SELECT files FROM shops"):
                    found.update(_unpickled(files)[1])
        except sqlite3.Error:
            pass
        return found

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

    def save(self, judged: dict | None = None) -> None:
        """Write the files and shop folders this build read, each shop with how validation judged it when
        `judged` (build_directory's memo) holds it, and forget those it did not see; nothing when it read
        none."""
        changed = sorted(rel for rel in self.fresh if not rel.startswith(_SHOPS))  # parsed again, or re-statused
        gone = sorted(rel for rel in self.old.keys() - self.new.keys() if not rel.startswith(_SHOPS))
        dropped = sorted(self.rows.keys() - self.present) if self.present is not None else []
        writes, again = self._rows(judged or {})
        self.loaded, self.taken = {}, {}
        if self.valid and not changed and not gone and not dropped and not writes and not again:
            self.saved = True
            self.close()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # a first build: no cache folder yet
            with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                if not self.valid:
                    for table in ("parsed", "shops", "about"):
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    db.execute("CREATE TABLE about (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                    db.execute("CREATE TABLE parsed (rel TEXT PRIMARY KEY, entry BLOB NOT NULL)")
                    db.execute("CREATE TABLE shops (slug TEXT PRIMARY KEY, signature BLOB, entry BLOB NOT NULL, "
                               "files BLOB NOT NULL)")
                    db.execute("INSERT INTO about VALUES ('key', ?)", (self.key,))
                db.executemany("DELETE FROM parsed WHERE rel = ?", ((rel,) for rel in gone))
                db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                               ((rel, _pickled(self.new[rel])) for rel in changed))  # one at a time: no memo holds them all
                db.executemany("DELETE FROM shops WHERE slug = ?", ((slug,) for slug in dropped))
                db.executemany("INSERT OR REPLACE INTO shops VALUES (?, ?, ?, ?)",
                               ((slug, signature, _pickled(row), _pickled(files))
                                for slug, (signature, row, files) in sorted(writes.items())))
                db.executemany("UPDATE shops SET entry = ? WHERE slug = ?",
                               ((_pickled(row), slug) for slug, row in sorted(again.items())))
            self.valid = self.saved = True
            for slug in dropped:
                del self.rows[slug]
            self.rows.update((slug, signature) for slug, (signature, _, _) in writes.items())
        except sqlite3.OperationalError:  # locked by another build, a full disk: kept another time
            pass
        except sqlite3.DatabaseError:  # not a database (damaged): the next build starts a new one
            self.path.unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            pass
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def shop_digests(self, sources: Sources, held: dict | None = None) -> dict[str, bytes]:
        """Each shop's files as one digest, by shop: of the bytes of shop.yaml and of its product files with
        their names, by the digests this cache took of them (nothing is read again). What a shop's model
        is made of beyond the site's settings and categories (its pictures are keyed by their bytes).
        `held` (serve's, see Resident.digests) keeps each digest with its shop's sources: a shop taken
        again as the very same sources has the same files."""
        found, kept = {}, {}
        for shop in sources.shops:
            hit = held.get(shop.slug) if held is not None else None
            if hit is not None and hit[0] is shop:
                found[shop.slug], kept[shop.slug] = hit[1], hit
                continue
            found[shop.slug] = self._digest(shop)
            kept[shop.slug] = (shop, found[shop.slug])
        if held is not None:
            held.clear()
            held.update(kept)
        return found

    def _digest(self, shop: ShopSource) -> bytes:
        taken = self.taken.get(shop.slug)
        if taken is not None and taken[0] is shop:
            return taken[2]
        new, missing = self.new, (None, b"-" * 16)
        parts = [new.get(f"{shop.path}/shop.yaml", missing)[1]]
        for product in shop.products:  # a product's name is its slug: a file renamed is a change
            parts += [product.slug.encode("utf-8", "surrogatepass"), b"\0", new.get(product.path, missing)[1]]
        return hashlib.blake2b(b"".join(parts), digest_size=16).digest()

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
        back: every file this build saw, as saved, and the shop rows' signatures (None when the cache
        could not take them)."""
        return (self.path, self.key, self.new, self.rows) if self.saved else None


_SHOPS = "content/shops/"  # the files below are kept in their shop folder's row


def _pickled(entry) -> bytes:
    """An entry's bytes: the list of its texts that are not ASCII (marshalled, after its size), then its
    pickle, which names each such text by its number in the list. Read back (_unpickled) with no Python
    step a text: at 1,000 shops a build reads 53,000 of them (0.13 s when each was decoded apart)."""
    buffer, texts = io.BytesIO(), []
    _Pickler(buffer, texts).dump(entry)
    listed = marshal.dumps(texts)
    return len(listed).to_bytes(4, "little") + listed + buffer.getvalue()


def _unpickled(data: bytes):
    size = int.from_bytes(data[:4], "little")
    view = memoryview(data)
    unpickler = pickle.Unpickler(io.BytesIO(view[4 + size:]))
    unpickler.persistent_load = marshal.loads(view[4:4 + size]).__getitem__
    return unpickler.load()


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
                 resident: Resident | None = None,
                 listings: dict[str, Listing] | None = None) -> tuple[Sources, list[Problem]]:
    """Read every content file. Every file is read even when another failed.

    With `kept`, files unchanged since the previous build are not parsed again, and a shop folder
    whose listing is unchanged is taken whole (Parsed.shop). `loaded` is told of each shop as soon as
    it is read (to start work on it while the rest are read). With `resident` (serve), a shop folder
    in which nothing changed since the last build is taken as that build read it, without a look at
    its files. `listings`, each shop folder's listing as the scan of the inputs took it, spares
    listing them again.
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
        with os.scandir(shops_dir) as listing:  # each entry's kind comes with the listing: no call a shop
            kinds = sorted((found.name, found.is_symlink(), found.is_dir()) for found in listing)
        for entry, link, folder in kinds:
            if entry.startswith("."):
                continue
            if link:
                problems.append(Problem(f"content/shops/{entry}", 1, 1, "a shop folder may not be a symbolic link"))
            elif folder:
                again = resident.shop(entry, limits) if resident is not None else None
                if again is not None:
                    shop, found, entries = again
                    if kept is not None:
                        kept.seen(entries)
                else:
                    listing = (listings or {}).get(entry) or list_shop_folder(shops_dir / entry)
                    stored = kept.shop(root, entry, listing) if kept is not None else None
                    if stored is not None:
                        shop, found, entries = stored
                    else:
                        found = []
                        shop = _load_shop(root, entry, found, limits, kept, listing)
                        if kept is not None:
                            kept.read(entry, listing, shop, found)
                        if loaded is not None:
                            loaded(shop)
                    if resident is not None:
                        resident.loaded(entry, limits, shop, found, kept.entries(shop) if kept is not None else [])
                shops.append(shop)
                problems += found
    sources = Sources(root, categories, curation, tuple(pages), tuple(shops), frozenset(unreadable),
                      functools.partial(kept.whole, root) if kept is not None else None)
    present = {shop.slug for shop in shops}
    if kept is not None:
        kept.present = present
    if resident is not None:
        resident.forget_others(present)
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


def _load_shop(root: Path, slug: str, problems: list[Problem], limits: Limits, kept: Parsed | None,
               listing: Listing) -> ShopSource:
    rel = f"content/shops/{slug}"
    files, escaping = listing.files, listing.escaping
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


def shop_file(root: Path, shop: str, path: str) -> str:
    """The real path of a file a shop references. It was validated to stay inside the shop folder;
    that is checked once more here."""
    folder = os.path.realpath(Path(root) / "content" / "shops" / shop)
    full = os.path.realpath(os.path.join(folder, path))
    if os.path.commonpath([folder, full]) != folder:
        raise OSError(errno.EACCES, "the path leads outside the shop folder")
    return full


def shop_files(root: Path) -> Callable[[Path, str, str], str]:
    """shop_file for one build: the shops folder's real path worked out once, and a plain path below it (no
    "..", no link) taken as it is once each of its parts is seen not to be a link, so that a thousand
    pictures are not each two walks of every folder from the root (0.04 s at 1,000 pictures)."""
    shops = os.path.realpath(Path(root) / "content" / "shops")
    folders: set[str] = set()  # those seen not to be links: a shop's pictures share their folders

    def resolve(root: Path, shop: str, path: str) -> str:
        parts = path.split("/")
        if "\\" in path or any(part in ("", ".", "..") for part in parts):
            return shop_file(root, shop, path)
        steps = list(itertools.accumulate(parts, os.path.join, initial=os.path.join(shops, shop)))
        try:
            if any(stat.S_ISLNK(os.lstat(step).st_mode) for step in steps if step not in folders):
                return shop_file(root, shop, path)
        except OSError:  # not there: as shop_file tells it
            return shop_file(root, shop, path)
        folders.update(steps[:-1])
        return steps[-1]
    return resolve


def read_shop_file(root: Path, shop: str, path: str, max_bytes: int) -> bytes:
    """The bytes of a file a shop references (at most max_bytes + 1 of them, so that a larger file shows)."""
    with open(shop_file(root, shop, path), "rb") as handle:
        return handle.read(max_bytes + 1)
