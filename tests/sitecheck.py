"""Reading a built site the way a browser would: every page parsed, every link and image followed."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


@dataclass
class ParsedPage:
    links: list[str] = field(default_factory=list)  # href of <a> and <link>
    sources: list[str] = field(default_factory=list)  # src and srcset candidates of <img>
    images: list[dict] = field(default_factory=list)  # attributes of every <img>
    text: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link") and a.get("href"):
            self.page.links.append(a["href"])
        if tag == "img":
            self.page.images.append(a)
            if a.get("src"):
                self.page.sources.append(a["src"])
            for candidate in (a.get("srcset") or "").split(","):
                if candidate.strip():
                    self.page.sources.append(candidate.split()[0])

    def handle_data(self, data):
        self.page.text.append(data)


def parse_html(html: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(html)
    return parser.page


def resolve(out: Path, base_url: str, page_url: str, href: str) -> Path | None:
    """The file a same-site link points to, or None for links that leave the site or the page."""
    if href.startswith("#"):
        return None
    target = urljoin(page_url, href)
    parts = urlsplit(target)
    base = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc != base.netloc:
        return None
    path = unquote(parts.path)
    assert path.startswith(base.path), f"{href} on {page_url} leaves the site's base path {base.path}"
    rel = path[len(base.path):]
    file = out / rel
    return file / "index.html" if rel == "" or rel.endswith("/") else file


def page_url(out: Path, base_url: str, file: Path) -> str:
    rel = file.relative_to(out).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return base_url + rel


def broken_references(out: Path, base_url: str) -> list[str]:
    """Every internal link, stylesheet and image on every page that does not resolve to a file."""
    broken = []
    for file in sorted(out.rglob("*.html")):
        url = page_url(out, base_url, file)
        if file.name == "404.html":
            url = base_url + "some/missing/page/"  # served at any depth: its links must not depend on it
        page = parse_html(file.read_text("utf-8"))
        for ref in page.links + page.sources:
            target = resolve(out, base_url, url, ref)
            if target is not None and not target.is_file():
                broken.append(f"{file.relative_to(out)}: {ref}")
    return broken
