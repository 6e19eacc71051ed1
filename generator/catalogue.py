"""The catalogue: the model's lookups and orders, worked out once and shared by the page views (plan)
and the search records (search), instead of each walking the model again.

Nothing here knows about pages or templates: only shops, products and categories, found by slug,
grouped by category (with their subcategories) and ordered newest first.

A process that builds again and again (serve) makes each build's catalogue from the last one (`since`):
its orders and groups are then the last ones with the shops that changed taken out and put in again,
and the lists no changed shop is in are the very same lists (which the plan and the page record take
as they are). Every list is what the plain way makes, in the same order.
"""

from __future__ import annotations

import bisect
import functools
import operator
from collections import defaultdict
from typing import Callable

from generator.model import Directory, Product, Shop


def newest_first(product: Product):
    return (-(product.date.toordinal() if product.date else 0), product.shop, product.slug)


class Catalogue:
    """Each lookup is made the first time it is asked for, then kept: the search records need only a few."""

    def __init__(self, directory: Directory, since: Catalogue | None = None):
        self.d = directory
        self.shops = dict(zip(map(_SLUG, directory.shops), directory.shops))  # no Python step a shop: 10,000 of them
        self.categories = {c.slug: c for c in directory.categories}
        self._lineage: dict[str, tuple[str, ...]] = {}
        self._grouped: dict[str, dict] = {}  # each named grouping by text (group_by_text's key): path -> group
        # the last build's catalogue, while this one's lists are made from its own, and the shops changed since
        self._since, self._changed = None, set()
        if since is not None:
            since._since = None  # it is made: the one before it is no longer needed (no chain of catalogues)
            changed = _changed_shops(since, self)
            if changed is not None:
                self._since, self._changed = since, changed

    @functools.cached_property
    def products(self) -> dict[tuple[str, str], Product]:
        old = self._kept("products")
        if old is None:
            return {(p.shop, p.slug): p for p in self.d.products}
        found = dict(old)
        for product in self._gone:
            del found[(product.shop, product.slug)]
        found.update(((product.shop, product.slug), product) for product in self._fresh)
        return found

    @functools.cached_property
    def _order(self) -> dict[int, int]:
        """Each of the directory's products (by identity) with its place in the directory's own order."""
        return {id(p): n for n, p in enumerate(self.d.products)}

    def let_go(self) -> None:
        """The build is done with this catalogue: the last one, and the directory it holds, are let go (the
        next catalogue is made from this one)."""
        self._since = None

    def _kept(self, name: str):
        """The last catalogue's `name`, when this one is made from it and it had worked that out."""
        return self._since.__dict__.get(name) if self._since is not None else None

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
        old = self._kept("_in_order")
        if old is None:
            return sorted(self.d.products, key=newest_first)
        return _replaced(old, self._gone, self._fresh, newest_first)

    @functools.cached_property
    def _fresh(self) -> list[Product]:
        """The products of the shops changed since the last catalogue, newest first."""
        return sorted((p for slug in sorted(self._changed) for p in self.products_of.get(slug, ())), key=newest_first)

    @functools.cached_property
    def _gone(self) -> list[Product]:
        """The products the changed shops had in the last catalogue."""
        return [p for slug in sorted(self._changed) for p in self._since.products_of.get(slug, ())]

    @functools.cached_property
    def newest_of(self) -> dict[str, list[Product]]:
        """Each shop's products, newest first: the directory's products in that order, dealt out to their
        shops in one pass (every shop of the directory has an entry). What newest_first gives each shop's
        list, without a sort a shop: 10,000 of them at 10,000 shops."""
        old = self._kept("newest_of")
        if old is not None:
            changed = self._changed
            return {slug: old[slug] if slug not in changed else sorted(self.products_of.get(slug, ()), key=newest_first)
                    for slug in self.shops}
        found: dict[str, list[Product]] = {slug: [] for slug in self.shops}
        for product in self._in_order:
            found.setdefault(product.shop, []).append(product)
        return found

    @functools.cached_property
    def newest(self) -> list[Product]:
        old = self._kept("newest")
        if old is not None:
            return _replaced(old, [p for p in self._gone if p.date], [p for p in self._fresh if p.date], newest_first)
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
        old = self._kept("shops_in")
        if old is not None:
            changed, since = self._changed, self._since
            found = defaultdict(list, old)
            fresh = {slug: self._lineage_of([self.shops[slug]]) for slug in sorted(changed) if slug in self.shops}
            place = _places_of(self.d.shops) if fresh else {}
            for slug in self._lineage_of(since.shops.get(s) for s in changed).union(*fresh.values()):
                kept = [shop for shop in old.get(slug, ()) if shop.slug not in changed]
                listed = _merged(kept, [self.shops[shop] for shop, lineage in fresh.items() if slug in lineage],
                                 lambda shop: place[shop.slug])
                if listed:
                    found[slug] = listed
                else:
                    found.pop(slug, None)
            return found
        found: dict[str, list[Shop]] = defaultdict(list)
        for shop in self.d.shops:
            for slug in sorted(self._lineage_of([shop])):
                found[slug].append(shop)
        return found

    def _lineage_of(self, shops) -> set[str]:
        """The categories these shops are in, and those above them."""
        lineage = set()
        for shop in shops:
            for slug in shop.categories if shop is not None else ():
                while slug:
                    lineage.add(slug)
                    slug = self.categories[slug].parent
        return lineage

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
        old = self._kept("_under_all")
        if old is not None:
            fresh, gone = self._fresh, self._gone
            touched = {under for p in (*gone, *fresh) for under in holding.get(p.category, ())}
            found = dict(old)
            for slug in touched:
                found[slug] = _replaced(old[slug], [p for p in gone if slug in holding.get(p.category, ())],
                                        [p for p in fresh if slug in holding.get(p.category, ())], newest_first)
            return found
        found: dict[str, list[Product]] = {slug: [] for slug in self.categories}
        for product in self._in_order:
            for slug in holding.get(product.category, ()):
                found[slug].append(product)
        return found

    def group_by_text(self, shop_values: Callable, product_values: Callable | None, route: Callable,
                      key: str | None = None):
        """Shops and products grouped by a text of theirs (a tag, a city), one group per route: a text
        written two ways on one item ('tea', 'TeA') lands once in one group. The values come as a sequence
        an item; product_values None: no product has any (the cities), and the products are not looked at.
        A grouping named by `key` (with the same functions each build) is kept: the next catalogue made from
        this one groups again only the texts of the shops that changed."""
        old = self._since._grouped.get(key) if key is not None and self._since is not None else None
        if old is not None:
            groups = self._regrouped(old, shop_values, product_values, route)
        else:
            groups = {path: (name, shops, self.newest_first(products))
                      for path, (name, shops, products)
                      in _grouping_of(self.d.shops, self.d.products, shop_values, product_values, route).items()}
        if key is not None:
            self._grouped[key] = groups
        return [groups[path] for path in sorted(groups)]

    def _regrouped(self, old: dict, shop_values: Callable, product_values: Callable | None, route: Callable) -> dict:
        """The last grouping (path -> group), with the items of the changed shops taken out and put in again:
        the groups none of them is in, before or now, are the very same."""
        changed, since = self._changed, self._since
        if not changed:
            return old
        before = [since.shops[slug] for slug in sorted(changed) if slug in since.shops]
        shops = [self.shops[slug] for slug in sorted(changed) if slug in self.shops]
        fresh = _grouping_of(shops, self._fresh, shop_values, product_values, route)
        gone = _grouping_of(before, self._gone, shop_values, product_values, route)
        found = dict(old)
        place = _places_of(self.d.shops)
        for path in set(fresh).union(gone):
            kept_shops, kept_products = old.get(path, (None, [], []))[1:]
            new_shops, new_products = fresh.get(path, (None, [], []))[1:]
            listed_shops = _merged([s for s in kept_shops if s.slug not in changed], new_shops,
                                   lambda shop: place[shop.slug])
            listed_products = _replaced(kept_products, gone.get(path, (None, [], []))[2], new_products, newest_first)
            if not listed_shops and not listed_products:
                found.pop(path, None)
                continue
            found[path] = (self._first_name(path, listed_shops, listed_products, shop_values, product_values, route),
                           listed_shops, listed_products)
        return found

    def _first_name(self, path: str, shops: list, products: list, shop_values: Callable,
                    product_values: Callable | None, route: Callable) -> str:
        """A group's name: the text of its first item in the directory's order (shops before products) that
        routes to its path, as _grouping_of meets them."""
        if shops:
            first, values_of = shops[0], shop_values
        else:
            place = self._order
            first, values_of = min(products, key=lambda product: place[id(product)]), product_values
        return next(value for value in values_of(first) if route(value) == path)


def _grouping_of(shops, products, shop_values: Callable, product_values: Callable | None, route: Callable) -> dict:
    """Shops and products grouped by their texts, path -> (the first item's text, shops, products), each list
    in the order given; product_values None: the products are not looked at."""
    groups: dict[str, tuple[str, list, list]] = {}
    paths: dict[str, str] = {}  # each text's route, worked out once: a tag recurs on thousands of items
    for index, items, values_of in ((1, shops, shop_values), (2, products, product_values)):
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
    return groups


_SLUG = operator.attrgetter("slug")


ANEW = 8  # more shops changed than this and a tenth of all: the catalogue is made anew (each is put in again)


def _changed_shops(since: Catalogue, now: Catalogue) -> set[str] | None:
    """The shops (by slug) whose objects or products are not the very same in the two catalogues' directories,
    and those added or removed; None when the catalogue is to be made anew: other categories or settings, or
    more shops changed than ANEW and a tenth of the shops."""
    if since.d.categories != now.d.categories or since.d.settings != now.d.settings:
        return None
    old_shops, old_of, new_of = since.shops, since.products_of, now.products_of
    changed = {slug for slug, shop in now.shops.items() if old_shops.get(slug) is not shop}
    changed.update(old_shops.keys() - now.shops.keys())
    for slug in now.shops.keys() - changed:
        before, after = old_of.get(slug, ()), new_of.get(slug, ())
        if before is not after and (len(before) != len(after) or not all(map(operator.is_, before, after))):
            changed.add(slug)
    return changed if len(changed) <= max(ANEW, len(now.shops) // 10) else None


def _replaced(items: list, gone: list, more: list, key: Callable) -> list:
    """A copy of items (in key order, each with a place of its own) without `gone` (found by halving: no
    Python step an item kept, and a list may hold every product of the directory) and with `more`; the
    very list when neither takes anything out or puts anything in."""
    if not gone and not more:
        return items
    found = list(items)
    for item in gone:
        at = bisect.bisect_left(found, key(item), key=key)
        if at < len(found) and found[at] is item:
            del found[at]
        else:  # not there as the very object, as it should be: the plain way
            taken = set(map(id, gone))
            return _merged([kept for kept in items if id(kept) not in taken], more, key)
    return _merged(found, more, key)


def _merged(items: list, more: list, key: Callable) -> list:
    """items (in key order) with more put in at their places; key gives each item a place of its own."""
    for item in more:
        bisect.insort(items, item, key=key)
    return items


def _places_of(shops) -> dict[str, int]:
    return {slug: n for n, slug in enumerate(map(_SLUG, shops))}


def _grouped(items, key: Callable) -> dict:
    """The items by key(item), each group in the items' order."""
    found: dict = defaultdict(list)
    for item in items:
        found[key(item)].append(item)
    return found
