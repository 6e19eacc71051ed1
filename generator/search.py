"""Search: one record per shop and product, computed from the model, indexed by Pagefind.

Pagefind reads only these records, never the built pages, and the index files come
back to be published with the rest of the site.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator import routes
from generator.markup import plain_text
from generator.model import Directory

INDEX_FOLDER = "pagefind"
INDEXER = "pagefind-extended-1.4.0-v2"  # part of the cache key: another indexer makes another index


@dataclass(frozen=True)
class Record:
    path: str  # the page's path below the site root, as routes gives it
    title: str
    content: str  # plain text that is searched
    meta: tuple[tuple[str, str], ...]  # shown with each result
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # narrow results: category, city


def records(directory: Directory, strings: dict, pictures: dict) -> list[Record]:
    """What the search knows of each shop and product, in a fixed order."""
    base = directory.settings.base_path

    def image(shop: str, path: str | None) -> str:
        picture = pictures.get((shop, path)) if path else None
        return routes.url(base, picture.fitting(320).path) if picture else ""

    categories = {c.slug: c for c in directory.categories}
    shops = {s.slug: s for s in directory.shops}

    def lineage(slug: str) -> tuple[str, ...]:
        names = []
        while slug:
            names.append(categories[slug].name)
            slug = categories[slug].parent
        return tuple(names)

    def filters(category_slugs, city) -> tuple:
        names = sorted({name for slug in category_slugs for name in lineage(slug)})
        found = [(strings["category"], tuple(names))]
        if city:
            found.append((strings["city"], (city,)))
        return tuple(found)

    out = []
    for shop in directory.shops:
        text = " ".join(filter(None, [shop.name, shop.tagline, shop.city, " ".join(shop.tags),
                                      " ".join(categories[c].name for c in shop.categories),
                                      plain_text(shop.description, 2000)]))
        out.append(Record(routes.shop(shop.slug), shop.name, text,
                          (("title", shop.name), ("kind", strings["shops"]), ("shop", shop.tagline or ""),
                           ("image", image(shop.slug, shop.logo)), ("image_alt", "")),
                          filters(shop.categories, shop.city)))
    for product in directory.products:
        shop = shops[product.shop]
        text = " ".join(filter(None, [product.name, shop.name, " ".join(product.tags),
                                      categories[product.category].name, plain_text(product.body, 2000)]))
        out.append(Record(routes.product(product.shop, product.slug), product.name, text,
                          (("title", product.name), ("kind", strings["products"]), ("shop", shop.name),
                           ("image", image(product.shop, (product.images or (None,))[0])), ("image_alt", "")),
                          filters([product.category], shop.city)))
    return out


def index_files(items: list[Record], language: str, cache_dir: Path | None) -> dict[str, bytes | Path]:
    """The index for these records: from the cache when the same records were indexed before.

    The key is a hash of every record, the language and the indexer's version, so any change
    to what is searched makes a new index; only the newest index is kept.
    """
    if cache_dir is None:
        return build_index(items, language)
    digest = hashlib.sha256(json.dumps([INDEXER, language, [dataclasses.astuple(i) for i in items]],
                                       ensure_ascii=False).encode("utf-8")).hexdigest()[:20]
    folder = cache_dir / "search" / digest
    listing = folder / "files.json"
    try:
        names = json.loads(listing.read_text("utf-8"))
        found = {name: folder / "files" / name for name in names}
        if all(path.is_file() for path in found.values()):
            return found
    except (OSError, ValueError):
        pass
    files = build_index(items, language)
    try:
        shutil.rmtree(cache_dir / "search", ignore_errors=True)
        for name, data in files.items():
            (folder / "files" / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / "files" / name).write_bytes(data)
        listing.write_text(json.dumps(sorted(files)), "utf-8")  # last: its presence means complete
    except OSError:
        return files
    return {name: folder / "files" / name for name in files}


def build_index(items: list[Record], language: str) -> dict[str, bytes]:
    """Pagefind's index and its search UI: output path -> bytes.

    Each record is handed to the Pagefind command as a small page holding only what is
    searched, at the path of the page it stands for (Pagefind's own Python API answers
    one call per 100 ms, which would cost hours on a large directory).
    """
    from pagefind_bin_extended import get_executable

    with tempfile.TemporaryDirectory(prefix="shopdir-search-") as work:
        site = Path(work) / "site"
        for item in items:
            target = site / (item.path + "index.html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(record_page(item, language), "utf-8")
        out = Path(work) / "index"
        done = subprocess.run([str(get_executable()), "--site", str(site), "--output-path", str(out), "--silent"],
                              capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            raise RuntimeError(f"the search indexer failed: {(done.stderr or done.stdout).strip()[:500]}")
        return {f"{INDEX_FOLDER}/{p.relative_to(out).as_posix()}": p.read_bytes()
                for p in sorted(out.rglob("*")) if p.is_file()}


def _inert(text: str) -> str:
    """A filter name or value as Pagefind may keep it. Pagefind decodes entities in filter values, however
    often they are escaped, and its UI inserts them as HTML: so the characters that make markup are
    replaced by look-alikes that cannot (a city written "<b>" is listed as "‹b›" among the filters)."""
    return text.replace("&", "＆").replace("<", "‹").replace(">", "›")


def record_page(item: Record, language: str) -> str:
    """One record as the page Pagefind reads: body text, metadata and filters, nothing else."""
    esc = html.escape
    meta = "".join(f'<span data-pagefind-meta="{esc(k)}">{esc(v)}</span>' for k, v in item.meta if v)
    filters = "".join(f'<span data-pagefind-filter="{esc(_inert(k))}">{esc(_inert(v))}</span>'
                      for k, values in item.filters for v in values)
    return (f'<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8"><title>{esc(item.title)}</title>'
            f'</head><body><main data-pagefind-body><h1>{esc(item.title)}</h1><p>{esc(item.content)}</p>'
            f'<div data-pagefind-ignore>{meta}{filters}</div></main></body></html>')
