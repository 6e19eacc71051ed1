"""The shipped example as its content files say it is: what a visitor should find on the built site.

Tests compare the pages in the browser with these values, read straight from content/, site.yaml
and the theme's strings, never from the generator's own model.
"""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

CONTENT = ROOT / "content"


def _yaml(path):
    return yaml.safe_load(path.read_text("utf-8"))


def _front_matter(path) -> dict:
    text = path.read_text("utf-8")
    _, head, _ = text.split("---\n", 2)
    return yaml.safe_load(head)


SITE = _yaml(ROOT / "site.yaml")
STRINGS = _yaml(ROOT / "themes" / "default" / "i18n" / f"{SITE['language']}.yaml")
CURATION = _yaml(CONTENT / "curation.yaml")
DELISTED = set(CURATION.get("delisted") or [])


def _categories(nodes, parent=None, out=None):
    out = {} if out is None else out
    for node in nodes:
        out[node["slug"]] = {"name": node["name"], "parent": parent}
        _categories(node.get("children") or [], node["slug"], out)
    return out


CATEGORIES = _categories(_yaml(CONTENT / "categories.yaml"))

SHOPS = {p.parent.name: _yaml(p) for p in sorted((CONTENT / "shops").glob("*/shop.yaml"))
         if p.parent.name not in DELISTED}

PRODUCTS = {}  # (shop slug, product slug) -> front matter, published products only
for _shop in SHOPS:
    for _file in sorted((CONTENT / "shops" / _shop / "products").glob("*.md")):
        _meta = _front_matter(_file)
        if not _meta.get("draft"):
            PRODUCTS[(_shop, _file.stem)] = _meta


def lineage(category: str) -> list[str]:
    """The names of a category and of each category above it."""
    names = []
    while category:
        names.append(CATEGORIES[category]["name"])
        category = CATEGORIES[category]["parent"]
    return names


def product_category(shop: str, slug: str) -> str:
    """A product's category: its own, else its shop's main (first) category."""
    return PRODUCTS[(shop, slug)].get("category") or SHOPS[shop]["categories"][0]


def shop_qr_text(shop: str) -> str:
    contact = SHOPS[shop]["contact"]
    return contact.get("qr") or contact.get("url")


def store(shop: str, slug: str) -> dict:
    return next(s for s in SHOPS[shop]["stores"] if s["slug"] == slug)


def guide(shop: str, store_slug: str, slug: str) -> dict:
    return next(g for g in store(shop, store_slug)["guides"] if g["slug"] == slug)


def product_path(shop: str, slug: str) -> str:
    return f"shops/{shop}/products/{slug}/"


# One page of every kind: kind -> (path below the site root, the text of its <h1>).
# The shop, its store and guide, the tag and the city all belong together, so a visit can go from one to the next.
SHOP, PRODUCT, STORE, GUIDE = "shanye-tea", "dahongpao-2025", "gulou", "lin"
CATEGORY, TAG, CITY, COLLECTION, FREE_PAGE = "tea", "岩茶", "福州", "tea-table", "about"
PAGE_KINDS = {
    "home": ("", SITE["title"]),
    "categories": ("categories/", STRINGS["categories"]),
    "category": (f"categories/{CATEGORY}/", CATEGORIES[CATEGORY]["name"]),
    "shops": ("shops/", STRINGS["shops_az"]),
    "shop": (f"shops/{SHOP}/", SHOPS[SHOP]["name"]),
    "product": (product_path(SHOP, PRODUCT), PRODUCTS[(SHOP, PRODUCT)]["name"]),
    "store": (f"shops/{SHOP}/stores/{STORE}/", store(SHOP, STORE)["name"]),
    "guide": (f"shops/{SHOP}/stores/{STORE}/guides/{GUIDE}/", guide(SHOP, STORE, GUIDE)["name"]),
    "tags": ("tags/", STRINGS["tags"]),
    "tag": (f"tags/{TAG}/", TAG),
    "cities": ("cities/", STRINGS["cities"]),
    "city": (f"cities/{CITY}/", CITY),
    "collections": ("collections/", STRINGS["collections"]),
    "collection": (f"collections/{COLLECTION}/",
                   next(c["title"] for c in CURATION["collections"] if c["slug"] == COLLECTION)),
    "new arrivals": ("new/", STRINGS["new_arrivals"]),
    "about page": (f"{FREE_PAGE}/", _front_matter(CONTENT / "pages" / f"{FREE_PAGE}.md")["title"]),
    "404": ("no/such/page/", STRINGS["not_found"]),
    "search": (f"search/?q={TAG}", STRINGS["search"]),
}
