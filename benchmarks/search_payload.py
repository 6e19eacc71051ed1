"""What a visitor's browser downloads to search a built site: on opening the search page, and for a first query.

    python benchmarks/search_payload.py OUT [--query 茶 --query teapot] [--slow]

OUT is a site built with its search index (`shopdir build`, without --no-search), by either engine:
Pagefind (pagefind/) or shopdir's own (search/index.json). The folder is served on 127.0.0.1, Debian's
Chromium opens /search/ through Playwright, launched as the browser tests launch it (`pip install -e
'.[test]'` and `apt-get install chromium`), types each query into a new page, and counts the seconds
until the first result is in the page (by the page's own clock; Playwright's wait for it, printed
beside, can end later), and the requests and bytes (Resource Timing's transferSize: what
travelled, headers included) of the opening and of the first query. The query's files are counted by
kind: for Pagefind its code and each shard's entry and metadata ("setup"), filter lists, word index
chunks and result fragments; for shopdir's index the manifest ("setup"), the term buckets of the base
and of each delta ("index"), the filters ("filter") and the display chunks ("fragment"). The
opening is the whole page: HTML, styles, scripts and what the scripts load before anything is typed.
The server compresses text files with gzip, as static hosts do (GitHub Pages, Netlify, Cloudflare).
A directory split into shards (see pagefind.split) loads the setup, filters and one index chunk per word
from every shard.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the browser tests' Chromium and flags

KINDS = ("index", "filter", "fragment")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    """Serves the folder as a static host does: text files (HTML, CSS, scripts, JSON, SVG) gzip-compressed
    when the browser accepts it; files that are compressed already (the indexes' .gz and .pf_ files) as they are."""

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in TEXT or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        data = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


TEXT = {".html", ".css", ".js", ".json", ".svg", ".xml"}


def kind(url: str) -> str:
    """Which part of a search bundle a file is: setup, index, filter or fragment ("page": not the bundle's)."""
    if "/pagefind/" in url:
        parts = url.split("/pagefind/", 1)[1].split("/")
        return next((part for part in parts if part in KINDS), "setup")
    if "/search/" in url and url.endswith(".json.gz"):
        name = url.rsplit("/", 1)[1]
        return {"f": "filter", "d": "fragment"}.get(name[0], "index")
    return "setup" if url.endswith("/search/index.json") else "page"


RESOURCES = """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
                 .map(e => [e.name, e.transferSize])"""


def settled(page, engine: str, quiet: float = 2.0, limit: float = 120.0) -> None:
    """Wait until the search shows its outcome and no file was asked for in `quiet` seconds."""
    waited, count, still = 0.0, -1, 0.0
    while waited < limit:
        page.wait_for_timeout(250)
        waited += 0.25
        seen = len(page.evaluate(RESOURCES))
        still = still + 0.25 if seen == count else 0.0
        count = seen
        if engine == "pagefind":
            message = page.locator(".pagefind-ui__message")
            searching = not message.count() or any(dots in message.first.inner_text() for dots in ("…", "..."))
        else:
            searching = page.get_attribute("#search", "data-state") != "done"
        if still >= quiet and not searching:
            return
    raise TimeoutError(f"the search did not settle within {limit:g} s")


RESULT = {"pagefind": ".pagefind-ui__result", "shopdir": "#search li.result, #search li.result-none"}
# The page's own clock when a first result is put in the page (what the visitor sees at the next frame),
# from a query typed at the time this returns. Playwright's wait for the same element returned up to
# 0.4 s later while the page went on fetching the other results' files; that wait is printed too.
FIRST_SHOWN = """selector => {
  window.__firstShown = null;
  new MutationObserver(() => {
    if (window.__firstShown === null && document.querySelector(selector)) window.__firstShown = performance.now();
  }).observe(document.body, {childList: true, subtree: true});
  return performance.now();
}"""


def measure(out: Path, queries: list[str], network: tuple[int, int] | None = None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    engine = "shopdir" if (out / "search" / "index.json").is_file() else "pagefind"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for query in queries:
                context = browser.new_context()  # nothing cached from the query before
                page = context.new_page()
                if network:  # Chromium's own throttling: every request waits the latency, all share the bandwidth
                    kbps, latency = network
                    cdp = page.context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", {
                        "offline": False, "latency": latency, "downloadThroughput": kbps * 1000 / 8,
                        "uploadThroughput": kbps * 1000 / 16})
                page.goto(f"http://127.0.0.1:{server.server_port}/search/")
                page.wait_for_load_state("networkidle")
                if engine == "shopdir":
                    page.wait_for_selector("#search form:not([hidden])")
                opening = page.evaluate(RESOURCES)
                typed = page.evaluate(FIRST_SHOWN, RESULT[engine])
                waited = time.perf_counter()
                page.fill("#search input", query)
                page.wait_for_selector(RESULT[engine], timeout=300_000)
                waited = time.perf_counter() - waited
                shown = (page.evaluate("() => window.__firstShown") - typed) / 1000
                settled(page, engine)
                seen = [(kind(url), size) for url, size in page.evaluate(RESOURCES)[len(opening):]]
                row = {"query": query, "engine": engine, "opening requests": len(opening),
                       "opening KB": sum(size for _, size in opening) / 1024,
                       "results": page.locator(RESULT[engine].split(",")[0]).count(), "seconds to results": shown,
                       "seconds waited": waited}
                for name in ("setup",) + KINDS:
                    files = [n for k, n in seen if k == name]
                    row[f"{name} requests"], row[f"{name} KB"] = len(files), sum(files) / 1024
                row["query requests"] = len(seen)
                row["query KB"] = sum(n for _, n in seen) / 1024
                rows.append(row)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Bytes and requests a visitor's first search downloads.")
    parser.add_argument("out", type=Path, help="a built site's output folder, with its search index")
    parser.add_argument("--query", action="append", help="a query to type (repeatable; default: 茶, 大红袍, teapot)")
    parser.add_argument("--slow", action="store_true",
                        help="throttle the browser's network to 1,600 kbit/s down and 150 ms a request, as a phone on 3G")
    args = parser.parse_args(argv)
    own = (args.out / "search" / "index.json").is_file()
    if not own and not (args.out / "pagefind" / "pagefind-entry.json").is_file():
        print(f"{args.out} has no search index: build it without --no-search", file=sys.stderr)
        return 2
    shards = 1 if own else 1 + sum(1 for p in (args.out / "pagefind").iterdir() if p.is_dir() and p.name.isdigit())
    network = (1600, 150) if args.slow else None
    print(f"{args.out}: {'shopdir' if own else 'Pagefind'} index, {shards} shard(s); network: "
          + ("1,600 kbit/s, 150 ms a request (--slow)" if network else "loopback, not throttled"))
    print(f"{'query':<12} {'opening':>14} {'first query':>16} {'to results':>10} {'(waited)':>9}   "
          f"by kind (requests / KB)")
    for row in measure(args.out, args.query or ["茶", "大红袍", "teapot"], network):
        kinds = ", ".join(f"{name} {row[f'{name} requests']} / {row[f'{name} KB']:.0f}" for name in ("setup",) + KINDS)
        print(f"{row['query']:<12} {row['opening requests']:>4} / {row['opening KB']:5.0f} KB "
              f"{row['query requests']:>5} / {row['query KB']:6.0f} KB {row['seconds to results']:9.2f}s "
              f"{row['seconds waited']:8.2f}s   {kinds}; "
              f"{row['results']} results shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
