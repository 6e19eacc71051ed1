"""How long `shopdir check` takes (it plans and renders every page, writing nothing), beside a cold build.

    python benchmarks/check.py --shops 1000 --products 10 --images 2

Generates the directory with synth.py into a temporary folder (or uses --site DIR), then times, each
as a separate process: `shopdir check`, `shopdir check --format json`, and a cold `shopdir build`
(empty cache, new output folder; left out with --no-build). Prints one line per measure.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402


def timed(command: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--images", type=int, default=2)
    parser.add_argument("--site", type=Path, help="an existing site to time, instead of a generated one")
    parser.add_argument("--no-build", action="store_true", help="skip the cold build (minutes with pictures)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="shopdir-check-bench-"))
    try:
        site = args.site
        if site is None:
            site = work / "site"
            synth.main([str(site), "--shops", str(args.shops), "--products", str(args.products),
                        "--images", str(args.images)])
        shopdir = [sys.executable, "-m", "generator"]
        measures = [("check", shopdir + ["check", "--root", str(site)]),
                    ("check --format json", shopdir + ["check", "--root", str(site), "--format", "json"])]
        if not args.no_build:
            measures.append(("cold build", shopdir + ["build", "-q", "--root", str(site), "--out", str(work / "out"),
                                                      "--cache-dir", str(work / "cache")]))
        for name, command in measures:
            seconds, status = timed(command)
            print(f"{name:<22} {seconds:7.1f} s   exit {status}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
