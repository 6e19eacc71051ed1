"""How long `shopdir pr-check` takes, as a whole process, on a large directory with a one-product change.

    python benchmarks/pr_check.py --shops 1000 --products 10 --images 2

Generates the directory with synth.py into a temporary git repository, gives its first shop an
owner, commits it as `main`, then commits a one-product edit by that owner on a branch, and times
`shopdir pr-check --base main --head pr --author bench-owner` (median of --runs, each a separate
process). Also times a curator change (site.yaml) and a pull request that adds a whole new shop.
Target: under 1 s for the one-product change at 1,000 shops.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

AUTHOR = "bench-owner"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def timed(command: list[str], runs: int) -> tuple[float, int]:
    seconds, status = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), status


def new_shop(repo: Path, args) -> None:
    synth.add_shop(repo, "bench-new-shop", args.shops, args.products, args.images)
    with open(repo / "content" / "shops" / "bench-new-shop" / "shop.yaml", "a", encoding="utf-8") as f:
        f.write(f"owners: [{AUTHOR}]\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--images", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="shopdir-pr-check-bench-"))
    try:
        repo = work / "site"
        synth.main([str(repo), "--shops", str(args.shops), "--products", str(args.products),
                    "--images", str(args.images)])
        shop = sorted((repo / "content" / "shops").iterdir())[0]
        with open(shop / "shop.yaml", "a", encoding="utf-8") as f:
            f.write(f"owners: [{AUTHOR}]\n")
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "user.name", "Bench")
        git(repo, "config", "user.email", "bench@example.org")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "base")
        files = int(git(repo, "ls-files", "-z").count("\0"))
        product = sorted((shop / "products").iterdir())[0]
        branches = {"pr": lambda: product.write_text(product.read_text("utf-8") + "\nOne more line.\n", "utf-8"),
                    "curator": lambda: (repo / "site.yaml").write_text(
                        (repo / "site.yaml").read_text("utf-8") + "per_page: 30\n", "utf-8"),
                    "new-shop": lambda: new_shop(repo, args)}
        for branch, change in branches.items():
            git(repo, "checkout", "-q", "-b", branch, "main")
            change()
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", branch)
        print(f"{args.shops} shops, {files} files in the repository; median of {args.runs} runs")
        for branch in branches:
            command = [sys.executable, "-m", "generator", "pr-check", "--root", str(repo), "--base", "main",
                       "--head", branch, "--author", AUTHOR, "--format", "json"]
            seconds, status = timed(command, args.runs)
            print(f"pr-check {branch:<10} {seconds:6.2f} s   exit {status}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
