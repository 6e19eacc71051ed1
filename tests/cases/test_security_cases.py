"""Adversarial cases: each folder under security/ is a hostile submission overlaid on the base site.

A case folder holds the files that differ from tests/cases/base, plus some special files:

- `delete.txt`: paths to remove from the base, one per line.
- `symlinks.txt`: lines `link_path -> target`, created after the files are copied (git keeps
  the case folder plain). `{outside}` in a target is a folder beside the site, filled from the
  case's `_outside/` folder; `{root}` is the site's root. Other targets are used as written.
- `expected.txt`: the submission is refused. The exact `path:line:column: message` lines that
  `shopdir check` prints, in order.
- `expect.yaml`: the submission is built, and everything built must be inert. Keys:
    outcome: built                  (required)
    visible_text: [text]            each appears literally as text (not markup) on some page
    page_text: {page: [text]}       ... on that page
    attribute_values: [text]        each is part of some attribute value (entities decoded) on some page
    feed_text: [text]               each appears in the text of feed.xml
    jsonld_text: [text]             each is (part of) a string value in some page's JSON-LD
    hrefs: [url]                    each is the exact href or src of some element on some page
    page_text_count: {page: {text: n}}  text appears exactly n times on that page
    absent_bytes: [text]            no page, feed, sitemap, picture or QR code contains it (ASCII case
                                    ignored; the theme's and Pagefind's own static files and the search
                                    index, which holds merchant text as JSON data, are not searched)
    absent_from_search: [text]      the search index (decompressed) does not contain it
    present: [path]                 these output files exist
    absent: [glob]                  no output file matches
    count: {glob: n}                exactly n output files match
    unpublished: [path]             a file of the submission (site-relative) whose bytes, or a
                                    picture made from them, appear nowhere in the output
    not_verbatim: [path]            a file of the submission whose bytes are not published as they are
                                    (a picture made from them may be)
- `xfail.txt` (or `xfail:` in expect.yaml): a known shopdir bug; the case is a strict xfail.
- `max_seconds.txt`: how long `check` may take (default 10 s).

Every built case is also put through `inertness_problems`, a generic check of every output
file: no script, event handler, style, frame, form or dangerous URL on any page; JSON-LD is JSON
that cannot end its element; feed and sitemap well-formed; published pictures WebP without
metadata; no markup in the search index where Pagefind's UI inserts it as HTML; nothing
published outside the site's own folders.

A URL's scheme (href, src, srcset, action, formaction, poster, data, ...) is read after HTML
entities are decoded, leading and trailing spaces and control characters trimmed, tabs and
newlines dropped (as browsers do) and, stricter than a browser, every other control character
dropped; it must be http, https, mailto or tel, or the URL relative.

The theme itself has a search form in every header and Pagefind's scripts on /search/, and
ships its own static files. Those exact elements (same tag, attributes and, for scripts, text)
and files are taken from a clean build of the base site and allowed; any other script, form,
frame or static file is a finding.
"""

from __future__ import annotations

import fnmatch
import functools
import gzip
import io
import json
import os
import re
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator import images
from generator.build import build
from generator.cli import main
from tests.conftest import BASE_SITE, overlay_case

CASES = Path(__file__).parent / "security"
BASE = BASE_SITE
SPECIAL = {"expected.txt", "expect.yaml", "delete.txt", "symlinks.txt", "xfail.txt", "max_seconds.txt", "README.md"}
OUTSIDE = "_outside"
DEFAULT_SECONDS = 10.0
EXPECT_KEYS = {"outcome", "visible_text", "page_text", "page_text_count", "attribute_values", "feed_text",
               "jsonld_text", "hrefs", "absent_bytes", "absent_from_search", "present", "absent", "count",
               "unpublished", "not_verbatim", "xfail", "max_seconds"}

# -- the generic inertness check ----------------------------------------------

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href", "background",
                  "cite", "longdesc", "lowsrc", "dynsrc", "ping", "codebase", "archive", "manifest", "icon"}
# Elements that never belong in a page's body: each runs script, styles the page, frames or posts.
NEVER_IN_BODY = {"style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
                 "textarea", "select", "base", "svg", "math", "link", "template", "noscript", "portal"}
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
TOP_LEVEL = {"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt"}
SITE_FOLDERS = {"categories", "shops", "tags", "cities", "collections", "new", "img", "qr", "assets", "search",
                "pagefind"}


def url_scheme(url: str, strict: bool = True) -> str | None:
    """The scheme of an attribute value (entities already decoded), or None for a relative URL.

    As the WHATWG URL parser does: leading and trailing C0 controls and spaces are trimmed, tabs and
    newlines anywhere are dropped. strict=True (the default, used for every built page) drops every
    other C0 control character anywhere too, as old browsers did with NUL: a sanitiser's output must
    not depend on them. strict=False is exactly what current browsers do. A space inside is kept in
    both: it ends a scheme in every browser.
    """
    url = url.strip(_C0_AND_SPACE)
    url = re.sub("[\x00-\x1f]" if strict else "[\t\n\r]", "", url)
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def srcset_urls(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]


class _Page(HTMLParser):
    """One page: its problems, visible text, attribute values and link targets."""

    def __init__(self, where: str, allowed: frozenset = frozenset(), strict: bool = True):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.strict = strict
        self.allowed = allowed  # signatures of the theme's own elements
        self.signatures: set = set()  # of every script and never-in-body element seen
        self.jsonld: list = []  # parsed JSON-LD values
        self.problems: list[str] = []
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.urls: list[str] = []
        self.in_body = False
        self.script: dict | None = None  # attributes of the open <script>, with its text
        self.hidden = 0  # depth inside elements whose text is not shown

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "body":
            self.in_body = True
        if tag == "script":
            self.script = {"type": a.get("type", "").strip().lower(), "attrs": tuple(attrs), "text": []}
        if tag in ("script", "style", "template", "noscript"):
            self.hidden += 1
        if self.in_body and tag in NEVER_IN_BODY:
            signature = (tag, tuple(attrs))
            self.signatures.add(signature)
            if signature not in self.allowed:
                self.fail(f"<{tag}> inside <body>")
        if tag == "meta" and "http-equiv" in a:
            self.fail(f"<meta http-equiv={a['http-equiv']!r}>")
        for name, value in attrs:
            value = value or ""
            self.attributes.append(value)
            if name.startswith("on"):
                self.fail(f"event handler attribute {name}={value!r} on <{tag}>")
            if name == "style" and self.in_body:
                self.fail(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES:
                for url in (srcset_urls(value) if name in ("srcset", "imagesrcset") else [value]):
                    scheme = url_scheme(url, self.strict)
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        self.fail(f"<{tag} {name}={value!r}>: scheme {scheme}: is not allowed")
                    if name in ("href", "src"):
                        self.urls.append(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style", "template", "noscript"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "noscript") and self.hidden:
            self.hidden -= 1
        if tag == "script" and self.script is not None:
            self._end_script()

    def _end_script(self):
        script, self.script = self.script, None
        text = "".join(script["text"])
        if script["type"] != "application/ld+json":
            signature = ("script", script["attrs"], text)
            self.signatures.add(signature)
            if signature not in self.allowed:
                self.fail(f"<script> element: {text[:80]!r}")
            return
        for needle in ("</", "<!--", "<script"):
            if needle in text.lower():
                self.fail(f"JSON-LD contains {needle!r}")
        try:
            self.jsonld.append(json.loads(text))
        except ValueError as error:
            self.fail(f"JSON-LD is not JSON ({error})")

    def handle_data(self, data):
        if self.script is not None:
            self.script["text"].append(data)
        elif not self.hidden:
            self.text.append(data)

    def close(self):
        super().close()
        if self.script is not None:
            self.fail("a <script> element is never closed")
            self._end_script()


def parse_page(html: str, where: str = "page", allowed: frozenset = frozenset()) -> _Page:
    page = _Page(where, allowed)
    page.feed(html)
    page.close()
    return page


def html_problems(html: str, where: str = "page", fragment: bool = False, allowed: frozenset = frozenset(),
                  strict: bool = True) -> list[str]:
    """What makes an HTML page (or, with fragment=True, a piece of a page's body) unsafe to serve."""
    page = _Page(where, allowed, strict)
    page.in_body = fragment
    page.feed(html)
    page.close()
    return page.problems


def xml_problems(data: bytes, where: str) -> list[str]:
    try:
        tree = ET.parse(io.BytesIO(data))
    except ET.ParseError as error:
        return [f"{where}: not well-formed XML ({error})"]
    problems = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name == "href" or name.endswith("}href"):
                scheme = url_scheme(value)
                if scheme not in ("http", "https"):
                    problems.append(f"{where}: <{element.tag} href={value!r}> is not an absolute http(s) URL")
    return problems


def picture_problems(data: bytes, where: str) -> list[str]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            problems = []
            if image.format != "WEBP":
                problems.append(f"{where}: a published picture is {image.format}, not WebP")
            for key in ("exif", "xmp", "icc_profile", "XML:com.adobe.xmp"):
                if image.info.get(key):
                    problems.append(f"{where}: a published picture keeps its {key} metadata")
            if len(image.getexif()):
                problems.append(f"{where}: a published picture keeps EXIF tags {sorted(image.getexif())}")
            return problems
    except Exception as error:  # noqa: BLE001 - any picture that does not decode is a finding
        return [f"{where}: a published picture cannot be decoded ({error})"]


def search_index_problems(data: bytes, where: str) -> list[str]:
    """A Pagefind fragment: its filter names and values are inserted into the search page as HTML by Pagefind's UI."""
    try:
        raw = gzip.decompress(data)
    except OSError:
        raw = data
    if raw.startswith(b"pagefind_dcd"):
        raw = raw[len(b"pagefind_dcd"):]
    try:
        fragment = json.loads(raw)
    except ValueError as error:
        return [f"{where}: a search fragment that is not JSON ({error})"]
    problems = []
    for name, values in (fragment.get("filters") or {}).items():
        for text in [name, *values]:
            if "<" in text:
                problems.append(f"{where}: search filter {name!r} holds markup {text!r}, which the search page "
                                "inserts as HTML")
    return problems


@functools.lru_cache(maxsize=1)
def _baseline() -> tuple[frozenset, dict]:
    """From clean builds of the base site, with each search engine: the theme's own scripts, forms and other
    never-in-body elements, and the files the theme and Pagefind ship as they are (assets/, Pagefind's
    scripts and styles)."""
    from generator.build import build as build_site

    work = Path(tempfile.mkdtemp(prefix="shopdir-theme-baseline-"))
    try:
        found, static = set(), {}
        for engine in ("shopdir", "pagefind"):
            root, out = work / engine, work / engine / "out"
            shutil.copytree(BASE, root)
            (root / "site.yaml").write_text((BASE / "site.yaml").read_text("utf-8") + f"search: {{engine: {engine}}}\n",
                                            "utf-8")
            result = build_site(root, out, cache_dir=work / engine / "cache")
            assert result.problems == [], result.problems
            for path in out.rglob("*.html"):
                found |= parse_page(path.read_text("utf-8"), path.name).signatures
            static.update({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                           if p.is_file() and _is_static(p.relative_to(out).as_posix())})
        return frozenset(found), static
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _is_own_index(rel: str) -> bool:
    """A file of shopdir's own search index: its manifest, or its data under a version's folder."""
    return rel == "search/index.json" or (rel.startswith("search/") and rel.endswith(".json.gz"))


def own_index_problems(data: bytes, where: str) -> list[str]:
    """shopdir's own index holds data only (the search page shows it as text): JSON, gzipped but for the manifest."""
    try:
        json.loads(data if where.endswith(".json") else gzip.decompress(data))
    except (OSError, ValueError) as error:
        return [f"{where}: a search index file that is not JSON ({error})"]
    return []


def _is_static(rel: str) -> bool:
    """A file the theme or Pagefind ships unchanged for every site: no merchant data in it."""
    return rel.startswith("assets/") or (rel.startswith("pagefind/") and ".pf_" not in rel
                                         and not rel.endswith(".json"))


def theme_elements() -> frozenset:
    return _baseline()[0]


def theme_static_files() -> dict:
    return _baseline()[1]


def inertness_problems(out: Path, allowed: frozenset = frozenset(), static: dict | None = None) -> list[str]:
    """Every reason the built site in `out` is not inert, for every file in it.

    `allowed`: signatures of the theme's own scripts and forms (see theme_elements); `static`: the files
    the theme and Pagefind ship as they are (see theme_static_files). Every other file under assets/ or
    among Pagefind's scripts is a finding.
    """
    static = theme_static_files() if static is None else static
    problems = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(out).as_posix()
        top = rel.split("/", 1)[0]
        if path.is_symlink():
            problems.append(f"{rel}: a symbolic link in the output")
            continue
        data = path.read_bytes()
        if "/" not in rel and rel not in TOP_LEVEL:
            problems.append(f"{rel}: a file the site does not make")
        elif "/" in rel and top not in SITE_FOLDERS and not re.fullmatch(r"[a-z0-9-]+/index\.html", rel):
            problems.append(f"{rel}: a file outside the site's own folders")
        if rel.endswith(".html"):
            try:
                html = data.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(f"{rel}: not UTF-8 ({error})")
                continue
            problems.extend(html_problems(html, rel, allowed=allowed))
        elif _is_static(rel):
            if static.get(rel) != data:
                problems.append(f"{rel}: a file the theme and Pagefind do not ship")
        elif top == "pagefind":
            if rel.endswith(".pf_fragment"):
                problems.extend(search_index_problems(data, rel))
        elif _is_own_index(rel):
            problems.extend(own_index_problems(data, rel))
        elif rel.endswith(".xml"):
            problems.extend(xml_problems(data, rel))
        elif top == "img":
            if not rel.endswith(".webp"):
                problems.append(f"{rel}: a picture that is not .webp")
            problems.extend(picture_problems(data, rel))
        elif top == "qr":
            if not (rel.endswith(".png") and data.startswith(b"\x89PNG\r\n\x1a\n")):
                problems.append(f"{rel}: a QR code that is not a PNG")
        elif rel != "robots.txt":
            problems.append(f"{rel}: an unexpected kind of file")
    return problems


# -- reading a built site ---------------------------------------------------------


class BuiltSite:
    def __init__(self, out: Path):
        self.out = out
        self.files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        self.pages = {rel: parse_page(data.decode("utf-8"), rel) for rel, data in self.files.items()
                      if rel.endswith(".html")}
        self.jsonld_strings = [text for page in self.pages.values() for value in page.jsonld
                               for text in _strings(value)]

    def published(self):
        """(path, bytes) of every page, feed, sitemap, picture and QR code: not the theme's or Pagefind's files."""
        for rel, data in self.files.items():
            if not rel.startswith(("assets/", "pagefind/")) and not _is_own_index(rel):
                yield rel, data

    def search_index(self):
        """(path, decompressed bytes) of every file of the search index."""
        for rel, data in self.files.items():
            if rel.startswith("pagefind/") and ".pf_" in rel or _is_own_index(rel):
                try:
                    data = gzip.decompress(data)
                except OSError:
                    pass
                yield rel, data

    def page_text(self, rel: str) -> str:
        return "\x00".join(self.pages[rel].text)

    def feed_text(self) -> str:
        root = ET.fromstring(self.files["feed.xml"])
        return "\x00".join(t for element in root.iter() for t in (element.text, element.tail) if t)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def check_expectations(site: BuiltSite, expect: dict, root: Path) -> list[str]:
    failures = []
    for text in expect.get("visible_text", []):
        if not any(text in site.page_text(rel) for rel in site.pages):
            failures.append(f"visible_text {text!r} is on no page")
    for rel, texts in (expect.get("page_text") or {}).items():
        if rel not in site.pages:
            failures.append(f"page_text: there is no page {rel}")
            continue
        for text in texts:
            if text not in site.page_text(rel):
                failures.append(f"page_text {text!r} is not on {rel}")
    for text in expect.get("attribute_values", []):
        if not any(text in value for page in site.pages.values() for value in page.attributes):
            failures.append(f"attribute_values {text!r} is in no attribute")
    for text in expect.get("feed_text", []):
        if text not in site.feed_text():
            failures.append(f"feed_text {text!r} is not in feed.xml")
    for text in expect.get("jsonld_text", []):
        if not any(text in value for value in site.jsonld_strings):
            failures.append(f"jsonld_text {text!r} is in no JSON-LD string")
    for url in expect.get("hrefs", []):
        if not any(url in page.urls for page in site.pages.values()):
            failures.append(f"hrefs {url!r} is no link or image on any page")
    for rel, counts in (expect.get("page_text_count") or {}).items():
        for text, n in counts.items():
            found = site.page_text(rel).count(text) if rel in site.pages else None
            if found != n:
                failures.append(f"page_text_count: {text!r} is {found} times on {rel}, not {n}")
    for key, files in (("absent_bytes", site.published), ("absent_from_search", site.search_index)):
        for text in expect.get(key, []):
            needle = text.encode("utf-8").lower()
            for rel, data in files():
                if needle in data.lower():
                    failures.append(f"{key} {text!r} is in {rel}")
    for rel in expect.get("present", []):
        if rel not in site.files:
            failures.append(f"present: {rel} was not written")
    for pattern in expect.get("absent", []):
        for rel in fnmatch.filter(site.files, pattern):
            failures.append(f"absent: {rel} matches {pattern}")
    for pattern, n in (expect.get("count") or {}).items():
        found = fnmatch.filter(site.files, pattern)
        if len(found) != n:
            failures.append(f"count: {len(found)} files match {pattern}, not {n}: {found}")
    for rel in expect.get("unpublished", []):
        data = (root / rel).read_bytes()
        key = images.digest(data)
        name = rel.rsplit("/", 1)[-1]
        for out_rel, out_data in site.files.items():
            if out_data == data or key in out_rel or out_rel.rsplit("/", 1)[-1] == name:
                failures.append(f"unpublished: {rel} was published as {out_rel}")
    for rel in expect.get("not_verbatim", []):
        data = (root / rel).read_bytes()
        for out_rel, out_data in site.files.items():
            if out_data == data:
                failures.append(f"not_verbatim: {rel} was published as it is, as {out_rel}")
    return failures


# -- materialising a case --------------------------------------------------------


def materialise(case: Path, tmp_path: Path) -> Path:
    root, outside = tmp_path / "site", tmp_path / "outside"
    overlay_case(case, root, skip=lambda rel: rel.parts[0] == OUTSIDE or str(rel) in SPECIAL)
    outside.mkdir()
    if (case / OUTSIDE).is_dir():
        shutil.copytree(case / OUTSIDE, outside, dirs_exist_ok=True)
    if (case / "symlinks.txt").is_file():
        for line in (case / "symlinks.txt").read_text("utf-8").splitlines():
            if not line.strip():
                continue
            link, target = (part.strip() for part in line.split("->"))
            target = target.replace("{outside}", str(outside)).replace("{root}", str(root))
            (root / link).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(target, root / link)
    return root


def _case_names() -> list[str]:
    if not CASES.is_dir():
        return []
    return sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file() or (p / "expect.yaml").is_file())


def _expect(case: Path) -> dict | None:
    if not (case / "expect.yaml").is_file():
        return None
    return yaml.safe_load((case / "expect.yaml").read_text("utf-8")) or {}


def _params():
    params = []
    for name in _case_names():
        case = CASES / name
        reason = None
        if (case / "xfail.txt").is_file():
            reason = (case / "xfail.txt").read_text("utf-8").strip()
        expect = _expect(case)
        if expect and expect.get("xfail"):
            reason = expect["xfail"]
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def run_check(root: Path, capsys) -> tuple[int, list[str], str, float]:
    """`shopdir check` in this process: (exit status, problem lines, stderr, seconds)."""
    capsys.readouterr()
    started = time.perf_counter()
    status = main(["check", "--root", str(root)])
    seconds = time.perf_counter() - started
    _, err = capsys.readouterr()
    lines = err.splitlines()
    return status, [line for line in lines if not line.startswith("shopdir: ")], err, seconds


# -- the tests -------------------------------------------------------------------


def test_there_are_enough_cases():
    names = _case_names()
    assert len(names) >= 45, names
    for name in names:
        case = CASES / name
        assert re.fullmatch(r"\d\d-[a-z0-9-]+", name), name
        assert (case / "expected.txt").is_file() != (case / "expect.yaml").is_file(), f"{name}: one of the two"
        expect = _expect(case)
        if expect is not None:
            assert expect.get("outcome") == "built", name
            assert set(expect) <= EXPECT_KEYS, (name, set(expect) - EXPECT_KEYS)


@pytest.mark.parametrize("name", _params())
def test_security_case(name, tmp_path, capsys):
    case = CASES / name
    root = materialise(case, tmp_path)
    expect = _expect(case)
    limit = DEFAULT_SECONDS
    if (case / "max_seconds.txt").is_file():
        limit = float((case / "max_seconds.txt").read_text("utf-8"))
    if expect and expect.get("max_seconds"):
        limit = float(expect["max_seconds"])

    status, found, err, seconds = run_check(root, capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    if expect is None:
        expected = [line for line in (case / "expected.txt").read_text("utf-8").splitlines() if line.strip()]
        assert found == expected
        assert status == 1
        count = len(expected)
        assert err.splitlines()[-1] == f"shopdir: {count} error{'s' if count != 1 else ''} found; nothing was written"
        assert seconds < limit, f"check took {seconds:.1f} s"
        return

    assert found == [] and status == 0, err
    assert seconds < limit, f"check took {seconds:.1f} s"
    out = tmp_path / "out"
    result = build(root, out, cache_dir=tmp_path / "cache")
    assert result.problems == []
    assert inertness_problems(out, theme_elements()) == []
    failures = check_expectations(BuiltSite(out), expect, root)
    assert failures == []


# -- the checker itself can fail -------------------------------------------------

DANGEROUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<script type="application/ld+json">{"a": "</script><script>alert(1)//"}</script>',
    '<script type="application/ld+json">{not json}</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.example/" OnClick="x()">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>*{}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://evil.example/"><input name=p></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#x0A;scr&#x0D;ipt:alert(1)">x</a>',
    '<a href=" &#x01; javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<img srcset="https://ok.example/a.png 1x, javascript:alert(1) 2x">',
    '<button formaction="javascript:alert(1)">x</button>',
    '<video poster="javascript:alert(1)"></video>',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<script type="application/ld+json">{"a": "<!--<script>"}</script>',
]
SAFE = ('<p>ok <a href="https://ok.example/" rel="nofollow">link</a> <a href="mailto:a@b.example">m</a> '
        '<a href="tel:+8659100000000">t</a> <a href="../x/">rel</a> <a href="#top">top</a> '
        '<img src="/img/a.webp" srcset="/img/a-320.webp 320w, /img/a-640.webp 640w" alt="">'
        '<a href="java   script:x">a relative link with spaces</a> {{ 7*7 }} &lt;script&gt;</p>'
        '<script type="application/ld+json">{"name": "a \\u003c/script"}</script>')


@pytest.mark.parametrize("snippet", DANGEROUS)
def test_the_checker_fails_on_dangerous_html(snippet):
    assert html_problems(f"<!doctype html><html><head></head><body>{snippet}</body></html>") != []
    assert html_problems(f"<!doctype html><html><head></head><body>{snippet}</body></html>", strict=False) != []


def test_the_strict_checker_also_fails_on_control_characters_inside_a_scheme():
    page = '<html><body><a href="java\x01script:alert(1)">x</a><img src="java\x0bscript:alert(2)"></body></html>'
    assert len(html_problems(page)) == 2
    assert html_problems(page, strict=False) == []  # what current browsers do: a relative URL


def test_the_checker_passes_harmless_html_and_sees_its_text():
    page = f"<!doctype html><html><head><title>t</title></head><body>{SAFE}</body></html>"
    assert html_problems(page) == []
    assert "{{ 7*7 }}" in "".join(parse_page(page).text) and "<script>" in "".join(parse_page(page).text)


def test_only_the_themes_own_elements_are_allowed():
    allowed = theme_elements()
    assert {signature[0] for signature in allowed} <= {"form", "input", "button", "noscript", "script", "select"}, \
        allowed
    search = [s for s in allowed if s[0] == "script"]
    assert search and all("PagefindUI" in s[2] or dict(s[1]).get("src", "").endswith("pagefind-ui.js")
                          or dict(s[1]).get("src", "").startswith("/assets/search/") and not s[2] for s in search)
    page = "<html><body>{}</body></html>"
    assert html_problems(page.format("<script>alert(1)</script>"), allowed=allowed) != []
    assert html_problems(page.format('<script src="/pagefind/evil.js"></script>'), allowed=allowed) != []
    assert html_problems(page.format('<form action="https://evil.example/"></form>'), allowed=allowed) != []


def test_the_checker_fails_on_markup_in_search_filters():
    fragment = b'pagefind_dcd{"url":"/x/","content":"<b>x</b>","filters":{"City":["<img src=x onerror=alert(1)>"]}}'
    assert search_index_problems(gzip.compress(fragment), "f") != []
    assert search_index_problems(gzip.compress(fragment.replace(b"<img src=x onerror=alert(1)>", b"Fuzhou")), "f") == []


def test_the_checker_fails_on_a_built_site_with_something_dangerous(tmp_path):
    from PIL import Image

    out = tmp_path / "out"
    (out / "img").mkdir(parents=True)
    (out / "index.html").write_text("<html><body><p>fine</p></body></html>", "utf-8")
    assert inertness_problems(out, static={}) == []
    (out / "shops").mkdir()
    (out / "shops" / "index.html").write_text('<html><body><a href="javascript:alert(1)">x</a></body></html>', "utf-8")
    (out / "feed.xml").write_bytes(b"<feed><title>a \xef\xbf\xbf b</title></feed>")
    (out / "secret.txt").write_text("secret", "utf-8")
    exif = Image.Exif()
    exif[0x010E] = "GPS here"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="WEBP", exif=exif.tobytes())
    (out / "img" / "a-8.webp").write_bytes(buffer.getvalue())
    (out / "img" / "b-8.webp").write_bytes(b"<svg onload=alert(1)>")
    (out / "assets").mkdir()
    (out / "assets" / "evil.svg").write_text("<svg onload=alert(1)>", "utf-8")
    problems = inertness_problems(out, static={})
    for needle in ("shops/index.html", "feed.xml: not well-formed", "secret.txt", "img/a-8.webp: a published picture keeps",
                   "img/b-8.webp: a published picture cannot be decoded", "assets/evil.svg"):
        assert any(needle in p for p in problems), (needle, problems)


def test_the_expectations_can_fail(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text('<html><body><p title="x">{{ 7*7 }}</p><a href="/a/">a</a></body></html>', "utf-8")
    (out / "feed.xml").write_text("<feed><title>t</title></feed>", "utf-8")
    site = BuiltSite(out)
    assert check_expectations(site, {"visible_text": ["{{ 7*7 }}"], "attribute_values": ["x"], "hrefs": ["/a/"],
                                     "feed_text": ["t"], "present": ["index.html"], "count": {"*.html": 1}},
                              tmp_path) == []
    assert len(check_expectations(site, {"visible_text": ["49"], "attribute_values": ["y"], "hrefs": ["/b/"],
                                         "feed_text": ["u"], "absent_bytes": ["{{"], "present": ["x.html"],
                                         "absent": ["*.html"], "count": {"*.html": 2},
                                         "page_text_count": {"index.html": {"7": 3}}}, tmp_path)) == 9
