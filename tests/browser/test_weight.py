"""Pages a visitor opens on a slow phone connection: small enough to arrive in the first round trip, no JavaScript,
pictures that keep their place while loading and below-the-fold pictures loaded only when needed."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from tests.browser.content import PAGE_KINDS
from tests.browser.pages import PHONE, open_page
from tests.sitecheck import resolve

pytestmark = pytest.mark.browser

BUDGET = 14 * 1024  # bytes, gzipped: what the first TCP round trip (10 segments) can carry
KINDS = ["home", "category", "shop", "product"]
DATA_SCRIPTS = {"application/ld+json"}  # structured data is not JavaScript


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stylesheets, self.scripts, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.stylesheets.append(a["href"])
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "img":
            self.images.append(a)


def tags(site, path: str) -> tuple[bytes, _Tags]:
    html = (site.out / (path + "index.html")).read_bytes()
    parsed = _Tags()
    parsed.feed(html.decode("utf-8"))
    return html, parsed


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))  # gzip's own default level, as most hosts use


def test_html_and_css_fit_in_14_kb_gzipped(site):
    rows, over = [], []
    for kind in KINDS:
        path, _ = PAGE_KINDS[kind]
        html, parsed = tags(site, path)
        assert parsed.stylesheets, f"{kind}: no stylesheet"
        css = 0
        for href in parsed.stylesheets:
            file = resolve(site.out, site.base_url, site.url(path), href)
            assert file is not None and file.is_file(), f"{kind}: stylesheet {href} is not part of the site"
            css += gzipped(file.read_bytes())
        total = gzipped(html) + css
        rows.append((kind, len(html), gzipped(html), css, total))
        if total > BUDGET:
            over.append(f"{kind} ({path}): {total:,} bytes gzipped, {total - BUDGET:,} over {BUDGET:,}")
    print(f"\n{'page kind':<10}{'HTML':>9}{'HTML gz':>9}{'CSS gz':>8}{'total gz':>10}   (budget {BUDGET:,} bytes)")
    for kind, raw, html_gz, css_gz, total in rows:
        print(f"{kind:<10}{raw:>9,}{html_gz:>9,}{css_gz:>8,}{total:>10,}")
    assert over == []


@pytest.mark.parametrize("kind", KINDS)
def test_no_javascript_and_every_picture_has_its_size(site, kind):
    path, _ = PAGE_KINDS[kind]
    _, parsed = tags(site, path)
    scripts = [s for s in parsed.scripts if (s.get("type") or "").lower() not in DATA_SCRIPTS]
    assert scripts == [], f"{kind} ({path}) runs JavaScript"
    assert parsed.images
    unsized = [img.get("src") for img in parsed.images
               if not (img.get("width", "").isdigit() and img.get("height", "").isdigit())]
    assert unsized == [], f"{kind} ({path}): pictures without width and height"


@pytest.mark.parametrize("kind", KINDS)
def test_pictures_below_the_first_screen_are_lazy(site, page, kind):
    path, _ = PAGE_KINDS[kind]
    open_page(page, site.url(path))
    pictures = page.evaluate("""() => [...document.images].map(img => ({
        src: img.getAttribute('src'), loading: img.getAttribute('loading'),
        top: img.getBoundingClientRect().top + window.scrollY}))""")
    assert pictures
    eager = [urljoin(page.url, p["src"]) for p in pictures if p["top"] >= PHONE["height"] and p["loading"] != "lazy"]
    assert eager == [], f"{kind} ({path}): pictures below the first {PHONE['height']} px that load at once"
