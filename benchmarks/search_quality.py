"""How well shopdir's own search finds what visitors ask for: recall and precision of the query sets
in tests/search/ (Chinese on the example in content/, English on tests/search/site-en/).

    python benchmarks/search_quality.py [--kinds] [--misses] [--sweep]
    python benchmarks/search_quality.py --set zh --out OUT [--base /]   # a site already built into OUT

Without --out, each set's index is made from its site's content as a build makes it. Recall is
the share of expected pages found, precision the share of found pages that were expected, over
every query of a set; --kinds prints them for each kind of query, --misses lists what was missed
and what was found unasked. --sweep also asks every run of 3 to 5 Chinese characters of the
example's texts, each expecting the pages that hold it whole (tests/search/reference.py).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.search import reference  # noqa: E402
from tests.search.quality import SETS, Figures, Index, evaluate, index_files, load_queries  # noqa: E402


def figures(name: str, out: Path | None = None, base: str = "/") -> tuple[Figures, list[Figures]]:
    """One set's figures, all queries together and by kind of query."""
    root, path = SETS[name]
    if out is None:
        files, base = index_files(root)
        index = Index.from_files(files, base)
    else:
        index = Index.from_folder(out, base)
    queries = load_queries(path)
    kinds = defaultdict(list)
    for query in queries:
        kinds[query.kind].append(query)
    return evaluate(index, queries, name), [evaluate(index, group, f"  {name} {kind}") for kind, group in kinds.items()]


def row(f: Figures) -> str:
    return (f"{f.name:<16} {f.queries:>7} {f.expected:>8} {f.found:>6} {f.right:>6} "
            f"{f.recall:>8.1%} {f.precision:>9.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only this set (repeatable)")
    parser.add_argument("--out", type=Path, help="a site already built with the own search (needs one --set)")
    parser.add_argument("--base", default="/", help="the built site's base path (with --out)")
    parser.add_argument("--kinds", action="store_true", help="figures for each kind of query too")
    parser.add_argument("--misses", action="store_true", help="list missed and unasked pages")
    parser.add_argument("--sweep", action="store_true", help="also every run of 3-5 Chinese characters of the example")
    args = parser.parse_args(argv)
    names = args.set or sorted(SETS, key=lambda n: n != "zh")
    if args.out and len(names) != 1:
        parser.error("--out needs exactly one --set")
    print(f"{'set':<16} {'queries':>7} {'expected':>8} {'found':>6} {'right':>6} {'recall':>8} {'precision':>9}")
    for name in names:
        total, kinds = figures(name, args.out, args.base)
        print(row(total))
        for kind in kinds if args.kinds else ():
            print(row(kind))
        if args.misses:
            for line in [f"    missed   {m}" for m in total.missed] + [f"    unasked  {e}" for e in total.extra]:
                print(line)
    if args.sweep:
        files, base = index_files(SETS["zh"][0])
        swept = reference.sweep(Index.from_files(files, base))
        print(row(swept))
        wider = len({extra.rsplit(": ", 1)[0] for extra in swept.extra})
        print(f"  {wider} of {swept.queries} phrases also find pages that hold their pairs apart, not the phrase")
        if args.misses:
            for line in [f"    missed   {m}" for m in swept.missed] + [f"    unasked  {e}" for e in swept.extra]:
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
