"""What each page read of the model, recorded as its view is made, so that the next build makes again
only the pages that read something that changed.

While a view is made (`recording`), every read of a model value is noted as a *fact*: a shop, a
product, a category, a collection, a text page (any of their fields but the slugs that name them), a
list's membership and order (a shop's products, a category's products and shops, the newest products,
the directory's shops), a picture, a QR code. Nothing is listed by hand: the model's classes note their
own reads while a view is made, and the lookups the views are given (`Lookup`, `Listed`, `under`) note
theirs. Cards made once and shared between views (`kept`) carry what they read to every view that
takes them. The set of the view being made is this module's one state: the model's classes, which
know nothing of a build, find it here (as a query system's runtime is found by the queries it runs).

The next build works out each fact's digest again (`Facts`) and makes again only the pages that read
a fact whose digest changed, whose plan arguments changed (a page of a list holding other items), or
that are new. The record lives in the cache (in memory in `shopdir serve`), for one output folder under
one stamp (everything every page depends on: theme, code, settings, options, the build date); a
different stamp makes every page.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import itertools
import marshal
import operator
import pickle
import types
from pathlib import Path
from typing import Callable, Iterable

from generator import cache
from generator.model import Category, Collection, Contact, Curation, Directory, Guide, Page, Product, Shop, Store

FORMAT = 1
RECORD = "page-reads.pickle"

_noted: set | None = None  # the facts the view being made has read; None while no view is made


def note(fact: tuple) -> None:
    if _noted is not None:
        _noted.add(fact)


@contextlib.contextmanager
def recording():
    """Every model read inside is noted: `with recording() as facts: view = make()`; facts is a set."""
    global _noted
    outer, _noted = _noted, set()
    facts = _noted
    _record_reads(True)
    try:
        yield facts
    finally:
        _noted = outer
        if outer is None:
            _record_reads(False)
        else:
            outer |= facts


def kept(table: dict, key, make: Callable[[], object]):
    """make() once for this key, kept in table with the facts it read; each later taker reads them too."""
    hit = table.get(key)
    if hit is None:
        if _noted is None:  # made outside a view: not kept, for its reads would not be known
            return make()
        with recording() as facts:
            value = make()
        hit = table[key] = (value, frozenset(facts))
    elif hit[1] and _noted is not None:
        _noted.update(hit[1])
    return hit[0]


# -- the model's classes note their reads --------------------------------------------------------

def _entity(kind: str, *names: str):
    """A __getattribute__ noting (kind, *the object's naming fields) for every field but those."""
    get = object.__getattribute__
    naming = frozenset(names)

    if len(names) == 1:
        def read(self, name):
            if name not in naming and _noted is not None and name[0] != "_":
                _noted.add((kind, get(self, names[0])))
            return get(self, name)
    else:
        def read(self, name):
            if name not in naming and _noted is not None and name[0] != "_":
                _noted.add((kind, *(get(self, n) for n in names)))
            return get(self, name)
    return read


def _member(kind: str, listed: frozenset):
    """A __getattribute__ noting (kind, field) for the fields that are lists of the model."""
    get = object.__getattribute__

    def read(self, name):
        if name in listed and _noted is not None:
            _noted.add((kind, name))
        return get(self, name)
    return read


_RECORDING = {
    Shop: _entity("shop", "slug"),
    Product: _entity("product", "shop", "slug"),
    Category: _entity("category", "slug"),
    Collection: _entity("collection", "slug"),
    Page: _entity("page", "slug"),
    Directory: _member("directory", frozenset({"shops", "products", "categories", "pages"})),
    Curation: _member("curation", frozenset({"featured", "collections", "delisted"})),
}


def _record_reads(on: bool) -> None:
    """The model's classes note reads only while a view is made: otherwise they read at full speed."""
    for cls, read in _RECORDING.items():
        if on:
            cls.__getattribute__ = read
        elif "__getattribute__" in cls.__dict__:
            del cls.__getattribute__


class Lookup:
    """A mapping the views read by key, noting (kind, key) for each key asked for (found or not)."""

    __slots__ = ("kind", "source")

    def __init__(self, kind: str, source):
        self.kind, self.source = kind, source

    def __getitem__(self, key):
        note((self.kind, key))
        return self.source[key]

    def get(self, key, default=None):
        note((self.kind, key))
        return self.source.get(key, default)

    def __contains__(self, key) -> bool:
        note((self.kind, key))
        return key in self.source


class Listed(list):
    """A list of the model the views read whole (the newest products): reading it notes (kind,)."""

    def __init__(self, kind: str, items: Iterable):
        super().__init__(items)
        self.kind = kind

    def __getitem__(self, index):
        note((self.kind,))
        return super().__getitem__(index)

    def __iter__(self):
        note((self.kind,))
        return super().__iter__()

    def __len__(self) -> int:
        note((self.kind,))
        return super().__len__()


def under(catalogue) -> Callable:
    """catalogue.products_under, noting ("products_under", slug)."""
    def products_under(slug: str):
        note(("products_under", slug))
        return catalogue.products_under(slug)
    return products_under


# -- what a page was planned with -----------------------------------------------------------------

_PLAIN = frozenset({str, bytes, int, float, bool, type(None)})
_NAMED = {Shop: "Shop", Category: "Category", Collection: "Collection", Page: "Page", Store: "Store", Guide: "Guide"}
_PRODUCT_KEY, _SLUG = operator.attrgetter("shop", "slug"), operator.attrgetter("slug")


def _named(value, shared: dict):
    """A plan argument as plain data: the model's objects by the fields that name them (what they hold is
    read, and noted, when the view is made); functions by name. Lists of one kind are named without a
    Python step an item (the sitemap's list holds every path); a list of eight or more, which many pages
    may be planned with (a tag's shops, on each page of the tag), is named once, by its digest, in
    `shared` (a dict kept while the plan is)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is Product:
        return ("Product", value.shop, value.slug)
    named = _NAMED.get(kind)
    if named is not None:
        return (named, value.slug)
    if kind is types.MethodType:  # a view method: by its function's name, worked out once
        function = value.__func__
        named = _METHODS.get(function)
        if named is None:
            named = _METHODS[function] = (function.__module__, function.__qualname__)
        return named
    if kind is list or kind is tuple:
        if len(value) >= 8:
            hit = shared.get(id(value))
            if hit is None or hit[0] is not value:
                hit = shared[id(value)] = (value, _digest_of(marshal.dumps(_listed(value, shared), 2)))
            return hit[1]
        return _listed(value, shared)
    if kind is dict:
        try:  # plain data (a pager): written as it is, without a Python step an item
            return ("plain", marshal.dumps(value, 2))
        except ValueError:
            return ("dict", *((key, _named(item, shared)) for key, item in value.items()))
    if callable(value):
        return getattr(value, "__module__", ""), getattr(value, "__qualname__", None) or repr(value)
    raise TypeError(f"a page planned with a {kind.__name__}, which reads.py cannot name")


_METHODS: dict = {}  # a view method's function -> its name (see _named)


def _listed(value, shared: dict) -> tuple:
    if len(value) < 8:
        return tuple([_named(item, shared) for item in value])
    kinds = set(map(type, value))
    if kinds <= _PLAIN:
        return tuple(value)
    if len(kinds) == 1:
        (one,) = kinds
        if one is Product:
            return ("Products", *map(_PRODUCT_KEY, value))
        if one in _NAMED:
            return (_NAMED[one] + "s", *map(_SLUG, value))
    return tuple([_named(item, shared) for item in value])


def signature(template: str, args: tuple, shared: dict) -> bytes:
    """What a page was planned with: its template and arguments, as a digest (see _named)."""
    return _digest_of(marshal.dumps((template, tuple([_named(item, shared) for item in args])), 2))


def _alike(new: tuple, old: tuple, lists: dict) -> bool:
    """Whether a page's plan arguments are those it was planned with before, which then name it alike (see
    _named): the same view method, equal plain values and pagers, objects of the model with the same
    naming fields (the model's are frozen; serve keeps an unchanged shop's very objects), lists of such
    items. Cheaper than naming them again: a page of products names each of them. `lists` holds what two
    long lists gave (all pages of a tag are planned with its one list of shops)."""
    if len(new) != len(old):
        return False
    for a, b in zip(new, old):
        if a is b:
            continue
        kind = type(a)
        if kind is list or kind is tuple:
            if type(b) not in _SEQUENCES or len(a) != len(b):
                return False
            if all(map(operator.is_, a, b)):
                continue
            if len(a) < 16:
                if not _items_alike(a, b):
                    return False
                continue
            pair = (id(a), id(b))  # both live while the build plans: their ids name them
            same = lists.get(pair)
            if same is None:
                same = lists[pair] = _items_alike(a, b)
            if not same:
                return False
        elif kind is not type(b):
            return False
        elif kind is types.MethodType:
            if a.__func__ is not b.__func__:
                return False
        elif not _items_alike((a,), (b,)):
            return False
    return True


def _items_alike(a, b) -> bool:
    for x, y in zip(a, b):
        if x is y:
            continue
        kind = type(x)
        if kind is not type(y):
            return False
        if kind in _NAMED:
            if x.slug != y.slug:
                return False
        elif kind is Product:
            if x.slug != y.slug or x.shop != y.shop:
                return False
        elif kind is tuple or kind is list:  # a tag's group: its name, shops and products
            if len(x) != len(y) or not (all(map(operator.is_, x, y)) or _items_alike(x, y)):
                return False
        elif not (kind in _PLAIN or kind is dict) or x != y:  # a pager: plain data
            return False
    return True


_SEQUENCES = (list, tuple)


class Signatures:
    """Each page's signature by its file, with the arguments it was worked out from, kept by a process that
    builds again and again (serve): a page planned with alike arguments (_alike) takes the kept one."""

    def __init__(self, kept: dict | None, keep: bool):
        self.kept = kept if kept is not None else {}
        # None: nothing kept (one build a process); else the kept signatures, changed where a page's changed:
        # an entry is taken only for alike arguments, so one of a page no longer planned does no harm
        self.now: dict[str, tuple] | None = self.kept if keep else None
        self.lists: dict[tuple, bool] = {}
        self.copies: dict[int, tuple] = {}  # each list given once copied, with the list (which keeps its id)
        self.methods: dict[tuple, bytes] = {}  # (template, view method's function) -> the signature by_path

    def of(self, file: str, template: str, args: tuple, shared: dict, by_path: bool = False) -> bytes:
        """The page's signature; for a page whose path names its arguments (by_path), its view method's."""
        if by_path:
            return self._by_path(template, args[0])
        hit = self.kept.get(file)
        if hit is not None and hit[0] == template and _alike(args, hit[1], self.lists):
            self.now[file] = hit
            return hit[2]
        planned = signature(template, args, shared)
        if self.now is not None:  # lists kept as tuples: a list given again may have changed since; a copy not
            self.now[file] = (template, tuple([self._copy(a) if type(a) is list else a for a in args]), planned)
        return planned

    def _by_path(self, template: str, view) -> bytes:
        key = (template, view.__func__)
        found = self.methods.get(key)
        if found is None:
            found = self.methods[key] = signature(template, (view,), {})
        return found

    def _copy(self, items: list) -> tuple:
        hit = self.copies.get(id(items))
        if hit is None or hit[0] is not items:
            hit = self.copies[id(items)] = (items, tuple(items))
        return hit[1]


def _digest_of(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=12).digest()


# -- each fact's digest ----------------------------------------------------------------------------

def _digest(value) -> bytes:
    """A value's digest, by marshal's oldest format (the same bytes for equal values, whatever Python
    interned or shares) over the value with the model's objects as their fields' values. Not by pickle:
    pickle asks each text for its UTF-8 form, which Python then keeps beside the text (the model of
    10,000 shops grew by about 180 MB when its facts were first digested)."""
    return _digest_of(marshal.dumps(_plain(value), 0))


def _plain(value):
    """The value made of what marshal writes: a model object as its class's name and its fields, a date
    by its day number; what else marshal cannot write, pickled."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is tuple or kind is list:
        return tuple(map(_plain, value))
    fields = _FIELDS.get(kind)
    if fields is not None:
        return (kind.__name__, *map(_plain, map(getattr, itertools.repeat(value), fields)))
    if kind is datetime.date:
        return ("\0date", value.toordinal())
    return ("\0pickled", pickle.dumps(value, protocol=5))


_ATOMS = frozenset({str, int, float, bool, type(None), bytes})
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls))
           for cls in (Category, Collection, Contact, Curation, Guide, Page, Product, Shop, Store)}


def _keys(products) -> bytes:
    """A list of products by their names, in its order, as a digest: each one's shop and slug joined by
    NUL (which no folder or file name holds), with no Python step a product (a category's list holds up
    to every product of the directory, and a build looks at a hundred such lists)."""
    return _digest_of("\0".join(itertools.chain.from_iterable(map(_PRODUCT_KEY, products))).encode(
        "utf-8", "surrogatepass"))


OWNED = frozenset({"shop", "product", "products_of"})  # facts made of one shop's files (and the settings)
SOURCED = ("qr", "qr_text", "picture")  # facts that are one value of a table (Facts.sources) by their key


class Facts:
    """Each fact's digest in this build's model; those of unchanged shops may be taken from a record."""

    def __init__(self, directory: Directory, catalogue, pictures: dict, qr_codes: dict, qr_texts: dict,
                 held: dict | None = None):
        self.d, self.c = directory, catalogue
        self.pictures, self.qr_codes, self.qr_texts = pictures, qr_codes, qr_texts
        self._collections = {c.slug: c for c in directory.curation.collections}
        self._pages = {p.slug: p for p in directory.pages}
        # serve: each fact the last build digested, with the value it was digested from (see _held)
        self._kept = held.get("facts", {}) if held is not None else None
        if held is not None:
            held["facts"] = self._now = {}

    def _held(self, fact: tuple, value, make: Callable, items: Callable | None = None) -> bytes:
        """make(value), taken from the last build while the fact names the very same value (serve keeps
        an unchanged shop's model objects, QR codes and pictures; the model's objects are frozen), or for
        a list digested by its items' names (`items` names one) items of the same names in the same
        order, looked at by name only where they are not the very same objects: a category's list holds
        up to every product of the directory, an edited product is a new object in each list it is in,
        and the facts looked at every build are 60,000 at 10,000 shops."""
        if self._kept is None:
            return make(value)
        hit = self._kept.get(fact)
        if hit is not None and hit[0] is not value:
            other = _others(value, hit[0]) if items is not None and len(hit[0]) == len(value) else None
            if other is None or not all(items(value[n]) == items(hit[0][n]) for n in other):
                hit = None
            elif other:  # the same names: the digest stands, kept with the items as they are now
                hit = (tuple(value), hit[1])
        if hit is None:  # a list is kept as a tuple: the same list given again may have changed since
            hit = (tuple(value) if items is not None else value, make(value))
        self._now[fact] = hit
        return hit[1]

    def sources(self) -> dict[str, dict]:
        """What the facts of each SOURCED kind are looked up in, by their key."""
        return {"qr": self.qr_codes, "qr_text": self.qr_texts, "picture": self.pictures}

    def digest(self, fact: tuple) -> bytes:
        kind, key = fact[0], fact[1:]
        c, held = self.c, self._held
        if kind == "shop":
            return held(fact, c.shops.get(key[0]), _digest)
        if kind == "product":
            return held(fact, c.products.get(key), _digest)
        if kind == "products_of":
            return held(fact, c.products_of.get(key[0], ()), _keys, items=_PRODUCT_KEY)
        if kind == "category":
            return held(fact, c.categories.get(key[0]), _digest)
        if kind == "collection":
            return held(fact, self._collections.get(key[0]), _digest)
        if kind == "page":
            return held(fact, self._pages.get(key[0]), _digest)
        if kind == "products_under":
            return held(fact, c.products_under(key[0]), _keys, items=_PRODUCT_KEY) if key[0] in c.categories \
                else _digest(None)
        if kind == "shops_in":
            return held(fact, c.shops_in.get(key[0], ()), _slugs, items=_SLUG)
        if kind == "newest":
            return held(fact, c.newest, _keys, items=_PRODUCT_KEY)
        if kind == "directory":
            value = getattr(self.d, key[0])  # the lists of shops and products by their order and names
            if key[0] == "products":
                return held(fact, value, _keys, items=_PRODUCT_KEY)
            return held(fact, value, _slugs, items=_SLUG) if key[0] == "shops" else held(fact, value, _digest)
        if kind == "curation":
            return held(fact, getattr(self.d.curation, key[0]), _digest)
        if kind == "picture":
            return held(fact, self.pictures.get(key[0]), _digest)
        if kind == "qr":  # a code is drawn from its text alone, and named by it: its name and size will do
            return held(fact, self.qr_codes.get(key[0]), lambda code: _digest(code and (code.path, code.size)))
        if kind == "qr_text":
            return held(fact, self.qr_texts.get(key[0]), _digest)
        return b"?"  # a fact this build does not know: always changed


def _slugs(items) -> bytes:
    return _digest(tuple(map(_SLUG, items)))


def _others(new, old) -> list[int]:
    """Where two sequences of one length hold other objects (found with no Python step an item)."""
    return list(itertools.compress(range(len(new)), map(operator.is_not, new, old)))


# -- the record kept in the cache ------------------------------------------------------------------

class Record:
    """The last build's facts, their digests and each page's (signature, facts), for one output folder."""

    def __init__(self, stamp: str, shops: dict | None, carry: bytes):
        self.stamp, self.shops, self.carry = stamp, shops, carry
        self.output: list | None = None  # the output folder it was saved for (fingerprint.output_identity)
        self.digests: dict[tuple, bytes] = {}
        self.pages: dict[str, tuple[bytes, tuple]] = {}
        self.named: dict[tuple, tuple] = {}  # each fact once, so that the record names it once
        self.counts: dict[tuple, int] | None = None  # serve: how many pages read each fact (see Pages.save)
        self.index: Index | None = None  # serve: the same facts, found without a look at each (see Index)
        # serve: a build that takes this record's pages over notes here each entry as it was before it changed
        # it (None: no entry), so that the record is put back as it was if that build fails (Pages.__init__)
        self.journal: dict[str, tuple | None] | None = None

    def page(self, file: str, planned: bytes, facts: Iterable[tuple]) -> None:
        intern = self.named.setdefault
        self.pages[file] = (planned, tuple([intern(fact, fact) for fact in facts]))

    def facts(self) -> set:
        """Every fact a page read."""
        return set().union(*[facts for _, facts in self.pages.values()])

    def save(self, cache_dir: Path, output: list | None) -> None:
        cache.dump(cache_dir / RECORD, (FORMAT, self.stamp, output, self.shops, self.carry, self.digests, self.pages))

    @staticmethod
    def read(cache_dir: Path | None, stamp: str, output: list | None) -> "Record | None":
        try:
            data = pickle.loads((cache_dir / RECORD).read_bytes())
            form, kept_stamp, kept_output, shops, carry, digests, pages = data
        except Exception:  # no record, or one written by another version: every page is made
            return None
        if form != FORMAT or kept_stamp != stamp or kept_output != output or output is None:
            return None
        record = Record(stamp, shops, carry)
        record.digests, record.pages, record.output = digests, pages, output
        return record


class Index:
    """serve: the facts of a record as those owned by each shop and the others, kept up to date from
    build to build, so that the facts a build looks at (Digests.changed) are found without a look at
    all of them (150,000 at 10,000 shops, for the 33,000 not owned by a shop and those of one shop)."""

    def __init__(self, facts: Iterable[tuple]):
        self.others: set[tuple] = set()
        self.shops: dict[str, set[tuple]] = {}
        self.sourced: dict[str, dict[str, tuple]] = {kind: {} for kind in SOURCED}  # by their key
        self.add(facts)

    def add(self, facts: Iterable[tuple]) -> None:
        sourced = self.sourced
        for fact in facts:
            if fact[0] in OWNED:
                self.shops.setdefault(fact[1], set()).add(fact)
            elif fact[0] in sourced:
                sourced[fact[0]][fact[1]] = fact
            else:
                self.others.add(fact)

    def drop(self, facts: Iterable[tuple]) -> None:
        sourced = self.sourced
        for fact in facts:
            if fact[0] in OWNED:
                held = self.shops.get(fact[1])
                if held is not None:
                    held.discard(fact)
                    if not held:
                        del self.shops[fact[1]]
            elif fact[0] in sourced:
                sourced[fact[0]].pop(fact[1], None)
            else:
                self.others.discard(fact)

    def looked(self, same: set, moved: dict[str, list] | None) -> list[tuple]:
        """The facts but those owned by these shops; of the SOURCED kinds, those whose value moved (all of them
        when that is not known)."""
        shops = self.shops
        found = [*self.others, *itertools.chain.from_iterable(shops[slug] for slug in shops.keys() - same)]
        for kind, facts in self.sourced.items():
            found += facts.values() if moved is None else [facts[key] for key in moved[kind] if key in facts]
        return found


def moved(new: dict, old: dict) -> list:
    """The keys whose value is not the very same object in both tables (in a few passes in C: the QR codes,
    QR texts and pictures are 33,000 values at 10,000 shops)."""
    keys = list(new) if new.keys() == old.keys() else list(new.keys() | old.keys())
    return list(itertools.compress(keys, map(operator.is_not, map(new.get, keys), map(old.get, keys))))


class Digests:
    """Each fact's digest in this build, against the last build's record. A fact owned by a shop whose
    files are unchanged, under unchanged settings and categories, keeps its recorded digest without
    being worked out again (or even looked at: at 10,000 shops they are 130,000 of 150,000 facts)."""

    def __init__(self, record: Record | None, facts: Facts, shops: dict | None, carry: bytes):
        self.facts = facts
        self.old = record.digests if record is not None else {}
        self.fresh: dict[tuple, bytes] = {}
        self.index = record.index if record is not None else None
        self.same_shop: set = set()
        if record is not None and shops is not None and record.shops is not None and record.carry == carry:
            self.same_shop = {slug for slug, digest in shops.items() if record.shops.get(slug) == digest}

    def carried(self, fact: tuple) -> bool:
        return fact[0] in OWNED and fact[1] in self.same_shop and fact in self.old

    def of(self, fact: tuple) -> bytes:
        digest = self.fresh.get(fact)
        if digest is None:
            digest = self.fresh[fact] = self.old[fact] if self.carried(fact) else self.facts.digest(fact)
        return digest

    def changed(self, moved: dict[str, list] | None = None) -> set:
        """The facts of the record whose digest changed. `moved` (serve): for each SOURCED kind, the keys whose
        value is not the very object the last build had; the others' digests stand."""
        old, same, owned = self.old, self.same_shop, OWNED
        if self.index is not None:
            looked = self.index.looked(same, moved)
        else:
            looked = [fact for fact in old if not (fact[0] in owned and fact[1] in same)]
        return {fact for fact in looked if self.of(fact) != old[fact]}

    def table(self, facts: set) -> dict:
        """These facts with their digests, for the next record: those not yet worked out are not kept in
        `fresh` too (a cold build at 10,000 shops: 150,000 facts, each digest in two tables, as the record
        is saved at the build's peak of memory)."""
        old, same, owned, fresh, digest = self.old, self.same_shop, OWNED, self.fresh, self.facts.digest
        return {fact: old[fact] if fact[0] in owned and fact[1] in same and fact in old
                else fresh.get(fact) or digest(fact) for fact in facts}


class Pages:
    """One build's use of the record: which planned pages need not be made again, and the record of
    this build, saved once its output folder is in place.

    `stamp` names everything every page depends on besides the facts it reads; `shops` is each shop's
    files as a digest (None: unknown); `carry` names what a shop's facts are made of besides its
    files (the settings, the categories, the options)."""

    def __init__(self, cache_dir: Path | None, output: list | None, stamp: str, shops: dict | None, carry: bytes,
                 facts: Facts, known: dict, held: dict | None = None):
        self.cache_dir, self.known, self.held = cache_dir, known, held
        self.old = None
        if cache_dir is not None and known:  # the last build's record: kept in memory (serve), else in the cache
            kept = held.get("record") if held is not None else None
            if kept is not None:
                self.old = kept if (kept.stamp, kept.output) == (stamp, output) and output is not None else None
            else:
                self.old = Record.read(cache_dir, stamp, output)
        self.new = Record(stamp, shops, carry)
        self.journal: dict[str, tuple | None] = {}
        if self.old is not None:  # its pages taken over: 131,780 at 10,000 shops, most of them kept as they are
            if self.old.journal:  # a build that took them over failed: put back as they were
                for file, entry in self.old.journal.items():
                    if entry is None:
                        self.old.pages.pop(file, None)
                    else:
                        self.old.pages[file] = entry
            self.new.pages, self.new.named, self.old.journal = self.old.pages, self.old.named, self.journal
        self.digests = Digests(self.old, facts, shops, carry)
        # every fact the last build's pages read, looked at once: those whose digest changed
        self.changed = self.digests.changed(self._moved(facts)) if self.old is not None else set()
        self.planned: dict[str, bytes] = {}
        self.signatures = Signatures(held.get("signatures") if held is not None else None, keep=held is not None)
        if held is not None:
            held["signatures"] = self.signatures.now
        self.shared: dict[int, tuple] = {}  # long lists named once (see signature)
        self.count = 0  # pages whose views were made
        self.made_now: set[str] = set()  # their files
        # serve: the runs of specs (a shop's pages) whose pages were all kept, by the run's id (see kept_groups),
        # with the record they were kept in: taken only from the build whose record this one takes over
        taken, self.groups = held.get("groups", (None, {})) if held is not None else (None, {})
        if taken is not self.old or self.old is None:
            self.groups = {}
        self.groups_now: dict[int, tuple] = {}
        self.grouped: list[tuple] = []  # the runs kept whole (see kept_groups), with their files
        if held is not None:
            held["groups"] = (self.new, self.groups_now)

    def _moved(self, facts: Facts) -> dict[str, list] | None:
        """serve: for each SOURCED kind, the keys whose value is not the one the build whose record this one
        takes over had (None: not known). Kept as copies: a table may be changed in place from build to build."""
        if self.held is None:
            return None
        now, last = facts.sources(), self.held.get("sources")
        self.held["sources"] = (self.new, {kind: dict(table) for kind, table in now.items()})
        if last is None or last[0] is not self.old:
            return None
        return {kind: moved(now[kind], last[1][kind]) for kind in SOURCED}

    def unchanged(self, file: str, template: str, args: tuple, by_path: bool = False) -> bool:
        """Whether the page at `file` would be made as the last build made it (which wrote it, with
        the view hash in `known`): planned alike, and nothing it read changed. `by_path`: the file's path
        names every argument but the view method (see PageSpec.by_path)."""
        planned = self.planned[file] = self.signatures.of(file, template, args, self.shared, by_path)
        if self.old is None or file not in self.known:
            return False
        old = self.old.pages.get(file)  # the last record's entry: taken over, it stays
        return old is not None and old[0] == planned and self.changed.isdisjoint(old[1])

    def kept_groups(self, groups: list[list]) -> dict[int, list]:
        """Of these runs of specs, those planned as the very same lists as in the last build (serve keeps a
        shop's specs while its model objects are the same), all of whose pages were kept then, by their ids:
        their (file, spec) pairs. Such a run is kept when every page is still published and none of the
        facts they read changed; their entries in the record, taken over, are those they had then. The
        runs are looked at together (at 10,000 shops, 114,000 of 131,780 pages are in 10,000 shops' runs;
        one look a run cost 0.13 s). The others: their pages are looked at one by one."""
        changed, held, known = self.changed, self.groups, self.known
        hits = []
        for group in groups:
            hit = held.get(id(group))
            if hit is not None and hit[0] is group and changed.isdisjoint(hit[2]):
                hits.append(hit)
        if not all(map(known.__contains__, itertools.chain.from_iterable(hit[1] for hit in hits))):
            hits = [hit for hit in hits if all(map(known.__contains__, hit[1]))]
        self.grouped = hits
        self.groups_now.update((id(hit[0]), hit) for hit in hits)
        return {id(hit[0]): hit[3] for hit in hits}

    def group_kept(self, group: list, pairs: list[tuple[str, object]]) -> None:
        """A run's pages were all kept, looked at one by one: the next build may keep the run as a whole."""
        if self.held is None:
            return
        files = tuple(file for file, _ in pairs)
        facts = frozenset().union(*(entry[1] for entry in map(self.new.pages.__getitem__, files)))
        self.groups_now[id(group)] = (group, files, facts, pairs)

    def made(self, file: str, facts: Iterable[tuple]) -> None:
        if self.held is not None:  # serve: how to put the record back, and what to count again (see _counted)
            if file not in self.journal:
                self.journal[file] = self.new.pages.get(file)
            self.made_now.add(file)
        self.new.page(file, self.planned[file], facts)
        self.count += 1

    def save(self, output: list | None) -> None:
        """Every fact a page read, with its digest in this build, then the record (in memory, when the
        process builds again)."""
        if self.cache_dir is None:
            return
        if self.new.output is None:  # the first save of this build (a second, for the folder swapped in last,
            self._drop_gone()        # has the same facts)
            if self.held is None:
                self.new.digests = self.digests.table(self.new.facts())
            else:  # the last record is given up first: _counted changes its tables
                self.held.pop("record", None)
                self.new.counts, self.new.digests, self.new.index = self._counted()
        self.new.output = output
        if self.held is not None:  # the process builds again (serve): the next build takes it from memory
            self.held["record"] = self.new
        else:
            self.new.save(self.cache_dir, output)

    def _drop_gone(self) -> None:
        """The entries, taken over from the last record, of pages no longer planned (every page planned was
        kept, so is there, or made: no page is gone while the numbers agree)."""
        pages = self.new.pages
        if len(pages) == len(self.planned) + sum(len(hit[1]) for hit in self.grouped):
            return
        planned = self.planned.keys() | set(itertools.chain.from_iterable(hit[1] for hit in self.grouped))
        kept = self.signatures.now if self.signatures.now is not None else {}
        for file in pages.keys() - planned:
            self.journal.setdefault(file, pages[file])
            del pages[file]
            kept.pop(file, None)  # serve keeps signatures by file: a page gone takes its own along

    def _counted(self) -> tuple[dict, dict, Index]:
        """serve: how many pages read each fact, and each fact's digest, worked out from the last build's
        by the pages this build made again, added or dropped (a build takes most pages as the very entries
        of the last record) instead of from every page and fact: 131,780 pages and 150,000 facts at 10,000
        shops. The digests are those Digests.table gives: the last build's, but those worked out now.

        The last record's tables are taken over and changed in place (copying them and comparing their
        keys cost 0.05 s a build at 10,000 shops): that record is no longer held (see save), and the two
        tables name the same facts in every record this makes."""
        old, pages = self.old, self.new.pages
        if old is None or old.counts is None:
            counts: dict[tuple, int] = {}
            for _, facts in pages.values():
                for fact in facts:
                    counts[fact] = counts.get(fact, 0) + 1
            return counts, self.digests.table(counts.keys()), Index(counts)
        counts, digests, index = old.counts, old.digests, old.index or Index(old.counts)
        old.counts, old.digests, old.index = None, {}, None
        dropped, first = [], []
        for entry in self.journal.values():  # the entries of pages made again or gone, as they were
            for fact in entry[1] if entry is not None else ():
                left = counts[fact] - 1
                if left:
                    counts[fact] = left
                else:
                    del counts[fact]
                    dropped.append(fact)
        for file in self.made_now:
            for fact in pages[file][1]:
                known = counts.get(fact, 0)
                counts[fact] = known + 1
                if not known:
                    first.append(fact)
        fresh = self.digests.fresh
        digests.update(fresh)  # those changed() and the pages made worked out (of())
        for fact in (fresh.keys() - counts.keys()).union(dropped):  # read by no page now
            if fact not in counts:
                digests.pop(fact, None)
        for fact in first:  # read for the first time
            if fact not in digests:
                digests[fact] = self.digests.of(fact)
        index.drop(dropped)  # a fact dropped and read again is put back
        index.add(first)
        if len(self.new.named) > 2 * len(counts) + 1000:  # each fact named once: those read no more let go
            self.new.named = {fact: fact for fact in counts}  # the very objects the pages name
        return counts, digests, index


def carried(settings, categories, options) -> bytes:
    """What a shop's facts are made of besides its own files."""
    return _digest((settings, categories, options))
