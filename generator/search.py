"""Search: what is searched, computed from the model: one record per shop and product for Pagefind
(see pagefind), and fielded entries for shopdir's own index (see searchindex).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import operator
import pickle
from dataclasses import dataclass
from typing import Callable

from generator import routes
from generator.catalogue import Catalogue
from generator.markup import Markdown, text_key
from generator.model import Directory
from generator.searchindex import Entry

@dataclass(frozen=True)
class Record:
    path: str  # the page's path below the site root, as routes gives it
    title: str
    content: str  # plain text that is searched
    meta: tuple[tuple[str, str], ...]  # shown with each result
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # narrow results: category, city


class Records:
    """What the search knows of each shop and product."""

    def __init__(self, directory: Directory, strings: dict, pictures: dict, markdown: Markdown | None = None,
                 catalogue: Catalogue | None = None):
        self.m = markdown or Markdown()  # the build's, which has rendered every text already
        self.base = directory.settings.base_path
        self.strings, self.pictures = strings, pictures
        self.catalogue = catalogue or Catalogue(directory)  # the build's, which the pages' plan shares
        self.categories, self.shops = self.catalogue.categories, self.catalogue.shops

    def image(self, shop: str, path: str | None) -> str:
        picture = self.pictures.get((shop, path)) if path else None
        return routes.url(self.base, picture.fitting(320).path) if picture else ""

    def filters(self, category_slugs, city) -> tuple:
        names = sorted({name for slug in category_slugs for name in self.catalogue.lineage(slug)})
        found = [(self.strings["category"], tuple(names))]
        if city:
            found.append((self.strings["city"], (city,)))
        return tuple(found)

    def shop(self, shop) -> Record:
        # Plain text is not kept for later (keep=False): this build needs it here only once.
        text = " ".join(filter(None, [shop.name, shop.tagline, shop.city, " ".join(shop.tags),
                                      " ".join(self.categories[c].name for c in shop.categories),
                                      self.m.plain_text(shop.description, 2000, keep=False)]))
        return Record(routes.shop(shop.slug), shop.name, text,
                      (("title", shop.name), ("kind", self.strings["shops"]), ("shop", shop.tagline or ""),
                       ("image", self.image(shop.slug, shop.logo)), ("image_alt", "")),
                      self.filters(shop.categories, shop.city))

    def product(self, product) -> Record:
        shop = self.shops[product.shop]
        text = " ".join(filter(None, [product.name, shop.name, " ".join(product.tags),
                                      self.categories[product.category].name,
                                      self.m.plain_text(product.body, 2000, keep=False)]))
        return Record(routes.product(product.shop, product.slug), product.name, text,
                      (("title", product.name), ("kind", self.strings["products"]), ("shop", shop.name),
                       ("image", self.image(product.shop, (product.images or (None,))[0])), ("image_alt", "")),
                      self.filters([product.category], shop.city))

    # Fielded entries for shopdir's own index (searchindex): the same texts, each in its own field.

    def _entry(self, path, kind, fields, categories, city, shop_name, image="") -> Entry:
        names = sorted({name for slug in categories for name in self.catalogue.lineage(slug)})
        filters = (("category", tuple(names)), ("city", (city,) if city else ()),
                   ("kind", (kind,)), ("shop", (shop_name,) if shop_name else ()))
        return Entry(routes.url(self.base, path), kind, tuple((k, v) for k, v in fields if v), filters,
                     shop_name, image)

    def shop_entries(self, shop) -> list[Entry]:
        categories = " ".join(self.categories[c].name for c in shop.categories)
        found = [self._entry(routes.shop(shop.slug), self.strings["shops"],
                             [("title", shop.name), ("tags", " ".join(shop.tags)), ("category", categories),
                              ("city", shop.city or ""), ("body", " ".join(filter(None, [
                                  shop.tagline, self.m.plain_text(shop.description, 2000, keep=False)])))],
                             shop.categories, shop.city, shop.name, self.image(shop.slug, shop.logo))]
        for store in shop.stores:
            found.append(self._entry(routes.store(shop.slug, store.slug), self.strings["store"],
                                     [("title", store.name), ("city", store.city or ""), ("shop", shop.name),
                                      ("body", " ".join(filter(None, [store.address, store.hours])))],
                                     shop.categories, store.city or shop.city, shop.name))
            for guide in store.guides:
                found.append(self._entry(routes.guide(shop.slug, store.slug, guide.slug), self.strings["guides"],
                                         [("title", guide.name), ("shop", shop.name), ("body", guide.title or "")],
                                         shop.categories, store.city or shop.city, shop.name,
                                         self.image(shop.slug, guide.photo)))
        return found

    def product_entry(self, product) -> Entry:
        shop = self.shops[product.shop]
        return self._entry(routes.product(product.shop, product.slug), self.strings["products"],
                           [("title", product.name), ("tags", " ".join(product.tags)),
                            ("category", self.categories[product.category].name), ("shop", shop.name),
                            ("city", shop.city or ""), ("body", self.m.plain_text(product.body, 2000, keep=False))],
                           [product.category], shop.city, shop.name,
                           self.image(product.shop, (product.images or (None,))[0]))

    def category_entry(self, category) -> Entry:
        return self._entry(routes.category(category.slug), self.strings["category"],
                           [("title", category.name), ("body", self.m.plain_text(category.description, 2000, keep=False))],
                           [category.slug], None, "")


def entries(directory: Directory, strings: dict, pictures: dict, markdown: Markdown | None = None) -> list[Entry]:
    """What shopdir's own index holds: categories, then each shop with its stores and guides, then products."""
    make = Records(directory, strings, pictures, markdown)
    found = [make.category_entry(c) for c in directory.categories]
    for shop in directory.shops:
        found += make.shop_entries(shop)
    return found + [make.product_entry(p) for p in directory.products]


def groups(directory: Directory, strings: dict, pictures: dict, inputs: dict[str, bytes] | None,
           markdown: Markdown | None = None,
           catalogue: Catalogue | None = None) -> tuple[list[tuple[str, bytes]], Callable]:
    """The entries of entries() in groups, for an index made again group by group (searchindex.update):
    "" the categories, then each shop with its stores, guides and products, each with a key that
    changes whenever its entries could.

    A shop's entries are made from its own files, its pictures, and what site_key holds (the
    categories, settings, strings, code, whether drafts are in), so its key is the digest of its files
    that loading took (`inputs`, by shop) and its pictures' names (which name their content): nothing
    of the model is read for it. Without `inputs` every key is empty: there is nothing kept to compare
    with. Returns the groups and a function that makes one group's entries."""
    make = Records(directory, strings, pictures, markdown, catalogue)

    def entries_of(name: str) -> list[Entry]:
        if not name:
            return [make.category_entry(c) for c in directory.categories]
        products = make.catalogue.products_of.get(name, ())
        return make.shop_entries(make.shops[name]) + [make.product_entry(p) for p in products]

    slugs = list(make.shops)
    if inputs is None:
        return [("", b"")] + [(slug, b"") for slug in slugs], entries_of
    keys = dict(zip(slugs, map(inputs.get, slugs, itertools.repeat(b""))))  # digests already, as they are
    named: dict[str, list[str]] = {}
    for (shop, _), picture in pictures.items():
        named.setdefault(shop, []).append(picture.variants[0].path)
    for slug, paths in named.items():  # hashed again with their pictures
        if slug in keys:
            keys[slug] = hashlib.blake2b(b"\0".join([keys[slug], *sorted(p.encode("utf-8") for p in paths)]),
                                         digest_size=16).digest()
    return [("", b""), *keys.items()], entries_of


def site_key(directory: Directory, strings: dict, code: str, drafts: bool) -> str:
    """What every entry depends on beyond its group: the categories, the theme's strings, the settings
    (base path, limits...), shopdir's code (`code`), and whether drafts are in (a build's choice: the
    same files give a shop other products)."""
    read = [code, repr(directory.settings), sorted(strings.items()), drafts,
            [_values(category, "description", text_key) for category in directory.categories]]
    return hashlib.sha256(pickle.dumps(read, protocol=5)).hexdigest()[:24]


def _values(item, markdown: str, key: Callable[[str], str]) -> tuple:
    """A model object's values (pickled, they are hashed quickly), its Markdown field by its text's key."""
    read = _READERS.get((type(item), markdown))
    if read is None:
        read = _READERS[type(item), markdown] = operator.attrgetter(
            *[field.name for field in dataclasses.fields(item) if field.name != markdown])
    text = getattr(item, markdown)
    return read(item), key(text) if text else ""


_READERS: dict[tuple[type, str], Callable] = {}  # each model class's fields but its Markdown, read at once
