"""The example directory that ships in content/: built whole, and every page read back."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import yaml
from PIL import Image

from generator.build import build
from generator.qr import read
from tests.conftest import ROOT
from tests.sitecheck import broken_references, parse_html

PAGE_KINDS = ["index.html", "categories/index.html", "categories/tea/index.html", "shops/index.html",
              "shops/shanye-tea/index.html", "tags/index.html", "cities/index.html", "collections/index.html",
              "new/index.html", "about/index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt"]


@pytest.fixture(scope="module", params=["https://example.org/", "https://example.org/dir/"], ids=["root", "subpath"])
def example(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("example") / "output"
    result = build(ROOT, out, base_url=request.param, cache_dir=tmp_path_factory.getbasetemp() / "cache")
    assert result.problems == []
    return out, request.param


def test_every_page_kind_is_written(example):
    out, _ = example
    missing = [kind for kind in PAGE_KINDS if not (out / kind).is_file()]
    assert missing == []
    for kind in ("products", "stores"):
        assert list((out / "shops").glob(f"*/{kind}/*/index.html")), kind
    assert list((out / "shops").glob("*/stores/*/guides/*/index.html"))
    assert list((out / "collections").glob("*/index.html"))
    assert list((out / "categories").glob("*/page/2/index.html")), "a category long enough to paginate"


def test_no_internal_link_or_image_is_broken(example):
    out, base_url = example
    assert broken_references(out, base_url) == []


def test_every_qr_image_decodes_to_its_contact_text(example):
    """Each shop, product, store and guide page shows one QR code, and it reads back as the content file says."""
    out, _ = example
    expected_by_page = {}
    for shop_file in sorted((ROOT / "content" / "shops").glob("*/shop.yaml")):
        shop = yaml.safe_load(shop_file.read_text("utf-8"))
        slug = shop_file.parent.name
        page = out / "shops" / slug / "index.html"
        if not page.exists():  # delisted
            continue
        text = shop["contact"].get("qr") or shop["contact"].get("url")
        expected_by_page[page] = text
        for product in (out / "shops" / slug / "products").glob("*/index.html"):
            expected_by_page[product] = text
        for store in shop.get("stores") or []:
            expected_by_page[out / "shops" / slug / "stores" / store["slug"] / "index.html"] = text
            for guide in store.get("guides") or []:
                expected_by_page[out / "shops" / slug / "stores" / store["slug"] / "guides" / guide["slug"]
                                 / "index.html"] = guide["qr"]
    assert len(expected_by_page) > 60
    for page, text in expected_by_page.items():
        parsed = parse_html(page.read_text("utf-8"))
        codes = [img for img in parsed.images if "/qr/" in img["src"]]
        assert len(codes) == 1, f"{page}: exactly one QR code on screen"
        code = codes[0]
        assert int(code["width"]) >= 240 and code["alt"], page
        png = (out / "qr" / code["src"].rsplit("/", 1)[1]).read_bytes()
        assert read(png) == [text], page


def test_qr_files_are_one_per_distinct_text(example):
    out, _ = example
    pngs = list((out / "qr").glob("*.png"))
    assert len({p.read_bytes() for p in pngs}) == len(pngs)


def test_pictures_are_webp_with_sizes_and_no_metadata(example):
    out, _ = example
    home = parse_html((out / "index.html").read_text("utf-8"))
    pictures = [img for img in home.images if "/img/" in img["src"]]
    assert pictures
    for img in pictures:
        assert img["width"] and img["height"] and img["srcset"]
    for path in sorted((out / "img").glob("*.webp"))[:20]:
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.format == "WEBP" and not image.info.get("exif")


def test_drafts_delisted_and_unreferenced_files_are_not_published(example):
    out, _ = example
    curation = yaml.safe_load((ROOT / "content" / "curation.yaml").read_text("utf-8"))
    for slug in curation["delisted"]:
        assert not (out / "shops" / slug).exists()
    drafts = [p for p in (ROOT / "content" / "shops").glob("*/products/*.md") if "\ndraft: true" in p.read_text("utf-8")]
    assert drafts
    for draft in drafts:
        assert not (out / "shops" / draft.parent.parent.name / "products" / draft.stem).exists()
    published = {p.suffix for p in out.rglob("*")
                 if p.is_file() and p.relative_to(out).parts[0] not in ("pagefind", "assets")}
    assert published <= {".html", ".xml", ".txt", ".png", ".webp", ".json", ".gz"}
    assert {p.relative_to(out).as_posix() for p in out.rglob("*.json*")} <= \
        {"search/index.json"} | {p.relative_to(out).as_posix() for p in out.glob("search/*/*.json.gz")}, \
        "data files only in the search index"


def test_sitemap_lists_every_page_and_feed_is_atom(example):
    out, base_url = example
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = {e.text for e in ET.parse(out / "sitemap.xml").getroot().findall("s:url/s:loc", ns)}
    pages = {p for p in out.rglob("index.html") if p.parent != out / "search"}  # search is noindex
    assert len(locs) == len(pages)
    assert all(loc.startswith(base_url) for loc in locs)
    entries = ET.parse(out / "feed.xml").getroot().findall("a:entry", ns)
    assert entries and all(e.find("a:link", ns).get("href").startswith(base_url) for e in entries)
