"""Sources to the model: each file checked on its own, then the references between files.

A file that failed its own checks is left out of the cross-file checks, so one typo
gives one message and not ten.
"""

from __future__ import annotations

import hashlib
import itertools
import pickle
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from generator import markup
from generator.config import settings_from_doc
from generator.load import Parsed, ShopSource, Sources, load_site, load_sources
from generator.markup import Markdown, markdown_problem
from generator.model import (Category, Collection, Contact, Curation, Directory, Guide, Page, Product,
                             Settings, Shop, Store)
from generator.problems import Problem, did_you_mean
from generator.schema import LOGIN, Checker, is_slug, qr_capacity_problem, SLUG_RULE
from generator.sources import Doc, KeyPath

SHOP_KEYS = ("name", "tagline", "categories", "city", "tags", "logo", "cover", "since", "contact",
             "description", "stores", "owners")
CONTACT_KEYS = ("qr", "qr_image", "wechat_id", "url", "phone", "email")
STORE_KEYS = ("slug", "name", "address", "city", "hours", "guides")
GUIDE_KEYS = ("slug", "name", "title", "photo", "qr")
PRODUCT_KEYS = ("name", "price", "currency", "images", "category", "tags", "available", "date", "draft")
CATEGORY_KEYS = ("slug", "name", "description", "children")
CURATION_KEYS = ("featured", "collections", "delisted")
COLLECTION_KEYS = ("slug", "title", "description", "items")
PAGE_KEYS = ("title", "description")
# Slugs whose pages would sit where the site's own pages are.
RESERVED_SHOP_SLUGS = frozenset({"page"})
RESERVED_PAGE_SLUGS = frozenset({"404", "assets", "categories", "cities", "collections", "feed", "img", "new",
                                 "pagefind", "qr", "robots", "search", "shops", "sitemap", "tags", "index"})
MAX_IMAGES = 12
MAX_OWNERS = 10


class Sites:
    """Where each file a shop names is first named: sites[(shop slug, path in the shop folder)] is
    (file, line, column), worked out when a problem asks for it, as every position is (see Doc).

    Only the YAML text of each naming file is kept for that, not its parsed data, which is freed
    once the model is built.
    """

    def __init__(self) -> None:
        self._named: dict[tuple[str, str], tuple[Doc, KeyPath]] = {}

    def merge(self, other: "Sites") -> None:
        if self._named.keys().isdisjoint(other._named):  # a shop's own: in one step
            self._named.update(other._named)
            return
        for key, named in other._named.items():
            self._named.setdefault(key, named)

    def add(self, shop_slug: str, doc: Doc, paths: list[tuple[str, KeyPath]]) -> None:
        text_only = None
        for value, keypath in paths:
            if (shop_slug, value) not in self._named:
                text_only = text_only or Doc(doc.path, None, source=doc.source, line_offset=doc.line_offset)
                self._named[(shop_slug, value)] = (text_only, keypath)

    def __getitem__(self, key: tuple[str, str]) -> tuple[str, int, int]:
        doc, keypath = self._named[key]
        return (doc.path, *doc.where(keypath))


def build_directory(sources: Sources, settings: Settings, drafts: bool = False,
                    markdown: Markdown | None = None, memo: dict | None = None) -> tuple[Directory, Sites, list[Problem]]:
    """The published directory, where each of its files is referenced, and every problem found. `markdown`
    is the build's (its texts rendered already: a text too slow to render is a problem).

    `memo`, kept by a process that builds again and again (serve), holds each shop as the last build
    judged it: a shop whose sources are the very objects it judged, under equal settings and
    categories, is taken from there, not judged again."""
    markdown = markdown or Markdown()
    problems: list[Problem] = []
    sites = Sites()
    categories, known_categories = _categories(sources.categories, problems, markdown)
    category_slugs = {c.slug for c in categories}
    if sources.categories is None and "content/categories.yaml" in sources.unreadable:
        known_categories = None

    def unknown_category(slug: str) -> bool:
        """True when a reference names no category; references into a broken file are not judged."""
        return known_categories is not None and slug not in known_categories

    shops: list[Shop] = []
    coded: list[tuple[Shop, Doc]] = []  # each valid shop with its file, for the QR codes they share
    products_of: dict[str, tuple[Product, ...]] = {}  # each valid shop's products shown, in order
    known_products: dict[str, frozenset[str]] = {}
    # what a shop is judged by besides its own files, as a digest (kept with each judged shop: see memo)
    given = hashlib.blake2b(pickle.dumps((settings, sorted(category_slugs), known_categories is None or sorted(
        known_categories)), protocol=5), digest_size=16).digest()
    for shop_source in sources.shops:
        kept = memo.get(shop_source.slug) if memo is not None else None
        known_products[shop_source.slug] = shop_source.product_slugs
        if kept is not None and kept[0] is shop_source and kept[1] == (given, drafts):  # read and judged alike before
            shop, products, found, named = kept[2]
        else:
            found, named = [], Sites()
            whole = sources.whole(shop_source) if shop_source.products is None else shop_source  # see Parsed.shop
            shop, products = _shop_model(whole, settings, category_slugs, unknown_category, found, named, markdown)
            products = tuple(p for p in products if drafts or not p.draft)  # those shown; a build keeps them as
            if memo is not None:  # the very same tuple while the shop is unchanged (see Catalogue)
                memo[shop_source.slug] = (shop_source, (given, drafts), (shop, products, found, named))
        problems += found
        sites.merge(named)
        if shop is not None:
            shops.append(shop)
            coded.append((shop, shop_source.doc))
            products_of[shop.slug] = products
    if memo is not None:
        for slug in memo.keys() - known_products.keys():
            del memo[slug]

    problems += shared_codes(coded)
    curation = _curation(sources.curation, known_products, problems)
    pages = _pages(sources, problems, markdown)

    listed = {s.slug for s in shops} - set(curation.delisted)
    shown = {slug: found for slug, found in products_of.items() if slug in listed}
    published = tuple(itertools.chain.from_iterable(shown.values()))
    # the published products collections name (not a set of every product: 110,000 at 10,000 shops)
    live = {(shop, slug) for shop, slug in {i for c in curation.collections for i in c.items if i[1] is not None}
            if any(p.slug == slug for p in shown.get(shop, ()))}
    collections = tuple(replace(c, items=tuple(i for i in c.items if (i[0] in listed if i[1] is None else i in live)))
                        for c in curation.collections)
    curation = replace(curation, featured=tuple(s for s in curation.featured if s in listed), collections=collections)
    directory = Directory(settings, categories, tuple(s for s in shops if s.slug in listed), published, curation, pages,
                          shown)
    return directory, sites, problems


def _shop_model(shop_source: ShopSource, settings: Settings, category_slugs: set, unknown_category, problems: list,
                sites: Sites, markdown: Markdown) -> tuple[Shop | None, list[Product]]:
    """One shop and its products, as far as its own files and the settings and categories make them."""
    products: list[Product] = []
    shop = _shop(shop_source, settings, problems, sites, markdown)
    if shop is not None:
        doc = shop_source.doc
        for index, slug in enumerate(shop.categories):
            if slug not in category_slugs:
                if unknown_category(slug):
                    problems.append(doc.problem(("categories", index),
                                                f'unknown category "{slug}"{did_you_mean(slug, category_slugs)}'))
                shop = None
    for product_source in shop_source.products:
        product = _product(product_source, shop_source, shop, settings, problems, sites, markdown)
        if product is not None and shop is not None:
            if product.category not in category_slugs:
                if unknown_category(product.category):
                    problems.append(product_source.source.meta.problem(
                        ("category",), f'unknown category "{product.category}"'
                                       f"{did_you_mean(product.category, category_slugs)}"))
            else:
                products.append(product)
    return shop, products


def shared_codes(shops: list[tuple[Shop, Doc]]) -> list[Problem]:
    """Warnings for a QR text used twice: a shop's code that another shop has, a guide's code that is their
    shop's or another guide's. Each visitor who scans it reaches the same person, so one of the two is
    almost always a copy-and-paste slip. Told at the later `qr` key, naming the earlier one."""
    first: dict[str, tuple[Shop, Doc, tuple]] = {}  # QR text -> (its shop, the shop's file, its key path)
    found = []

    def place(shop: Shop, doc: Doc, keypath: tuple, text: str) -> None:
        if not text:
            return
        other = first.get(text)
        if other is None:
            first[text] = (shop, doc, keypath)
        else:
            other_shop, other_doc, other_keypath = other
            line = other_doc.where(other_keypath)[0]
            found.append(doc.problem(keypath, f"this QR code is the same as the one of "
                                              f"{_code_owner(other_shop, other_keypath)} ({other_doc.path}, "
                                              f"line {line}): visitors who scan either reach the same person; "
                                              "give each its own code"))

    for shop, doc in shops:  # every build, at 10,000 shops: no list or name made a shop
        place(shop, doc, ("contact", "qr"), shop.contact.qr)
        for i, store in enumerate(shop.stores):
            for j, guide in enumerate(store.guides):
                place(shop, doc, ("stores", i, "guides", j, "qr"), guide.qr)
    return [replace(problem, rule="qr-shared") for problem in found]


def _code_owner(shop: Shop, keypath: tuple) -> str:
    if keypath[0] == "contact":
        return f'shop "{shop.slug}"'
    store = shop.stores[keypath[1]]
    return f'guide "{store.guides[keypath[3]].slug}" of store "{store.slug}" in shop "{shop.slug}"'


def load_directory(root: Path, cache_dir: Path | None = None) -> Directory | None:
    """The site's model as a build makes it (delisted shops and drafts left out), for commands that
    compare or describe a site; None when there is no site.yaml. Problems are not reported here."""
    site, _ = load_site(root)
    if site is None:
        return None
    settings, _ = settings_from_doc(site)
    with markup.kept_in(cache_dir) as markdown:  # the build's caches read
        kept = Parsed(cache_dir, settings.limits) if cache_dir is not None else None
        sources, _ = load_sources(root, settings.limits, kept)
        directory, _, _ = build_directory(sources, settings, False, markdown)
    return directory


def _categories(doc: Doc | None, problems: list[Problem], markdown: Markdown) -> tuple[tuple[Category, ...], set[str] | None]:
    """The category tree, and every slug it names (also of entries that failed their own checks).

    The set is None when the file is too broken to say which slugs it meant to hold.
    """
    if doc is None:
        return (), set()
    if not isinstance(doc.data, list):
        problems.append(doc.problem((), "the category tree must be a list of categories, each starting with '- '"))
        return (), None
    check = Checker(doc, markdown)
    out: list[Category] = []
    seen: dict[str, tuple] = {}

    def walk(keypath: tuple, items, parent: str | None) -> list[str]:
        slugs = []
        for index, item in enumerate(check.items(keypath, items, "the category tree")):
            where = keypath + (index,)
            data = check.mapping(where, item, CATEGORY_KEYS, required=("slug", "name"), what="a category")
            if data is None:
                continue
            slug = check.slug(where + ("slug",), data.get("slug"), "category slug")
            name = check.text(where + ("name",), data.get("name"), required=True, max_length=60)
            description = check.markdown(where + ("description",), data.get("description"), max_length=5000)
            if slug and slug in seen:
                line = doc.where(seen[slug])[0]
                check.report(where + ("slug",), f'category slug "{slug}" is already used on line {line}')
                slug = None
            if slug:
                seen[slug] = where + ("slug",)
            elif isinstance(data.get("slug"), str):
                seen.setdefault(data["slug"], where + ("slug",))
            children = walk(where + ("children",), data.get("children"), slug)
            if slug and name:
                out.append(Category(slug, name, description, parent, tuple(children)))
                slugs.append(slug)
        return slugs

    walk((), doc.data, None)
    problems.extend(check.problems)
    by_slug = {c.slug: c for c in out}
    order: list[Category] = []

    def in_order(slugs):  # tree order: parents before their children, as written
        for slug in slugs:
            order.append(by_slug[slug])
            in_order(by_slug[slug].children)

    in_order([c.slug for c in out if c.parent is None or c.parent not in by_slug])
    return tuple(order), set(seen)


def _contact(check: Checker, data, shop: ShopSource, settings: Settings) -> Contact | None:
    contact = check.mapping(("contact",), data, CONTACT_KEYS, what="contact")
    if contact is None:
        return None
    where = lambda key: ("contact", key)  # noqa: E731
    result = Contact(
        qr=check.qr_text(where("qr"), contact.get("qr"), settings.qr_schemes),
        qr_image=check.path(where("qr_image"), contact.get("qr_image"), shop.files, shop.escaping, "qr_image"),
        wechat_id=check.text(where("wechat_id"), contact.get("wechat_id"), max_length=40),
        url=check.url(where("url"), contact.get("url"), ("https", "http"), what="url"),
        phone=check.text(where("phone"), contact.get("phone"), max_length=40),
        email=check.text(where("email"), contact.get("email"), max_length=120),
    )
    if result.email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", result.email):
        check.report(where("email"), f'email "{result.email}" is not an email address')
    if not any(contact.get(key) for key in ("qr", "qr_image", "url")):
        check.report(("contact",), "contact needs at least one of qr, qr_image or url")
    elif result.url and not contact.get("qr") and not contact.get("qr_image"):  # the url is the shop's QR code
        problem = qr_capacity_problem(result.url)
        if problem:
            check.report(where("url"), f"url is too long to become the shop's QR code: it {problem}. "
                                       "Shorten the url, or add a shorter link as qr")
    return result


def _shop(source: ShopSource, settings: Settings, problems: list[Problem], sites: Sites,
          markdown: Markdown) -> Shop | None:
    if not is_slug(source.slug) or source.slug in RESERVED_SHOP_SLUGS:
        problems.append(Problem(f"{source.path}/shop.yaml", 1, 1,
                                f'the folder name "{source.slug}" is not a valid shop slug: use {SLUG_RULE}'
                                + (" (and not a reserved word)" if source.slug in RESERVED_SHOP_SLUGS else "")))
        return None
    if source.doc is None:
        return None
    check = Checker(source.doc, markdown)
    data = check.mapping((), source.doc.data, SHOP_KEYS, required=("name", "categories", "contact"), what="shop.yaml")
    if data is None:
        problems.extend(check.problems)
        return None
    name = check.text(("name",), data.get("name"), required="name" in data, max_length=60)
    categories = check.slug_list(("categories",), data.get("categories"), "category")
    if "categories" in data and not categories and not check.problems:
        check.report(("categories",), "categories must list at least one category slug")
    contact = _contact(check, data.get("contact"), source, settings) if "contact" in data else None
    image = lambda key: check.path((key,), data.get(key), source.files, source.escaping, key)  # noqa: E731
    shop = Shop(
        slug=source.slug, name=name or "", categories=categories, contact=contact or Contact(),
        source=source.doc.path,
        tagline=check.text(("tagline",), data.get("tagline"), max_length=120),
        city=check.text(("city",), data.get("city"), max_length=40),
        tags=check.text_list(("tags",), data.get("tags"), "tags"),
        logo=image("logo"), cover=image("cover"),
        since=check.integer(("since",), data.get("since"), 1800, 2100),
        description=check.markdown(("description",), data.get("description"), max_length=20_000),
        stores=_stores(check, data.get("stores"), source, settings),
        owners=_owners(check, data.get("owners")),
    )
    problems.extend(check.problems)
    if check.problems:
        return None
    sites.add(source.slug, check.doc, check.paths)
    return shop


def _owners(check: Checker, value) -> tuple[str, ...]:
    """GitHub logins: valid, each once (logins ignore case), at most MAX_OWNERS."""
    items = check.items(("owners",), [value] if isinstance(value, str) else value, "owners")
    if len(items) > MAX_OWNERS:
        check.report(("owners",), f"owners has {len(items)} entries; at most {MAX_OWNERS} are allowed")
    seen: dict[str, int] = {}
    logins = []
    for index, item in enumerate(items):
        login = check.text(("owners", index), item, required=True, max_length=0)
        if login is not None and not LOGIN.match(login):
            check.report(("owners", index), f'owner "{login}" is not a GitHub login: use 1 to 39 ASCII letters, '
                                             "digits and single hyphens, not starting or ending with a hyphen")
        elif login and login.lower() in seen:
            check.report(("owners", index), f'owner "{login}" is already listed on line '
                                             f"{check.doc.where(('owners', seen[login.lower()]))[0]}")
        elif login:
            seen[login.lower()] = index
            logins.append(login)
    return tuple(logins)


def _stores(check: Checker, value, source: ShopSource, settings: Settings) -> tuple[Store, ...]:
    stores = []
    seen: dict[str, tuple] = {}
    for index, item in enumerate(check.items(("stores",), value, "stores")):
        where = ("stores", index)
        data = check.mapping(where, item, STORE_KEYS, required=("slug", "name"), what="a store")
        if data is None:
            continue
        slug = _unique(check, where, data.get("slug"), seen, "store slug")
        guides = []
        seen_guides: dict[str, int] = {}
        for g_index, g_item in enumerate(check.items(where + ("guides",), data.get("guides"), "guides")):
            g_where = where + ("guides", g_index)
            g_data = check.mapping(g_where, g_item, GUIDE_KEYS, required=("slug", "name", "qr"), what="a guide")
            if g_data is None:
                continue
            g_slug = _unique(check, g_where, g_data.get("slug"), seen_guides, "guide slug")
            guide = Guide(
                slug=g_slug or "",
                name=check.text(g_where + ("name",), g_data.get("name"), required=True, max_length=40) or "",
                qr=check.qr_text(g_where + ("qr",), g_data.get("qr"), settings.qr_schemes) or "",
                title=check.text(g_where + ("title",), g_data.get("title"), max_length=40),
                photo=check.path(g_where + ("photo",), g_data.get("photo"), source.files, source.escaping, "photo"),
            )
            guides.append(guide)
        stores.append(Store(
            slug=slug or "",
            name=check.text(where + ("name",), data.get("name"), required=True, max_length=60) or "",
            address=check.text(where + ("address",), data.get("address"), max_length=200),
            city=check.text(where + ("city",), data.get("city"), max_length=40),
            hours=check.text(where + ("hours",), data.get("hours"), max_length=80),
            guides=tuple(guides),
        ))
    return tuple(stores)


def _check_body(path: str, source, check: Checker) -> None:
    """The Markdown below the front matter: bounded in size and in the time it takes to render."""
    problem = markdown_problem(source.body, check.rendered)
    if problem:
        check.problems.append(Problem(path, source.body_line, 1, problem))


def _unique(check: Checker, where: tuple, value, seen: dict[str, tuple], what: str) -> str | None:
    """The slug, unless an earlier entry has it. `seen` holds key paths: a position is only looked up
    for a problem (finding one reads the YAML again)."""
    slug = check.slug(where + ("slug",), value, what)
    if slug and slug in seen:
        check.report(where + ("slug",), f'{what} "{slug}" is already used on line {check.doc.where(seen[slug])[0]}')
        return None
    if slug:
        seen[slug] = where + ("slug",)
    return slug


def _product(source, shop_source: ShopSource, shop: Shop | None, settings: Settings,
             problems: list[Problem], sites: Sites, markdown: Markdown) -> Product | None:
    meta = source.source.meta
    check = Checker(meta, markdown)
    if not is_slug(source.slug):
        problems.append(Problem(source.path, 1, 1, f'the file name "{source.slug}.md" is not a valid product slug: '
                                                   f"use {SLUG_RULE}, then .md"))
        return None
    data = check.mapping((), meta.data, PRODUCT_KEYS, required=("name",), what="the front matter")
    if data is None:
        problems.extend(check.problems)
        return None
    name = check.text(("name",), data.get("name"), required="name" in data, max_length=100)
    images = []
    for index, path in enumerate(check.items(("images",), data.get("images") if not isinstance(data.get("images"), str)
                                             else [data["images"]], "images")[:MAX_IMAGES + 1]):
        if index == MAX_IMAGES:
            check.report(("images", index), f"a product may have at most {MAX_IMAGES} images")
            break
        found = check.path(("images", index), path, shop_source.files, shop_source.escaping)
        if found:
            images.append(found)
    currency = check.text(("currency",), data.get("currency"), max_length=3) or settings.currency
    if not re.match(r"^[A-Z]{3}$", currency):
        check.report(("currency",), f'currency "{currency}" must be a three-letter code such as CNY')
    category = None
    if "category" in data:
        category = check.slug(("category",), data.get("category"), "category")
    product = Product(
        shop=shop_source.slug, slug=source.slug, name=name or "",
        category=category or (shop.primary_category if shop else ""),
        source=source.path,
        price=check.price(("price",), data.get("price")),
        currency=currency, images=tuple(images),
        tags=check.text_list(("tags",), data.get("tags"), "tags"),
        available=check.boolean(("available",), data.get("available"), True),
        date=check.date(("date",), data.get("date")),
        draft=check.boolean(("draft",), data.get("draft"), False),
        body=unicodedata.normalize("NFC", source.source.body),
    )
    _check_body(source.path, source.source, check)
    problems.extend(check.problems)
    if check.problems:
        return None
    sites.add(shop_source.slug, check.doc, check.paths)
    return product


def _curation(doc: Doc | None, known: dict[str, frozenset[str]], problems: list[Problem]) -> Curation:
    if doc is None:
        return Curation()
    check = Checker(doc)
    data = check.mapping((), doc.data if doc.data is not None else {}, CURATION_KEYS, what="curation.yaml")
    if data is None:
        problems.extend(check.problems)
        return Curation()

    def shop_ref(where, slug) -> bool:
        if slug not in known:
            check.report(where, f'unknown shop "{slug}"{did_you_mean(slug, known)}')
            return False
        return True

    featured = tuple(s for i, s in enumerate(check.slug_list(("featured",), data.get("featured"), "shop slug"))
                     if shop_ref(("featured", i), s))
    delisted = tuple(s for i, s in enumerate(check.slug_list(("delisted",), data.get("delisted"), "shop slug"))
                     if shop_ref(("delisted", i), s))
    for index, slug in enumerate(featured):
        if slug in delisted:
            check.report(("featured", index), f'shop "{slug}" is featured and delisted at once')
    collections = []
    seen: dict[str, tuple] = {}
    for index, item in enumerate(check.items(("collections",), data.get("collections"), "collections")):
        where = ("collections", index)
        c = check.mapping(where, item, COLLECTION_KEYS, required=("slug", "title", "items"), what="a collection")
        if c is None:
            continue
        slug = _unique(check, where, c.get("slug"), seen, "collection slug")
        title = check.text(where + ("title",), c.get("title"), required=True, max_length=60)
        description = check.markdown(where + ("description",), c.get("description"), max_length=5000)
        items = []
        for i, ref in enumerate(check.items(where + ("items",), c.get("items"), "items")):
            at = where + ("items", i)
            parts = ref.split("/") if isinstance(ref, str) else []
            if len(parts) not in (1, 2) or not all(is_slug(p) for p in parts):
                check.report(at, f'"{ref}" must be a shop slug, or shop-slug/product-slug')
                continue
            if not shop_ref(at, parts[0]):
                continue
            if len(parts) == 2 and parts[1] not in known[parts[0]]:
                check.report(at, f'shop "{parts[0]}" has no product "{parts[1]}"'
                                 f"{did_you_mean(parts[1], known[parts[0]])}")
                continue
            items.append((parts[0], parts[1] if len(parts) == 2 else None))
        if slug and title:
            collections.append(Collection(slug, title, tuple(items), description))
    problems.extend(check.problems)
    return Curation(featured, tuple(collections), delisted)


def _pages(sources: Sources, problems: list[Problem], markdown: Markdown) -> tuple[Page, ...]:
    pages = []
    for source in sources.pages:
        meta = source.source.meta
        if not is_slug(source.slug) or source.slug in RESERVED_PAGE_SLUGS:
            problems.append(Problem(source.path, 1, 1, f'"{source.slug}.md" cannot be a page name: use {SLUG_RULE}, '
                                                       "and not a name the site uses itself"))
            continue
        check = Checker(meta, markdown)
        data = check.mapping((), meta.data, PAGE_KEYS, required=("title",), what="the front matter")
        if data is not None:
            title = check.text(("title",), data.get("title"), required=True, max_length=100)
            check.text(("description",), data.get("description"), max_length=300)
            _check_body(source.path, source.source, check)
            if title and not check.problems:
                pages.append(Page(source.slug, title, unicodedata.normalize("NFC", source.source.body), source.path))
        problems.extend(check.problems)
    return tuple(pages)
