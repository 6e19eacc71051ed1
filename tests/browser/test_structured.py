"""What search engines and link previews read: JSON-LD, canonical addresses, Open Graph and the sitemap.

Read from the built files as a crawler would fetch them; every expected value comes from the content files.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from tests.browser.content import PAGE_KINDS, PRODUCTS, SHOPS, SITE, product_path
from tests.sitecheck import resolve

pytestmark = pytest.mark.browser

SCHEMA = ("https://schema.org/", "http://schema.org/")


class _Head(HTMLParser):
    """Canonical link, meta properties, JSON-LD blocks and the visible breadcrumbs of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.canonical, self.meta, self.jsonld, self.crumbs = [], {}, [], []
        self._script = None
        self._crumbs = False
        self._link = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "canonical" in (a.get("rel") or "").split():
            self.canonical.append(a.get("href"))
        elif tag == "meta" and a.get("property"):
            self.meta.setdefault(a["property"], a.get("content"))
        elif tag == "script" and (a.get("type") or "").lower() == "application/ld+json":
            self._script = []
        elif tag == "nav" and "crumbs" in (a.get("class") or "").split():
            self._crumbs = True
        elif tag == "a" and self._crumbs:
            self._link = [a.get("href"), ""]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.jsonld.append("".join(self._script))
            self._script = None
        elif tag == "nav":
            self._crumbs = False
        elif tag == "a" and self._link is not None:
            self.crumbs.append((self._link[0], self._link[1].strip()))
            self._link = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        elif self._link is not None:
            self._link[1] += data


def read(site, rel: str) -> _Head:
    parsed = _Head()
    parsed.feed((site.out / rel).read_text("utf-8"))
    return parsed


def things(head: _Head) -> list[dict]:
    """Every JSON-LD object of the page, @graph and lists flattened."""
    out = []

    def walk(value):
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            out.append(value)
            walk(value.get("@graph", []))

    for block in head.jsonld:
        walk(json.loads(block))
    return out


def types(thing: dict) -> set[str]:
    value = thing.get("@type", [])
    return {t.removeprefix(SCHEMA[0]).removeprefix(SCHEMA[1]) for t in ([value] if isinstance(value, str) else value)}


def of_type(head: _Head, *wanted: str) -> list[dict]:
    return [t for t in things(head) if types(t) & set(wanted)]


def absolute_in_site(site, url) -> bool:
    return isinstance(url, str) and url.startswith(site.base_url)


def file_of(site, rel: str):
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def test_product_pages_describe_a_product_and_its_offer(site):
    wrong = []
    for (shop, slug), meta in PRODUCTS.items():
        path = product_path(shop, slug)
        products = of_type(read(site, file_of(site, path)), "Product")
        if len(products) != 1:
            wrong.append(f"/{path}: {len(products)} schema.org Product objects, not 1")
            continue
        product = products[0]
        if product.get("name") != str(meta["name"]):
            wrong.append(f"/{path}: name {product.get('name')!r}, not {meta['name']!r}")
        images = product.get("image")
        images = [images] if isinstance(images, (str, dict)) else images or []
        images = [i.get("url") or i.get("contentUrl") if isinstance(i, dict) else i for i in images]
        if not images:
            wrong.append(f"/{path}: no image")
        for image in images:
            target = resolve(site.out, site.base_url, site.base_url, image) if absolute_in_site(site, image) else None
            if target is None or not target.is_file():
                wrong.append(f"/{path}: image {image!r} is not an absolute address of a picture of the site")
        if not is_number(meta.get("price")):
            continue  # "询价", "Price on request": no price to offer
        offers = product.get("offers")
        offers = [offers] if isinstance(offers, dict) else offers or []
        offers = [o for o in offers if "Offer" in types(o)]
        if len(offers) != 1:
            wrong.append(f"/{path}: {len(offers)} Offers, not 1")
            continue
        offer = offers[0]
        try:
            price_ok = float(offer.get("price")) == float(meta["price"])
        except (TypeError, ValueError):
            price_ok = False
        if not price_ok:
            wrong.append(f"/{path}: price {offer.get('price')!r}, not {meta['price']}")
        currency = meta.get("currency") or SITE["currency"]
        if offer.get("priceCurrency") != currency:
            wrong.append(f"/{path}: priceCurrency {offer.get('priceCurrency')!r}, not {currency!r}")
        availability = "InStock" if meta.get("available", True) else "OutOfStock"
        if offer.get("availability") not in [s + availability for s in SCHEMA]:
            wrong.append(f"/{path}: availability {offer.get('availability')!r}, not schema.org {availability}")
    assert not wrong, "\n".join(wrong)


def test_store_pages_describe_a_store_with_its_address(site):
    wrong, count = [], 0
    for shop, data in SHOPS.items():
        for store in data.get("stores") or []:
            count += 1
            path = f"shops/{shop}/stores/{store['slug']}/"
            found = of_type(read(site, file_of(site, path)), "Store", "LocalBusiness")
            if len(found) != 1:
                wrong.append(f"/{path}: {len(found)} schema.org Store or LocalBusiness objects, not 1")
                continue
            business = found[0]
            if store["name"] not in str(business.get("name", "")):
                wrong.append(f"/{path}: name {business.get('name')!r} does not name the store {store['name']!r}")
            address = business.get("address")
            street = address.get("streetAddress") if isinstance(address, dict) else address
            if store.get("address") and street != store["address"]:
                wrong.append(f"/{path}: address {address!r}, not {store['address']!r}")
    assert count > 0
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", ["category", "tag", "city", "shop", "product", "guide"])
def test_breadcrumbs_are_a_breadcrumb_list(site, kind):
    path, _ = PAGE_KINDS[kind]
    head = read(site, file_of(site, path))
    lists = of_type(head, "BreadcrumbList")
    assert len(lists) == 1, f"/{path}: {len(lists)} BreadcrumbLists, not 1"
    items = sorted(lists[0]["itemListElement"], key=lambda i: i.get("position", 0))
    assert [i.get("position") for i in items] == list(range(1, len(items) + 1)), f"/{path}: positions"
    urls = [i["item"]["@id"] if isinstance(i.get("item"), dict) else i.get("item") for i in items]
    assert all(absolute_in_site(site, url) for url in urls), f"/{path}: {urls}"
    visible = [(urljoin(site.url(path), href), name) for href, name in head.crumbs]
    assert list(zip(urls, [i.get("name") for i in items])) == visible, f"/{path}: not the breadcrumbs on the page"


def test_every_page_names_its_own_address_as_canonical(site):
    wrong = []
    for file in site.html_files():
        rel = file.relative_to(site.out).as_posix()
        own = site.url(rel.removesuffix("index.html"))
        canonical = read(site, rel).canonical
        if canonical != [own]:
            wrong.append(f"{rel}: canonical {canonical}, not [{own!r}]")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", ["shop", "product"])
def test_link_previews_of_every_shop_and_product(site, kind):
    pages = ([(f"shops/{s}/", d["name"]) for s, d in SHOPS.items()] if kind == "shop" else
             [(product_path(s, p), m["name"]) for (s, p), m in PRODUCTS.items()])
    wrong = []
    for path, name in pages:
        meta = read(site, file_of(site, path)).meta
        if meta.get("og:title") != str(name):
            wrong.append(f"/{path}: og:title {meta.get('og:title')!r}, not {name!r}")
        if not (meta.get("og:description") or "").strip():
            wrong.append(f"/{path}: no og:description")
        image = meta.get("og:image")
        target = resolve(site.out, site.base_url, site.base_url, image) if absolute_in_site(site, image) else None
        if target is None or not target.is_file():
            wrong.append(f"/{path}: og:image {image!r} is not an absolute address of a picture of the site")
    assert not wrong, "\n".join(wrong)


def test_sitemap_lists_every_public_page(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(site.out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs)), "a page is listed twice"
    public = {site.url(f.relative_to(site.out).as_posix().removesuffix("index.html")) for f in site.html_files()
              if f.name == "index.html" and f.parent != site.out / "search"}
    assert sorted(set(locs) - public) == [], "listed, but not a public page"
    assert sorted(public - set(locs)) == [], "public pages missing from the sitemap"
