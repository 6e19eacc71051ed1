"""The shipped example, built once and served on loopback, and Chromium to visit it the way a phone would."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator import pagefind
from generator.build import build
from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, PHONE, TIMEOUT_MS, encode, record_problems
from tests.conftest import ROOT


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives the built example site in Chromium (tests/browser)")


def _missing_tools() -> dict[str, str]:
    """What these tests need that this machine lacks: test file prefix ('' for all) -> how to get it."""
    here = Path(__file__).resolve().parent
    missing = {}
    if not Path(CHROMIUM).is_file():
        missing[""] = "Debian's Chromium is not installed (apt-get install chromium)"
    tools = here / "node_modules"
    if not shutil.which("java") or not (tools / "vnu-jar").is_dir() or not (tools / "axe-core").is_dir():
        missing["test_html"] = ("the HTML checker or axe-core is missing (npm ci --prefix tests/browser "
                                "--ignore-scripts, and Java)")
    return missing


def pytest_collection_modifyitems(config, items):
    """On a developer's machine without the browser tools these tests are skipped, saying why.
    In CI (CI=true) they never are: .ci/run installs the tools, and a missing one fails loudly."""
    if os.environ.get("CI"):
        return
    missing = _missing_tools()
    for item in items:
        path = Path(str(item.fspath))
        if path.parent != Path(__file__).resolve().parent:
            continue
        for prefix, reason in missing.items():
            if path.name.startswith(prefix):
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True)
class Site:
    out: Path  # the built site
    base_url: str  # where it is served, ending in /

    def url(self, path: str) -> str:
        """The address of a page, from its path below the site root (not yet percent-encoded)."""
        return self.base_url + encode(path)

    def html_files(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built site as a static host would: 404.html, with status 404, for anything missing."""

    protocol_version = "HTTP/1.1"  # keep-alive, as any real host
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".webp": "image/webp", ".js": "text/javascript", ".css": "text/css", ".xml": "application/xml"}

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@contextlib.contextmanager
def _served(folder: Path, root: Path = ROOT, **options):
    """The example in content/, built into folder/output and served on 127.0.0.1 at a free port."""
    out = folder / "output"
    out.mkdir()
    handler = functools.partial(_Handler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    result = build(root, out, base_url=base_url, cache_dir=folder / "cache", **options)
    assert result.problems == [], "\n".join(map(str, result.problems))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5):
            pass
        yield Site(out, base_url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The example, built once and served."""
    with _served(tmp_path_factory.mktemp("browser-site")) as served:
        yield served


def example_copy(tmp_path_factory, name: str, settings: str = "") -> Path:
    """A copy of the example, with more settings at the end of its site.yaml."""
    root = tmp_path_factory.mktemp(name)
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "themes", root / "themes")
    (root / "site.yaml").write_text((ROOT / "site.yaml").read_text("utf-8") + settings, "utf-8")
    return root


def example_with_pagefind(tmp_path_factory, name: str) -> Path:
    """A copy of the example whose site.yaml chooses Pagefind's index."""
    return example_copy(tmp_path_factory, name, "search:\n  engine: pagefind\n")


@pytest.fixture(scope="session")
def own_site(site):
    """The example, whose search is shopdir's own index (the default)."""
    assert (site.out / "search/index.json").is_file() and not (site.out / "pagefind").exists()
    return site


@pytest.fixture(scope="session")
def pagefind_site(tmp_path_factory):
    """The example built with Pagefind's search index and served."""
    root = example_with_pagefind(tmp_path_factory, "pagefind-root")
    with _served(tmp_path_factory.mktemp("browser-pagefind-site"), root=root) as served:
        assert (served.out / "pagefind/pagefind-entry.json").is_file()
        yield served


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory):
    """The example built with Pagefind's search index split into shards, as a large directory's is."""
    root = example_with_pagefind(tmp_path_factory, "sharded-root")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pagefind, "SHARD_RECORDS", 25)
        with _served(tmp_path_factory.mktemp("browser-sharded-site"), root=root) as served:
            assert (served.out / "pagefind/2/pagefind-entry.json").is_file()
            yield served


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, launched once for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                              timeout=30_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page_problems():
    """Console errors, uncaught exceptions, failed requests and HTTP errors seen by the `page` fixture."""
    return []


@pytest.fixture
def page(browser, page_problems):
    """A fresh phone-sized tab (390×844) that records its problems into page_problems."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    record_problems(tab, page_problems)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def new_page(browser):
    """Open more tabs with other settings (viewport, JavaScript off, print): new_page(**context options)."""
    contexts = []

    def make(**options):
        options.setdefault("device_scale_factor", 1)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
