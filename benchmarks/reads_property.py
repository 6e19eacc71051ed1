"""The longer run of the recorded-dependency property test (tests/cli/test_page_reads.py).

    python benchmarks/reads_property.py --seeds 5 --steps 60 [--serve]

For each seed, a small directory takes --steps random edits (shops, products, categories, curation,
a text page, the theme, pictures); after each, a build that keeps the last build's record of what
each page read (and, with --serve, the shop folders and shops it read and judged, told which files
changed) must give exactly the bytes of a build with no cache. Prints, per seed, the edits of each
kind, the pages made against the pages of the site, and the time; exits 1 at the first difference.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.cli.test_page_reads import edited  # noqa: E402


def run(seed: int, steps: int, serve: bool, folder: Path) -> tuple[bool, collections.Counter, int, int]:
    kinds: collections.Counter = collections.Counter()
    made = pages = 0
    for step, (kind, result, same) in enumerate(edited(seed, steps, serve, folder)):
        kinds[kind] += 1
        if not same:
            print(f"seed {seed}, step {step} ({kind}): the build differs from a clean one", flush=True)
            return False, kinds, made, pages
        made += result.stats["made"]
        pages += result.pages
    return True, kinds, made, pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--serve", action="store_true", help="build as shopdir serve does")
    args = parser.parse_args()
    for seed in range(1, args.seeds + 1):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="shopdir-reads-") as folder:
            ok, kinds, made, pages = run(seed, args.steps, args.serve, Path(folder))
        if not ok:
            return 1
        print(f"seed {seed}: {args.steps} edits equal to clean builds; pages made {made:,} of {pages:,} "
              f"({made / max(pages, 1):.0%}); {time.perf_counter() - started:.1f} s; "
              + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
