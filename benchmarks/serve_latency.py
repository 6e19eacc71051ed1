"""Time `shopdir serve` from a saved product file to the edited product page served with the change.

    python benchmarks/serve_latency.py --shops 1000 --products 10 --runs 5

Generates the synthetic directory (benchmarks/synth.py) into a temporary folder (or --keep DIR),
starts `shopdir serve` on it in its own process group, waits until the home page is served, then
--runs times appends a unique marker sentence to one product's Markdown file and polls that
product's page over HTTP every 20 ms until the marker appears. Prints each saved-to-served time,
the median and the maximum, and the load average. The server's process group is killed at the
end, whatever happens.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, marker: str | None, limit: float, poll: float = 0.02) -> float | None:
    """Seconds until `url` answers (and contains `marker`, if given); None after `limit`."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        text = fetch(url)
        if text is not None and (marker is None or marker in text):
            return time.perf_counter() - start
        time.sleep(poll)
    return None


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--images", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one change")
    parser.add_argument("--start-timeout", type=float, default=900.0, help="seconds to wait for the first build")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="shopdir-serve-bench-"))
    site = work / "site"
    if not (site / "site.yaml").exists():
        made = synth.generate(site, args.shops, args.products, args.images, args.seed)
    else:
        made = [{"slug": synth.shop_slug(args.seed, 0)}]
    slug = made[0]["slug"]
    products = sorted((site / "content" / "shops" / slug / "products").glob("*.md"))
    product_file = products[0]
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    page = f"{base}shops/{slug}/products/{product_file.stem}/"
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--root", str(site), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    times: list[float] = []
    try:
        first = wait_for(base, None, args.start_timeout)
        if first is None:
            print(f"serve did not answer within {args.start_timeout:.0f} s", file=sys.stderr)
            return 1
        print(f"site: {args.shops} shops x {args.products} products; first build served after {first:.1f} s "
              f"(load {loadavg()})")
        if wait_for(page, None, 30) is None:
            print(f"product page {page} not served", file=sys.stderr)
            return 1
        for run in range(args.runs):
            marker = f"Latency marker {run} {time.time_ns()}."
            time.sleep(1.0)  # let the watcher settle after the previous rebuild
            with open(product_file, "a", encoding="utf-8") as handle:
                handle.write(f"\n\n{marker}\n")
            seconds = wait_for(page, marker, args.timeout)
            if seconds is None:
                print(f"run {run + 1}: change not served within {args.timeout:.0f} s", file=sys.stderr)
                return 1
            times.append(seconds)
            print(f"run {run + 1}: saved -> served {seconds:.2f} s (load {loadavg()})")
        print(f"serve latency, {args.shops} shops: median {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s over {len(times)} runs (load {loadavg()})")
        return 0
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            server.wait()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
