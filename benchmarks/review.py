"""How long `shopdir review` takes for a one-product pull request, beside an incremental build of it.

    python benchmarks/review.py [--shops 1000] [--products 10] [--runs 3] [--keep DIR]

A synthetic directory (synth.py, no pictures) is committed on `main` in a git repository; a branch `pr`
adds a sentence to one product's text. Measured as whole processes, medians of --runs:

- incremental build: `shopdir build --no-search` of main (untimed, warms .cache and output/), then of
  the pull request's files into the same output and cache;
- review, cold: `shopdir review --base main --head pr` with no cache (a CI job without one);
- review, after another: with a --cache-dir that a review of another pull request (branch `other`, one
  other product edited) filled just before: the base is not built again, the head is built over the
  other pull request's head;
- review, again: the same revisions reviewed again with that cache (nothing is built).
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


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=b@example.org", *args],
                   check=True, capture_output=True)


def git_has(repo: Path, branch: str) -> bool:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", branch],
                          capture_output=True).returncode == 0


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and leave it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="shopdir-bench-review-"))
    shopdir = [sys.executable, "-m", "generator"]
    try:
        site = work / "site"
        if not site.exists():
            synth.generate(site, args.shops, args.products, 0)
            git(site, "init", "-q", "-b", "main")
            git(site, "add", "-A")
            git(site, "commit", "-qm", "base")
            product = sorted((site / "content" / "shops").glob("*/products/*.md"))[0]
            git(site, "checkout", "-qb", "pr")
            product.write_text(product.read_text("utf-8") + "\n改了一句话。\n", "utf-8")
            git(site, "commit", "-qam", "one product edited")
            git(site, "checkout", "-q", "main")
        if not git_has(site, "other"):
            other = sorted((site / "content" / "shops").glob("*/products/*.md"))[-1]
            git(site, "checkout", "-qb", "other", "main")
            other.write_text(other.read_text("utf-8") + "\n另一个改动。\n", "utf-8")
            git(site, "commit", "-qam", "another product edited")
            git(site, "checkout", "-q", "main")
        env_root = ["--root", str(site)]
        builds, cold, warm, again = [], [], [], []
        for run in range(args.runs):
            out, cache = work / f"out-{run}", work / f"cache-{run}"
            git(site, "checkout", "-q", "main")
            timed([*shopdir, "build", *env_root, "--out", str(out), "--cache-dir", str(cache), "--no-search", "-q"], site)
            git(site, "checkout", "-q", "pr")
            builds.append(timed([*shopdir, "build", *env_root, "--out", str(out), "--cache-dir", str(cache),
                                 "--no-search", "-q"], site))
            git(site, "checkout", "-q", "main")
            review = [*shopdir, "review", *env_root, "--base", "main", "--head", "pr", "--out", str(work / "r.md")]
            cold.append(timed(review, site))
            warm_cache = work / f"review-cache-{run}"
            shutil.rmtree(warm_cache, ignore_errors=True)
            timed([*shopdir, "review", *env_root, "--base", "main", "--head", "other", "--out", str(work / "o.md"),
                   "--cache-dir", str(warm_cache)], site)
            warm.append(timed([*review, "--cache-dir", str(warm_cache)], site))
            again.append(timed([*review, "--cache-dir", str(warm_cache)], site))
        build, c, w, a = (statistics.median(x) for x in (builds, cold, warm, again))
        print(f"{args.shops} shops x {args.products} products, medians of {args.runs} (seconds)\n")
        print("| measure | seconds | × incremental build |")
        print("| --- | ---: | ---: |")
        print(f"| incremental build, one product edited, no search | {build:.2f} | 1.00 |")
        print(f"| review, no cache | {c:.2f} | {c / build:.2f} |")
        print(f"| review, cache kept from another pull request's review | {w:.2f} | {w / build:.2f} |")
        print(f"| review, the same revisions again | {a:.2f} | {a / build:.2f} |")
        print("\n" + (work / "r.md").read_text("utf-8").splitlines()[0])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
