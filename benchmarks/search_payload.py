"""What a visitor's browser downloads to search a built site: on opening the search page, and for a first query.

    python benchmarks/search_payload.py OUT [--query 茶 --query teapot] [--slow]

OUT is a site built with its search index (`shopdir build`, without --no-search). The folder is served on
127.0.0.1, Debian's Chromium opens /search/ through Playwright, launched as the browser tests launch it
(`pip install -e '.[test]'` and `apt-get install chromium`), types each query into a new page, and counts
the seconds until the first result shows, and the requests and bytes of the search bundle's files by kind:
Pagefind's code and each shard's entry and metadata ("setup"), filter lists, word index chunks and result
fragments. The index files are stored compressed, so their bytes are what travels. A directory split into
shards (see search.split) loads the setup, filters and one index chunk per word from every shard.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the browser tests' Chromium and flags

KINDS = ("index", "filter", "fragment")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def kind(url: str) -> str:
    parts = url.split("/pagefind/", 1)[1].split("/")
    return next((part for part in parts if part in KINDS), "setup")


def settled(page, seen: list, quiet: float = 2.0, limit: float = 120.0) -> None:
    """Wait until the search shows its outcome and no file of the bundle was asked for in `quiet` seconds."""
    waited, count, still = 0.0, -1, 0.0
    while waited < limit:
        page.wait_for_timeout(250)
        waited += 0.25
        still = still + 0.25 if len(seen) == count else 0.0
        count = len(seen)
        message = page.locator(".pagefind-ui__message")
        searching = not message.count() or any(dots in message.first.inner_text() for dots in ("…", "..."))
        if still >= quiet and not searching:
            return
    raise TimeoutError(f"the search did not settle within {limit:g} s")


def measure(out: Path, queries: list[str], network: tuple[int, int] | None = None) -> list[dict]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for query in queries:
                page = browser.new_page()
                if network:  # Chromium's own throttling: every request waits the latency, all share the bandwidth
                    kbps, latency = network
                    cdp = page.context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", {
                        "offline": False, "latency": latency, "downloadThroughput": kbps * 1000 / 8,
                        "uploadThroughput": kbps * 1000 / 16})
                seen: list[tuple[str, int]] = []
                page.on("response", lambda r: seen.append((kind(r.url), len(r.body()) if r.ok else 0))
                        if "/pagefind/" in r.url else None)
                page.goto(f"http://127.0.0.1:{server.server_port}/search/")
                page.wait_for_load_state("networkidle")
                opened = len(seen)
                typed = time.perf_counter()
                page.fill("#search input", query)
                page.wait_for_selector(".pagefind-ui__result", timeout=300_000)
                shown = time.perf_counter() - typed
                settled(page, seen)
                row = {"query": query, "opening requests": opened, "opening KB": sum(n for _, n in seen[:opened]) / 1024,
                       "results": page.locator(".pagefind-ui__result").count(), "seconds to results": shown}
                for name in ("setup",) + KINDS:
                    files = [n for k, n in seen[opened:] if k == name]
                    row[f"{name} requests"], row[f"{name} KB"] = len(files), sum(files) / 1024
                row["query requests"] = len(seen) - opened
                row["query KB"] = sum(n for _, n in seen[opened:]) / 1024
                rows.append(row)
                page.close()
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
    if not (args.out / "pagefind" / "pagefind-entry.json").is_file():
        print(f"{args.out} has no search index: build it without --no-search", file=sys.stderr)
        return 2
    shards = 1 + sum(1 for p in (args.out / "pagefind").iterdir() if p.is_dir() and p.name.isdigit())
    network = (1600, 150) if args.slow else None
    print(f"{args.out}: {shards} index shard(s); network: "
          + ("1,600 kbit/s, 150 ms a request (--slow)" if network else "loopback, not throttled"))
    print(f"{'query':<12} {'opening':>14} {'first query':>16} {'to results':>10}   by kind (requests / KB)")
    for row in measure(args.out, args.query or ["茶", "大红袍", "teapot"], network):
        kinds = ", ".join(f"{name} {row[f'{name} requests']} / {row[f'{name} KB']:.0f}" for name in ("setup",) + KINDS)
        print(f"{row['query']:<12} {row['opening requests']:>4} / {row['opening KB']:5.0f} KB "
              f"{row['query requests']:>5} / {row['query KB']:6.0f} KB {row['seconds to results']:9.2f}s   {kinds}; "
              f"{row['results']} results shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
