"""Where every page lives. The one place that turns model objects into URL paths and file names."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import quote


def home() -> str:
    return ""


def category(slug: str, page: int = 1) -> str:
    return _paged(f"categories/{slug}/", page)


def categories() -> str:
    return "categories/"


def shops(page: int = 1) -> str:
    return _paged("shops/", page)


def shop(slug: str) -> str:
    return f"shops/{slug}/"


def product(shop_slug: str, slug: str) -> str:
    return f"shops/{shop_slug}/products/{slug}/"


def store(shop_slug: str, slug: str) -> str:
    return f"shops/{shop_slug}/stores/{slug}/"


def guide(shop_slug: str, store_slug: str, slug: str) -> str:
    return f"shops/{shop_slug}/stores/{store_slug}/guides/{slug}/"


def tags() -> str:
    return "tags/"


def tag(name: str, page: int = 1) -> str:
    return _paged(f"tags/{text_key(name)}/", page)


def cities() -> str:
    return "cities/"


def city(name: str, page: int = 1) -> str:
    return _paged(f"cities/{text_key(name)}/", page)


def collections() -> str:
    return "collections/"


def collection(slug: str) -> str:
    return f"collections/{slug}/"


def new_arrivals() -> str:
    return "new/"


def search() -> str:
    """The search page; shopdir's own index is published below it (searchindex)."""
    return "search/"


def picture(key: str, width: int) -> str:
    """One web variant of a picture, named by its content key and width."""
    return f"img/{key}-{width}.webp"


def pagefind_index(shard: int = 0) -> str:
    """Where a shard of Pagefind's index is published; the first also holds its search UI."""
    return "pagefind/" + (f"{shard}/" if shard else "")


def pagefind_ready() -> str:
    """The search UI's copy of Pagefind's module, which waits for the filters (see pagefind.READY_MODULE)."""
    return pagefind_index() + "ready/"


def page(slug: str) -> str:
    return f"{slug}/"


def sitemap() -> str:
    return "sitemap.xml"


def feed() -> str:
    return "feed.xml"


def robots() -> str:
    return "robots.txt"


def problems() -> str:
    """Where a site built for `shopdir serve` lists the last build's problems, which its pages show."""
    return "__shopdir__/problems.json"


def problems_home() -> str:
    """Marks a served site whose home page lists the problems (no build has succeeded yet)."""
    return "__shopdir__/index-is-problems"


def qr_code(text: str) -> str:
    """One file per distinct QR text, named by its hash."""
    return f"qr/{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.png"


def kind_of(path: str) -> str | None:
    """The kind of page an output file is (None for a file that is not a page: a picture, a QR code, CSS):
    the paths above read backwards."""
    if path == feed():
        return "feed"
    if not path.endswith("index.html"):
        return None
    parts = path.split("/")[:-1]
    if not parts:
        return "home"
    if parts[0] == "shops" and len(parts) >= 2 and not (len(parts) == 3 and parts[1] == "page"):
        if len(parts) == 4:
            return "product" if parts[2] == "products" else "store"
        return {2: "shop", 6: "guide"}.get(len(parts), "other")
    return {"categories": "category", "collections": "collection", "tags": "tag", "cities": "city",
            "new": "new", "shops": "other"}.get(parts[0], "page" if len(parts) == 1 else "other")


def asset(name: str) -> str:
    return f"assets/{name}"


def _paged(path: str, page: int) -> str:
    return path if page <= 1 else f"{path}page/{page}/"


@functools.lru_cache(maxsize=1 << 16)
def text_key(text: str) -> str:
    """A path segment for free text (tags, cities): the same for texts that differ only in case or width."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Letters, digits and combining marks (vowel signs are part of a word) stay; everything else separates.
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else "-" for ch in folded)
    key = re.sub(r"-+", "-", kept).strip("-")
    if not key or key in {"page"}:
        key = "t-" + hashlib.sha256(folded.encode()).hexdigest()[:8]
    return key


def file_for(path: str) -> str:
    """The output file that serves a URL path."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def path_of(file: str) -> str:
    """The URL path an output file serves (file_for's inverse)."""
    return file.removesuffix("index.html")


# What quote() leaves as it is: a path of only these characters (every slug-made path) needs no
# encoding, and is recognised in one step (a large directory's pages hold millions of links).
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~/-]*")


def _quoted(path: str) -> str:
    return path if _UNQUOTED.fullmatch(path) else _quote(path)


_quote = functools.lru_cache(maxsize=1 << 16)(quote)  # the rest: tags and cities, the same few again and again


def url(base_path: str, path: str) -> str:
    """A link from any page of the site: the base path, then the page's percent-encoded path."""
    return base_path + _quoted(path)


def absolute(base_url: str, path: str) -> str:
    return base_url + _quoted(path)
