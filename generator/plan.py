"""The site plan: every page's path, template and view, computed before anything is rendered.

Templates only display. Sorting, pagination, URLs, prices, "new arrivals" and the QR
markup are decided here and handed over as small dicts; no template sees the model.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import math
from collections import defaultdict
from dataclasses import dataclass
from operator import is_
from typing import Callable, Iterable, NamedTuple

from generator import jsonld, reads, rotation, routes
from generator.cards import Cards
from generator.catalogue import Catalogue
from generator.markup import Markdown
from generator.model import Category, Directory, Product, Shop
from generator.problems import Problem

NEW_ARRIVALS = 48
FEED_ENTRIES = 50
PAGER_WINDOW = 2  # a list page links the first and last page and this many on each side of itself
HOME_SHOPS = 8  # shops of the day on the home page, besides the featured ones: they take turns (see rotation)


class PageSpec(NamedTuple):
    """One page: where it goes, its template, and how to make its view.

    The view is made when it is asked for, not kept: the plan of a large directory holds
    every path, but never every page's view at once. Rendering (in forked workers) makes each
    view just before its page is rendered. A named tuple: a plan makes one for each of 130,000 pages
    at 10,000 shops, made in 0.26 µs where a frozen dataclass took 0.67 µs.
    """

    path: str  # URL path relative to the site root
    template: str
    make: Callable[[], dict]  # the view, its Markdown as stand-ins (see Markdown.html_later)
    fill: Callable[[dict], dict]  # a view made by make, with its Markdown filled in
    # whether the path names every argument the view is made from (a product, its shop): two plans of the
    # page with the same view method are then alike (see reads.Signatures)
    by_path: bool = False

    @property
    def view(self) -> dict:
        """The view as its template gets it."""
        return self.fill(self.make())


@dataclass(frozen=True)
class Assets:
    """What the plan needs to know of things made before it: pictures, QR codes, theme files."""

    pictures: dict  # (shop slug, path) -> Picture
    qr_codes: dict  # text -> QRCode
    shop_qr_text: dict  # shop slug -> the text its QR code encodes
    strings: dict  # UI strings
    build_date: datetime.date
    markdown: Markdown  # the build's: views name its texts by stand-ins, filled in when a page is rendered
    # Where each shard of the search index is published (the first holds the UI); None: no index.
    search_folders: tuple | None = (routes.pagefind_index(),)
    catalogue: Catalogue | None = None  # the build's, shared with the search index; made here without it


def plan_site(directory: Directory, assets: Assets, kept: dict | None = None) -> tuple[list[PageSpec], list[Problem]]:
    """Every page of the site, in a fixed order. Here only what decides which pages there are is worked
    out (lists, groups, pagination); each page's view is made by a _Views method when it is needed.

    `kept`, a dict held by a process that plans again and again (serve), keeps the runs of specs planned
    from one piece of the model: each shop's pages (its own, its products', stores' and guides'), each
    category's and each tag's or city's list pages, with what they were planned from, and the views their
    specs make pages with. A run planned from alike inputs (_alike_inputs: serve keeps an unchanged shop's
    objects, the model's are frozen) takes its specs as they are: they make their views with this build's
    model, for the views are renewed in place. kept["groups"] then lists each run's specs with the place of
    the first in the plan (see render.partition). Other settings (how lists are cut and linked) plan anew.
    The sitemap's list, and two pages at one path, are worked out again only for paths not those of the
    last plan."""
    held = kept if kept is not None else {}
    v = held.get("views")
    if v is None:
        v = held["views"] = _Views(directory, assets)
    else:
        v.renew(directory, assets)
    planned, planned_now = held.get("runs", {}) if held.get("settings") == directory.settings else {}, {}
    specs: list[PageSpec] = []
    runs: list[tuple[int, list[PageSpec]]] = []  # each run's specs, where they start (see render.partition)

    def add(path: str, template: str, view: Callable[..., dict], *args, by_path: bool = False) -> None:
        specs.append(PageSpec(path, template, functools.partial(v.page, path, view, *args), v.fill, by_path))

    def run(key: tuple, inputs: tuple, plan: Callable[[], None]) -> None:
        """The specs plan() adds, or those the last plan made from alike inputs."""
        hit = planned.get(key)
        if hit is not None and _alike_inputs(hit[0], inputs):
            runs.append((len(specs), hit[1]))
            specs.extend(hit[1])
            planned_now[key] = hit
            return
        first = len(specs)
        plan()
        if kept is not None:
            planned_now[key] = (inputs, specs[first:])
            runs.append((first, planned_now[key][1]))

    d = directory
    add(routes.home(), "home.html", v.home)
    add(routes.categories(), "categories.html", v.category_index)

    # Categories, each with the products of its subcategories too.
    def category_pages(category: Category, products: list) -> None:
        for number, chunk, pager in v.paginate(products, lambda n, slug=category.slug: routes.category(slug, n)):
            add(routes.category(category.slug, number), "list.html", v.category, category, number, chunk, pager)

    for category in d.categories:
        products = v.products_under(category.slug)
        run(("category", category.slug), (category, products), functools.partial(category_pages, category, products))

    # Shops A–Z, then each shop with its products, stores and guides.
    for number, chunk, pager in v.paginate(sorted(d.shops, key=lambda s: s.slug), routes.shops):
        add(routes.shops(number), "shops.html", v.shops_az, chunk, pager)

    def shop_pages(shop: Shop, products: list) -> None:
        add(routes.shop(shop.slug), "shop.html", v.shop, shop, products)
        for product in products:
            add(routes.product(shop.slug, product.slug), "product.html", v.product, shop, product, by_path=True)
        for store in shop.stores:
            add(routes.store(shop.slug, store.slug), "store.html", v.store, shop, store, by_path=True)
            for guide in store.guides:
                add(routes.guide(shop.slug, store.slug, guide.slug), "guide.html", v.guide, shop, store, guide,
                    by_path=True)

    for shop in d.shops:
        products = v.c.newest_of[shop.slug]
        run(("shop", shop.slug), (shop, products), functools.partial(shop_pages, shop, products))

    # Tags and cities: free text, grouped by a folded key so "Tea" and "tea" are one page.
    def term_pages(kind: str, index_path: str, route: Callable, name: str, shops: list, products: list) -> None:
        for number, chunk, pager in v.paginate(products, lambda n: route(name, n)):
            add(route(name, number), "list.html", v.term, kind, index_path, name, shops, number, chunk, pager)

    for kind, index_path, route, shop_values, product_values in (
            ("tags", routes.tags(), routes.tag, lambda s: s.tags, lambda p: p.tags),
            ("cities", routes.cities(), routes.city, lambda s: (s.city,) if s.city else (), None)):
        groups = v.group_by_text(shop_values, product_values, route, kind)
        # the index names each group and counts it: planned with those alone, not every group's items
        add(index_path, "terms.html", v.terms, kind, route, tuple(name for name, _, _ in groups),
            tuple(len(shops) + len(products) for _, shops, products in groups))
        for name, shops, products in groups:
            run((kind, route(name)), (name, shops, products),
                functools.partial(term_pages, kind, index_path, route, name, shops, products))
    held["runs"], held["groups"], held["settings"] = planned_now, runs, directory.settings

    add(routes.collections(), "collections.html", v.collection_index)
    for collection in d.curation.collections:
        add(routes.collection(collection.slug), "collection.html", v.collection, collection)
    add(routes.new_arrivals(), "list.html", v.new_arrivals)
    for page in d.pages:
        add(routes.page(page.slug), "page.html", v.text_page, page)
    add(routes.search(), "search.html", v.search)
    add("404.html", "404.html", v.not_found)
    # serve: the paths and templates of the last plan give the last plan's sitemap and collisions
    paths = [spec.path for spec in specs]
    templates = [spec.template for spec in specs] if kept is not None else None
    same = kept is not None and held.get("paths") == paths and held.get("templates") == templates
    listed = held["listed"] if same else tuple(
        path for path in paths if (path.endswith("/") or path == "") and path != routes.search())
    add(routes.sitemap(), "sitemap.xml", v.sitemap, listed)
    add(routes.feed(), "feed.xml", v.feed)
    add(routes.robots(), "robots.txt", v.robots)
    if kept is None:
        return specs, _collisions(specs)
    if not same:  # the last three pages' paths are fixed: two pages at one path only if the others differ
        held["collisions"] = _collisions(specs)
    held["paths"], held["templates"], held["listed"] = paths, templates, listed
    return specs, held["collisions"]


def _alike_inputs(old: tuple, new: tuple) -> bool:
    """Whether a run's inputs are those it was planned from: each the very same object or an equal one (the
    model's are frozen), or a list of the very same items in the same order."""
    for a, b in zip(old, new):
        if a is b:
            continue
        if type(a) is list and type(b) is list:
            if len(a) != len(b) or not all(map(is_, a, b)):
                return False
        elif type(a) is not type(b) or a != b:
            return False
    return len(old) == len(new)


def _collisions(specs: list[PageSpec]) -> list[Problem]:
    """Two pages at one path, also when a case-insensitive file system would fold them together."""
    files = [routes.file_for(spec.path).casefold() for spec in specs]
    if len(set(files)) == len(files):  # none (a set: a tenth of the time of the loop below at 130,000 pages)
        return []
    seen: dict[str, str] = {}
    problems = []
    for spec in specs:
        key = routes.file_for(spec.path).casefold()
        if key in seen:
            problems.append(Problem("site.yaml", 1, 1, f'two pages would be written to "{routes.file_for(spec.path)}" '
                                                       f"({seen[key]} and {spec.template}); rename one of them"))
        seen[key] = spec.template
    return problems


def paginate(items: list, per_page: int, route: Callable[[int], str], url: Callable[[str], str],
             pagers: Callable[[int], list] | None = None) -> Iterable[tuple[int, list, dict | None]]:
    """A list cut into pages of per_page items: (number, items, pager), the pager None for one page and
    otherwise linking the first and last pages and PAGER_WINDOW pages either side of the current one.
    `pagers(count)`, when given, gives the pagers of `count` pages (kept ones: see _Views.paginate)."""
    count = max(1, math.ceil(len(items) / per_page))
    made = None if count == 1 else pagers(count) if pagers is not None else \
        [pager(number, count, route, url) for number in range(1, count + 1)]
    for number in range(1, count + 1):
        yield number, items[(number - 1) * per_page: number * per_page], made[number - 1] if made else None


def pager(number: int, count: int, route: Callable[[int], str], url: Callable[[str], str]) -> dict:
    """The pager of page `number` of `count` (see paginate)."""
    shown = sorted({1, count, *range(max(1, number - PAGER_WINDOW), min(count, number + PAGER_WINDOW) + 1)})
    pages: list[dict] = []
    for n in shown:
        if pages and n > pages[-1]["number"] + 1:
            pages.append({"number": None, "gap": True})  # a run of pages not linked
        pages.append({"number": n, "url": url(route(n)), "current": n == number, "gap": False})
    return {"number": number, "count": count,
            "prev": url(route(number - 1)) if number > 1 else None,
            "next": url(route(number + 1)) if number < count else None,
            "pages": pages}


class _Views:
    """Each page's view, computed from the model and the assets, made of the cards (cards.Cards) it
    shows; its Markdown as stand-ins (Markdown.html_later, summary_later), filled in when the page is
    rendered."""

    def __init__(self, directory: Directory, assets: Assets):
        self.renew(directory, assets)

    def renew(self, directory: Directory, assets: Assets) -> None:
        """This build's model and assets, for every spec planned with these views (see plan_site's kept)."""
        # the pagers of this plan, and those of the last one (see paginate)
        self._pagers: tuple[dict, dict] = ({}, self._pagers[0] if hasattr(self, "_pagers") else {})
        self.d = directory
        # what a view reads of the assets and the catalogue's lists is noted (see reads.py)
        self.a = assets = dataclasses.replace(
            assets, pictures=reads.Lookup("picture", assets.pictures), qr_codes=reads.Lookup("qr", assets.qr_codes),
            shop_qr_text=reads.Lookup("qr_text", assets.shop_qr_text))
        self.t = assets.strings
        self.m = assets.markdown
        self.c = assets.catalogue or Catalogue(directory)
        self.cards = Cards(directory, assets, self.c)
        self.shops, self.products, self.categories = self.c.shops, self.c.products, self.c.categories
        self.shops_in = reads.Lookup("shops_in", self.c.shops_in)
        self.newest = reads.Listed("newest", self.c.newest)
        self.products_under, self.group_by_text = self.cards.products_under, self.c.group_by_text
        self.day = rotation.day_of(assets.build_date)

    # -- ordering and grouping ------------------------------------------

    def turn(self, listing: str, shops: list[Shop], slots: int) -> list[Shop]:
        """The shops a listing's first page shows today: `slots` of them, taking fair turns (see rotation)."""
        slugs = rotation.order(listing, [shop.slug for shop in shops], self.day, slots)
        return [self.shops[slug] for slug in slugs[:slots]]

    def paginate(self, items: list, route: Callable[[int], str]) -> Iterable[tuple[int, list, dict | None]]:
        """paginate(), with the pagers of the last plan by these views taken again (serve plans again and
        again: 17,000 list pages at 10,000 shops): a list's pagers depend on its first page's path, its
        count of pages and the site's base path alone. Shared pagers are never changed, like cards."""
        def pagers(count: int) -> list:
            key = (route(1), count, self.cards.base)
            found = self._pagers[1].get(key) or [pager(n, count, route, self.cards.url) for n in range(1, count + 1)]
            self._pagers[0][key] = found
            return found
        return paginate(items, self.d.settings.per_page, route, self.cards.url, pagers)

    # -- what every page has ------------------------------------------------

    def fill(self, view: dict) -> dict:
        """A view made by page(), with its Markdown filled in by this build's Markdown (see PageSpec.fill)."""
        return self.m.filled(view)

    def page(self, path: str, make: Callable[..., dict], *args) -> dict:
        """A page's whole view: what make(*args) gives, with what every page has."""
        view = make(*args)
        view.setdefault("description", self.d.settings.description)
        view.setdefault("image", None)
        view.setdefault("breadcrumbs", [])
        view["path"] = path
        view["url"] = self.cards.url(path)
        view["canonical"] = routes.absolute(self.d.settings.base_url, path)
        view["jsonld"] = list(view.pop("structured", ())) + jsonld.breadcrumb_list(view["breadcrumbs"])
        return view

    # -- the views of whole pages, one method for each kind of page ------------

    def home(self) -> dict:
        d = self.d
        featured = set(d.curation.featured)
        others = [shop for shop in d.shops if shop.slug not in featured]
        return dict(title=d.settings.title, description=d.settings.description,
                    featured=[self.cards.shop_card(self.shops[s]) for s in d.curation.featured],
                    shops_today=[self.cards.shop_card(s) for s in self.turn("home", others, HOME_SHOPS)],
                    collections=[self.cards.collection_card(c) for c in d.curation.collections],
                    top_categories=[self.cards.category_link(c) for c in d.categories if c.parent is None],
                    new_arrivals=[self.cards.product_card(p) for p in self.newest[:8]],
                    new_url=self.cards.url(routes.new_arrivals()))

    def category_index(self) -> dict:
        return dict(title=self.t["categories"], tree=self.cards.category_tree(None), breadcrumbs=self.cards.crumbs())

    def category(self, category: Category, number: int, chunk: list, pager: dict | None) -> dict:
        shops = self.turn(f"category:{category.slug}", self.shops_in[category.slug], self.d.settings.per_page)
        shops = [self.cards.shop_card(s) for s in shops] if number == 1 else []
        return dict(title=category.name, description=self.m.summary_later(category.description),
                    intro=self.m.html_later(category.description),
                    breadcrumbs=self.cards.crumbs(*self.cards.ancestors(category)),
                    subcategories=[self.cards.category_link(self.categories[c]) for c in category.children],
                    shops=shops, products=[self.cards.product_card(p) for p in chunk], pager=pager)

    def shops_az(self, chunk: list, pager: dict | None) -> dict:
        groups = defaultdict(list)
        for shop in chunk:
            groups[shop.slug[0].upper()].append(self.cards.shop_card(shop))
        return dict(title=self.t["shops_az"], breadcrumbs=self.cards.crumbs(), groups=sorted(groups.items()), pager=pager)

    def shop(self, shop: Shop, products: list) -> dict:
        return dict(title=shop.name, description=shop.tagline or self.m.summary_later(shop.description),
                    image=self.cards.og_image(shop.slug, shop.cover or shop.logo), shop=self.cards.shop_detail(shop),
                    products=[self.cards.product_card(p) for p in products],
                    breadcrumbs=self.cards.crumbs(*self.cards.ancestors(self.categories[shop.primary_category]),
                                            (self.t["shops"], routes.shops())))

    def product(self, shop: Shop, product: Product) -> dict:
        return dict(title=product.name, description=self.m.summary_later(product.body),
                    image=self.cards.og_image(shop.slug, (product.images or (shop.cover or shop.logo,))[0]),
                    product=self.cards.product_detail(product), shop=self.cards.shop_card(shop), qr=self.cards.shop_qr(shop),
                    structured=[jsonld.product(product, shop, self.categories[product.category].name,
                                               self.d.settings.base_url, self.a.pictures,
                                               self.m.summary_later(product.body, 300, absent_if_empty=True))],
                    breadcrumbs=self.cards.crumbs(*self.cards.ancestors(self.categories[product.category]),
                                            (shop.name, routes.shop(shop.slug))))

    def store(self, shop: Shop, store) -> dict:
        crumbs = self.cards.crumbs((self.t["shops"], routes.shops()), (shop.name, routes.shop(shop.slug)))
        return dict(title=f"{store.name} · {shop.name}", store=self.cards.store_view(shop, store),
                    shop=self.cards.shop_card(shop), qr=self.cards.shop_qr(shop), breadcrumbs=crumbs,
                    structured=[jsonld.store(shop, store, self.d.settings.base_url)])

    def guide(self, shop: Shop, store, guide) -> dict:
        store_path = routes.store(shop.slug, store.slug)
        return dict(title=f"{guide.name} · {store.name}", guide=self.cards.guide_view(shop, guide, store.slug),
                    store={"name": store.name, "url": self.cards.url(store_path), "address": store.address,
                           "hours": store.hours},
                    shop=self.cards.shop_card(shop), qr=self.cards.qr_view(guide.qr, self.t["qr_alt_guide"].format(name=guide.name)),
                    breadcrumbs=self.cards.crumbs((self.t["shops"], routes.shops()), (shop.name, routes.shop(shop.slug)),
                                            (store.name, store_path)))

    def terms(self, kind: str, route: Callable, names: tuple, counts: tuple) -> dict:
        return dict(title=self.t[kind], breadcrumbs=self.cards.crumbs(),
                    terms=[{"name": name, "url": self.cards.url(route(name)), "count": count}
                           for name, count in zip(names, counts)])

    def term(self, kind: str, index_path: str, name: str, shops: list, number: int, chunk: list,
             pager: dict | None) -> dict:
        return dict(title=name, breadcrumbs=self.cards.crumbs((self.t[kind], index_path)),
                    shops=[self.cards.shop_card(s) for s in self.turn(f"{kind}:{name}", shops, self.d.settings.per_page)]
                    if number == 1 else [],
                    products=[self.cards.product_card(p) for p in chunk], pager=pager, subcategories=[], intro="")

    def collection_index(self) -> dict:
        return dict(title=self.t["collections"], breadcrumbs=self.cards.crumbs(),
                    collections=[self.cards.collection_card(c) for c in self.d.curation.collections])

    def collection(self, collection) -> dict:
        return dict(title=collection.title, description=self.m.summary_later(collection.description),
                    intro=self.m.html_later(collection.description),
                    breadcrumbs=self.cards.crumbs((self.t["collections"], routes.collections())),
                    shops=[self.cards.shop_card(self.shops[s]) for s, p in collection.items if p is None],
                    products=[self.cards.product_card(self.products[(s, p)]) for s, p in collection.items if p is not None])

    def new_arrivals(self) -> dict:
        return dict(title=self.t["new_arrivals"], breadcrumbs=self.cards.crumbs(), shops=[],
                    products=[self.cards.product_card(p) for p in self.newest[:NEW_ARRIVALS]], pager=None,
                    subcategories=[], intro="")

    def text_page(self, page) -> dict:
        return dict(title=page.title, body=self.m.html_later(page.body),
                    description=self.m.summary_later(page.body),
                    breadcrumbs=self.cards.crumbs())

    def search(self) -> dict:
        folders = self.a.search_folders
        return dict(title=self.t["search"], breadcrumbs=self.cards.crumbs(), indexed=bool(folders),
                    search_off=folders is None, engine=self.d.settings.search_engine,
                    more_indexes=[{"bundlePath": routes.url(self.d.settings.base_path, folder)}
                                  for folder in (folders or ())[1:]])

    def not_found(self) -> dict:
        return dict(title=self.t["not_found"], breadcrumbs=[])

    def sitemap(self, paths: tuple) -> dict:
        return dict(urls=[routes.absolute(self.d.settings.base_url, path) for path in paths])

    def feed(self) -> dict:
        return dict(entries=[self.cards.feed_entry(p) for p in self.newest[:FEED_ENTRIES]],
                    updated=(self.newest[0].date if self.newest else self.a.build_date).isoformat())

    def robots(self) -> dict:
        return dict(sitemap=routes.absolute(self.d.settings.base_url, routes.sitemap()))
