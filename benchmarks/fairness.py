"""Fairness of the daily rotation over 30 simulated days, for listings of several sizes.

    python benchmarks/fairness.py [--days 30] [--slots 24] [--starts 200]

For each listing size it runs `--starts` different 30-day windows (spread over ten years of build
dates) and prints, over all of them: the fair share of first-page days (30 × slots / shops), the
fewest and most days any shop was on the first page, the largest distance from the fair share, and
the fewest and most days any shop held first place.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import rotation  # noqa: E402


def window(shops: int, slots: int, start: int, days: int):
    slugs = [f"shop-{n:05}" for n in range(shops)]
    on_first, first = collections.Counter(), collections.Counter()
    for day in range(start, start + days):
        order = rotation.order("category:tea", slugs, day, slots)
        on_first.update(order[:slots])
        first[order[0]] += 1
    return [on_first[s] for s in slugs], [first[s] for s in slugs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--slots", type=int, default=24)
    parser.add_argument("--starts", type=int, default=200)
    args = parser.parse_args()
    print(f"{args.days} days, {args.slots} slots on a first page, {args.starts} windows of build dates each\n")
    print("| shops | fair share (days) | fewest | most | largest distance | first place: fewest | most | ms per order |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for shops in (5, 25, 100, 1000):
        share = args.days * min(args.slots, shops) / shops
        low = high = None
        distance, first_low, first_high, spent, orders = 0.0, None, None, 0.0, 0
        for n in range(args.starts):
            start = 730_000 + n * 3653 // args.starts  # spread over ten years of build dates
            began = time.perf_counter()
            shown, first = window(shops, args.slots, start, args.days)
            spent += time.perf_counter() - began
            orders += args.days
            low = min(shown) if low is None else min(low, min(shown))
            high = max(shown) if high is None else max(high, max(shown))
            distance = max(distance, max(abs(count - share) for count in shown))
            first_low = min(first) if first_low is None else min(first_low, min(first))
            first_high = max(first) if first_high is None else max(first_high, max(first))
        print(f"| {shops:,} | {share:.2f} | {low} | {high} | {distance:.2f} | {first_low} | {first_high} | "
              f"{1000 * spent / orders:.3f} |")


if __name__ == "__main__":
    main()
