"""The catalogue: the model's lookups and orders, worked out once and shared by the page views (plan)
and the search records (search), instead of each walking the model again.

Nothing here knows about pages or templates: only shops, products and categories, found by slug,
grouped by category (with their subcategories) and ordered newest first.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from typing import Callable

from generator.model import Directory, Product, Shop


def newest_first(product: Product):
    return (-(product.date.toordinal() if product.date else 0), product.shop, product.slug)


class Catalogue:
    """Each lookup is made the first time it is asked for, then kept: the search records need only a few."""

    def __init__(self, directory: Directory):
        self.d = directory
        self.shops = dict(zip(map(_SLUG, directory.shops), directory.shops))  # no Python step a shop: 10,000 of them
        self.categories = {c.slug: c for c in directory.categories}
        self._lineage: dict[str, tuple[str, ...]] = {}

    @functools.cached_property
    def products(self) -> dict[tuple[str, str], Product]:
        return {(p.shop, p.slug): p for p in self.d.products}

    @functools.cached_property
    def products_of(self) -> dict[str, list[Product]]:
        """Each shop's products (every shop of the directory has an entry)."""
        if self.d.products_of is not None:  # grouped by validation already: at 10,000 shops, 30 ms saved
            return self.d.products_of
        found = _grouped(self.d.products, operator.attrgetter("shop"))
        return {shop.slug: found.get(shop.slug, []) for shop in self.d.shops}

    @functools.cached_property
    def _in_order(self) -> list[Product]:
        """Every product of the directory, newest first."""
        return sorted(self.d.products, key=newest_first)

    @functools.cached_property
    def newest_of(self) -> dict[str, list[Product]]:
        """Each shop's products, newest first: the directory's products in that order, dealt out to their
        shops in one pass (every shop of the directory has an entry). What newest_first gives each shop's
        list, without a sort a shop: 10,000 of them at 10,000 shops."""
        found: dict[str, list[Product]] = {slug: [] for slug in self.shops}
        for product in self._in_order:
            found.setdefault(product.shop, []).append(product)
        return found

    @functools.cached_property
    def newest(self) -> list[Product]:
        return [p for p in self._in_order if p.date]

    @functools.cached_property
    def _places(self) -> dict[int, int]:
        """Each of the directory's products (by identity) with its place, newest first, in the whole directory."""
        return {id(p): n for n, p in enumerate(self._in_order)}

    def newest_first(self, products) -> list[Product]:
        """These products, newest first: the directory's own are sorted by their places in it, with no Python
        step an item (newest_first was called 600,000 times a build at 10,000 shops)."""
        products = list(products)
        places = self._places
        try:
            return [product for _, product in sorted(zip(map(places.__getitem__, map(id, products)), products))]
        except KeyError:  # not all the directory's own objects
            return sorted(products, key=newest_first)

    @functools.cached_property
    def shops_in(self) -> dict[str, list[Shop]]:
        """Each category's shops: those in it or in one of its subcategories, in one pass over the shops."""
        found: dict[str, list[Shop]] = defaultdict(list)
        for shop in self.d.shops:
            lineage = set()
            for slug in shop.categories:
                while slug:
                    lineage.add(slug)
                    slug = self.categories[slug].parent
            for slug in sorted(lineage):
                found[slug].append(shop)
        return found

    def descendants(self, slug: str) -> list[str]:
        """A category's slug, then its subcategories', depth first."""
        out = [slug]
        for child in self.categories[slug].children:
            out.extend(self.descendants(child))
        return out

    def lineage(self, slug: str) -> tuple[str, ...]:
        """A category's name, then its parent's, up to the top (worked out once per category)."""
        if slug not in self._lineage:
            names = []
            current = slug
            while current:
                names.append(self.categories[current].name)
                current = self.categories[current].parent
            self._lineage[slug] = tuple(names)
        return self._lineage[slug]

    def products_under(self, slug: str) -> list[Product]:
        """Products of a category and of all its subcategories, newest first."""
        return self._under_all[slug]

    @functools.cached_property
    def _under_all(self) -> dict[str, list[Product]]:
        """Every category's products_under, made at once: the directory's products, newest first, each dealt
        out to its category and to every category that has it among its descendants. No sort a category
        (at 10,000 shops a page plan sorted 60 lists of up to 110,000 products)."""
        holding: dict[str, list[str]] = {}  # a category's slug -> the categories it is under (itself included)
        for slug in self.categories:
            for below in self.descendants(slug):
                holding.setdefault(below, []).append(slug)
        found: dict[str, list[Product]] = {slug: [] for slug in self.categories}
        for product in self._in_order:
            for slug in holding.get(product.category, ()):
                found[slug].append(product)
        return found

    def group_by_text(self, shop_values: Callable, product_values: Callable | None, route: Callable):
        """Shops and products grouped by a text of theirs (a tag, a city), one group per route: a text
        written two ways on one item ('tea', 'TeA') lands once in one group. The values come as a sequence
        an item; product_values None: no product has any (the cities), and the products are not looked at."""
        groups: dict[str, tuple[str, list, list]] = {}
        paths: dict[str, str] = {}  # each text's route, worked out once: a tag recurs on thousands of items
        for index, items, values_of in ((1, self.d.shops, shop_values), (2, self.d.products, product_values)):
            if values_of is None:
                continue
            for item in items:
                values = values_of(item)
                if len(values) == 1:  # the most common case, taken without the dict of routes below
                    value = values[0]
                    path = paths.get(value)
                    if path is None:
                        path = paths[value] = route(value)
                    groups.setdefault(path, (value, [], []))[index].append(item)
                    continue
                routes_of_item = {}
                for value in values:
                    path = paths.get(value)
                    if path is None:
                        path = paths[value] = route(value)
                    routes_of_item.setdefault(path, value)
                for path, value in routes_of_item.items():
                    groups.setdefault(path, (value, [], []))[index].append(item)
        return [(name, shops, self.newest_first(products))
                for _, (name, shops, products) in sorted(groups.items())]


_SLUG = operator.attrgetter("slug")


def _grouped(items, key: Callable) -> dict:
    """The items by key(item), each group in the items' order."""
    found: dict = defaultdict(list)
    for item in items:
        found[key(item)].append(item)
    return found
